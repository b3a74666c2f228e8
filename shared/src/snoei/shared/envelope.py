"""The one envelope every Snoei message travels in, and how raw bytes become typed events."""

from __future__ import annotations

import types
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, Json, TypeAdapter, ValidationError

from snoei.shared.identifiers import LandscapeId

CURRENT_SCHEMA_VERSION = 1
"""The schema version of a message type that never changed; a type whose payload changed
declares its own with ``schema_version_field``."""


def utcnow() -> datetime:
    return datetime.now(UTC)


def schema_version_field(current: int) -> Any:
    """The ``schema_version`` field of a message type at version ``current``."""
    return Field(
        default=current,
        ge=1,
        title="Schema version",
        description="Version of the payload schema; older versions are upcast explicitly.",
    )


class Envelope(BaseModel):
    """Metadata shared by every event; subclasses pin ``type`` and ``payload``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: uuid.UUID = Field(
        default_factory=uuid.uuid4,
        title="Event id",
        description="Unique id of this event; redelivery keeps it, so consumers dedupe on it.",
    )
    type: str = Field(title="Type", description="What happened, e.g. `application.registered`.")
    schema_version: int = schema_version_field(CURRENT_SCHEMA_VERSION)
    landscape_id: LandscapeId = Field(
        title="Landscape id",
        description="The tenant: one organisation's landscape. Also the Kafka message key.",
    )
    sequence: int | None = Field(
        default=None,
        ge=1,
        title="Sequence",
        description=(
            "Per-landscape, gap-free number assigned by the producing service "
            "(inventory for `inventory.events`, dependency for graph versions). "
            "Absent on commands such as inventory changes."
        ),
    )
    occurred_at: datetime = Field(
        default_factory=utcnow, title="Occurred at", description="When it happened (UTC)."
    )
    correlation_id: uuid.UUID | None = Field(
        default=None,
        title="Correlation id",
        description="Shared by every message that stems from the same original request.",
    )
    causation_id: uuid.UUID | None = Field(
        default=None,
        title="Causation id",
        description="The event_id of the message that caused this one.",
    )
    payload: BaseModel = Field(title="Payload", description="The type-specific body.")

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    def key(self) -> bytes:
        """Kafka message key: the landscape, so one landscape stays ordered on one partition."""
        return self.landscape_id.encode()


class UnsupportedSchemaVersion(ValueError):
    """A message claims a schema version this code cannot read or upcast."""


_JSON_OBJECT: TypeAdapter[dict[str, Any]] = TypeAdapter(dict[str, Any])
Upcaster = Callable[[dict[str, Any]], dict[str, Any]]
E = TypeVar("E", bound=Envelope)


class EnvelopeCodec(Generic[E]):
    """Decodes one topic's tagged union, upcasting older schema versions first.

    Each message type's current version is its ``schema_version`` default. ``upcasters``
    maps ``(type, from_version)`` to a function returning the message at ``from_version + 1``;
    decoding applies them until the type's current version is reached. A message without
    ``schema_version`` is read as the current version.
    """

    def __init__(
        self, union: Any, *, upcasters: dict[tuple[str, int], Upcaster] | None = None
    ) -> None:
        self._adapter: TypeAdapter[E] = TypeAdapter(union)
        self._batch: TypeAdapter[list[E]] = TypeAdapter(list[Json[union]])
        self._upcasters = upcasters or {}
        self._current = current_versions(union)
        for message_type, version in self._upcasters:
            if version >= self._current.get(message_type, CURRENT_SCHEMA_VERSION):
                raise ValueError(
                    f"upcaster for {message_type!r} from version {version}, but that type is "
                    f"at version {self._current.get(message_type, CURRENT_SCHEMA_VERSION)}"
                )

    def current_version(self, message_type: str) -> int:
        return self._current.get(message_type, CURRENT_SCHEMA_VERSION)

    def upcast(self, raw: dict[str, Any]) -> dict[str, Any]:
        message_type = str(raw.get("type"))
        if message_type not in self._current:
            return raw  # validation names the unknown type
        current = self._current[message_type]
        version = raw.get("schema_version", current)
        if not isinstance(version, int) or isinstance(version, bool):
            return raw  # validation reports the wrong type with its field path
        if version > current:
            raise UnsupportedSchemaVersion(
                f"schema_version {version} of {raw.get('type')!r} is newer than the "
                f"supported version {current}"
            )
        while version < current:
            step = self._upcasters.get((message_type, version))
            if step is None:
                raise UnsupportedSchemaVersion(
                    f"no upcaster for {raw.get('type')!r} from schema_version {version}"
                )
            raw = step(raw)
            version = raw["schema_version"]
        return raw

    def decode(self, data: bytes | str | dict[str, Any]) -> E:
        """Parse and validate; raises ``ValidationError`` or ``UnsupportedSchemaVersion``."""
        if not isinstance(data, dict):
            # Fast path: parse and validate in one pass (about twice as fast as parsing to
            # Python objects first). An older or newer schema version, and any invalid
            # message, takes the path below, which upcasts or names the problem.
            try:
                event = self._adapter.validate_json(data)
            except ValidationError:
                pass
            else:
                if event.schema_version == self.current_version(event.type):
                    return event
        raw = data if isinstance(data, dict) else _JSON_OBJECT.validate_json(data)
        return self._adapter.validate_python(self.upcast(raw))

    def decode_at_once(self, values: Sequence[bytes]) -> list[E | None]:
        """Each value's message where ``decode`` would take its fast path (valid, and at its
        type's current schema version), else None: a None is for ``decode`` to upcast or to
        reject with its reason, so a batch decodes exactly as its messages one by one.

        One validation walks the whole batch in pydantic's core, without a Python call per
        message (a few percent: validating a message is most of the cost). Each value is
        parsed on its own (``Json`` per element), not spliced into one JSON array: a value
        such as ``{"a":"`` would swallow its neighbour's bytes there and shift every message
        after it (and splicing measured no faster). When some values are invalid, the others
        are validated again in one pass, so a bad message costs the batch one extra pass.
        """
        decoded: list[E | None] = [None] * len(values)
        pending = list(range(len(values)))
        while pending:
            try:
                messages = self._batch.validate_python([values[i] for i in pending])
            except ValidationError as exc:
                failed = _failed_indices(exc, len(pending))
                if not failed:
                    return decoded  # cannot tell which failed: ``decode`` each one
                pending = [i for k, i in enumerate(pending) if k not in failed]
                continue
            for i, message in zip(pending, messages, strict=True):
                if message.schema_version == self.current_version(message.type):
                    decoded[i] = message
            break
        return decoded

    def json_schema(self) -> dict[str, Any]:
        return self._adapter.json_schema()


def _failed_indices(exc: ValidationError, count: int) -> set[int]:
    """The list positions a batch validation failed at; empty if an error names none."""
    failed = set()
    for err in exc.errors(include_url=False, include_context=False, include_input=False):
        position = err["loc"][0] if err["loc"] else None
        if not isinstance(position, int) or not 0 <= position < count:
            return set()
        failed.add(position)
    return failed


def current_versions(union: Any) -> dict[str, int]:
    """``type`` -> current ``schema_version`` of every envelope class in a (tagged) union."""
    args = get_args(union)
    inner = args[0] if args and not isinstance(union, type) else union
    members = get_args(inner) if get_origin(inner) in (Union, types.UnionType) else (inner,)
    versions: dict[str, int] = {}
    for member in members:
        fields = member.model_fields
        versions[str(fields["type"].default)] = int(fields["schema_version"].default)
    return versions


def describe_errors(
    exc: ValidationError | ValueError, *, tag: str | None = None
) -> list[dict[str, str]]:
    """Turn a validation failure into ``[{"field": "payload.costs.licence", "message": ...}]``.

    ``tag`` is the message's ``type`` when known: the tagged union puts it first in every
    error location, and it is the union's choice, not a field of the message.
    """
    if isinstance(exc, ValidationError):
        described = []
        for err in exc.errors(include_url=False):
            path = [str(part) for part in err["loc"]]
            if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
                # The tagged union reports at its own level; name the tag field itself.
                path = [part for part in path if part != "dict"]
                path.append(str(err.get("ctx", {}).get("discriminator", "type")).strip("'"))
            elif tag is not None and path[:1] == [tag]:
                path = path[1:]
            described.append(
                {
                    "field": ".".join(path) or "(message)",
                    "message": err["msg"].removeprefix("Value error, "),
                }
            )
        return described
    return [{"field": "schema_version", "message": str(exc)}]
