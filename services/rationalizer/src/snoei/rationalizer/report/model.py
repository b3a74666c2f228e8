"""What one report shows: the landscape, the latest run's proposals and waves, and a fresh
assessment of every application (value, effective fitness, technologies)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from snoei.rationalizer.domain.assessment import Assessment, Quadrant, assess
from snoei.rationalizer.domain.engine import ACTIVE_STATUSES
from snoei.rationalizer.domain.landscape import Landscape
from snoei.rationalizer.domain.rulebook import RulesConfig
from snoei.rationalizer.domain.technology import LifecycleCatalogue
from snoei.rationalizer.domain.waves import WavePlan
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

    @property
    def active(self) -> list[Proposal]:
        """Open and accepted proposals: the ones that count towards the saving."""
        return [p for p in self.proposals if p.status in ACTIVE_STATUSES]

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
    )
