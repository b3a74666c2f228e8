"""`POST /changes`: a batch of changes in the `inventory.changes` format, applied at once."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body

from snoei.inventory.api.dependencies import Service
from snoei.inventory.api.models import ApplyResponse
from snoei.inventory.domain.validation import InvalidChange, parse_change
from snoei.shared.contracts.changes import InventoryChange
from snoei.shared.http import AuthorizedLandscape, Problem

MAX_BATCH = 10_000
router = APIRouter()


@router.post("/changes", response_model=ApplyResponse)
async def post_changes(
    landscape_id: AuthorizedLandscape,
    service: Service,
    changes: Annotated[list[dict[str, Any]], Body(max_length=MAX_BATCH)],
) -> ApplyResponse:
    """Apply a batch of changes (the `inventory.changes` format) atomically: all or none.
    `landscape_id` may be left out of each change; it defaults to the path's."""
    parsed = [_parse(index, raw, landscape_id) for index, raw in enumerate(changes)]
    return ApplyResponse.of(await service.apply(parsed, landscape_id=landscape_id))


def _parse(index: int, raw: dict[str, Any], landscape_id: str) -> InventoryChange:
    raw.setdefault("landscape_id", landscape_id)
    try:
        change = parse_change(raw)
    except InvalidChange as exc:
        raise Problem(
            422, "Invalid change", f"change {index}: {exc.reason}",
            extra={"errors": [
                {"field": f"[{index}].{e.field}", "message": e.message} for e in exc.errors
            ]},
        ) from None
    if change.landscape_id != landscape_id:
        raise Problem(
            422, "Invalid change",
            f"change {index} is for landscape {change.landscape_id!r}, not {landscape_id!r}",
        )
    return change
