"""Turn raw change messages into typed changes, or a rejection naming the item and field."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter, ValidationError

from snoei.shared.contracts.changes import CHANGES, InventoryChange
from snoei.shared.envelope import UnsupportedSchemaVersion, describe_errors

_json: TypeAdapter[Any] = TypeAdapter(Any)


@dataclass(frozen=True, slots=True)
class ChangeError:
    field: str
    message: str


@dataclass
class InvalidChange(Exception):
    """A change that cannot be applied; ``reason`` names the item and the first bad field."""

    reason: str
    errors: list[ChangeError] = field(default_factory=list)

    def __str__(self) -> str:
        return self.reason


def _item_label(raw: Any) -> str:
    """`application.upsert 'crm'`, or as much of it as the raw message allows."""
    if not isinstance(raw, dict):
        return "message"
    kind = raw.get("type")
    label = f"{kind}" if isinstance(kind, str) else "change"
    payload = raw.get("payload")
    if isinstance(payload, dict):
        item_id = payload.get("id")
        if item_id is None and isinstance(kind, str):
            record = payload.get(kind.partition(".")[0])
            if isinstance(record, dict):
                item_id = record.get("id")
        if isinstance(item_id, str) and item_id:
            label += f" {item_id!r}"
    return label


def _find_nul(value: Any, path: str) -> str | None:
    """Postgres text cannot hold NUL characters; find the first one so it is rejected, not
    retried forever."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for k, v in value.items():
            found = _find_nul(k, path) or _find_nul(v, f"{path}.{k}" if path else str(k))
            if found:
                return found
    if isinstance(value, list):
        for i, v in enumerate(value):
            found = _find_nul(v, f"{path}.{i}" if path else str(i))
            if found:
                return found
    return None


def _may_hold_nul(data: bytes | str) -> bool:
    # JSON text can only hold a NUL as the escape \u0000 (raw control characters are not JSON)
    return (b"\\u0000" in data) if isinstance(data, bytes) else ("\\u0000" in data)


def _decoded_at_once(data: bytes | str | dict[str, Any]) -> InventoryChange | None:
    """The change, when the text is a valid change of the current schema version without a
    NUL character: one pass, no error reporting (the common case on the bulk path)."""
    if isinstance(data, dict) or _may_hold_nul(data):
        return None
    try:
        return CHANGES.decode(data)
    except (ValidationError, UnsupportedSchemaVersion):
        return None


def parse_change(data: bytes | str | dict[str, Any]) -> InventoryChange:
    """Validate one change; raises ``InvalidChange`` with field paths relative to the message."""
    change = _decoded_at_once(data)
    if change is None:
        change = _parse_reporting(data)
    return change


def changes_at_once(values: Sequence[bytes]) -> list[InventoryChange | None]:
    """Each value's change where it is valid at the current schema version without a NUL
    character, the whole batch validated in one pass; a None is for ``parse_change`` to
    upcast, or to reject with its reason."""
    decoded = CHANGES.decode_at_once(values)
    return [None if _may_hold_nul(v) else c for v, c in zip(values, decoded, strict=True)]


def parse_keyed_change(
    value: bytes, *, key: bytes | None, decoded: InventoryChange | None = None
) -> InventoryChange:
    """Validate one change read from ``inventory.changes``: the change itself, then its key,
    which must be its landscape id — the key picks the partition, and only one partition per
    landscape keeps that landscape's changes in order. A missing key is no exception.
    ``decoded`` is the change ``changes_at_once`` already read from ``value``, if any."""
    change = decoded if decoded is not None else parse_change(value)
    if not key:
        message = f"message has no key; it must be the landscape id {change.landscape_id!r}"
        raise InvalidChange(f"{_label(change)}: key: {message}", [ChangeError("(key)", message)])
    try:
        text = key.decode()
    except UnicodeDecodeError:
        message = (
            f"message key is not UTF-8 text; it must be the landscape id {change.landscape_id!r}"
        )
        raise InvalidChange(
            f"{_label(change)}: key: {message}", [ChangeError("(key)", message)]
        ) from None
    if text != change.landscape_id:
        message = f"message key {text!r} differs from landscape_id {change.landscape_id!r}"
        raise InvalidChange(
            f"{_label(change)}: landscape_id: {message}", [ChangeError("landscape_id", message)]
        )
    return change


def _label(change: InventoryChange) -> str:
    """The item label of a decoded change; built only for a rejection, as dumping the payload
    costs about as much as validating it."""
    return _item_label({"type": change.type, "payload": change.payload.model_dump()})


def _parse_reporting(data: bytes | str | dict[str, Any]) -> InventoryChange:
    raw: Any
    if isinstance(data, dict):
        raw = data
    else:
        try:
            raw = _json.validate_json(data)
        except ValidationError as exc:
            message = exc.errors(include_url=False)[0]["msg"]
            raise InvalidChange(
                f"message is not JSON: {message}", [ChangeError("(message)", message)]
            ) from None
    if not isinstance(raw, dict):
        raise InvalidChange(
            "message is not a JSON object", [ChangeError("(message)", "expected a JSON object")]
        )
    label = _item_label(raw)
    nul = _find_nul(raw, "")
    if nul is not None:
        raise InvalidChange(
            f"{label}: {nul}: contains a NUL character",
            [ChangeError(nul, "contains a NUL character")],
        )
    try:
        change = CHANGES.decode(raw)
    except UnsupportedSchemaVersion as exc:
        raise InvalidChange(
            f"{label}: schema_version: {exc}", [ChangeError("schema_version", str(exc))]
        ) from None
    except ValidationError as exc:
        tag = raw.get("type")
        errors = [
            ChangeError(e["field"], e["message"])
            for e in describe_errors(exc, tag=tag if isinstance(tag, str) else None)
        ]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise InvalidChange(
            f"{label}: {errors[0].field}: {errors[0].message}{more}", errors
        ) from None
    return change
