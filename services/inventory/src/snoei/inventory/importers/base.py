"""What every importer shares: parsed items, row errors, deterministic change ids and the
abort-or-skip policy."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from snoei.inventory.domain.validation import InvalidChange, parse_change
from snoei.shared.contracts.changes import InventoryChange

OnError = Literal["abort", "skip"]
Format = Literal["csv", "archimate", "archi", "backstage"]
IMPORT_NAMESPACE = uuid.UUID("5f1c3a52-1d5e-4e0b-8b7f-3c2b9d7c4a10")

# Application fields that CSV columns, ArchiMate properties and Backstage annotations may set,
# by normalised name (lower case, spaces and dashes as underscores) -> field path.
APPLICATION_FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "description": ("description",),
    "owner": ("owner",),
    "supplier": ("supplier",),
    "product": ("product",),
    "version": ("version",),
    "lifecycle": ("lifecycle",),
    "hosting": ("hosting",),
    "users": ("users",),
    "criticality": ("criticality",),
    "business_value": ("business_value",),
    "technical_fitness": ("technical_fitness",),
    "contract_end": ("contract_end",),
    "cost_licence": ("costs", "licence"),
    "cost_hosting": ("costs", "hosting"),
    "cost_support": ("costs", "support"),
    "cost_staff": ("costs", "staff"),
    "technologies": ("technologies",),
    "capabilities": ("capabilities",),
    "owned": ("owned",),
    "specialises": ("specialises",),
    "part_of": ("part_of",),
    "kind": ("kind",),
}
LIST_FIELDS = {("capabilities",), ("specialises",), ("part_of",)}
INTEGRATION_FIELDS = ("kind", "protocol", "criticality", "data_objects", "name")


class ImportFailed(Exception):
    """The file as a whole cannot be read: not the claimed format, unsafe XML, bad encoding."""


Severity = Literal["error", "data-quality"]


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem with a row or element: where it is, which item and field, what is wrong.

    ``error``: the row is bad and cannot be imported (``on_error`` decides about the file).
    ``data-quality``: the file says something the landscape cannot hold as written (a
    relationship from an element to itself, a reference of the wrong kind); that part is
    left out or read as the message says, the rest imports, and the problem is reported.
    """

    location: str
    message: str
    item: str | None = None
    field: str | None = None
    severity: Severity = "error"

    def __str__(self) -> str:
        parts = [self.location]
        if self.item:
            parts.append(self.item)
        if self.field:
            parts.append(f"field {self.field!r}")
        return f"{', '.join(parts)}: {self.message}"


def quality(location: str, message: str, item: str | None = None,
            field: str | None = None) -> RowError:
    """A data-quality problem: reported (the message says so, also where a report lists it
    among skipped rows), but it does not reject the file."""
    return RowError(location, f"data quality: {message}", item, field, "data-quality")


def bad_rows(errors: list[RowError]) -> int:
    """How many rows (locations) have an error; several bad fields of one row count once."""
    return len({e.location for e in errors if e.severity == "error"})


class ImportRejected(Exception):
    """``on_error=abort`` and the file has bad rows: nothing is imported."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"{errors[0]}{more}")


@dataclass
class ParsedItem:
    """One item read from a file, before validation; ``fields`` names the file's own words
    (column, property) for each field path so errors speak the user's language."""

    kind: str
    data: dict[str, Any]
    location: str
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class ImportResult:
    changes: list[InventoryChange] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    present: set[tuple[str, str]] = field(default_factory=set)
    """(kind, id) of every item the file names, valid or not: pruning never removes them."""

    @property
    def bad(self) -> list[RowError]:
        """The errors that made rows unimportable (not the data-quality problems)."""
        return [e for e in self.errors if e.severity == "error"]

    @property
    def data_quality(self) -> list[RowError]:
        return [e for e in self.errors if e.severity == "data-quality"]

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for change in self.changes:
            kind = change.type.partition(".")[0]
            found[kind] = found.get(kind, 0) + 1
        return found


