"""Fixtures of the tests whose broker dies: a Tansu of the test's own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from snoei.cli.embedded import EmbeddedKafka, free_port
from snoei.shared.kafka import ensure_topics
from snoei.shared.settings import KafkaSettings
from tests.harness import Servers


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[EmbeddedKafka]:
    """A Tansu of this test alone: it is killed and restarted."""
    tansu = EmbeddedKafka(free_port(), tmp_path / "tansu.log")
    tansu.start()
    try:
        yield tansu
    finally:
        tansu.stop()


@pytest.fixture
async def own_kafka(servers: Servers, broker: EmbeddedKafka) -> KafkaSettings:
    """Settings for the test's own broker, its topics created."""
    settings = servers.kafka_settings("o.").model_copy(update={"bootstrap": broker.bootstrap})
    await ensure_topics(settings, settings.topics.all())
    return settings
