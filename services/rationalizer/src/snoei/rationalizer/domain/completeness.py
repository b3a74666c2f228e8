"""Data completeness of a landscape: per field, how many of the organisation's own
applications have it, and which applications' missing data blocks the most advice."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from pydantic import BaseModel, ConfigDict, Field

from snoei.rationalizer.domain.landscape import Landscape
from snoei.shared.contracts.landscape import ApplicationRecord, TechnologyUse
from snoei.shared.contracts.proposals import Proposal

FIELDS: dict[str, str] = {
    "costs": "annual costs (licence, hosting, support, staff)",
    "scores": "business value and technical fitness survey scores",
    "lifecycle": "end-of-support dates of every technology it runs on",
    "technologies": "the technologies it runs on",
    "owner": "the owning department",
}


class FieldCompleteness(BaseModel):
    model_config = ConfigDict(frozen=True)

    field: str = Field(description="costs, scores, lifecycle, technologies or owner.")
    meaning: str = Field(description="What having this field means.")
    have: int = Field(ge=0, description="Owned applications that have it.")
    of: int = Field(ge=0, description="Owned applications counted.")
    share: float | None = Field(
        description="have / of, from 0 to 1; None when there are no owned applications."
    )


class BlockingApplication(BaseModel):
    model_config = ConfigDict(frozen=True)

    application: str = Field(description="Application id.")
    name: str = Field(description="Application name.")
    proposals: int = Field(ge=1, description="Proposals of the run that wait for its data.")
    missing: tuple[str, ...] = Field(description="Fields it lacks, of those counted here.")


class DataCompleteness(BaseModel):
    """How complete the landscape's data is; counted over the organisation's own (owned)
    applications that are not retired, since external facilities are not judged."""

    model_config = ConfigDict(frozen=True)

    applications: int = Field(ge=0, description="Owned, not retired applications counted.")
    fields: tuple[FieldCompleteness, ...]
    blocking: tuple[BlockingApplication, ...] = Field(
        default=(),
        description="Applications whose missing data blocks the most proposals of the latest "
        "run (counted over the proposals' missing inputs), most first.",
    )


def _has(app: ApplicationRecord, known: Callable[[TechnologyUse], bool]) -> dict[str, bool]:
    return {
        "costs": app.costs is not None,
        "scores": app.business_value is not None and app.technical_fitness is not None,
        "lifecycle": bool(app.technologies) and all(known(t) for t in app.technologies),
        "technologies": bool(app.technologies),
        "owner": app.owner is not None,
    }


def data_completeness(
    landscape: Landscape,
    known_lifecycle: Callable[[TechnologyUse], bool],
    proposals: Iterable[Proposal] = (),
    *,
    limit: int = 10,
) -> DataCompleteness:
    """``known_lifecycle`` tells whether a technology's end-of-support dates are known;
    ``proposals`` (the latest run's) give the applications whose data blocks advice."""
    counted = [a for a in landscape.applications.values() if a.owned and a.lifecycle != "retired"]
    has = {a.id: _has(a, known_lifecycle) for a in counted}
    fields = []
    for name, meaning in FIELDS.items():
        have = sum(1 for a in counted if has[a.id][name])
        share = round(have / len(counted), 4) if counted else None
        fields.append(
            FieldCompleteness(field=name, meaning=meaning, have=have, of=len(counted), share=share)
        )
    waiting = Counter(a for p in proposals for a in set(p.data_needed_from))
    blocking = [
        BlockingApplication(
            application=app_id,
            name=landscape.applications[app_id].name
            if app_id in landscape.applications
            else app_id,
            proposals=count,
            missing=tuple(f for f, present in has.get(app_id, {}).items() if not present),
        )
        for app_id, count in sorted(waiting.items(), key=lambda item: (-item[1], item[0]))[:limit]
    ]
    return DataCompleteness(
        applications=len(counted), fields=tuple(fields), blocking=tuple(blocking)
    )
