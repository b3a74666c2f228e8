"""What the rationalizer's routes are given: the service stored on the app by ``create_app``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Request

from snoei.rationalizer.service import RationalizerService
from snoei.shared.http import Problem


def provide(app: FastAPI, service: RationalizerService) -> None:
    app.state.rationalizer_service = service


def rationalizer_service(request: Request) -> RationalizerService:
    service: RationalizerService = request.app.state.rationalizer_service
    return service


Service = Annotated[RationalizerService, Depends(rationalizer_service)]


def not_found(exc: LookupError) -> Problem:
    return Problem(404, "Not found", str(exc))
