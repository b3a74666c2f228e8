"""HTTP client of the inventory's replay endpoint and heads, used to repair a gap in the
event stream and to catch up with events a broker lost."""

from __future__ import annotations

import httpx

from snoei.shared.contracts.inventory_events import INVENTORY_EVENTS, InventoryEvent
from snoei.shared.heads import fetch_heads


class InventoryUnavailable(Exception):
    """The inventory could not replay events (unreachable, refused, or answered nonsense)."""


class InventoryClient:
    def __init__(self, base_url: str, *, token: str | None, timeout: float = 10.0) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._base_url = base_url
        self._client = httpx.AsyncClient(base_url=base_url, headers=headers, timeout=timeout)

    async def events(
        self, landscape_id: str, *, from_sequence: int, limit: int
    ) -> list[InventoryEvent]:
        """Canonical events of ``landscape_id`` from ``from_sequence``, in sequence order."""
        try:
            response = await self._client.get(
                f"/v1/landscapes/{landscape_id}/events",
                params={"from_sequence": from_sequence, "limit": limit},
            )
            response.raise_for_status()
            return [INVENTORY_EVENTS.decode(item) for item in response.json()]
        except (httpx.HTTPError, ValueError) as exc:
            raise InventoryUnavailable(
                f"cannot replay events of {landscape_id!r} from {from_sequence} "
                f"at {self._base_url} (SNOEI_INVENTORY_URL): {exc}"
            ) from exc

    async def heads(self) -> dict[str, int]:
        """Each landscape's last event sequence, as the inventory stored it."""
        return await fetch_heads(self._client)

    async def aclose(self) -> None:
        await self._client.aclose()
