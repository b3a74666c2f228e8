"""Seeded landscapes of any size for benchmarks, shaped like real ones: hubs with preferential
attachment, clusters within departments, overlapping capabilities and a few small cycles."""

from __future__ import annotations

import gc
import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from snoei.samples.landscape import Landscape
from snoei.samples.vocabulary import (
    DEPARTMENTS,
    DOMAINS,
    END_OF_LIFE_DATABASES,
    END_OF_LIFE_PLATFORMS,
    END_OF_LIFE_RUNTIMES,
    PROTOCOLS,
    RELEASE_CYCLES,
    SUPPLIERS,
    SUPPORTED_DATABASES,
    SUPPORTED_PLATFORMS,
    SUPPORTED_RUNTIMES,
    Component,
    ReleaseCycle,
)
from snoei.shared.contracts.landscape import (
    AnnualCosts,
    ApplicationRecord,
    CapabilityRecord,
    Criticality,
    Hosting,
    IntegrationKind,
    IntegrationRecord,
    Lifecycle,
    TechnologyUse,
)

CLUSTER_SIZE = 40
"""Applications per cluster (a team within a department that integrates closely)."""
DUPLICATE_SHARE = 0.06
"""Share of applications that realise exactly the capabilities of another in their cluster."""

# (name, share of hub traffic, supplies data?) — suppliers sit first in the flow order.
_HUBS: tuple[tuple[str, int, bool], ...] = (
    ("Basisregistratie Personen", 12, True),
    ("Basisregistratie Adressen en Gebouwen", 10, True),
    ("Handelsregister-koppeling", 4, True),
    ("Kadastrale informatie", 3, True),
    ("Identity & Access Management", 14, True),
    ("Servicebus", 30, True),
    ("Financieel systeem", 10, False),
    ("Gegevensmagazijn", 17, False),
)
_HUB_DATA: dict[str, tuple[str, ...]] = {
    "Basisregistratie Personen": ("BRP personen",),
    "Basisregistratie Adressen en Gebouwen": ("BAG adressen",),
    "Handelsregister-koppeling": ("NHR inschrijvingen",),
    "Kadastrale informatie": ("Kadastrale percelen",),
    "Identity & Access Management": ("Gebruikersaccounts",),
    "Servicebus": ("Berichten",),
}
_LIFECYCLES = (Lifecycle.ACTIVE, Lifecycle.PHASE_OUT, Lifecycle.PLAN, Lifecycle.RETIRED)
_CRITICALITIES = (Criticality.LOW, Criticality.MEDIUM, Criticality.HIGH, Criticality.CRITICAL)
_HOSTINGS = (Hosting.SAAS, Hosting.ON_PREMISES, Hosting.PRIVATE_CLOUD, Hosting.IAAS)
_KINDS = (IntegrationKind.API, IntegrationKind.MESSAGE, IntegrationKind.FILE,
          IntegrationKind.DATABASE_LINK, IntegrationKind.MANUAL)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Creating hundreds of thousands of records triggers needless GC passes: pause them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _stacks(rng: random.Random) -> list[tuple[TechnologyUse, ...]]:
    """A small set of technology stacks shared by all applications; every tenth is old."""
    stacks: list[tuple[TechnologyUse, ...]] = [()]  # SaaS: no technology of its own
    for n in range(40):
        old = n % 10 == 9
        platform = rng.choice(END_OF_LIFE_PLATFORMS if old else SUPPORTED_PLATFORMS)
        old_database = old and n % 20 == 9
        database = rng.choice(END_OF_LIFE_DATABASES if old_database else SUPPORTED_DATABASES)
        layers: list[ReleaseCycle] = [platform, database]
        if n % 2:
            layers.append(rng.choice(END_OF_LIFE_RUNTIMES[:4] if old else SUPPORTED_RUNTIMES))
        stacks.append(tuple(c.use for c in layers))
    return stacks


