"""HTTP API of the inventory (OpenAPI at /docs): changes and imports in, state, history,
data quality and events out. Every route sits under a landscape and its bearer-token guard."""

# no `from __future__ import annotations`: FastAPI resolves the local guard type at runtime

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, File, Query, UploadFile
from pydantic import BaseModel, Field, TypeAdapter

from snoei.inventory.adapters.repository import InventoryRepository
from snoei.inventory.domain.changes import Kind
from snoei.inventory.domain.validation import InvalidChange, parse_change
from snoei.inventory.importers import (
    FormatChoice,
    ImportFailed,
    ImportRejected,
    OnError,
    import_file,
)
from snoei.inventory.service import ApplyResult, InventoryService
from snoei.shared.contracts.changes import InventoryChange
from snoei.shared.contracts.landscape import (
    ApplicationRecord,
    CapabilityRecord,
    IntegrationRecord,
    TechnologyRecord,
)
from snoei.shared.http import Problem, problem_response

MAX_BATCH = 10_000
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class ApplyResponse(BaseModel):
    applied: int = Field(description="Changes that altered the landscape (one event each).")
    duplicates: int = Field(description="Changes whose id was seen before (ignored).")
    unchanged: int = Field(description="Changes that matched the current state (no event).")
    last_sequence: int | None = Field(description="Landscape sequence after this batch.")


class RowProblem(BaseModel):
    location: str = Field(description="Where in the file: `line 4`, `element 'id-1'`, ...")
    item: str | None = Field(description="The item, e.g. `application 'crm'`.")
    field: str | None = Field(description="The column, property or key in the file's terms.")
    message: str = Field(description="What is wrong.")


class ImportResponse(ApplyResponse):
    format: str = Field(description="Format the file was read as.")
    source: str = Field(description="Source recorded in the history of every changed item.")
    items: dict[str, int] = Field(description="Valid items read from the file, by kind.")
    deleted: int = Field(description="Delete changes sent for items gone from the file (prune).")
    skipped: list[RowProblem] = Field(description="Bad rows left out (on_error=skip).")


class ItemRef(BaseModel):
    kind: Kind
    id: str


class PruneRequest(BaseModel):
    source: str = Field(min_length=1, max_length=200, description="The import's source.")
    present: list[ItemRef] = Field(description="Every item the imported file named.")


class HistoryVersion(BaseModel):
    version: int
    valid_from: datetime = Field(description="When this version was recorded.")
    change: Literal["registered", "updated", "removed"]
    changed_fields: list[str] = Field(description="Top-level fields that differ from before.")
    change_id: str
    source: str = Field(description="Who sent the change.")
    sequence: int = Field(description="Sequence of the event this version emitted.")
    data: dict[str, Any] | None = Field(description="The item as of this version (None: removed).")


class QualityIssueOut(BaseModel):
    kind: str
    id: str
    field: str
    problem: str = Field(description="e.g. `unknown-application`.")
    detail: str


RECORDS: dict[str, tuple[Kind, type[BaseModel]]] = {
    "applications": ("application", ApplicationRecord),
    "integrations": ("integration", IntegrationRecord),
    "capabilities": ("capability", CapabilityRecord),
    "technologies": ("technology", TechnologyRecord),
}


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


AsOf = Annotated[
    str | None,
    Query(description="A date (YYYY-MM-DD, end of that day UTC) or ISO date-time: the state "
                      "as it was then. Omitted: now."),
]


