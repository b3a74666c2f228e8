"""Prometheus metrics of one service: one registry per app, ``GET /metrics``, HTTP request
metrics by route template, Kafka publish counters, consumer lag and outbox backlog."""

from __future__ import annotations

import asyncio
import collections
import logging
import re
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from fastapi import APIRouter, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from snoei.shared.tracing import record_span

log = logging.getLogger(__name__)

PREFIX = "snoei"
DLQ_SUFFIX = ".dlq"
# Batches and runs take from milliseconds (a few changes) to minutes (a 10k-application
# landscape evaluated from scratch).
SLOW_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)
HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
SCRAPE_TIMEOUT_S = 2.0

Backlog = Callable[[], Awaitable[int]]


class FinishedRun(Protocol):
    """What the run metrics need of a stored run (the rationalizer's ``RunRow``)."""

    @property
    def run_id(self) -> object: ...
    @property
    def landscape_id(self) -> str: ...
    @property
    def trigger(self) -> str: ...
    @property
    def started_at(self) -> datetime: ...
    @property
    def finished_at(self) -> datetime: ...
    @property
    def duration_ms(self) -> float: ...


class Topic(Protocol):
    """What the publish counters need of an outgoing message."""

    @property
    def topic(self) -> str: ...


class ServiceMetrics:
    """Every Snoei series of one service, in the service's own registry (so several apps in
    one process, as in the tests, never collide)."""

    def __init__(self, service: str, registry: CollectorRegistry | None = None) -> None:
        self.service = service
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.produced = Counter(
            f"{PREFIX}_messages_produced", "Messages acknowledged by the broker, per topic.",
            ["topic"], registry=r,
        )
        self.dead_lettered = Counter(
            f"{PREFIX}_messages_dead_lettered",
            "Rejected messages sent to a dead-letter topic, per dead-letter topic.",
            ["topic"], registry=r,
        )
        self.publish_failures = Counter(
            f"{PREFIX}_publish_failures",
            "Publish rounds that failed (not every message acknowledged), per topic.",
            ["topic"], registry=r,
        )
        self.consumer_lag = Gauge(
            f"{PREFIX}_consumer_lag_messages",
            "Messages on the partition not yet handed to this consumer (end offset - position),"
            " per assigned partition, after each batch.",
            ["topic", "partition"], registry=r,
        )
        self.outbox_backlog = Gauge(
            f"{PREFIX}_outbox_backlog_messages",
            "Messages stored but not yet published (inventory events, graph versions, or runs),"
            " counted at scrape time.",
            registry=r,
        )
        self.http_requests = Counter(
            f"{PREFIX}_http_requests", "HTTP requests, by method, route template and status.",
            ["method", "route", "status"], registry=r,
        )
        self.http_duration = Histogram(
            f"{PREFIX}_http_request_duration_seconds",
            "HTTP request latency, by method and route template.",
            ["method", "route"], buckets=HTTP_BUCKETS, registry=r,
        )
        self.run_duration = Histogram(
            f"{PREFIX}_rationalisation_run_duration_seconds",
            "Duration of rationalisation runs (evaluation and storage), by trigger.",
            ["trigger"], buckets=SLOW_BUCKETS, registry=r,
        )
        self.proposals = Counter(
            f"{PREFIX}_rationalisation_proposals",
            "Proposals written by rationalisation runs, by action.",
            ["action"], registry=r,
        )
        self._backlog: Backlog | None = None
        self._lag_partitions: dict[str, set[int]] = {}

    def count_published(self, messages: Iterable[Topic], *, failed: bool = False) -> None:
        """Count a publish round: acknowledged messages per topic, or one failure per topic."""
        counts: dict[str, int] = {}
        for message in messages:
            counts[message.topic] = counts.get(message.topic, 0) + 1
        for topic, n in counts.items():
            if failed:
                self.publish_failures.labels(topic).inc()
                continue
            self.produced.labels(topic).inc(n)
            if topic.endswith(DLQ_SUFFIX):
                self.dead_lettered.labels(topic).inc(n)

    async def observe_lag(self, consumer: Any) -> None:
        """Set the lag of each partition ``consumer`` (an aiokafka consumer) holds: the end
        offset it last fetched (``highwater``) minus its position. Partitions of its topics
        it no longer holds are dropped, so a rebalance leaves no stale series."""
        held: dict[str, set[int]] = {topic: set() for topic in consumer.subscription()}
        for tp in consumer.assignment():
            end = consumer.highwater(tp)
            if end is None:  # nothing fetched from it yet
                continue
            position = await consumer.position(tp)
            self.consumer_lag.labels(tp.topic, str(tp.partition)).set(max(0, end - position))
            held.setdefault(tp.topic, set()).add(tp.partition)
        for topic in held:  # only this consumer's topics: others may share the registry
            for gone in self._lag_partitions.get(topic, set()) - held[topic]:
                self.consumer_lag.remove(topic, str(gone))
            self._lag_partitions[topic] = held[topic]

    def run_finished(self, run: FinishedRun, actions: Sequence[str]) -> None:
        """A stored rationalisation run: its duration and proposals, and its span (from its
        start to its end, in the trace it ran in)."""
        self.run_duration.labels(run.trigger).observe(run.duration_ms / 1000)
        for action, count in collections.Counter(str(a) for a in actions).items():
            self.proposals.labels(action).inc(count)  # one label lookup per action, not 2,754
        record_span(
            "rationalisation run",
            run.started_at,
            run.finished_at,
            {
                "snoei.landscape_id": run.landscape_id,
                "snoei.run_id": str(run.run_id),
                "snoei.trigger": run.trigger,
                "snoei.proposals": len(actions),
            },
        )

    def count_backlog(self, backlog: Backlog) -> None:
        """Compute ``snoei_outbox_backlog_messages`` with ``backlog`` (a cheap SQL count)
        whenever ``/metrics`` is scraped."""
        self._backlog = backlog

    async def refresh(self) -> None:
        """What is computed at scrape time; a slow or failing database leaves the last value
        rather than failing the scrape."""
        if self._backlog is None:
            return
        try:
            self.outbox_backlog.set(await asyncio.wait_for(self._backlog(), SCRAPE_TIMEOUT_S))
        except Exception as exc:
            log.warning("outbox backlog not counted", extra={"error": repr(exc)})

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def metrics_router(metrics: ServiceMetrics) -> APIRouter:
    """``GET /metrics``: the Prometheus text exposition of the service's registry."""
    router = APIRouter(tags=["health"])

    @router.get("/metrics", include_in_schema=False)
    async def scrape() -> Response:
        await metrics.refresh()
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return router