def generate_scale(
    n_applications: int,
    n_integrations: int,
    seed: int = 7,
    landscape_id: str = "schaal-benchmark",
) -> Landscape:
    """Exactly ``n_applications`` applications and ``n_integrations`` integrations."""
    if n_applications < 0 or n_integrations < 0:
        raise ValueError("counts cannot be negative")
    rng = random.Random(seed)
    n = n_applications
    hubs = min(len(_HUBS), n)

    # Capability map: the GEMMA-style tree, with sub-capabilities so large landscapes do not
    # all crowd onto the same hundred reference components.
    base: list[tuple[Component, str]] = [(c, d.id) for d in DOMAINS for c in d.components]
    capabilities = [CapabilityRecord(id=d.id, name=d.name) for d in DOMAINS]
    capabilities += [CapabilityRecord(id=c.id, name=c.name, parent_id=p) for c, p in base]
    leaves: list[tuple[str, str, tuple[str, ...]]] = [  # (id, function, data objects)
        (c.id, c.function, c.data_objects[:2]) for c, _ in base
    ]
    for k in range(max(0, n // 4 - len(base))):
        component, _ = base[k % len(base)]
        sub = f"{component.id}-deel-{k // len(base) + 1}"
        capabilities.append(CapabilityRecord(
            id=sub, name=f"{component.name}: deelfunctie {k // len(base) + 1}",
            parent_id=component.id,
        ))
        leaves.append((sub, component.function, component.data_objects[:2]))
    department_of_leaf = [k % len(DEPARTMENTS) for k in range(len(leaves))]
    leaves_of_department: list[list[int]] = [[] for _ in DEPARTMENTS]
    for leaf, department in enumerate(department_of_leaf):
        leaves_of_department[department].append(leaf)

    # Applications: departments, clusters, a flow order (rank), lifecycle and capabilities.
    clusters = max(1, (n - hubs) // CLUSTER_SIZE)
    cluster_department = [rng.randrange(len(DEPARTMENTS)) for _ in range(clusters)]
    cluster = [0] * n
    primary_leaf = [0] * n
    caps: list[tuple[str, ...]] = [()] * n
    members: list[list[int]] = [[] for _ in range(clusters)]
    for i in range(hubs, n):
        c = rng.randrange(clusters)
        cluster[i] = c
        pool = leaves_of_department[cluster_department[c]]
        if members[c] and rng.random() < DUPLICATE_SHARE:
            twin = rng.choice(members[c])
            primary_leaf[i], caps[i] = primary_leaf[twin], caps[twin]
        else:
            first = rng.choice(pool)
            second = rng.choice(pool)
            primary_leaf[i] = first
            caps[i] = (
                (leaves[first][0],) if first == second else (leaves[first][0], leaves[second][0])
            )
        members[c].append(i)
    lifecycle = [0] * n
    for i in range(hubs, n):
        lifecycle[i] = rng.choices((0, 1, 2, 3), weights=(86, 7, 4, 3))[0]
    ordinary = list(range(hubs, n))
    rng.shuffle(ordinary)
    suppliers = [h for h in range(hubs) if _HUBS[h][2]]
    order = suppliers + ordinary + [h for h in range(hubs) if not _HUBS[h][2]]
    rank = [0] * n
    for position, app in enumerate(order):
        rank[app] = position
    live = [i for i in range(n) if lifecycle[i] != 3]
    live_ordinary = [i for i in ordinary if lifecycle[i] != 3]
    if n_integrations > len(live) * (len(live) - 1) // 2:
        raise ValueError(
            f"{n_integrations} integrations do not fit between {len(live)} live applications"
        )

    # Integrations: a few small cycles between neighbours in the flow order (no other path
    # can run between them), then forward flows along the order, so no other cycle appears.
    pairs: set[int] = set()
    sources: list[int] = []
    targets: list[int] = []

    def add(source: int, target: int) -> bool:
        key = source * n + target
        if source == target or key in pairs:
            return False
        pairs.add(key)
        sources.append(source)
        targets.append(target)
        return True

    by_rank = sorted(live_ordinary, key=rank.__getitem__)
    wanted_cycles = min(max(3, n_integrations // 2000), len(by_rank) // 4, n_integrations // 3)
    for start in sorted(rng.sample(range(0, max(0, len(by_rank) - 3), 4), wanted_cycles)):
        ring = by_rank[start : start + rng.choice((2, 3))]
        for a, b in zip(ring, (*ring[1:], ring[0]), strict=True):
            add(a, b)
    hub_weights = [_HUBS[h][1] for h in range(hubs)]
    every = list(live)
    by_cluster = [[i for i in m if lifecycle[i] != 3] for m in members]
    by_department: list[list[int]] = [[] for _ in DEPARTMENTS]
    for i in live_ordinary:
        by_department[cluster_department[cluster[i]]].append(i)
    random_ = rng.random
    choice = rng.choice
    while len(sources) < n_integrations:
        a = choice(live_ordinary) if live_ordinary else choice(every)
        mode = random_()
        if mode < 0.2 and hubs:
            b = rng.choices(range(hubs), weights=hub_weights)[0]
        elif mode < 0.65:
            b = choice(by_cluster[cluster[a]] or every)
        elif mode < 0.8:
            b = choice(by_department[cluster_department[cluster[a]]] or every)
        else:
            b = choice(every)
        source, target = (a, b) if rank[a] < rank[b] else (b, a)
        if add(source, target):
            # preferential attachment: every flow makes both ends likelier to get another
            every.append(a)
            every.append(b)
            if a >= hubs:
                by_cluster[cluster[a]].append(a)
                by_department[cluster_department[cluster[a]]].append(a)

    stacks = _stacks(rng)
    with _collector_paused():
        applications = _applications(
            rng, stacks, n, hubs, caps, lifecycle, cluster, cluster_department
        )
        integrations = _integrations(
            rng, applications, sources, targets, primary_leaf, leaves, hubs
        )
    used = sorted({(t.product, t.version or "") for stack in stacks for t in stack})
    technologies = [RELEASE_CYCLES[key].record for key in used]
    return Landscape(
        landscape_id=landscape_id,
        applications=applications,
        integrations=integrations,
        capabilities=capabilities,
        technologies=technologies,
    )


def _applications(
    rng: random.Random,
    stacks: list[tuple[TechnologyUse, ...]],
    n: int,
    hubs: int,
    caps: list[tuple[str, ...]],
    lifecycle: list[int],
    cluster: list[int],
    cluster_department: list[int],
) -> list[ApplicationRecord]:
    hub_caps = ("gemma-basisregistratie-personen", "gemma-basisregistratie-adressen-en-gebouwen",
                "gemma-handelsregister", "gemma-kadastrale-informatie",
                "gemma-identity-en-access-management", "gemma-integratievoorziening",
                "gemma-financieel-systeem", "gemma-gegevensmagazijn")
    randint, random_, choice = rng.randint, rng.random, rng.choice
    records = []
    for i in range(n):
        hub = i < hubs
        department = DEPARTMENTS[cluster_department[cluster[i]]]
        value = 5 if hub else randint(1, 5)
        fitness = 4 if hub else randint(1, 5)
        saas = random_() < 0.4
        retired = lifecycle[i] == 3
        records.append(ApplicationRecord(
            id=f"app-{i:06d}",
            name=_HUBS[i][0] if hub else f"Applicatie {i:06d} ({department})",
            owner="Informatievoorziening en Automatisering" if hub else department,
            supplier=choice(SUPPLIERS),
            lifecycle=_LIFECYCLES[lifecycle[i]],
            hosting=_HOSTINGS[0] if saas else choice(_HOSTINGS[1:]),
            costs=AnnualCosts() if retired else AnnualCosts(
                licence=float(randint(0, 600) * 100),
                hosting=0.0 if saas else float(randint(0, 150) * 100),
                support=float(randint(0, 150) * 100),
                staff=float(randint(1, 60) * 1000),
            ),
            users=0 if retired else randint(1, 400),
            criticality=Criticality.CRITICAL if hub else choice(_CRITICALITIES),
            business_value=value,
            technical_fitness=fitness,
            technologies=stacks[0] if saas else choice(stacks),
            capabilities=(hub_caps[i],) if hub else caps[i],
            contract_end=None if retired else date(randint(2027, 2031), 12, 31),
        ))
    return records


def _integrations(
    rng: random.Random,
    applications: list[ApplicationRecord],
    sources: list[int],
    targets: list[int],
    primary_leaf: list[int],
    leaves: list[tuple[str, str, tuple[str, ...]]],
    hubs: int,
) -> list[IntegrationRecord]:
    ids = [a.id for a in applications]
    protocols = {kind: PROTOCOLS[kind.value] for kind in _KINDS}
    kinds = rng.choices(_KINDS, weights=(45, 22, 20, 7, 6), k=len(sources))
    criticality = rng.choices(_CRITICALITIES, weights=(25, 45, 25, 5), k=len(sources))
    choice = rng.choice
    records = []
    for j, (s, t) in enumerate(zip(sources, targets, strict=True)):
        kind = kinds[j]
        if s < hubs:
            data = _HUB_DATA.get(_HUBS[s][0], ("Berichten",))
        else:
            data = leaves[primary_leaf[s]][2]
        records.append(IntegrationRecord(
            id=f"int-{j:07d}", source=ids[s], target=ids[t], kind=kind, data_objects=data,
            protocol=choice(protocols[kind]), criticality=criticality[j],
        ))
    return records
