"""``snoei catalogue import FILE``: load the Softwarecatalogus list "Alle pakketten" into the
rationalizer's market catalogue, which replace proposals name products from."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from snoei.cli.connection import RationalizerUrlOpt, TokenOpt

app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False,
                  help="The market catalogue (Softwarecatalogus \"Alle pakketten\").")
MAX_ERRORS_SHOWN = 25
UPLOAD_TIMEOUT_S = 300


@app.command("import")
def import_catalogue(
    file: Annotated[Path, typer.Argument(help="The \"Alle pakketten\" CSV download.")],
    skip_bad_rows: Annotated[bool, typer.Option(
        "--skip-bad-rows", help="Store the good rows and list the bad ones (default: a bad "
        "row stores nothing).")] = False,
    rationalizer_url: RationalizerUrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Replace the market catalogue with FILE (needs a token for every landscape, "*")."""
    from rich.console import Console
    from rich.markup import escape

    from snoei.cli.api import ApiError, bearer, call, client
    from snoei.cli.connection import StackFileError, resolve

    console = Console(stderr=True)
    try:
        data = file.read_bytes()
        connection = resolve(token=token, urls={"rationalizer": rationalizer_url})
        with client(connection.url("rationalizer"), service="rationalizer",
                    headers=bearer(connection.token), timeout=UPLOAD_TIMEOUT_S) as http:
            answer: dict[str, Any] = call(
                http, "PUT", "/v1/market-catalogue", service="rationalizer",
                params={"on_error": "skip" if skip_bad_rows else "abort"},
                files={"file": (file.name, data, "text/csv")},
                unreachable=connection.unreachable("rationalizer"),
            )
    except OSError as exc:
        console.print(f"[bold red]error:[/] cannot read {escape(str(file))}: {exc.strerror}")
        raise typer.Exit(1) from None
    except StackFileError as exc:
        console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
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
