"""``POST /impact`` sends the answer serialised once per question and graph version: the
bytes are those FastAPI writes for the ``Impact`` response model, and a new graph version
gets a new answer."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from snoei.dependency.config import DependencySettings
from snoei.dependency.domain import analysis
from snoei.dependency.domain.graph import LandscapeGraph
from snoei.dependency.main import create_app
from snoei.shared.contracts import inventory_events as ev
from snoei.shared.contracts.landscape import ApplicationRecord, Criticality, IntegrationRecord
from tests.unit.test_dependency_reachability import random_graph

pytestmark = pytest.mark.unit
BASE = "/v1/landscapes/random"


class OneGraph:
    """The service as the route sees it: the landscape's current graph."""

    def __init__(self, g: LandscapeGraph) -> None:
        self.g = g

    async def graph(self, landscape_id: str) -> LandscapeGraph:
        assert landscape_id == self.g.landscape_id
        return self.g


def dependency_app(g: LandscapeGraph) -> FastAPI:
    app = create_app(DependencySettings(
        database_url="postgresql://nobody@127.0.0.1:1/none", inventory_url="",
        api_tokens={"t": ["*"]}, default_impact_listed=7,
    ))
    app.state.dependency_service = OneGraph(g)
    return app


def model_app(g: LandscapeGraph) -> FastAPI:
    """What FastAPI writes when the route returns the model (as it did before)."""
    app = FastAPI()

    @app.post("/impact", response_model=analysis.Impact)
    async def impact(applications: list[str], limit: int) -> analysis.Impact:
        return analysis.impact(g, applications, limit=limit)

    return app


def client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://dependency",
        headers={"Authorization": "Bearer t"},
    )


async def test_the_body_is_what_fastapi_writes_for_the_model() -> None:
    g = random_graph(3, 40, 120)
    async with client(dependency_app(g)) as c, client(model_app(g)) as reference:
        for removed, limit in ((["a1"], None), (["a2", "a7"], 3), (["a5"], 100)):
            params = {} if limit is None else {"limit": limit}
            got = await c.post(f"{BASE}/impact", json={"applications": removed}, params=params)
            again = await c.post(f"{BASE}/impact", json={"applications": removed},
                                 params=params)
            expected = await reference.post(
                "/impact", json=removed, params={"limit": limit or 7}
            )
            assert got.status_code == 200
            assert got.headers["content-type"] == expected.headers["content-type"]
            assert got.content == again.content == expected.content


async def test_a_new_graph_version_is_answered_afresh() -> None:
    g = random_graph(5, 30, 60)
    async with client(dependency_app(g)) as c:
        before = await c.post(f"{BASE}/impact", json={"applications": ["a1"]})
        provenance: dict[str, Any] = {"change_id": uuid.uuid4(), "source": "test"}
        g.apply(ev.ApplicationRegistered(
            landscape_id="random", sequence=g.sequence + 1,
            payload=ev.ApplicationState(
                application=ApplicationRecord(
                    id="late", name="Late", criticality=Criticality.CRITICAL
                ),
                **provenance,
            ),
        ))
        g.apply(ev.IntegrationRegistered(
            landscape_id="random", sequence=g.sequence + 1,
            payload=ev.IntegrationState(
                integration=IntegrationRecord(
                    id="i-late", source="a1", target="late", criticality=Criticality.CRITICAL
                ),
                **provenance,
            ),
        ))
        after = await c.post(f"{BASE}/impact", json={"applications": ["a1"]})
    assert before.json() != after.json()
    assert after.json() == analysis.impact(g, ["a1"], limit=7).model_dump(mode="json")
    assert after.json()["direct"][0]["application_id"] == "late"
