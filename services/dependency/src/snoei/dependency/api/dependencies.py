"""What the dependency service's routes are given: the service and the settings stored on
the app by ``create_app``, and the query limits those settings set (422 beyond them).

They are ``async def`` although they never wait: FastAPI runs a plain ``def`` dependency in
its thread pool, a thread hop per dependency and request (four for a blast radius) that a
loaded two-core server pays in milliseconds (issue 16)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Query, Request

from snoei.dependency.config import DependencySettings
from snoei.dependency.service import DependencyService
from snoei.shared.http import Problem


def provide(app: FastAPI, service: DependencyService, settings: DependencySettings) -> None:
    app.state.dependency_service = service
    app.state.dependency_settings = settings


async def dependency_service(request: Request) -> DependencyService:
    service: DependencyService = request.app.state.dependency_service
    return service


async def dependency_settings(request: Request) -> DependencySettings:
    settings: DependencySettings = request.app.state.dependency_settings
    return settings


Service = Annotated[DependencyService, Depends(dependency_service)]
Settings = Annotated[DependencySettings, Depends(dependency_settings)]


def within(name: str, value: int, limit: int, setting: str) -> int:
    if value > limit:
        raise Problem(
            422, "Invalid request", f"{name}: at most {limit} (SNOEI_{setting.upper()})"
        )
    return value


async def depth(
    settings: Settings,
    depth: Annotated[
        int, Query(ge=1, description="Hops to follow (1 = direct only); at most max_depth.")
    ] = 1,
) -> int:
    return within("depth", depth, settings.max_depth, "max_depth")


Depth = Annotated[int, Depends(depth)]
