"""What a service's composition root wires in to be seen from outside: its metrics, the
broker middlewares (consumed messages, handler latency, lag, a span per batch) and the
HTTP side (``/metrics``, request metrics, request spans)."""

from __future__ import annotations

import contextlib
from typing import Any

from fastapi import FastAPI
from faststream import BaseMiddleware
from faststream.kafka import KafkaBroker
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from faststream.message import StreamMessage
from starlette.types import ASGIApp, Receive, Scope, Send

from snoei.shared.kafka import BatchPublisher, make_broker
from snoei.shared.logs import bind_correlation_id
from snoei.shared.metrics import PREFIX, HttpMetrics, ServiceMetrics, metrics_router
from snoei.shared.settings import KafkaSettings
from snoei.shared.tracing import consume_span, instrument_http

CORRELATION_HEADER = "correlation_id"  # FastStream's own header name
HTTP_CORRELATION_HEADER = b"x-correlation-id"


class Observability:
    """One per app: every series of the service lives in ``metrics.registry``."""

    def __init__(self, service: str, kafka: KafkaSettings) -> None:
        self.service = service
        self.metrics = ServiceMetrics(service)
        self._kafka = kafka

    def broker(self, *, client_id: str) -> KafkaBroker:
        """The service's FastStream broker with the middlewares below."""
        broker = make_broker(self._kafka, client_id=client_id)
        for middleware in self.broker_middlewares():
            broker.add_middleware(middleware)
        return broker

    def publisher(self, *, client_id: str, compress: bool = False) -> BatchPublisher:
        """A batch publisher counting what it publishes in the service's metrics."""
        return BatchPublisher(
            self._kafka, client_id=client_id, metrics=self.metrics, compress=compress
        )

    def broker_middlewares(self) -> tuple[Any, ...]:
        """For ``make_broker``: FastStream's Prometheus middleware counts consumed messages
        and times handlers (``snoei_received_…``, label ``handler`` = topic); ours puts each
        batch in a span and updates the consumer lag after it."""
        metrics = self.metrics

        def observer(msg: Any, /, *, context: Any) -> BatchObserver:
            return BatchObserver(msg, context=context, metrics=metrics)

        return (
            KafkaPrometheusMiddleware(
                registry=metrics.registry, app_name=f"snoei-{self.service}", metrics_prefix=PREFIX
            ),
            observer,
        )

    def install(self, app: FastAPI) -> None:
        """``GET /metrics``, request metrics by route template, and request spans."""
        app.add_middleware(HttpMetrics, metrics=self.metrics)
        app.add_middleware(HttpCorrelation)
        app.include_router(metrics_router(self.metrics))
        instrument_http(app)


class BatchObserver(BaseMiddleware):
    """A consumed batch runs inside its span (continuing the trace its first record carries)
    with the batch's correlation id bound for the logs; afterwards the lag is updated."""

    def __init__(self, msg: Any, /, *, context: Any, metrics: ServiceMetrics) -> None:
        super().__init__(msg, context=context)
        self._metrics = metrics

    async def consume_scope(self, call_next: Any, msg: StreamMessage[Any]) -> Any:
        raw = msg.raw_message
        records = tuple(raw) if isinstance(raw, tuple | list) else (raw,)
        topic = str(getattr(records[0], "topic", "")) if records else ""
        correlation = next(
            (
                value.decode(errors="replace")
                for record in records
                for key, value in (getattr(record, "headers", None) or ())
                if key == CORRELATION_HEADER
            ),
            None,
        )
        try:
            with bind_correlation_id(correlation), consume_span(topic, records):
                return await call_next(msg)
        finally:
            consumer = getattr(msg, "consumer", None)
            if consumer is not None and hasattr(consumer, "highwater"):
                # Lag is a best-effort reading: a rebalance in between must not fail a batch.
                with contextlib.suppress(Exception):
                    await self._metrics.observe_lag(consumer)


class HttpCorrelation:
    """Binds a request's ``X-Correlation-ID`` header for the logs of that request."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        correlation = None
        if scope["type"] == "http":
            for key, value in scope.get("headers", ()):
                if key == HTTP_CORRELATION_HEADER:
                    correlation = value.decode("latin-1")
        with bind_correlation_id(correlation):
            await self._app(scope, receive, send)
