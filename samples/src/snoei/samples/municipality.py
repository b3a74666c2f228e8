"""A seeded mid-size Dutch municipality (~300 applications, ~900 integrations) with planted
stories, listed in ``STORIES``, that make every rationalisation rule fire."""

from __future__ import annotations

import heapq
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from snoei.samples.landscape import Landscape
from snoei.samples.vocabulary import (
    BELASTINGEN,
    BESTUUR,
    BRANDS,
    COMMUNICATIE,
    COMPONENTS,
    DIV,
    DOMAIN_OF,
    DOMAINS,
    END_OF_LIFE_DATABASES,
    END_OF_LIFE_PLATFORMS,
    END_OF_LIFE_RUNTIMES,
    FACILITAIR,
    FINANCIEN,
    HRM,
    IA,
    IN_HOUSE,
    KCC,
    OPENBARE_RUIMTE,
    PROTOCOLS,
    PUBLIEKSZAKEN,
    RELEASE_CYCLES,
    RUIMTE,
    SOCIAAL_DOMEIN,
    SUPPLIERS,
    SUPPORTED_DATABASES,
    SUPPORTED_PLATFORMS,
    SUPPORTED_RUNTIMES,
    ReleaseCycle,
    capability_records,
    cycle,
)
from snoei.shared.contracts.landscape import (
    AnnualCosts,
    ApplicationRecord,
    Criticality,
    Hosting,
    IntegrationKind,
    IntegrationRecord,
    Lifecycle,
    TechnologyUse,
)

APPLICATIONS = 300
INTEGRATIONS = 900
FTE_COST = 85_000.0
"""Yearly internal cost of one full-time application manager, in euros."""
OVERLAP_THRESHOLD = 0.5
"""Jaccard similarity of capability sets from which two active applications overlap."""


@dataclass(frozen=True, slots=True)
class Story:
    """A situation planted in the sample so a rationalisation rule has something to find."""

    title: str
    applications: tuple[str, ...]
    expected: str
    capability: str | None = None


STORIES: dict[str, Story] = {
    "consolidate-zaaksystemen": Story(
        "Two zaaksystemen do the same work",
        ("app-zaakwijs", "app-opengem-zaken"),
        "consolidate",
        "gemma-zaakafhandelcomponent",
    ),
    "consolidate-documentstores": Story(
        "Three document stores",
        ("app-docustroom", "app-archiefkast", "app-teamsites-documenten"),
        "consolidate",
        "gemma-documentmanagementcomponent",
    ),
    "retire-phase-out-unused-data": Story(
        "Phase-out applications whose data nobody else needs",
        ("app-website-oud", "app-eformulieren-oud"),
        "retire",
    ),
    "retire-eliminate": Story(
        "Low value, low fitness room booking", ("app-zaalplanner",), "retire",
        "gemma-ruimtereservering",
    ),
    "retire-unused": Story("Nobody uses it", ("app-zoekmachine-intranet",), "retire"),
    "replace-eol-belastingen": Story(
        "Critical tax system on an end-of-life database",
        ("app-belastingen",),
        "replace",
        "gemma-belastingsysteem",
    ),
    "blocked-begraafplaats": Story(
        "The only cemetery administration is in phase-out",
        ("app-begraafplaatsregister",),
        "blocked",
        "gemma-begraafplaatsadministratiecomponent",
    ),
    "wave-cycle-parkeren": Story(
        "Old parking applications feed each other in a cycle",
        ("app-parkeervergunningen-oud", "app-parkeerkoppeling-oud", "app-naheffingen-oud"),
        "retire as one wave unit",
    ),
}

PLANTED_OVERLAPS: tuple[frozenset[str], ...] = (
    frozenset(STORIES["consolidate-zaaksystemen"].applications),
    frozenset(STORIES["consolidate-documentstores"].applications),
)
"""The only groups of active applications whose capabilities overlap."""

HUBS: tuple[str, ...] = (
    "app-servicebus", "app-brp", "app-bag", "app-nhr-koppeling", "app-iam", "app-financieel",
    "app-gegevensmagazijn",
)
ISOLATED: tuple[str, ...] = ("app-legesrekentool", "app-verkiezingsuitslagen")

_QUIET = frozenset(
    a for key, s in STORIES.items() if not key.startswith("consolidate") for a in s.applications
) | frozenset(ISOLATED)
"""Applications whose integrations are all planted, so random ones cannot blur the story."""


@dataclass(slots=True)
class _App:
    """An application being drafted, with generator-only facts (rank orients data flows)."""

    id: str
    name: str
    capabilities: tuple[str, ...]
    department: str
    supplier: str
    hosting: Hosting
    criticality: Criticality
    value: int
    fitness: int
    users: int
    technologies: tuple[ReleaseCycle, ...]
    lifecycle: Lifecycle = Lifecycle.ACTIVE
    tier: str = "vak"  # "suite", "vak" or "tool": drives costs
    rank: float = 0.5  # suppliers of data rank low, consumers high
    product: str | None = None
    version: str | None = None
    description: str | None = None
    role: str = "key"  # "key" (written by hand), "primary", "satellite" or "not-live"


def _t(*cycles: tuple[str, str]) -> tuple[ReleaseCycle, ...]:
    return tuple(cycle(product, version) for product, version in cycles)


WIN25, PG17, PG16, MSSQL16, ORA19 = (
    ("windows-server", "2025"), ("postgresql", "17"), ("postgresql", "16"),
    ("mssqlserver", "16.0"), ("oracle-database", "19"),
)
RHEL10, UBUNTU24, JAVA21, DOTNET10, PHP85 = (
    ("rhel", "10"), ("ubuntu", "24.04"), ("eclipse-temurin", "21"), ("dotnet", "10"),
    ("php", "8.5"),
)
ON_PREM, SAAS, PRIVATE = Hosting.ON_PREMISES, Hosting.SAAS, Hosting.PRIVATE_CLOUD
LOW, MEDIUM, HIGH, CRITICAL = (
    Criticality.LOW, Criticality.MEDIUM, Criticality.HIGH, Criticality.CRITICAL,
)


