"""JSON output with stable keys: dates as ISO strings, tuples and sets as lists.

Examples
--------
>>> import datetime
>>> dumps({"b": datetime.date(2024, 3, 4), "a": (1, 2)})
'{\\n  "b": "2024-03-04",\\n  "a": [\\n    1,\\n    2\\n  ]\\n}'
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from netmap.errors import escape_json_text

__all__ = ["dumps", "to_jsonable"]


def to_jsonable(value: Any) -> Any:
    """Turn results into plain JSON types (NaN and infinity become null)."""
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((to_jsonable(v) for v in value), key=str)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if hasattr(value, "to_dict"):
        return to_jsonable(value.to_dict())
    return value


def dumps(value: Any, *, indent: int | None = 2) -> str:
    """Serialise results as JSON (UTF-8 text, non-ASCII kept as is).

    The characters a terminal would act on (C1 and bidirectional controls, which JSON
    may leave raw) are written as ``\\uXXXX`` escapes: the text reads back exactly.
    """
    return escape_json_text(json.dumps(to_jsonable(value), indent=indent, ensure_ascii=False))
