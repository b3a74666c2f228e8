"""Composition root of the dependency service: builds adapters and services, wires Kafka
and HTTP."""

from __future__ import annotations

import asyncio
import contextlib

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from faststream.kafka import KafkaRouter

from snoei.dependency import api
from snoei.dependency.adapters.inventory_client import InventoryClient
from snoei.dependency.adapters.repository import GraphRepository
from snoei.dependency.config import DependencySettings
from snoei.dependency.domain.errors import UnknownApplication, UnknownLandscape
from snoei.dependency.handlers import register_handlers
from snoei.dependency.service import DependencyService, GraphNotifier
from snoei.shared.asyncapi import asyncapi_router
from snoei.shared.catch_up import Upstream
from snoei.shared.db import make_pool
from snoei.shared.heads import heads_router
from snoei.shared.http import (
    grant_tokens,
    health_router,
    install_problem_handlers,
    problem_response,
)
from snoei.shared.lifecycle import ServiceRuntime
from snoei.shared.observability import Observability
from snoei.shared.runner import AssignmentTracker


def create_app(settings: DependencySettings) -> FastAPI:
    topics = settings.kafka.topics
    pool = make_pool(settings.database_url, schema=settings.db_schema)
    repository = GraphRepository(pool)
    token = settings.inventory_token.get_secret_value() if settings.inventory_token else None
    inventory = InventoryClient(settings.inventory_url, token=token)
    changed = asyncio.Event()
    service = DependencyService(
        repository=repository,
        inventory=inventory,
        replay_page_size=settings.replay_page_size,
        clusters_debounce_s=settings.clusters_debounce_s,
        changed=changed,
        upstream_heads=inventory.heads if settings.inventory_url else None,
    )
    observability = Observability("dependency", settings.kafka)
    observability.metrics.count_backlog(repository.outbox_backlog)
    # Graph versions: up to MBs of records each (a load, a snapshot), so compressed.
    publisher = observability.publisher(client_id="snoei-dependency-graph", compress=True)
    notifier = GraphNotifier(
        repository=repository,
        publisher=publisher,
        topic=topics.dependency_graph,
        debounce_s=settings.publish_debounce_s,
        changed=changed,
        live=service.live,
    )
    tracker = AssignmentTracker()
    broker = observability.broker(client_id="snoei-dependency")
    router = KafkaRouter()
    register_handlers(router, settings=settings, service=service, tracker=tracker)
    broker.include_router(router)

    async def flush_notifications() -> None:
        with contextlib.suppress(Exception):
            await notifier.flush()  # send what is already committed

    # With what the broker may have lost of the inventory's events.
    catch_up = Upstream(heads=inventory.heads, fetch_up_to=service.catch_up)

    runtime = ServiceRuntime(
        settings=settings,
        schema=settings.db_schema,
        migrations="snoei.dependency.migrations",
        pool=pool,
        broker=broker,
        publisher=publisher,
        background=[("graph-notifier", notifier.run)],
        on_stop=[flush_notifications, inventory.aclose],
        # The topics it consumes and produces: re-created by it after a broker restart.
        topics=(topics.inventory_events, topics.dependency_graph),
        catch_up=catch_up if settings.inventory_url else None,
        catch_up_interval_s=settings.catch_up_interval_s,
    )

    app = _http(settings, runtime, service, tracker)
    observability.install(app)
    return app


def _http(
    settings: DependencySettings,
    runtime: ServiceRuntime,
    service: DependencyService,
    tracker: AssignmentTracker,
) -> FastAPI:
    app = FastAPI(title="Snoei dependency", version="1", lifespan=runtime.lifespan)
    install_problem_handlers(app)
    app.include_router(asyncapi_router("dependency", settings.kafka))

    app.add_exception_handler(UnknownLandscape, _not_found)
    app.add_exception_handler(UnknownApplication, _not_found)
    app.include_router(
        health_router(
            {
                "database": runtime.database_ready,
                "broker": runtime.broker_ready,
                "kafka": tracker.ready,
            }
        )
    )
    grant_tokens(app, settings.api_tokens)
    api.provide(app, service, settings)
    api.publish_limits(app, settings)
    app.include_router(api.router())
    app.include_router(heads_router(service.heads, what="graph version"))
    return app


async def _not_found(request: Request, exc: Exception) -> JSONResponse:
    return problem_response(404, "Not found", str(exc), instance=str(request.url.path))
