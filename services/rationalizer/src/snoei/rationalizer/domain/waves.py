"""Decommission waves: retire consumers before their suppliers, by topological order over
the condensation of the graph restricted to the applications that go; a cycle is one unit."""

from __future__ import annotations

from collections.abc import Collection, Mapping

import networkx as nx
from pydantic import BaseModel, ConfigDict, Field

from snoei.rationalizer.domain.landscape import Landscape


class WaveUnit(BaseModel):
    model_config = ConfigDict(frozen=True)

    applications: tuple[str, ...] = Field(description="Applications retired together.")
    proposal_ids: tuple[str, ...] = Field(default=(), description="Proposals they come from.")
    cycle: bool = Field(description="True when they feed each other in a cycle.")


class Wave(BaseModel):
    model_config = ConfigDict(frozen=True)

    number: int = Field(ge=1, description="1 goes first.")
    units: tuple[WaveUnit, ...]


class WavePlan(BaseModel):
    model_config = ConfigDict(frozen=True)

    waves: tuple[Wave, ...] = ()
    cycles: tuple[tuple[str, ...], ...] = Field(
        default=(), description="Groups that depend on each other and must go as one unit."
    )


def plan_waves(
    landscape: Landscape, leaving: Collection[str], proposal_of: Mapping[str, str] | None = None
) -> WavePlan:
    """Wave 1 holds the units none of whose consumers (within ``leaving``) remain; each
    later wave only units whose consumers went in earlier waves."""
    members = sorted(set(leaving) & set(landscape.applications))
    if not members:
        return WavePlan()
    chosen = set(members)
    sub = nx.DiGraph()
    sub.add_nodes_from(members)
    links: set[tuple[str, str]] = set()  # supplier -> consumer, both leaving
    for supplier in members:
        for integration in landscape.outgoing(supplier):
            if integration.target in chosen and integration.target != supplier:
                links.add((supplier, integration.target))
    sub.add_edges_from(links)
    # The condensation and its generations are walked with plain dicts: networkx's graph
    # views (condensation, reverse, in_degree) refer back to their graph, and such cycles
    # are only freed by the cyclic collector, which the service keeps off its large heap.
    components = [tuple(sorted(c)) for c in nx.strongly_connected_components(sub)]
    component_of = {app: number for number, apps in enumerate(components) for app in apps}
    consumers: list[set[int]] = [set() for _ in components]
    suppliers: list[set[int]] = [set() for _ in components]
    for supplier, consumer in links:
        a, b = component_of[supplier], component_of[consumer]
        if a != b:
            consumers[a].add(b)
            suppliers[b].add(a)
    # Consumers go first: a unit is ready once none of its consumers remain.
    remaining = [len(c) for c in consumers]
    generation = [n for n, count in enumerate(remaining) if count == 0]
    proposal_of = proposal_of or {}
    waves: list[Wave] = []
    cycles: list[tuple[str, ...]] = []
    number = 0
    while generation:
        number += 1
        units = []
        following: list[int] = []
        for component in generation:
            apps = components[component]
            is_cycle = len(apps) > 1
            if is_cycle:
                cycles.append(apps)
            ids = tuple(sorted({proposal_of[a] for a in apps if a in proposal_of}))
            units.append(WaveUnit(applications=apps, proposal_ids=ids, cycle=is_cycle))
            for upstream in suppliers[component]:
                remaining[upstream] -= 1
                if remaining[upstream] == 0:
                    following.append(upstream)
        waves.append(Wave(number=number, units=tuple(sorted(units, key=lambda u: u.applications))))
        generation = following
    return WavePlan(waves=tuple(waves), cycles=tuple(sorted(cycles)))
