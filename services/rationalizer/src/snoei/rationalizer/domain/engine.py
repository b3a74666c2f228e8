"""The rationalisation run: assess every application, draft the proposals each rule fires,
finish them, check coverage and plan the waves. The steps live in their own modules; this
one orders them and carries what a run leaves for the next run of the same landscape."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from snoei.rationalizer.domain.assessing import Assessed, Assessor
from snoei.rationalizer.domain.blasts import Blast, BlastKey, BlastRadii
from snoei.rationalizer.domain.coverage import REMOVING, Coverage, checked_coverage
from snoei.rationalizer.domain.decisions import ACTIVE_STATUSES, Decision, Verdict
from snoei.rationalizer.domain.drafting import Drafter, DraftMemo
from snoei.rationalizer.domain.drafts import RunFacts, proposal_id
from snoei.rationalizer.domain.explain import why_empty
from snoei.rationalizer.domain.finishing import Finished, Finisher
from snoei.rationalizer.domain.landscape import Changes, Landscape
from snoei.rationalizer.domain.market import EMPTY_MARKET, MarketCatalogue
from snoei.rationalizer.domain.overlap import Cluster, OverlapGroups, overlap_groups
from snoei.rationalizer.domain.rulebook import (
    COVERAGE,
    FUNCTIONAL_OVERLAP,
    RulesConfig,
)
from snoei.rationalizer.domain.summary import euros
from snoei.rationalizer.domain.technology import LifecycleCatalogue
from snoei.rationalizer.domain.waves import PlannedWaves, WavePlan, planned_waves
from snoei.shared.contracts.proposals import Proposal, RuleFired

__all__ = [
    "ACTIVE_STATUSES",
    "Decision",
    "EngineMemo",
    "Evaluation",
    "Verdict",
    "euros",
    "proposal_id",
    "rationalise",
]

NO_DATA = "the landscape has no applications yet"


@dataclass(frozen=True, slots=True)
class EngineMemo:
    """What a run leaves for the next run of the same landscape: its landscape, and each
    step's results with what they were worked out from. The next run re-uses a result when
    all of that is the same, which gives the same result as recomputing: a blast radius
    when none of the applications it read changed its outgoing integrations, assessments,
    overlap groups, drafts (``DraftMemo``), the wave plan, and a finished proposal when
    every input of ``Finisher.finish_new`` is the same. What changed since the memo's
    landscape (``Changes``) is worked out once, from the records and adjacency lists that
    are not the very same objects."""

    landscape: Landscape
    blasts: Mapping[BlastKey, Blast]
    config: RulesConfig | None = None
    finished: Mapping[str, Finished] = field(default_factory=dict)
    # Assessments with what they depend on besides the record: catalogue and day.
    catalogue: LifecycleCatalogue | None = None
    today: date | None = None
    assessments: Assessed | None = None
    overlap: OverlapGroups | None = None
    drafts: DraftMemo = field(default_factory=DraftMemo)
    waves: PlannedWaves | None = None
    coverage: Coverage | None = None

    @property
    def clusters(self) -> tuple[Cluster, ...]:
        """The consolidation clusters of the run, by overlap group."""
        return tuple(c for group in self.drafts.groups.values() for c in group.clusters)


@dataclass(frozen=True, slots=True)
class Evaluation:
    proposals: tuple[Proposal, ...]
    quadrants: Mapping[str, str]
    waves: WavePlan
    empty_reason: str | None = None
    notes: tuple[RuleFired, ...] = ()  # what the run considered and set aside, with facts
    memo: EngineMemo | None = field(default=None, compare=False, repr=False)

    @property
    def total_yearly_saving(self) -> float:
        """The known savings of the standing proposals; unknown ones are counted apart."""
        return round(
            sum(
                p.yearly_saving
                for p in self.proposals
                if p.status in ACTIVE_STATUSES and p.yearly_saving is not None
            ),
            2,
        )

    @property
    def unknown_saving_count(self) -> int:
        """Standing proposals whose saving is unknown (their inputs are missing)."""
        return sum(
            1 for p in self.proposals if p.status in ACTIVE_STATUSES and p.yearly_saving is None
        )


class Rationalizer:
    """One evaluation of one landscape; pure: the same inputs give the same proposals."""

    def __init__(
        self,
        landscape: Landscape,
        *,
        config: RulesConfig,
        catalogue: LifecycleCatalogue,
        today: date,
        previous_quadrants: Mapping[str, str] | None = None,
        decisions: Mapping[str, Decision] | None = None,
        memo: EngineMemo | None = None,
        market: MarketCatalogue = EMPTY_MARKET,
    ) -> None:
        self.landscape = landscape
        self.market = market
        self.config = config
        self.catalogue = catalogue.with_records(landscape.technologies.values())
        self.today = today
        self.previous = previous_quadrants or {}
        self.decisions = decisions or {}
        self.blasts = BlastRadii(landscape, {})
        self._finished_before: Mapping[str, Finished] = {}
        self._assessed_before: Assessed | None = None
        self._overlap_before: OverlapGroups | None = None
        self._drafts_before: DraftMemo | None = None
        self._waves_before: PlannedWaves | None = None
        self._coverage_before: Coverage | None = None
        self._changes: Changes | None = None
        if memo is not None:
            self._overlap_before = memo.overlap
            self._waves_before = memo.waves
            self._coverage_before = memo.coverage
            self._changes = Changes.between(landscape, memo.landscape)
            self.blasts = BlastRadii.after(landscape, memo.landscape, memo.blasts)
            if memo.config == config:
                self._finished_before = memo.finished
                self._drafts_before = memo.drafts
                if memo.catalogue is self.catalogue and memo.today == today:
                    self._assessed_before = memo.assessments

    def run(self) -> Evaluation:
        if self.landscape.is_empty:
            return Evaluation((), {}, WavePlan(), NO_DATA)
        assessor = Assessor(
            self.landscape,
            config=self.config,
            catalogue=self.catalogue,
            today=self.today,
            previous=self.previous,
        )
        assessed = assessor.assess_all(self._assessed_before, self._changes)
        run = RunFacts(
            self.landscape,
            self.config,
            self.catalogue,
            self.today,
            self.previous,
            assessed.assessments,
            self.blasts,
            self.market,
        )
        overlap = (
            overlap_groups(self.landscape, self.config, self._overlap_before, self._changes)
            if self.config.enabled(FUNCTIONAL_OVERLAP)
            else None
        )
        drafter = Drafter(run, self._drafts_before, self._changes)
        drafts = drafter.draft(overlap, assessor.reassessed)
        finisher = Finisher(run, self.decisions, self._finished_before, self._changes)
        proposals = [finisher.finish(d) for d in drafts]
        coverage = None
        if self.config.enabled(COVERAGE):
            proposals, coverage = checked_coverage(
                proposals, run, self._coverage_before, assessor.reassessed
            )
        notes = overlap.notes if overlap is not None else ()
        waves = self._waves(proposals)
        memo = EngineMemo(
            self.landscape,
            self.blasts.used,
            self.config,
            finisher.finished,
            self.catalogue,
            self.today,
            assessed,
            overlap,
            drafter.memo,
            waves,
            coverage,
        )
        return Evaluation(
            tuple(proposals),
            assessed.quadrants,
            waves.plan,
            why_empty(run, overlap) if not proposals else None,
            notes,
            memo=memo,
        )

    def _waves(self, proposals: list[Proposal]) -> PlannedWaves:
        """Decommission waves for the standing proposals that take an application out."""
        return planned_waves(
            self.landscape,
            [
                p.targets[0]
                for p in proposals
                if p.action in REMOVING and p.status in ACTIVE_STATUSES
            ],
            {p.targets[0]: p.id for p in proposals if p.action in REMOVING},
            self._waves_before,
            self._changes.integrations if self._changes is not None else None,
        )


def rationalise(
    landscape: Landscape,
    *,
    config: RulesConfig,
    catalogue: LifecycleCatalogue,
    today: date,
    previous_quadrants: Mapping[str, str] | None = None,
    decisions: Mapping[str, Decision] | None = None,
    memo: EngineMemo | None = None,
    market: MarketCatalogue = EMPTY_MARKET,
) -> Evaluation:
    """Evaluate ``landscape``; ``previous_quadrants`` feed hysteresis, ``decisions`` keep
    accepted and rejected proposals as decided while their facts stay the same. ``memo``
    (``Evaluation.memo`` of the landscape's previous run) lets the run re-use what did not
    change; the result is the same as without it."""
    return Rationalizer(
        landscape,
        config=config,
        catalogue=catalogue,
        today=today,
        previous_quadrants=previous_quadrants,
        decisions=decisions,
        memo=memo,
        market=market,
    ).run()
