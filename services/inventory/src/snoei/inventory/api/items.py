"""Applications, integrations, capabilities and technologies: list, get one (now or as of a
date) and the history of one, the same three routes for each kind."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from snoei.inventory.api.dependencies import Service
from snoei.inventory.api.models import HistoryVersion
from snoei.inventory.domain.changes import Kind
from snoei.shared.contracts.landscape import (
    ApplicationRecord,
    CapabilityRecord,
    IntegrationRecord,
    TechnologyRecord,
)
from snoei.shared.http import AuthorizedLandscape, Problem
from snoei.shared.identifiers import Text

RECORDS: dict[str, tuple[Kind, type[BaseModel]]] = {
    "applications": ("application", ApplicationRecord),
    "integrations": ("integration", IntegrationRecord),
    "capabilities": ("capability", CapabilityRecord),
    "technologies": ("technology", TechnologyRecord),
}

AsOf = Annotated[
    Text | None,
    Query(description="A date (YYYY-MM-DD, end of that day UTC) or ISO date-time: the state "
                      "as it was then. Omitted: now."),
]
After = Annotated[Text | None, Query(description="Page: ids after this one.")]
Limit = Annotated[int, Query(ge=1, le=10_000)]


def parse_as_of(value: str | None) -> datetime | None:
    """A date means the end of that day (UTC); a date-time without zone is UTC."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        pass
    else:
        return datetime.combine(day + timedelta(days=1), time.min, UTC) - timedelta(microseconds=1)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise Problem(
            422, "Invalid request",
            f"as_of: {value!r} is not a date (YYYY-MM-DD) or date-time (ISO 8601)",
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def items_router() -> APIRouter:
    router = APIRouter()
    for plural, (kind, record) in RECORDS.items():
        router.add_api_route(
            f"/{plural}", _lister(kind), methods=["GET"],
            response_model=list[record],  # type: ignore[valid-type]  # a runtime model, on purpose
            summary=f"List {plural}", description=f"Current {plural} (or as of a date), by id.",
        )
        # history first: ids may contain slashes, so `{item_id:path}` would swallow `/history`
        router.add_api_route(
            f"/{plural}/{{item_id:path}}/history", _historian(kind), methods=["GET"],
            response_model=list[HistoryVersion], summary=f"History of one {kind}",
            description="Every version: when, what changed and from which source.",
        )
        router.add_api_route(
            f"/{plural}/{{item_id:path}}", _getter(kind), methods=["GET"], response_model=record,
            summary=f"Get one {kind}", description=f"One {kind} now, or as of a date.",
        )
    return router


def _lister(kind: Kind) -> Callable[..., Awaitable[list[dict[str, Any]]]]:
    async def list_items(
        landscape_id: AuthorizedLandscape, service: Service, as_of: AsOf = None,
        after: After = None, limit: Limit = 1000,
    ) -> list[dict[str, Any]]:
        return await service.items(
            landscape_id, kind, as_of=parse_as_of(as_of), after=after, limit=limit
        )

    return list_items


def _historian(kind: Kind) -> Callable[..., Awaitable[list[HistoryVersion]]]:
    async def item_history(
        landscape_id: AuthorizedLandscape, service: Service, item_id: Text
    ) -> list[HistoryVersion]:
        entries = await service.history(landscape_id, kind, item_id)
        if not entries:
            raise Problem(404, "Not found", f"{kind} {item_id!r} has no history in "
                                            f"landscape {landscape_id!r}")
        return [
            HistoryVersion(
                version=e.version, valid_from=e.valid_from, change=e.change,
                changed_fields=e.changed_fields, change_id=str(e.change_id), source=e.source,
                sequence=e.sequence, data=e.data,
            )
            for e in entries
        ]

    return item_history


def _getter(kind: Kind) -> Callable[..., Awaitable[Any]]:
    async def get_item(
        landscape_id: AuthorizedLandscape, service: Service, item_id: Text, as_of: AsOf = None
    ) -> Any:
        item = await service.item(landscape_id, kind, item_id, as_of=parse_as_of(as_of))
        if item is None:
            when = f" as of {as_of}" if as_of else ""
            raise Problem(404, "Not found",
                          f"{kind} {item_id!r} is not in landscape {landscape_id!r}{when}")
        return item

    return get_item
