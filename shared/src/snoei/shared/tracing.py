"""OpenTelemetry tracing: exported by OTLP only when an endpoint is configured; a span per
consumed batch and per published round, the W3C trace context travelling in Kafka headers."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import (
    Link,
    NoOpTracerProvider,
    ProxyTracerProvider,
    Span,
    SpanKind,
    Status,
    StatusCode,
)
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

Headers = tuple[tuple[str, bytes], ...]

TRACEPARENT = "traceparent"
TRACE_HEADERS = frozenset({TRACEPARENT, "tracestate"})
MAX_LINKS = 32  # a batch mixing many traces links the first few
UNTRACED_PATHS = "/health$,/ready$,/metrics$"

_tracer = trace.get_tracer("snoei")  # a proxy: follows the provider set at start
_propagator = TraceContextTextMapPropagator()


def configure_tracing(service: str, environ: Mapping[str, str] = os.environ) -> bool:
    """Install an SDK tracer provider exporting by OTLP/HTTP when
    ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or ``…_TRACES_ENDPOINT``) is set; otherwise leave the
    no-op provider, so spans cost next to nothing and nothing is exported."""
    if environ.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return False
    if not (
        environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        or environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    ):
        return False
    # Imported only here: a service without an endpoint never loads the SDK or exporter.
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    # OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES are read by Resource.create.
    attributes = {} if environ.get("OTEL_SERVICE_NAME") else {"service.name": f"snoei-{service}"}
    provider = TracerProvider(resource=Resource.create(attributes))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    return True


def tracing_enabled() -> bool:
    """Whether a real tracer provider (the SDK's, or a test's) is installed."""
    return not isinstance(trace.get_tracer_provider(), ProxyTracerProvider | NoOpTracerProvider)


def instrument_http(app: FastAPI) -> None:
    """Server spans for HTTP requests (route template as name), when tracing is on."""
    if tracing_enabled():
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

        FastAPIInstrumentor.instrument_app(app, excluded_urls=UNTRACED_PATHS)


def _carrier(headers: Sequence[tuple[str, bytes]] | None) -> dict[str, str]:
    return {k: v.decode("latin-1") for k, v in headers or () if k in TRACE_HEADERS}


def current_traceparent() -> str | None:
    """The W3C ``traceparent`` of the current span (None outside any trace): what a message
    stored now and published later (an outbox) should carry. Formatted here rather than by
    the propagator: it is asked once per stored event, also with tracing off."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{context.trace_flags:02x}"


def trace_headers(traceparent: str | None) -> Headers:
    """Kafka headers carrying a stored ``traceparent`` (none for None)."""
    return ((TRACEPARENT, traceparent.encode()),) if traceparent else ()


@contextmanager
def consume_span(topic: str, records: Sequence[Any]) -> Iterator[Span]:
    """The current span while a batch of ``records`` is handled.

    It continues the trace of the first record carrying a ``traceparent`` (one change, or
    a batch from one upstream trace, stays one trace); other traces in the batch become
    links (the first ``MAX_LINKS``), as a batch is one unit of work over many messages."""
    parent: Context | None = None
    links: list[Link] = []
    seen: set[str] = set()
    recording = tracing_enabled()
    for record in records:
        carrier = _carrier(record.headers)
        traceparent = carrier.get(TRACEPARENT)
        if traceparent is None or traceparent in seen:
            continue
        seen.add(traceparent)
        context = _propagator.extract(carrier)
        if parent is None:
            parent = context
            if not recording:
                break
        elif len(links) < MAX_LINKS:
            links.append(Link(trace.get_current_span(context).get_span_context()))
        else:
            break
    with _tracer.start_as_current_span(
        f"{topic} process",
        context=parent,
        kind=SpanKind.CONSUMER,
        links=links,
        attributes={
            "messaging.system": "kafka",
            "messaging.operation.type": "process",
            "messaging.destination.name": topic,
            "messaging.batch.message_count": len(records),
        },
    ) as span:
        yield span


@contextmanager
def publish_spans(outgoing: Sequence[tuple[str, Headers]]) -> Iterator[list[Headers]]:
    """Producer spans around one publish round of ``(topic, headers)`` messages; yields the
    headers each message is sent with.

    One span per topic and parent: a message that already carries a ``traceparent`` (stored
    with it in an outbox) is published as part of that trace, the others as part of the
    current one. Each message then carries its publish span's ``traceparent``."""
    spans: dict[tuple[str, str | None], tuple[Span, Headers, list[int]]] = {}
    sent: list[Headers] = []
    for topic, headers in outgoing:
        carrier = _carrier(headers)
        key = (topic, carrier.get(TRACEPARENT))
        if key not in spans:
            span = _tracer.start_span(
                f"{topic} publish",
                context=_propagator.extract(carrier) if carrier else None,
                kind=SpanKind.PRODUCER,
                attributes={
                    "messaging.system": "kafka",
                    "messaging.operation.type": "send",
                    "messaging.destination.name": topic,
                },
            )
            injected: dict[str, str] = {}
            _propagator.inject(injected, context=trace.set_span_in_context(span))
            spans[key] = (span, tuple((k, v.encode()) for k, v in injected.items()), [0])
        span, trace_headers, count = spans[key]
        count[0] += 1
        sent.append(tuple(h for h in headers if h[0] not in TRACE_HEADERS) + trace_headers)
    try:
        yield sent
    except BaseException as exc:
        for span, _, _ in spans.values():
            span.record_exception(exc)
            span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
        raise
    finally:
        for span, _, count in spans.values():
            span.set_attribute("messaging.batch.message_count", count[0])
            span.end()


def record_span(
    name: str, started: datetime, finished: datetime, attributes: Mapping[str, Any]
) -> None:
    """A span for work already done (e.g. a rationalisation run), in the current trace."""
    span = _tracer.start_span(
        name, start_time=int(started.timestamp() * 1e9), attributes=dict(attributes)
    )
    span.end(end_time=int(finished.timestamp() * 1e9))
