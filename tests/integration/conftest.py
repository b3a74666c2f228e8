"""Fixtures of the integration tests that build a service in the test's own process."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from snoei.shared.db import make_pool, migrate


@pytest.fixture
async def rationalizer_pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool on this test's database with the rationalizer's schema migrated."""
    created = make_pool(database_url, schema="rationalizer")
    await created
    await migrate(created, schema="rationalizer", package="snoei.rationalizer.migrations")
    yield created
    await created.close()
