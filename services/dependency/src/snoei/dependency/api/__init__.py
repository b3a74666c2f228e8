"""HTTP API of the dependency service (OpenAPI at /docs): graph questions per landscape.

Limits (answered with 422 when exceeded) come from the settings: ``max_depth``,
``max_impact_applications``, ``max_impact_listed``, ``max_path_hops`` and ``max_paths``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI

from snoei.dependency.api import analysis, applications, graph
from snoei.dependency.api.dependencies import provide
from snoei.dependency.config import DependencySettings

__all__ = ["provide", "publish_limits", "router"]


def router() -> APIRouter:
    """Every dependency route under `/v1/landscapes/{landscape_id}`."""
    api = APIRouter(prefix="/v1/landscapes/{landscape_id}", tags=["dependency"])
    api.include_router(graph.router)
    api.include_router(applications.router)
    api.include_router(analysis.router)
    return api


def publish_limits(app: FastAPI, settings: DependencySettings) -> None:
    """Show this deployment's limits as maxima in the published OpenAPI: the routes are
    declared once for every deployment, so their signatures cannot carry them."""
    maxima = {
        ("/dependencies", "depth"): settings.max_depth,
        ("/dependents", "depth"): settings.max_depth,
        ("/impact", "limit"): settings.max_impact_listed,
        ("/paths", "max_hops"): settings.max_path_hops,
        ("/paths", "limit"): settings.max_paths,
    }
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        for path, operations in schema["paths"].items():
            for operation in operations.values():
                for parameter in operation.get("parameters", []):
                    maximum = maxima.get((path[path.rfind("/"):], parameter["name"]))
                    if maximum is not None:
                        for branch in parameter["schema"].get("anyOf", [parameter["schema"]]):
                            if branch.get("type") == "integer":
                                branch["maximum"] = maximum
        impact = schema["paths"]["/v1/landscapes/{landscape_id}/impact"]["post"]
        for parameter in impact["parameters"]:
            if parameter["name"] == "limit":
                parameter["schema"]["default"] = settings.default_impact_listed
        request = schema["components"]["schemas"]["ImpactRequest"]
        request["properties"]["applications"]["maxItems"] = settings.max_impact_applications
        return schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented override