def build_router(
    *,
    service: InventoryService,
    repository: InventoryRepository,
    guard: Callable[..., str],
    max_upload_bytes: int,
) -> APIRouter:
    router = APIRouter(prefix="/v1/landscapes/{landscape_id}", tags=["inventory"])
    landscape_type = Annotated[str, Depends(guard)]

    async def respond(landscape_id: str, result: ApplyResult) -> ApplyResponse:
        return ApplyResponse(
            applied=result.applied, duplicates=result.duplicates, unchanged=result.unchanged,
            last_sequence=await repository.last_sequence(landscape_id),
        )

    @router.post("/changes", response_model=ApplyResponse)
    async def post_changes(
        landscape_id: landscape_type,
        changes: Annotated[list[dict[str, Any]], Body(max_length=MAX_BATCH)],
    ) -> ApplyResponse:
        """Apply a batch of changes (the `inventory.changes` format) atomically: all or none.
        `landscape_id` may be left out of each change; it defaults to the path's."""
        parsed: list[InventoryChange] = []
        for index, raw in enumerate(changes):
            raw.setdefault("landscape_id", landscape_id)
            try:
                change = parse_change(raw)
            except InvalidChange as exc:
                raise Problem(
                    422, "Invalid change", f"change {index}: {exc.reason}",
                    extra={"errors": [
                        {"field": f"[{index}].{e.field}", "message": e.message}
                        for e in exc.errors
                    ]},
                ) from None
            if change.landscape_id != landscape_id:
                raise Problem(
                    422, "Invalid change",
                    f"change {index} is for landscape {change.landscape_id!r}, "
                    f"not {landscape_id!r}",
                )
            parsed.append(change)
        return await respond(landscape_id, await service.apply(parsed))

    @router.post("/imports", response_model=ImportResponse)
    async def import_upload(
        landscape_id: landscape_type,
        file: Annotated[UploadFile, File(description="CSV, ArchiMate exchange XML, Archi "
                                                      ".archimate or Backstage YAML.")],
        format: Annotated[FormatChoice, Query(description="File format; auto detects.")] = "auto",
        on_error: Annotated[
            OnError,
            Query(description="A bad row: `abort` the whole import (nothing applied) or "
                              "`skip` it and import the rest (skipped rows are listed)."),
        ] = "abort",
        prune: Annotated[bool, Query(description="Delete items this source wrote before that "
                                                 "the file no longer names.")] = False,
        source: Annotated[str | None, Query(max_length=200, description="Source to record; "
                                            "default `import:<format>:<file name>`.")] = None,
        revision: Annotated[str, Query(max_length=200, description="Salt for change ids: "
                                       "re-applies content seen before (e.g. a revert).")] = "",
    ) -> ImportResponse:
        """Import a file: parsed and validated as a whole, then applied in one transaction."""
        if file.size is not None and file.size > max_upload_bytes:
            raise too_large(max_upload_bytes)
        data = await file.read()
        if len(data) > max_upload_bytes:
            raise too_large(max_upload_bytes)
        try:
            fmt, result = await asyncio.to_thread(
                import_file, data, filename=file.filename or "upload", landscape_id=landscape_id,
                fmt=format, on_error=on_error, source=source, revision=revision,
            )
        except ImportFailed as exc:
            raise Problem(422, "Unreadable file", str(exc)) from None
        except ImportRejected as exc:
            raise Problem(
                422, "Import rejected",
                f"{len(exc.errors)} bad row(s), nothing imported (on_error=abort): {exc}",
                extra={"errors": [_row(e) for e in exc.errors]},
            ) from None
        recorded = result.changes[0].payload.source if result.changes else (
            source or f"import:{fmt}:{file.filename}"
        )
        deletes = (
            await service.prune_changes(landscape_id, recorded, result.present) if prune else []
        )
        applied = await service.apply([*result.changes, *deletes])
        base = await respond(landscape_id, applied)
        return ImportResponse(
            **base.model_dump(), format=fmt, source=recorded, items=result.counts(),
            deleted=len(deletes), skipped=[RowProblem(**_row(e)) for e in result.errors],
        )

    @router.post("/imports/prune", response_model=ImportResponse)
    async def prune_import(landscape_id: landscape_type, request: PruneRequest) -> ImportResponse:
        """After an import sent in batches: delete items last written by `source` that the
        file no longer names."""
        present: set[tuple[str, str]] = {(ref.kind, ref.id) for ref in request.present}
        deletes = await service.prune_changes(landscape_id, request.source, present)
        base = await respond(landscape_id, await service.apply(deletes))
        return ImportResponse(
            **base.model_dump(), format="", source=request.source, items={},
            deleted=len(deletes), skipped=[],
        )

    for plural, (kind, record) in RECORDS.items():
        _item_routes(router, landscape_type, service, repository, plural, kind, record)

    @router.get("/quality-issues", response_model=list[QualityIssueOut])
    async def quality_issues(landscape_id: landscape_type) -> list[QualityIssueOut]:
        """Items naming applications, capabilities or parents the landscape does not hold
        (yet): out-of-order input is kept and listed here until the other item arrives."""
        return [
            QualityIssueOut(kind=i.kind, id=i.id, field=i.field, problem=i.problem,
                            detail=i.detail)
            for i in await service.quality_issues(landscape_id)
        ]

    @router.get("/events")
    async def replay_events(
        landscape_id: landscape_type,
        from_sequence: Annotated[int, Query(ge=1)] = 1,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    ) -> list[dict[str, Any]]:
        """Canonical events from a sequence number, to rebuild downstream state."""
        rows = await repository.events_from(landscape_id, from_sequence, limit)
        return [_json.validate_json(r.body) for r in rows]

    return router


