"""Generated hostile input on ``inventory.changes`` against the real inventory, broker and
database: every message ends stored (applied, duplicate or unchanged) or in the DLQ with
its reason — none lost, and the consumer keeps going."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import TopicPartition
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from snoei.inventory.config import InventorySettings
from snoei.inventory.main import create_app
from snoei.shared.kafka import client_kwargs
from snoei.shared.settings import KafkaSettings
from tests.harness import TEST_TOKEN, in_process, wait_for

pytestmark = pytest.mark.integration
MESSAGES = 200
LANDSCAPES = ("fuzz-a", "fuzz-b")
Message = tuple[bytes | None, bytes]
# Each message gets its own change id (hypothesis draws the same uuid again and again), so
# "stored" is told per message.
CHANGE_ID = "change-id-of-this-message"

# Text a pipeline may legitimately send: any unicode (emoji, right-to-left marks, combining
# characters, control characters), the longest a field allows.
any_text = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "So", "Mn", "Lo"]), max_size=40),
    st.sampled_from(
        ["\u202eevil", "\ufeff", "nul\x00here", "😀" * 50, "ß" * 200, "0", "y" * 50_000]
    ),
)
item_id = st.one_of(
    st.from_regex(r"app-[a-z0-9]{1,6}", fullmatch=True),
    st.text(min_size=1, max_size=200).map(str.strip).filter(bool),
)
application = st.fixed_dictionaries(
    {"id": item_id, "name": st.text(min_size=1, max_size=200).map(str.strip).filter(bool)},
    optional={
        "owner": any_text,
        "lifecycle": st.sampled_from(["plan", "active", "phase-out", "retired"]),
        "costs": st.fixed_dictionaries(
            {},
            optional={
                k: st.floats(min_value=0, max_value=1e12)
                for k in ("licence", "hosting", "support", "staff")
            },
        ),
        "users": st.integers(min_value=0, max_value=10**9),
        "business_value": st.integers(min_value=1, max_value=5),
        "technical_fitness": st.integers(min_value=1, max_value=5),
        "technologies": st.lists(
            st.fixed_dictionaries({"product": item_id, "version": any_text}), max_size=3
        ),
        "capabilities": st.lists(item_id, max_size=3),
        "contract_end": st.dates().map(str),
        "attributes": st.dictionaries(any_text, any_text, max_size=3),
    },
)
# What a careless or hostile pipeline sends where those belong.
bad_value = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(),  # NaN and infinities are not JSON, but json.dumps writes them
    st.sampled_from([-1, 0, 6, 2**63, -(2**63) - 1, "", " x", "a\x00b", "x" * 100_000]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)
BAD_PLACES = (
    ("type",), ("landscape_id",), ("schema_version",), ("payload",), ("payload", "change_id"),
    ("payload", "source"), ("payload", "application"), ("payload", "application", "id"),
    ("payload", "application", "name"), ("payload", "application", "costs"),
    ("payload", "application", "users"), ("payload", "application", "business_value"),
    ("payload", "application", "lifecycle"), ("payload", "application", "contract_end"),
    ("payload", "application", "technologies"), ("payload", "application", "attributes"),
    ("payload", "application", "surprise"),
)  # fmt: skip


@st.composite
def change_message(draw: st.DrawFn) -> Message:
    """A valid change with unusual values, the same with one value gone bad, or random bytes;
    under its landscape's key mostly, else none, an empty, undecodable or another one."""
    landscape = draw(st.sampled_from(LANDSCAPES))
    envelope: dict[str, Any] = {
        "type": "application.upsert",
        "schema_version": 1,
        "landscape_id": landscape,
        "payload": {
            "change_id": CHANGE_ID,
            "source": draw(st.text(min_size=1, max_size=20).map(str.strip).filter(bool)),
            "application": draw(application),
        },
    }
    kind = draw(st.sampled_from(["valid", "valid", "valid", "one bad value", "bytes"]))
    if kind == "one bad value":
        *path, last = draw(st.sampled_from(BAD_PLACES))
        target = envelope
        for step in path:
            target = target[step]
        target[last] = draw(bad_value)
    if kind == "bytes":
        value = draw(st.binary(max_size=300))
    else:
        value = json.dumps(envelope, ensure_ascii=draw(st.booleans())).encode()
    own = landscape.encode()
    other = LANDSCAPES[1 - LANDSCAPES.index(landscape)].encode()
    keys: dict[str, st.SearchStrategy[bytes | None]] = {
        "own": st.just(own),
        "none": st.none(),
        "empty": st.just(b""),
        "undecodable": st.sampled_from([b"\xff" + own, b"\xc3("]),
        "another landscape": st.just(other),
        "random bytes": st.binary(min_size=1, max_size=12),
    }
    which = draw(st.sampled_from(["own"] * 5 + sorted(keys)))
    key = draw(keys[which])
    return key, value


