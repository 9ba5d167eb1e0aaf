"""A validated sheet kept as columns, its rows made into dicts only when asked for.

The ties sheet of a state map has half a million clean rows. As dicts (one per row, fifteen
keys each) they took about 360 MB and a third of a second to make at 100,000 partners, while
the measures read four or five of their columns. :class:`netmap.ingest.validate.Tables` keeps
such a sheet as a :class:`HeldSheet`: ``tables["ties"]`` (and ``tables.records``) still give the
list of dicts, made on first use and kept from then on, exactly as validation made them before;
``tables.column("ties", "kind")`` and ``tables.tuples("ties", ...)`` read the columns without
making them.

Examples
--------
>>> held = HeldSheet(("_row", "extra", "source_id", "target_id"), {"_row": [2, 3],
...     "source_id": ["P1", "P2"], "target_id": ["P2", "P3"]}, None)
>>> len(held), held.column("target_id")
(2, ['P2', 'P3'])
>>> held.records()[1]
{'_row': 3, 'extra': {}, 'source_id': 'P2', 'target_id': 'P3'}
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import repeat
from types import MappingProxyType
from typing import Any

__all__ = ["HeldSheet"]

_NO_EXTRAS: MappingProxyType[str, Any] = MappingProxyType({})


class HeldSheet:
    """The clean rows of one sheet as columns.

    Parameters
    ----------
    keys : tuple of str
        The keys of each row's dict in their order: ``"_row"``, ``"extra"``, then the
        sheet's columns.
    columns : dict
        Key -> its values, one per row, for every key but ``"extra"``. Read only.
    extras : list of dict, optional
        Each row's values of the columns netmap does not know; None when the sheet has
        none (every row's ``extra`` is then a new empty dict).
    """

    __slots__ = ("_columns", "_extras", "keys")

    def __init__(self, keys: tuple[str, ...], columns: dict[str, list[Any]], extras: list[dict[str, Any]] | None):
        self.keys = keys
        self._columns = columns
        self._extras = extras

    def __len__(self) -> int:
        return len(self._columns["_row"])

    def column(self, name: str) -> list[Any]:
        """The values of column ``name``, row by row (treat as read-only); None for a key
        the rows do not have, as ``record.get(name)`` would give."""
        found = self._columns.get(name)
        if found is not None:
            return found
        if name == "extra":
            if self._extras is not None:
                return self._extras
            # No unknown columns: every row's is one empty mapping, which cannot be changed.
            return [_NO_EXTRAS] * len(self)
        return [None] * len(self)

    def tuples(self, *names: str) -> Iterator[tuple[Any, ...]]:
        """The rows as tuples of the values of ``names``."""
        return zip(*(self.column(name) for name in names), strict=True)

    def records(self) -> list[dict[str, Any]]:
        """The rows as dicts, new ones at each call, keys in :attr:`keys` order."""
        # A new empty dict per row where the sheet has no unknown columns (dict() called anew
        # until the sentinel, which no dict equals: as many as there are rows).
        extras = self._extras if self._extras is not None else iter(dict, None)
        rows = zip(self._columns["_row"], extras, *(self._columns[k] for k in self.keys[2:]), strict=False)
        return list(map(dict, map(zip, repeat(self.keys), rows)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, HeldSheet):
            other = other.records()
        return self.records() == other if isinstance(other, list) else NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"HeldSheet({len(self)} rows, columns {', '.join(self.keys[2:])})"