def _item_routes(
    router: APIRouter,
    landscape_type: Any,
    service: InventoryService,
    repository: InventoryRepository,
    plural: str,
    kind: Kind,
    record: type[BaseModel],
) -> None:
    async def list_items(
        landscape_id: landscape_type,
        as_of: AsOf = None,
        after: Annotated[str | None, Query(description="Page: ids after this one.")] = None,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    ) -> list[dict[str, Any]]:
        return await repository.list_items(
            landscape_id, kind, as_of=parse_as_of(as_of), after=after, limit=limit
        )

    async def item_history(landscape_id: landscape_type, item_id: str) -> list[HistoryVersion]:
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

    async def get_item(landscape_id: landscape_type, item_id: str, as_of: AsOf = None) -> Any:
        item = await repository.get_item(landscape_id, kind, item_id, as_of=parse_as_of(as_of))
        if item is None:
            when = f" as of {as_of}" if as_of else ""
            raise Problem(404, "Not found",
                          f"{kind} {item_id!r} is not in landscape {landscape_id!r}{when}")
        return item.data

    router.add_api_route(
        f"/{plural}", list_items, methods=["GET"],
        response_model=list[record],  # type: ignore[valid-type]  # a runtime model, on purpose
        summary=f"List {plural}", description=f"Current {plural} (or as of a date), by id.",
    )
    # history first: ids may contain slashes, so `{item_id:path}` would swallow `/history`
    router.add_api_route(
        f"/{plural}/{{item_id:path}}/history", item_history, methods=["GET"],
        response_model=list[HistoryVersion], summary=f"History of one {kind}",
        description="Every version: when, what changed and from which source.",
    )
    router.add_api_route(
        f"/{plural}/{{item_id:path}}", get_item, methods=["GET"], response_model=record,
        summary=f"Get one {kind}", description=f"One {kind} now, or as of a date.",
    )


def _row(error: Any) -> dict[str, Any]:
    return {"location": error.location, "item": error.item, "field": error.field,
            "message": error.message}


def too_large(limit: int) -> Problem:
    return Problem(413, "Upload too large",
                   f"the file is larger than the limit of {limit} bytes (SNOEI_MAX_UPLOAD_BYTES)")


class UploadLimit:
    """Refuses import bodies over the limit with a 413 problem, whether the client announces
    the size (Content-Length) or streams it: nothing larger is buffered."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, path_suffix: str = "/imports") -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.path_suffix = path_suffix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] != "POST"
                or not str(scope["path"]).endswith(self.path_suffix)):
            await self.app(scope, receive, send)
            return
        # multipart framing adds a little on top of the file itself
        limit = self.max_bytes + 64 * 1024
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await self._refuse(scope, receive, send)
            return
        received = 0
        exceeded = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                return  # whatever the app made of the interrupted body; the 413 follows
            started = started or message["type"] == "http.response.start"
            await send(message)

        with contextlib.suppress(_TooLarge):
            await self.app(scope, limited_receive, guarded_send)
        if exceeded and not started:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        problem = too_large(self.max_bytes)
        response = problem_response(problem.status, problem.title, problem.detail,
                                    instance=str(scope["path"]))
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass


_json: TypeAdapter[dict[str, Any]] = TypeAdapter(dict[str, Any])
