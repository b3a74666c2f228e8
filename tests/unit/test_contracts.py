"""The wire format is pinned by golden JSON files; every topic decodes through its union."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from snoei.shared.contracts.changes import CHANGES
from snoei.shared.contracts.dlq import DEAD_LETTERS
from snoei.shared.contracts.graph import GRAPH_EVENTS
from snoei.shared.contracts.inventory_events import INVENTORY_EVENTS
from snoei.shared.contracts.landscape import ApplicationRecord, ElementKind, facts_as_in_v1
from snoei.shared.contracts.proposals import (
    PROPOSAL_EVENTS,
    ProposalsPublished,
    RuleFired,
    encode_parts,
    split_run,
)
from snoei.shared.contracts.runs import RUN_COMMANDS, RunCommand, RunRequested
from snoei.shared.envelope import (
    EnvelopeCodec,
    UnsupportedSchemaVersion,
    describe_errors,
    schema_version_field,
)
from tests.unit.contract_examples import examples

pytestmark = pytest.mark.unit

GOLDEN = Path(__file__).resolve().parents[2] / "shared" / "golden"
CODECS: dict[str, EnvelopeCodec[Any]] = {
    "inventory.changes": CHANGES,
    "inventory.changes.dlq": DEAD_LETTERS,
    "inventory.events": INVENTORY_EVENTS,
    "dependency.graph": GRAPH_EVENTS,
    "rationalizer.runs": RUN_COMMANDS,
    "rationalizer.proposals": PROPOSAL_EVENTS,
}
CASES = [(topic, msg) for topic, msgs in examples().items() for msg in msgs]


@pytest.mark.parametrize(("topic", "message"), CASES, ids=[f"{t}:{m.type}" for t, m in CASES])
def test_golden_file_pins_the_wire_format(topic: str, message: Any) -> None:
    path = GOLDEN / topic / f"{message.type}.json"
    wire = json.loads(message.model_dump_json())
    if os.environ.get("SNOEI_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(wire, indent=2, ensure_ascii=False) + "\n")
    assert wire == json.loads(path.read_text()), f"wire format of {message.type} changed"
    decoded = CODECS[topic].decode(path.read_bytes())
    assert decoded == message
    # bytes take the one-pass fast path, a dict the parse-then-validate path: same event
    assert CODECS[topic].decode(json.loads(path.read_text())) == decoded


def test_every_topic_has_a_codec_and_examples() -> None:
    assert set(examples()) == set(CODECS)


def test_unknown_event_type_is_rejected_naming_the_type_field() -> None:
    raw = json.loads((GOLDEN / "inventory.changes" / "application.upsert.json").read_text())
    raw["type"] = "application.explode"
    with pytest.raises(ValidationError) as info:
        CHANGES.decode(raw)
    assert describe_errors(info.value)[0]["field"] == "type"


def test_newer_schema_version_is_refused_with_a_clear_reason() -> None:
    raw = json.loads((GOLDEN / "inventory.events" / "application.registered.json").read_text())
    raw["schema_version"] = 99
    with pytest.raises(UnsupportedSchemaVersion, match="newer than the supported version 2"):
        INVENTORY_EVENTS.decode(raw)


def test_old_schema_version_is_upcast_explicitly() -> None:
    raw = json.loads((GOLDEN / "rationalizer.runs" / "run.requested.json").read_text())
    raw["schema_version"] = 1
    raw["payload"]["trigger"] = "nightly"

    class RunRequestedV2(RunRequested):
        schema_version: int = schema_version_field(2)

    def v1_to_v2(message: dict[str, Any]) -> dict[str, Any]:
        payload = dict(message["payload"])
        payload["trigger"] = {"nightly": "schedule"}.get(payload["trigger"], payload["trigger"])
        return {**message, "payload": payload, "schema_version": 2}

    codec: EnvelopeCodec[RunRequestedV2] = EnvelopeCodec(
        RunRequestedV2, upcasters={("run.requested", 1): v1_to_v2}
    )
    upcast = codec.upcast(raw)
    assert upcast["schema_version"] == 2
    assert upcast["payload"]["trigger"] == "schedule"
    # as bytes too: the fast path must not take a version-1 message as it stands
    decoded = codec.decode(json.dumps(raw).encode())
    assert decoded.schema_version == 2
    assert decoded.payload.trigger.value == "schedule"
    valid_as_is = {**raw, "payload": {**raw["payload"], "trigger": "schedule"}}
    assert codec.decode(json.dumps(valid_as_is).encode()).schema_version == 2


def test_an_upcaster_from_the_current_version_is_refused() -> None:
    with pytest.raises(ValueError, match=r"'run\.requested' from version 1, but that type is at"):
        EnvelopeCodec(RunCommand, upcasters={("run.requested", 1): lambda m: m})


def test_newer_schema_version_is_refused_from_bytes_too() -> None:
    raw = json.loads((GOLDEN / "inventory.events" / "application.registered.json").read_text())
    raw["schema_version"] = 99
    with pytest.raises(UnsupportedSchemaVersion, match="newer than the supported version 2"):
        INVENTORY_EVENTS.decode(json.dumps(raw).encode())


def test_types_carrying_an_application_record_are_at_version_2_and_others_at_1() -> None:
    assert CHANGES.current_version("application.upsert") == 2
    assert CHANGES.current_version("integration.upsert") == 1
    assert INVENTORY_EVENTS.current_version("application.registered") == 2
    assert INVENTORY_EVENTS.current_version("application.updated") == 2
    assert INVENTORY_EVENTS.current_version("application.removed") == 1
    assert GRAPH_EVENTS.current_version("graph.changed") == 2
    assert GRAPH_EVENTS.current_version("graph.snapshot") == 2


V1_GOLDEN = [
    ("inventory.changes", "application.upsert", "application"),
    ("inventory.events", "application.registered", "application"),
    ("inventory.events", "application.updated", "application"),
    ("dependency.graph", "graph.changed", "applications_upserted"),
    ("dependency.graph", "graph.snapshot", "applications"),
]


@pytest.mark.parametrize(("topic", "message_type", "field"), V1_GOLDEN,
                         ids=[t for _, t, _ in V1_GOLDEN])
@pytest.mark.parametrize("as_bytes", [False, True], ids=["dict", "bytes"])
def test_version_1_golden_file_is_upcast_to_the_current_message(
    topic: str, message_type: str, field: str, as_bytes: bool
) -> None:
    # the wire format of version 1, as it was shipped: the upcaster's input
    path = GOLDEN / topic / f"{message_type}.v1.json"
    old = json.loads(path.read_text())
    assert old["schema_version"] == 1
    decoded = CODECS[topic].decode(path.read_bytes() if as_bytes else old)
    assert decoded.schema_version == 2
    records = getattr(decoded.payload, field)
    for record in records if isinstance(records, tuple) else (records,):
        assert (record.owned, record.specialises, record.part_of) == (True, (), ())
        assert record.kind == ElementKind.APPLICATION
        # the v1 examples carry real costs: kept, not read as unknown
        assert record.yearly_cost == 141000.0
    # everything else is the message as it was
    current = json.loads(decoded.model_dump_json())
    assert {k: v for k, v in current.items() if k not in ("schema_version", "payload")} == {
        k: v for k, v in old.items() if k not in ("schema_version", "payload")}


V2_ONLY = ("owned", "specialises", "part_of", "kind")


def _as_v1(record: dict[str, Any], costs: dict[str, Any] | None) -> dict[str, Any]:
    """A record as version 1 wrote it: no new fields, costs always present (zeros by default)."""
    old = {k: v for k, v in record.items() if k not in V2_ONLY}
    old["costs"] = costs if costs is not None else {
        "licence": 0.0, "hosting": 0.0, "support": 0.0, "staff": 0.0}
    return old


def _v1_upsert(costs: dict[str, Any] | None) -> dict[str, Any]:
    path = GOLDEN / "inventory.changes" / "application.upsert.json"
    raw: dict[str, Any] = json.loads(path.read_text())
    raw["schema_version"] = 1
    raw["payload"]["application"] = _as_v1(raw["payload"]["application"], costs)
    return raw


@pytest.mark.parametrize("as_bytes", [False, True], ids=["dict", "bytes"])
def test_v1_application_with_zero_costs_is_upcast_to_unknown_costs(as_bytes: bool) -> None:
    raw = _v1_upsert(None)
    change = CHANGES.decode(json.dumps(raw).encode() if as_bytes else raw)
    assert change.schema_version == 2
    application = change.payload.application  # type: ignore[union-attr]  # an upsert
    assert application.costs is None
    assert application.yearly_cost is None
    assert (application.owned, application.specialises, application.part_of) == (True, (), ())
    assert application.kind == ElementKind.APPLICATION
    assert application.name == "Zaaksysteem Noord"


def test_v1_application_without_costs_is_upcast_to_unknown_costs() -> None:
    raw = _v1_upsert(None)
    del raw["payload"]["application"]["costs"]
    change = CHANGES.decode(raw)
    assert change.payload.application.costs is None  # type: ignore[union-attr]


def test_v1_application_with_some_cost_keeps_its_costs_including_zero_parts() -> None:
    raw = _v1_upsert({"licence": 1200.0, "hosting": 0.0, "support": 0.0, "staff": 0.0})
    change = CHANGES.decode(raw)
    application = change.payload.application  # type: ignore[union-attr]
    assert application.costs is not None
    assert (application.costs.licence, application.costs.hosting) == (1200.0, 0.0)
    assert application.yearly_cost == 1200.0


def test_v1_application_events_are_upcast_like_changes() -> None:
    for name in ("application.registered", "application.updated"):
        raw = json.loads((GOLDEN / "inventory.events" / f"{name}.json").read_text())
        raw["schema_version"] = 1
        raw["payload"]["application"] = _as_v1(raw["payload"]["application"], None)
        event = INVENTORY_EVENTS.decode(json.dumps(raw).encode())
        assert event.schema_version == 2
        assert event.payload.application.costs is None  # type: ignore[union-attr]


def test_v1_graph_messages_upcast_every_application_record() -> None:
    for name, field in (("graph.changed", "applications_upserted"),
                        ("graph.snapshot", "applications")):
        raw = json.loads((GOLDEN / "dependency.graph" / f"{name}.json").read_text())
        raw["schema_version"] = 1
        records = raw["payload"][field]
        raw["payload"][field] = [_as_v1(records[0], records[0]["costs"]),
                                 _as_v1(records[1], None)]
        event = GRAPH_EVENTS.decode(json.dumps(raw).encode())
        upcast = getattr(event.payload, field)
        assert upcast[0].yearly_cost == 141000.0
        assert upcast[1].costs is None
        assert upcast[1].specialises == ()  # a v1 record never carried structure


def test_unchanged_message_types_are_still_read_at_version_1() -> None:
    raw = json.loads((GOLDEN / "inventory.changes" / "integration.upsert.json").read_text())
    assert raw["schema_version"] == 1
    assert CHANGES.decode(raw).schema_version == 1


def test_an_application_naming_itself_as_its_parent_or_whole_is_rejected() -> None:
    raw = json.loads((GOLDEN / "inventory.changes" / "application.upsert.json").read_text())
    raw["payload"]["application"]["part_of"] = ["app-zaaksysteem"]
    with pytest.raises(ValidationError, match="'app-zaaksysteem' names itself in 'part_of'"):
        CHANGES.decode(raw)


def test_integration_to_itself_is_rejected_naming_the_application() -> None:
    raw = json.loads((GOLDEN / "inventory.changes" / "integration.upsert.json").read_text())
    raw["payload"]["integration"]["target"] = raw["payload"]["integration"]["source"]
    with pytest.raises(ValidationError, match="connects application 'app-brp' to itself"):
        CHANGES.decode(raw)


def test_negative_cost_names_the_field() -> None:
    raw = json.loads((GOLDEN / "inventory.changes" / "application.upsert.json").read_text())
    raw["payload"]["application"]["costs"]["licence"] = -5
    with pytest.raises(ValidationError) as info:
        CHANGES.decode(raw)
    fields = [e["field"] for e in describe_errors(info.value)]
    assert "payload.application.costs.licence" in fields[0]


def test_a_large_run_is_split_into_parts_that_fit_a_kafka_message() -> None:
    [published] = examples()["rationalizer.proposals"]
    assert isinstance(published, ProposalsPublished)
    proposal = published.payload.proposals[0]
    many = tuple(proposal.model_copy(update={"id": f"retire:app-{i}"}) for i in range(450))
    parts = split_run(
        landscape_id="gemeente-noord",
        run_id=published.payload.run_id,
        graph_version=7,
        proposals=many,
        total_yearly_saving=1.0,
    )
    assert [(p.payload.part, p.payload.parts, len(p.payload.proposals)) for p in parts] == [
        (1, 3, 200),
        (2, 3, 200),
        (3, 3, 50),
    ]
    assert [q.id for p in parts for q in p.payload.proposals] == [q.id for q in many]
    assert max(len(p.to_bytes()) for p in parts) < 1_000_000
    [empty] = split_run(
        landscape_id="gemeente-noord",
        run_id=published.payload.run_id,
        graph_version=7,
        proposals=(),
        total_yearly_saving=0.0,
        empty_reason="no applications",
    )
    assert (empty.payload.parts, empty.payload.empty_reason) == (1, "no applications")


def test_parts_encoded_from_the_stored_bodies_are_the_parts_own_json() -> None:
    [published] = examples()["rationalizer.proposals"]
    assert isinstance(published, ProposalsPublished)
    proposal = published.payload.proposals[0]
    many = tuple(
        proposal.model_copy(update={"id": f"retire:app-{i}", "summary": f'say "{i}"'})
        for i in range(450)
    )
    for proposals in (many, ()):
        parts = split_run(
            landscape_id="gemeente-noord",
            run_id=published.payload.run_id,
            graph_version=7,
            proposals=proposals,
            total_yearly_saving=1.0,
            empty_reason='no "notes":[] here' if not proposals else None,
            notes=(
                RuleFired(rule="structure", message='x"notes":[]', facts={"proposals": "[]"}),
                *published.payload.notes,
            ),
        )
        bodies = [p.model_dump_json().encode() for p in proposals]
        assert encode_parts(parts, bodies) == [p.to_bytes() for p in parts]
    with pytest.raises(ValueError, match="one body per proposal"):
        encode_parts(parts, [b"{}"])


def test_facts_of_a_record_that_says_nothing_new_are_as_version_1_wrote_them() -> None:
    # the rationalizer's facts hash (stored with every decision) must survive the upgrade
    record = ApplicationRecord(id="a", name="A")
    v1_json = {"id": "a", "version": None, "costs": {"licence": 0.0, "hosting": 0.0,
                                                     "support": 0.0, "staff": 0.0}}
    facts = facts_as_in_v1(record, exclude={"name"})
    assert {k: facts[k] for k in v1_json} == v1_json
    assert not {"owned", "specialises", "part_of", "kind"} & set(facts)
    external = record.model_copy(update={"owned": False, "part_of": ("b",)})
    assert facts_as_in_v1(external, exclude={"name"})["owned"] is False
    assert facts_as_in_v1(external, exclude={"name"})["part_of"] == ["b"]


@pytest.mark.parametrize("as_bytes", [False, True], ids=["dict", "bytes"])
def test_version_1_proposals_are_upcast_with_their_savings_kept_and_no_missing_inputs(
    as_bytes: bool,
) -> None:
    path = GOLDEN / "rationalizer.proposals" / "proposals.published.v1.json"
    old = json.loads(path.read_text())
    assert old["schema_version"] == 1
    decoded = PROPOSAL_EVENTS.decode(path.read_bytes() if as_bytes else old)
    assert decoded.schema_version == 2
    assert PROPOSAL_EVENTS.current_version("proposals.published") == 2
    batch = decoded.payload
    assert batch.unknown_saving_count == 0
    assert batch.notes == ()
    assert batch.total_yearly_saving == old["payload"]["total_yearly_saving"]
    for proposal, was in zip(batch.proposals, old["payload"]["proposals"], strict=True):
        assert proposal.missing_inputs == ()
        assert proposal.data_needed_from == ()
        # the values version 1 published stay what they were (a 0 is not made unknown)
        assert proposal.yearly_saving == was["yearly_saving"]
        assert proposal.payback_months == was["payback_months"]
        assert proposal.status.value == was["status"]
