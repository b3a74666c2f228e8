"""Rationalizer use cases: keep graph replicas current, run evaluations (debounced, on
request, on schedule), store and publish them, record decisions, and answer queries."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol

from croniter import croniter

from snoei.rationalizer.adapters.dependency_client import DependencyUnavailable
from snoei.rationalizer.adapters.repository import (
    DecisionRow,
    RationalizerRepository,
    RunRow,
    StoredRun,
)
from snoei.rationalizer.domain.engine import (
    ACTIVE_STATUSES,
    EngineMemo,
    Evaluation,
    Verdict,
    rationalise,
)
from snoei.rationalizer.domain.landscape import GraphReplica, Landscape
from snoei.rationalizer.domain.rulebook import RulesConfig
from snoei.rationalizer.domain.technology import LifecycleCatalogue
from snoei.rationalizer.domain.waves import WavePlan
from snoei.rationalizer.domain.whatif import WhatIfResult, what_if
from snoei.rationalizer.report import Language, build_report_input, render_report
from snoei.shared.contracts.graph import GraphChanged, GraphContent, GraphEvent, GraphSnapshot
from snoei.shared.contracts.proposals import (
    Proposal,
    ProposalStatus,
    split_run,
)
from snoei.shared.contracts.runs import RunRequest, RunRequested, RunTrigger
from snoei.shared.heap import PROCESS_HEAP
from snoei.shared.kafka import OutgoingMessage

log = logging.getLogger(__name__)

NO_GRAPH = "no graph has been received for this landscape yet"


class Publisher(Protocol):
    async def publish(self, messages: Sequence[OutgoingMessage]) -> None: ...


class SnapshotSource(Protocol):
    async def snapshot(self, landscape_id: str) -> GraphContent: ...


class ProposalNotFound(LookupError):
    """The proposal is not in the landscape's latest run."""


class RunNotFound(LookupError):
    """The run is not known for this landscape."""


class NoRunYet(LookupError):
    """The landscape has not been evaluated yet, so there is nothing to report."""


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


