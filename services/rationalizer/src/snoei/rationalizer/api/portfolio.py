"""`GET /portfolio`: per owner and per capability domain what the landscape costs, the
proposals on it and the decisions pending, as the board report shows it."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from snoei.rationalizer.api.dependencies import Queries, not_found
from snoei.rationalizer.domain.portfolio import Costs, DomainPortfolio, OwnerPortfolio
from snoei.rationalizer.queries import NoRunYet
from snoei.shared.http import AuthorizedLandscape
from snoei.shared.identifiers import Text

router = APIRouter()


class CostsView(BaseModel):
    applications: list[str] = Field(description="Ids of the live applications counted.")
    yearly_cost: float = Field(description="Sum of the known yearly costs, in euros.")
    unknown_cost: int = Field(description="How many of them have no known cost (not in "
                                          "`yearly_cost`, never counted as 0).")

    @classmethod
    def of(cls, costs: Costs) -> CostsView:
        return cls(applications=list(costs.applications), yearly_cost=costs.yearly_cost,
                   unknown_cost=costs.unknown_cost)


class OwnerView(BaseModel):
    owner: str | None = Field(description="Null: applications without a recorded owner.")
    costs: CostsView
    proposals: int = Field(description="Open or accepted proposals on their applications.")
    recommended: int = Field(description="Of those, recommended to the board.")
    recommended_saving: float = Field(description="Yearly saving of the recommended ones.")
    pending: int = Field(description="Open proposals awaiting a decision.")

    @classmethod
    def of(cls, row: OwnerPortfolio) -> OwnerView:
        return cls(owner=row.owner, costs=CostsView.of(row.costs), proposals=row.proposals,
                   recommended=row.recommended, recommended_saving=row.recommended_saving,
                   pending=row.pending)


class DomainView(BaseModel):
    domain: str | None = Field(description="Capability id at the top of the tree; null: "
                                           "applications without a capability.")
    name: str
    costs: CostsView

    @classmethod
    def of(cls, row: DomainPortfolio) -> DomainView:
        return cls(domain=row.domain, name=row.name, costs=CostsView.of(row.costs))


class PortfolioView(BaseModel):
    run_id: uuid.UUID = Field(description="The run whose proposals are counted.")
    owners: list[OwnerView] = Field(description="Largest known cost first; no owner last.")
    domains: list[DomainView] = Field(description="Each live application in one domain "
                                                  "(its first capability's): they add up "
                                                  "to `total`.")
    total: CostsView = Field(description="Every live application of the landscape.")


@router.get("/portfolio", response_model=PortfolioView)
async def portfolio(
    landscape_id: AuthorizedLandscape,
    service: Queries,
    owner: Annotated[Text | None, Query(max_length=200, description="Only this owner "
                                        "(exact name) in `owners`.")] = None,
) -> PortfolioView:
    """The portfolio of the latest run (with decisions applied): per owner their live
    applications, known yearly cost (unknown costs counted apart), proposals, recommended
    saving and pending decisions; per capability domain the applications and cost."""
    try:
        run, view = await service.portfolio(landscape_id)
    except NoRunYet as exc:
        raise not_found(exc) from None
    return PortfolioView(
        run_id=run.row.run_id,
        owners=[OwnerView.of(o) for o in view.owners if owner is None or o.owner == owner],
        domains=[DomainView.of(d) for d in view.domains],
        total=CostsView.of(view.total),
    )
