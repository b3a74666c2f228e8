"""`rationalizer.proposals`: the explainable proposals of each rationalisation run."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter

from snoei.shared.contracts.landscape import Frozen, ItemId
from snoei.shared.envelope import Envelope, EnvelopeCodec, schema_version_field


class Action(StrEnum):
    RETIRE = "retire"
    REPLACE = "replace"
    CONSOLIDATE = "consolidate"


class ProposalStatus(StrEnum):
    OPEN = "open"
    NEEDS_DATA = "needs-data"  # open, but its saving cannot be known until the data is there
    BLOCKED = "blocked"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class RuleFired(Frozen):
    """One rule's verdict with the facts and numbers it used."""

    rule: str = Field(description="Rule name, e.g. `time_quadrant`, `functional_overlap`.")
    message: str = Field(description="What the rule concluded, in one sentence.")
    facts: dict[str, str | float | int | bool | None] = Field(
        default_factory=dict, description="Inputs and numbers the rule used."
    )


class LostFlow(Frozen):
    """A data flow an application loses when the target goes."""

    integration_id: ItemId = Field(description="The integration that disappears.")
    consumer: ItemId = Field(description="Application losing the data.")
    supplier: ItemId = Field(description="Application supplying it (a retired one, or upstream).")
    data_objects: tuple[str, ...] = Field(default=(), description="Data objects carried.")
    criticality: str = Field(description="Criticality of the flow.")
    depth: int = Field(ge=1, description="1 = direct consumer, 2+ = transitively affected.")


class ReplacementProduct(Frozen):
    """A product on the market (the Softwarecatalogus "Alle pakketten") that realises a
    capability of the application to replace."""

    product: str = Field(description="Package name (Pakket), e.g. `Zaakwijs`.")
    version: str | None = Field(default=None, description="Package version (Pakketversie).")
    supplier: str | None = Field(default=None, description="Supplier (Leverancier).")
    status: str | None = Field(
        default=None, description="The supplier's status of the version, e.g. `distributie`."
    )
    capabilities: tuple[str, ...] = Field(
        default=(), description="Names of the application's capabilities it realises."
    )


class Proposal(Frozen):
    """A proposal to retire, replace or consolidate, with its evidence and economics."""

    id: str = Field(description="Stable key: action + targets, the same across runs.")
    action: Action = Field(description="What to do.")
    targets: tuple[ItemId, ...] = Field(description="Application(s) the action applies to.")
    survivor: ItemId | None = Field(
        default=None, description="For consolidate: the application that takes over."
    )
    replacement_candidates: tuple[ItemId, ...] = Field(
        default=(),
        description="For replace: applications or products realising the same capability.",
    )
    replacement_products: tuple[ReplacementProduct, ...] = Field(
        default=(),
        description="For replace: market products realising the same capability (supported "
        "versions only), from the market catalogue.",
    )
    capabilities: tuple[ItemId, ...] = Field(default=(), description="Capabilities concerned.")
    rules: tuple[RuleFired, ...] = Field(description="Evidence: every rule that fired.")
    yearly_saving: float | None = Field(
        description="Euros per year saved once done; None when unknown (its inputs are "
        "missing, see `missing_inputs`), never 0 for unknown."
    )
    migration_cost: float | None = Field(
        ge=0, description="One-off migration estimate in euros; None when unknown."
    )
    payback_months: float | None = Field(
        default=None,
        description="Months until the saving repays the migration; None if it never does "
        "(no saving) or cannot be known (saving or migration unknown).",
    )
    missing_inputs: tuple[str, ...] = Field(
        default=(),
        description="The inputs that would change or settle this proposal, naming the "
        "applications, e.g. `annual costs of Zaaksysteem (app-zaak) to compute the saving`.",
    )
    data_needed_from: tuple[ItemId, ...] = Field(
        default=(),
        description="Applications whose missing data `missing_inputs` names, for counting "
        "which applications block the most advice.",
    )
    risk: RiskLevel = Field(description="Overall risk of carrying it out.")
    risk_score: float = Field(ge=0, le=1, description="Risk as a number from 0 to 1.")
    confidence: float = Field(ge=0, le=1, description="Lower when inputs are missing or stale.")
    blast_radius: tuple[LostFlow, ...] = Field(
        default=(), description="Who loses which data flow if the targets go."
    )
    integrations_to_rewire: tuple[ItemId, ...] = Field(
        default=(), description="Integrations to move to the survivor or replacement."
    )
    status: ProposalStatus = Field(default=ProposalStatus.OPEN, description="Where it stands.")
    blocked_reason: str | None = Field(default=None, description="Why it is blocked, if it is.")
    facts_hash: str = Field(
        description="Fingerprint of the facts; a rejected proposal returns only if it changes."
    )
    summary: str = Field(description="Plain-language summary a board member can read.")


