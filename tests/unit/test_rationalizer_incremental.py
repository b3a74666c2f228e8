"""Incremental re-evaluation (``EngineMemo``) gives exactly what a full evaluation gives,
over chains of random deltas applied to generated landscapes."""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date
from typing import Any

import pytest

from snoei.rationalizer.adapters.endoflife import packaged_catalogue
from snoei.rationalizer.domain.engine import (
    Decision,
    EngineMemo,
    Evaluation,
    Verdict,
    rationalise,
)
from snoei.rationalizer.domain.graph_replica import GraphReplica
from snoei.rationalizer.domain.landscape import Landscape
from snoei.rationalizer.domain.rulebook import RETIRE, RULE_NAMES, RulesConfig, SurvivorWeights
from snoei.rationalizer.domain.waves import PlannedWaves, planned_waves
from snoei.samples import generate_municipality, generate_scale
from snoei.shared.contracts.graph import GraphDelta
from snoei.shared.contracts.landscape import (
    ApplicationRecord,
    CapabilityRecord,
    Criticality,
    ElementKind,
    IntegrationRecord,
    Lifecycle,
)
from snoei.shared.contracts.proposals import Action

TODAY = date(2026, 11, 23)
CATALOGUE = packaged_catalogue()
CONFIGS = (
    RulesConfig(),
    RulesConfig(overlap_threshold=0.5, overlap_min_evidence=0.5),
    RulesConfig(blast_radius_depth=1, unused_max_users=10),
    RulesConfig(survivor_weights=SurvivorWeights(fitness=0.1, value=0.1, cost=1, dependents=1)),
    RulesConfig(enabled_rules=tuple(r for r in RULE_NAMES if r != RETIRE)),
    RulesConfig(value_threshold=2.0, fitness_threshold=4.0, max_replacement_candidates=1),
)
# Nearly everything scores low and retires: the coverage check blocks a tenth of the proposals.
COVERAGE_BITES = RulesConfig(value_threshold=5.0, fitness_threshold=5.0, unused_max_users=10_000)


def _state(
    sample: Any,
) -> tuple[
    dict[str, ApplicationRecord], dict[str, IntegrationRecord], dict[str, CapabilityRecord]
]:
    return (
        {a.id: a for a in sample.applications},
        {i.id: i for i in sample.integrations},
        {c.id: c for c in sample.capabilities},
    )