class RationalizerService:
    def __init__(
        self,
        *,
        repository: RationalizerRepository,
        catalogue: LifecycleCatalogue,
        rules: RulesConfig,
        publisher: Publisher,
        proposals_topic: str,
        runs_topic: str,
        snapshots: SnapshotSource | None,
        today: Callable[[], date] = lambda: datetime.now(UTC).date(),
    ) -> None:
        self._repository = repository
        self._catalogue = catalogue
        self._rules = rules
        self._publisher = publisher
        self._proposals_topic = proposals_topic
        self._runs_topic = runs_topic
        self._snapshots = snapshots
        self._today = today
        self._cache: dict[str, GraphReplica] = {}
        self._memos: dict[str, EngineMemo] = {}  # what the last run left for the next one
        self._locks: dict[str, asyncio.Lock] = {}
        self.runs_completed = 0

    def _lock(self, landscape_id: str) -> asyncio.Lock:
        return self._locks.setdefault(landscape_id, asyncio.Lock())

    # --- graph replicas ------------------------------------------------------------------

    async def apply_graph_events(self, events: Sequence[GraphEvent]) -> set[str]:
        """Apply events in order per landscape; returns the landscapes that changed."""
        changed: set[str] = set()
        by_landscape: dict[str, list[GraphEvent]] = {}
        for event in events:
            by_landscape.setdefault(event.landscape_id, []).append(event)
        for landscape_id, own in by_landscape.items():
            async with self._lock(landscape_id):
                if await self._apply(landscape_id, own):
                    changed.add(landscape_id)
        return changed

    async def _apply(self, landscape_id: str, events: list[GraphEvent]) -> bool:
        changed = False
        async with self._repository.replicas() as store:
            head = await store.lock(landscape_id)
            replica = self._cache.get(landscape_id)
            if head is None:
                replica = None
            elif replica is None or replica.version != head[0]:
                loaded = await self._repository.load_replica(landscape_id)
                replica = loaded[0] if loaded else None
            for event in events:
                if isinstance(event, GraphSnapshot):
                    if replica is None or event.payload.version >= replica.version:
                        replica = GraphReplica.from_content(event.payload)
                        await store.replace(landscape_id, replica)
                        changed = True
                    continue
                assert isinstance(event, GraphChanged)
                delta = event.payload
                if replica is not None and replica.is_duplicate(delta):
                    continue
                if replica is not None and delta.from_version == replica.version:
                    replica.apply(delta)
                    await store.apply(landscape_id, delta)
                    changed = True
                    continue
                if replica is None and delta.from_version == 0:
                    replica = GraphReplica()
                    replica.apply(delta)
                    await store.replace(landscape_id, replica)
                    changed = True
                    continue
                fetched = await self._fetch_snapshot(landscape_id)
                if fetched is None or fetched.version < delta.from_version:
                    log.warning(
                        "graph version gap not repaired",
                        extra={
                            "landscape_id": landscape_id,
                            "have": replica and replica.version,
                            "delta_from": delta.from_version,
                        },
                    )
                    if replica is not None:
                        await store.mark_stale(landscape_id)
                    continue
                replica = GraphReplica.from_content(fetched)
                if delta.from_version == replica.version:
                    replica.apply(delta)
                await store.replace(landscape_id, replica)
                changed = True
        if replica is not None:
            self._cache[landscape_id] = replica
        return changed

    async def _fetch_snapshot(self, landscape_id: str) -> GraphContent | None:
        if self._snapshots is None:
            return None
        try:
            return await self._snapshots.snapshot(landscape_id)
        except DependencyUnavailable as exc:
            log.warning(
                "snapshot unavailable", extra={"landscape_id": landscape_id, "error": str(exc)}
            )
            return None

    async def _landscape(self, landscape_id: str) -> tuple[GraphReplica | None, bool]:
        """The current replica (cached while its version matches the store) and staleness."""
        head = await self._repository.replica_version(landscape_id)
        if head is None:
            fetched = await self._fetch_snapshot(landscape_id)
            if fetched is None:
                return None, False
            # Callers may hold the landscape's lock; the row lock in the store orders writers.
            await self._apply(
                landscape_id,
                [
                    GraphSnapshot(
                        landscape_id=landscape_id, sequence=fetched.version or None, payload=fetched
                    )
                ],
            )
            head = await self._repository.replica_version(landscape_id)
            if head is None:
                return None, False
        cached = self._cache.get(landscape_id)
        if cached is not None and cached.version == head[0]:
            return cached, head[1]
        loaded = await self._repository.load_replica(landscape_id)
        if loaded is None:
            return None, False
        self._cache[landscape_id] = loaded[0]
        return loaded

    # --- runs ----------------------------------------------------------------------------

    async def run(self, landscape_id: str, request: RunRequest) -> RunRow | None:
        """Evaluate the landscape and store + publish the run; None if this run id exists."""
        async with self._lock(landscape_id):
            if await self._repository.run_exists(request.run_id):
                return None
            started = datetime.now(UTC)
            clock = time.perf_counter()
            evaluate_cpu = 0.0
            replica, stale = await self._landscape(landscape_id)
            previous = await self._repository.latest_quadrants(landscape_id)
            decisions = {
                k: d.decision() for k, d in (await self._repository.decisions(landscape_id)).items()
            }
            if replica is None:
                evaluation = Evaluation((), {}, WavePlan(), NO_GRAPH)
            else:
                landscape_content = replica.to_content()
                memo = self._memos.pop(landscape_id, None)
                today = self._today()

                def evaluate() -> Evaluation:
                    nonlocal evaluate_cpu
                    cpu = time.thread_time()
                    # A run allocates hundreds of thousands of objects next to the replica
                    # and the memo; the collector would scan them all (see LongLivedHeap).
                    try:
                        with PROCESS_HEAP.work():
                            return rationalise(
                                Landscape.from_content(
                                    landscape_content, previous=memo.landscape if memo else None
                                ),
                                config=self._rules,
                                catalogue=self._catalogue,
                                today=today,
                                previous_quadrants=previous,
                                decisions=decisions,
                                memo=memo,
                            )
                    finally:
                        evaluate_cpu = time.thread_time() - cpu

                evaluation = await asyncio.to_thread(evaluate)
                if evaluation.memo is not None:
                    self._memos[landscape_id] = evaluation.memo
            proposals = evaluation.proposals
            if stale:
                proposals = tuple(
                    p.model_copy(update={"confidence": round(p.confidence * 0.8, 2)})
                    for p in proposals
                )
            row = RunRow(
                run_id=request.run_id,
                landscape_id=landscape_id,
                trigger=request.trigger.value,
                requested_by=request.requested_by,
                graph_version=replica.version if replica else 0,
                inventory_sequence=replica.inventory_sequence if replica else 0,
                started_at=started,
                finished_at=datetime.now(UTC),
                duration_ms=round((time.perf_counter() - clock) * 1000, 2),
                proposal_count=len(proposals),
                total_yearly_saving=evaluation.total_yearly_saving,
                empty_reason=evaluation.empty_reason,
                stale_inputs=stale,
            )
            stored = StoredRun(row, dict(evaluation.quadrants), evaluation.waves)
            evaluated = time.perf_counter()
            if not await self._repository.save_run(stored, proposals):
                return None
            saved = time.perf_counter()
        self.runs_completed += 1
        await self._publish(row, proposals)
        log.info(
            "run finished",
            extra={
                "landscape_id": landscape_id,
                "run_id": str(row.run_id),
                "proposals": len(proposals),
                "duration_ms": row.duration_ms,
                "evaluate_cpu_ms": round(evaluate_cpu * 1000, 2),
                "save_ms": round((saved - evaluated) * 1000, 2),
                "publish_ms": round((time.perf_counter() - saved) * 1000, 2),
                "trigger": row.trigger,
            },
        )
        return row

    async def _publish(self, row: RunRow, proposals: Sequence[Proposal]) -> None:
        # Split so a 10k-application run stays under the broker's message size limit.
        events = split_run(
            landscape_id=row.landscape_id,
            run_id=row.run_id,
            graph_version=row.graph_version,
            proposals=tuple(proposals),
            total_yearly_saving=row.total_yearly_saving,
            empty_reason=row.empty_reason,
        )
        try:
            await self._publisher.publish(
                [OutgoingMessage(self._proposals_topic, e.key(), e.to_bytes()) for e in events]
            )
            await self._repository.mark_published(row.run_id)
        except Exception:  # the run is stored: publish_pending() publishes it later
            log.exception("publishing proposals failed", extra={"run_id": str(row.run_id)})

    async def publish_pending(self, *, older_than_s: float, limit: int = 20) -> int:
        """Publish stored runs whose publication failed or was cut short by a crash, oldest
        first; consumers may see a run twice (same run id), never not at all."""
        published = 0
        for row in await self._repository.unpublished_runs(older_than_s, limit):
            await self._publish(row, await self._repository.run_proposals(row.run_id))
            published += 1
        return published

    async def request_run(
        self,
        landscape_id: str,
        *,
        trigger: RunTrigger,
        requested_by: str | None,
        run_id: uuid.UUID | None = None,
    ) -> uuid.UUID:
        """Ask for a run through ``rationalizer.runs`` (the instance owning it runs it)."""
        request = RunRequest(
            run_id=run_id or uuid.uuid4(), trigger=trigger, requested_by=requested_by
        )
        command = RunRequested(landscape_id=landscape_id, payload=request)
        await self._publisher.publish(
            [OutgoingMessage(self._runs_topic, command.key(), command.to_bytes())]
        )
        return request.run_id

    async def request_scheduled_runs(self, tick: datetime) -> int:
        """One run request per known landscape; the run id derives from the tick, so several
        instances firing the same schedule ask for the same runs (idempotent)."""
        landscapes = await self._repository.landscapes()
        for landscape_id in landscapes:
            await self.request_run(
                landscape_id,
                trigger=RunTrigger.SCHEDULE,
                requested_by="schedule",
                run_id=uuid.uuid5(uuid.NAMESPACE_URL, f"snoei:{landscape_id}:{tick.isoformat()}"),
            )
        return len(landscapes)

    # --- decisions and queries -----------------------------------------------------------

    async def latest(self, landscape_id: str) -> StoredRun | None:
        return await self._repository.run(landscape_id)

    async def proposals(
        self,
        landscape_id: str,
        *,
        action: str | None = None,
        status: str | None = None,
        min_saving: float | None = None,
    ) -> tuple[StoredRun | None, list[Proposal]]:
        run = await self._repository.run(landscape_id)
        if run is None:
            return None, []
        found = await self._repository.run_proposals(
            run.row.run_id, action=action, min_saving=min_saving
        )
        decisions = await self._repository.decisions(landscape_id)
        decided = [overlay(p, decisions.get(p.id)) for p in found]
        return run, [p for p in decided if status is None or p.status.value == status]

    async def proposal(
        self, landscape_id: str, proposal_id: str
    ) -> tuple[Proposal, DecisionRow | None]:
        run = await self._repository.run(landscape_id)
        found = (
            await self._repository.run_proposals(run.row.run_id, proposal_id=proposal_id)
            if run is not None
            else []
        )
        if not found:
            raise ProposalNotFound(
                f"proposal {proposal_id!r} is not in the latest run of landscape {landscape_id!r}"
            )
        decision = (await self._repository.decisions(landscape_id)).get(proposal_id)
        return overlay(found[0], decision), decision

    async def decide(
        self,
        landscape_id: str,
        proposal_id: str,
        *,
        verdict: Verdict,
        reason: str,
        decided_by: str | None,
    ) -> Proposal:
        """Record an accept / reject on the proposal's current facts."""
        proposal, _ = await self.proposal(landscape_id, proposal_id)
        row = DecisionRow(
            landscape_id,
            proposal_id,
            verdict,
            reason,
            proposal.facts_hash,
            decided_by,
            datetime.now(UTC),
        )
        await self._repository.add_decision(row)
        return overlay(proposal, row)

    async def decisions(self, landscape_id: str) -> list[DecisionRow]:
        return sorted(
            (await self._repository.decisions(landscape_id)).values(),
            key=lambda d: d.decided_at,
            reverse=True,
        )

    async def runs(self, landscape_id: str, limit: int) -> list[RunRow]:
        return await self._repository.runs(landscape_id, limit)

    async def run_detail(
        self, landscape_id: str, run_id: uuid.UUID
    ) -> tuple[StoredRun, list[Proposal]]:
        run = await self._repository.run(landscape_id, run_id)
        if run is None:
            raise RunNotFound(f"run {run_id} is not known for landscape {landscape_id!r}")
        return run, await self._repository.run_proposals(run_id)

    async def diff(
        self, landscape_id: str, run_id: uuid.UUID, against: uuid.UUID | None
    ) -> RunDiff:
        """What changed from ``against`` (default: the run before) to ``run_id``."""
        _, after = await self.run_detail(landscape_id, run_id)
        base = against or await self._repository.previous_run_id(landscape_id, run_id)
        before: list[Proposal] = []
        if base is not None:
            _, before = await self.run_detail(landscape_id, base)
        old = {p.id: p for p in before}
        new = {p.id: p for p in after}
        changed = []
        for key in sorted(old.keys() & new.keys()):
            fields = [
                name
                for name in (
                    "status",
                    "facts_hash",
                    "yearly_saving",
                    "migration_cost",
                    "risk",
                    "survivor",
                    "confidence",
                )
                if getattr(old[key], name) != getattr(new[key], name)
            ]
            if fields:
                changed.append((old[key], new[key], fields))

        def saving(items: dict[str, Proposal]) -> float:
            return sum(p.yearly_saving for p in items.values() if p.status in ACTIVE_STATUSES)

        return RunDiff(
            from_run=base,
            to_run=run_id,
            added=[new[k] for k in sorted(new.keys() - old.keys())],
            removed=[old[k] for k in sorted(old.keys() - new.keys())],
            changed=changed,
            saving_change=round(saving(new) - saving(old), 2),
        )

    async def report(self, landscape_id: str, lang: Language) -> str:
        """The board report (HTML) of the latest run, with decisions applied."""
        run, proposals = await self.proposals(landscape_id)
        if run is None:
            raise NoRunYet(f"landscape {landscape_id!r} has no rationalisation run yet")
        replica, _ = await self._landscape(landscape_id)
        content = (
            replica.to_content()
            if replica is not None
            else GraphContent(version=0, inventory_sequence=0)
        )
        rules, catalogue, today = self._rules, self._catalogue, self._today()

        def render() -> str:
            data = build_report_input(
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
            )
            return render_report(
                data,
                lang,
                value_threshold=rules.value_threshold,
                fitness_threshold=rules.fitness_threshold,
            )

        return await asyncio.to_thread(render)

    async def what_if(self, landscape_id: str, retire: Sequence[str]) -> WhatIfResult:
        replica, _ = await self._landscape(landscape_id)
        content = (
            replica.to_content()
            if replica is not None
            else GraphContent(version=0, inventory_sequence=0)
        )
        previous = await self._repository.latest_quadrants(landscape_id)
        decisions = {
            k: d.decision() for k, d in (await self._repository.decisions(landscape_id)).items()
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


class Debouncer:
    """Decides when a changed landscape is evaluated.

    Small changes (an architect editing one application) are evaluated ``delay`` after the
    last one, and at the latest ``max_wait`` after the first, so a steady trickle is still
    evaluated. A bulk change (a graph delta of at least ``bulk_items`` items, or a snapshot)
    means a load is streaming in: the dependency service cuts a version every
    ``SNOEI_PUBLISH_DEBOUNCE_S`` while it lasts. Evaluating each half-loaded graph would cost
    a full run per version and propose nonsense (an application whose integrations have not
    arrived yet looks unused), so after a bulk change the landscape is evaluated once it has
    been quiet for ``settle`` seconds (twice the dependency's version spacing), and at the
    latest ``bulk_max_wait`` after the first pending change. Changes arriving during a run
    are evaluated after it."""

    def __init__(
        self,
        service: RationalizerService,
        *,
        delay: float,
        max_wait: float,
        settle: float,
        bulk_max_wait: float,
        bulk_items: int = 50,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._service = service
        self._clock = clock
        self._delay = delay
        self._max_wait = max_wait
        self._settle = settle
        self._bulk_max_wait = bulk_max_wait
        self._bulk_items = bulk_items
        self._bulk: set[str] = set()  # landscapes whose pending changes include a bulk one
        self._pending: dict[str, tuple[float, float]] = {}  # first change, last change
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def due(self, landscape_id: str) -> float | None:
        """When the pending changes of ``landscape_id`` are evaluated (monotonic clock)."""
        if landscape_id not in self._pending:
            return None
        first, last = self._pending[landscape_id]
        if landscape_id in self._bulk:
            return min(last + self._settle, first + self._bulk_max_wait)
        return min(last + self._delay, first + self._max_wait)

    def touch(self, landscape_id: str, items: int = 1) -> None:
        """``items``: how many records the change touched (a snapshot counts as bulk)."""
        now = self._clock()
        if items >= self._bulk_items:
            self._bulk.add(landscape_id)
        first, _ = self._pending.get(landscape_id, (now, now))
        self._pending[landscape_id] = (first, now)
        task = self._tasks.get(landscape_id)
        if task is None or task.done():
            self._tasks[landscape_id] = asyncio.create_task(
                self._wait_and_run(landscape_id), name=f"debounce-{landscape_id}"
            )

    async def _wait_and_run(self, landscape_id: str) -> None:
        while (due := self.due(landscape_id)) is not None:
            wait = due - self._clock()
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            del self._pending[landscape_id]
            self._bulk.discard(landscape_id)
            try:
                await self._service.run(landscape_id, RunRequest(trigger=RunTrigger.CHANGE))
            except Exception:
                log.exception(
                    "evaluation after change failed", extra={"landscape_id": landscape_id}
                )

    async def close(self) -> None:
        tasks = [t for t in self._tasks.values() if not t.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def relay_unpublished(service: RationalizerService, interval_s: float) -> None:
    """Every ``interval_s``, publish the runs stored but not published (see
    ``RationalizerService.publish_pending``)."""
    while True:
        try:
            count = await service.publish_pending(older_than_s=interval_s)
            if count:
                log.info("published stored runs", extra={"runs": count})
        except Exception:
            log.exception("publishing stored runs failed")
        await asyncio.sleep(interval_s)


async def run_schedule(service: RationalizerService, expression: str) -> None:
    """Publishes run requests for every landscape at each tick of the cron ``expression``."""
    schedule = croniter(expression, datetime.now(UTC))
    while True:
        tick: datetime = schedule.get_next(datetime)
        await asyncio.sleep(max(0.0, (tick - datetime.now(UTC)).total_seconds()))
        try:
            count = await service.request_scheduled_runs(tick)
            log.info(
                "scheduled runs requested", extra={"landscapes": count, "tick": tick.isoformat()}
            )
        except Exception:
            log.exception("scheduled run requests failed")
