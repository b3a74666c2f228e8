"""HTTP client of the dependency service's graph snapshot and heads, used at first sight of a
landscape, to repair a gap in the ``dependency.graph`` versions and to catch up with
versions a broker lost."""

from __future__ import annotations

import httpx
from pydantic import ValidationError

from snoei.shared.contracts.graph import GraphContent, GraphHead
from snoei.shared.heads import fetch_heads


class DependencyUnavailable(Exception):
    """The dependency service could not give a snapshot (unreachable, refused, nonsense)."""


class DependencyClient:
    def __init__(self, base_url: str, *, token: str | None, timeout: float = 30.0) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._base_url = base_url
        self._client = httpx.AsyncClient(base_url=base_url, headers=headers, timeout=timeout)

    async def snapshot(self, landscape_id: str) -> GraphContent:
        try:
            response = await self._client.get(f"/v1/landscapes/{landscape_id}/graph")
            response.raise_for_status()
            return GraphContent.model_validate_json(response.content)
        except (httpx.HTTPError, ValidationError) as exc:
            raise DependencyUnavailable(
                f"cannot fetch the graph of {landscape_id!r} from {self._base_url} "
                f"(SNOEI_DEPENDENCY_URL): {exc}"
            ) from exc

    async def graph_head(self, landscape_id: str) -> GraphHead:
        try:
            response = await self._client.get(f"/v1/landscapes/{landscape_id}/graph/head")
            response.raise_for_status()
            return GraphHead.model_validate_json(response.content)
        except (httpx.HTTPError, ValidationError) as exc:
            raise DependencyUnavailable(
                f"cannot ask for the graph head of {landscape_id!r} at {self._base_url}: {exc}"
            ) from exc

    async def heads(self) -> dict[str, int]:
        """Each landscape's last graph version, as the dependency service stored it."""
        return await fetch_heads(self._client)

    async def aclose(self) -> None:
        await self._client.aclose()
