"""What one report shows: the landscape, the latest run's proposals and waves, and a fresh
assessment of every application (value, effective fitness, technologies)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from snoei.rationalizer.domain.assessment import Assessment, Quadrant, assess
from snoei.rationalizer.domain.landscape import LIVE, Landscape
from snoei.rationalizer.domain.portfolio import known_cost
from snoei.rationalizer.domain.rulebook import RulesConfig
from snoei.rationalizer.domain.technology import LifecycleCatalogue
from snoei.rationalizer.domain.waves import WavePlan
from snoei.shared.contracts.landscape import ApplicationRecord
from snoei.shared.contracts.proposals import Proposal


@dataclass(frozen=True, slots=True)
class ReportInput:
    landscape_id: str
    landscape: Landscape
    proposals: tuple[Proposal, ...]
    waves: WavePlan
    assessments: Mapping[str, Assessment]
    today: date
    run_at: datetime | None = None
    graph_version: int = 0
    empty_reason: str | None = None
    rules: RulesConfig = field(default_factory=RulesConfig)
    """The rule book the run used: thresholds for the charts, the methodology section and
    what counts as recommended."""
    stale_inputs: bool = False
    """The run evaluated a replica known to be behind the inventory."""

    def name(self, app_id: str) -> str:
        app = self.landscape.applications.get(app_id)
        return app.name if app is not None else app_id


def build_report_input(
    landscape_id: str,
    landscape: Landscape,
    proposals: Sequence[Proposal],
    waves: WavePlan,
    *,
    catalogue: LifecycleCatalogue,
    config: RulesConfig,
    today: date,
    quadrants: Mapping[str, str] | None = None,
    run_at: datetime | None = None,
    graph_version: int | None = None,
    empty_reason: str | None = None,
    stale_inputs: bool = False,
) -> ReportInput:
    """Assess every application as the run did (its quadrants feed the hysteresis, so the
    scatter shows the quadrants the proposals were made on)."""
    catalogue = catalogue.with_records(landscape.technologies.values())
    quadrants = quadrants or {}
    assessments = {
        app.id: assess(
            app,
            catalogue=catalogue,
            config=config,
            today=today,
            previous=Quadrant(quadrants[app.id]) if app.id in quadrants else None,
        )
        for app in landscape.applications.values()
    }
    return ReportInput(
        landscape_id=landscape_id,
        landscape=landscape,
        proposals=tuple(proposals),
        waves=waves,
        assessments=assessments,
        today=today,
        run_at=run_at,
        graph_version=landscape.version if graph_version is None else graph_version,
        empty_reason=empty_reason,
        rules=config,
        stale_inputs=stale_inputs,
    )


COMPLETENESS_FIELDS = ("costs", "scores", "lifecycle", "technologies", "owner")
"""The inputs whose completeness the report shows, in this order."""


@dataclass(frozen=True, slots=True)
class Completeness:
    field: str
    present: int
    """Live applications that have this input."""
    of: int
    """Live applications in all."""

    @property
    def share(self) -> float:
        return self.present / self.of if self.of else 0.0


def completeness(data: ReportInput) -> list[Completeness]:
    """Per input, the share of live applications that have it: a yearly cost, both survey
    scores, known lifecycle dates for every technology, any technology, an owner."""
    live = [a for a in data.landscape.applications.values() if a.lifecycle in LIVE]

    def has(name: str, app: ApplicationRecord) -> bool:
        if name == "costs":
            return known_cost(app) is not None
        if name == "scores":
            return app.business_value is not None and app.technical_fitness is not None
        if name == "lifecycle":
            risks = data.assessments[app.id].technologies if app.id in data.assessments else ()
            return bool(app.technologies) and bool(risks) and all(r.known for r in risks)
        if name == "technologies":
            return bool(app.technologies)
        return bool(app.owner)

    return [
        Completeness(field, sum(1 for a in live if has(field, a)), len(live))
        for field in COMPLETENESS_FIELDS
    ]


def stale_scores(data: ReportInput) -> int:
    """Live applications whose survey scores are older than the rule book allows."""
    return sum(
        1
        for a in data.landscape.applications.values()
        if a.lifecycle in LIVE and a.id in data.assessments and data.assessments[a.id].stale
    )
