"""Session-wide real servers and per-test isolation (fresh database, fresh topics)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from snoei.shared.settings import KafkaSettings
from tests.harness import Servers, server_directory, start_servers


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


@pytest.fixture
def stack_root() -> Iterator[Path]:
    """A directory for a stack with its own embedded PostgreSQL (``snoei stack up``, the demo,
    the bench): outside ``tmp_path``, which the server's system user may lose access to
    (see ``server_directory``)."""
    root = server_directory("snoei-stack-")
    try:
        yield root / "stack"
    finally:
        shutil.rmtree(root, ignore_errors=True)
