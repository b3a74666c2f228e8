"""HTTP API of the inventory (OpenAPI at /docs): changes in, state and events out."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from snoei.inventory.adapters.repository import InventoryRepository
from snoei.inventory.service import InventoryService
from snoei.shared.contracts.changes import CHANGES, InventoryChange
from snoei.shared.envelope import UnsupportedSchemaVersion, describe_errors
from snoei.shared.http import Problem

MAX_BATCH = 10_000


class ApplyResponse(BaseModel):
    applied: int = Field(description="Changes that altered the landscape (one event each).")
    duplicates: int = Field(description="Changes whose id was seen before (ignored).")
    unchanged: int = Field(description="Changes that matched the current state (no event).")
    last_sequence: int | None = Field(description="Landscape sequence after this batch.")


def build_router(
    *, service: InventoryService, repository: InventoryRepository, guard: Any
) -> APIRouter:
    router = APIRouter(prefix="/v1/landscapes/{landscape_id}", tags=["inventory"])
    Landscape = Annotated[str, Depends(guard)]

    @router.post("/changes", response_model=ApplyResponse)
    async def post_changes(
        landscape_id: Landscape,
        changes: Annotated[list[dict[str, Any]], Body(max_length=MAX_BATCH)],
    ) -> ApplyResponse:
        """Apply a batch of changes (the `inventory.changes` format) atomically."""
        parsed: list[InventoryChange] = []
        for index, raw in enumerate(changes):
            raw.setdefault("landscape_id", landscape_id)
            try:
                change = CHANGES.decode(raw)
            except (ValidationError, UnsupportedSchemaVersion) as exc:
                errors = [{**e, "field": f"[{index}].{e['field']}"} for e in describe_errors(exc)]
                raise Problem(
                    422, "Invalid change",
                    f"change {index}: {errors[0]['field']}: {errors[0]['message']}",
                    extra={"errors": errors},
                ) from None
            if change.landscape_id != landscape_id:
                raise Problem(
                    422, "Invalid change",
                    f"change {index} is for landscape {change.landscape_id!r}, not {landscape_id!r}",
                )
            parsed.append(change)
        result = await service.apply(parsed)
        return ApplyResponse(
            applied=result.applied,
            duplicates=result.duplicates,
            unchanged=result.unchanged,
            last_sequence=await repository.last_sequence(landscape_id),
        )

    @router.get("/applications")
    async def list_applications(landscape_id: Landscape) -> list[dict[str, Any]]:
        """Current applications of the landscape."""
        return await repository.list_items(landscape_id, "application")

    @router.get("/applications/{application_id}")
    async def get_application(landscape_id: Landscape, application_id: str) -> dict[str, Any]:
        item = await repository.get_item(landscape_id, "application", application_id)
        if item is None:
            raise Problem(
                404, "Not found",
                f"application {application_id!r} is not in landscape {landscape_id!r}",
            )
        return item.data

    @router.get("/events")
    async def replay_events(
        landscape_id: Landscape,
        from_sequence: Annotated[int, Query(ge=1)] = 1,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    ) -> list[dict[str, Any]]:
        """Canonical events from a sequence number, to rebuild downstream state."""
        rows = await repository.events_from(landscape_id, from_sequence, limit)
        return [_json.validate_json(r.body) for r in rows]

    return router


_json: TypeAdapter[dict[str, Any]] = TypeAdapter(dict[str, Any])
