"""Where each proposal stands for the board — recommended, needing data or not recommended,
held back, rejected — and the totals of the recommended ones that every figure reconciles to."""

from __future__ import annotations

from dataclasses import dataclass

from snoei.rationalizer.domain.recommendation import (
    Standing,
    Verdict,
    migration_cost,
    verdict,
    yearly_saving,
)
from snoei.rationalizer.report.model import ReportInput
from snoei.shared.contracts.proposals import Action, Proposal


@dataclass(frozen=True, slots=True)
class Ledger:
    verdicts: dict[str, Verdict]
    recommended: list[Proposal]
    """Largest saving first; the headline saving is the sum of their savings."""
    doubtful: list[Proposal]
    """Standing proposals that need data or are not recommended, with their reason."""
    blocked: list[Proposal]
    rejected: list[Proposal]

    @property
    def saving(self) -> float:
        return round(sum(known(yearly_saving(p)) for p in self.recommended), 2)

    @property
    def one_off(self) -> float:
        return round(sum(known(migration_cost(p)) for p in self.recommended), 2)

    def standing(self, proposal: Proposal) -> Standing:
        return self.verdicts[proposal.id].standing

    def recommended_of(self, action: Action) -> list[Proposal]:
        return [p for p in self.recommended if p.action == action]


def known(amount: float | None) -> float:
    """An amount a recommended proposal is known to have (recommendation requires it)."""
    if amount is None:
        raise ValueError("a recommended proposal has a known saving and migration cost")
    return amount


def by_saving(proposal: Proposal) -> tuple[int, float, str]:
    """Sort key: known savings largest first, then unknown ones, then by id."""
    saving = yearly_saving(proposal)
    return (saving is None, -(saving or 0.0), proposal.id)


def ledger(data: ReportInput) -> Ledger:
    verdicts = {
        p.id: verdict(
            p,
            max_payback_months=data.rules.max_payback_months,
            assessed_missing=_assessed_missing(data, p),
        )
        for p in data.proposals
    }
    ordered = sorted(data.proposals, key=by_saving)

    def having(*standings: Standing) -> list[Proposal]:
        return [p for p in ordered if verdicts[p.id].standing in standings]

    return Ledger(
        verdicts=verdicts,
        recommended=having(Standing.RECOMMENDED),
        doubtful=having(Standing.NEEDS_DATA, Standing.NOT_RECOMMENDED),
        blocked=having(Standing.BLOCKED),
        rejected=having(Standing.REJECTED),
    )


def _assessed_missing(data: ReportInput, proposal: Proposal) -> tuple[str, ...]:
    assessment = data.assessments.get(proposal.targets[0]) if proposal.targets else None
    return assessment.missing if assessment is not None else ()


@dataclass(frozen=True, slots=True)
class WaveRow:
    number: int
    applications: int
    saving: float
    """Yearly saving of the recommended proposals in this wave."""
    uncounted: int
    """Proposals in this wave that are not recommended: their saving is not counted."""


@dataclass(frozen=True, slots=True)
class WaveTotals:
    rows: list[WaveRow]
    unscheduled: list[Proposal]
    """Recommended proposals in no wave (replacements are not switched off in waves)."""

    @property
    def scheduled_saving(self) -> float:
        return round(sum(r.saving for r in self.rows), 2)

    @property
    def unscheduled_saving(self) -> float:
        return round(sum(known(yearly_saving(p)) for p in self.unscheduled), 2)

    @property
    def uncounted(self) -> int:
        return sum(r.uncounted for r in self.rows)


def wave_totals(data: ReportInput, book: Ledger) -> WaveTotals:
    """Each wave's saving counts only its recommended proposals; what the waves leave out
    (recommended proposals in no wave) is listed, so waves + unscheduled = the headline."""
    saving = {p.id: known(yearly_saving(p)) for p in book.recommended}
    rows, scheduled = [], set()
    for wave in data.waves.waves:
        ids = {pid for unit in wave.units for pid in unit.proposal_ids}
        scheduled |= ids
        rows.append(
            WaveRow(
                number=wave.number,
                applications=sum(len(unit.applications) for unit in wave.units),
                saving=round(sum(saving[i] for i in ids if i in saving), 2),
                uncounted=sum(1 for i in ids if i not in saving),
            )
        )
    return WaveTotals(rows, [p for p in book.recommended if p.id not in scheduled])