def normalise(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


def split_list(value: str) -> list[str]:
    """`a; b, c` -> [a, b, c]: lists inside one cell or property."""
    return [p.strip() for p in value.replace(",", ";").split(";") if p.strip()]


def technologies(value: str) -> list[dict[str, str | None]]:
    """`postgresql:11; java:8` -> technology uses."""
    uses: list[dict[str, str | None]] = []
    for part in split_list(value):
        product, _, version = part.partition(":")
        uses.append({"product": product.strip(), "version": version.strip() or None})
    return uses


def set_application_field(
    data: dict[str, Any], name: str, value: str, fields: dict[str, str], label: str
) -> bool:
    """Put a named value in its application field; False when the name is not a field."""
    path = APPLICATION_FIELDS.get(normalise(name))
    if path is None:
        return False
    parsed: Any = value
    if path == ("technologies",):
        parsed = technologies(value)
    elif path in LIST_FIELDS:
        parsed = split_list(value)
    elif path[0] == "costs":
        parsed = value.replace("€", "").replace(" ", "")
    target = data
    for part in path[:-1]:
        target = target.setdefault(part, {})
    target[path[-1]] = parsed
    fields[".".join(path)] = label
    return True


def change_id(landscape_id: str, kind: str, data: Mapping[str, Any], revision: str) -> uuid.UUID:
    """Derived from landscape, item and content: the same item content imports as the same
    change (applied once); different content is a new change."""
    content = json.dumps([landscape_id, kind, data.get("id"), data, revision], sort_keys=True,
                         default=str, separators=(",", ":"))
    return uuid.uuid5(IMPORT_NAMESPACE, content)


def _user_field(path: str, kind: str, fields: dict[str, str]) -> str | None:
    """The file's own name (column, property) for a validation error's field path."""
    if path == f"payload.{kind}":
        return None  # the item as a whole, e.g. an integration from an app to itself
    prefix = f"payload.{kind}."
    inner = path[len(prefix):] if path.startswith(prefix) else path
    matches = [k for k in fields if inner == k or inner.startswith(k + ".")]
    return fields[max(matches, key=len)] if matches else inner


def build_changes(
    items: list[ParsedItem], *, landscape_id: str, source: str, revision: str = "",
    errors: list[RowError] | None = None,
) -> ImportResult:
    """Validate parsed items into upsert changes exactly as the Kafka path validates them."""
    result = ImportResult(errors=list(errors or []))
    first_seen: dict[tuple[str, str], str] = {}
    for item in items:
        item_id = item.data.get("id")
        label = f"{item.kind} {item_id!r}" if item_id else item.kind
        if isinstance(item_id, str) and item_id:
            key = (item.kind, item_id)
            result.present.add(key)
            if key in first_seen:
                result.errors.append(
                    RowError(item.location, f"duplicate id (first at {first_seen[key]})", label,
                             item.fields.get("id", "id"))
                )
                continue
            first_seen[key] = item.location
        cid = change_id(landscape_id, item.kind, item.data, revision)
        raw = {
            "type": f"{item.kind}.upsert",
            "landscape_id": landscape_id,
            "event_id": str(cid),
            "payload": {"change_id": str(cid), "source": source, item.kind: item.data},
        }
        try:
            result.changes.append(parse_change(raw))
        except InvalidChange as exc:
            for err in exc.errors:
                result.errors.append(
                    RowError(item.location, err.message, label,
                             _user_field(err.field, item.kind, item.fields))
                )
    return result


def enforce(result: ImportResult, on_error: OnError) -> ImportResult:
    """``abort``: any bad row rejects the whole file. ``skip``: import the rest, and the
    errors stay in the result for the caller to report. Data-quality problems never reject
    a file; they stay in the result either way."""
    if result.bad and on_error == "abort":
        raise ImportRejected(result.bad)
    return result