_PARAM = re.compile(r"{(\w+)(?::\w+)?}")


def _normal(template: str) -> str:
    """``/proposals/{proposal_id:path}`` → ``/proposals/{proposal_id}`` (OpenAPI's form)."""
    return _PARAM.sub(r"{\1}", template)


def _regex(template: str) -> re.Pattern[str]:
    pieces, last = [], 0
    for match in _PARAM.finditer(template):
        pieces += [re.escape(template[last : match.start()]), "[^/]+"]
        last = match.end()
    return re.compile("".join([*pieces, re.escape(template[last:])]))


class RouteTemplates:
    """The full template of the route a request took. ``scope["route"]`` knows only its own
    path: a route of a router included under ``/v1/landscapes/{landscape_id}`` says
    ``/quality-issues``. The prefix is found among the app's OpenAPI paths (the templates
    ending in the route's path; the one matching the request when several do)."""

    def __init__(self) -> None:
        self._templates: list[tuple[str, re.Pattern[str]]] | None = None

    def __call__(self, scope: Scope) -> str:
        route = getattr(scope.get("route"), "path", None)
        if route is None:
            return "unmatched"
        own = _normal(str(route))
        candidates = [(t, rx) for t, rx in self._load(scope) if t.endswith(own)]
        if len(candidates) == 1:
            return candidates[0][0]
        path = str(scope.get("path", ""))
        return next((t for t, rx in candidates if rx.fullmatch(path)), own)

    def _load(self, scope: Scope) -> list[tuple[str, re.Pattern[str]]]:
        if self._templates is None:
            app = scope.get("app")
            openapi = getattr(app, "openapi", None)
            paths = openapi().get("paths", {}) if callable(openapi) else {}
            self._templates = [(str(t), _regex(str(t))) for t in paths]
        return self._templates


class HttpMetrics:
    """ASGI middleware counting requests and timing them by route template (never the raw
    path: ``/v1/landscapes/{landscape_id}/…`` keeps the series bounded)."""

    def __init__(self, app: ASGIApp, *, metrics: ServiceMetrics) -> None:
        self._app = app
        self._metrics = metrics
        self._route = RouteTemplates()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        status = 500
        started = time.perf_counter()

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self._app(scope, receive, send_status)
        finally:
            route = self._route(scope)
            method = str(scope.get("method", "GET"))
            self._metrics.http_requests.labels(method, route, str(status)).inc()
            self._metrics.http_duration.labels(method, route).observe(
                time.perf_counter() - started
            )
