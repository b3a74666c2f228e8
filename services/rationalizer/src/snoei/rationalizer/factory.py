"""Builds the rationalizer's use cases over one database pool (the composition root's
service half; tests build them the same way with fakes for the ports)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

import asyncpg

from snoei.rationalizer.adapters.decisions import DecisionRepository
from snoei.rationalizer.adapters.replicas import ReplicaRepository
from snoei.rationalizer.adapters.runs import RunRepository
from snoei.rationalizer.decisions import DecisionService
from snoei.rationalizer.domain.rulebook import RulesConfig
from snoei.rationalizer.domain.technology import LifecycleCatalogue
from snoei.rationalizer.queries import QueryService
from snoei.rationalizer.replica import LandscapeLocks, ReplicaService, SnapshotSource
from snoei.rationalizer.runs import Publisher, RunService
from snoei.shared.metrics import ServiceMetrics


@dataclass(frozen=True, slots=True)
class Services:
    replicas: ReplicaService
    runs: RunService
    queries: QueryService
    decisions: DecisionService


def build_services(
    *,
    pool: asyncpg.Pool,
    catalogue: LifecycleCatalogue,
    rules: RulesConfig,
    publisher: Publisher,
    proposals_topic: str,
    runs_topic: str,
    snapshots: SnapshotSource | None,
    today: Callable[[], date] = lambda: datetime.now(UTC).date(),
    metrics: ServiceMetrics | None = None,
) -> Services:
    locks = LandscapeLocks()
    runs, decisions = RunRepository(pool), DecisionRepository(pool)
    if metrics is not None:
        metrics.count_backlog(runs.unpublished_count)
    replicas = ReplicaService(repository=ReplicaRepository(pool), snapshots=snapshots, locks=locks)
    queries = QueryService(
        replicas=replicas,
        runs=runs,
        decisions=decisions,
        catalogue=catalogue,
        rules=rules,
        today=today,
    )
    return Services(
        replicas=replicas,
        runs=RunService(
            replicas=replicas,
            runs=runs,
            decisions=decisions,
            catalogue=catalogue,
            rules=rules,
            publisher=publisher,
            proposals_topic=proposals_topic,
            runs_topic=runs_topic,
            locks=locks,
            today=today,
            metrics=metrics,
        ),
        queries=queries,
        decisions=DecisionService(queries=queries, decisions=decisions),
    )
