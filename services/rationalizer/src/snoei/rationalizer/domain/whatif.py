"""What-if: simulate retiring a set of applications without touching the inventory."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from snoei.rationalizer.domain.engine import Decision, rationalise
from snoei.rationalizer.domain.impact import blast_radius, uncovered_capabilities
from snoei.rationalizer.domain.landscape import Landscape
from snoei.rationalizer.domain.rulebook import RulesConfig
from snoei.rationalizer.domain.technology import LifecycleCatalogue
from snoei.rationalizer.domain.waves import WavePlan, plan_waves
from snoei.shared.contracts.proposals import LostFlow, Proposal


class UnknownApplications(ValueError):
    """The what-if names applications the landscape does not hold."""

    def __init__(self, application_ids: Collection[str]) -> None:
        self.application_ids = tuple(sorted(application_ids))
        super().__init__(
            "unknown application(s): " + ", ".join(repr(a) for a in self.application_ids)
        )


class UncoveredCapability(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str


class WhatIfResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    retired: tuple[str, ...] = Field(description="Applications simulated as retired.")
    uncovered_capabilities: tuple[UncoveredCapability, ...] = Field(
        description="Capabilities no application would realise any more."
    )
    blast_radius: tuple[LostFlow, ...] = Field(description="Who loses which data flow.")
    integrations_removed: int = Field(description="Integrations that disappear.")
    yearly_cost_change: float = Field(description="Change of yearly run cost (negative saves).")
    waves: WavePlan = Field(description="Order in which to retire them.")
    proposals: tuple[Proposal, ...] = Field(
        description="Proposals for the landscape as it would be afterwards."
    )


def what_if(
    landscape: Landscape,
    retire: Collection[str],
    *,
    config: RulesConfig,
    catalogue: LifecycleCatalogue,
    today: date,
    previous_quadrants: Mapping[str, str] | None = None,
    decisions: Mapping[str, Decision] | None = None,
) -> WhatIfResult:
    unknown = set(retire) - set(landscape.applications)
    if unknown:
        raise UnknownApplications(unknown)
    gone = sorted(set(retire))
    removed_integrations = {
        i.id for a in gone for i in (*landscape.outgoing(a), *landscape.incoming(a))
    }
    after = rationalise(
        landscape.without(gone),
        config=config,
        catalogue=catalogue,
        today=today,
        previous_quadrants=previous_quadrants,
        decisions=decisions,
    )
    return WhatIfResult(
        retired=tuple(gone),
        uncovered_capabilities=tuple(
            UncoveredCapability(id=c, name=landscape.capability_name(c))
            for c in uncovered_capabilities(landscape, gone, config.allow_uncovered_capabilities)
        ),
        blast_radius=tuple(blast_radius(landscape, gone, config.blast_radius_depth)),
        integrations_removed=len(removed_integrations),
        yearly_cost_change=-round(
            sum((landscape.applications[a].yearly_cost or 0.0) for a in gone), 2
        ),
        waves=plan_waves(landscape, gone),
        proposals=after.proposals,
    )
