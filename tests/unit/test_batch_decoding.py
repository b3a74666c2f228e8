"""A consumer decodes its batch in one validation pass; what it accepts and rejects, and why,
is exactly what decoding its records one by one gives, for any mix of valid, old-version,
newer-version, malformed and wrongly keyed records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aiokafka.structs import ConsumerRecord
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from snoei.dependency import handlers as dependency
from snoei.inventory import handlers as inventory
from snoei.rationalizer.handlers import decode_records
from snoei.shared.contracts.changes import CHANGES
from snoei.shared.contracts.graph import GRAPH_EVENTS
from snoei.shared.contracts.inventory_events import INVENTORY_EVENTS
from snoei.shared.contracts.runs import RUN_COMMANDS
from snoei.shared.envelope import EnvelopeCodec, UnsupportedSchemaVersion, describe_errors
from snoei.shared.kafka import Rejections, key_problem

pytestmark = pytest.mark.unit
GOLDEN = Path(__file__).resolve().parents[2] / "shared" / "golden"
LANDSCAPE = "gemeente-noord"  # every golden message's landscape
# Fields a missing value of which is generated afresh on every decoding: left in place, so
# one-by-one and batch decodings of the same bytes can be compared.
GENERATED = {"event_id", "occurred_at", "change_id", "run_id"}
JUNK: list[Any] = [None, 0, -1, 1.5, True, "", "x", "\x00", [], {}, [1], {"a": 1}, 10**30]
NOT_OBJECTS = [b"", b"[]", b"1", b'"s"', b"null", b"true", b"{", b"\xff\xfe", b"{} {}"]
# Spliced into one JSON array these three would read as three valid-looking elements that
# belong to the wrong records: each value must be parsed on its own.
SPLICE = [b'{"x":1,"}', b'{":2}', b"{},{}"]


def _golden(topic: str) -> list[dict[str, Any]]:
    return [json.loads(p.read_bytes()) for p in sorted((GOLDEN / topic).glob("*.json"))]


class RecordedRejections(Rejections):
    """Rejections that also keep each reason, to compare two decodings of the same records."""

    def __init__(self) -> None:
        super().__init__()
        self.reasons: list[tuple[int, str]] = []

    def reject(self, record: Any, reason: str) -> None:
        self.reasons.append((record.offset, reason))
        super().reject(record, reason)


@st.composite
def _message(draw: st.DrawFn, pool: list[dict[str, Any]]) -> bytes | None:
    raw: dict[str, Any] = json.loads(json.dumps(draw(st.sampled_from(pool))))
    mutation = draw(
        st.sampled_from(
            ["as-is", "version", "drop", "junk", "payload-junk", "payload-drop", "extra",
             "landscape", "nul", "bytes", "truncate", "spaced", "none"]
        )
    )
    payload = raw["payload"]
    if mutation == "version":
        version = draw(st.sampled_from([None, 0, 1, 2, 3, 99, "2", True, 1.0, "missing"]))
        if version == "missing":
            del raw["schema_version"]
        else:
            raw["schema_version"] = version
    elif mutation == "drop":
        raw.pop(draw(st.sampled_from(sorted(set(raw) - GENERATED))))
    elif mutation == "junk":
        raw[draw(st.sampled_from(sorted(raw)))] = draw(st.sampled_from(JUNK))
    elif mutation in ("payload-junk", "payload-drop") and payload:
        field = draw(st.sampled_from(sorted(set(payload) - GENERATED) or sorted(payload)))
        if mutation == "payload-drop":
            payload.pop(field)
        else:
            payload[field] = draw(st.sampled_from(JUNK))
    elif mutation == "extra":
        target = draw(st.sampled_from([raw, payload]))
        target[draw(st.sampled_from(["unknown", "type", "payload"]))] = draw(st.sampled_from(JUNK))
    elif mutation == "landscape":
        raw["landscape_id"] = draw(st.sampled_from(["other", "", "bad id", "x" * 200]))
    elif mutation == "nul":
        payload[draw(st.sampled_from(sorted(payload)))] = "a\x00b"
    elif mutation == "bytes":
        return draw(st.sampled_from(NOT_OBJECTS + SPLICE))
    elif mutation == "none":
        return None
    text = json.dumps(raw).encode()
    if mutation == "truncate":
        return text[: draw(st.integers(0, len(text) - 1))]
    if mutation == "spaced":
        return b" \n" + json.dumps(raw, indent=2).encode() + b"\t "
    return text


def _records(topic: str, pool: list[dict[str, Any]]) -> st.SearchStrategy[list[ConsumerRecord]]:
    keys = st.sampled_from([LANDSCAPE.encode(), None, b"", b"other", b"\xff"])
    pairs = st.lists(st.tuples(keys, _message(pool)), max_size=12)
    return pairs.map(
        lambda items: [
            ConsumerRecord(topic, 0, offset, 0, 0, key, value, None, 0, len(value or b""), ())
            for offset, (key, value) in enumerate(items)
        ]
    )


def _one_by_one(codec: EnvelopeCodec[Any], value: bytes) -> Any:
    """What ``decode`` gives: the message, or the described failure."""
    try:
        return codec.decode(value)
    except (ValidationError, UnsupportedSchemaVersion) as exc:
        return (type(exc), describe_errors(exc))


FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
CODECS = [
    (INVENTORY_EVENTS, "inventory.events"), (CHANGES, "inventory.changes"),
    (GRAPH_EVENTS, "dependency.graph"), (RUN_COMMANDS, "rationalizer.runs"),
]


@pytest.mark.parametrize(("codec", "topic"), CODECS, ids=[t for _, t in CODECS])
def test_a_batch_decodes_to_exactly_what_its_messages_decode_to_one_by_one(
    codec: EnvelopeCodec[Any], topic: str
) -> None:
    @FUZZ
    @given(_records(topic, _golden(topic)))
    def check(records: list[ConsumerRecord]) -> None:
        values = [r.value or b"" for r in records]
        at_once = codec.decode_at_once(values)
        for value, decoded in zip(values, at_once, strict=True):
            single = _one_by_one(codec, value)
            batch = single if decoded is None else decoded
            assert type(batch) is type(single)
            assert batch == single

    check()


@FUZZ
@given(_records("inventory.events", _golden("inventory.events")))
def test_the_dependency_consumer_accepts_and_rejects_a_batch_as_record_by_record(
    records: list[ConsumerRecord],
) -> None:
    one, batch = RecordedRejections(), RecordedRejections()
    expected = [e for e in (dependency.decode(r, one) for r in records) if e is not None]
    assert dependency.decode_batch(records, batch) == expected
    assert batch.reasons == one.reasons
    assert batch.counts == one.counts


@FUZZ
@given(_records("inventory.changes", _golden("inventory.changes")))
def test_the_inventory_accepts_and_rejects_a_batch_as_record_by_record(
    records: list[ConsumerRecord],
) -> None:
    # An InvalidChange compares by its reason and field errors: what the DLQ record carries.
    assert inventory.decode_batch(records) == [inventory.decode(r) for r in records]


@FUZZ
@given(_records("dependency.graph", _golden("dependency.graph")))
def test_the_rationalizer_accepts_and_rejects_a_batch_as_record_by_record(
    records: list[ConsumerRecord],
) -> None:
    expected, expected_reasons = [], []
    for record in records:  # the consumer as it was: one record at a time
        message = _one_by_one(GRAPH_EVENTS, record.value or b"")
        if isinstance(message, tuple):
            errors = message[1]
            expected_reasons.append((record.offset, f"{errors[0]['field']}: "
                                                   f"{errors[0]['message']}"))
            continue
        problem = key_problem(record.key, message.landscape_id)
        if problem is not None:
            expected_reasons.append((record.offset, problem))
            continue
        expected.append((record, message))
    rejections = RecordedRejections()
    assert decode_records(records, GRAPH_EVENTS, rejections) == expected
    assert rejections.reasons == expected_reasons


def test_a_valid_batch_is_read_in_one_pass_and_older_versions_are_left_to_upcasting() -> None:
    values = {p.stem: p.read_bytes() for p in (GOLDEN / "inventory.events").glob("*.json")}
    names = sorted(values)
    at_once = INVENTORY_EVENTS.decode_at_once([values[n] for n in names])
    left = {name for name, event in zip(names, at_once, strict=True) if event is None}
    assert left == {n for n in names if n.endswith(".v1")}
    for name in left:
        assert INVENTORY_EVENTS.decode(values[name]).schema_version == 2


def test_values_are_never_spliced_into_each_others_messages() -> None:
    valid = (GOLDEN / "rationalizer.runs" / "run.requested.json").read_bytes()
    at_once = RUN_COMMANDS.decode_at_once([valid, *SPLICE, valid])
    assert [m is not None for m in at_once] == [True, False, False, False, True]
    assert at_once[0] == at_once[4] == RUN_COMMANDS.decode(valid)
