"""Composition root of the rationalizer: builds adapters and services, wires Kafka and HTTP."""

from __future__ import annotations

from functools import partial

from fastapi import FastAPI
from faststream.kafka import KafkaRouter

from snoei.rationalizer import api
from snoei.rationalizer.adapters.dependency_client import DependencyClient
from snoei.rationalizer.adapters.endoflife import packaged_catalogue
from snoei.rationalizer.adapters.repository import RationalizerRepository
from snoei.rationalizer.config import RationalizerSettings
from snoei.rationalizer.handlers import register_handlers
from snoei.rationalizer.service import (
    Debouncer,
    RationalizerService,
    relay_unpublished,
    run_schedule,
)
from snoei.shared.db import make_pool
from snoei.shared.http import (
    TokenRegistry,
    health_router,
    install_problem_handlers,
    landscape_guard,
)
from snoei.shared.kafka import BatchPublisher, make_broker
from snoei.shared.lifecycle import ServiceRuntime
from snoei.shared.runner import AssignmentTracker


def create_app(settings: RationalizerSettings) -> FastAPI:
    topics = settings.kafka.topics
    pool = make_pool(settings.database_url, schema=settings.db_schema)
    repository = RationalizerRepository(pool)
    publisher = BatchPublisher(settings.kafka, client_id="snoei-rationalizer")
    dependency = (
        DependencyClient(
            settings.dependency_url,
            token=settings.dependency_token.get_secret_value()
            if settings.dependency_token
            else None,
        )
        if settings.dependency_url
        else None
    )
    service = RationalizerService(
        repository=repository,
        catalogue=packaged_catalogue(),
        rules=settings.rules,
        publisher=publisher,
        proposals_topic=topics.rationalizer_proposals,
        runs_topic=topics.rationalizer_runs,
        snapshots=dependency,
    )
    debouncer = Debouncer(
        service,
        delay=settings.debounce_s,
        max_wait=settings.debounce_max_wait_s,
        settle=settings.bulk_settle_s,
        bulk_max_wait=settings.bulk_max_wait_s,
    )
    graph_tracker, runs_tracker = AssignmentTracker(), AssignmentTracker()
    broker = make_broker(settings.kafka, client_id="snoei-rationalizer")
    router = KafkaRouter()
    register_handlers(
        router,
        settings=settings,
        service=service,
        debouncer=debouncer,
        graph_tracker=graph_tracker,
        runs_tracker=runs_tracker,
    )
    broker.include_router(router)

    on_stop = [debouncer.close] + ([dependency.aclose] if dependency is not None else [])
    runtime = ServiceRuntime(
        settings=settings,
        schema=settings.db_schema,
        migrations="snoei.rationalizer.migrations",
        pool=pool,
        broker=broker,
        publisher=publisher,
        background=[
            ("publication relay", partial(relay_unpublished, service, settings.relay_interval_s)),
            *(
                [("schedule", partial(run_schedule, service, settings.schedule))]
                if settings.schedule
                else []
            ),
        ],
        on_stop=on_stop,
        # The topics it consumes and produces: re-created by it after a broker restart.
        topics=(topics.dependency_graph, topics.rationalizer_runs, topics.rationalizer_proposals),
    )

    app = FastAPI(title="Snoei rationalizer", version="1", lifespan=runtime.lifespan)
    install_problem_handlers(app)
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
    app.include_router(
        api.build_router(service=service, guard=landscape_guard(TokenRegistry(settings.api_tokens)))
    )
    return app