def _key_applications() -> list[_App]:
    """Hubs, suites and the applications of the planted stories, written out by hand."""

    def app(
        id: str, name: str, caps: Sequence[str], department: str, supplier: str,
        hosting: Hosting, criticality: Criticality, value: int, fitness: int, users: int,
        technologies: tuple[ReleaseCycle, ...] = (), *, lifecycle: Lifecycle = Lifecycle.ACTIVE,
        tier: str = "suite", rank: float = 0.5, product: str | None = None,
        version: str | None = None, description: str | None = None,
    ) -> _App:
        return _App(
            id, name, tuple(f"gemma-{c}" for c in caps), department, supplier, hosting,
            criticality, value, fitness, users, technologies, lifecycle, tier, rank, product,
            version, description,
        )

    return [
        # --- hubs: integration platform and key registers ---------------------------------
        app("app-servicebus", "Gemeentelijke Servicebus",
            ["integratievoorziening", "notificatiecomponent"], IA,
            "Polderlogic", PRIVATE, CRITICAL, 4, 4, 12, _t(RHEL10, JAVA21), rank=0.1,
            product="Polderlogic Integration Suite", version="7.2",
            description="Integratievoorziening: StUF- en ZGW-berichten, Digikoppeling."),
        app("app-brp", "Basisregistratie Personen (Burgerwerk)",
            ["basisregistratie-personen", "burgerzakensysteem"], PUBLIEKSZAKEN,
            "Burgerwerk Software", ON_PREM, CRITICAL, 5, 4, 60, _t(WIN25, MSSQL16), rank=0.0,
            product="Burgerwerk BRP", version="2026.2"),
        app("app-bag", "Basisregistratie Adressen en Gebouwen",
            ["basisregistratie-adressen-en-gebouwen"], RUIMTE, "DeltaGeo", SAAS, HIGH, 5, 4,
            14, rank=0.01, product="DeltaGeo BAG-beheer", version="5.1"),
        app("app-nhr-koppeling", "Handelsregister-koppeling (NHR)", ["handelsregister"], IA,
            "Polderlogic", PRIVATE, HIGH, 4, 4, 5, _t(RHEL10, JAVA21), rank=0.02),
        app("app-brk", "Kadastrale informatie (BRK-levering)", ["kadastrale-informatie"], RUIMTE,
            "DeltaGeo", SAAS, MEDIUM, 4, 4, 25, rank=0.04),
        app("app-iam", "Identity & Access Management", ["identity-en-access-management"], IA,
            "Grachtengordel IT", SAAS, CRITICAL, 4, 5, 1150, rank=0.05),
        app("app-hrm", "HR-suite", ["hrm-component", "tijdregistratiecomponent"], HRM,
            "Stadhuis Systems", SAAS, HIGH, 4, 4, 1150, rank=0.03),
        app("app-gis", "Geo-informatieplatform en BGT-bijhouding",
            ["gis-component", "basisregistratie-grootschalige-topografie"], RUIMTE, "DeltaGeo",
            PRIVATE, HIGH, 4, 4, 220, _t(UBUNTU24, PG17), rank=0.3),
        # --- zaakgericht werken -----------------------------------------------------------
        app("app-zaakwijs", "Zaakwijs Zaaksysteem",
            ["zaakafhandelcomponent", "zaakregistratiecomponent"], DIV, "Raadhuis Digitaal BV",
            ON_PREM, CRITICAL, 4, 2, 520, _t(WIN25, MSSQL16, DOTNET10), rank=0.5,
            product="Zaakwijs", version="9.4",
            description="Zaaksysteem van Burgerzaken, Belastingen en Sociaal Domein sinds 2014."),
        app("app-opengem-zaken", "OpenGem Zaken",
            ["zaakafhandelcomponent", "zaakregistratiecomponent"], DIV, "OpenGem Coöperatie",
            SAAS, CRITICAL, 4, 4, 430, rank=0.5, product="OpenGem Zaken", version="2.8",
            description="Zaaksysteem voor het fysieke domein, ingevoerd met de Omgevingswet."),
        app("app-docustroom", "DocuStroom DMS",
            ["documentmanagementcomponent", "documentregistratiecomponent"], DIV,
            "Nedersoft Publiek", ON_PREM, HIGH, 3, 3, 610, _t(WIN25, ORA19), rank=0.51),
        app("app-archiefkast", "Archiefkast Documentbeheer",
            ["documentmanagementcomponent", "documentregistratiecomponent"], DIV,
            "Omnia Overheidsoplossingen", SAAS, HIGH, 4, 4, 380, rank=0.51),
        app("app-teamsites-documenten", "Teamsites documentbibliotheken",
            ["documentmanagementcomponent"], IA, IN_HOUSE, ON_PREM, MEDIUM, 3, 3, 700,
            _t(WIN25, ("sharepoint", "2019")), rank=0.6),
        app("app-edepot", "E-depot", ["e-depot"], DIV, "Omnia Overheidsoplossingen", SAAS,
            HIGH, 4, 4, 8, rank=0.9),
        app("app-documentcreatie", "Documentcreatie en verzendstraat",
            ["documentcreatiecomponent", "printvoorziening"], DIV, "Nedersoft Publiek", SAAS,
            HIGH, 4, 4, 640, rank=0.505),
        # --- dienstverlening ------------------------------------------------------------------
        app("app-klantinteractie", "Klantinteractie (KCC)",
            ["klantinteractiecomponent", "klachtenregistratiecomponent"], KCC,
            "Sociaal Digitaal BV", SAAS, HIGH, 4, 4, 95, rank=0.503),
        app("app-eformulieren", "E-formulierenplatform",
            ["e-formulierencomponent", "betaalcomponent"], KCC, "Waterland Software", SAAS,
            HIGH, 4, 4, 30, rank=0.2),
        app("app-website", "Gemeentewebsite",
            ["websitecomponent", "producten-en-dienstencatalogus"],
            COMMUNICATIE, "Waterland Software", SAAS, HIGH, 4, 4, 45, rank=0.8),
        app("app-mijn-gemeente", "Mijn Gemeente", ["persoonlijke-internetpagina"], KCC,
            "Waterland Software", SAAS, HIGH, 4, 4, 12, rank=0.85),
        app("app-bi", "Stuurinformatie- en P&C-platform",
            ["managementinformatiecomponent", "planning-en-control"], FINANCIEN,
            "Lokaal Data Services", PRIVATE, MEDIUM, 4, 4, 160, _t(WIN25, MSSQL16), rank=0.99),
        app("app-gegevensmagazijn", "Gegevensmagazijn", ["gegevensmagazijn"], IA,
            "Lokaal Data Services", PRIVATE, MEDIUM, 4, 4, 20, _t(WIN25, MSSQL16), rank=0.97),
        app("app-kantoor", "Kantoorsuite en samenwerking",
            ["kantoorautomatisering", "e-mailcomponent", "ruimtereservering", "zoekvoorziening"],
            IA,
            "Kantoorwolk BV", SAAS, CRITICAL, 5, 4, 1150, rank=0.9),
        app("app-intranet", "Intranet", ["intranet"], COMMUNICATIE,
            "Kantoorwolk BV", SAAS, MEDIUM, 3, 4, 1100, rank=0.6),
        app("app-werkplatform", "Low-code werkplatform",
            ["werkvoorraadcomponent", "mobiele-toepassingen"], IA, "Veluwe Informatica", SAAS,
            MEDIUM, 3, 4, 300, rank=0.4),
        # --- belastingen -------------------------------------------------------------------
        app("app-belastingen", "Civitas Belastingen", ["belastingsysteem", "invorderingscomponent"],
            BELASTINGEN, "Civitas Systemen", ON_PREM, CRITICAL, 5, 3, 75,
            _t(("windows-server", "2016"), ("oracle-database", "12.2")), rank=0.5,
            product="Civitas Heffen en Innen", version="11.3",
            description="Heffing en invordering van gemeentelijke belastingen."),
        app("app-woz", "WOZ-administratie", ["woz-component", "taxatiecomponent"], BELASTINGEN,
            "Civitas Systemen", SAAS, HIGH, 4, 4, 22, rank=0.45),
        app("app-parkeerportaal", "ParkeerPortaal",
            ["parkeervergunningencomponent", "parkeerbelastingcomponent"], BELASTINGEN,
            "Stadhuis Systems", SAAS, HIGH, 4, 4, 40, rank=0.5),
        # --- bedrijfsvoering ---------------------------------------------------------------
        app("app-financieel", "Financieel systeem",
            ["financieel-systeem", "risicomanagementcomponent"],
            FINANCIEN, "Stadhuis Systems", SAAS, CRITICAL, 5, 4, 210, rank=0.92),
        app("app-inkoop", "Inkoop en e-facturatie",
            ["inkoopcomponent", "contractmanagementcomponent"],
            FINANCIEN, "Stadhuis Systems", SAAS, HIGH, 4, 4, 140, rank=0.8),
        app("app-salaris", "Salarisadministratie", ["salariscomponent"], HRM, "Stadhuis Systems",
            SAAS, CRITICAL, 5, 4, 12, rank=0.7),
        app("app-itsm", "Servicemanagement (ITSM)",
            ["servicemanagementcomponent", "monitoringcomponent"], IA, "Grachtengordel IT",
            SAAS, MEDIUM, 3, 4, 90, rank=0.7),
        # --- sociaal domein and ruimte: the big vakapplicaties ------------------------------
        app("app-sociaal-domein-suite", "Sociaal Domein Suite",
            ["wmo-component", "jeugdcomponent", "participatiecomponent"], SOCIAAL_DOMEIN,
            "Sociaal Digitaal BV", PRIVATE, CRITICAL, 5, 4, 260, _t(WIN25, MSSQL16, DOTNET10),
            rank=0.5, product="SDS", version="2026.1"),
        app("app-vth", "VTH-applicatie Omgevingswet", ["vth-component", "omgevingsloket"], RUIMTE,
            "Raadhuis Digitaal BV", SAAS, CRITICAL, 5, 4, 150, rank=0.45),
        app("app-bor", "Beheer openbare ruimte", ["beheer-openbare-ruimte", "bomenbeheercomponent"],
            OPENBARE_RUIMTE, "DeltaGeo", SAAS, HIGH, 4, 4, 120, rank=0.5),
        # --- the planted retire / block / wave stories -----------------------------------
        app("app-website-oud", "Oude gemeentewebsite", ["websitecomponent"], COMMUNICATIE,
            "Waterland Software", ON_PREM, LOW, 2, 2, 4, _t(WIN25, ("php", "8.5")),
            lifecycle=Lifecycle.PHASE_OUT, tier="vak", rank=0.99,
            description="Vervangen door de nieuwe website; staat nog aan voor oude links."),
        app("app-eformulieren-oud", "Formulierenserver (oud)", ["e-formulierencomponent"], KCC,
            "Waterland Software", ON_PREM, MEDIUM, 2, 2, 3, _t(WIN25, DOTNET10),
            lifecycle=Lifecycle.PHASE_OUT, tier="vak", rank=0.3),
        app("app-zaalplanner", "Zaalplanner", ["ruimtereservering"], FACILITAIR, IN_HOUSE,
            ON_PREM, LOW, 1, 2, 35, _t(WIN25, ("php", "7.4"), ("mysql", "8.4")), tier="tool",
            rank=0.9, description="Zelfgebouwde reserveringstool voor vergaderzalen."),
        app("app-zoekmachine-intranet", "Intranet-zoekmachine", ["zoekvoorziening"], IA, IN_HOUSE,
            ON_PREM, LOW, 2, 3, 0, _t(RHEL10, JAVA21), tier="tool", rank=0.9),
        app("app-begraafplaatsregister", "Begraafplaatsregister",
            ["begraafplaatsadministratiecomponent"], PUBLIEKSZAKEN, "Gemeentewerk ICT", ON_PREM,
            MEDIUM, 3, 2, 6, _t(WIN25, ("postgresql", "13")), lifecycle=Lifecycle.PHASE_OUT,
            tier="vak", rank=0.5,
            description="Leverancier stopt met het product; opvolger nog niet gekozen."),
        app("app-parkeervergunningen-oud", "Parkeervergunningen (oud)",
            ["parkeervergunningencomponent"], BELASTINGEN, "Gemeentewerk ICT", ON_PREM, MEDIUM,
            2, 2, 8, _t(WIN25, PG16), lifecycle=Lifecycle.PHASE_OUT, tier="vak", rank=0.6),
        app("app-parkeerkoppeling-oud", "Parkeerkoppeling (oud)",
            ["parkeervergunningencomponent", "parkeerbelastingcomponent"], BELASTINGEN,
            IN_HOUSE, ON_PREM, LOW, 2, 2, 2, _t(WIN25, DOTNET10), lifecycle=Lifecycle.PHASE_OUT,
            tier="tool", rank=0.6),
        app("app-naheffingen-oud", "Naheffingen parkeren (oud)", ["parkeerbelastingcomponent"],
            BELASTINGEN, "Gemeentewerk ICT", ON_PREM, MEDIUM, 2, 2, 7, _t(WIN25, PG16),
            lifecycle=Lifecycle.PHASE_OUT, tier="vak", rank=0.6),
        app("app-legesrekentool", "Legesrekentool",
            ["baliekassacomponent", "werkvoorraadcomponent"],
            PUBLIEKSZAKEN, IN_HOUSE, ON_PREM, LOW, 3, 3, 14, _t(WIN25, DOTNET10), tier="tool"),
        app("app-verkiezingsuitslagen", "Verkiezingsuitslagen-tool",
            ["verkiezingencomponent", "managementinformatiecomponent"], PUBLIEKSZAKEN, IN_HOUSE,
            ON_PREM, MEDIUM, 3, 3, 5, _t(WIN25, DOTNET10), tier="tool"),
    ]


