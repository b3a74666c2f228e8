"""The landscape's records as they travel between services: applications, integrations,
capabilities and technology lifecycles."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

ItemId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        pattern=r"^\S(.*\S)?$",
        description="Stable external id (e.g. the CMDB key); no leading or trailing spaces.",
    ),
]
Score = Annotated[
    int, Field(ge=1, le=5, description="Survey score from 1 (poor) to 5 (excellent).")
]
Money = Annotated[float, Field(ge=0, description="Euros per year, excluding VAT.")]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Lifecycle(StrEnum):
    PLAN = "plan"
    ACTIVE = "active"
    PHASE_OUT = "phase-out"
    RETIRED = "retired"


class Criticality(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Hosting(StrEnum):
    ON_PREMISES = "on-premises"
    PRIVATE_CLOUD = "private-cloud"
    SAAS = "saas"
    PAAS = "paas"
    IAAS = "iaas"
    UNKNOWN = "unknown"


class ElementKind(StrEnum):
    """What an application record stands for in the graph."""

    APPLICATION = "application"
    INFRASTRUCTURE = "infrastructure"  # a database, queue or store (a Backstage Resource)


class IntegrationKind(StrEnum):
    API = "api"
    FILE = "file"
    MESSAGE = "message"
    DATABASE_LINK = "database-link"
    MANUAL = "manual"


class AnnualCosts(Frozen):
    """Yearly cost of running an application, split the way finance reports it."""

    licence: Money = Field(default=0.0, description="Licence or subscription fees per year.")
    hosting: Money = Field(default=0.0, description="Infrastructure and hosting per year.")
    support: Money = Field(default=0.0, description="Supplier support and maintenance per year.")
    staff: Money = Field(default=0.0, description="Internal staff cost (FTE x rate) per year.")

    @property
    def total(self) -> float:
        return self.licence + self.hosting + self.support + self.staff


class TechnologyUse(Frozen):
    """A technology an application runs on, e.g. PostgreSQL 11 or Java 8."""

    product: str = Field(
        min_length=1,
        max_length=100,
        description="Product name as endoflife.date names it where possible (e.g. `postgresql`).",
    )
    version: str | None = Field(
        default=None, max_length=50, description="Version or release cycle, e.g. `11` or `8u392`."
    )


class ApplicationRecord(Frozen):
    """One application (an ArchiMate ApplicationComponent) as the inventory holds it."""

    id: ItemId
    name: str = Field(min_length=1, max_length=300, description="Display name.")
    description: str | None = Field(default=None, max_length=5000, description="Free text.")
    owner: str | None = Field(
        default=None, max_length=200, description="Owning department (vakafdeling)."
    )
    supplier: str | None = Field(default=None, max_length=200, description="Vendor or builder.")
    product: str | None = Field(default=None, max_length=200, description="Commercial product.")
    version: str | None = Field(default=None, max_length=50, description="Product version.")
    lifecycle: Lifecycle = Field(default=Lifecycle.ACTIVE, description="Lifecycle phase.")
    hosting: Hosting = Field(default=Hosting.UNKNOWN, description="Where it runs.")
    costs: AnnualCosts | None = Field(
        default=None,
        description="Yearly costs; None when unknown (never read unknown as zero). A part "
        "left out of a known total is zero.",
    )
    users: int | None = Field(default=None, ge=0, description="Number of active users.")
    criticality: Criticality = Field(
        default=Criticality.MEDIUM, description="Business criticality."
    )
    business_value: Score | None = Field(default=None, description="Business value survey score.")
    technical_fitness: Score | None = Field(
        default=None, description="Technical fitness survey score."
    )
    technologies: tuple[TechnologyUse, ...] = Field(
        default=(), description="Technologies with versions the application runs on."
    )
    capabilities: tuple[ItemId, ...] = Field(
        default=(),
        description="Ids of the capabilities / reference components it realises.",
    )
    contract_end: date | None = Field(default=None, description="End date of the contract.")
    attributes: dict[str, str] = Field(
        default_factory=dict, description="Other properties, e.g. from ArchiMate properties."
    )
    owned: bool = Field(
        default=True,
        description="False for an external, national or sector facility the organisation "
        "depends on but does not own (GEMMA `Buitengemeentelijke voorziening`): it stays in "
        "the graph and the blast radius, but is never a retire/replace/consolidate target.",
    )
    specialises: tuple[ItemId, ...] = Field(
        default=(),
        description="Applications this one is a specialisation of (ArchiMate Specialization, "
        "child to parent). Structure, not a data flow: never each other's duplicates.",
    )
    part_of: tuple[ItemId, ...] = Field(
        default=(),
        description="Applications this one is a part of (ArchiMate Aggregation/Composition "
        "from the whole to this part, Backstage `spec.subcomponentOf`). Structure, not a "
        "data flow: a whole and its part are never each other's duplicates.",
    )
    kind: ElementKind = Field(
        default=ElementKind.APPLICATION,
        description="`infrastructure` for a database, queue or store (Backstage Resource): "
        "kept in the graph, never a consolidation survivor.",
    )

    @property
    def yearly_cost(self) -> float | None:
        """Total yearly cost, or None when the costs are unknown."""
        return None if self.costs is None else self.costs.total

    @model_validator(mode="after")
    def _no_structure_to_itself(self) -> ApplicationRecord:
        for name in ("specialises", "part_of"):
            if self.id in getattr(self, name):
                raise ValueError(f"application {self.id!r} names itself in {name!r}")
        return self


APPLICATION_RECORD_VERSION = 2
"""Schema version of every payload that carries an ``ApplicationRecord``.

