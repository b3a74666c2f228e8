"""Composition root of the rationalizer: builds adapters and services, wires Kafka and HTTP."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI
from faststream.kafka import KafkaRouter

from snoei.rationalizer import api
from snoei.rationalizer.adapters.dependency_client import DependencyClient
from snoei.rationalizer.adapters.endoflife import packaged_catalogue
from snoei.rationalizer.adapters.repository import RationalizerRepository
from snoei.rationalizer.config import RationalizerSettings
from snoei.rationalizer.handlers import register_handlers
from snoei.rationalizer.service import Debouncer, RationalizerService, run_schedule
from snoei.shared.db import make_pool, migrate
from snoei.shared.http import (
    TokenRegistry,
    health_router,
    install_problem_handlers,
    landscape_guard,
)
from snoei.shared.kafka import BatchPublisher, ensure_topics, make_broker
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
    debouncer = Debouncer(service, delay=settings.debounce_s, max_wait=settings.debounce_max_wait_s)
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

    async def database_ready() -> str | None:
        await pool.fetchval("SELECT 1")
        return None

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await pool
        await migrate(pool, schema=settings.db_schema, package="snoei.rationalizer.migrations")
        await ensure_topics(settings.kafka, topics.all())
        await publisher.start()
        schedule = (
            asyncio.create_task(run_schedule(service, settings.schedule), name="schedule")
            if settings.schedule
            else None
        )
        await broker.start()
        try:
            yield
        finally:
            await broker.stop()
            if schedule is not None:
                schedule.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await schedule
            await debouncer.close()
            await publisher.stop()
            if dependency is not None:
                await dependency.aclose()
            await pool.close()

    app = FastAPI(title="Snoei rationalizer", version="1", lifespan=lifespan)
    install_problem_handlers(app)
    app.include_router(
        health_router(
            {
                "database": database_ready,
                "graph consumer": graph_tracker.ready,
                "runs consumer": runs_tracker.ready,
            }
        )
    )
    app.include_router(
        api.build_router(service=service, guard=landscape_guard(TokenRegistry(settings.api_tokens)))
    )
    return app