def _mutate(
    rng: random.Random,
    apps: dict[str, ApplicationRecord],
    integrations: dict[str, IntegrationRecord],
    capabilities: dict[str, CapabilityRecord],
    counter: list[int],
    near: Mapping[str, list[str]],
    duplicates: list[tuple[str, str]],
) -> None:
    """One random delta: a few upserts and removals of applications, integrations and
    capabilities; mostly of or next to the applications in ``near`` (those the proposals of
    each action name, as rare actions are as likely as common ones), where a stale re-use
    would show."""

    def pick() -> str:
        live = [a for a in near[rng.choice(sorted(near))] if a in apps] if near else []
        return rng.choice(live if live and rng.random() < 0.7 else sorted(apps))

    def pick_pair() -> list[str]:
        live = [a for a in near[rng.choice(sorted(near))] if a in apps] if near else []
        return rng.sample(live if len(live) > 1 and rng.random() < 0.7 else sorted(apps), 2)

    def pick_integration() -> str:
        app_id = pick()
        touching = [k for k, i in integrations.items() if app_id in (i.source, i.target)]
        return rng.choice(sorted(touching or integrations))

    if duplicates and rng.random() < 0.25:  # only the survey scores of a duplicate change
        app = apps[rng.choice(rng.choice(duplicates))]
        apps[app.id] = app.model_copy(
            update={
                "business_value": rng.choice([None, 1, 2, 3, 4, 5]),
                "technical_fitness": rng.choice([None, 1, 2, 4, 5]),
            }
        )
        return
    for _ in range(rng.choice([1, 1, 1, 2, 3, 4])):  # mostly one change, as in use
        kind = rng.randrange(12)
        ids = sorted(apps)
        if kind == 8:  # a name, which proposals, notes and summaries show
            app = apps[pick()]
            counter[0] += 1
            apps[app.id] = app.model_copy(update={"name": f"{app.name} {counter[0]}"})
        elif kind == 9:  # a capability renamed
            capability = capabilities[rng.choice(sorted(capabilities))]
            counter[0] += 1
            capabilities[capability.id] = capability.model_copy(
                update={"name": f"{capability.name} {counter[0]}"}
            )
        elif kind == 0:  # lifecycle / users / scores of an application
            app = apps[pick()]
            apps[app.id] = app.model_copy(
                update={
                    "lifecycle": rng.choice([app.lifecycle, *Lifecycle]),
                    "users": rng.choice([None, 0, 3, 500]),
                    "business_value": rng.choice([None, 1, 2, 3, 4, 5]),
                    "technical_fitness": rng.choice([None, 1, 2, 4, 5]),
                }
            )
        elif kind == 1:  # capabilities of an application
            app = apps[pick()]
            other = apps[pick()]
            apps[app.id] = app.model_copy(update={"capabilities": other.capabilities})
        elif kind == 2 and integrations:  # an integration goes
            del integrations[pick_integration()]
        elif kind == 3:  # a new integration
            source, target = pick_pair()
            counter[0] += 1
            new = IntegrationRecord(
                id=f"inc-{counter[0]}",
                source=source,
                target=target,
                data_objects=("x",),
                criticality=rng.choice(list(Criticality)),
            )
            integrations[new.id] = new
        elif kind == 4 and integrations:  # an integration changes, or turns around
            integration = integrations[pick_integration()]
            turned = {"source": integration.target, "target": integration.source}
            integrations[integration.id] = integration.model_copy(
                update={
                    "criticality": rng.choice(list(Criticality)),
                    "data_objects": ("y",),
                    **(turned if rng.random() < 0.3 else {}),
                }
            )
        elif kind in (10, 11) and duplicates:  # one of two duplicates is part of the other
            first, second = rng.choice(duplicates)
            if first in apps and second in apps:  # neither went earlier in this delta
                apps[first] = apps[first].model_copy(update={"part_of": (second,)})
        elif kind == 7:  # ownership, kind, known or unknown costs, structure (v2 facts)
            app = apps[pick()]
            # mostly related to an application it overlaps with, where structure matters
            sharing = [
                i for i in ids if i != app.id and set(apps[i].capabilities) & set(app.capabilities)
            ]
            others = sharing if sharing and rng.random() < 0.7 else [i for i in ids if i != app.id]
            related = (rng.choice(others),) if others and rng.random() < 0.5 else ()
            structure: dict[str, Any] = {
                "specialises": related if rng.random() < 0.5 else (),
                "part_of": related if rng.random() < 0.5 else (),
            }
            if rng.random() < 0.5:  # else only the structure changes
                structure.update(
                    owned=rng.random() < 0.8,
                    kind=rng.choice(list(ElementKind)),
                    costs=rng.choice([None, app.costs]),
                )
            apps[app.id] = app.model_copy(update=structure)
        elif kind == 5 and len(apps) > 5:  # an application goes (its integrations dangle)
            del apps[pick()]
        else:  # a new application copying another's record
            template = apps[pick()]
            counter[0] += 1
            new_app = template.model_copy(update={"id": f"app-inc-{counter[0]}"})
            apps[new_app.id] = new_app


def _dump(evaluation: Evaluation) -> tuple[Any, ...]:
    """Everything an evaluation gives, as JSON would carry it."""
    return (
        [p.model_dump(mode="json") for p in evaluation.proposals],
        dict(evaluation.quadrants),
        evaluation.waves.model_dump(mode="json"),
        evaluation.empty_reason,
        [n.model_dump(mode="json") for n in evaluation.notes],
        evaluation.unknown_saving_count,
    )


