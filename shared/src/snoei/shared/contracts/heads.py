"""``GET /v1/heads``: how far each landscape's stored state has come in a service that
publishes it — the inventory's last event sequence, the dependency service's last graph
version. A downstream service compares them with its own state to catch up with what a
broker lost (see ``snoei.shared.catch_up``)."""

from __future__ import annotations

from pydantic import Field

from snoei.shared.contracts.landscape import Frozen


class Head(Frozen):
    landscape_id: str = Field(description="The landscape (tenant).")
    position: int = Field(
        ge=0,
        description=(
            "The landscape's last stored position: an inventory event sequence, or a graph "
            "version of the dependency service."
        ),
    )


class Heads(Frozen):
    heads: tuple[Head, ...] = Field(
        default=(), description="One per landscape the bearer token may see, by landscape id."
    )

    def positions(self) -> dict[str, int]:
        return {h.landscape_id: h.position for h in self.heads}
