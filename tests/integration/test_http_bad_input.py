"""Bad input at the HTTP boundary of every service is the client's mistake: a 422 problem
naming the field, never a 500. The cases come from fuzzing the OpenAPI; most were 500s,
the rest answered as if the input were a valid id that was not there."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from snoei.dependency.config import DependencySettings
from snoei.dependency.main import create_app as dependency_app
from snoei.inventory.config import InventorySettings
from snoei.inventory.main import create_app as inventory_app
from snoei.rationalizer.config import RationalizerSettings
from snoei.rationalizer.main import create_app as rationalizer_app
from snoei.shared.settings import KafkaSettings
from tests.harness import TEST_TOKEN, in_process, wait_for

pytestmark = pytest.mark.integration
BASE = "/v1/landscapes/gemeente-a"


async def serve(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with in_process(app, raise_app_exceptions=False) as client:
        yield client


def settings(database_url: str, kafka: KafkaSettings) -> dict[str, Any]:
    return {"database_url": database_url, "kafka": kafka, "api_tokens": {TEST_TOKEN: ["*"]}}


@pytest.fixture
async def inventory(database_url: str, kafka: KafkaSettings) -> AsyncIterator[httpx.AsyncClient]:
    app = inventory_app(InventorySettings(**settings(database_url, kafka), relay_enabled=False))
    async for client in serve(app):
        yield client


@pytest.fixture
async def dependency(database_url: str, kafka: KafkaSettings) -> AsyncIterator[httpx.AsyncClient]:
    app = dependency_app(DependencySettings(**settings(database_url, kafka), inventory_url=""))
    async for client in serve(app):
        yield client


@pytest.fixture
async def rationalizer(
    database_url: str, kafka: KafkaSettings
) -> AsyncIterator[httpx.AsyncClient]:
    app = rationalizer_app(
        RationalizerSettings(**settings(database_url, kafka), dependency_url="")
    )
    async for client in serve(app):
        yield client


def assert_invalid(response: httpx.Response, field: str) -> None:
    assert response.status_code == 422, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in response.json()["detail"], response.json()


async def test_a_nul_in_a_query_value_or_an_item_id_is_a_422(
    inventory: httpx.AsyncClient,
) -> None:
    assert_invalid(await inventory.get(f"{BASE}/applications", params={"after": "\x00"}), "after")
    assert_invalid(await inventory.get(f"{BASE}/applications/a%00b"), "item_id")
    assert_invalid(await inventory.get(f"{BASE}/integrations/a%00b/history"), "item_id")
    assert_invalid(
        await inventory.get(f"{BASE}/capabilities", params={"as_of": "2026-01-01\x00"}), "as_of"
    )


async def test_a_sequence_beyond_what_the_store_counts_is_a_422(
    inventory: httpx.AsyncClient,
) -> None:
    response = await inventory.get(f"{BASE}/events", params={"from_sequence": 2**63})
    assert_invalid(response, "from_sequence")


async def test_a_landscape_id_the_envelope_would_refuse_is_a_422_on_post_runs(
    rationalizer: httpx.AsyncClient,
) -> None:
    # the run request is published in an envelope; its validation used to escape as a 500
    for landscape in ["gemeente%20x", "gem%C3%A9ente", "a%00b"]:
        base = f"/v1/landscapes/{landscape}"
        assert_invalid(await rationalizer.post(f"{base}/runs", json={}), "landscape_id")
        what_if = await rationalizer.post(f"{base}/what-if", json={"retire": ["a"]})
        assert_invalid(what_if, "landscape_id")


async def test_a_malformed_landscape_id_is_a_422_on_every_service(
    inventory: httpx.AsyncClient, dependency: httpx.AsyncClient, rationalizer: httpx.AsyncClient
) -> None:
    for landscape in ["gemeente%20x", "gem%C3%A9ente", "a%00b", "-leading-dash"]:
        base = f"/v1/landscapes/{landscape}"
        assert_invalid(await rationalizer.get(f"{base}/proposals"), "landscape_id")
        assert_invalid(await inventory.get(f"{base}/applications"), "landscape_id")
        assert_invalid(await dependency.get(f"{base}/graph"), "landscape_id")


async def test_a_nul_in_an_application_id_is_a_422_on_the_dependency_service(
    dependency: httpx.AsyncClient,
) -> None:
    assert_invalid(await dependency.get(f"{BASE}/applications/a%00/dependents"), "application_id")
    paths = await dependency.get(f"{BASE}/paths", params={"source": "\x00", "target": "b"})
    assert_invalid(paths, "source")
    impact = await dependency.post(f"{BASE}/impact", json={"applications": ["a\x00"]})
    assert_invalid(impact, "applications")


async def test_a_nul_in_a_what_if_or_decision_id_is_a_422(
    rationalizer: httpx.AsyncClient,
) -> None:
    # a run exists, so a proposal id is looked up in the store
    assert (await rationalizer.post(f"{BASE}/runs", json={"trigger": "cli"})).status_code == 202

    async def evaluated() -> bool:
        return bool((await rationalizer.get(f"{BASE}/runs")).json())

    await wait_for(evaluated, timeout=30, message="the requested run")
    decision = {"proposal_id": "retire:a\x00", "verdict": "reject", "reason": "contract"}
    assert_invalid(await rationalizer.post(f"{BASE}/decisions", json=decision), "proposal_id")
    assert_invalid(await rationalizer.get(f"{BASE}/proposals/retire:a%00"), "proposal_id")
    what_if = await rationalizer.post(f"{BASE}/what-if", json={"retire": ["a\x00b"]})
    assert_invalid(what_if, "retire")
    reason = {"proposal_id": "retire:a", "verdict": "reject", "reason": "\x00"}
    assert_invalid(await rationalizer.post(f"{BASE}/decisions", json=reason), "reason")
