"""The CLI's one way to call a service: every failure becomes one line the user can act on."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import typer
from typer.testing import CliRunner

from snoei.cli import imports
from snoei.cli.api import ApiError, bearer, call, client
from snoei.cli.demo import DemoError, _get
from snoei.cli.main import app as snoei

pytestmark = pytest.mark.unit

DATA = Path(__file__).parent.parent / "data" / "inventory"
BASE = "http://inventory.test"


def _client(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.Client:
    return httpx.Client(base_url=BASE, transport=httpx.MockTransport(handler))


def _problem(status: int, title: str, detail: str) -> httpx.Response:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return httpx.Response(status, json=body, headers={"content-type": "application/problem+json"})


def _failure(
    handler: Callable[[httpx.Request], httpx.Response], unreachable: str | None = None
) -> ApiError:
    with _client(handler) as http, pytest.raises(ApiError) as caught:
        call(http, "GET", "/v1/x", service="inventory", unreachable=unreachable)
    return caught.value


def test_success_returns_the_json_or_the_text() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.params["limit"] == "1"
        return httpx.Response(200, json={"applied": 2})

    with _client(handler) as http:
        assert call(http, "GET", "/v1", service="inventory", params={"limit": 1}) == {"applied": 2}
        assert call(http, "GET", "/v1", service="inventory", params={"limit": 1}, text=True) == (
            '{"applied":2}'
        )


def _refused(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("[Errno 111] Connection refused", request=request)


def _no_base_url() -> httpx.Client:
    """A client like the demo's: absolute URLs, no service behind them."""
    return httpx.Client(transport=httpx.MockTransport(_refused))


def test_unreachable_names_the_service_its_url_and_the_setting() -> None:
    error = _failure(_refused)
    assert str(error) == (
        "cannot reach the inventory at http://inventory.test ([Errno 111] Connection refused); "
        "start it (uv run snoei stack up) or set SNOEI_INVENTORY_URL"
    )
    assert error.status is None


def test_unreachable_advice_can_be_replaced_and_a_silent_error_is_named() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("", request=request)

    error = _failure(handler, unreachable="see the logs in /tmp/logs")
    assert str(error) == (
        "cannot reach the inventory at http://inventory.test (ReadTimeout); "
        "see the logs in /tmp/logs"
    )


def test_unauthorized_problem_gives_title_detail_and_the_token_hint() -> None:
    error = _failure(lambda _: _problem(401, "Unauthorized", "The bearer token is not known."))
    assert str(error) == (
        "the inventory answered 401 Unauthorized: The bearer token is not known. "
        "(check SNOEI_API_TOKEN)"
    )
    assert error.status == 401


def test_forbidden_also_hints_at_the_token() -> None:
    error = _failure(lambda _: _problem(403, "Forbidden", "No access to landscape 'x'."))
    assert str(error).endswith("No access to landscape 'x'. (check SNOEI_API_TOKEN)")


def test_not_found_problem_has_no_token_hint() -> None:
    error = _failure(lambda _: _problem(404, "Not found", "No run 'r-1' in landscape 'x'."))
    assert str(error) == "the inventory answered 404 Not found: No run 'r-1' in landscape 'x'."
    assert error.status == 404


def test_non_json_error_body_is_cut_to_one_short_line() -> None:
    page = "<html>\n<body>\n" + "upstream exploded " * 40 + "\n</body></html>"
    error = _failure(lambda _: httpx.Response(502, text=page))
    message = str(error)
    assert message.startswith(
        "the inventory answered 502 Bad Gateway: <html> <body> upstream exploded"
    )
    assert "\n" not in message
    assert message.endswith("…")
    assert len(message) < 260


def test_server_error_with_an_empty_body_gives_the_status_line() -> None:
    error = _failure(lambda _: httpx.Response(500))
    assert str(error) == "the inventory answered 500 Internal Server Error"


def test_success_without_json_is_an_error_not_a_traceback() -> None:
    error = _failure(lambda _: httpx.Response(200, text="<html>a login page</html>"))
    assert str(error) == "the inventory answered 200 without JSON: <html>a login page</html>"


def test_a_client_without_base_url_shows_the_request_url() -> None:
    with _no_base_url() as http, pytest.raises(ApiError) as e:
        call(http, "GET", "http://127.0.0.1:8103/v1/x", service="rationalizer")
    assert str(e.value).startswith("cannot reach the rationalizer at http://127.0.0.1:8103/v1/x (")
    assert str(e.value).endswith("set SNOEI_RATIONALIZER_URL")


def test_no_token_and_a_bad_url_are_errors_the_user_can_fix() -> None:
    assert bearer("t") == {"Authorization": "Bearer t"}
    with pytest.raises(ApiError, match=r"^no API token: start a stack \(uv run snoei stack up\), "
                                       r"set SNOEI_API_TOKEN or pass --token$"):
        bearer("")
    with pytest.raises(ApiError, match=r"is not a URL .*; set SNOEI_INVENTORY_URL$"):
        client("http://[::1", service="inventory", headers={}, timeout=1)


def test_demo_turns_a_failed_call_into_a_demo_error_pointing_at_its_logs() -> None:
    url = "http://127.0.0.1:8103/v1/landscapes/x/waves"
    with _no_base_url() as http, pytest.raises(DemoError) as caught:
        _get(http, url, logs=Path("/stack/logs"))
    assert str(caught.value) == (
        f"cannot reach the rationalizer at {url} ([Errno 111] Connection refused); "
        "see the logs in /stack/logs"
    )


@pytest.fixture
def closed_url() -> Iterator[str]:
    """A local port that is bound but not listening: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


def _last_line(app: typer.Typer, args: list[str], env: dict[str, str]) -> str:
    # No stack directory of this machine's: only what the test gives counts.
    env = {"SNOEI_STACK_DIR": "/nonexistent/snoei-stack", **env}
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    return result.output.splitlines()[-1]


def test_rationalizer_commands_print_one_line_when_it_is_not_running(closed_url: str) -> None:
    env = {"SNOEI_RATIONALIZER_URL": closed_url, "SNOEI_INVENTORY_URL": closed_url,
           "SNOEI_API_TOKEN": "t"}
    line = _last_line(snoei, ["proposals", "--landscape", "x"], env)
    assert line.startswith(f"error: cannot reach the rationalizer at {closed_url} (")
    assert line.endswith("); start it (uv run snoei stack up) or set SNOEI_RATIONALIZER_URL")


def test_import_prints_one_line_when_the_inventory_is_not_running(closed_url: str) -> None:
    env = {"SNOEI_INVENTORY_URL": closed_url, "SNOEI_API_TOKEN": "t"}
    line = _last_line(imports.app, [str(DATA / "applications.csv"), "--landscape", "x"], env)
    assert line.startswith(f"error: cannot reach the inventory at {closed_url} (")
    assert line.endswith("); start it (uv run snoei stack up) or set SNOEI_INVENTORY_URL")


@pytest.mark.parametrize(
    ("app", "args"),
    [
        (snoei, ["waves", "--landscape", "x"]),
        (imports.app, [str(DATA / "applications.csv"), "--landscape", "x"]),
    ],
)
def test_commands_without_a_token_say_how_to_set_one(app: typer.Typer, args: list[str]) -> None:
    line = _last_line(app, args, {"SNOEI_API_TOKEN": ""})
    assert line == (
        "error: no API token: start a stack (uv run snoei stack up), set SNOEI_API_TOKEN or "
        "pass --token"
    )
