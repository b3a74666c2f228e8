"""Session-wide real servers and per-test isolation (fresh database, fresh topics)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from snoei.shared.settings import KafkaSettings
from tests.harness import Servers, start_servers


@pytest.fixture(scope="session")
def servers() -> Iterator[Servers]:
    started = start_servers()
    try:
        yield started
    finally:
        started.close()


@pytest.fixture
async def database_url(servers: Servers) -> str:
    """A fresh, empty database for this test."""
    return await servers.fresh_database()


@pytest.fixture
async def kafka(servers: Servers) -> KafkaSettings:
    """Kafka settings with this test's own, already created topics."""
    return await servers.fresh_topics()
