"""``snoei catalogue import FILE``: load the Softwarecatalogus list "Alle pakketten" into the
rationalizer's market catalogue, which replace proposals name products from."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False,
                  help="The market catalogue (Softwarecatalogus \"Alle pakketten\").")
MAX_ERRORS_SHOWN = 25


@app.command("import")
def import_catalogue(
    file: Annotated[Path, typer.Argument(help="The \"Alle pakketten\" CSV download.")],
    skip_bad_rows: Annotated[bool, typer.Option(
        "--skip-bad-rows", help="Store the good rows and list the bad ones (default: a bad "
        "row stores nothing).")] = False,
    url: Annotated[str, typer.Option("--url", envvar="SNOEI_RATIONALIZER_URL",
                                     help="Base URL of the rationalizer API.")
                   ] = "http://127.0.0.1:8103",
    token: Annotated[str, typer.Option("--token", envvar="SNOEI_API_TOKEN", show_default=False,
                                       help="Bearer token for every landscape (\"*\").")] = "",
) -> None:
    """Replace the market catalogue with FILE (needs a token for every landscape)."""
    from rich.console import Console
    from rich.markup import escape

    from snoei.cli.api import ApiError, bearer, call, client

    console = Console(stderr=True)
    try:
        data = file.read_bytes()
        with client(url, service="rationalizer", headers=bearer(token), timeout=300) as http:
            answer: dict[str, Any] = call(
                http, "PUT", "/v1/market-catalogue", service="rationalizer",
                params={"on_error": "skip" if skip_bad_rows else "abort"},
                files={"file": (file.name, data, "text/csv")},
            )
    except OSError as exc:
        console.print(f"[bold red]error:[/] cannot read {escape(str(file))}: {exc.strerror}")
        raise typer.Exit(1) from None
    except ApiError as exc:
        console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        _list(console, exc.problem.get("errors") or [])
        raise typer.Exit(1) from None
    skipped: list[dict[str, str]] = answer.get("skipped", [])
    console.print(f"{file.name}: {answer['products']} product version(s) in the market "
                  f"catalogue" + (f"; {len(skipped)} bad row(s) skipped:" if skipped else ""),
                  highlight=False, soft_wrap=True)
    _list(console, skipped)
    if skipped:
        raise typer.Exit(3)


def _list(console: Any, rows: list[dict[str, str]]) -> None:
    for row in rows[:MAX_ERRORS_SHOWN]:
        console.print(f"  {row.get('location')}: {row.get('message')}", markup=False,
                      highlight=False, soft_wrap=True)
    if len(rows) > MAX_ERRORS_SHOWN:
        console.print(f"  ... and {len(rows) - MAX_ERRORS_SHOWN} more")
