"""The fixed vocabulary of netmap: sheets and columns, node labels, relationship types.

Everything that may end up as a Neo4j label, a relationship type or a choice in a
workbook drop-down lives here as a constant, so that nothing of that kind is ever
taken from the data (see DESIGN section 4 and 7).

Examples
--------
>>> from netmap.model import SHEETS
>>> [c.name for c in SHEETS["roles"].columns]
['partner_id', 'role', 'notes', 'lead']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "AGREEMENT_STATUSES",
    "AGREEMENT_TYPES",
    "DATE_PROPERTIES",
    "FUNDING_SOURCES",
    "LEVELS",
    "NODE_LABELS",
    "PARTNER_STATUSES",
    "REL_ENDPOINTS",
    "REL_TYPES",
    "SHEETS",
    "SHEET_ORDER",
    "TEAMS",
    "TIE_KINDS",
    "Column",
    "Sheet",
    "header_key",
]

# --- node labels and relationship types (DESIGN section 4) -----------------------

NODE_LABELS: tuple[str, ...] = (
    "Partner",
    "AgencyType",
    "Category",
    "Role",
    "Agreement",
    "FundingStream",
    "Service",
    "Population",
    "Region",
    "Person",
)

REL_TYPES: tuple[str, ...] = (
    "IS_A",  # Partner -> AgencyType
    "IN_CATEGORY",  # AgencyType -> Category
    "PERFORMS",  # Partner -> Role
    "PARTY_TO",  # Partner -> Agreement
    "FUNDS",  # FundingStream -> Partner {amount, start, end}
    "ADMINISTERS",  # Partner -> FundingStream
    "PROVIDES",  # Partner -> Service {population}
    "SERVES",  # Partner -> Population {service}
    "IN_REGION",  # Partner -> Region
    "WORKS_AT",  # Person -> Partner
    "TIED_TO",  # Partner -> Partner {kind, strength, directed}
)

# The labels at each end of every relationship type: the store's loaders and readers
# match both ends by label, and the map draws them.
REL_ENDPOINTS: dict[str, tuple[str, str]] = {
    "IS_A": ("Partner", "AgencyType"),
    "IN_CATEGORY": ("AgencyType", "Category"),
    "PERFORMS": ("Partner", "Role"),
    "PARTY_TO": ("Partner", "Agreement"),
    "FUNDS": ("FundingStream", "Partner"),
    "ADMINISTERS": ("Partner", "FundingStream"),
    "PROVIDES": ("Partner", "Service"),
    "SERVES": ("Partner", "Population"),
    "IN_REGION": ("Partner", "Region"),
    "WORKS_AT": ("Person", "Partner"),
    "TIED_TO": ("Partner", "Partner"),
}
# Properties stored as dates (sent to the database as ISO text, converted there).
DATE_PROPERTIES: dict[str, tuple[str, ...]] = {
    "Agreement": ("signed", "expires"),
    "FUNDS": ("start", "end"),
    "TIED_TO": ("start", "end"),
}

# Properties the store puts on every stored node or relationship to find it (its map, version
# and lookup key ``uid``) and to keep its order. An attribute of the same name would be
# overwritten by the store, so a workbook column never becomes one (netmap.build.extra_attr).
STORE_PROPERTIES: frozenset[str] = frozenset({"map_id", "version", "id", "key", "uid", "_order"})

# --- controlled vocabularies ------------------------------------------------------

LEVELS: tuple[str, ...] = ("state", "regional", "local", "national")
TEAMS: tuple[str, ...] = ("leadership", "operations", "stakeholder")

# How often two partners work together (ties.frequency), least to most often; the rank
# (1-5) is what a tie's width and the frequency weight use.
FREQUENCIES: tuple[str, ...] = ("yearly", "quarterly", "monthly", "weekly", "daily")

# The relationship-quality scores of a ties row (issue 22), each 1 (not at all) to 4 (a
# great deal), as partnership surveys ask them: three on trust, three on value. A tie's
# trust is the mean of the trust scores given, its value the mean of the value scores.
TRUST_SCORES: tuple[str, ...] = ("reliability", "mission_support", "openness")
VALUE_SCORES: tuple[str, ...] = ("power_influence", "involvement", "resource_contribution")
SCORES: tuple[str, ...] = TRUST_SCORES + VALUE_SCORES
SCORE_MIN, SCORE_MAX = 1, 4
# The survey columns of the ties sheet, as edge attributes of the same names.
TIE_SURVEY_COLUMNS: tuple[str, ...] = ("frequency", *SCORES, "reported_by")

# Whether a partner leads a role or supports it (roles.lead).
ROLE_LEADS: tuple[str, ...] = ("lead", "support")
PARTNER_STATUSES: tuple[str, ...] = ("active", "prospective", "former")
AGREEMENT_TYPES: tuple[str, ...] = ("MOU", "MOA", "articulation", "data-sharing", "other")
AGREEMENT_STATUSES: tuple[str, ...] = ("draft", "active", "expired", "terminated")
FUNDING_SOURCES: tuple[str, ...] = ("federal", "state", "local", "private", "philanthropic")
# Partner-partner tie kinds. "funding" and "agreement" are not listed: those ties
# come from the funding and agreements sheets, not from the ties sheet.
TIE_KINDS: tuple[str, ...] = (
    "collaboration",
    "referral",
    "data-sharing",
    "advisory",
    "co-delivery",
    "co-location",
    "governance",
    "other",
)


# --- sheet and column specs (DESIGN section 2) ------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a workbook sheet.

    ``kind`` says how a cell is parsed and checked: ``text``, ``id`` (unique within the
    sheet), ``ref`` (a partner id), ``refs`` (partner ids separated by ``;``),
    ``choice`` (one of ``choices``), ``date``, ``amount`` (a number >= 0),
    ``strength`` (an integer 1-3), ``score`` (an integer 1-4), ``bool`` (yes/no), ``agency_type``, ``role``,
    ``population``, ``email``; ``count`` (a whole number >= 0), ``list`` (texts separated
    by ``;``), ``populations`` (populations separated by ``;``), ``service`` (matched
    against the service taxonomy, kept as written when it matches nothing).
    """

    name: str
    kind: str = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""
    width: int = 18


