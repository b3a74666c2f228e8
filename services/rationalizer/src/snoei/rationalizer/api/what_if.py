"""What-if: simulate retiring applications without changing the inventory."""

from __future__ import annotations

from fastapi import APIRouter

from snoei.rationalizer.api.dependencies import Queries
from snoei.rationalizer.api.models import WhatIfRequest
from snoei.rationalizer.domain.whatif import UnknownApplications, WhatIfResult
from snoei.shared.http import AuthorizedLandscape, Problem

router = APIRouter()


@router.post("/what-if", response_model=WhatIfResult)
async def simulate(
    landscape_id: AuthorizedLandscape, service: Queries, body: WhatIfRequest
) -> WhatIfResult:
    """Simulate retiring applications; nothing in the inventory changes."""
    try:
        return await service.what_if(landscape_id, body.retire)
    except UnknownApplications as exc:
        raise Problem(
            422,
            "Unknown application",
            f"{exc} in landscape {landscape_id!r}",
            extra={"unknown_applications": list(exc.application_ids)},
        ) from None
