"""`inventory.changes.dlq`: rejected input, kept byte for byte with the reason."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from snoei.shared.contracts.landscape import Frozen
from snoei.shared.envelope import Envelope, EnvelopeCodec

UNKNOWN_LANDSCAPE = "unknown"


class FieldError(Frozen):
    field: str = Field(description="Dotted path of the offending field, e.g. `payload.costs`.")
    message: str = Field(description="What is wrong with it.")


class RejectedChange(Frozen):
    """A message the inventory could not accept; nothing of it was applied."""

    reason: str = Field(description="One-line summary naming the item and field.")
    errors: tuple[FieldError, ...] = Field(default=(), description="Every field that failed.")
    source_topic: str = Field(description="Topic the message was read from.")
    source_partition: int = Field(ge=0, description="Partition it was read from.")
    source_offset: int = Field(ge=0, description="Offset it was read from.")
    original_key_b64: str | None = Field(
        default=None, description="The original message key, base64, untouched."
    )
    original_value_b64: str = Field(description="The original message value, base64, untouched.")


class ChangeRejected(Envelope):
    type: Literal["change.rejected"] = "change.rejected"
    payload: RejectedChange


DeadLetter = Annotated[ChangeRejected, Field(discriminator="type")]

DEAD_LETTERS: EnvelopeCodec[DeadLetter] = EnvelopeCodec(DeadLetter)
