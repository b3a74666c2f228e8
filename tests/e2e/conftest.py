"""Fixtures of the end-to-end tests: the services as processes, through Kafka."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from snoei.shared.settings import KafkaSettings
from tests.harness import ServiceProcess, running_services


@pytest.fixture
def pipeline(
    database_url: str, kafka: KafkaSettings, tmp_path: Path
) -> Iterator[dict[str, ServiceProcess]]:
    """Inventory, dependency and rationalizer as processes on this test's database and
    topics, by name, with short debounces so that a change reaches a run quickly."""
    with running_services(
        ["inventory", "dependency", "rationalizer"],
        database_url=database_url,
        kafka=kafka,
        log_dir=tmp_path,
        extra_env={
            "dependency": {"SNOEI_PUBLISH_DEBOUNCE_S": "0.1"},
            "rationalizer": {"SNOEI_DEBOUNCE_S": "0.1"},
        },
    ) as services:
        yield services
