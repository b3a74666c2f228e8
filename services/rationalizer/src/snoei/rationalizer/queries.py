"""What architects ask of a landscape: the latest run and its proposals (with decisions laid
over them), run history and diffs, the board report, and what-if simulations."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from snoei.rationalizer.adapters.decisions import DecisionRepository, DecisionRow
from snoei.rationalizer.adapters.runs import RunRepository, RunRow, StoredRun
from snoei.rationalizer.domain.completeness import DataCompleteness, data_completeness
from snoei.rationalizer.domain.engine import ACTIVE_STATUSES, Verdict
from snoei.rationalizer.domain.landscape import Landscape
from snoei.rationalizer.domain.portfolio import Portfolio, portfolio
from snoei.rationalizer.domain.recommendation import Recommended, recommended, yearly_saving
from snoei.rationalizer.domain.rulebook import RulesConfig
from snoei.rationalizer.domain.technology import LifecycleCatalogue, technology_risk
from snoei.rationalizer.domain.whatif import WhatIfResult, what_if
from snoei.rationalizer.replica import ReplicaService
from snoei.rationalizer.report import Language, build_report_input, render_report
from snoei.rationalizer.report.model import ReportInput
from snoei.rationalizer.report.standing import known, ledger
from snoei.shared.contracts.graph import GraphContent
from snoei.shared.contracts.proposals import Proposal, ProposalStatus

# The fields whose change makes a proposal "changed" between two runs.
_COMPARED = (
    "status",
    "facts_hash",
    "yearly_saving",
    "migration_cost",
    "risk",
    "survivor",
    "confidence",
)


class ProposalNotFound(LookupError):
    """The proposal is not in the landscape's latest run."""


class RunNotFound(LookupError):
    """The run is not known for this landscape."""


class NoRunYet(LookupError):
    """The landscape has not been evaluated yet, so there is nothing to report."""


class UnknownLandscape(LookupError):
    """No graph of the landscape has been received: nothing is known about it."""


@dataclass(frozen=True, slots=True)
class RunDiff:
    from_run: uuid.UUID | None
    to_run: uuid.UUID
    added: list[Proposal]
    removed: list[Proposal]
    changed: list[tuple[Proposal, Proposal, list[str]]]
    saving_change: float


def overlay(proposal: Proposal, decision: DecisionRow | None) -> Proposal:
    """The proposal as decided since its run: a decision holds while the facts are the same;
    acceptance does not lift a coverage block, rejection always holds."""
    if decision is None or decision.facts_hash != proposal.facts_hash:
        return proposal
    if decision.verdict == Verdict.REJECT:
        return proposal.model_copy(update={"status": ProposalStatus.REJECTED})
    if proposal.status == ProposalStatus.BLOCKED:
        return proposal
    return proposal.model_copy(update={"status": ProposalStatus.ACCEPTED})


def diff_runs(
    before: Sequence[Proposal], after: Sequence[Proposal]
) -> tuple[list[Proposal], list[Proposal], list[tuple[Proposal, Proposal, list[str]]], float]:
    """Added, removed and changed proposals (with the fields that changed) and the change
    in the yearly saving of the active ones."""
    old = {p.id: p for p in before}
    new = {p.id: p for p in after}
    changed = []
    for key in sorted(old.keys() & new.keys()):
        fields = [name for name in _COMPARED if getattr(old[key], name) != getattr(new[key], name)]
        if fields:
            changed.append((old[key], new[key], fields))

    def saving(items: dict[str, Proposal]) -> float:
        return sum(
            p.yearly_saving
            for p in items.values()
            if p.status in ACTIVE_STATUSES and p.yearly_saving is not None
        )

    return (
        [new[k] for k in sorted(new.keys() - old.keys())],
        [old[k] for k in sorted(old.keys() - new.keys())],
        changed,
        round(saving(new) - saving(old), 2),
    )


