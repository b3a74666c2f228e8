"""``snoei export`` and ``snoei portfolio`` refuse what cannot work with one line and an
exit code, before or instead of a stack trace."""

from __future__ import annotations

import socket

import pytest
from typer.testing import CliRunner

from snoei.cli.main import app

pytestmark = pytest.mark.unit


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def run(*args: str, token: str = "t") -> tuple[int, str]:
    url = f"http://127.0.0.1:{closed_port()}"
    env = {"SNOEI_API_TOKEN": token, "SNOEI_INVENTORY_URL": url, "SNOEI_DEPENDENCY_URL": url,
           "SNOEI_RATIONALIZER_URL": url}
    result = CliRunner().invoke(app, [*args, "--landscape", "x"], env=env)
    return result.exit_code, result.output


@pytest.mark.parametrize(("what", "kinds"), [("inventory", "applications|integrations"),
                                             ("graph", "nodes|edges")])
def test_a_csv_export_without_a_kind_says_which_kinds_there_are(what: str, kinds: str) -> None:
    code, output = run("export", what, "--format", "csv")
    assert code == 2
    assert "a CSV file holds one table" in output
    assert kinds in output


@pytest.mark.parametrize("args", [("export", "inventory"), ("export", "graph", "-f", "archimate"),
                                  ("export", "proposals", "-f", "csv"), ("portfolio",)])
def test_an_unreachable_service_is_one_line_and_exit_1(args: tuple[str, ...]) -> None:
    code, output = run(*args)
    assert code == 1
    assert "cannot reach the" in output
    assert "Traceback" not in output


def test_no_token_is_said_plainly() -> None:
    code, output = run("export", "proposals", token="")
    assert code == 1
    assert "no API token" in output
