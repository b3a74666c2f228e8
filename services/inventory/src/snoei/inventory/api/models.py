"""Request and response bodies of the inventory's HTTP API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from snoei.inventory.domain.changes import Kind
from snoei.inventory.service import ApplyResult
from snoei.shared.identifiers import Text


class ApplyResponse(BaseModel):
    applied: int = Field(description="Changes that altered the landscape (one event each).")
    duplicates: int = Field(description="Changes whose id was seen before (ignored).")
    unchanged: int = Field(description="Changes that matched the current state (no event).")
    last_sequence: int | None = Field(description="Landscape sequence after this batch.")

    @classmethod
    def of(cls, result: ApplyResult) -> ApplyResponse:
        return cls(
            applied=result.applied, duplicates=result.duplicates, unchanged=result.unchanged,
            last_sequence=result.last_sequence,
        )


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
    id: Text


class PruneRequest(BaseModel):
    source: Text = Field(min_length=1, max_length=200, description="The import's source.")
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
