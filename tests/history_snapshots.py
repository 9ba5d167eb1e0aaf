"""Four quarterly snapshots of the Tucson example, made by the tests of ``netmap history``.

q1 is the example as it is; q2 adds a partner (Banner Health, an employer: no gap moves);
q3 also ends the data-sharing agreement TA05 on 2026-05-31; q4 also adds the University of
Arizona (closing the "Local universities" gap) and drops the TIC-PCOS tie. Each folder's
files carry its quarter's date as their modification time, the date history reads.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
from pathlib import Path

from tests.conftest import EXAMPLES

TUCSON = EXAMPLES / "tucson-behavioral-health"
DATES = {"q1": "2026-01-15", "q2": "2026-03-15", "q3": "2026-06-15", "q4": "2026-07-15"}
SHUFFLED = ["q3", "q1", "q4", "q2"]
BANNER = ["BNR", "Banner Health Tucson", "employer", "local", "Pima County", "stakeholder", "active"]
UNIVERSITY = ["UA", "University of Arizona", "Local universities", "local", "Pima County", "stakeholder", "active"]
TA05 = ("2025-03-01,2028-02-29,active", "2025-03-01,2026-05-31,active")
TIE = "TIC,PCOS,referral,3,no,Two-way referrals of NAOPN clients\n"


def _add_partner(folder: Path, row: list[str]) -> None:
    with open(folder / "partners.csv", "a", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(row)


def _edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise ValueError(f"{old!r} is not in {path}: the example changed")
    path.write_text(text.replace(old, new), encoding="utf-8")


def dated(folder: Path, day: str) -> Path:
    """``folder`` with every file's modification time set to noon of ``day``."""
    stamp = dt.datetime.fromisoformat(f"{day}T12:00:00").timestamp()
    for f in folder.iterdir():
        os.utime(f, (stamp, stamp))
    return folder


def make_snapshots(root: Path) -> dict[str, Path]:
    """The four snapshot folders under ``root``, by label."""
    made = {name: Path(shutil.copytree(TUCSON, root / name)) for name in DATES}
    for name in ("q2", "q3", "q4"):
        _add_partner(made[name], BANNER)
    for name in ("q3", "q4"):
        _edit(made[name], "agreements.csv", *TA05)
    _add_partner(made["q4"], UNIVERSITY)
    _edit(made["q4"], "ties.csv", TIE, "")
    return {name: dated(folder, DATES[name]) for name, folder in made.items()}