Version 1 had no ``owned``, ``specialises``, ``part_of`` or ``kind``, and ``costs`` defaulted to
all zeros, so it could not tell unknown costs from a free application. Version 2 adds those
fields and makes ``costs`` None when unknown."""


_V2_FIELDS_AS_V1_MEANT = {"owned": True, "specialises": [], "part_of": [],
                          "kind": "application"}


def facts_as_in_v1(record: ApplicationRecord, *, exclude: set[str]) -> dict[str, Any]:
    """The record as JSON the way version 1 would have written the same facts: the fields
    version 2 added are left out while they say what every version-1 record meant, and
    unknown costs read as the zeros version 1 wrote for them. For fingerprints that must
    not change with the upgrade (the rationalizer's facts hash, which the architects'
    decisions are stored with); a fact version 1 could not say changes the fingerprint."""
    facts = record.model_dump(mode="json", exclude=exclude)
    for name, meant in _V2_FIELDS_AS_V1_MEANT.items():
        if facts.get(name, meant) == meant:
            facts.pop(name, None)
    if "costs" in facts and facts["costs"] is None:
        facts["costs"] = AnnualCosts().model_dump(mode="json")
    return facts


def upcast_application_v1(record: Any) -> Any:
    """An application record of schema version 1 -> version 2.

    Costs that are absent or all zero become None (unknown): version 1 wrote zeros for
    "not given", so a zero total there is no evidence of a free application. Every other
    field is kept; the new fields take their defaults (owned, no structure, an application).
    Anything that is not a record is returned as it is, for validation to name.
    """
    if not isinstance(record, dict):
        return record
    costs = record.get("costs")
    parts = ("licence", "hosting", "support", "staff")
    if costs is None or (
        isinstance(costs, dict)
        and set(costs) <= set(parts)
        and all(isinstance(costs.get(p, 0), int | float) and costs.get(p, 0) == 0 for p in parts)
    ):
        return {**record, "costs": None}
    return record


class IntegrationRecord(Frozen):
    """A data flow from ``source`` (supplier of data) to ``target`` (consumer of data)."""

    id: ItemId
    source: ItemId = Field(description="Application that supplies the data.")
    target: ItemId = Field(description="Application that consumes the data.")
    kind: IntegrationKind = Field(default=IntegrationKind.API, description="How data moves.")
    data_objects: tuple[str, ...] = Field(
        default=(), description="Data objects carried, e.g. `BRP persons`, `BAG addresses`."
    )
    protocol: str | None = Field(default=None, max_length=100, description="e.g. StUF, REST, SFTP.")
    criticality: Criticality = Field(default=Criticality.MEDIUM, description="Criticality.")
    name: str | None = Field(default=None, max_length=300, description="Display name.")

    @model_validator(mode="after")
    def _not_to_itself(self) -> IntegrationRecord:
        if self.source == self.target:
            raise ValueError(
                f"integration {self.id!r} connects application {self.source!r} to itself"
            )
        return self


class CapabilityRecord(Frozen):
    """A node of the capability map (a GEMMA reference component or business capability)."""

    id: ItemId
    name: str = Field(min_length=1, max_length=300, description="Display name.")
    parent_id: ItemId | None = Field(default=None, description="Parent in the capability tree.")
    description: str | None = Field(default=None, max_length=5000, description="Free text.")

    @model_validator(mode="after")
    def _not_own_parent(self) -> CapabilityRecord:
        if self.parent_id == self.id:
            raise ValueError(f"capability {self.id!r} cannot be its own parent")
        return self


class TechnologyRecord(Frozen):
    """Lifecycle of one product release cycle, e.g. PostgreSQL 11 (organisation-specific)."""

    id: ItemId = Field(description="Usually `product:version`, e.g. `postgresql:11`.")
    product: str = Field(min_length=1, max_length=100, description="Product name.")
    version: str = Field(min_length=1, max_length=50, description="Version / release cycle.")
    end_of_support: date | None = Field(default=None, description="End of active support.")
    end_of_life: date | None = Field(default=None, description="End of security support.")
