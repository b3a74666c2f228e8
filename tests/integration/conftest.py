"""Fixtures of the integration tests: a service's schema in the test's own process, and a
broker of the test's own for the tests whose broker dies."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from snoei.cli.embedded import EmbeddedKafka, free_port
from snoei.shared.db import make_pool, migrate
from snoei.shared.kafka import ensure_topics
from snoei.shared.settings import KafkaSettings
from tests.harness import Servers


@pytest.fixture
async def rationalizer_pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool on this test's database with the rationalizer's schema migrated."""
    created = make_pool(database_url, schema="rationalizer")
    await created
    await migrate(created, schema="rationalizer", package="snoei.rationalizer.migrations")
    yield created
    await created.close()


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
    settings = servers.kafka_settings("o.").model_copy(
        # Tansu, whatever the session's backend is: it has no idempotent producer.
        update={"bootstrap": broker.bootstrap, "enable_idempotence": False}
    )
    await ensure_topics(settings, settings.topics.all())
    return settings
