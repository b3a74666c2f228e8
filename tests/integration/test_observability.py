"""What an operator sees of a running Snoei: each service's ``/metrics`` moves under load,
and one trace follows a change from ``inventory.changes`` through both outboxes to the
rationalizer's run. The three services run in process (one event loop, one registry each)
against the real broker and PostgreSQL."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from prometheus_client.parser import text_string_to_metric_families

from snoei.dependency.config import DependencySettings
from snoei.dependency.main import create_app as dependency_app
from snoei.inventory.config import InventorySettings
from snoei.inventory.main import create_app as inventory_app
from snoei.rationalizer.config import RationalizerSettings
from snoei.rationalizer.main import create_app as rationalizer_app
from snoei.shared.kafka import client_kwargs
from snoei.shared.settings import KafkaSettings
from tests.harness import TEST_TOKEN, in_process, running_services, wait_for

pytestmark = pytest.mark.integration

Stack = dict[str, httpx.AsyncClient]
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture(scope="module")
def span_exporter() -> Iterator[InMemorySpanExporter]:
    """The process's tracer provider, exporting to memory. OpenTelemetry allows one global
    provider per process: it stays, but the exporter is shut down after this module, so
    later tests keep no spans."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    yield exporter
    exporter.shutdown()


@pytest.fixture
async def stack(database_url: str, kafka: KafkaSettings) -> AsyncIterator[Stack]:
    tokens = {TEST_TOKEN: ["*"]}
    apps: dict[str, FastAPI] = {
        "inventory": inventory_app(InventorySettings(
            database_url=database_url, kafka=kafka, api_tokens=tokens, relay_idle_interval_s=0.05
        )),
        "dependency": dependency_app(DependencySettings(
            database_url=database_url, kafka=kafka, api_tokens=tokens, inventory_url="",
            publish_debounce_s=0.05,
        )),
        "rationalizer": rationalizer_app(RationalizerSettings(
            database_url=database_url, kafka=kafka, api_tokens=tokens, dependency_url="",
            schedule="", debounce_s=0.05,
        )),
    }
    async with AsyncExitStack() as stack:
        clients: Stack = {}
        for name, app in apps.items():
            clients[name] = await stack.enter_async_context(in_process(app, name))
        for name, client in clients.items():
            await wait_for(
                lambda c=client: _ready(c), timeout=30, message=f"{name} ready"  # type: ignore[misc]
            )
        yield clients


async def _ready(client: httpx.AsyncClient) -> bool:
    return (await client.get("/ready")).status_code == 200


def change(landscape: str, app_id: str) -> bytes:
    return json.dumps({
        "type": "application.upsert", "landscape_id": landscape,
        "payload": {"change_id": str(uuid.uuid4()), "source": "cmdb",
                    "application": {"id": app_id, "name": app_id, "owner": "Burgerzaken"}},
    }).encode()


async def send(
    kafka: KafkaSettings, messages: list[tuple[bytes, bytes]],
    headers: list[tuple[str, bytes]] | None = None,
) -> None:
    producer = AIOKafkaProducer(**client_kwargs(kafka), enable_idempotence=False)
    await producer.start()
    try:
        for key, value in messages:
            await producer.send(kafka.topics.inventory_changes, value, key=key, headers=headers)
        await producer.flush()
    finally:
        await producer.stop()


async def has_run(rationalizer: httpx.AsyncClient, landscape: str) -> bool:
    response = await rationalizer.get(f"/v1/landscapes/{landscape}/runs")
    return response.status_code == 200 and len(response.json()) >= 1


async def _backlog_is(client: httpx.AsyncClient, expected: float) -> bool:
    return value(await scrape(client), "snoei_outbox_backlog_messages") == expected


