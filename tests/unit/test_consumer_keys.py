"""Consumers of Snoei's own topics refuse a message not keyed by its landscape: logged with
its reason and counted, never applied (the key decides the partition, and so the order)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from aiokafka.structs import ConsumerRecord

from snoei.dependency.handlers import decode
from snoei.rationalizer.handlers import decode_all
from snoei.shared.contracts.graph import GRAPH_EVENTS
from snoei.shared.kafka import Rejections

pytestmark = pytest.mark.unit
GOLDEN = Path(__file__).resolve().parents[2] / "shared" / "golden"


def record(topic: str, key: bytes | None, value: bytes, offset: int = 0) -> ConsumerRecord:
    return ConsumerRecord(topic, 0, offset, 0, 0, key, value, None, 0, len(value), ())


def golden(topic: str, name: str) -> tuple[bytes, str]:
    value = (GOLDEN / topic / f"{name}.json").read_bytes()
    return value, json.loads(value)["landscape_id"]


@pytest.mark.parametrize(
    ("key", "reason"),
    [(None, "message has no key"), (b"other", "message key 'other' differs"),
     (b"\xff", "message key '\\\\xff' differs")],
)
def test_the_dependency_consumer_rejects_an_event_not_keyed_by_its_landscape(
    key: bytes | None, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    value, landscape = golden("inventory.events", "application.registered")
    rejections = Rejections()
    assert decode(record("inventory.events", landscape.encode(), value), rejections) is not None
    with caplog.at_level(logging.WARNING):
        assert decode(record("inventory.events", key, value, offset=7), rejections) is None
    assert rejections.counts == {"inventory.events": 1}
    (line,) = [r for r in caplog.records if r.getMessage() == "rejected message"]
    assert reason in line.reason  # type: ignore[attr-defined]  # set through extra=
    assert line.offset == 7  # type: ignore[attr-defined]


def test_the_rationalizer_consumer_counts_and_skips_unkeyed_graph_events() -> None:
    value, landscape = golden("dependency.graph", "graph.changed")
    records = [
        record("dependency.graph", landscape.encode(), value, 0),
        record("dependency.graph", None, value, 1),
        record("dependency.graph", b"elsewhere", value, 2),
        record("dependency.graph", landscape.encode(), b"not json", 3),
    ]
    rejections = Rejections()
    valid = decode_all(records, GRAPH_EVENTS, rejections)
    assert [v.landscape_id for v in valid] == [landscape]
    assert rejections.counts == {"dependency.graph": 3}