@dataclass(frozen=True)
class Sheet:
    """One sheet of the netmap workbook: its columns and what a row means."""

    name: str
    columns: tuple[Column, ...]
    help: str
    required: bool = False
    personal: bool = False
    key: tuple[str, ...] = field(default=())

    def column(self, name: str) -> Column | None:
        for col in self.columns:
            if col.name == name:
                return col
        return None

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


SHEETS: dict[str, Sheet] = {
    "partners": Sheet(
        "partners",
        (
            Column("id", "id", True, help="Unique id of the partner, e.g. P001. Read as text.", width=10),
            Column("name", "text", True, help="Name of the organisation.", width=34),
            Column(
                "agency_type",
                "agency_type",
                True,
                help="Agency type from the roster, e.g. 'Local WIB' or 'Local community colleges'.",
                width=34,
            ),
            Column("level", "choice", choices=LEVELS, help="state, regional, local or national.", width=11),
            Column("region", "text", help="Region the partner belongs to (local and regional partners).", width=18),
            Column("team", "choice", choices=TEAMS, help="leadership, operations or stakeholder.", width=13),
            Column("status", "choice", choices=PARTNER_STATUSES, help="active, prospective or former.", width=12),
            Column("industry", "text", help="Industry sector, for employers.", width=16),
            Column("website", "text", help="Website address.", width=24),
            Column("notes", "text", help="Anything else worth knowing.", width=30),
        ),
        help="One row per organisation in the partnership.",
        required=True,
        key=("id",),
    ),
    "roles": Sheet(
        "roles",
        (
            Column("partner_id", "ref", True, help="Id of a partner in the partners sheet.", width=12),
            Column("role", "role", True, help="Functional role from the role chart.", width=40),
            Column("notes", "text", help="How the partner plays this role.", width=30),
            Column("lead", "choice", choices=ROLE_LEADS, help="lead or support (blank: not said).", width=10),
        ),
        help="One row per functional role a partner plays.",
        key=("partner_id", "role"),
    ),
    "agreements": Sheet(
        "agreements",
        (
            Column("id", "id", True, help="Unique id of the agreement, e.g. A01.", width=10),
            Column("parties", "refs", True, help="Partner ids of the parties, separated by ';'.", width=24),
            Column("title", "text", help="Title of the agreement.", width=30),
            Column(
                "type",
                "choice",
                choices=AGREEMENT_TYPES,
                help="MOU, MOA, articulation, data-sharing or other.",
                width=14,
            ),
            Column("signed", "date", help="Date signed, as YYYY-MM-DD.", width=12),
            Column("expires", "date", help="Expiry date, as YYYY-MM-DD.", width=12),
            Column(
                "status", "choice", choices=AGREEMENT_STATUSES, help="draft, active, expired or terminated.", width=12
            ),
        ),
        help="One row per written agreement (MOU, MOA, articulation, data sharing).",
        key=("id",),
    ),
    "funding": Sheet(
        "funding",
        (
            Column("id", "id", True, help="Unique id of this funding award, e.g. F01.", width=10),
            Column("stream", "text", True, help="Funding stream, e.g. 'WIOA Title I Adult'.", width=26),
            Column("recipient_id", "ref", True, help="Partner id of the recipient.", width=13),
            Column(
                "funder_id", "ref", help="Partner id of the funder or administering partner, if a partner.", width=12
            ),
            Column(
                "source",
                "choice",
                choices=FUNDING_SOURCES,
                help="federal, state, local, private or philanthropic.",
                width=13,
            ),
            Column("program", "text", help="Program the money pays for.", width=24),
            Column("amount", "amount", help="Amount in dollars (a number, no formulas).", width=12),
            Column("start", "date", help="Start date, as YYYY-MM-DD.", width=12),
            Column("end", "date", help="End date, as YYYY-MM-DD.", width=12),
        ),
        help="One row per award of a funding stream to a partner.",
        key=("id",),
    ),
    "ties": Sheet(
        "ties",
        (
            Column("source_id", "ref", True, help="Partner id at one end.", width=11),
            Column("target_id", "ref", True, help="Partner id at the other end.", width=11),
            Column(
                "kind",
                "choice",
                choices=TIE_KINDS,
                help="collaboration, referral, data-sharing, advisory, ...",
                width=14,
            ),
            Column("strength", "strength", help="1 (weak) to 3 (strong).", width=10),
            Column("directed", "bool", help="yes if the tie runs one way (source to target).", width=10),
            Column("notes", "text", help="What the tie is about.", width=30),
            Column("start", "date", help="When the tie began, as YYYY-MM-DD (blank: always).", width=12),
            Column("end", "date", help="When it ended, as YYYY-MM-DD (blank: still running).", width=12),
            Column(
                "frequency",
                "choice",
                choices=FREQUENCIES,
                help="How often they work together: yearly, quarterly, monthly, weekly or daily.",
                width=12,
            ),
            Column("reliability", "score", help="Trust: does the other follow through? 1 (not at all) to 4.", width=11),
            Column("mission_support", "score", help="Trust: does it share the mission? 1 to 4.", width=11),
            Column("openness", "score", help="Trust: is it open to discussion? 1 to 4.", width=11),
            Column("power_influence", "score", help="Value: its power and influence. 1 to 4.", width=11),
            Column("involvement", "score", help="Value: its level of involvement. 1 to 4.", width=11),
            Column("resource_contribution", "score", help="Value: the resources it brings. 1 to 4.", width=11),
            Column(
                "reported_by",
                "ref",
                help="Partner id of who named this tie (a survey answer); blank: recorded for the map.",
                width=12,
            ),
        ),
        help="One row per working relationship between two partners.",
        key=("source_id", "target_id", "reported_by", "kind"),
    ),
    "services": Sheet(
        "services",
        (
            Column("partner_id", "ref", True, help="Id of the partner providing the service.", width=12),
            Column(
                "service",
                "service",
                True,
                help="Service provided, from the service list (e.g. 'Child care'); other names are kept.",
                width=30,
            ),
            Column(
                "population",
                "populations",
                help="Population(s) served, e.g. 'People with disabilities'; several separated by ';'.",
                width=28,
            ),
            Column("region", "text", help="Region where it is offered (blank: the partner's region).", width=16),
            Column("location", "text", help="Where it is offered: a site, address or city.", width=20),
            Column("capacity", "count", help="Seats or slots per year (a whole number).", width=10),
            Column("waitlist", "count", help="People waiting for it now (a whole number).", width=10),
            Column("eligibility", "text", help="Who may use it, e.g. 'ages 16-24, low income'.", width=24),
            Column("languages", "list", help="Languages it is offered in, separated by ';'.", width=18),
            Column("cost", "text", help="free, sliding scale, fee, ...", width=12),
            Column("funding_id", "text", help="Id of the funding award that pays for it (funding sheet).", width=12),
            Column(
                "accepts_referrals_from",
                "refs",
                help="Partner ids it takes referrals from, separated by ';'.",
                width=20,
            ),
            Column("refers_to", "refs", help="Partner ids it refers people on to, separated by ';'.", width=16),
        ),
        help="One row per service a partner provides (and to whom, where, how many).",
        key=("partner_id", "service", "population"),
    ),
    "contacts": Sheet(
        "contacts",
        (
            Column("partner_id", "ref", True, help="Id of the partner the person works at.", width=12),
            Column("name", "text", True, help="Name of the person (personal data).", width=22),
            Column("title", "text", help="Job title.", width=22),
            Column("email", "email", help="Email address (personal data).", width=26),
            Column("phone", "text", help="Phone number (personal data).", width=16),
            Column("champion", "bool", help="yes if this person champions the partnership.", width=11),
        ),
        help="People at partner organisations. Personal data: never shown on maps unless asked.",
        personal=True,
        key=("partner_id", "name"),
    ),
    "needs": Sheet(
        "needs",
        (
            Column("region", "text", True, help="Region, as written in the partners sheet.", width=16),
            Column("population", "population", True, help="Population, e.g. 'English learners'.", width=28),
            Column("count", "count", True, help="How many people of that population live there.", width=10),
        ),
        help="How many people of each population live in each region (for seats per 1,000).",
        key=("region", "population"),
    ),
    "responses": Sheet(
        "responses",
        (
            Column("partner_id", "ref", True, help="Id of a partner that answered the partner survey.", width=12),
            Column("answered_on", "date", help="When its answers came back, as YYYY-MM-DD.", width=12),
            Column("form", "text", help="The returned form (file name) its answers came from.", width=30),
        ),
        help="Who answered the partner survey (written by netmap merge): the rest have not answered yet.",
        key=("partner_id",),
    ),
}

