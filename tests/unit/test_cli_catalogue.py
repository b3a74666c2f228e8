"""``snoei catalogue import`` uploads the "Alle pakketten" list to the rationalizer's market
catalogue and shows what it stored or refused, with the exit code scripts check."""

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

from snoei.cli.main import app

pytestmark = pytest.mark.unit
FILE = Path(__file__).parent.parent / "data" / "softwarecatalogus" / "alle_pakketten.csv"


@dataclass
class FakeRationalizer:
    status: int = 200
    body: dict[str, Any] = field(default_factory=dict)
    requests: list[tuple[str, str, dict[str, list[str]], bytes]] = field(default_factory=list)


@pytest.fixture
def rationalizer() -> Iterator[tuple[str, FakeRationalizer]]:
    fake = FakeRationalizer()

    class Handler(BaseHTTPRequestHandler):
        def do_PUT(self) -> None:  # the name http.server calls
            url = urlsplit(self.path)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            fake.requests.append(("PUT", url.path, parse_qs(url.query), body))
            answer = json.dumps(fake.body).encode()
            self.send_response(fake.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test asserts on what was sent."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", fake
    finally:
        server.shutdown()


def run(url: str, *args: str) -> Any:
    return CliRunner().invoke(app, ["catalogue", "import", str(FILE), "--rationalizer-url", url,
                                    "--token", "t", *args])


def test_the_file_is_put_to_the_market_catalogue(
    rationalizer: tuple[str, FakeRationalizer],
) -> None:
    url, fake = rationalizer
    fake.body = {"products": 7, "source": FILE.name, "uploaded_at": "2026-12-01T08:00:00Z",
                 "skipped": []}
    result = run(url)
    assert result.exit_code == 0, result.output
    assert "7 product version(s)" in result.output
    method, path, params, body = fake.requests[0]
    assert (method, path, params["on_error"]) == ("PUT", "/v1/market-catalogue", ["abort"])
    assert b"Zaakhuis Online" in body


def test_a_refused_file_lists_its_bad_rows_and_exits_1(
    rationalizer: tuple[str, FakeRationalizer],
) -> None:
    url, fake = rationalizer
    fake.status, fake.body = 422, {"title": "Catalogue rejected", "detail": "1 bad row(s)",
                                   "errors": [{"location": "line 2, column 'Pakket Naam'",
                                               "message": "empty"}]}
    result = run(url)
    assert result.exit_code == 1
    assert "line 2, column 'Pakket Naam': empty" in result.output


def test_skipped_rows_are_listed_and_exit_3(rationalizer: tuple[str, FakeRationalizer]) -> None:
    url, fake = rationalizer
    fake.body = {"products": 6, "source": FILE.name, "uploaded_at": "2026-12-01T08:00:00Z",
                 "skipped": [{"location": "line 4", "message": "has 3 cells"}]}
    result = run(url, "--skip-bad-rows")
    assert result.exit_code == 3
    assert "line 4: has 3 cells" in result.output
    assert fake.requests[0][2]["on_error"] == ["skip"]
