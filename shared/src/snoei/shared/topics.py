"""Kafka topic names, optionally prefixed so several stacks or tests can share one broker."""

from __future__ import annotations

from dataclasses import dataclass

INVENTORY_CHANGES = "inventory.changes"
INVENTORY_CHANGES_DLQ = "inventory.changes.dlq"
INVENTORY_EVENTS = "inventory.events"
DEPENDENCY_GRAPH = "dependency.graph"
RATIONALIZER_RUNS = "rationalizer.runs"
RATIONALIZER_PROPOSALS = "rationalizer.proposals"

ALL_TOPICS = (
    INVENTORY_CHANGES,
    INVENTORY_CHANGES_DLQ,
    INVENTORY_EVENTS,
    DEPENDENCY_GRAPH,
    RATIONALIZER_RUNS,
    RATIONALIZER_PROPOSALS,
)


@dataclass(frozen=True, slots=True)
class Topics:
    """The concrete topic names of one deployment (``prefix`` is empty in production)."""

    prefix: str = ""

    def name(self, topic: str) -> str:
        return f"{self.prefix}{topic}"

    @property
    def inventory_changes(self) -> str:
        return self.name(INVENTORY_CHANGES)

    @property
    def inventory_changes_dlq(self) -> str:
        return self.name(INVENTORY_CHANGES_DLQ)

    @property
    def inventory_events(self) -> str:
        return self.name(INVENTORY_EVENTS)

    @property
    def dependency_graph(self) -> str:
        return self.name(DEPENDENCY_GRAPH)

    @property
    def rationalizer_runs(self) -> str:
        return self.name(RATIONALIZER_RUNS)

    @property
    def rationalizer_proposals(self) -> str:
        return self.name(RATIONALIZER_PROPOSALS)

    def all(self) -> tuple[str, ...]:
        return tuple(self.name(t) for t in ALL_TOPICS)
