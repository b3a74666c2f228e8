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
    sub = nx.DiGraph()
    sub.add_nodes_from(members)
    chosen = set(members)
    for supplier in members:
        for integration in landscape.outgoing(supplier):
            if integration.target in chosen:
                sub.add_edge(supplier, integration.target)
    condensed = nx.condensation(sub)
    # Edges run supplier -> consumer; reversing puts consumers first.
    order = list(nx.topological_generations(condensed.reverse(copy=False)))
    proposal_of = proposal_of or {}
    waves: list[Wave] = []
    cycles: list[tuple[str, ...]] = []
    for number, generation in enumerate(order, start=1):
        units = []
        for component in generation:
            apps = tuple(sorted(condensed.nodes[component]["members"]))
            is_cycle = len(apps) > 1
            if is_cycle:
                cycles.append(apps)
            ids = tuple(sorted({proposal_of[a] for a in apps if a in proposal_of}))
            units.append(WaveUnit(applications=apps, proposal_ids=ids, cycle=is_cycle))
        waves.append(Wave(number=number, units=tuple(sorted(units, key=lambda u: u.applications))))
    return WavePlan(waves=tuple(waves), cycles=tuple(sorted(cycles)))