def _named_by_proposals(
    evaluation: Evaluation, apps: Mapping[str, ApplicationRecord]
) -> tuple[dict[str, list[str]], list[tuple[str, str]]]:
    """The applications the proposals of each action name, those that leave, and the pairs
    of duplicates (member, survivor): where the deltas are aimed."""
    near: dict[str, set[str]] = {}
    for p in evaluation.proposals:
        near.setdefault(p.action.value, set()).update(
            a
            for a in (
                *p.targets,
                *p.replacement_candidates,
                *p.data_needed_from,
                *(f.consumer for f in p.blast_radius),
                p.survivor,
            )
            if a is not None
        )
    named = {action: sorted(found) for action, found in near.items()}
    # what leaves: an integration between two of them changes the waves
    named["leaving"] = sorted(
        p.targets[0] for p in evaluation.proposals if p.action != Action.REPLACE
    )
    duplicates = [
        (p.targets[0], p.survivor)
        for p in evaluation.proposals
        if p.survivor and p.survivor in apps and p.targets[0] in apps
    ]
    return named, duplicates


def _delta(
    replica: GraphReplica,
    apps: dict[str, ApplicationRecord],
    integrations: dict[str, IntegrationRecord],
    capabilities: dict[str, CapabilityRecord],
) -> GraphDelta:
    """What turns ``replica`` into the state given, as the dependency service sends it."""
    return GraphDelta.model_construct(
        from_version=replica.version,
        version=replica.version + 1,
        inventory_sequence=replica.version + 1,
        applications_upserted=tuple(
            a for k, a in apps.items() if replica.applications.get(k) is not a
        ),
        applications_removed=tuple(k for k in replica.applications if k not in apps),
        integrations_upserted=tuple(
            i for k, i in integrations.items() if replica.integrations.get(k) is not i
        ),
        integrations_removed=tuple(k for k in replica.integrations if k not in integrations),
        capabilities_upserted=tuple(
            c for k, c in capabilities.items() if replica.capabilities.get(k) is not c
        ),
        capabilities_removed=tuple(k for k in replica.capabilities if k not in capabilities),
        technologies_upserted=(),
        technologies_removed=(),
    )


def _check_chain(sample: Any, seed: int, steps: int, config: RulesConfig = CONFIGS[0]) -> None:
    rng = random.Random(seed)
    apps, integrations, capabilities = _state(sample)
    counter = [0]
    memo: EngineMemo | None = None
    previous: dict[str, str] = {}
    decisions: dict[str, Decision] = {}
    replica = GraphReplica(technologies={t.id: t for t in sample.technologies})
    for _ in range(steps):
        landscape = Landscape(
            applications=list(apps.values()),
            integrations=list(integrations.values()),
            capabilities=list(capabilities.values()),
            technologies=sample.technologies,
        )
        full = rationalise(
            landscape,
            config=config,
            catalogue=CATALOGUE,
            today=TODAY,
            previous_quadrants=previous,
            decisions=decisions,
        )
        replica.apply(_delta(replica, apps, integrations, capabilities))
        assert (list(replica.applications), list(replica.integrations)) == (
            list(apps),
            list(integrations),
        )
        before = memo.landscape if memo is not None else None
        patched = Landscape.from_content(
            replica.to_content(),
            previous=before,
            touched=replica.touched_since(before.version) if before is not None else None,
        )
        assert list(patched.applications.items()) == list(landscape.applications.items())
        assert list(patched.integrations.items()) == list(landscape.integrations.items())
        assert list(patched.realisers) == list(landscape.realisers)
        for app_id in landscape.applications:
            assert patched.outgoing(app_id) == landscape.outgoing(app_id)
            assert patched.incoming(app_id) == landscape.incoming(app_id)
        assert patched.realisers == landscape.realisers
        if memo is not None:  # what a patched landscape says changed, it finds by scanning
            assert patched.changed_suppliers(memo.landscape) == landscape.changed_suppliers(
                memo.landscape
            )
            assert patched.changed_consumers(memo.landscape) == landscape.changed_consumers(
                memo.landscape
            )
        incremental = rationalise(
            patched,
            config=config,
            catalogue=CATALOGUE,
            today=TODAY,
            previous_quadrants=previous,
            decisions=decisions,
            memo=memo,
        )
        assert _dump(incremental) == _dump(full)
        assert incremental == full
        assert incremental.memo is not None
        assert full.memo is not None
        assert incremental.memo.clusters == full.memo.clusters
        memo = incremental.memo
        previous = dict(full.quadrants)
        # Architects decide on a few proposals (on their facts, or on outdated ones).
        for proposal in rng.sample(full.proposals, min(3, len(full.proposals))):
            decisions[proposal.id] = Decision(
                rng.choice(list(Verdict)),
                proposal.facts_hash if rng.random() < 0.7 else "outdated",
                "test",
            )
        if rng.random() < 0.15:  # the rule book changes
            config = rng.choice(CONFIGS)
        if rng.random() < 0.8:  # else only the decisions and quadrants change
            named, duplicates = _named_by_proposals(full, apps)
            _mutate(rng, apps, integrations, capabilities, counter, named, duplicates)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_incremental_equals_full_on_scale_landscape(seed: int) -> None:
    _check_chain(generate_scale(300, 1_500, seed=seed), seed, steps=20)


