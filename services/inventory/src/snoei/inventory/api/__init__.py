"""HTTP API of the inventory (OpenAPI at /docs): changes and imports in, state, history,
data quality and events out. Every route sits under a landscape and its bearer-token guard."""

from __future__ import annotations

from fastapi import APIRouter

from snoei.inventory.api import changes, imports, items, state
from snoei.inventory.api.dependencies import provide

__all__ = ["provide", "router"]


def router() -> APIRouter:
    """Every inventory route under `/v1/landscapes/{landscape_id}`."""
    api = APIRouter(prefix="/v1/landscapes/{landscape_id}", tags=["inventory"])
    api.include_router(changes.router)
    api.include_router(imports.router)
    api.include_router(items.items_router())
    api.include_router(state.router)
    return api
