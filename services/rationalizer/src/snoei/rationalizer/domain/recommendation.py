"""Which proposals are recommended to the board, and why the others are not: a proposal is
recommended when it still stands, saves a known positive amount a year and pays back its
one-off migration within the rule book's ``max_payback_months``.

Unknown is not zero: a saving, migration cost or payback that is ``None`` is unknown, and
such a proposal needs data before it can be recommended; it never counts as €0."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum

from snoei.shared.contracts.proposals import Proposal, ProposalStatus


class Standing(StrEnum):
    RECOMMENDED = "recommended"
    NEEDS_DATA = "needs_data"
    NOT_RECOMMENDED = "not_recommended"
    BLOCKED = "blocked"
    REJECTED = "rejected"


class Reason(StrEnum):
    """Why a standing proposal is not recommended."""

    UNKNOWN_SAVING = "unknown_saving"
    UNKNOWN_MIGRATION = "unknown_migration"
    NO_SAVING = "no_saving"
    SLOW_PAYBACK = "slow_payback"


@dataclass(frozen=True, slots=True)
class Verdict:
    standing: Standing
    reason: Reason | None = None
    missing: tuple[str, ...] = ()
    """Inputs that would settle an unknown saving or migration cost."""


def yearly_saving(proposal: Proposal) -> float | None:
    """The proposal's yearly saving; ``None`` when it is unknown."""
    value: float | None = proposal.yearly_saving
    return value


def migration_cost(proposal: Proposal) -> float | None:
    """The proposal's one-off migration estimate; ``None`` when it is unknown."""
    value: float | None = proposal.migration_cost
    return value


def missing_inputs(proposal: Proposal, assessed_missing: Collection[str] = ()) -> tuple[str, ...]:
    """The inputs a proposal lacks: those the proposal names (``missing_inputs``, once the
    contract carries it) and those the assessment of its target found missing."""
    named: tuple[str, ...] = tuple(getattr(proposal, "missing_inputs", None) or ())
    return tuple(dict.fromkeys((*named, *assessed_missing)))


def verdict(
    proposal: Proposal, *, max_payback_months: float, assessed_missing: Collection[str] = ()
) -> Verdict:
    """The proposal's standing for the board. ``assessed_missing`` are the inputs the target's
    assessment lacks: a zero saving with unknown costs is an unknown saving, not a zero."""
    if proposal.status == ProposalStatus.BLOCKED:
        return Verdict(Standing.BLOCKED)
    if proposal.status == ProposalStatus.REJECTED:
        return Verdict(Standing.REJECTED)
    missing = missing_inputs(proposal, assessed_missing)
    saving, migration = yearly_saving(proposal), migration_cost(proposal)
    if saving is None or (saving <= 0 and "costs" in missing):
        return Verdict(Standing.NEEDS_DATA, Reason.UNKNOWN_SAVING, missing)
    if saving <= 0:
        return Verdict(Standing.NOT_RECOMMENDED, Reason.NO_SAVING)
    if migration is None:
        return Verdict(Standing.NEEDS_DATA, Reason.UNKNOWN_MIGRATION, missing)
    if payback_months(saving, migration) > max_payback_months:
        return Verdict(Standing.NOT_RECOMMENDED, Reason.SLOW_PAYBACK)
    return Verdict(Standing.RECOMMENDED)


@dataclass(frozen=True, slots=True)
class Recommended:
    """The proposals recommended to the board, counted and summed: the report's headline."""

    count: int
    yearly_saving: float


def recommended(proposals: Iterable[Proposal], *, max_payback_months: float) -> Recommended:
    """How many of ``proposals`` are recommended and what they save a year together. What
    the target's assessment lacks only tells needing data from not recommended apart, so
    it does not change this figure."""
    savings = [
        p.yearly_saving
        for p in proposals
        if p.yearly_saving is not None
        and verdict(p, max_payback_months=max_payback_months).standing == Standing.RECOMMENDED
    ]
    return Recommended(count=len(savings), yearly_saving=round(sum(savings), 2))


def payback_months(saving: float, migration: float) -> float:
    """Months until a positive yearly ``saving`` repays a one-off ``migration``."""
    return round(migration / (saving / 12), 1)
