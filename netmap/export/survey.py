"""Write partner intake forms: one ``.xlsx`` workbook per partner to fill in (issue 22).

``netmap survey SOURCE -o DIR`` sends each active partner a form asking what the map
should say about it: its own row, its services, the roles it plays (lead or support), whom
it works with, how often and how it rates each relationship (trust: reliability, support of
the mission, openness to discussion; value: power/influence, involvement, resource
contribution; each 1-4), and the agreements and funding it knows of. The filled form is
read back by :mod:`netmap.ingest.form` as netmap's own sheets.

The layout (what the reader relies on)
    Sheets ``README`` (for people; never read as data), ``About you``, ``Services``,
    ``Roles``, ``Partners``, ``Agreements``, ``Funding``, and two hidden ones: ``lists`` (the
    drop-down values) and ``netmap-form``, whose cell A1 holds :data:`netmap.model.FORM_MARKER`
    and whose rows hold ``partner_id``, ``map`` and ``form_version``. Every answer sheet has
    its header in row 1 (netmap column names) and one row per answer below it.

What is never in a form: anyone's contact data (the contacts sheet is not read; no email
or phone column exists), any formula (every text goes through
:func:`netmap.outputs.set_cell`), any macro, any protection. The same map gives the same
bytes: the workbook's created and modified times and the zip entries' times are fixed.

Examples
--------
>>> import netmap, tempfile
>>> G = netmap.read_graph("examples/tucson-behavioral-health")
>>> paths = write_forms(G, tempfile.mkdtemp(), partners=["TIC"])
>>> [p.name for p in paths]
['intake-TIC.xlsx']
>>> import openpyxl
>>> openpyxl.load_workbook(paths[0]).sheetnames
['README', 'About you', 'Services', 'Roles', 'Partners', 'Agreements', 'Funding', 'lists', 'netmap-form']
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from netmap.analysis._common import is_active
from netmap.errors import UsageError
from netmap.model import (
    AGREEMENT_STATUSES,
    AGREEMENT_TYPES,
    FORM_MARKER,
    FORM_VERSION,
    FREQUENCIES,
    FUNDING_SOURCES,
    LEVELS,
    PARTNER_STATUSES,
    ROLE_LEADS,
    SCORE_MAX,
    SCORE_MIN,
    SCORES,
    TEAMS,
    TIE_KINDS,
)
from netmap.outputs import Inputs, set_cell, write_folder
from netmap.roster import Roster, load_roster
from netmap.sheets import sheet_rows

__all__ = [
    "ABOUT_COLUMNS",
    "AGREEMENT_COLUMNS",
    "FUNDING_COLUMNS",
    "PARTNER_COLUMNS",
    "PLAYS",
    "ROLE_COLUMNS",
    "SERVICE_COLUMNS",
    "SHEET_TITLES",
    "form_bytes",
    "form_names",
    "write_forms",
]

# The answer sheets' columns (row 1 of each sheet), in order. The reader finds them by name.
ABOUT_COLUMNS = (
    "id", "name", "agency_type", "level", "region", "team", "status", "industry", "website", "notes", "answered_on",
)  # fmt: skip
SERVICE_COLUMNS = (
    "service", "population", "region", "location", "capacity", "waitlist", "eligibility", "languages", "cost",
)  # fmt: skip
ROLE_COLUMNS = ("role", "plays", "notes")
PARTNER_COLUMNS = (
    "id", "name", "agency_type", "region", "category", "on_the_map", "works_together", "kind", "frequency",
    *SCORES, "notes",
)  # fmt: skip
AGREEMENT_COLUMNS = ("id", "parties", "title", "type", "signed", "expires", "status")
FUNDING_COLUMNS = ("id", "stream", "funder_id", "source", "program", "amount", "start", "end")
# The answers of the Roles sheet's "plays" column: lead, support, or yes (plays it, not said which).
PLAYS: tuple[str, ...] = (*ROLE_LEADS, "yes")
SHEET_TITLES = ("About you", "Services", "Roles", "Partners", "Agreements", "Funding")
META_SHEET = FORM_MARKER
LISTS_SHEET = "lists"
EMPTY_ROWS = 10  # blank rows (with drop-downs) below the pre-filled ones, for additions
# Every form carries this time as created and modified, so the same map gives the same bytes.
_FIXED_TIME = "2000-01-01T00:00:00Z"
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}

_HELP = {
    "id": "netmap's id of the partner; leave it as it is.",
    "name": "The organisation's name: correct it if it is wrong.",
    "answered_on": "Today's date, as YYYY-MM-DD: when you answered this form.",
    "service": "A service you provide (e.g. 'Child care').",
    "population": "Who it is for; several separated by ';'.",
    "capacity": "Seats or slots a year (a whole number).",
    "plays": "lead: you lead this role; support: you support it; yes: you play it; blank: you do not.",
    "works_together": "yes if your organisation works with this partner; no or blank if not.",
    "kind": "What kind of work: " + ", ".join(TIE_KINDS) + ".",
    "frequency": "How often you work together: " + ", ".join(FREQUENCIES) + ".",
    "reliability": "Trust: does this partner follow through on commitments? 1 (not at all) to 4 (a great deal).",
    "mission_support": "Trust: does it support the mission of the partnership? 1 to 4.",
    "openness": "Trust: is it open to discussion? 1 to 4.",
    "power_influence": "Value: how much power and influence does it bring? 1 to 4.",
    "involvement": "Value: how involved is it in the partnership? 1 to 4.",
    "resource_contribution": "Value: how much does it contribute in resources? 1 to 4.",
    "on_the_map": "What the map already records between you (for information; not read back).",
    "parties": "Partner ids of the parties, separated by ';' (yours included).",
    "funder_id": "The funder's partner id, if it is a partner.",
}


def form_names(ids: Sequence[str]) -> list[str]:
    """A file name safe on any system for each partner id, distinct ignoring case.

    >>> form_names(["P001", "a/b", "A-B", "con", ""])
    ['intake-P001.xlsx', 'intake-a-b.xlsx', 'intake-A-B-2.xlsx', 'intake-con_.xlsx', 'intake-partner.xlsx']
    """
    taken: set[str] = set()
    out = []
    for pid in ids:
        base = _UNSAFE.sub("-", str(pid)).strip("-.")[:60] or "partner"
        if base.lower() in _WINDOWS_RESERVED:
            base += "_"
        name, n = base, 1
        while name.lower() in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name.lower())
        out.append(f"intake-{name}.xlsx")
    return out


def _readme(partner: dict[str, Any], map_name: str, roster: Roster) -> list[str]:
    scores = [
        ("reliability", "Trust: reliability - does the partner follow through on what it commits to?"),
        ("mission_support", "Trust: support of the mission - does it share and support the partnership's goals?"),
        ("openness", "Trust: openness to discussion - can you raise problems and disagree with it?"),
        ("power_influence", "Value: power and influence - can it make things happen in the community?"),
        ("involvement", "Value: level of involvement - how engaged is it in the partnership's work?"),
        ("resource_contribution", "Value: resource contribution - money, staff, space, data or expertise it brings"),
    ]
    return [
        f"Partner intake form for {partner.get('name') or partner['id']} ({partner['id']})",
        "",
        f"This form asks what the partnership map '{map_name}' should say about your organisation.",
        "Fill in the sheets below (tabs at the bottom), save the file as it is (.xlsx), and send it back.",
        "Cells with a drop-down offer the allowed answers; leave a cell blank when you do not know.",
        "",
        "About you: your organisation as the map records it. Correct what is wrong; write today's date in",
        "    answered_on (YYYY-MM-DD). Leave the id as it is.",
        "Services: the services you provide, and to whom (population), where, and how many seats a year",
        "    (capacity). Correct the rows already filled; add yours in the empty rows.",
        "Roles: every role of the partnership's role chart. In 'plays' choose:",
        "    lead = your organisation leads this role; support = you support others who lead it;",
        "    yes = you play it (lead or support not said); blank = you do not play it.",
        "Partners: one row per other partner, grouped by region, then category. For each partner you work with:",
        "    works_together = yes (no or blank: you do not work together, and the rest of the row is not read);",
        "    kind = what you do together: " + ", ".join(TIE_KINDS) + ";",
        "    frequency = how often: yearly, quarterly, monthly, weekly or daily (least to most often);",
        f"    then six scores, each {SCORE_MIN} (not at all) to {SCORE_MAX} (a great deal), about that partner"
        " as you see it:",
        *(f"      {key}: {text}" for key, text in scores),
        "    on_the_map shows what the map already records between you; it is not read back.",
        "Agreements: the written agreements (MOU, MOA, ...) you are party to. Correct them; add others, with",
        "    the parties' ids (from the Partners sheet) separated by ';'. A new one may leave its id blank.",
        "Funding: the funding awards your organisation receives. Correct them; add others (id may stay blank).",
        "",
        "Your answers are yours: the map records them as reported by your organisation. A relationship",
        "named by both partners is confirmed; one named by one side only is shown as one-sided.",
        "This form holds no contact details of anyone.",
        "",
        f"Roles and agency types are those of the roster '{roster.name}'.",
    ]


def _partners(G: nx.MultiDiGraph) -> dict[str, dict[str, Any]]:
    """Partner id -> node attributes of every active partner, in workbook order."""
    found = [
        (d.get("_row") or 0, d)
        for _, d in G.nodes(data=True)
        if d.get("label") == "Partner" and d.get("_sheet") == "partners" and is_active(d)
    ]
    return {d["id"]: d for _, d in sorted(found, key=lambda pair: pair[0])}


def _rows_of(G: nx.MultiDiGraph, sheet: str, column: str, pid: str) -> tuple[list[str], list[list[str]]]:
    header, rows = sheet_rows(G, sheet)
    keys = [h.strip().casefold() for h in header]
    if column not in keys:
        return keys, []
    at = keys.index(column)
    if sheet == "agreements":
        return keys, [r for r in rows if pid in [p.strip() for p in r[at].split(";")]]
    return keys, [r for r in rows if r[at] == pid]


def _pick(keys: list[str], row: list[str], columns: Iterable[str]) -> list[Any]:
    return [row[keys.index(c)] if c in keys and row[keys.index(c)] != "" else None for c in columns]


def form_bytes(G: nx.MultiDiGraph, partner_id: str, *, roster: Roster | None = None) -> bytes:
    """The intake form of partner ``partner_id`` as the bytes of an ``.xlsx`` file.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The map (:func:`netmap.read_graph`). Not modified.
    partner_id : str
        An active partner of ``G``.
    roster : Roster, optional
        The role chart and categories (default: the roster ``G`` was built with).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    roster = roster or load_roster(G.graph.get("roster"))
    partners = _partners(G)
    me = partners[partner_id]
    map_name = str(G.graph.get("map_id") or G.graph.get("source") or "")
    wb = Workbook()
    readme = wb.active
    readme.title = "README"
    for i, line in enumerate(_readme(me, map_name, roster), start=1):
        set_cell(readme.cell(row=i, column=1), line)
    for row in readme.iter_rows():
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    readme["A1"].font = Font(bold=True, size=14)
    readme.column_dimensions["A"].width = 110

    head_font, head_fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1F4E79")
    info_fill = PatternFill("solid", fgColor="EDEDED")
    group_font = Font(bold=True)

    lists = {
        "yes/no": ("yes", "no"),
        "kind": TIE_KINDS,
        "frequency": FREQUENCIES,
        "score": tuple(range(SCORE_MIN, SCORE_MAX + 1)),
        "plays": PLAYS,
        "agreement_type": AGREEMENT_TYPES,
        "agreement_status": AGREEMENT_STATUSES,
        "source": FUNDING_SOURCES,
        "level": LEVELS,
        "team": TEAMS,
        "status": PARTNER_STATUSES,
    }
    ranges: dict[str, str] = {}

    def sheet(title: str, columns: Sequence[str], rows: list[list[Any]], widths: dict[str, int]) -> Any:
        ws = wb.create_sheet(title)
        for c, name in enumerate(columns, start=1):
            cell = set_cell(ws.cell(row=1, column=c), name)
            cell.font, cell.fill = head_font, head_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.column_dimensions[get_column_letter(c)].width = widths.get(name, 14)
        for r, values in enumerate(rows, start=2):
            for c, value in enumerate(values, start=1):
                cell = ws.cell(row=r, column=c)
                if value is not None:
                    set_cell(cell, value)
                if isinstance(value, str):
                    cell.number_format = "@"  # ids like 007 stay text
        ws.freeze_panes = "A2" if title != "Partners" else "C2"
        return ws

    def drop_down(ws: Any, columns: Sequence[str], column: str, values: str, last: int, strict: bool = True) -> None:
        letter = get_column_letter(columns.index(column) + 1)
        dv = DataValidation(
            type="list",
            formula1=ranges[values],  # no "=": as Excel and LibreOffice write it
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop" if strict else "warning",
            errorTitle="netmap",
            error="Pick one answer of the list (or leave the cell blank).",
            showInputMessage=column in _HELP,
            promptTitle=column[:32],
            prompt=_HELP.get(column, "")[:255],
        )
        dv.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(dv)

    def prompt(ws: Any, columns: Sequence[str], column: str, last: int) -> None:
        letter = get_column_letter(columns.index(column) + 1)
        dv = DataValidation(showInputMessage=True, promptTitle=column[:32], prompt=_HELP[column][:255])
        dv.add(f"{letter}1:{letter}{last}")
        ws.add_data_validation(dv)

    for c, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(c)
        ranges[name] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}"

    # About you: the partner's own row, to confirm or correct.
    keys, own = _rows_of(G, "partners", "id", partner_id)
    about_row = _pick(keys, own[0], ABOUT_COLUMNS) if own else [partner_id, *([None] * (len(ABOUT_COLUMNS) - 1))]
    ws = sheet("About you", ABOUT_COLUMNS, [about_row], {"name": 34, "agency_type": 34, "website": 24, "notes": 40})
    ws["A2"].fill = info_fill
    for column, values in (("level", "level"), ("team", "team"), ("status", "status")):
        drop_down(ws, ABOUT_COLUMNS, column, values, 2)
    for column in ("id", "name", "answered_on"):
        prompt(ws, ABOUT_COLUMNS, column, 2)

    # Services: its services rows, then empty rows for more.
    keys, rows = _rows_of(G, "services", "partner_id", partner_id)
    service_rows = [_pick(keys, r, SERVICE_COLUMNS) for r in rows]
    last = len(service_rows) + EMPTY_ROWS + 1
    ws = sheet("Services", SERVICE_COLUMNS, service_rows, {"service": 34, "population": 30, "eligibility": 24})
    for column in ("service", "population", "capacity"):
        prompt(ws, SERVICE_COLUMNS, column, last)

    # Roles: every role of the chart, then its own roles the chart does not have.
    keys, rows = _rows_of(G, "roles", "partner_id", partner_id)
    played: dict[str, tuple[str, str | None]] = {}
    extra: list[str] = []
    for r in rows:
        role, lead, notes = _pick(keys, r, ("role", "lead", "notes"))
        if not role:
            continue
        found = roster.match_role(role)
        name = found.name if found is not None and found.in_chart else role
        if name not in played and (found is None or not found.in_chart):
            extra.append(name)
        played.setdefault(name, (lead or "yes", notes))
    names = [role.name for role in roster.roles.values() if role.in_chart] + extra
    role_rows = [[name, *played.get(name, (None, None))] for name in dict.fromkeys(names)]
    last = len(role_rows) + EMPTY_ROWS + 1
    ws = sheet("Roles", ROLE_COLUMNS, role_rows, {"role": 50, "plays": 10, "notes": 40})
    drop_down(ws, ROLE_COLUMNS, "plays", "plays", last)

    # Partners: one row per other active partner, grouped by region then category.
    categories = {c.id: c.name for c in roster.categories.values()}
    known: dict[str, list[str]] = {}
    for u, v, d in G.edges(data=True):
        if d.get("type") != "TIED_TO":
            continue
        a, b = G.nodes[u].get("id"), G.nodes[v].get("id")
        other = b if a == partner_id else a if b == partner_id else None
        if other is not None and other != partner_id:
            kind = d.get("kind_as_written") or d.get("kind") or "tie"
            if kind not in known.setdefault(other, []):
                known[other].append(str(kind))
    others = sorted(
        (d for pid, d in partners.items() if pid != partner_id),
        key=lambda d: (
            d.get("region") is None,
            str(d.get("region") or ""),
            categories.get(d.get("category"), str(d.get("category") or "")),
            str(d.get("name") or ""),
            d["id"],
        ),
    )
    partner_rows: list[list[Any]] = []
    groups: list[int] = []
    previous = None
    for d in others:
        category = categories.get(d.get("category"), d.get("category"))
        if (d.get("region"), category) != previous:
            groups.append(len(partner_rows) + 2)
        previous = (d.get("region"), category)
        partner_rows.append(
            [
                d["id"],
                d.get("name"),
                d.get("agency_type_as_written") or d.get("agency_type_name"),
                d.get("region"),
                category,
                "; ".join(known.get(d["id"], [])) or None,
                *([None] * (len(PARTNER_COLUMNS) - 6)),
            ]
        )
    last = max(len(partner_rows) + 1, 2)
    widths = {"id": 10, "name": 34, "agency_type": 28, "region": 16, "category": 24, "on_the_map": 16}
    # Wide enough for each header on one line: a name like mission_support cannot wrap at a space.
    widths |= {"works_together": 16, "kind": 14, "frequency": 11, "notes": 30} | {s: len(s) + 3 for s in SCORES}
    ws = sheet("Partners", PARTNER_COLUMNS, partner_rows, widths)
    for row in ws.iter_rows(min_row=2, max_row=last, max_col=PARTNER_COLUMNS.index("on_the_map") + 1):
        for cell in row:
            cell.fill = info_fill
    for row in groups:
        ws.cell(row=row, column=4).font = group_font
        ws.cell(row=row, column=5).font = group_font
    drop_down(ws, PARTNER_COLUMNS, "works_together", "yes/no", last)
    drop_down(ws, PARTNER_COLUMNS, "kind", "kind", last)
    drop_down(ws, PARTNER_COLUMNS, "frequency", "frequency", last)
    for score in SCORES:
        drop_down(ws, PARTNER_COLUMNS, score, "score", last)
    prompt(ws, PARTNER_COLUMNS, "on_the_map", last)
    for row in ws.iter_rows(min_row=1, max_row=1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[1].height = 30

    # Agreements it is party to; funding it receives.
    keys, rows = _rows_of(G, "agreements", "parties", partner_id)
    agreement_rows = [_pick(keys, r, AGREEMENT_COLUMNS) for r in rows]
    last = len(agreement_rows) + EMPTY_ROWS + 1
    ws = sheet("Agreements", AGREEMENT_COLUMNS, agreement_rows, {"parties": 30, "title": 40})
    drop_down(ws, AGREEMENT_COLUMNS, "type", "agreement_type", last)
    drop_down(ws, AGREEMENT_COLUMNS, "status", "agreement_status", last)
    prompt(ws, AGREEMENT_COLUMNS, "parties", last)
    keys, rows = _rows_of(G, "funding", "recipient_id", partner_id)
    funding_rows = [_pick(keys, r, FUNDING_COLUMNS) for r in rows]
    last = len(funding_rows) + EMPTY_ROWS + 1
    ws = sheet("Funding", FUNDING_COLUMNS, funding_rows, {"stream": 34, "program": 34})
    drop_down(ws, FUNDING_COLUMNS, "source", "source", last)
    prompt(ws, FUNDING_COLUMNS, "funder_id", last)

    # The drop-down values live on a hidden sheet the data validations refer to.
    lists_ws = wb.create_sheet(LISTS_SHEET)
    for c, (name, values) in enumerate(lists.items(), start=1):
        set_cell(lists_ws.cell(row=1, column=c), name)
        for r, value in enumerate(values, start=2):
            set_cell(lists_ws.cell(row=r, column=c), value)
    lists_ws.sheet_state = "hidden"

    # Who this form is for, so the reader knows it.
    meta = wb.create_sheet(META_SHEET)
    for r, (key, value) in enumerate(
        ((FORM_MARKER, "value"), ("partner_id", partner_id), ("map", map_name), ("form_version", FORM_VERSION)),
        start=1,
    ):
        set_cell(meta.cell(row=r, column=1), key)
        set_cell(meta.cell(row=r, column=2), value)
    meta.sheet_state = "hidden"
    for ws in wb.worksheets:
        # Printed (or saved as PDF), each sheet is one page wide, in landscape, headers repeated.
        ws.page_setup.orientation = "landscape"
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        if ws.title != "README":
            ws.print_title_rows = "1:1"
    wb.active = 1  # opens on "About you"
    wb.properties.creator = "netmap"
    buffer = io.BytesIO()
    wb.save(buffer)
    return _fixed(buffer.getvalue())


def _fixed(data: bytes) -> bytes:
    """The same .xlsx with fixed times (document properties and zip entries), so bytes repeat."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = body.decode("utf-8")
                for tag in ("dcterms:created", "dcterms:modified"):
                    text = re.sub(rf"(<{tag}[^>]*>)[^<]*(</{tag}>)", rf"\g<1>{_FIXED_TIME}\g<2>", text)
                body = text.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, body)
    return out.getvalue()


def write_forms(
    G: nx.MultiDiGraph,
    folder: str | Path,
    *,
    partners: Sequence[str] | None = None,
    roster: Roster | None = None,
    inputs: Inputs = (),
    force: bool = False,
) -> list[Path]:
    """Write an intake form per active partner (or per partner of ``partners``) into ``folder``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The map (:func:`netmap.read_graph`). Not modified.
    folder : str or Path
        Created if missing. A form already there is replaced only with ``force``.
    partners : sequence of str, optional
        Partner ids to write forms for (default: every active partner).
    roster : Roster, optional
        The role chart and categories (default: the roster ``G`` was built with).
    inputs : sequence of (label, path)
        The command's inputs: no form is written over one.
    force : bool
        Replace forms already in ``folder``.

    Returns
    -------
    list of Path
        The forms written, in the order of ``partners`` (or of the partners sheet).

    Raises
    ------
    UsageError
        A partner id that is not an active partner of ``G`` (with the nearest ids), or a
        form already in ``folder`` (without ``force``).

    Examples
    --------
    >>> import netmap, tempfile
    >>> G = netmap.read_graph("examples/tucson-behavioral-health")
    >>> [p.name for p in write_forms(G, tempfile.mkdtemp())][:3]
    ['intake-TIC.xlsx', 'intake-PCOS.xlsx', 'intake-PCC.xlsx']
    """
    import difflib

    active = _partners(G)
    chosen = list(dict.fromkeys(partners)) if partners is not None else list(active)
    for pid in chosen:
        if pid not in active:
            close = difflib.get_close_matches(pid, list(active), n=3, cutoff=0.4)
            hint = f" (nearest: {', '.join(close)})" if close else ""
            raise UsageError(f"--partner {pid}: no active partner has this id{hint}")
    roster = roster or load_roster(G.graph.get("roster"))
    files = {name: form_bytes(G, pid, roster=roster) for name, pid in zip(form_names(chosen), chosen, strict=True)}
    return list(write_folder(folder, files, inputs=inputs, force=force))