def generated(count: int) -> list[Message]:
    """``count`` messages, derandomized and without an example database: the same each time
    this module runs alone. Hypothesis's draws shift when other tests ran first in the same
    process (seen: 77 instead of 82 dead-lettered); every draw must pass all the same."""
    found: list[Message] = []

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(change_message())
    def collect(message: Message) -> None:
        key, value = message
        unique = f'"{uuid.UUID(int=len(found) + 1)}"'.encode()
        found.append((key, value.replace(f'"{CHANGE_ID}"'.encode(), unique)))

    collect()
    return found


def stored_as(value: bytes) -> tuple[str, str] | None:
    """(landscape, change id) the inventory records a message under, if it could be stored."""
    try:
        raw = json.loads(value)
        return str(raw["landscape_id"]), str(raw["payload"]["change_id"])
    except (ValueError, TypeError, KeyError):
        return None


def _keyed_by_landscape(key: bytes | None, value: bytes) -> bool:
    place = stored_as(value)
    return place is None or key == place[0].encode("utf-8", "surrogatepass")


@pytest.fixture
async def inventory(database_url: str, kafka: KafkaSettings) -> AsyncIterator[httpx.AsyncClient]:
    config = InventorySettings(
        database_url=database_url,
        kafka=kafka,
        api_tokens={TEST_TOKEN: ["*"]},
        relay_idle_interval_s=0.05,
    )
    async with in_process(create_app(config), "inventory") as http:
        await wait_for(lambda: _ready(http), message="inventory ready")
        yield http


async def _ready(http: httpx.AsyncClient) -> bool:
    return (await http.get("/ready")).status_code == 200


async def test_every_generated_change_is_stored_or_dead_lettered_with_a_reason(
    inventory: httpx.AsyncClient, kafka: KafkaSettings, database_url: str
) -> None:
    messages = generated(MESSAGES)
    assert len(messages) >= MESSAGES * 3 // 4
    assert any(k is None for k, _ in messages)
    assert any(b"\\u0000" in v for _, v in messages)

    producer = AIOKafkaProducer(
        **client_kwargs(kafka), enable_idempotence=False, max_request_size=8 * 1024 * 1024
    )
    await producer.start()
    try:
        sent = [
            await producer.send(kafka.topics.inventory_changes, value=value, key=key)
            for key, value in messages
        ]
        placed = {(m.partition, m.offset): i for i, m in enumerate([await f for f in sent])}
    finally:
        await producer.stop()

    dlq = AIOKafkaConsumer(**client_kwargs(kafka), enable_auto_commit=False)
    await dlq.start()
    conn = await asyncpg.connect(database_url)
    letters: dict[int, dict[str, Any]] = {}
    stored: set[int] = set()
    try:
        parts = [
            TopicPartition(kafka.topics.inventory_changes_dlq, p) for p in range(kafka.partitions)
        ]
        dlq.assign(parts)
        await dlq.seek_to_beginning(*parts)

        async def accounted() -> bool:
            for records in (await dlq.getmany(timeout_ms=200)).values():
                for record in records:
                    letter = json.loads(record.value)
                    source = (
                        letter["payload"]["source_partition"],
                        letter["payload"]["source_offset"],
                    )
                    letters[placed[source]] = letter
            rows = await conn.fetch(
                "SELECT landscape_id, change_id::text FROM inventory.processed_changes"
            )
            done = {(r[0], r[1]) for r in rows}
            stored.update(i for i, (_, value) in enumerate(messages) if stored_as(value) in done)
            missing = [i for i in range(len(messages)) if i not in letters and i not in stored]
            assert not missing, (
                f"{len(missing)} not accounted for, e.g. {messages[missing[0]]!r:.300}"
            )
            return True

        await wait_for(accounted, timeout=90, message="every message stored or dead-lettered")
    finally:
        await conn.close()
        await dlq.stop()

    for i, letter in letters.items():
        assert letter["payload"]["reason"], f"message {i} dead-lettered without a reason"
        assert base64.b64decode(letter["payload"]["original_value_b64"]) == messages[i][1]
    # The key decides the partition and so the order: a change not keyed by its landscape is
    # never applied, however valid it is otherwise.
    misplaced = [
        i for i, (key, value) in enumerate(messages) if not _keyed_by_landscape(key, value)
    ]
    assert [i for i in misplaced if i not in letters] == []
    assert letters.keys() & stored == set(), "no message both stored and dead-lettered"
    print(f"{len(messages)} messages: {len(letters)} dead-lettered, {len(stored)} stored")
    assert letters, "hostile input is rejected"
    assert stored, "valid changes among the generated ones are applied"
    assert await _ready(inventory), "the inventory is still ready after the hostile input"
