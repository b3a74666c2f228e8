"""``snoei import`` uploads the file to the inventory's import API and shows its answer:
the rows it rejected or skipped, in the file's own words, and the exit code scripts check."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from typer.testing import CliRunner

from snoei.cli import imports

pytestmark = pytest.mark.unit

DATA = Path(__file__).parent.parent / "data" / "inventory"
BAD_ROW = {"location": "line 3", "item": "application 'bad-cost'", "field": "cost_licence",
           "message": "Input should be greater than or equal to 0"}


@dataclass
class FakeInventory:
    """Answers every import with ``status`` and ``body``; remembers what it was sent."""

    status: int = 200
    body: dict[str, Any] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, list[str]], bytes, str]] = field(default_factory=list)


@pytest.fixture
def inventory() -> Iterator[tuple[str, FakeInventory]]:
    fake = FakeInventory()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # the name http.server calls
            url = urlsplit(self.path)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            fake.requests.append((url.path, parse_qs(url.query), body,
                                  self.headers.get("Authorization", "")))
            answer = json.dumps(fake.body).encode()
            self.send_response(fake.status)
            kind = "application/problem+json" if fake.status >= 400 else "application/json"
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test asserts on what was sent, not on an access log."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", fake
    finally:
        server.shutdown()
        server.server_close()


def _import(url: str, *args: str) -> Any:
    env = {"SNOEI_INVENTORY_URL": url, "SNOEI_API_TOKEN": "t"}
    return CliRunner().invoke(imports.app, [str(DATA / "applications.csv"), "--landscape", "gem",
                                            *args], env=env)


def _answer(**overrides: Any) -> dict[str, Any]:
    answer = {"applied": 2, "duplicates": 1, "unchanged": 0, "last_sequence": 3,
              "format": "csv", "source": "import:csv:applications.csv",
              "items": {"application": 3}, "deleted": 0, "skipped": []}
    return answer | overrides


def test_the_file_is_uploaded_with_its_options_and_the_totals_are_shown(
    inventory: tuple[str, FakeInventory],
) -> None:
    url, fake = inventory
    fake.body = _answer()
    result = _import(url, "--on-error", "skip", "--prune", "--revision", "r2")
    assert result.exit_code == 0, result.output
    path, params, body, auth = fake.requests[0]
    assert path == "/v1/landscapes/gem/imports"
    assert params == {"format": ["auto"], "on_error": ["skip"], "prune": ["true"],
                      "revision": ["r2"]}
    assert b'filename="applications.csv"' in body
    assert (DATA / "applications.csv").read_bytes() in body
    assert auth == "Bearer t"
    assert "applications.csv: read as csv: 3 application" in result.output
    assert "gem: 2 applied, 0 unchanged, 1 already imported, 0 deleted" in result.output


def test_a_rejected_file_lists_every_bad_row_in_the_files_words_and_exits_1(
    inventory: tuple[str, FakeInventory],
) -> None:
    url, fake = inventory
    fake.status = 422
    fake.body = {"type": "about:blank", "title": "Import rejected", "status": 422,
                 "detail": "1 bad row(s), nothing imported", "errors": [BAD_ROW]}
    result = _import(url)
    assert result.exit_code == 1
    assert "1 bad row(s); nothing imported (use --on-error skip" in result.output
    assert ("line 3, application 'bad-cost', field 'cost_licence': Input should be greater "
            "than or equal to 0") in result.output
    assert "Traceback" not in result.output


def test_skipped_rows_are_listed_and_exit_3_so_scripts_notice(
    inventory: tuple[str, FakeInventory],
) -> None:
    url, fake = inventory
    fake.body = _answer(skipped=[BAD_ROW])
    result = _import(url, "--on-error", "skip")
    assert result.exit_code == 3
    assert "skipped 1 bad row(s)" in result.output
    assert "line 3, application 'bad-cost', field 'cost_licence'" in result.output
    assert "gem: 2 applied" in result.output


def test_an_unreadable_file_is_one_line_and_exit_1(inventory: tuple[str, FakeInventory]) -> None:
    url, fake = inventory
    fake.status = 422
    fake.body = {"type": "about:blank", "title": "Unreadable file", "status": 422,
                 "detail": "not a CSV file: no header row"}
    result = _import(url)
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        "error: the inventory answered 422 Unreadable file: not a CSV file: no header row"
    )


def test_data_quality_problems_are_listed_apart_and_do_not_fail_the_import(
    inventory: tuple[str, FakeInventory],
) -> None:
    url, fake = inventory
    self_loop = {"location": "relationship 'r-self'", "item": None, "field": None,
                 "message": "data quality: Flow from 'Documentbeheer' (ApplicationComponent) "
                            "to 'Documentbeheer' (ApplicationComponent): connects the element "
                            "to itself; left out"}
    fake.body = _answer(skipped=[self_loop])
    result = _import(url)
    assert result.exit_code == 0, result.output
    assert "1 data-quality problem(s), imported as described" in result.output
    assert "relationship 'r-self': data quality: Flow from 'Documentbeheer'" in result.output
    assert "bad row" not in result.output


def test_bad_rows_are_counted_as_rows_not_errors(inventory: tuple[str, FakeInventory]) -> None:
    url, fake = inventory
    fake.body = _answer(skipped=[BAD_ROW, {**BAD_ROW, "field": "users"}])
    result = _import(url, "--on-error", "skip")
    assert result.exit_code == 3
    assert "skipped 1 bad row(s)" in result.output
