"""Loads the packaged endoflife.date release cycles into a lifecycle catalogue."""

from __future__ import annotations

import csv
import io
from datetime import date
from functools import cache
from importlib.resources import files

from snoei.rationalizer.domain.technology import LifecycleCatalogue, Milestone, ReleaseCycle


def _milestone(raw: str) -> Milestone:
    raw = raw.strip()
    if not raw:
        return None
    if raw in ("True", "False"):
        return raw == "True"
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


@cache
def packaged_catalogue() -> LifecycleCatalogue:
    """The catalogue from ``snoei.rationalizer.data/release_cycles.csv`` (read once)."""
    text = files("snoei.rationalizer.data").joinpath("release_cycles.csv").read_text("utf-8")
    return LifecycleCatalogue(
        ReleaseCycle(
            product=row["product"],
            cycle=row["releaseCycle"],
            end_of_support=_milestone(row["eoas"]),
            end_of_life=_milestone(row["eol"]),
            source="endoflife.date",
        )
        for row in csv.DictReader(io.StringIO(text))
    )
