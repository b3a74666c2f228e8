"""How the CLI calls a Snoei service: the answer, or an ``ApiError`` whose message is the one
line to show (the service is not reachable, or it refused with RFC 9457 problem details)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # httpx is imported when a request is sent, not when the CLI starts
    import httpx

TOKEN_HINT = " (check SNOEI_API_TOKEN)"


class ApiError(Exception):
    """A Snoei service was not reachable or refused a request; ``str()`` says why and what
    to do. ``status`` is the HTTP status, None when no answer came; ``problem`` the refusal's
    problem details, e.g. the bad rows of a rejected import."""

    def __init__(
        self, message: str, status: int | None = None, problem: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.problem = problem or {}


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for ``token``; no token is an error the user can fix."""
    if not token:
        raise ApiError(
            "no API token: start a stack (uv run snoei stack up), set SNOEI_API_TOKEN or pass "
            "--token"
        )
    return {"Authorization": f"Bearer {token}"}


def client(base_url: str, *, service: str, headers: dict[str, str], timeout: float) -> httpx.Client:
    """A client for ``service`` at ``base_url``; a URL httpx cannot parse is the user's to fix."""
    import httpx

    try:
        return httpx.Client(base_url=base_url, headers=headers, timeout=timeout)
    except httpx.InvalidURL as exc:
        raise ApiError(
            f"{base_url!r} is not a URL ({exc}); set SNOEI_{service.upper()}_URL"
        ) from None


def call(
    http: httpx.Client,
    method: str,
    url: str,
    *,
    service: str,
    json: Any = None,
    params: Any = None,
    files: Any = None,
    text: bool = False,
    unreachable: str | None = None,
) -> Any:
    """Send one request to ``service`` ("inventory", "rationalizer") and return the answer's
    JSON, or its text when ``text``. ``unreachable`` says what to do when the service does not
    answer; by default: start the stack or set SNOEI_<SERVICE>_URL."""
    import httpx

    request = http.build_request(method, url, json=json, params=params, files=files)
    try:
        response = http.send(request)
    except httpx.RequestError as exc:
        # The base URL the user configured; a client without one (the demo) shows the URL.
        where = str(http.base_url).rstrip("/") or str(request.url)
        todo = unreachable or f"start it (uv run snoei stack up) or set SNOEI_{service.upper()}_URL"
        reason = str(exc) or type(exc).__name__
        raise ApiError(f"cannot reach the {service} at {where} ({reason}); {todo}") from None
    if not response.is_success:
        raise ApiError(_refusal(service, response), response.status_code, _problem(response))
    if text:
        return response.text
    try:
        return response.json()
    except ValueError:
        raise ApiError(
            f"the {service} answered {response.status_code} without JSON: "
            f"{_excerpt(response.text)}",
            response.status_code,
        ) from None


def _problem(response: httpx.Response) -> dict[str, Any] | None:
    """The body of a refusal when it is a JSON object (RFC 9457 problem details)."""
    try:
        problem = response.json()
    except ValueError:
        return None
    return problem if isinstance(problem, dict) else None


def _refusal(service: str, response: httpx.Response) -> str:
    """``the <service> answered <status> <title>: <detail>``, from problem details when the
    body has them, else from the status line and the start of the body."""
    title, detail = response.reason_phrase, _excerpt(response.text)
    problem = _problem(response)
    if problem is not None:
        title = str(problem.get("title") or title)
        detail = str(problem.get("detail") or detail)
    line = f"the {service} answered {response.status_code} {title}".rstrip()
    if detail:
        line += f": {detail}"
    return line + (TOKEN_HINT if response.status_code in (401, 403) else "")


def _excerpt(body: str, limit: int = 200) -> str:
    """The start of a body on one line: an HTML error page must not flood the terminal."""
    flat = " ".join(body.split())
    return flat if len(flat) <= limit else flat[:limit] + "…"
