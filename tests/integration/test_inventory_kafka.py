"""Inventory's Kafka path against the real broker and Postgres: bad input goes to the DLQ
untouched with its reason, the consumer keeps going, and redelivered changes apply once."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Sequence
from typing import Any

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import TopicPartition

from snoei.inventory.config import InventorySettings
from snoei.inventory.main import create_app
from snoei.shared.settings import KafkaSettings
from tests.harness import TEST_TOKEN, in_process, wait_for

pytestmark = pytest.mark.integration
L = "gemeente-k"


@pytest.fixture
async def client(database_url: str, kafka: KafkaSettings) -> AsyncIterator[httpx.AsyncClient]:
    settings = InventorySettings(database_url=database_url, kafka=kafka,
                                 api_tokens={TEST_TOKEN: ["*"]}, relay_idle_interval_s=0.05)
    async with in_process(create_app(settings), "inventory") as http:
        await wait_for(lambda: _ready(http), message="inventory consumer assigned")
        yield http


async def _ready(http: httpx.AsyncClient) -> bool:
    return (await http.get("/ready")).status_code == 200


async def produce(
    kafka: KafkaSettings, messages: Sequence[tuple[bytes | None, bytes]]
) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap, enable_idempotence=False)
    await producer.start()
    try:
        for key, value in messages:
            await producer.send(kafka.topics.inventory_changes, value=value, key=key)
        await producer.flush()
    finally:
        await producer.stop()


async def read_all(kafka: KafkaSettings, topic: str, expected: int) -> list[Any]:
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka.bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        parts = [TopicPartition(topic, p) for p in range(kafka.partitions)]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        records: list[Any] = []

        async def enough() -> bool:
            batch = await consumer.getmany(timeout_ms=200)
            for items in batch.values():
                records.extend(items)
            return len(records) >= expected

        await wait_for(enough, message=f"{expected} records on {topic}")
        return records
    finally:
        await consumer.stop()


def upsert(app_id: str, change_id: str, landscape: str = L) -> bytes:
    return json.dumps({
        "type": "application.upsert", "landscape_id": landscape,
        "payload": {"change_id": change_id, "source": "cmdb",
                    "application": {"id": app_id, "name": app_id}},
    }).encode()


async def test_bad_input_goes_to_the_dlq_untouched_and_the_consumer_keeps_going(
    client: httpx.AsyncClient, kafka: KafkaSettings
) -> None:
    bad = [
        (L.encode(), b"\x00\xffnot json"),
        (L.encode(), b'{"type": "application.rename", "landscape_id": "gemeente-k", '
                     b'"payload": {}}'),
        (L.encode(), b'{"type": "application.upsert", "landscape_id": "gemeente-k", '
                     b'"schema_version": 7, "payload": {}}'),
        (L.encode(), upsert("x", "00000000-0000-0000-0000-000000000001").replace(
            b'"name": "x"', b'"name": "x", "costs": {"licence": -3}')),
        (b"other-landscape", upsert("y", "00000000-0000-0000-0000-000000000002")),
        (None, b"[]"),
    ]
    good = [(L.encode(), upsert(f"app-{i}", f"00000000-0000-0000-0000-0000000001{i:02d}"))
            for i in range(3)]
    await produce(kafka, [*bad[:3], good[0], *bad[3:], *good[1:]])

    dead = await read_all(kafka, kafka.topics.inventory_changes_dlq, len(bad))
    letters = [json.loads(r.value) for r in dead]
    originals = {base64.b64decode(d["payload"]["original_value_b64"]) for d in letters}
    assert originals == {value for _, value in bad}
    reasons = " | ".join(d["payload"]["reason"] for d in letters)
    for expected in ("message is not JSON", "type: Input tag 'application.rename'",
                     "schema_version 7",
                     "application.upsert 'x': payload.application.costs.licence",
                     "message key 'other-landscape' differs", "not a JSON object"):
        assert expected in reasons
    assert all(d["payload"]["source_topic"] == kafka.topics.inventory_changes for d in letters)
    assert {d["landscape_id"] for d in letters} == {L, "other-landscape", "unknown"}

    async def all_good_stored() -> bool:
        listed = (await client.get(f"/v1/landscapes/{L}/applications")).json()
        return [a["id"] for a in listed] == ["app-0", "app-1", "app-2"]

    await wait_for(all_good_stored, message="valid changes stored")


async def test_redelivered_changes_leave_one_version_and_one_event_each(
    client: httpx.AsyncClient, kafka: KafkaSettings, database_url: str
) -> None:
    changes = [(L.encode(), upsert(f"app-{i}", f"10000000-0000-0000-0000-{i:012d}"))
               for i in range(50)]
    await produce(kafka, changes)
    await produce(kafka, changes[10:30])  # the batch again, as after a crash before commit
    await produce(kafka, [(L.encode(), upsert("sentinel", "20000000-0000-0000-0000-000000000000"))])

    async def sentinel() -> bool:
        return (await client.get(f"/v1/landscapes/{L}/applications/sentinel")).status_code == 200

    await wait_for(sentinel, message="every change consumed")
    conn = await asyncpg.connect(database_url)
    try:
        versions = await conn.fetchval("SELECT count(*) FROM inventory.item_history")
        sequences = [r[0] for r in await conn.fetch(
            "SELECT sequence FROM inventory.events ORDER BY sequence")]
    finally:
        await conn.close()
    assert versions == 51
    assert sequences == list(range(1, 52))
    published = await read_all(kafka, kafka.topics.inventory_events, 51)
    assert sorted(json.loads(r.value)["sequence"] for r in published)[:51] == sequences


async def test_a_change_without_a_usable_key_goes_to_the_dlq_and_is_not_applied(
    client: httpx.AsyncClient, kafka: KafkaSettings
) -> None:
    # Valid changes in every other way: only the key is wrong, so before keys were checked
    # the first two were applied out of their landscape's order.
    keyless = upsert("keyless", "30000000-0000-0000-0000-000000000001")
    garbled = upsert("garbled", "30000000-0000-0000-0000-000000000002")
    await produce(kafka, [(None, keyless), (b"\xff\xfe" + L.encode(), garbled),
                          (L.encode(), upsert("keyed", "30000000-0000-0000-0000-000000000003"))])

    dead = await read_all(kafka, kafka.topics.inventory_changes_dlq, 2)
    letters = {base64.b64decode(json.loads(r.value)["payload"]["original_value_b64"]):
               json.loads(r.value) for r in dead}
    assert set(letters) == {keyless, garbled}
    assert "key: message has no key" in letters[keyless]["payload"]["reason"]
    assert letters[keyless]["payload"]["original_key_b64"] is None
    assert "key: message key is not UTF-8" in letters[garbled]["payload"]["reason"]
    original_key = letters[garbled]["payload"]["original_key_b64"]
    assert base64.b64decode(original_key) == b"\xff\xfe" + L.encode()
    assert all(d["landscape_id"] == "unknown" for d in letters.values())
    assert all(isinstance(d["payload"]["source_offset"], int) for d in letters.values())

    async def keyed_stored() -> bool:
        listed = (await client.get(f"/v1/landscapes/{L}/applications")).json()
        return [a["id"] for a in listed] == ["keyed"]

    await wait_for(keyed_stored, message="only the keyed change stored")