async def scrape(client: httpx.AsyncClient) -> Samples:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """The sum of ``name`` over the series whose labels include ``labels``."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= ls)


async def test_metrics_of_every_service_move_under_load(
    stack: Stack, kafka: KafkaSettings
) -> None:
    landscape = f"gemeente-{uuid.uuid4().hex[:8]}"
    topics = kafka.topics
    await send(kafka, [(landscape.encode(), change(landscape, f"app-{n}")) for n in range(3)]
               + [(landscape.encode(), b"not json")])
    await wait_for(lambda: has_run(stack["rationalizer"], landscape), timeout=30,
                   message="a rationalisation run")
    assert (await stack["inventory"].get(f"/v1/landscapes/{landscape}/quality-issues")).is_success

    inventory = await scrape(stack["inventory"])
    assert value(inventory, "snoei_received_messages_total", handler=topics.inventory_changes) == 4
    assert value(inventory, "snoei_received_processed_messages_duration_seconds_count") >= 1
    assert value(inventory, "snoei_messages_produced_total", topic=topics.inventory_events) == 3
    assert value(inventory, "snoei_messages_dead_lettered_total",
                 topic=topics.inventory_changes_dlq) == 1
    assert ("snoei_consumer_lag_messages", frozenset(
        {("topic", topics.inventory_changes), ("partition", _partition_of(inventory))}
    )) in inventory
    # Marked sent only once the log is seen to hold them (after the produce was counted):
    # the backlog drains, it need not have drained yet.
    await wait_for(lambda: _backlog_is(stack["inventory"], 0), timeout=10,
                   message="the inventory's outbox backlog at 0")
    # Requests are counted by route template, never by the landscape in the path.
    assert value(inventory, "snoei_http_requests_total", method="GET", status="200",
                 route="/v1/landscapes/{landscape_id}/quality-issues") == 1
    assert value(inventory, "snoei_http_requests_total", route="/ready", status="200") >= 1
    assert not any(landscape in dict(labels).values() for _, labels in inventory)

    dependency = await scrape(stack["dependency"])
    assert value(dependency, "snoei_received_messages_total", handler=topics.inventory_events) >= 3
    assert value(dependency, "snoei_messages_produced_total", topic=topics.dependency_graph) >= 1
    # The run may have evaluated the first version while the next one (the rest of the
    # changes, cut a publish window later) still waits in the outbox: it drains.
    await wait_for(lambda: _backlog_is(stack["dependency"], 0), timeout=10,
                   message="the dependency service's outbox backlog at 0")

    rationalizer = await scrape(stack["rationalizer"])
    assert value(rationalizer, "snoei_received_messages_total",
                 handler=topics.dependency_graph) >= 1
    assert value(rationalizer, "snoei_rationalisation_run_duration_seconds_count",
                 trigger="change") >= 1


    async def run_published() -> bool:  # the run is stored, then published
        scraped = await scrape(stack["rationalizer"])
        produced = value(scraped, "snoei_messages_produced_total",
                         topic=topics.rationalizer_proposals)
        return produced >= 1 and value(scraped, "snoei_outbox_backlog_messages") == 0

    await wait_for(run_published, message="the run's proposals published")


def _partition_of(samples: Samples) -> str:
    """The partition the test's landscape landed on: the one lag series of the topic."""
    partitions = {dict(ls)["partition"] for n, ls in samples if n == "snoei_consumer_lag_messages"}
    assert partitions, "no consumer lag series"
    return min(partitions)


async def test_one_trace_follows_a_change_through_both_outboxes_to_the_run(
    span_exporter: InMemorySpanExporter, stack: Stack, kafka: KafkaSettings
) -> None:
    # span_exporter (module scope) is set up before the stack, so its HTTP side is traced.
    span_exporter.clear()
    landscape = f"gemeente-{uuid.uuid4().hex[:8]}"
    topics = kafka.topics
    root, carrier = upstream_span()
    await send(kafka, [(landscape.encode(), change(landscape, "app-zaak"))],
               headers=[(k, v.encode()) for k, v in carrier.items()])
    await wait_for(lambda: "rationalisation run" in in_trace(span_exporter, root), timeout=30,
                   message="the run's span in the change's trace")
    spans = in_trace(span_exporter, root)
    for name in (
        f"{topics.inventory_changes} process",
        f"{topics.inventory_events} publish",  # by the relay, later, from the outbox
        f"{topics.inventory_events} process",
        f"{topics.dependency_graph} publish",  # by the notifier, from the graph outbox
        f"{topics.dependency_graph} process",
        "rationalisation run",
    ):
        assert name in spans, f"{name} not in the trace: {sorted(spans)}"
    assert _parent(spans[f"{topics.inventory_changes} process"]) == _id(root)
    # Across the outbox: the relay's publish is a child of the span that stored the event,
    # and the dependency's consume a child of that publish.
    relay = spans[f"{topics.inventory_events} publish"]
    assert _parent(relay) == _id(spans[f"{topics.inventory_changes} process"])
    assert _parent(spans[f"{topics.inventory_events} process"]) == _id(relay)
    notifier = spans[f"{topics.dependency_graph} publish"]
    assert _parent(notifier) == _id(spans[f"{topics.inventory_events} process"])
    assert _parent(spans[f"{topics.dependency_graph} process"]) == _id(notifier)


