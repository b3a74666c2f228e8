"""The observability helpers on their own: log lines carry trace and correlation ids, trace
context passes through a batch and a publish even with tracing off, lag per partition,
request metrics by route template, and tracing stays off without an OTLP endpoint."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

import httpx
import pytest
from aiokafka.structs import TopicPartition
from fastapi import APIRouter, FastAPI
from opentelemetry.sdk.trace import TracerProvider

from snoei.shared.logs import JsonFormatter, bind_correlation_id
from snoei.shared.metrics import ServiceMetrics
from snoei.shared.observability import Observability
from snoei.shared.settings import KafkaSettings
from snoei.shared.tracing import (
    configure_tracing,
    consume_span,
    current_traceparent,
    publish_spans,
    trace_headers,
    tracing_enabled,
)

pytestmark = pytest.mark.unit

UPSTREAM = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
OTHER = "00-11111111111111111111111111111111-2222222222222222-01"


def log_line() -> dict[str, str]:
    record = logging.makeLogRecord({"name": "t", "levelno": 20, "levelname": "INFO", "msg": "m"})
    parsed: dict[str, str] = json.loads(JsonFormatter("inventory").format(record))
    return parsed


def test_log_lines_carry_the_trace_id_of_the_current_span_and_the_bound_correlation_id() -> None:
    assert "trace_id" not in log_line()
    assert "correlation_id" not in log_line()
    tracer = TracerProvider().get_tracer("test")  # a local provider: the global stays no-op
    with tracer.start_as_current_span("work") as span, bind_correlation_id("change-42"):
        line = log_line()
    assert line["trace_id"] == format(span.get_span_context().trace_id, "032x")
    assert line["span_id"] == format(span.get_span_context().span_id, "016x")
    assert line["correlation_id"] == "change-42"
    assert "correlation_id" not in log_line()


@dataclass
class Record:
    topic: str = "inventory.changes"
    headers: tuple[tuple[str, bytes], ...] = ()


def trace_id(traceparent: str | bytes | None) -> str | None:
    text = traceparent.decode() if isinstance(traceparent, bytes) else traceparent
    return text.split("-")[1] if text else None


def test_a_batch_continues_the_trace_of_its_first_traced_record() -> None:
    records = [
        Record(), Record(headers=trace_headers(UPSTREAM)), Record(headers=trace_headers(OTHER))
    ]
    with consume_span("inventory.changes", records):
        assert trace_id(current_traceparent()) == trace_id(UPSTREAM)


def test_a_stored_traceparent_is_published_in_its_own_trace() -> None:
    with publish_spans([("inventory.events", trace_headers(UPSTREAM))]) as headers:
        pass
    assert trace_id(dict(headers[0])["traceparent"]) == trace_id(UPSTREAM)


def test_with_tracing_off_untraced_work_gets_no_trace_context() -> None:
    if tracing_enabled():
        pytest.skip("a tracer provider is installed in this test process (tracing test ran)")
    with consume_span("inventory.changes", [Record()]):
        assert current_traceparent() is None  # no trace in, none made up
    with publish_spans([("inventory.events", ())]) as headers:
        pass
    assert headers == [()]  # nothing added to the message


@dataclass
class FakeConsumer:
    """The part of aiokafka's consumer the lag reading uses."""

    ends: dict[TopicPartition, int | None]
    positions: dict[TopicPartition, int] = field(default_factory=dict)

    def subscription(self) -> frozenset[str]:
        return frozenset({"inventory.changes"})

    def assignment(self) -> set[TopicPartition]:
        return set(self.ends)

    def highwater(self, tp: TopicPartition) -> int | None:
        return self.ends[tp]

    async def position(self, tp: TopicPartition) -> int:
        return self.positions[tp]


async def test_lag_is_end_offset_minus_position_and_revoked_partitions_disappear() -> None:
    metrics = ServiceMetrics("inventory")
    p0, p1, p2 = (TopicPartition("inventory.changes", p) for p in range(3))
    await metrics.observe_lag(FakeConsumer({p0: 10, p1: 7, p2: None}, {p0: 4, p1: 7}))

    def lag(partition: int) -> float | None:
        return metrics.registry.get_sample_value(
            "snoei_consumer_lag_messages",
            {"topic": "inventory.changes", "partition": str(partition)},
        )

    assert (lag(0), lag(1), lag(2)) == (6, 0, None)
    await metrics.observe_lag(FakeConsumer({p1: 9}, {p1: 8}))
    assert (lag(0), lag(1)) == (None, 1)
    await metrics.observe_lag(FakeConsumer({}))  # every partition revoked
    assert lag(1) is None


async def test_requests_are_counted_by_route_template_and_unknown_paths_as_unmatched() -> None:
    app = FastAPI()
    observability = Observability("inventory", KafkaSettings())
    observability.install(app)
    # As the services do: a resource's router included under the landscape prefix.
    resource, landscape = APIRouter(), APIRouter(prefix="/v1/landscapes/{landscape_id}")

    @resource.get("/things")
    async def things(landscape_id: str) -> list[str]:
        return [landscape_id]

    landscape.include_router(resource)
    app.include_router(landscape)

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        assert (await c.get("/v1/landscapes/gemeente-a/things")).status_code == 200
        assert (await c.get("/nowhere")).status_code == 404
        exposition = (await c.get("/metrics")).text
    registry = observability.metrics.registry
    assert registry.get_sample_value("snoei_http_requests_total", {
        "method": "GET", "route": "/v1/landscapes/{landscape_id}/things", "status": "200"
    }) == 1
    assert registry.get_sample_value(
        "snoei_http_requests_total", {"method": "GET", "route": "unmatched", "status": "404"}
    ) == 1
    assert "gemeente-a" not in exposition


def test_tracing_stays_off_without_an_otlp_endpoint() -> None:
    assert configure_tracing("inventory", {}) is False
    assert configure_tracing(
        "inventory", {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318",
                      "OTEL_SDK_DISABLED": "true"}
    ) is False