class ProposalBatch(Frozen):
    """One part of a run's proposals. A large run is split so that every message stays
    under the broker's size limit; consumers collect parts 1..parts of a run_id."""

    run_id: uuid.UUID = Field(description="The run that produced these proposals.")
    graph_version: int = Field(ge=0, description="Graph version the run evaluated.")
    proposals: tuple[Proposal, ...] = Field(
        default=(), description="The proposals of this part (all of them when parts = 1)."
    )
    part: int = Field(default=1, ge=1, description="Which part of the run this is (1-based).")
    parts: int = Field(default=1, ge=1, description="How many parts the run was split into.")
    total_yearly_saving: float = Field(
        description="Sum of the known yearly savings of the standing proposals over the "
        "whole run (unknown savings are not counted as 0: see `unknown_saving_count`)."
    )
    unknown_saving_count: int = Field(
        default=0, ge=0, description="Standing proposals of the run whose saving is unknown."
    )
    empty_reason: str | None = Field(
        default=None, description="Why the run produced nothing, e.g. no data."
    )
    notes: tuple[RuleFired, ...] = Field(
        default=(),
        description="What the run considered and set aside, with the facts: e.g. an overlap "
        "not proposed because one application specialises or is part of the other.",
    )


PROPOSALS_VERSION = 2
"""Schema version of `proposals.published`. Version 1 had no `missing_inputs`,
`data_needed_from`, `unknown_saving_count` or `notes`, and read an unknown saving as 0."""


class ProposalsPublished(Envelope):
    type: Literal["proposals.published"] = "proposals.published"
    schema_version: int = schema_version_field(PROPOSALS_VERSION)
    payload: ProposalBatch


def upcast_proposals_published_v1_v2(message: dict[str, Any]) -> dict[str, Any]:
    """v2: a version-1 run is kept as it was published (its savings, 0 included, stay what
    they said), with no missing inputs listed and no unknown savings counted."""
    payload = message.get("payload")
    if isinstance(payload, dict):
        proposals = payload.get("proposals")
        if isinstance(proposals, list):
            proposals = [
                {"missing_inputs": [], "data_needed_from": [], **p} if isinstance(p, dict) else p
                for p in proposals
            ]
        payload = {"unknown_saving_count": 0, "notes": [], **payload, "proposals": proposals}
    return {**message, "payload": payload, "schema_version": 2}


def split_run(
    *,
    landscape_id: str,
    run_id: uuid.UUID,
    graph_version: int,
    proposals: tuple[Proposal, ...],
    total_yearly_saving: float,
    unknown_saving_count: int = 0,
    empty_reason: str | None = None,
    notes: tuple[RuleFired, ...] = (),
    per_part: int = 200,
) -> list[ProposalsPublished]:
    """A run's proposals as messages of at most ``per_part`` proposals each."""
    chunks = [proposals[i : i + per_part] for i in range(0, len(proposals), per_part)] or [()]
    return [
        ProposalsPublished(
            landscape_id=landscape_id,
            payload=ProposalBatch(
                run_id=run_id,
                graph_version=graph_version,
                proposals=chunk,
                part=number,
                parts=len(chunks),
                total_yearly_saving=total_yearly_saving,
                unknown_saving_count=unknown_saving_count,
                empty_reason=empty_reason,
                notes=notes,
            ),
        )
        for number, chunk in enumerate(chunks, start=1)
    ]


def encode_parts(parts: Sequence[ProposalsPublished], bodies: Sequence[bytes]) -> list[bytes]:
    """``[p.to_bytes() for p in parts]``, with each proposal's JSON taken from ``bodies`` (in
    the order of the parts' proposals) instead of serialised again, and the run's notes,
    which every part repeats, serialised once: the rationalizer encodes every proposal once
    to store it, and a 10k-application run publishes 14 MB of them in 14 parts."""
    return list(iter_encode_parts(parts, bodies))


def iter_encode_parts(
    parts: Sequence[ProposalsPublished], bodies: Sequence[bytes]
) -> Iterator[bytes]:
    """``encode_parts`` one part at a time, so a caller on an event loop can let other work
    in between. Bodies are UTF-8 and joined as bytes: as text, a run's 14 MB (every
    proposal names euros) took 40-50 ms to encode, as bytes under 5."""
    if sum(len(p.payload.proposals) for p in parts) != len(bodies):
        raise ValueError("one body per proposal of the parts is needed")
    start = 0
    notes: tuple[RuleFired, ...] | None = None
    notes_json = b""
    for part in parts:
        # Validation gives each part its own tuple of the same notes: equal item by item
        # (identity first), so the run's notes are serialised once, not once per part.
        if notes is None or part.payload.notes != notes:
            notes = part.payload.notes
            notes_json = _NOTES.dump_json(notes)
        count = len(part.payload.proposals)
        payload = part.payload.model_copy(update={"proposals": (), "notes": ()})
        head, found, rest = (
            part.model_copy(update={"payload": payload})
            .model_dump_json()
            .encode()
            .partition(_NO_PROPOSALS)
        )
        middle, found_notes, tail = rest.rpartition(_NO_NOTES)
        if not (found and found_notes):  # cannot happen with the fields where they are
            raise ValueError("the part's JSON has no proposals or notes field")
        listed = b",".join(bodies[start : start + count])
        yield b"".join(
            (head, b'"proposals":[', listed, b"]", middle, b'"notes":', notes_json, tail)
        )
        start += count


# A JSON string holds a quote only as \", so these occur in a part's JSON only as its fields.
_NO_PROPOSALS = b'"proposals":[]'
_NO_NOTES = b'"notes":[]'
_NOTES: TypeAdapter[tuple[RuleFired, ...]] = TypeAdapter(tuple[RuleFired, ...])


ProposalEvent = Annotated[ProposalsPublished, Field(discriminator="type")]


PROPOSAL_EVENTS: EnvelopeCodec[ProposalEvent] = EnvelopeCodec(
    ProposalEvent,
    upcasters={("proposals.published", 1): upcast_proposals_published_v1_v2},
)
