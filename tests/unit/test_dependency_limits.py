"""The dependency service's query limits come from its settings: published in the OpenAPI
as maxima, and answered with a 422 problem naming the setting when exceeded."""

from __future__ import annotations

import httpx
import pytest

from snoei.dependency.config import DependencySettings
from snoei.dependency.main import create_app

pytestmark = pytest.mark.unit
BASE = "/v1/landscapes/gemeente-a"


def settings() -> DependencySettings:
    return DependencySettings(
        database_url="postgresql://nobody@127.0.0.1:1/none", inventory_url="",
        api_tokens={"t": ["*"]}, max_depth=3, max_paths=7, default_impact_listed=20,
        max_impact_applications=2,
    )


async def test_the_openapi_publishes_this_deployments_limits() -> None:
    schema = create_app(settings()).openapi()
    paths = schema["paths"]

    def parameter(path: str, method: str, name: str) -> dict[str, object]:
        found = [p for p in paths[BASE.replace("gemeente-a", "{landscape_id}") + path][method]
                 ["parameters"] if p["name"] == name]
        return dict(found[0]["schema"])

    assert parameter("/applications/{application_id}/dependents", "get", "depth")["maximum"] == 3
    assert parameter("/paths", "get", "limit")["maximum"] == 7
    assert parameter("/impact", "post", "limit")["default"] == 20
    impact = schema["components"]["schemas"]["ImpactRequest"]["properties"]["applications"]
    assert impact["maxItems"] == 2


async def test_a_query_beyond_a_limit_is_a_422_naming_the_setting() -> None:
    app = create_app(settings())  # the limits are checked before the graph is read
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://dependency",
        headers={"Authorization": "Bearer t"},
    ) as client:
        deep = await client.get(f"{BASE}/applications/a/dependents", params={"depth": 4})
        many = await client.post(f"{BASE}/impact", json={"applications": ["a", "b", "c"]})
    assert deep.status_code == 422
    assert "depth: at most 3 (SNOEI_MAX_DEPTH)" in deep.json()["detail"]
    assert many.status_code == 422
    assert "SNOEI_MAX_IMPACT_APPLICATIONS" in many.json()["detail"]
