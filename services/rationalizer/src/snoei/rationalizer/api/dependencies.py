"""What the rationalizer's routes are given: the use cases stored on the app by ``create_app``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Request

from snoei.rationalizer.decisions import DecisionService
from snoei.rationalizer.factory import Services
from snoei.rationalizer.queries import QueryService
from snoei.rationalizer.runs import RunService
from snoei.shared.http import Problem


def provide(app: FastAPI, services: Services) -> None:
    app.state.rationalizer_services = services


def _services(request: Request) -> Services:
    services: Services = request.app.state.rationalizer_services
    return services


def _queries(request: Request) -> QueryService:
    return _services(request).queries


def _decisions(request: Request) -> DecisionService:
    return _services(request).decisions


def _runs(request: Request) -> RunService:
    return _services(request).runs


Queries = Annotated[QueryService, Depends(_queries)]
Decisions = Annotated[DecisionService, Depends(_decisions)]
Runs = Annotated[RunService, Depends(_runs)]


def not_found(exc: LookupError) -> Problem:
    return Problem(404, "Not found", str(exc))
