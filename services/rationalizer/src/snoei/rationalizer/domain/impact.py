"""What retiring applications breaks: lost data flows downstream, and capabilities left
without any application."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from snoei.rationalizer.domain.landscape import Landscape
from snoei.shared.contracts.proposals import LostFlow

CRITICALITY_WEIGHT = {"low": 0.1, "medium": 0.3, "high": 0.6, "critical": 0.9}
_FLOW_FIELDS = frozenset(LostFlow.model_fields)


def _lost_flow(values: dict[str, Any]) -> LostFlow:
    """A ``LostFlow`` from values taken from validated records, without validating them
    again (tens of thousands per run; ``model_construct`` is slower than validation)."""
    assert values.keys() == _FLOW_FIELDS
    flow = LostFlow.__new__(LostFlow)
    object.__setattr__(flow, "__dict__", values)
    object.__setattr__(flow, "__pydantic_fields_set__", set(_FLOW_FIELDS))
    object.__setattr__(flow, "__pydantic_extra__", None)
    object.__setattr__(flow, "__pydantic_private__", None)
    return flow


def blast_radius(
    landscape: Landscape, removed: Collection[str], depth: int, reads: set[str] | None = None
) -> list[LostFlow]:
    """Flows out of ``removed`` to the applications that stay (depth 1), then the flows
    those consumers feed onwards (depth 2 and further), each application visited once.
    ``reads``, when given, collects the applications whose outgoing integrations were read:
    the result depends on nothing else."""
    gone = set(removed)
    flows: list[LostFlow] = []
    reached: set[str] = set(gone)
    frontier = sorted(gone)
    for level in range(1, depth + 1):
        following: list[str] = []
        if reads is not None:
            reads.update(frontier)
        for supplier in frontier:
            for integration in landscape.outgoing(supplier):
                consumer = integration.target
                if consumer in gone:
                    continue
                if level > 1 and consumer in reached:
                    continue
                flows.append(
                    _lost_flow(
                        {
                            "integration_id": integration.id,
                            "consumer": consumer,
                            "supplier": supplier,
                            "data_objects": integration.data_objects,
                            "criticality": integration.criticality.value,
                            "depth": level,
                        }
                    )
                )
                if consumer not in reached:
                    following.append(consumer)
        reached.update(following)
        frontier = sorted(set(following))
        if not frontier:
            break
    return flows


def uncovered_capabilities(
    landscape: Landscape, removed: Collection[str], allowed: Iterable[str] = ()
) -> list[str]:
    """Capabilities realised by ``removed`` that no remaining live application realises."""
    gone = set(removed)
    allow = set(allowed)
    concerned = {
        capability for app_id in gone for capability in landscape.applications[app_id].capabilities
    }
    return sorted(
        capability
        for capability in concerned
        if capability not in allow and not (landscape.realisers.get(capability, set()) - gone)
    )
