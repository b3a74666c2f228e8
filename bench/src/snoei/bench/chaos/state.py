"""A run's end state, read once it converged, and how two end states differ."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from snoei.bench.chaos.observe import Probe, connection, topic_partitions
from snoei.shared.settings import KafkaSettings

Row = tuple[Any, ...]
EXAMPLES = 3  # differences named per part; the rest are counted


@dataclass
class EndState:
    """Everything the comparison looks at, keyed so that two runs line up."""

    items: dict[Row, Row] = field(default_factory=dict)
    history: dict[Row, Row] = field(default_factory=dict)
    events: dict[Row, Row] = field(default_factory=dict)
    nodes: dict[Row, Row] = field(default_factory=dict)
    edges: dict[Row, Row] = field(default_factory=dict)
    proposals: dict[Row, Row] = field(default_factory=dict)
    decisions: dict[Row, Row] = field(default_factory=dict)
    topics: dict[Row, Row] = field(default_factory=dict)
    processed: set[str] = field(default_factory=set)
    applied_twice: int = 0
    last_sequence: int = 0

    def parts(self) -> dict[str, dict[Row, Row]]:
        return {
            "inventory items": self.items,
            "inventory history": self.history,
            "inventory events": self.events,
            "graph nodes": self.nodes,
            "graph edges": self.edges,
            "latest proposals": self.proposals,
            "decisions": self.decisions,
            "topic partitions": self.topics,
        }


def _json(value: Any) -> str:
    if isinstance(value, str):  # jsonb arrives as text
        value = json.loads(value)
    return json.dumps(value, sort_keys=True)


async def _inventory(probe: Probe, state: EndState) -> None:
    async with connection(probe.dsn) as conn:
        land = probe.landscape_id
        for r in await conn.fetch("SELECT kind, id, version, data FROM inventory.items "
                                  "WHERE landscape_id = $1", land):
            state.items[(r["kind"], r["id"])] = (r["version"], _json(r["data"]))
        history = await conn.fetch(
            "SELECT kind, id, version, data, change_id, source, sequence "
            "FROM inventory.item_history WHERE landscape_id = $1", land)
        for r in history:
            data = None if r["data"] is None else _json(r["data"])
            state.history[(r["kind"], r["id"], r["version"])] = (
                data, str(r["change_id"]), r["source"], r["sequence"])
        for r in await conn.fetch("SELECT sequence, type FROM inventory.events "
                                  "WHERE landscape_id = $1", land):
            state.events[(r["sequence"],)] = (r["type"],)
        state.last_sequence = int(await conn.fetchval(
            "SELECT last_sequence FROM inventory.landscapes WHERE landscape_id = $1", land) or 0)
    # One change, one version: a change id in two versions was applied twice.
    uses = Counter(row[1] for row in state.history.values())
    state.applied_twice = sum(n - 1 for n in uses.values() if n > 1)
    state.processed = await probe.processed_ids()


async def capture(probe: Probe, kafka: KafkaSettings) -> EndState:
    state = EndState()
    await _inventory(probe, state)
    state.topics = {(t,): (n,) for t, n in (await topic_partitions(kafka)).items()}
    graph = await probe.get("dependency", "export", format="json")
    if graph is not None:
        for node in graph["nodes"]:
            state.nodes[(node["id"],)] = (_json(node),)
        for edge in graph["edges"]:
            state.edges[(edge["key"],)] = (_json(edge),)
    listed = await probe.get("rationalizer", "proposals")
    for p in listed["proposals"] if listed else []:
        state.proposals[(p["id"],)] = (p["action"], p["facts_hash"], p["status"])
    for d in await probe.get("rationalizer", "decisions") or []:
        state.decisions[(d["proposal_id"],)] = (d["verdict"], d["reason"], d["facts_hash"])
    return state


def ranges(numbers: list[int], limit: int = 10) -> list[str]:
    """``[1, 2, 3, 7]`` as ``["1-3", "7"]``, the first ``limit`` ranges."""
    out: list[str] = []
    for n in sorted(numbers):
        if out and out[-1].split("-")[-1] == str(n - 1):
            out[-1] = f"{out[-1].split('-')[0]}-{n}"
        else:
            out.append(str(n))
    return out[:limit]


FIELDS = {  # what each part's values are, to name the one that differs
    "inventory items": ("version", "data"),
    "inventory history": ("data", "change_id", "source", "sequence"),
    "inventory events": ("type",),
    "graph nodes": ("record",),
    "graph edges": ("record",),
    "latest proposals": ("action", "facts_hash", "status"),
    "decisions": ("verdict", "reason", "facts_hash"),
    "topic partitions": ("partitions",),
}


def _describe(part: str, key: Row, want: Row | None, got: Row | None) -> str:
    name = "/".join(str(k) for k in key)
    if want is None:
        return f"{name} only after faults"
    if got is None:
        return f"{name} missing after faults"
    if len(repr(want)) + len(repr(got)) < 80:
        return f"{name} {', '.join(map(str, want))} vs {', '.join(map(str, got))} after faults"
    names = FIELDS[part]
    fields = [names[i] for i, (a, b) in enumerate(zip(want, got, strict=True)) if a != b]
    return f"{name} differs in {', '.join(fields)}"


def differences(reference: EndState, chaos: EndState) -> list[str]:
    """One line per part that differs: how many keys, and the first few named."""
    diverged: list[str] = []
    for part, want in reference.parts().items():
        got = chaos.parts()[part]
        keys = sorted((k for k in want.keys() | got.keys() if want.get(k) != got.get(k)),
                      key=str)
        if not keys:
            continue
        named = "; ".join(_describe(part, k, want.get(k), got.get(k)) for k in keys[:EXAMPLES])
        more = f" (+{len(keys) - EXAMPLES} more)" if len(keys) > EXAMPLES else ""
        diverged.append(f"{part}: {len(keys)} differ: {named}{more}")
    if not reference.proposals:
        diverged.append("latest proposals: the reference run has none to compare")
    return diverged