# Satellite kinds: (cross-cutting capability, name patterns, tier, rank offset).
_SATELLITES: tuple[tuple[str, tuple[str, ...], float], ...] = (
    ("gemma-managementinformatiecomponent",
     ("Dashboard {f}", "Rapportages {f}", "Stuurinformatie {f}"), 0.3),
    ("gemma-e-formulierencomponent", ("E-dienst {f}", "Aanvraagmodule {f}", "Portaal {f}"), -0.3),
    ("gemma-integratievoorziening", ("Koppeling {f}", "{f}-adapter", "Berichtenmodule {f}"), 0.0),
    ("gemma-documentcreatiecomponent", ("Brievenmodule {f}", "Sjablonen {f}"), 0.2),
    ("gemma-mobiele-toepassingen", ("{f} app buitendienst", "Mobiel {f}"), -0.2),
    ("gemma-werkvoorraadcomponent",
     ("Registratietool {f}", "Werkvoorraad {f}", "{f} planning"), 0.1),
)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b)


class _Drafts:
    """The applications drafted so far, refusing capability sets that would overlap."""

    def __init__(self) -> None:
        self.apps: dict[str, _App] = {}
        self.names: set[str] = set()

    def overlaps(self, caps: frozenset[str], allowed: frozenset[str] = frozenset()) -> bool:
        return any(
            other.lifecycle == Lifecycle.ACTIVE
            and other.id not in allowed
            and _jaccard(caps, frozenset(other.capabilities)) >= OVERLAP_THRESHOLD
            for other in self.apps.values()
        )

    def add(self, app: _App) -> None:
        self.apps[app.id] = app
        self.names.add(app.name)

    def unique_id(self, name: str) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower().translate(str.maketrans("ëéèêïö", "eeeeio")))
        base = f"app-{slug.strip('-')}"
        candidate, n = base, 2
        while candidate in self.apps:
            candidate, n = f"{base}-{n}", n + 1
        return candidate


