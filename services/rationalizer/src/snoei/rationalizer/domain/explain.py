"""Why a run proposes nothing, worked out from the landscape: which rule had nothing to go
on, and which data would give it something."""

from __future__ import annotations

from snoei.rationalizer.domain.drafts import RunFacts
from snoei.rationalizer.domain.overlap import OverlapGroups
from snoei.rationalizer.domain.overlapinputs import overlap_candidates
from snoei.rationalizer.domain.rulebook import FUNCTIONAL_OVERLAP, REPLACE, RETIRE
from snoei.shared.contracts.landscape import Lifecycle

HOW_TO_ADD = (
    "add them as columns of a CSV import, properties of an ArchiMate model "
    "(e.g. `cost licence`, `business value`, `technical fitness`, `Lifecycle`, `users`, "
    "`Technologies`) or `snoei.io/...` annotations in Backstage (docs/importers.md)"
)


def why_empty(run: RunFacts, overlap: OverlapGroups | None) -> str:
    """One sentence per rule saying why it proposed nothing on this landscape."""
    owned = [a for a in run.landscape.applications.values() if a.owned]
    if not owned:
        return (
            f"none of the {len(run.landscape.applications)} applications is the "
            "organisation's own (all are external, national or sector facilities), so there "
            "is nothing to retire, replace or consolidate"
        )
    reasons = []
    if run.config.enabled(FUNCTIONAL_OVERLAP) and overlap is not None:
        reasons.append(_overlap_reason(run, overlap))
    if run.config.enabled(RETIRE):
        reasons.append(_retire_reason(run))
    if run.config.enabled(REPLACE):
        reasons.append(_replace_reason(run))
    return "; ".join(r for r in reasons if r) or "no rule found anything to propose"


def _overlap_reason(run: RunFacts, overlap: OverlapGroups) -> str:
    candidates = overlap_candidates(run.landscape)
    with_capabilities = sum(1 for caps in candidates.values() if caps)
    if with_capabilities < 2:
        return (
            f"{with_capabilities} active owned application(s) name the capabilities or "
            "reference components they realise, too few to find duplicates — add them"
        )
    if overlap.notes:
        return (
            "no two applications share a specific capability: "
            f"{len(overlap.notes)} similar pair(s) were set aside (structure between them, "
            "or only general capabilities in common; see the run's notes)"
        )
    return "no two applications share a specific capability"


def _retire_reason(run: RunFacts) -> str:
    owned = [a for a in run.landscape.applications.values() if a.owned]
    scored = sum(
        1 for a in owned if a.business_value is not None and a.technical_fitness is not None
    )
    costed = sum(1 for a in owned if a.costs is not None)
    users = sum(1 for a in owned if a.users is not None)
    phasing_out = sum(1 for a in owned if a.lifecycle == Lifecycle.PHASE_OUT)
    if scored == 0 and users == 0 and phasing_out == 0:
        missing = "costs, " if costed == 0 else ""
        return (
            f"no {missing}scores, users or lifecycle data to judge retirement "
            f"(of {len(owned)} owned applications none has business value and technical "
            f"fitness, users or a phase-out) — {HOW_TO_ADD}"
        )
    return (
        f"no owned application is in phase-out, unused or in the Eliminate quadrant "
        f"({scored} of {len(owned)} have survey scores, {users} a number of users)"
    )


def _replace_reason(run: RunFacts) -> str:
    owned = [a for a in run.landscape.applications.values() if a.owned]
    with_technologies = sum(1 for a in owned if a.technologies)
    if with_technologies == 0:
        return (
            "no technologies recorded, so no end-of-life technology to replace — "
            "add `Technologies` (product:version)"
        )
    return (
        f"no valuable owned application runs on end-of-life technology "
        f"({with_technologies} of {len(owned)} list their technologies)"
    )
