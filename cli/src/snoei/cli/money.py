"""Euros as an architect reads them: a saving, a cost, or unknown (never zero for unknown)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

UNKNOWN = "unknown (needs data)"


def euros(value: float | None) -> str:
    """An amount: ``€340,300``; a negative one ``−€340,300``; None is unknown, not zero."""
    if value is None:
        return UNKNOWN
    sign = "−" if round(value) < 0 else ""
    return f"{sign}€{abs(value):,.0f}"


def yearly_saving(value: float | None) -> str:
    """A proposal's yearly saving: ``€340,300``, or ``costs €340,300 more`` when it would
    cost more than it saves."""
    if value is None:
        return UNKNOWN
    if round(value) < 0:
        return f"costs {euros(-value)} more"
    return euros(value)


def cost_change(value: float | None) -> str:
    """A change of yearly cost (e.g. of a what-if): ``saves €340,300`` when it goes down,
    ``costs €340,300 more`` when it goes up."""
    if value is None:
        return UNKNOWN
    if round(value) < 0:
        return f"saves {euros(-value)}"
    if round(value) > 0:
        return f"costs {euros(value)} more"
    return "costs the same"


def saving_change(value: float | None) -> str:
    """A change of yearly saving (e.g. between runs): ``saves €340,300 more`` or ``saves
    €340,300 less``."""
    if value is None:
        return UNKNOWN
    if round(value) > 0:
        return f"saves {euros(value)} more"
    if round(value) < 0:
        return f"saves {euros(-value)} less"
    return "saves the same"


def payback(months: float | None, *, saving: float | None, cost: float | None) -> str:
    """A payback period; None is ``never`` when saving and cost are known (the saving never
    repays the migration), else unknown."""
    if months is not None:
        return f"{months:g} mo"
    return UNKNOWN if saving is None or cost is None else "never"


def totals(body: Mapping[str, Any], open_total: float) -> str:
    """The figures a run or a list of proposals adds up to, both as the rationalizer
    computed them: what the board report recommends (``recommended_yearly_saving`` and
    ``recommended_count`` of ``body``), then ``open_total``, the known savings of every open
    or accepted proposal, recommended or not. A rationalizer without the recommended figure
    gets the open total alone, still labelled."""
    open_part = f"open total: {euros(open_total)} a year"
    if body.get("recommended_yearly_saving") is None:
        return open_part
    count = int(body.get("recommended_count") or 0)
    proposals = "proposal" if count == 1 else "proposals"
    return (
        f"recommended: {euros(body['recommended_yearly_saving'])} a year "
        f"({count} {proposals}) · {open_part}"
    )