def _weighted(rng: random.Random, weights: dict[int, int]) -> int:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _technologies(
    rng: random.Random, hosting: Hosting, end_of_life_share: float
) -> tuple[ReleaseCycle, ...]:
    if hosting == Hosting.SAAS:
        return ()
    # An application on old technology usually has one old layer, not all of them.
    old = "none"
    if rng.random() < end_of_life_share:
        old = rng.choices(["platform", "database", "runtime"], weights=[4, 4, 2])[0]
    stack = [rng.choice(END_OF_LIFE_PLATFORMS if old == "platform" else SUPPORTED_PLATFORMS)]
    if rng.random() < 0.85 or old == "database":
        pool = END_OF_LIFE_DATABASES if old == "database" else SUPPORTED_DATABASES
        if stack[0].product != "windows-server":
            pool = tuple(c for c in pool if c.product != "mssqlserver")
        stack.append(rng.choice(pool))
    if rng.random() < 0.5 or old == "runtime":
        runtimes = END_OF_LIFE_RUNTIMES[:4] if old == "runtime" else SUPPORTED_RUNTIMES
        stack.append(rng.choice(runtimes))
    return tuple(stack)


def _hosting(rng: random.Random) -> Hosting:
    return rng.choices(
        [Hosting.SAAS, Hosting.ON_PREMISES, Hosting.PRIVATE_CLOUD, Hosting.IAAS],
        weights=[40, 35, 17, 8],
    )[0]


def _primaries(rng: random.Random, drafts: _Drafts) -> None:
    """One vakapplicatie for every reference component no key application realises."""
    covered = {c for app in drafts.apps.values() for c in app.capabilities}
    for domain in DOMAINS:
        open_components = [c for c in domain.components if c.id not in covered]
        while open_components:
            component = open_components.pop(0)
            partner = open_components[0] if open_components and rng.random() < 0.45 else None
            caps = (component.id, partner.id) if partner else (component.id,)
            if partner and not drafts.overlaps(frozenset(caps)):
                open_components.pop(0)
            else:
                caps = (component.id,)
            if drafts.overlaps(frozenset(caps)):
                continue
            supplier = rng.choice(SUPPLIERS)
            brand = BRANDS[supplier]
            name = f"{brand} {component.function}"
            if name in drafts.names:
                name = f"{component.function} ({supplier})"
            hosting = _hosting(rng)
            value = _weighted(rng, {2: 10, 3: 35, 4: 40, 5: 15})
            fitness = _weighted(rng, {2: 12, 3: 43, 4: 35, 5: 10})
            technologies = _technologies(rng, hosting, 0.15)
            if value <= 2:  # low value only survives when it is cheap and healthy: Tolerate
                fitness = max(fitness, 3)
                technologies = _technologies(rng, hosting, 0.0)
            drafts.add(_App(
                id=drafts.unique_id(name), name=name, capabilities=caps,
                department=component.department, supplier=supplier, hosting=hosting,
                criticality=rng.choices([LOW, MEDIUM, HIGH, CRITICAL], [15, 45, 30, 10])[0],
                value=value, fitness=fitness, users=rng.randint(5, 150),
                technologies=technologies, tier="vak", rank=rng.uniform(0.15, 0.85),
                product=f"{brand} {component.function}",
                version=f"{rng.randint(2, 12)}.{rng.randint(0, 9)}", role="primary",
            ))


