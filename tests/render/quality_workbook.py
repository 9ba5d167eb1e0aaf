"""A small partner-survey workbook whose real tie quality the map and report tests draw.

Four partners, three ties, two of the four answered (the ``responses`` sheet):

- A-B, **confirmed**: A's row says weekly and scores B 4, 4, 4 on trust (no value scores);
  B's row says daily and scores A 3, 3, 3 on trust and 2, 2, 2 on value. The sides differ
  on the frequency and on the three trust scores; the pair's frequency is the less frequent
  of the two tied answers (weekly, rank 4), its trust the mean of the six trust scores
  (3.5), its value the mean of the three value scores (2);
- B-C, **one-sided**: only B names it, yearly (rank 1), trust 1, 1, 1 (C's trust 1);
- C-D, the map's **own record** (no ``reported_by``): no frequency, no score.

By hand, on the partners (a partner's scores are those the others gave it):
A trust 3, value 2 (rated by B); B trust 4, value none (rated by A); C trust 1 (rated by
B); D not rated. A and B are relied on by one partner each (their weekly tie). A and C
are community colleges (category Education), B a local WIB (Workforce Development), D a
community-based organisation (CBOs): by category (each scored partner once) Education
trust (3 + 1) / 2 = 2 and value 2, Workforce Development trust 4, CBOs no score; the
network trust (3 + 4 + 1) / 3 = 2.666667 and value 2, from 2 raters (A and B).
"""

from __future__ import annotations

AS_OF = "2026-11-24"
HOSTILE = "<img src=x onerror=alert(1)>"

_TIES = ["source_id", "target_id", "kind", "frequency", "reliability", "mission_support", "openness",
         "power_influence", "involvement", "resource_contribution", "reported_by"]  # fmt: skip


def sheets(d_name: str = "Dental clinic") -> dict[str, list[list[str]]]:
    """The workbook, ``{sheet: rows}`` (D's name can be changed, e.g. to a hostile one)."""
    return {
        "partners": [
            ["id", "name", "agency_type", "level", "region"],
            ["A", "Agency", "CC", "local", "North"],
            ["B", "Board", "WIB", "local", "North"],
            ["C", "Clinic", "CC", "local", "South"],
            ["D", d_name, "CBO", "local", "South"],
        ],
        "ties": [
            _TIES,
            ["A", "B", "collaboration", "weekly", "4", "4", "4", "", "", "", "A"],
            ["B", "A", "collaboration", "daily", "3", "3", "3", "2", "2", "2", "B"],
            ["B", "C", "referral", "yearly", "1", "1", "1", "", "", "", "B"],
            ["C", "D", "collaboration", "", "", "", "", "", "", "", ""],
        ],
        "responses": [
            ["partner_id", "answered_on", "form"],
            ["A", "2026-11-02", "intake-A.xlsx"],
            ["B", "2026-11-05", "intake-B.xlsx"],
        ],
    }
