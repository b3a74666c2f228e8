"""Runs of the rationalizer: evaluate a landscape's replica, store the run, publish its
proposals (again later if that failed), and ask for runs through ``rationalizer.runs``."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable, Collection, Sequence
from datetime import UTC, date, datetime
from typing import Protocol

from snoei.rationalizer.adapters.decisions import DecisionRepository
from snoei.rationalizer.adapters.runs import RunRepository, RunRow, StoredRun
from snoei.rationalizer.domain.engine import EngineMemo, Evaluation, rationalise
from snoei.rationalizer.domain.graph_replica import GraphReplica, Touched
from snoei.rationalizer.domain.landscape import Landscape, patch
from snoei.rationalizer.domain.market import EMPTY_MARKET, MarketCatalogue
from snoei.rationalizer.domain.rulebook import RulesConfig
from snoei.rationalizer.domain.technology import LifecycleCatalogue
from snoei.rationalizer.domain.waves import WavePlan
from snoei.rationalizer.encoding import EncodedProposals, ProposalEncoder
from snoei.rationalizer.replica import LandscapeLocks, ReplicaService
from snoei.shared.contracts.graph import GraphContent
from snoei.shared.contracts.proposals import RuleFired, iter_encode_parts, split_run
from snoei.shared.contracts.runs import RunRequest, RunRequested, RunTrigger
from snoei.shared.heap import PROCESS_HEAP
from snoei.shared.kafka import OutgoingMessage
from snoei.shared.metrics import ServiceMetrics

log = logging.getLogger(__name__)

NO_GRAPH = "no graph has been received for this landscape yet"


class Publisher(Protocol):
    async def publish(self, messages: Sequence[OutgoingMessage]) -> None: ...


class MarketSource(Protocol):
    async def catalogue(self) -> MarketCatalogue: ...


INLINE_CPU_S = 0.1
"""A run patched from its memo after a small change, whose landscape's last evaluation took
less CPU than this, is evaluated on the event loop. In a thread it shared the interpreter
with the loop's own work (requests, consumers) and took 30-40 ms longer than its 30-70 ms of
CPU at 10k applications; on the loop, requests wait those few ms instead."""

INLINE_RECORDS = 50  # a change of a few records (an edit, an import line), not a load


class RunService:
    def __init__(
        self,
        *,
        replicas: ReplicaService,
        runs: RunRepository,
        decisions: DecisionRepository,
        catalogue: LifecycleCatalogue,
        rules: RulesConfig,
        publisher: Publisher,
        proposals_topic: str,
        runs_topic: str,
        locks: LandscapeLocks,
        today: Callable[[], date] = lambda: datetime.now(UTC).date(),
        market: MarketSource | None = None,
        metrics: ServiceMetrics | None = None,
    ) -> None:
        self._replicas = replicas
        self._runs = runs
        self._decisions = decisions
        self._catalogue = catalogue
        self._rules = rules
        self._publisher = publisher
        self._proposals_topic = proposals_topic
        self._runs_topic = runs_topic
        self._locks = locks
        self._today = today
        self._market = market
        self._metrics = metrics or ServiceMetrics("rationalizer")  # detached unless given
        # What the last run left for the next one, with the replica its landscape was built
        # from: what that replica touched since then patches the landscape (the object is
        # kept, since a snapshot replaces the replica).
        self._memos: dict[str, tuple[EngineMemo, GraphReplica]] = {}
        self._cpu: dict[str, float] = {}  # CPU seconds of each landscape's last evaluation
        self._encoder = ProposalEncoder()

    async def run(self, landscape_id: str, request: RunRequest) -> RunRow | None:
        """Evaluate the landscape and store + publish the run; None if this run id exists."""
        async with self._locks(landscape_id):
            if await self._runs.run_exists(request.run_id):
                return None
            started = datetime.now(UTC)
            clock = time.perf_counter()
            replica, stale = await self._replicas.current(landscape_id)
            market = await self._market.catalogue() if self._market else EMPTY_MARKET
            evaluation, evaluate_cpu = await self._evaluate(landscape_id, replica, market)
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
                unknown_saving_count=evaluation.unknown_saving_count,
            )
            evaluated = time.perf_counter()
            stored = StoredRun(row, dict(evaluation.quadrants), evaluation.waves, evaluation.notes)
            encoded = self._encoder.encode(landscape_id, proposals)
            if not await self._runs.save_run(stored, encoded):
                return None
            saved = time.perf_counter()
        self._metrics.run_finished(row, [p.action for p in proposals])
        await self._publish(row, encoded, evaluation.notes)
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

    async def due(self, partitions: Collection[int]) -> dict[str, int]:
        """Landscapes whose replica is ahead of their latest run, with its graph version
        (see ``RunRepository.due_runs``)."""
        return await self._runs.due_runs(partitions)

    async def _evaluate(
        self, landscape_id: str, replica: GraphReplica | None, market: MarketCatalogue
    ) -> tuple[Evaluation, float]:
        """The evaluation of ``replica`` (in a thread) and the CPU seconds it took."""
        previous = await self._runs.latest_quadrants(landscape_id)
        decisions = {
            k: d.decision() for k, d in (await self._decisions.decisions(landscape_id)).items()
        }
        if replica is None:
            return Evaluation((), {}, WavePlan(), NO_GRAPH), 0.0
        content = replica.to_content()
        memo: EngineMemo | None = None
        touched = None
        kept = self._memos.pop(landscape_id, None)
        if kept is not None:
            memo, built_from = kept
            if built_from is replica:
                touched = replica.touched_since(memo.landscape.version)
        today = self._today()
        cpu = 0.0
        small = self._small_patch(landscape_id, memo, touched, content)

        def evaluate() -> Evaluation:
            nonlocal cpu
            started = time.thread_time()
            # A run allocates hundreds of thousands of objects next to the replica and the
            # memo; the collector would scan them all (see LongLivedHeap).
            try:
                with PROCESS_HEAP.work():
                    return rationalise(
                        small
                        or Landscape.from_content(
                            content, previous=memo.landscape if memo else None, touched=touched
                        ),
                        config=self._rules,
                        catalogue=self._catalogue,
                        today=today,
                        previous_quadrants=previous,
                        decisions=decisions,
                        memo=memo,
                        market=market,
                    )
            finally:
                cpu = time.thread_time() - started

        evaluation = evaluate() if small is not None else await asyncio.to_thread(evaluate)
        if evaluation.memo is not None:
            self._memos[landscape_id] = (evaluation.memo, replica)
        self._cpu[landscape_id] = cpu
        return evaluation, cpu

    def _small_patch(
        self,
        landscape_id: str,
        memo: EngineMemo | None,
        touched: Touched | None,
        content: GraphContent,
    ) -> Landscape | None:
        """The landscape of a run to evaluate on the event loop (see ``INLINE_CPU_S``): the
        memo's, patched after a change of a few records, when its last evaluation was
        cheap. None: evaluate in a thread."""
        if memo is None or touched is None or self._cpu.get(landscape_id, 1.0) >= INLINE_CPU_S:
            return None
        if len(touched.applications) + len(touched.integrations) > INLINE_RECORDS:
            return None
        return patch(memo.landscape, touched, content)  # None: a rebuild, in the thread

    async def _publish(
        self, row: RunRow, encoded: EncodedProposals, notes: tuple[RuleFired, ...]
    ) -> None:
        # Split so a 10k-application run stays under the broker's message size limit.
        events = split_run(
            landscape_id=row.landscape_id,
            run_id=row.run_id,
            graph_version=row.graph_version,
            proposals=encoded.proposals,
            total_yearly_saving=row.total_yearly_saving,
            unknown_saving_count=row.unknown_saving_count,
            empty_reason=row.empty_reason,
            notes=notes,
        )
        try:
            messages: list[OutgoingMessage] = []
            parts = iter_encode_parts(events, encoded.bodies)
            for event, value in zip(events, parts, strict=True):
                messages.append(OutgoingMessage(self._proposals_topic, event.key(), value))
                # About 1 MB each at 10k applications (6-12 ms in all, joined as bytes), right
                # after the run became visible: let requests (someone reading it) in between.
                await asyncio.sleep(0)
            await self._publisher.publish(messages)
            await self._runs.mark_published(row.run_id)
        except Exception:  # the run is stored: publish_pending() publishes it later
            log.exception("publishing proposals failed", extra={"run_id": str(row.run_id)})

    async def publish_pending(self, *, older_than_s: float, limit: int = 20) -> int:
        """Publish stored runs whose publication failed or was cut short by a crash, oldest
        first; consumers may see a run twice (same run id), never not at all."""
        published = 0
        for row in await self._runs.unpublished_runs(older_than_s, limit):
            stored = await self._runs.run(row.landscape_id, row.run_id)
            notes = stored.notes if stored is not None else ()
            proposals = await self._runs.run_proposals(row.run_id)
            encoded = self._encoder.encode(row.landscape_id, proposals, remember=False)
            await self._publish(row, encoded, notes)
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
        landscapes = await self._replicas.landscapes()
        for landscape_id in landscapes:
            await self.request_run(
                landscape_id,
                trigger=RunTrigger.SCHEDULE,
                requested_by="schedule",
                run_id=uuid.uuid5(uuid.NAMESPACE_URL, f"snoei:{landscape_id}:{tick.isoformat()}"),
            )
        return len(landscapes)