def _satellites(rng: random.Random, drafts: _Drafts, count: int) -> None:
    """Portals, reports, adapters, letters, field apps and tools around the vakapplicaties."""
    hub_capabilities = {c for a in HUBS for c in drafts.apps[a].capabilities}
    components = [
        c for c in COMPONENTS.values()
        if DOMAIN_OF[c.id].id != "domein-informatievoorziening"
        and c.id not in PROTECTED_CAPABILITIES | hub_capabilities
        and not drafts.overlaps(frozenset({c.id, "?"}))
    ]
    added = 0
    attempts = 0
    while added < count and attempts < count * 50:
        attempts += 1
        component = rng.choice(components)
        capability, patterns, offset = rng.choice(_SATELLITES)
        caps = frozenset({component.id, capability})
        if len(caps) < 2 or drafts.overlaps(caps):
            continue
        name = rng.choice(patterns).format(f=component.function)
        name = name[0].upper() + name[1:]
        if name in drafts.names:
            continue
        phase_out = rng.random() < 0.04
        hosting = _hosting(rng)
        value = _weighted(rng, {1: 2, 2: 14, 3: 44, 4: 32, 5: 8})
        fitness = _weighted(rng, {1: 2, 2: 15, 3: 45, 4: 30, 5: 8})
        technologies = _technologies(rng, hosting, 0.05)
        if any(c.ended() for c in technologies):  # small tools on old stacks are rarely prized
            value = min(value, 3)
        in_house = rng.random() < 0.3
        drafts.add(_App(
            id=drafts.unique_id(name), name=name, capabilities=(component.id, capability),
            department=component.department,
            supplier=IN_HOUSE if in_house else rng.choice(SUPPLIERS), hosting=hosting,
            criticality=rng.choices([LOW, MEDIUM, HIGH], [45, 45, 10])[0],
            value=value, fitness=fitness, users=rng.randint(1, 60),
            technologies=technologies,
            lifecycle=Lifecycle.PHASE_OUT if phase_out else Lifecycle.ACTIVE, tier="tool",
            rank=min(1.0, max(0.0, rng.uniform(0.2, 0.8) + offset)), role="satellite",
        ))
        added += 1


def _not_live(rng: random.Random, drafts: _Drafts) -> None:
    """A few applications still being bought (plan) and some already switched off (retired)."""
    planned = [
        ("Omgevingsloket 2.0-koppeling", "gemma-omgevingsloket", RUIMTE),
        ("Nieuwe Jeugd-app", "gemma-jeugdcomponent", SOCIAAL_DOMEIN),
        ("Klantvolgsysteem Werk", "gemma-participatiecomponent", SOCIAAL_DOMEIN),
        ("Slimme afvalcontainers", "gemma-afvalbeheercomponent", OPENBARE_RUIMTE),
        ("Woo-publicatieplatform", "gemma-woo-verzoekencomponent", BESTUUR),
    ]
    retired = [
        ("GBA-terminal (oud)", "gemma-basisregistratie-personen", PUBLIEKSZAKEN),
        ("Vergunningenregister 2009", "gemma-vth-component", RUIMTE),
        ("Oude salarismodule", "gemma-salariscomponent", HRM),
        ("Faxserver", "gemma-contactcentercomponent", KCC),
        ("Lotus Notes-databases", "gemma-kantoorautomatisering", IA),
        ("Oude raadsinformatie", "gemma-raadsinformatiesysteem", BESTUUR),
    ]
    for lifecycle, items in ((Lifecycle.PLAN, planned), (Lifecycle.RETIRED, retired)):
        for name, capability, department in items:
            hosting = Hosting.SAAS if lifecycle == Lifecycle.PLAN else Hosting.ON_PREMISES
            drafts.add(_App(
                id=drafts.unique_id(name), name=name, capabilities=(capability,),
                department=department, supplier=rng.choice(SUPPLIERS), hosting=hosting,
                criticality=MEDIUM, value=rng.randint(2, 4), fitness=rng.randint(2, 4),
                users=0 if lifecycle == Lifecycle.RETIRED else rng.randint(5, 40),
                technologies=() if hosting == Hosting.SAAS else _t(("windows-server", "2012-r2")),
                lifecycle=lifecycle, tier="vak", role="not-live",
            ))


def _costs(rng: random.Random, app: _App) -> AnnualCosts:
    ranges = {
        "suite": ((30_000, 180_000), (4_000, 30_000), (8_000, 40_000), (0.5, 2.0)),
        "vak": ((5_000, 45_000), (1_000, 10_000), (1_500, 12_000), (0.05, 0.5)),
        "tool": ((0, 6_000), (0, 3_000), (0, 3_000), (0.01, 0.15)),
    }[app.tier]
    licence, hosting, support, fte = ranges

    def euros(low: float, high: float) -> float:
        return float(round(rng.uniform(low, high), -2))

    if app.supplier == IN_HOUSE:
        licence = (0, 0)
    if app.hosting == Hosting.SAAS:
        hosting = (0, 0)
    if app.lifecycle == Lifecycle.RETIRED:
        return AnnualCosts()
    return AnnualCosts(
        licence=euros(*licence), hosting=euros(*hosting), support=euros(*support),
        staff=float(round(rng.uniform(*fte) * FTE_COST, -2)),
    )


def _record(rng: random.Random, app: _App) -> ApplicationRecord:
    contract_end: date | None = None
    if app.supplier != IN_HOUSE and app.lifecycle != Lifecycle.RETIRED:
        month = rng.choice([3, 6, 12, 12])
        contract_end = date(rng.randint(2027, 2031), month, {3: 31, 6: 30, 12: 31}[month])
    assessed = date(2026, rng.randint(2, 5), rng.randint(1, 28))
    if rng.random() < 0.08:
        assessed = date(2023, rng.randint(1, 12), rng.randint(1, 28))  # a stale survey
    attributes = {"assessed_at": assessed.isoformat()}
    return ApplicationRecord(
        id=app.id, name=app.name, description=app.description, owner=app.department,
        supplier=app.supplier, product=app.product, version=app.version,
        lifecycle=app.lifecycle, hosting=app.hosting, costs=_costs(rng, app), users=app.users,
        criticality=app.criticality, business_value=app.value, technical_fitness=app.fitness,
        technologies=tuple(
            TechnologyUse(product=c.product, version=c.version) for c in app.technologies
        ),
        capabilities=app.capabilities, contract_end=contract_end, attributes=attributes,
    )


