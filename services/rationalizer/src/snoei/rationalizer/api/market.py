"""The market catalogue (the Softwarecatalogus list "Alle pakketten"): global, so only a
token for every landscape ("*") may replace it; any known token may see what is stored."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile

from snoei.rationalizer.api.dependencies import Market
from snoei.rationalizer.domain.market import MarketFileError
from snoei.rationalizer.market import MarketRejected
from snoei.shared.http import Problem, TokenRegistry

MAX_CATALOGUE_BYTES = 64 * 1024 * 1024  # the whole list is a few MB
_bearer = HTTPBearer(auto_error=False, description="Token mapped to landscapes in SNOEI_API_TOKENS")
router = APIRouter(prefix="/v1/market-catalogue", tags=["market catalogue"])


def _scopes(request: Request, credentials: HTTPAuthorizationCredentials | None) -> frozenset[str]:
    if credentials is None or not credentials.credentials:
        raise Problem(401, "Unauthorized", "Send a bearer token: Authorization: Bearer <token>.")
    registry: TokenRegistry = request.app.state.token_registry
    scopes = registry.landscapes_for(credentials.credentials)
    if scopes is None:
        raise Problem(401, "Unauthorized", "The bearer token is not known.")
    return scopes


def any_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    _scopes(request, credentials)


def every_landscape(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    if "*" not in _scopes(request, credentials):
        raise Problem(403, "Forbidden", "The market catalogue serves every landscape: replacing "
                      "it needs a token for all of them (\"*\" in SNOEI_API_TOKENS).")


class MarketRow(BaseModel):
    location: str = Field(description="Line (and column) of the row in the file.")
    message: str = Field(description="What is wrong with it.")


class MarketCatalogueView(BaseModel):
    products: int = Field(description="Package versions stored.")
    source: str | None = Field(description="The file they came from.")
    uploaded_at: datetime = Field(description="When they were uploaded.")
    skipped: list[MarketRow] = Field(default=[], description="Rows left out (on_error=skip).")


async def _body(request: Request) -> tuple[bytes, str | None]:
    """The CSV as the request body, or as the multipart field ``file``."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form(max_part_size=MAX_CATALOGUE_BYTES)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise Problem(422, "Unreadable file", "multipart upload without a `file` field")
        return await upload.read(MAX_CATALOGUE_BYTES + 1), upload.filename
    data = bytearray()
    async for chunk in request.stream():
        data.extend(chunk)
        if len(data) > MAX_CATALOGUE_BYTES:
            break
    return bytes(data), None


@router.put(
    "", response_model=MarketCatalogueView, dependencies=[Depends(every_landscape)],
    openapi_extra={"requestBody": {"required": True, "content": {
        "text/csv": {"schema": {"type": "string"}},
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "file": {"type": "string", "format": "binary"}}}}}}},
)
async def replace_catalogue(
    request: Request,
    market: Market,
    on_error: Annotated[Literal["abort", "skip"], Query(
        description="A bad row: `abort` (nothing stored) or `skip` it (listed).")] = "abort",
) -> MarketCatalogueView:
    """Replace the market catalogue with a Softwarecatalogus "Alle pakketten" CSV."""
    data, filename = await _body(request)
    if len(data) > MAX_CATALOGUE_BYTES:
        raise Problem(413, "Content too large", f"the catalogue is limited to "
                      f"{MAX_CATALOGUE_BYTES} bytes")
    try:
        done = await market.upload(data, source=filename, on_error=on_error)
    except MarketFileError as exc:
        raise Problem(422, "Unreadable file", str(exc)) from None
    except MarketRejected as exc:
        raise Problem(422, "Catalogue rejected", str(exc), extra={
            "errors": [{"location": str(e).partition(": ")[0], "message": e.message}
                       for e in exc.errors]}) from None
    return MarketCatalogueView(
        products=done.stored.products, source=done.stored.source,
        uploaded_at=done.stored.uploaded_at,
        skipped=[MarketRow(location=str(e).partition(": ")[0], message=e.message)
                 for e in done.skipped])


@router.get("", response_model=MarketCatalogueView, dependencies=[Depends(any_token)])
async def stored_catalogue(market: Market) -> MarketCatalogueView:
    """What the stored market catalogue came from; 404 before the first upload."""
    stored = await market.stored()
    if stored is None:
        raise Problem(404, "Not found", "no market catalogue has been uploaded yet")
    return MarketCatalogueView(products=stored.products, source=stored.source,
                               uploaded_at=stored.uploaded_at)
