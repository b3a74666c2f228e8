"""The portfolio as the business steers it: per owner (department / opdrachtgever) their
applications, yearly cost, the proposals on them and the decisions pending; per capability
domain (the top of the capability tree) what its applications cost a year.

Only live applications (plan, active, phase-out) count. An application whose costs the
inventory does not know is counted as such, never as €0. Each application
belongs to one domain, that of its first-listed capability (its main function), so the
domains' costs add up to the landscape's."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from snoei.rationalizer.domain.decisions import ACTIVE_STATUSES
from snoei.rationalizer.domain.landscape import LIVE, Landscape
from snoei.shared.contracts.landscape import ApplicationRecord
from snoei.shared.contracts.proposals import Proposal, ProposalStatus


@dataclass(frozen=True, slots=True)
class Costs:
    """What a set of applications costs a year, and how many of them have no known cost."""

    applications: tuple[str, ...]
    yearly_cost: float
    unknown_cost: int


@dataclass(frozen=True, slots=True)
class OwnerPortfolio:
    owner: str | None
    """``None``: applications without a recorded owner."""
    costs: Costs
    proposals: int
    """Proposals still standing (open or accepted) on the owner's applications."""
    recommended: int
    recommended_saving: float
    """Sum of the yearly savings of the recommended ones among them."""
    pending: int
    """Open proposals on the owner's applications that await a decision."""


@dataclass(frozen=True, slots=True)
class DomainPortfolio:
    domain: str | None
    """Capability id of the top of the tree; ``None``: applications without a capability."""
    name: str
    costs: Costs


@dataclass(frozen=True, slots=True)
class Portfolio:
    owners: tuple[OwnerPortfolio, ...]
    domains: tuple[DomainPortfolio, ...]
    total: Costs


def known_cost(app: ApplicationRecord) -> float | None:
    """The application's yearly cost; ``None`` when the inventory has none for it."""
    return app.yearly_cost


def costs_of(apps: Iterable[ApplicationRecord]) -> Costs:
    ids, total, unknown = [], 0.0, 0
    for app in apps:
        ids.append(app.id)
        cost = known_cost(app)
        if cost is None:
            unknown += 1
        else:
            total += cost
    return Costs(tuple(sorted(ids)), round(total, 2), unknown)


def domain_of(landscape: Landscape, app: ApplicationRecord) -> str | None:
    """The top of the capability tree above the application's first-listed capability."""
    if not app.capabilities:
        return None
    current, seen = app.capabilities[0], set()
    while current not in seen:
        seen.add(current)
        record = landscape.capabilities.get(current)
        if record is None or record.parent_id is None:
            return current
        current = record.parent_id
    return current  # a cycle in the tree: the capability where it closes


def portfolio(
    landscape: Landscape,
    proposals: Iterable[Proposal],
    *,
    recommended: Mapping[str, float] | None = None,
) -> Portfolio:
    """The portfolio of ``landscape``; ``recommended`` maps the ids of the proposals that
    are recommended to the board to their (known) yearly savings."""
    recommended = recommended or {}
    live = [a for a in landscape.applications.values() if a.lifecycle in LIVE]
    standing = [p for p in proposals if p.status in ACTIVE_STATUSES and p.targets]
    owners: dict[str | None, list[ApplicationRecord]] = {}
    domains: dict[str | None, list[ApplicationRecord]] = {}
    for app in live:
        owners.setdefault(app.owner, []).append(app)
        domains.setdefault(domain_of(landscape, app), []).append(app)
    owner_of = {a.id: a.owner for a in landscape.applications.values()}
    owner_rows = []
    for owner, apps in owners.items():
        mine = [p for p in standing if owner_of.get(p.targets[0]) == owner]
        chosen = [p for p in mine if p.id in recommended]
        owner_rows.append(
            OwnerPortfolio(
                owner=owner,
                costs=costs_of(apps),
                proposals=len(mine),
                recommended=len(chosen),
                recommended_saving=round(sum(recommended[p.id] for p in chosen), 2),
                pending=sum(1 for p in mine if p.status == ProposalStatus.OPEN),
            )
        )
    domain_rows = [
        DomainPortfolio(
            domain=domain,
            name=landscape.capability_name(domain) if domain is not None else "",
            costs=costs_of(apps),
        )
        for domain, apps in domains.items()
    ]
    return Portfolio(
        owners=tuple(sorted(owner_rows, key=lambda r: _order(r.owner, r.costs))),
        domains=tuple(sorted(domain_rows, key=lambda r: _order(r.domain, r.costs))),
        total=costs_of(live),
    )


def _order(key: str | None, costs: Costs) -> tuple[bool, float, str]:
    """Largest cost first; the group without an owner or domain last."""
    return (key is None, -costs.yearly_cost, key or "")