class QueryService:
    def __init__(
        self,
        *,
        replicas: ReplicaService,
        runs: RunRepository,
        decisions: DecisionRepository,
        catalogue: LifecycleCatalogue,
        rules: RulesConfig,
        today: Callable[[], date] = lambda: datetime.now(UTC).date(),
    ) -> None:
        self._replicas = replicas
        self._runs = runs
        self._decisions = decisions
        self._catalogue = catalogue
        self._rules = rules
        self._today = today

    def recommended(self, proposals: Sequence[Proposal]) -> Recommended:
        """The proposals the board report recommends, by the rule book of this service: the
        count and saving that the report's headline shows."""
        return recommended(proposals, max_payback_months=self._rules.max_payback_months)

    async def latest(self, landscape_id: str) -> StoredRun | None:
        return await self._runs.run(landscape_id)

    async def proposals(
        self,
        landscape_id: str,
        *,
        action: str | None = None,
        status: str | None = None,
        min_saving: float | None = None,
    ) -> tuple[StoredRun | None, list[Proposal]]:
        run = await self._runs.run(landscape_id)
        if run is None:
            return None, []
        found = await self._runs.run_proposals(run.row.run_id, action=action, min_saving=min_saving)
        decisions = await self._decisions.decisions(landscape_id)
        decided = [overlay(p, decisions.get(p.id)) for p in found]
        return run, [p for p in decided if status is None or p.status.value == status]

    async def proposal(
        self, landscape_id: str, proposal_id: str
    ) -> tuple[Proposal, DecisionRow | None]:
        run = await self._runs.run(landscape_id)
        found = (
            await self._runs.run_proposals(run.row.run_id, proposal_id=proposal_id)
            if run is not None
            else []
        )
        if not found:
            raise ProposalNotFound(
                f"proposal {proposal_id!r} is not in the latest run of landscape {landscape_id!r}"
            )
        decision = (await self._decisions.decisions(landscape_id)).get(proposal_id)
        return overlay(found[0], decision), decision

    async def decisions(self, landscape_id: str) -> list[DecisionRow]:
        return sorted(
            (await self._decisions.decisions(landscape_id)).values(),
            key=lambda d: d.decided_at,
            reverse=True,
        )

    async def runs(self, landscape_id: str, limit: int) -> list[RunRow]:
        return await self._runs.runs(landscape_id, limit)

    async def run_detail(
        self, landscape_id: str, run_id: uuid.UUID
    ) -> tuple[StoredRun, list[Proposal]]:
        run = await self._runs.run(landscape_id, run_id)
        if run is None:
            raise RunNotFound(f"run {run_id} is not known for landscape {landscape_id!r}")
        return run, await self._runs.run_proposals(run_id)

    async def diff(
        self, landscape_id: str, run_id: uuid.UUID, against: uuid.UUID | None
    ) -> RunDiff:
        """What changed from ``against`` (default: the run before) to ``run_id``."""
        _, after = await self.run_detail(landscape_id, run_id)
        base = against or await self._runs.previous_run_id(landscape_id, run_id)
        before: list[Proposal] = []
        if base is not None:
            _, before = await self.run_detail(landscape_id, base)
        added, removed, changed, saving_change = diff_runs(before, after)
        return RunDiff(base, run_id, added, removed, changed, saving_change)

    async def report(self, landscape_id: str, lang: Language) -> str:
        """The board report (HTML) of the latest run, with decisions applied."""
        _, build = await self._report_input(landscape_id)
        return await asyncio.to_thread(lambda: render_report(build(), lang))

    async def portfolio(self, landscape_id: str) -> tuple[StoredRun, Portfolio]:
        """The portfolio of the latest run, as the board report shows it: per owner and per
        capability domain, with the proposals recommended to the board and their savings."""
        run, build = await self._report_input(landscape_id)

        def compute() -> Portfolio:
            data = build()
            savings = {p.id: known(yearly_saving(p)) for p in ledger(data).recommended}
            return portfolio(data.landscape, data.proposals, recommended=savings)

        return run, await asyncio.to_thread(compute)

    async def application_names(self, landscape_id: str) -> dict[str, str]:
        """Application id -> name, from the replica the runs evaluate."""
        content = await self._content(landscape_id)
        return {a.id: a.name for a in content.applications}

    async def _report_input(
        self, landscape_id: str
    ) -> tuple[StoredRun, Callable[[], ReportInput]]:
        """What the report of the latest run is made of, built off the event loop by the
        caller; ``NoRunYet`` before the first run."""
        run, proposals = await self.proposals(landscape_id)
        if run is None:
            raise NoRunYet(f"landscape {landscape_id!r} has no rationalisation run yet")
        content = await self._content(landscape_id)
        rules, catalogue, today = self._rules, self._catalogue, self._today()

        def build() -> ReportInput:
            return build_report_input(
                landscape_id,
                Landscape.from_content(content),
                proposals,
                run.waves,
                catalogue=catalogue,
                config=rules,
                today=today,
                quadrants=run.quadrants,
                run_at=run.row.finished_at,
                graph_version=run.row.graph_version,
                empty_reason=run.row.empty_reason,
                stale_inputs=run.row.stale_inputs,
            )

        return run, build

    async def completeness(
        self, landscape_id: str, proposals: Sequence[Proposal] | None = None
    ) -> DataCompleteness:
        """Data completeness of the landscape as it is now; the applications blocking the
        most advice are counted over ``proposals`` (default: the latest run's)."""
        replica, _ = await self._replicas.current(landscape_id)
        if replica is None:
            raise UnknownLandscape(f"no graph has been received for landscape {landscape_id!r} yet")
        if proposals is None:
            _, proposals = await self.proposals(landscape_id)
        content = replica.to_content()
        catalogue = self._catalogue.with_records(content.technologies)
        rules, today, found = self._rules, self._today(), list(proposals)
        return await asyncio.to_thread(
            lambda: data_completeness(
                Landscape.from_content(content),
                lambda use: technology_risk(use, catalogue, rules, today).known,
                found,
            )
        )

    async def what_if(self, landscape_id: str, retire: Sequence[str]) -> WhatIfResult:
        content = await self._content(landscape_id)
        previous = await self._runs.latest_quadrants(landscape_id)
        decisions = {
            k: d.decision() for k, d in (await self._decisions.decisions(landscape_id)).items()
        }
        return await asyncio.to_thread(
            lambda: what_if(
                Landscape.from_content(content),
                retire,
                config=self._rules,
                catalogue=self._catalogue,
                today=self._today(),
                previous_quadrants=previous,
                decisions=decisions,
            )
        )

    async def _content(self, landscape_id: str) -> GraphContent:
        replica, _ = await self._replicas.current(landscape_id)
        if replica is None:
            return GraphContent(version=0, inventory_sequence=0)
        return replica.to_content()
