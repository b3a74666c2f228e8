"""Decommission waves: retire consumers before their suppliers, by topological order over
the condensation of the graph restricted to the applications that go; a cycle is one unit."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class PlannedWaves:
    """A wave plan with everything it was planned from: the applications that go, the
    integrations between them and their proposals. The same inputs give the same plan."""

    members: tuple[str, ...]
    links: frozenset[tuple[str, str]]  # supplier -> consumer, both leaving
    proposal_of: Mapping[str, str]
    plan: WavePlan


def plan_waves(
    landscape: Landscape, leaving: Collection[str], proposal_of: Mapping[str, str] | None = None
) -> WavePlan:
    """Wave 1 holds the units none of whose consumers (within ``leaving``) remain; each
    later wave only units whose consumers went in earlier waves."""
    return planned_waves(landscape, leaving, proposal_of).plan


def planned_waves(
    landscape: Landscape,
    leaving: Collection[str],
    proposal_of: Mapping[str, str] | None = None,
    before: PlannedWaves | None = None,
    changed: AbstractSet[str] | None = None,
) -> PlannedWaves:
    """``plan_waves`` with its inputs; ``before`` (a previous plan) is re-used when they
    are the same, and otherwise its units and waves where they come out the same.
    ``changed``: the applications whose integrations changed since the landscape ``before``
    was planned on, when known; then only their links are looked up again."""
    chosen = set(leaving) & landscape.applications.keys()
    if before is not None and changed is not None:
        members, links = _links_after(landscape, chosen, before, changed)
    else:
        members = tuple(sorted(chosen))
        links = frozenset(
            (supplier, integration.target)
            for supplier in members
            for integration in landscape.outgoing(supplier)
            if integration.target in chosen and integration.target != supplier
        )
    proposal_of = proposal_of or {}
    theirs = {a: proposal_of[a] for a in members if a in proposal_of}
    if (
        before is not None
        and before.members == members
        and before.links == links
        and before.proposal_of == theirs
    ):
        return before
    plan = _plan(members, links, theirs, before.plan if before is not None else WavePlan())
    return PlannedWaves(members, links, theirs, plan)


def _links_after(
    landscape: Landscape, chosen: set[str], before: PlannedWaves, changed: AbstractSet[str]
) -> tuple[tuple[str, ...], frozenset[tuple[str, str]]]:
    """The members and links ``planned_waves`` finds, from ``before``'s: a link between two
    applications that stay chosen is still there unless its supplier's integrations changed;
    the links of new members and of changed suppliers are looked up."""
    known = set(before.members)
    if known == chosen:
        members, new = before.members, set()
    else:
        members, new = tuple(sorted(chosen)), chosen - known
    gone = known - chosen
    links = {
        (s, t) for s, t in before.links if s not in changed and s not in gone and t not in gone
    }
    for supplier in (changed & chosen) | new:
        links.update(
            (supplier, i.target)
            for i in landscape.outgoing(supplier)
            if i.target in chosen and i.target != supplier
        )
    for consumer in new:
        links.update(
            (i.source, consumer)
            for i in landscape.incoming(consumer)
            if i.source in chosen and i.source != consumer
        )
    return members, frozenset(links)


def _plan(
    members: tuple[str, ...],
    links: frozenset[tuple[str, str]],
    proposal_of: Mapping[str, str],
    before: WavePlan,
) -> WavePlan:
    if not members:
        return WavePlan()
    # Units and waves equal to the previous plan's are taken from it: building thousands of
    # validated models was most of the planning.
    known_units = {
        (u.applications, u.proposal_ids, u.cycle): u for w in before.waves for u in w.units
    }
    known_waves = {(w.number, w.units): w for w in before.waves}
    sub = nx.DiGraph()
    sub.add_nodes_from(members)
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
            unit = known_units.get((apps, ids, is_cycle))
            if unit is None:
                unit = WaveUnit(applications=apps, proposal_ids=ids, cycle=is_cycle)
            units.append(unit)
            for upstream in suppliers[component]:
                remaining[upstream] -= 1
                if remaining[upstream] == 0:
                    following.append(upstream)
        ordered = tuple(sorted(units, key=lambda u: u.applications))
        wave = known_waves.get((number, ordered))
        waves.append(wave if wave is not None else Wave(number=number, units=ordered))
        generation = following
    return WavePlan(waves=tuple(waves), cycles=tuple(sorted(cycles)))
