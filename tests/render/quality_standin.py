"""A stand-in for the tie quality analysis (``Analysis.quality``, written on another branch):
the analysis of a hand-made map with a ``quality`` whose ``to_dict()`` is a dict written out
here by hand, in the shape of ``TieQuality.to_dict()``. Only the tests use it."""

from __future__ import annotations

from typing import Any

import networkx as nx

from netmap.pipeline import run

AS_OF = "2026-11-24"
HOSTILE = "<img src=x onerror=alert(1)>"


def sheets(d_name: str = "Dental clinic") -> dict[str, list[list[str]]]:
    """Four partners, three ties: A-B and B-C surveyed, C-D from the map's own record."""
    return {
        "partners": [
            ["id", "name", "agency_type", "level", "region"],
            ["A", "Agency", "CC", "local", "North"],
            ["B", "Board", "WIB", "local", "North"],
            ["C", "Clinic", "CC", "local", "South"],
            ["D", d_name, "CC", "local", "South"],
        ],
        "ties": [
            ["source_id", "target_id", "kind"],
            ["A", "B", "collaboration"],
            ["B", "C", "referral"],
            ["C", "D", "collaboration"],
        ],
    }


def quality_dict(d_name: str = "Dental clinic") -> dict[str, Any]:
    """What the analysis would say: A and B answered (A-B confirmed, B-C named by B only)."""
    return {
        "surveyed": True,
        "respondents": ["A", "B"],
        "not_answered": [
            {"id": "D", "name": d_name, "region": "South", "category": None},
            {"id": "C", "name": "Clinic", "region": "South", "category": None},
        ],
        "response_rate": 0.5,
        "response_by_region": [
            {"region": "North", "partners": 2, "answered": 2},
            {"region": "South", "partners": 2, "answered": 0},
        ],
        "response_by_category": [{"category": None, "partners": 4, "answered": 2}],
        "pairs": [
            {
                "source": "A",
                "target": "B",
                "confirmed": True,
                "reported_by": ["A", "B"],
                "frequency": "weekly",
                "frequency_rank": 4,
                "trust": 3.5,
                "value": 2.0,
                "conflicts": ["frequency"],
            },
            {
                "source": "B",
                "target": "C",
                "confirmed": False,
                "reported_by": ["B"],
                "frequency": "yearly",
                "frequency_rank": 1,
                "trust": 1.0,
                "value": None,
                "conflicts": [],
            },
            {
                "source": "C",
                "target": "D",
                "confirmed": None,
                "reported_by": [],
                "frequency": None,
                "frequency_rank": None,
                "trust": None,
                "value": None,
                "conflicts": [],
            },
        ],
        "confirmed": 1,
        "unconfirmed": 1,
        "unconfirmed_share": 0.5,
        "partners": [
            {
                "id": "C",
                "name": "Clinic",
                "category": None,
                "trust": 1.0,
                "value": None,
                "raters": 1,
                "relied_on": True,
            },
            {
                "id": "A",
                "name": "Agency",
                "category": None,
                "trust": 3.5,
                "value": 2.0,
                "raters": 1,
                "relied_on": False,
            },
        ],
        "categories": [{"category": None, "trust": 2.25, "value": 2.0, "raters": 2}],
        "network": {"trust": 2.25, "value": 2.0, "raters": 2},
        "caveat": "2 of 4 partners answered the survey (50%); 1 of 2 surveyed ties is one-sided.",
    }


class _Quality:
    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def to_dict(self) -> dict[str, Any]:
        return self._data


class WithQuality:
    """An analysis with a ``quality`` attribute (the real one gains it on the quality branch)."""

    def __init__(self, a: Any, quality: dict[str, Any] | None) -> None:
        self._a = a
        self.quality = None if quality is None else _Quality(quality)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._a, name)


def surveyed(G: nx.MultiDiGraph, quality: dict[str, Any] | None = None, **options: Any) -> WithQuality:
    """The analysis of ``G`` with the hand-made tie quality (``quality_dict()`` by default)."""
    return WithQuality(run(G, as_of=AS_OF, **options), quality if quality is not None else quality_dict())
