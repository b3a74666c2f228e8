"""The numbers behind the executive summary, computed once from the report's input."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from snoei.rationalizer.domain.landscape import LIVE
from snoei.rationalizer.report.model import ReportInput
from snoei.rationalizer.report.savings_charts import wave_savings
from snoei.shared.contracts.proposals import Action, Proposal, ProposalStatus, RiskLevel

UNSUPPORTED = frozenset({"end of life", "unsupported"})


@dataclass(frozen=True, slots=True)
class Figures:
    per_action: dict[Action, int]
    yearly_saving: float
    one_off: float
    payback_months: float | None
    landscape_cost: float
    high_risk: int
    affected: int
    rewire: int
    blocked: list[Proposal]
    on_eol: list[str]
    first_wave_apps: int
    first_wave_saving: float
    quick_wins: list[Proposal]
    replacements: list[Proposal]
    largest: Proposal | None

    @property
    def share(self) -> float:
        return self.yearly_saving / self.landscape_cost if self.landscape_cost else 0.0


def figures(data: ReportInput) -> Figures:
    active = data.active
    counts = Counter(p.action for p in active)
    saving = round(sum(p.yearly_saving or 0.0 for p in active), 2)  # known savings only
    one_off = round(sum(p.migration_cost or 0.0 for p in active), 2)
    leaving = {p.targets[0] for p in active if p.action != Action.REPLACE}
    affected = {
        flow.consumer
        for p in active
        if p.action != Action.REPLACE
        for flow in p.blast_radius
        if flow.consumer not in leaving
    }
    rewire = {i for p in active for i in p.integrations_to_rewire}
    live = [a for a in data.landscape.applications.values() if a.lifecycle in LIVE]
    on_eol = sorted(
        a.id
        for a in live
        if any(t.state in UNSUPPORTED for t in data.assessments[a.id].technologies)
    )
    waves = wave_savings(data)
    quick = sorted(
        (
            p
            for p in active
            if p.action == Action.RETIRE
            and p.risk == RiskLevel.LOW
            and (p.yearly_saving or 0.0) > 0
        ),
        key=lambda p: (p.payback_months or 0.0, -(p.yearly_saving or 0.0), p.id),
    )
    return Figures(
        per_action={action: counts.get(action, 0) for action in Action},
        yearly_saving=saving,
        one_off=one_off,
        payback_months=round(one_off / (saving / 12), 1) if saving > 0 else None,
        landscape_cost=round(sum((a.yearly_cost or 0.0) for a in live), 2),
        high_risk=sum(1 for p in active if p.risk == RiskLevel.HIGH),
        affected=len(affected),
        rewire=len(rewire),
        blocked=[p for p in data.proposals if p.status == ProposalStatus.BLOCKED],
        on_eol=on_eol,
        first_wave_apps=waves[0][1] if waves else 0,
        first_wave_saving=waves[0][2] if waves else 0.0,
        quick_wins=quick[:3],
        replacements=[p for p in active if p.action == Action.REPLACE],
        largest=max(active, key=lambda p: (p.yearly_saving or 0.0, p.id), default=None),
    )
