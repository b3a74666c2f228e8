"""Composition root of the inventory: builds adapters and services, wires Kafka and HTTP."""

from __future__ import annotations

import asyncio
from functools import partial

from fastapi import FastAPI
from faststream.kafka import KafkaRouter

from snoei.inventory import api
from snoei.inventory.adapters.outbox import outbox_backlog
from snoei.inventory.adapters.repository import InventoryRepository
from snoei.inventory.config import InventorySettings
from snoei.inventory.handlers import register_handlers
from snoei.inventory.service import InventoryService, OutboxRelay
from snoei.inventory.upload_limit import UploadLimit
from snoei.shared.asyncapi import asyncapi_router
from snoei.shared.db import make_pool
from snoei.shared.heads import heads_router
from snoei.shared.http import grant_tokens, health_router, install_problem_handlers
from snoei.shared.lifecycle import ServiceRuntime
from snoei.shared.observability import Observability
from snoei.shared.runner import AssignmentTracker


def create_app(settings: InventorySettings) -> FastAPI:
    topics = settings.kafka.topics
    pool = make_pool(settings.database_url, schema=settings.db_schema)
    signal = asyncio.Event()
    repository = InventoryRepository(pool)
    service = InventoryService(repository=repository, outbox_signal=signal)
    observability = Observability("inventory", settings.kafka)
    observability.metrics.count_backlog(partial(outbox_backlog, pool))
    publisher = observability.publisher(client_id="snoei-inventory-relay")
    relay = OutboxRelay(
        pool=pool,
        publisher=publisher,
        topic=topics.inventory_events,
        signal=signal,
        batch_size=settings.relay_batch_size,
        idle_interval=settings.relay_idle_interval_s,
    )
    tracker = AssignmentTracker()
    broker = observability.broker(client_id="snoei-inventory")
    router = KafkaRouter()
    register_handlers(router, settings=settings, service=service, dlq=publisher, tracker=tracker)
    broker.include_router(router)

    runtime = ServiceRuntime(
        settings=settings,
        schema=settings.db_schema,
        migrations="snoei.inventory.migrations",
        pool=pool,
        broker=broker,
        publisher=publisher,
        background=[("outbox-relay", relay.run)] if settings.relay_enabled else [],
        # The topics it consumes and produces: re-created by it after a broker restart.
        topics=(topics.inventory_changes, topics.inventory_changes_dlq, topics.inventory_events),
    )

    app = FastAPI(title="Snoei inventory", version="1", lifespan=runtime.lifespan)
    install_problem_handlers(app)
    observability.install(app)
    app.include_router(asyncapi_router("inventory", settings.kafka))
    app.add_middleware(UploadLimit, max_bytes=settings.max_upload_bytes)
    grant_tokens(app, settings.api_tokens)
    api.provide(app, service, max_upload_bytes=settings.max_upload_bytes)
    app.include_router(
        health_router(
            {
                "database": runtime.database_ready,
                "broker": runtime.broker_ready,
                "kafka": tracker.ready,
            }
        )
    )
    app.include_router(api.router())
    app.include_router(heads_router(service.heads, what="event sequence"))
    return app