PROTECTED_CAPABILITIES = frozenset({
    "gemma-begraafplaatsadministratiecomponent",  # must stay covered by one application only
    "gemma-belastingsysteem", "gemma-invorderingscomponent", "gemma-ruimtereservering",
})
"""Capabilities of the planted stories that no generated application may also realise."""

_KINDS = (IntegrationKind.API, IntegrationKind.MESSAGE, IntegrationKind.FILE,
          IntegrationKind.DATABASE_LINK, IntegrationKind.MANUAL)
_SEVERITY = {LOW: 0, MEDIUM: 1, HIGH: 2, CRITICAL: 3}


class _Flows:
    """The integrations drafted so far: at most one per (supplier, consumer) pair."""

    def __init__(self, rng: random.Random, apps: dict[str, _App]) -> None:
        self.rng = rng
        self.apps = apps
        self.records: list[IntegrationRecord] = []
        self.pairs: set[tuple[str, str]] = set()
        self.back: set[tuple[str, str]] = set()
        self.forward: dict[str, list[str]] = {}
        self.degree: dict[str, int] = dict.fromkeys(apps, 0)

    def add(
        self, source: str, target: str, data_objects: Sequence[str] | None = None, *,
        kind: IntegrationKind | None = None, protocol: str | None = None,
        criticality: Criticality | None = None, back: bool = False,
    ) -> bool:
        """Record a flow; ``back`` marks one that closes an intended cycle."""
        if source == target or (source, target) in self.pairs:
            return False
        if not back and self._reaches(target, source):
            return False  # it would close a cycle nobody planned
        supplier, consumer = self.apps[source], self.apps[target]
        rng = self.rng
        objects = tuple(data_objects or COMPONENTS[supplier.capabilities[0]].data_objects[:2])
        kind = kind or rng.choices(_KINDS, weights=[45, 22, 20, 7, 6])[0]
        protocol = protocol or rng.choice(PROTOCOLS[kind.value])
        if criticality is None:
            level = min(_SEVERITY[supplier.criticality], _SEVERITY[consumer.criticality])
            level = max(0, min(3, level + rng.choice([-1, 0, 0, 1])))
            criticality = (LOW, MEDIUM, HIGH, CRITICAL)[level]
        self.records.append(IntegrationRecord(
            id=f"int-{source.removeprefix('app-')}-naar-{target.removeprefix('app-')}",
            source=source, target=target, kind=kind, data_objects=objects, protocol=protocol,
            criticality=criticality, name=f"{objects[0]}: {supplier.name} → {consumer.name}",
        ))
        self.pairs.add((source, target))
        if back:
            self.back.add((source, target))
        else:
            self.forward.setdefault(source, []).append(target)
        self.degree[source] += 1
        self.degree[target] += 1
        return True

    def _reaches(self, start: str, goal: str) -> bool:
        seen, stack = {start}, [start]
        while stack:
            for successor in self.forward.get(stack.pop(), ()):
                if successor == goal:
                    return True
                if successor not in seen:
                    seen.add(successor)
                    stack.append(successor)
        return False

    def supply_order(self) -> dict[str, int]:
        """Position of every application in a topological order of the flows so far (intended
        back edges left out), suppliers first; ties go to the lower rank."""
        successors: dict[str, list[str]] = {a: [] for a in self.apps}
        waiting = dict.fromkeys(self.apps, 0)
        for source, target in self.pairs - self.back:
            successors[source].append(target)
            waiting[target] += 1
        ready = [(self.apps[a].rank, a) for a, n in waiting.items() if n == 0]
        heapq.heapify(ready)
        order: dict[str, int] = {}
        while ready:
            _, app_id = heapq.heappop(ready)
            order[app_id] = len(order)
            for target in successors[app_id]:
                waiting[target] -= 1
                if waiting[target] == 0:
                    heapq.heappush(ready, (self.apps[target].rank, target))
        if len(order) != len(self.apps):
            raise RuntimeError("the planned integrations contain an unintended cycle")
        return order


def _in_domains(apps: Sequence[_App], *domain_ids: str) -> list[_App]:
    return [a for a in apps if DOMAIN_OF[a.capabilities[0]].id in domain_ids]


_CYCLE_MEMBERS = frozenset({
    "app-zaakwijs", "app-opengem-zaken", "app-docustroom", "app-archiefkast",
    "app-documentcreatie", "app-klantinteractie", "app-belastingen", "app-woz",
})
"""Applications on intended cycles: free integrations avoid them so cycles stay small."""


def _flows(rng: random.Random, apps: dict[str, _App]) -> list[IntegrationRecord]:
    flows = _Flows(rng, apps)
    _semantic_flows(rng, flows)
    _planted_flows(flows)
    order = flows.supply_order()
    add = flows.add
    free = [
        a for a in apps.values()
        if a.lifecycle == Lifecycle.ACTIVE and a.id not in _QUIET | _CYCLE_MEMBERS | set(HUBS)
    ]

    def along(a: _App, b: _App, data: Sequence[str] | None = None) -> bool:
        source, target = (a, b) if order[a.id] < order[b.id] else (b, a)
        return add(source.id, target.id, data)

    # Adapters pass their vakapplicatie's data on to a sibling downstream.
    by_department: dict[str, list[_App]] = {}
    for app in free:
        by_department.setdefault(app.department, []).append(app)
    for app in free:
        if app.role == "satellite" and app.capabilities[1] == "gemma-integratievoorziening":
            later = [b for b in by_department[app.department] if order[b.id] > order[app.id]]
            if later:
                add(app.id, rng.choice(later).id, COMPONENTS[app.capabilities[0]].data_objects[:1])
    # Department clusters: vakapplicaties of one department exchange data.
    for members in by_department.values():
        for _ in range(len(members) if len(members) > 1 else 0):
            first, second = rng.sample(members, 2)
            along(first, second)
    # Fill up with preferential attachment among ordinary applications.
    endpoints = [a.id for a in free for _ in range(1 + flows.degree[a.id])]
    local: dict[str, list[str]] = {}
    for app_id in endpoints:
        local.setdefault(apps[app_id].department, []).append(app_id)
    attempts = 0
    while len(flows.records) < INTEGRATIONS and attempts < INTEGRATIONS * 100:
        attempts += 1
        first = rng.choice(free)
        pool = local[first.department] if rng.random() < 0.5 else endpoints
        second = apps[rng.choice(pool)]
        if first.id != second.id and along(first, second):
            endpoints.extend((first.id, second.id))
    return flows.records


