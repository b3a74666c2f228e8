"""`rationalizer.runs`: requests to (re-)evaluate a landscape."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from snoei.shared.contracts.landscape import Frozen
from snoei.shared.envelope import Envelope, EnvelopeCodec


class RunTrigger(StrEnum):
    SCHEDULE = "schedule"
    CLI = "cli"
    HTTP = "http"
    CHANGE = "change"


class RunRequest(Frozen):
    run_id: uuid.UUID = Field(
        default_factory=uuid.uuid4, description="Id the run will be stored under (idempotency)."
    )
    trigger: RunTrigger = Field(description="What asked for the run.")
    requested_by: str | None = Field(default=None, max_length=200, description="Person or job.")


class RunRequested(Envelope):
    type: Literal["run.requested"] = "run.requested"
    payload: RunRequest


RunCommand = Annotated[RunRequested, Field(discriminator="type")]

RUN_COMMANDS: EnvelopeCodec[RunCommand] = EnvelopeCodec(RunCommand)
