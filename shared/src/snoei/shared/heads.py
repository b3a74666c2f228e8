"""``GET /v1/heads`` served by a service that publishes per-landscape state (inventory,
dependency), and read by the service downstream of it to catch up with what a broker lost."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

import httpx
from fastapi import APIRouter
from pydantic import ValidationError

from snoei.shared.contracts.heads import Head, Heads
from snoei.shared.http import VisibleLandscapes

ReadHeads = Callable[[frozenset[str] | None], Awaitable[Mapping[str, int]]]
"""The stored head of each landscape, of these landscapes only (None: of every one)."""


def heads_router(read: ReadHeads, *, what: str) -> APIRouter:
    router = APIRouter(tags=["catch-up"])

    @router.get("/v1/heads", response_model=Heads, summary=f"Each landscape's last {what}")
    async def heads(landscapes: VisibleLandscapes) -> Heads:
        """How far each landscape the token may see has come, as stored: a service
        downstream compares it with its own state and fetches what it lacks."""
        stored = await read(landscapes)
        return Heads(heads=tuple(Head(landscape_id=k, position=v) for k, v in stored.items()))

    return router


class HeadsUnavailable(Exception):
    """The upstream service did not say its heads (unreachable, refused, nonsense)."""


async def fetch_heads(client: httpx.AsyncClient) -> dict[str, int]:
    """The upstream's heads through ``client`` (its base URL and token set)."""
    try:
        response = await client.get("/v1/heads")
        response.raise_for_status()
        return Heads.model_validate_json(response.content).positions()
    except (httpx.HTTPError, ValidationError) as exc:
        raise HeadsUnavailable(f"cannot read the heads at {client.base_url}: {exc}") from exc
