"""A broker that dies and comes back empty (Tansu keeps nothing): the services say so on
``/ready``, log a bounded number of lines, re-create their topics and resume consuming and
producing by themselves."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from snoei.cli.embedded import EmbeddedKafka
from snoei.inventory.config import InventorySettings
from snoei.inventory.main import create_app
from snoei.shared.broker_watch import BrokerWatch, RepeatLimiter
from snoei.shared.confirm import NotConfirmed
from snoei.shared.kafka import BatchPublisher, OutgoingMessage, client_kwargs, ensure_topics
from snoei.shared.settings import KafkaSettings
from tests.harness import TEST_TOKEN, in_process, running_services, wait_for
from tests.integration.test_dependency_process import graph_at, publish, relabel
from tests.integration.test_dependency_streams import stream
from tests.integration.test_inventory_kafka import produce, read_all, upsert

pytestmark = pytest.mark.integration
L = "gemeente-o"


class Lines(logging.Handler):
    """Counts the lines the service would write (what passes its loggers' filters)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
async def inventory(
    database_url: str, own_kafka: KafkaSettings
) -> AsyncIterator[httpx.AsyncClient]:
    settings = InventorySettings(
        database_url=database_url,
        kafka=own_kafka,
        api_tokens={TEST_TOKEN: ["*"]},
        relay_idle_interval_s=0.05,
    )
    async with in_process(create_app(settings), "inventory") as http:
        await wait_for(lambda: _status(http, 200), message="inventory ready")
        yield http


async def _status(http: httpx.AsyncClient, status: int) -> httpx.Response | None:
    response = await http.get("/ready")
    return response if response.status_code == status else None


async def _stored(http: httpx.AsyncClient, ids: list[str]) -> bool:
    listed = (await http.get(f"/v1/landscapes/{L}/applications")).json()
    return sorted(a["id"] for a in listed) == ids


async def _published(kafka: KafkaSettings, needle: bytes) -> bool:
    records = await read_all(kafka, kafka.topics.inventory_events, 0)
    return any(needle in (r.value or b"") for r in records)


def _limiter() -> RepeatLimiter:
    found = [f for f in logging.getLogger("aiokafka").filters if isinstance(f, RepeatLimiter)]
    assert found, "the service limits the Kafka client's repeated lines"
    return found[-1]


async def test_inventory_survives_a_broker_restart_that_lost_every_topic(
    inventory: httpx.AsyncClient, broker: EmbeddedKafka, own_kafka: KafkaSettings
) -> None:
    await produce(
        own_kafka, [(L.encode(), upsert("before", "00000000-0000-0000-0000-00000000b001", L))]
    )
    await wait_for(lambda: _stored(inventory, ["before"]), message="change before the outage")

    lines = Lines()
    logging.getLogger().addHandler(lines)
    try:
        assert broker.process is not None
        broker.process.kill()
        broker.process.wait()

        down = await wait_for(lambda: _status(inventory, 503), message="/ready to say 503")
        checks = down.json()["checks"]
        assert "unreachable" in checks["broker"]
        assert broker.bootstrap in checks["broker"]

        # The outage lasts until the client has retried (and been kept quiet) many times.
        limiter = _limiter()
        await wait_for(
            lambda: limiter.suppressed_total >= 200,
            timeout=60,
            message="the Kafka client to retry 200 times",
        )

        restarted = time.monotonic()
        broker.start()
        await wait_for(lambda: _status(inventory, 200), timeout=60, message="/ready back to 200")
        recovery_s = time.monotonic() - restarted

        admin = AIOKafkaAdminClient(**client_kwargs(own_kafka))
        await admin.start()
        try:
            present = set(await admin.list_topics())
        finally:
            await admin.close()
        topics = own_kafka.topics
        owned = {topics.inventory_changes, topics.inventory_changes_dlq, topics.inventory_events}
        assert owned <= present, "the inventory re-created the topics it consumes and produces"

        await produce(
            own_kafka, [(L.encode(), upsert("after", "00000000-0000-0000-0000-00000000a001", L))]
        )
        await wait_for(
            lambda: _stored(inventory, ["after", "before"]),
            timeout=60,
            message="a change published after the restart is applied",
        )
        # ... and its event reaches the re-created inventory.events (the relay produces again).
        await wait_for(
            lambda: _published(own_kafka, b'"after"'),
            timeout=60,
            message="the event of that change on the re-created inventory.events",
        )
    finally:
        logging.getLogger().removeHandler(lines)

    outage_lines = len(lines.records)
    print(f"outage: {outage_lines} log lines, ready {recovery_s:.1f} s after the restart")
    assert outage_lines < 50, [r.getMessage()[:120] for r in lines.records]


async def test_the_dependency_process_reports_the_outage_and_resumes_after_the_restart(
    database_url: str, own_kafka: KafkaSettings, broker: EmbeddedKafka, tmp_path: Path
) -> None:
    events = relabel(stream(120), "gemeente-outage")
    with running_services(
        ["dependency"], database_url=database_url, kafka=own_kafka, log_dir=tmp_path
    ) as procs:
        proc = procs["dependency"]
        await proc.wait_ready()
        await publish(own_kafka, events[:60])
        await graph_at(proc, "gemeente-outage", 60)

        assert broker.process is not None
        broker.process.kill()
        broker.process.wait()
        lines_before = len(proc.log_file.read_text().splitlines())

        async with httpx.AsyncClient(base_url=proc.url, timeout=5) as http:
            down_since: list[float] = []

            async def down_for(seconds: float) -> bool:
                # 503 on every poll for ``seconds`` in a row: a 200 meanwhile starts over.
                response = await http.get("/ready")
                if response.status_code != 503:
                    down_since.clear()
                    return False
                assert own_kafka.bootstrap in response.json()["checks"]["broker"]
                down_since[:] = down_since or [time.monotonic()]
                return time.monotonic() - down_since[0] >= seconds

            await wait_for(lambda: down_for(10), timeout=40, message="/ready 503 for 10 s")
            broker.start()
            restarted = time.monotonic()
            await wait_for(lambda: _status(http, 200), timeout=60, message="dependency ready again")
            recovery_s = time.monotonic() - restarted

        await publish(own_kafka, events[60:])
        await graph_at(proc, "gemeente-outage", len(events), timeout=60)
        outage = proc.log_file.read_text().splitlines()[lines_before:]

    print(f"dependency: {len(outage)} log lines over the outage, ready {recovery_s:.1f} s after")
    assert len(outage) < 50, "\n".join(line[:160] for line in outage)


async def test_the_watch_names_a_missing_topic_and_re_creates_it(
    own_kafka: KafkaSettings, broker: EmbeddedKafka
) -> None:
    topics = own_kafka.topics
    owned = (topics.inventory_events, topics.dependency_graph)
    watch = BrokerWatch(own_kafka, owned)
    assert await watch.check() is None

    admin = AIOKafkaAdminClient(**client_kwargs(own_kafka))
    await admin.start()
    try:
        await admin.delete_topics([topics.dependency_graph])
        await wait_for(lambda: _absent(admin, topics.dependency_graph), message="topic deleted")
        problem = await watch.check()
        assert problem == (
            f"topics missing on {own_kafka.bootstrap}: {topics.dependency_graph}; re-created"
        )
        assert topics.dependency_graph in await admin.list_topics()
        assert await watch.check() is None
    finally:
        await admin.close()

    assert broker.process is not None
    broker.process.kill()
    broker.process.wait()
    assert await watch.check() == (
        f"Kafka broker at {own_kafka.bootstrap} unreachable (KafkaConnectionError)"
    )


async def _absent(admin: AIOKafkaAdminClient, topic: str) -> bool:
    return topic not in await admin.list_topics()


async def test_the_inventory_recovers_from_a_broker_killed_under_load(
    inventory: httpx.AsyncClient, broker: EmbeddedKafka, own_kafka: KafkaSettings
) -> None:
    topic = own_kafka.topics.inventory_changes
    producer = AIOKafkaProducer(
        **client_kwargs(own_kafka), enable_idempotence=False, request_timeout_ms=2_000
    )
    await producer.start()

    async def load() -> None:
        for i in range(100_000):
            change = upsert(f"load-{i}", str(uuid.UUID(int=i + 1)), L)
            await producer.send(topic, change, key=L.encode())
            if i % 50 == 49:
                await asyncio.sleep(0.01)  # pace the load: a pipeline, not a flood

    loading = asyncio.create_task(load())
    try:
        await wait_for(lambda: _count(inventory, 300), timeout=60, message="load being applied")
        assert broker.process is not None
        broker.process.kill()  # while changes are still arriving and being applied
        broker.process.wait()
        await wait_for(lambda: _status(inventory, 503), message="/ready to say 503")
    finally:
        loading.cancel()
        with contextlib.suppress(asyncio.CancelledError, KafkaError):
            await loading
        with contextlib.suppress(KafkaError):
            await producer.stop()

    broker.start()
    await wait_for(lambda: _status(inventory, 200), timeout=60, message="/ready back to 200")
    # After the restart the topics are new and empty, while the consumer stood hundreds of
    # messages deep into the old one: nothing published now may be skipped.
    fresh: list[tuple[bytes | None, bytes]] = [
        (L.encode(), upsert(f"fresh-{i}", str(uuid.UUID(int=10**6 + i)), L)) for i in range(40)
    ]
    keyless: list[tuple[bytes | None, bytes]] = [
        (None, upsert(f"keyless-{i}", str(uuid.UUID(int=2 * 10**6 + i)), L)) for i in range(10)
    ]
    await produce(own_kafka, fresh + keyless)

    async def all_fresh_applied() -> bool:
        listed: list[dict[str, str]] = (
            await inventory.get(f"/v1/landscapes/{L}/applications")
        ).json()
        return sum(a["id"].startswith("fresh-") for a in listed) == len(fresh)

    await wait_for(all_fresh_applied, timeout=60, message="every fresh change applied")
    dead = await read_all(own_kafka, own_kafka.topics.inventory_changes_dlq, len(keyless))
    originals = [
        base64.b64decode(json.loads(r.value)["payload"]["original_value_b64"]) for r in dead
    ]
    # At least once: a rewound partition may dead-letter a change twice, never lose one.
    assert set(originals) == {v for _, v in keyless}


async def _count(http: httpx.AsyncClient, at_least: int) -> bool:
    listed: list[object] = (await http.get(f"/v1/landscapes/{L}/applications")).json()
    return len(listed) >= at_least


async def test_no_snoei_client_creates_a_topic_by_asking_for_it(kafka: KafkaSettings) -> None:
    # A broker creates a missing topic on a client's metadata request unless told not to,
    # with its own partition count: after a restart, a producer would win that race against
    # the service re-creating the topic as configured.
    missing = f"{kafka.topic_prefix}never-created"
    producer = AIOKafkaProducer(**client_kwargs(kafka), request_timeout_ms=1_500)
    await producer.start()
    try:
        with pytest.raises(KafkaError):
            await producer.send_and_wait(missing, b"x", key=b"k")
    finally:
        await producer.stop()
    admin = AIOKafkaAdminClient(**client_kwargs(kafka))
    await admin.start()
    try:
        assert missing not in await admin.list_topics()
    finally:
        await admin.close()


async def test_a_publish_the_broker_acknowledged_but_did_not_keep_is_not_done(
    own_kafka: KafkaSettings, broker: EmbeddedKafka, caplog: pytest.LogCaptureFixture
) -> None:
    # Tansu restarted without its topics acknowledges the retried produce request of a
    # batch sent during the outage, for a topic it does not have, and keeps nothing: a
    # relay must not mark such events sent.
    topic = own_kafka.topics.inventory_events
    message = OutgoingMessage(topic, L.encode(), b"{}")
    publisher = BatchPublisher(own_kafka, client_id="test-confirm")
    await publisher.start()
    try:
        await publisher.publish([message])
        assert broker.process is not None
        broker.process.kill()
        broker.process.wait()
        with caplog.at_level(logging.ERROR, logger="aiokafka"):
            during_the_outage = asyncio.create_task(publisher.publish([message]))
            await wait_for(lambda: _refused(caplog), message="the producer to find it down")
        broker.start()
        with pytest.raises(NotConfirmed, match="acknowledged but not in the log"):
            await asyncio.wait_for(during_the_outage, 60)
        admin = AIOKafkaAdminClient(**client_kwargs(own_kafka))
        await admin.start()
        try:
            assert topic not in await admin.list_topics()
        finally:
            await admin.close()
        await ensure_topics(own_kafka, [topic])
        await wait_for(lambda: _confirmed(publisher, message), timeout=60, message="published")
    finally:
        await publisher.stop()
    # At least once: Tansu may also show the first copy once the topic exists again.
    assert {r.value for r in await read_all(own_kafka, topic, 1)} == {message.value}


def _refused(caplog: pytest.LogCaptureFixture) -> bool:
    return any("Unable connect" in r.getMessage() for r in caplog.records)


async def _confirmed(publisher: BatchPublisher, message: OutgoingMessage) -> bool:
    try:
        await publisher.publish([message])
    except (NotConfirmed, KafkaError):
        return False
    return True
