"""Runs a service process: check its servers, then serve HTTP and Kafka until SIGTERM."""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
import sys
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

import asyncpg
import uvicorn
from aiokafka import ConsumerRebalanceListener
from aiokafka.structs import TopicPartition
from fastapi import FastAPI

from snoei.shared.logs import configure_logging
from snoei.shared.settings import ServiceSettings
from snoei.shared.tracing import configure_tracing

log = logging.getLogger(__name__)


class StartupError(Exception):
    """A server the service needs is unreachable or misconfigured; the message says which."""


def _host_port(address: str, default_port: int) -> tuple[str, int]:
    parsed = urlsplit(f"//{address}")
    return parsed.hostname or "127.0.0.1", parsed.port or default_port


async def check_kafka(bootstrap: str, timeout: float = 5.0) -> None:
    errors = []
    for address in bootstrap.split(","):
        host, port = _host_port(address.strip(), 9092)
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
        except (OSError, TimeoutError) as exc:
            errors.append(f"{host}:{port} ({exc.strerror or type(exc).__name__})")
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise StartupError(
        f"cannot reach the Kafka broker at {', '.join(errors)}; "
        "start it (make up) or set SNOEI_KAFKA_BOOTSTRAP"
    )


async def check_database(dsn: str, timeout: float = 5.0) -> None:
    safe = urlsplit(dsn)
    where = f"{safe.hostname or 'localhost'}:{safe.port or 5432}{safe.path}"
    try:
        conn = await asyncpg.connect(dsn, timeout=timeout)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise StartupError(
            f"cannot reach PostgreSQL at {where} ({reason}); "
            "start it (make up) or set SNOEI_DATABASE_URL"
        ) from exc
    await conn.close()


def check_port_free(host: str, port: int, setting: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise StartupError(
                    f"port {port} on {host} is already in use; stop what uses it or set {setting}"
                ) from exc
            raise StartupError(f"cannot bind {host}:{port}: {exc.strerror}") from exc


class AssignmentTracker(ConsumerRebalanceListener):  # type: ignore[misc]  # aiokafka is untyped
    """Knows when the consumer has joined its group and which partitions it owns."""

    def __init__(self) -> None:
        self.joined = asyncio.Event()
        self.assigned: set[TopicPartition] = set()

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        self.assigned.difference_update(revoked)

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        self.assigned.update(assigned)
        self.joined.set()

    async def ready(self) -> str | None:
        return None if self.joined.is_set() else "consumer has not joined its group yet"


S = TypeVar("S", bound=ServiceSettings)


def run_service(name: str, settings: S, app_factory: Callable[[S], FastAPI]) -> None:
    """Entry point of ``python -m snoei.<service>``: clear one-line errors, no tracebacks."""
    configure_logging(name, level=settings.log_level, fmt=settings.log_format)
    configure_tracing(name)  # only with OTEL_EXPORTER_OTLP_ENDPOINT set

    async def serve() -> bool:
        await check_kafka(settings.kafka.bootstrap)
        await check_database(settings.database_url)
        # Built inside the running loop: asyncpg pools and aiokafka clients bind to it.
        app = app_factory(settings)
        config = uvicorn.Config(
            app,
            host=settings.http_host,
            port=settings.http_port,
            log_config=None,
            lifespan="on",
            timeout_graceful_shutdown=20,
        )
        server = uvicorn.Server(config)
        await server.serve()
        return server.started

    try:
        check_port_free(settings.http_host, settings.http_port, "SNOEI_HTTP_PORT")
        started = asyncio.run(serve())
    except StartupError as exc:
        print(f"snoei-{name}: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    if not started:
        raise SystemExit(1)
