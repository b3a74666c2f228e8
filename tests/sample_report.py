"""The sample municipality as one rationalizer run sees it on the samples' reference date,
and the board report input of that run: what the report tests check figures and pictures
against."""

from __future__ import annotations

from datetime import date

from snoei.rationalizer.adapters.endoflife import packaged_catalogue
from snoei.rationalizer.domain.engine import Evaluation, rationalise
from snoei.rationalizer.domain.landscape import Landscape
from snoei.rationalizer.domain.rulebook import RulesConfig
from snoei.rationalizer.domain.technology import LifecycleCatalogue
from snoei.rationalizer.report import ReportInput, build_report_input
from snoei.samples import generate_municipality

TODAY = date(2026, 11, 23)  # the samples' reference date, so figures and pictures are stable


def municipal_report() -> tuple[ReportInput, Evaluation]:
    """The sample's run with the default rule book and the packaged lifecycle catalogue."""
    sample = generate_municipality()
    landscape = Landscape(
        applications=sample.applications,
        integrations=sample.integrations,
        capabilities=sample.capabilities,
        technologies=sample.technologies,
        version=1,
    )
    return report_of(sample.landscape_id, landscape, RulesConfig(), packaged_catalogue())


def report_of(
    landscape_id: str,
    landscape: Landscape,
    config: RulesConfig,
    catalogue: LifecycleCatalogue,
    today: date = TODAY,
) -> tuple[ReportInput, Evaluation]:
    """One run of ``landscape`` and the board report input of it."""
    evaluation = rationalise(landscape, config=config, catalogue=catalogue, today=today)
    data = build_report_input(
        landscape_id,
        landscape,
        evaluation.proposals,
        evaluation.waves,
        catalogue=catalogue,
        config=config,
        today=today,
        quadrants=evaluation.quadrants,
    )
    return data, evaluation
