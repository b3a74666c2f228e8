"""Composition root of the rationalizer: builds adapters and services, wires Kafka and HTTP."""

from __future__ import annotations

from functools import partial

from fastapi import FastAPI
from faststream.kafka import KafkaRouter

from snoei.rationalizer import api
from snoei.rationalizer.adapters.dependency_client import DependencyClient
from snoei.rationalizer.adapters.endoflife import packaged_catalogue
from snoei.rationalizer.config import RationalizerSettings
from snoei.rationalizer.factory import Services, build_services
from snoei.rationalizer.handlers import register_handlers
from snoei.rationalizer.scheduling import (
    Debouncer,
    UpstreamAhead,
    hand_over_due_runs,
    never_ahead,
    relay_unpublished,
    run_schedule,
    sweep_due_runs,
)
from snoei.shared.asyncapi import asyncapi_router
from snoei.shared.catch_up import Heads, Upstream
from snoei.shared.db import make_pool
from snoei.shared.http import grant_tokens, health_router, install_problem_handlers
from snoei.shared.lifecycle import Background, ServiceRuntime
from snoei.shared.observability import Observability
from snoei.shared.runner import AssignmentTracker


def create_app(settings: RationalizerSettings) -> FastAPI:
    pool = make_pool(settings.database_url, schema=settings.db_schema)
    observability = Observability("rationalizer", settings.kafka)
    # A run's proposals: 14 MB of JSON at 10k applications, so compressed.
    publisher = observability.publisher(client_id="snoei-rationalizer", compress=True)
    dependency = _dependency_client(settings)
    services = build_services(
        pool=pool,
        catalogue=packaged_catalogue(),
        rules=settings.rules,
        publisher=publisher,
        proposals_topic=settings.kafka.topics.rationalizer_proposals,
        runs_topic=settings.kafka.topics.rationalizer_runs,
        snapshots=dependency,
        metrics=observability.metrics,
    )
    debouncer = _debouncer(settings, services, dependency)
    graph_tracker, runs_tracker = AssignmentTracker(), AssignmentTracker()
    router = KafkaRouter()
    register_handlers(
        router,
        settings=settings,
        replicas=services.replicas,
        runs=services.runs,
        debouncer=debouncer,
        graph_tracker=graph_tracker,
        runs_tracker=runs_tracker,
    )
    broker = observability.broker(client_id="snoei-rationalizer")
    broker.include_router(router)
    runtime = ServiceRuntime(
        settings=settings,
        schema=settings.db_schema,
        migrations="snoei.rationalizer.migrations",
        pool=pool,
        broker=broker,
        publisher=publisher,
        background=_background(settings, services, debouncer, graph_tracker),
        on_stop=[debouncer.close] + ([dependency.aclose] if dependency is not None else []),
        # The topics it consumes and produces: re-created by it after a broker restart.
        topics=_own_topics(settings),
        catch_up=_catch_up(services, dependency, debouncer, graph_tracker),
        catch_up_interval_s=settings.catch_up_interval_s,
    )
    app = _http(settings, runtime, services, graph_tracker, runs_tracker)
    observability.install(app)
    return app


def _http(
    settings: RationalizerSettings,
    runtime: ServiceRuntime,
    services: Services,
    graph_tracker: AssignmentTracker,
    runs_tracker: AssignmentTracker,
) -> FastAPI:
    app = FastAPI(title="Snoei rationalizer", version="1", lifespan=runtime.lifespan)
    install_problem_handlers(app)
    app.include_router(asyncapi_router("rationalizer", settings.kafka))
    app.include_router(
        health_router(
            {
                "database": runtime.database_ready,
                "broker": runtime.broker_ready,
                "graph consumer": graph_tracker.ready,
                "runs consumer": runs_tracker.ready,
            }
        )
    )
    grant_tokens(app, settings.api_tokens)
    api.provide(app, services)
    app.include_router(api.router())
    app.include_router(api.market.router)
    return app


def _debouncer(
    settings: RationalizerSettings, services: Services, dependency: DependencyClient | None
) -> Debouncer:
    return Debouncer(
        services.runs,
        delay=settings.debounce_s,
        max_wait=settings.debounce_max_wait_s,
        settle=settings.bulk_settle_s,
        bulk_max_wait=settings.bulk_max_wait_s,
        upstream_ahead=_upstream_ahead(services, dependency),
    )


def _upstream_ahead(services: Services, dependency: DependencyClient | None) -> UpstreamAhead:
    """More of a load is on its way: the dependency service stored a version the replica
    lacks, or has changes or inventory events not yet in a version (``GET …/graph/head``)."""
    if dependency is None:
        return never_ahead
    client = dependency

    async def ahead(landscape_id: str) -> bool:
        head = await client.graph_head(landscape_id)
        return head.pending or head.version > await services.replicas.version(landscape_id)

    return ahead


def _dependency_client(settings: RationalizerSettings) -> DependencyClient | None:
    if not settings.dependency_url:
        return None
    token = settings.dependency_token
    return DependencyClient(
        settings.dependency_url, token=token.get_secret_value() if token else None
    )


def _catch_up(
    services: Services,
    dependency: DependencyClient | None,
    debouncer: Debouncer,
    graph_tracker: AssignmentTracker,
) -> Upstream | None:
    """Replicas behind the dependency service's stored versions are brought up to a
    snapshot, then evaluated as due runs."""
    if dependency is None:
        return None

    async def fetch_up_to(heads: Heads) -> int:
        caught = await services.replicas.catch_up(heads)
        if caught:
            partitions = {tp.partition for tp in graph_tracker.assigned}
            await hand_over_due_runs(services.runs, debouncer, partitions)
        return len(caught)

    return Upstream(heads=dependency.heads, fetch_up_to=fetch_up_to)


def _background(
    settings: RationalizerSettings,
    services: Services,
    debouncer: Debouncer,
    graph_tracker: AssignmentTracker,
) -> list[Background]:
    """The service's loops: publication relay, due-run sweep and (if set) the schedule."""
    loops: list[Background] = [
        ("publication relay", partial(relay_unpublished, services.runs, settings.relay_interval_s)),
        (
            "due-run sweep",
            partial(
                sweep_due_runs,
                services.runs,
                debouncer,
                partitions=lambda: {tp.partition for tp in graph_tracker.assigned},
                joined=graph_tracker.joined,
                interval_s=settings.due_sweep_s,
            ),
        ),
    ]
    if settings.schedule:
        loops.append(("schedule", partial(run_schedule, services.runs, settings.schedule)))
    return loops


def _own_topics(settings: RationalizerSettings) -> tuple[str, ...]:
    topics = settings.kafka.topics
    return (topics.dependency_graph, topics.rationalizer_runs, topics.rationalizer_proposals)