SHEET_ORDER: tuple[str, ...] = tuple(SHEETS)


def header_key(name: str) -> str:
    """Column names are case-insensitive; spaces and hyphens count as underscores.

    >>> header_key(" Agency-Type ")
    'agency_type'
    """
    return re.sub(r"[\s\-]+", "_", name.strip().casefold())


# The session worksheet (issue 20 part 3): written by netmap.export.worksheet, read back by
# netmap.ingest.worksheet. A sheet whose cell A1 holds WORKSHEET_MARKER is a region sheet of
# a worksheet; its hidden row 2 starts with WORKSHEET_IDS and holds the region and the
# population ids. The help sheet is for people and never read as data.
WORKSHEET_MARKER = "netmap-worksheet"
WORKSHEET_IDS = "netmap:ids"
WORKSHEET_HELP_SHEET = "how to fill"
WORKSHEET_ANY_POPULATION = "(any population)"

# The partner intake form (issue 22): written by netmap.export.survey, read back by
# netmap.ingest.form. A workbook with a sheet whose cell A1 holds FORM_MARKER is a form; that
# (hidden) sheet holds, below a header row, the respondent's partner id, the map and the form
# version as key/value rows. FORM_VERSION changes when the layout the reader expects changes.
FORM_MARKER = "netmap-form"
FORM_VERSION = 1

# The "Issues" sheet of a workbook annotated by `netmap validate --annotate` starts with this
# in cell A1; reading the workbook again skips it (it is netmap's note, not data).
ISSUES_SHEET_MARKER = "netmap validate:"
