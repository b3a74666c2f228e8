"""The numbers behind the executive summary, computed once from the report's input: every
saving is a sum over the recommended proposals (see ``standing``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from snoei.rationalizer.domain.landscape import LIVE
from snoei.rationalizer.domain.portfolio import Costs, costs_of
from snoei.rationalizer.domain.recommendation import yearly_saving
from snoei.rationalizer.report.model import ReportInput
from snoei.rationalizer.report.standing import Ledger, WaveTotals, known, ledger, wave_totals
from snoei.shared.contracts.proposals import Action, Proposal, RiskLevel

UNSUPPORTED = frozenset({"end of life", "unsupported"})


@dataclass(frozen=True, slots=True)
class Figures:
    book: Ledger
    waves: WaveTotals
    per_action: dict[Action, int]
    """Recommended proposals per action."""
    landscape: Costs
    high_risk: int
    affected: int
    rewire: int
    on_eol: list[str]
    quick_wins: list[Proposal]

    @property
    def yearly_saving(self) -> float:
        return self.book.saving

    @property
    def one_off(self) -> float:
        return self.book.one_off

    @property
    def payback_months(self) -> float | None:
        saving = self.yearly_saving
        return round(self.one_off / (saving / 12), 1) if saving > 0 else None

    @property
    def share(self) -> float:
        cost = self.landscape.yearly_cost
        return self.yearly_saving / cost if cost else 0.0

    @property
    def largest(self) -> Proposal | None:
        return self.book.recommended[0] if self.book.recommended else None


def figures(data: ReportInput) -> Figures:
    book = ledger(data)
    chosen = book.recommended
    leaving = {p.targets[0] for p in chosen if p.action != Action.REPLACE}
    affected = {
        flow.consumer
        for p in chosen
        if p.action != Action.REPLACE
        for flow in p.blast_radius
        if flow.consumer not in leaving
    }
    live = [a for a in data.landscape.applications.values() if a.lifecycle in LIVE]
    on_eol = sorted(
        a.id
        for a in live
        if any(t.state in UNSUPPORTED for t in data.assessments[a.id].technologies)
    )
    quick = sorted(
        (p for p in chosen if p.action == Action.RETIRE and p.risk == RiskLevel.LOW),
        key=lambda p: (p.payback_months or 0.0, -known(yearly_saving(p)), p.id),
    )
    counts = Counter(p.action for p in chosen)
    return Figures(
        book=book,
        waves=wave_totals(data, book),
        per_action={action: counts.get(action, 0) for action in Action},
        landscape=costs_of(live),
        high_risk=sum(1 for p in chosen if p.risk == RiskLevel.HIGH),
        affected=len(affected),
        rewire=len({i for p in chosen for i in p.integrations_to_rewire}),
        on_eol=on_eol,
        quick_wins=quick[:3],
    )