def _semantic_flows(rng: random.Random, flows: _Flows) -> None:
    """The integrations whose direction the domain dictates: registers, accounts, zaken,
    documents, money, history, and satellites around their vakapplicatie."""
    apps, add = flows.apps, flows.add
    normal = [
        a for a in apps.values()
        if a.lifecycle in (Lifecycle.ACTIVE, Lifecycle.PHASE_OUT) and a.id not in _QUIET
    ]
    consumers = [a for a in normal if a.id not in HUBS]
    api, message, file = IntegrationKind.API, IntegrationKind.MESSAGE, IntegrationKind.FILE

    # Key registers feed the service bus, which distributes them; some legacy links go direct.
    add("app-brp", "app-servicebus", ["BRP personen", "BRP verhuizingen"], kind=message,
        protocol="StUF-BG", criticality=CRITICAL)
    add("app-bag", "app-servicebus", ["BAG adressen", "BAG panden"], kind=message,
        protocol="StUF-BG", criticality=HIGH)
    add("app-nhr-koppeling", "app-servicebus", ["NHR inschrijvingen"], kind=message,
        protocol="Digikoppeling ebMS", criticality=HIGH)
    for register in ("app-bag", "app-brk"):
        add(register, "app-gis", kind=file, protocol="SFTP (XML)")
    people = _in_domains(consumers, "domein-burgerzaken", "domein-belastingen", "domein-sociaal",
                         "domein-dienstverlening", "domein-veiligheid", "domein-zaakgericht-werken")
    for app in rng.sample(people, min(38, len(people))):
        add("app-servicebus", app.id, ["BRP personen"], kind=api,
            protocol=rng.choice(["StUF-BG", "REST (Haal Centraal)"]))
    for app in rng.sample(people, min(9, len(people))):
        add("app-brp", app.id, ["BRP personen"], kind=api, protocol="StUF-BG")
    places = _in_domains(consumers, "domein-ruimtelijk", "domein-openbare-ruimte",
                         "domein-belastingen", "domein-veiligheid", "domein-dienstverlening")
    for app in rng.sample(places, min(30, len(places))):
        add("app-servicebus", app.id, ["BAG adressen"], kind=api,
            protocol=rng.choice(["StUF-BG", "REST (Haal Centraal)"]))
    businesses = _in_domains(consumers, "domein-belastingen", "domein-veiligheid",
                             "domein-bedrijfsvoering", "domein-ruimtelijk")
    for app in rng.sample(businesses, min(12, len(businesses))):
        add("app-servicebus", app.id, ["NHR inschrijvingen"], kind=api, protocol="REST")
    # Accounts: HR feeds identity management, which provisions the big applications.
    add("app-hrm", "app-iam", ["Medewerkers"], kind=api, protocol="REST", criticality=HIGH)
    add("app-hrm", "app-salaris", ["Medewerkers", "Formatie"], kind=file, criticality=CRITICAL)
    by_users = sorted((a for a in consumers if a.id != "app-hrm"), key=lambda a: (-a.users, a.id))
    for app in by_users[:36]:
        add("app-iam", app.id, ["Gebruikersaccounts", "Autorisaties"], kind=api,
            protocol="SCIM", criticality=HIGH)

    # Zaakgericht werken: vakapplicaties report to "their" zaaksysteem, which files documents.
    zaak_domains = {
        "app-zaakwijs": ("domein-burgerzaken", "domein-belastingen", "domein-sociaal"),
        "app-opengem-zaken": ("domein-ruimtelijk", "domein-openbare-ruimte",
                              "domein-veiligheid", "domein-bestuur"),
    }
    for zaaksysteem, domains in zaak_domains.items():
        vak = [
            a for a in _in_domains(consumers, *domains)
            if a.role == "primary" or a.id in ("app-sociaal-domein-suite", "app-vth", "app-bor")
        ]
        for app in vak:
            add(app.id, zaaksysteem, ["Zaken", "Zaakstatussen"], kind=api,
                protocol=rng.choice(["REST (ZGW API)", "StUF-ZKN"]))
        add("app-eformulieren", zaaksysteem, ["Aanvragen"], kind=api,
            protocol="REST (ZGW API)", criticality=HIGH)
        add(zaaksysteem, "app-mijn-gemeente", ["Zaakstatussen"], kind=api,
            protocol="REST (ZGW API)")
        add(zaaksysteem, "app-klantinteractie", ["Zaken"], kind=api, protocol="REST (ZGW API)")
        add(zaaksysteem, "app-gegevensmagazijn", ["Zaken"], kind=file)
        add(zaaksysteem, "app-documentcreatie", ["Zaken"], kind=api)
    add("app-klantinteractie", "app-zaakwijs", ["Klantcontacten"], kind=api, back=True)
    for zaaksysteem, store in (("app-zaakwijs", "app-docustroom"),
                               ("app-opengem-zaken", "app-archiefkast")):
        add(zaaksysteem, store, ["Documenten"], kind=api, protocol="REST (ZGW API)",
            criticality=HIGH)
        add(store, zaaksysteem, ["Documentmetadata"], kind=api, protocol="REST (ZGW API)",
            criticality=HIGH, back=True)
        add(store, "app-edepot", ["Archiefbescheiden"], kind=file, protocol="SFTP (XML)")
        add("app-documentcreatie", store, ["Brieven"], kind=api)
    add("app-kantoor", "app-teamsites-documenten", ["Bestanden"], kind=api, protocol="REST")
    add("app-iam", "app-teamsites-documenten", ["Gebruikersaccounts"], kind=api,
        protocol="SCIM")
    add("app-teamsites-documenten", "app-zaakwijs", ["Documenten"], kind=IntegrationKind.MANUAL,
        protocol="Handmatige export (Excel)", criticality=LOW)

    # Taxes: WOZ values in, assessments out to finance, print, portal and the customer desk.
    add("app-woz", "app-belastingen", ["WOZ-waarden"], kind=IntegrationKind.DATABASE_LINK,
        protocol="Oracle DB-link", criticality=CRITICAL)
    add("app-belastingen", "app-woz", ["Aanslagen"], kind=file, criticality=MEDIUM, back=True)
    for target, objects in (("app-financieel", ["Debiteuren belastingen"]),
                            ("app-documentcreatie", ["Aanslagen"]),
                            ("app-mijn-gemeente", ["Aanslagen"]),
                            ("app-klantinteractie", ["Aanslagen"]),
                            ("app-gegevensmagazijn", ["Aanslagen"])):
        add("app-belastingen", target, objects, criticality=HIGH)
    add("app-parkeerportaal", "app-financieel", ["Betalingen"], kind=file)

    # Money flows into the financial system; history into the data warehouse.
    downstream = {"app-bi", "app-financieel", "app-gegevensmagazijn"}
    payers = [a for a in consumers if a.role != "satellite" and a.id not in downstream]
    for app in rng.sample(payers, min(22, len(payers))):
        add(app.id, "app-financieel", ["Journaalposten"], kind=file, protocol="SFTP (CSV)")
    for source, objects in (("app-inkoop", ["Facturen"]), ("app-salaris", ["Loonjournaalposten"]),
                            ("app-eformulieren", ["Betalingen"])):
        add(source, "app-financieel", objects, criticality=HIGH)
    add("app-financieel", "app-bi", ["Journaalposten", "Begroting"], kind=file)
    add("app-inkoop", "app-bi", ["Contracten"], kind=file)
    history = [a for a in consumers if a.id not in downstream]
    for app in rng.sample(history, min(34, len(history))):
        add(app.id, "app-gegevensmagazijn", kind=file, protocol="SFTP (CSV)", criticality=LOW)
    add("app-gegevensmagazijn", "app-bi", ["Historische gegevens"],
        kind=IntegrationKind.DATABASE_LINK, protocol="ODBC")

    # Satellites hang off the vakapplicatie that realises the same component.
    realisers: dict[str, list[_App]] = {}
    for app in normal:
        if app.role in ("key", "primary"):
            for capability in app.capabilities:
                realisers.setdefault(capability, []).append(app)
    for app in normal:
        if app.role != "satellite":
            continue
        component, kind_capability = app.capabilities
        primary = next(iter(realisers.get(component, [])), None)
        if primary is None:
            continue
        upstream = kind_capability in ("gemma-e-formulierencomponent", "gemma-mobiele-toepassingen")
        if upstream and primary.id not in HUBS and primary.id not in _CYCLE_MEMBERS:
            add(app.id, primary.id)
        else:
            add(primary.id, app.id)

    for app in [a for a in apps.values() if a.lifecycle == Lifecycle.PLAN][:3]:
        add("app-servicebus", app.id, ["BRP personen"], kind=api, protocol="REST (Haal Centraal)")


