"""HTTP API of the dependency service (OpenAPI at /docs): graph questions per landscape.

Limits (answered with 422 when exceeded) come from the settings: ``max_depth``,
``max_impact_applications``, ``max_impact_listed``, ``max_path_hops`` and ``max_paths``.
"""

from __future__ import annotations

from fastapi import APIRouter

from snoei.dependency.api import analysis, applications, graph
from snoei.dependency.api.dependencies import provide

__all__ = ["provide", "router"]


def router() -> APIRouter:
    """Every dependency route under `/v1/landscapes/{landscape_id}`."""
    api = APIRouter(prefix="/v1/landscapes/{landscape_id}", tags=["dependency"])
    api.include_router(graph.router)
    api.include_router(applications.router)
    api.include_router(analysis.router)
    return api
