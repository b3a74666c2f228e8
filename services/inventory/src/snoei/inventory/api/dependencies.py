"""What the inventory's routes are given: the service and the upload limit, stored on the
app by ``create_app``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Request

from snoei.inventory.service import InventoryService


def provide(app: FastAPI, service: InventoryService, *, max_upload_bytes: int) -> None:
    app.state.inventory_service = service
    app.state.max_upload_bytes = max_upload_bytes


def inventory_service(request: Request) -> InventoryService:
    service: InventoryService = request.app.state.inventory_service
    return service


def max_upload_bytes(request: Request) -> int:
    limit: int = request.app.state.max_upload_bytes
    return limit


Service = Annotated[InventoryService, Depends(inventory_service)]
MaxUploadBytes = Annotated[int, Depends(max_upload_bytes)]