def _planted_flows(flows: _Flows) -> None:
    add = flows.add
    api, file = IntegrationKind.API, IntegrationKind.FILE
    # The old website only consumes; the old forms server feeds it and Zaakwijs.
    add("app-website", "app-website-oud", ["Producten en diensten"], kind=file, criticality=LOW)
    add("app-eformulieren-oud", "app-website-oud", ["Formulierinzendingen"], kind=api,
        protocol="REST", criticality=LOW)
    add("app-eformulieren-oud", "app-zaakwijs", ["Aanvragen"], kind=api, protocol="StUF-ZKN",
        criticality=MEDIUM)
    add("app-iam", "app-eformulieren-oud", ["Gebruikersaccounts"], kind=api, protocol="SCIM")
    # Room booking: accounts in, nothing out.
    add("app-iam", "app-zaalplanner", ["Gebruikersaccounts"], kind=api, protocol="SCIM",
        criticality=LOW)
    add("app-kantoor", "app-zaalplanner", ["Agenda's"], kind=api, protocol="REST",
        criticality=LOW)
    # Intranet search indexes the intranet; nobody searches with it.
    add("app-intranet", "app-zoekmachine-intranet", ["Nieuwsberichten"], kind=api,
        protocol="REST", criticality=LOW)
    # Cemetery administration: deaths in from the BRP, grave fees out to finance.
    add("app-brp", "app-begraafplaatsregister", ["BRP personen"], kind=api, protocol="StUF-BG")
    add("app-begraafplaatsregister", "app-financieel", ["Grafrechten"], kind=file,
        protocol="SFTP (CSV)")
    # The old parking chain feeds itself in a cycle and still sends fines to finance.
    chain = ("app-parkeervergunningen-oud", "app-parkeerkoppeling-oud", "app-naheffingen-oud")
    objects = (["Parkeervergunningen"], ["Kentekens"], ["Naheffingsaanslagen"])
    links = zip(chain, (*chain[1:], chain[0]), strict=True)
    for (source, target), data in zip(links, objects, strict=True):
        add(source, target, data, kind=IntegrationKind.DATABASE_LINK, protocol="ODBC",
            back=target == chain[0])
    add("app-servicebus", "app-parkeervergunningen-oud", ["BRP personen"], kind=api,
        protocol="StUF-BG")
    add("app-naheffingen-oud", "app-financieel", ["Naheffingsaanslagen"], kind=file,
        protocol="SFTP (CSV)")


def generate_municipality(seed: int = 2026, landscape_id: str = "gemeente-voorbeeld") -> Landscape:
    """A deterministic sample of a Dutch municipality: the same seed gives the same landscape."""
    rng = random.Random(seed)
    drafts = _Drafts()
    for app in _key_applications():
        drafts.add(app)
    _primaries(rng, drafts)
    _not_live(rng, drafts)
    _satellites(rng, drafts, APPLICATIONS - len(drafts.apps))
    applications = [_record(rng, app) for app in drafts.apps.values()]
    integrations = _flows(rng, drafts.apps)
    used = sorted({(t.product, t.version or "") for a in applications for t in a.technologies})
    return Landscape(
        landscape_id=landscape_id,
        applications=applications,
        integrations=integrations,
        capabilities=capability_records(),
        technologies=[RELEASE_CYCLES[key].record for key in used],
    )
