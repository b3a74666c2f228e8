"""HTTP side shared by the services: RFC 9457 problem details, bearer-token landscape
access (a FastAPI dependency), and the health / readiness endpoints."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException

from snoei.shared.identifiers import LandscapeId

PROBLEM_JSON = "application/problem+json"


class Problem(Exception):
    """A user-facing error rendered as problem details (RFC 9457)."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        *,
        type_: str = "about:blank",
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.type = type_
        self.extra = dict(extra or {})


def problem_response(
    status: int, title: str, detail: str, *, type_: str = "about:blank", **extra: Any
) -> JSONResponse:
    body = {"type": type_, "title": title, "status": status, "detail": detail, **extra}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def install_problem_handlers(app: FastAPI) -> None:
    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Problem)
        return problem_response(
            exc.status,
            exc.title,
            exc.detail,
            type_=exc.type,
            instance=str(request.url.path),
            **exc.extra,
        )

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()
        ]
        first = errors[0] if errors else {"field": "?", "message": "invalid"}
        return problem_response(
            422,
            "Invalid request",
            f"{first['field']}: {first['message']}"
            + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""),
            instance=str(request.url.path),
            errors=errors,
        )

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        return problem_response(
            exc.status_code,
            _title(exc.status_code),
            str(exc.detail),
            instance=str(request.url.path),
        )

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        return problem_response(
            500,
            "Internal error",
            "The server failed; the error is logged with this path.",
            instance=str(request.url.path),
        )

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)


def _title(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


_bearer = HTTPBearer(auto_error=False, description="Token mapped to landscapes in SNOEI_API_TOKENS")


class TokenRegistry:
    """Which landscapes each bearer token may see ("*" = all)."""

    def __init__(self, tokens: Mapping[str, Sequence[str]]) -> None:
        self._tokens = {token: frozenset(scopes) for token, scopes in tokens.items()}

    def landscapes_for(self, token: str) -> frozenset[str] | None:
        for known, scopes in self._tokens.items():
            if hmac.compare_digest(known.encode(), token.encode()):
                return scopes
        return None

    def scopes(self, credentials: HTTPAuthorizationCredentials | None) -> frozenset[str]:
        """The landscapes a request's bearer token may see; 401 without a known token."""
        if credentials is None or not credentials.credentials:
            raise Problem(
                401, "Unauthorized", "Send a bearer token: Authorization: Bearer <token>."
            )
        scopes = self.landscapes_for(credentials.credentials)
        if scopes is None:
            raise Problem(401, "Unauthorized", "The bearer token is not known.")
        return scopes

    def authorize(self, credentials: HTTPAuthorizationCredentials | None, landscape_id: str) -> str:
        scopes = self.scopes(credentials)
        if "*" not in scopes and landscape_id not in scopes:
            raise Problem(
                403, "Forbidden", f"This token has no access to landscape {landscape_id!r}."
            )
        return landscape_id


def grant_tokens(app: FastAPI, tokens: Mapping[str, Sequence[str]]) -> None:
    """Which bearer tokens may see which landscapes, for :func:`authorized_landscape`."""
    app.state.token_registry = TokenRegistry(tokens)


async def authorized_landscape(
    request: Request,
    landscape_id: Annotated[LandscapeId, Path(description="The landscape (tenant) asked about.")],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """The path's ``landscape_id`` once it is well-formed and the bearer token may see it.

    ``async`` (it never waits) like the other token dependencies here: FastAPI would run a
    plain ``def`` in its thread pool, a thread hop on every request."""
    registry: TokenRegistry = request.app.state.token_registry
    return registry.authorize(credentials, landscape_id)


AuthorizedLandscape = Annotated[str, Depends(authorized_landscape)]
"""Route parameter type: the landscape of the path, guarded by the bearer token."""


async def visible_landscapes(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> frozenset[str] | None:
    """The landscapes the bearer token may see; None when it may see every one ("*")."""
    registry: TokenRegistry = request.app.state.token_registry
    scopes = registry.scopes(credentials)
    return None if "*" in scopes else scopes


VisibleLandscapes = Annotated[frozenset[str] | None, Depends(visible_landscapes)]
"""Route parameter type: the landscapes of a cross-landscape route's token (None = all)."""


def token_fingerprint(token: str) -> str:
    """Who called, as far as the server knows: tokens carry no names, so a caller is known
    by the first 12 hex digits of the SHA-256 of its bearer token (``token:1a2b…``). That
    names the token without revealing it, and is what a decision records next to the name
    a caller gives."""
    return "token:" + hashlib.sha256(token.encode()).hexdigest()[:12]


async def caller(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """The fingerprint of the bearer token of a request that ``AuthorizedLandscape`` let
    through (so a token is present)."""
    return token_fingerprint(credentials.credentials if credentials else "")


Caller = Annotated[str, Depends(caller)]
"""Route parameter type: ``token:<fingerprint>`` of the request's bearer token."""


Check = Callable[[], Awaitable[str | None]]


def health_router(checks: Mapping[str, Check]) -> APIRouter:
    """``/health``: the process lives. ``/ready``: every check returns None (else its reason)."""
    router = APIRouter(tags=["health"])

    @router.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/ready", response_model=None)
    async def ready() -> JSONResponse | dict[str, Any]:
        failing: dict[str, str] = {}
        for name, check in checks.items():
            try:
                reason = await check()
            except Exception as exc:  # a failing dependency is a "not ready" answer, not a 500
                reason = f"{type(exc).__name__}: {exc}"
            if reason:
                failing[name] = reason
        if failing:
            return problem_response(
                503,
                "Not ready",
                "; ".join(f"{k}: {v}" for k, v in failing.items()),
                checks=failing,
            )
        return {"status": "ready", "checks": dict.fromkeys(checks, "ok")}

    return router
