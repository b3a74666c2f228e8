"""HTTP client of the dependency service's graph snapshot and heads, used at first sight of a
landscape, to repair a gap in the ``dependency.graph`` versions and to catch up with
versions a broker lost."""

from __future__ import annotations

from typing import TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from snoei.shared.contracts.graph import GraphContent, GraphHead
from snoei.shared.heads import fetch_heads

M = TypeVar("M", bound=BaseModel)


class DependencyUnavailable(Exception):
    """The dependency service could not give a snapshot (unreachable, refused, nonsense)."""


class DependencyClient:
    def __init__(self, base_url: str, *, token: str | None, timeout: float = 30.0) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._base_url = base_url
        self._client = httpx.AsyncClient(base_url=base_url, headers=headers, timeout=timeout)

    async def snapshot(self, landscape_id: str) -> GraphContent:
        return await self._get(
            f"/v1/landscapes/{landscape_id}/graph", GraphContent,
            f"cannot fetch the graph of {landscape_id!r}",
        )

    async def graph_head(self, landscape_id: str) -> GraphHead:
        return await self._get(
            f"/v1/landscapes/{landscape_id}/graph/head", GraphHead,
            f"cannot ask for the graph head of {landscape_id!r}",
        )

    async def _get(self, path: str, model: type[M], failure: str) -> M:
        try:
            response = await self._client.get(path)
            response.raise_for_status()
            return model.model_validate_json(response.content)
        except (httpx.HTTPError, ValidationError) as exc:
            raise DependencyUnavailable(
                f"{failure} from {self._base_url} (SNOEI_DEPENDENCY_URL): {exc}"
            ) from exc

    async def heads(self) -> dict[str, int]:
        """Each landscape's last graph version, as the dependency service stored it."""
        return await fetch_heads(self._client)

    async def aclose(self) -> None:
        await self._client.aclose()
