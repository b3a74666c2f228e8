"""HTTP API of the rationalizer (OpenAPI at /docs): proposals, waves, what-if, decisions
and runs of one landscape."""

from __future__ import annotations

from fastapi import APIRouter

from snoei.rationalizer.api import decisions, proposals, runs, what_if
from snoei.rationalizer.api.dependencies import provide

__all__ = ["provide", "router"]


def router() -> APIRouter:
    """Every rationalizer route under `/v1/landscapes/{landscape_id}`."""
    api = APIRouter(prefix="/v1/landscapes/{landscape_id}", tags=["rationalizer"])
    api.include_router(proposals.router)
    api.include_router(what_if.router)
    api.include_router(decisions.router)
    api.include_router(runs.router)
    return api