@pytest.mark.parametrize("seed", [5, 6])
def test_incremental_equals_full_where_coverage_blocks_many(seed: int) -> None:
    _check_chain(generate_scale(300, 1_500, seed=seed), seed, steps=20, config=COVERAGE_BITES)


def test_incremental_equals_full_on_municipality() -> None:
    _check_chain(generate_municipality(), 11, steps=12)


def test_memo_reuses_unchanged_blast_radii() -> None:
    sample = generate_scale(200, 1_000)
    landscape = Landscape(
        applications=sample.applications,
        integrations=sample.integrations,
        capabilities=sample.capabilities,
        technologies=sample.technologies,
    )
    first = rationalise(landscape, config=RulesConfig(), catalogue=CATALOGUE, today=TODAY)
    again = rationalise(
        landscape, config=RulesConfig(), catalogue=CATALOGUE, today=TODAY, memo=first.memo
    )
    assert first.memo is not None
    assert again.memo is not None
    assert first.memo.blasts
    assert all(again.memo.blasts[k] is b for k, b in first.memo.blasts.items())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_waves_planned_after_a_previous_plan_equal_a_fresh_plan(seed: int) -> None:
    rng = random.Random(seed)
    sample = generate_scale(120, 600, seed=seed)
    apps = [a.id for a in sample.applications]
    integrations = {i.id: i for i in sample.integrations}
    before: PlannedWaves | None = None
    told: PlannedWaves | None = None  # planned knowing what changed since ``previous``
    previous: Landscape | None = None
    leaving: list[str] = []
    proposal_of: dict[str, str] = {}
    for step in range(40):
        landscape = Landscape(
            applications=sample.applications, integrations=list(integrations.values())
        )
        if rng.random() < 0.4:  # else the same applications go, with the same proposals
            leaving = rng.sample(apps, rng.randint(0, 60))
            proposal_of = {a: f"retire:{a}" for a in leaving if rng.random() < 0.9}
        planned = planned_waves(landscape, leaving, proposal_of, before)
        fresh = planned_waves(landscape, leaving, proposal_of)
        assert planned.plan == fresh.plan
        if previous is not None:
            changed = landscape.changed_suppliers(previous) | landscape.changed_consumers(
                previous
            )
            told = planned_waves(landscape, leaving, proposal_of, told, changed)
            assert (told.members, told.links, told.plan) == (
                fresh.members,
                fresh.links,
                fresh.plan,
            )
        else:
            told = planned
        before, previous = planned, landscape
        # an integration between two that go, or any two, comes; another one may go
        pool = leaving if len(leaving) > 1 and rng.random() < 0.7 else apps
        source, target = rng.sample(pool, 2)
        integrations[f"w-{step}"] = IntegrationRecord(
            id=f"w-{step}", source=source, target=target, data_objects=("x",)
        )
        if rng.random() < 0.5:
            del integrations[rng.choice(sorted(integrations))]
