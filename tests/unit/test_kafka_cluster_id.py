"""The embedded Apache Kafka's cluster id never reads as a command-line option."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest

from snoei.cli import kafka_broker


def test_a_cluster_id_starting_with_a_dash_is_drawn_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 0xF8 starts the base64 text with index 62, "-" in the URL-safe alphabet.
    drawn: Iterator[uuid.UUID] = iter(
        [uuid.UUID(bytes=b"\xf8" + bytes(15)), uuid.UUID(bytes=b"\x04" + bytes(15))]
    )
    monkeypatch.setattr(uuid, "uuid4", lambda: next(drawn))
    found = kafka_broker.cluster_id()
    assert found == "BAAAAAAAAAAAAAAAAAAAAA"
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", found)