async def test_a_change_posted_over_http_continues_the_request_trace_through_the_outbox(
    span_exporter: InMemorySpanExporter, stack: Stack, kafka: KafkaSettings
) -> None:
    span_exporter.clear()
    landscape = f"gemeente-{uuid.uuid4().hex[:8]}"
    events = kafka.topics.inventory_events
    root, carrier = upstream_span()
    response = await stack["inventory"].post(
        f"/v1/landscapes/{landscape}/changes",
        json=[json.loads(change(landscape, "app-http"))], headers=carrier,
    )
    assert response.status_code == 200, response.text
    await wait_for(lambda: f"{events} process" in in_trace(span_exporter, root), timeout=30,
                   message="the dependency's consume span in the request's trace")
    spans = in_trace(span_exporter, root)
    request = spans["POST /v1/landscapes/{landscape_id}/changes"]
    assert _parent(request) == _id(root)
    assert _parent(spans[f"{events} publish"]) == _id(request)
    # Probes and scrapes are not traced (they would drown the traces that matter).
    await stack["inventory"].get("/ready")
    await stack["inventory"].get("/metrics")
    await stack["inventory"].get(f"/v1/landscapes/{landscape}/quality-issues")
    names = {s.name for s in span_exporter.get_finished_spans()}
    assert "GET /v1/landscapes/{landscape_id}/quality-issues" in names
    assert not names & {"GET /ready", "GET /metrics"}


def upstream_span() -> tuple[trace.Span, dict[str, str]]:
    """A finished span of an upstream system and the trace headers it sends."""
    with trace.get_tracer("ops-pipeline").start_as_current_span("cmdb export") as root:
        carrier: dict[str, str] = {}
        TraceContextTextMapPropagator().inject(carrier)
    return root, carrier


def in_trace(exporter: InMemorySpanExporter, root: trace.Span) -> dict[str, ReadableSpan]:
    """The finished spans of ``root``'s trace, by name."""
    trace_id = root.get_span_context().trace_id
    return {s.name: s for s in exporter.get_finished_spans()
            if s.context is not None and s.context.trace_id == trace_id}


def _id(span: ReadableSpan | trace.Span) -> int:
    context = span.get_span_context()
    assert context is not None
    return context.span_id


def _parent(span: ReadableSpan) -> int | None:
    return span.parent.span_id if span.parent is not None else None


async def test_a_service_process_serves_metrics_and_logs_the_upstream_trace_id_with_tracing_off(
    database_url: str, kafka: KafkaSettings, tmp_path: Path
) -> None:
    # No OTLP endpoint: nothing is exported, yet the change's trace id reaches the logs.
    landscape = f"gemeente-{uuid.uuid4().hex[:8]}"
    traceparent = f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-01"
    with running_services(
        ["inventory"], database_url=database_url, kafka=kafka, log_dir=tmp_path
    ) as procs:
        inventory = procs["inventory"]
        await inventory.wait_ready()
        await send(kafka, [(landscape.encode(), change(landscape, "app-zaak"))],
                   headers=[("traceparent", traceparent.encode()),
                            ("correlation_id", b"export-7")])

        def applied_line() -> dict[str, str] | None:
            for text in inventory.log_file.read_text(errors="replace").splitlines():
                line = json.loads(text) if text.startswith("{") else {}
                if line.get("msg") == "applied changes" and line.get("applied") == 1:
                    return line
            return None

        line = await wait_for(applied_line, message="the inventory's 'applied changes' line")
        async with httpx.AsyncClient(base_url=inventory.url) as client:
            samples = await scrape(client)
    assert line["trace_id"] == traceparent.split("-")[1]
    assert line["correlation_id"] == "export-7"
    assert value(samples, "snoei_received_messages_total",
                 handler=kafka.topics.inventory_changes) == 1
