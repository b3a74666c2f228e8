"""``snoei import FILE --landscape ID``: upload a file to the inventory's import API, which
parses, validates and applies it in one transaction, and show what it made of it."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from snoei.cli import render
from snoei.cli.api import ApiError, bearer, call, client
from snoei.cli.connection import (
    Connection,
    InventoryUrlOpt,
    StackFileError,
    TokenOpt,
    resolve,
)

app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False)
MAX_ERRORS_SHOWN = 25
DATA_QUALITY = "data quality: "
UPLOAD_TIMEOUT_S = 300  # a large file is parsed and applied before the answer comes


class FormatOption(StrEnum):
    AUTO = "auto"
    CSV = "csv"
    ARCHIMATE = "archimate"
    ARCHI = "archi"
    BACKSTAGE = "backstage"


class OnErrorOption(StrEnum):
    ABORT = "abort"
    SKIP = "skip"


class ImportCommandError(Exception):
    """A failure the user can act on; printed as one message, exit code 1."""


def _row(problem: dict[str, Any]) -> str:
    """One bad row as the inventory reports it: ``line 3, application 'x', field 'y': why``."""
    parts = [str(problem.get("location", "?"))]
    if problem.get("item"):
        parts.append(str(problem["item"]))
    if problem.get("field"):
        parts.append(f"field {problem['field']!r}")
    return f"{', '.join(parts)}: {problem.get('message', '')}"


def _rows(errors: list[dict[str, Any]]) -> int:
    """Bad rows, not errors: a row with several bad cells is one row."""
    return len({e.get("location") for e in errors})


def _show_errors(errors: list[dict[str, Any]], title: str) -> None:
    from rich.markup import escape

    console = render.console(stderr=True)
    # soft_wrap: one row per line however narrow the terminal, so the rows can be grepped
    console.print(f"[bold red]{escape(title)}[/]", soft_wrap=True)
    for error in errors[:MAX_ERRORS_SHOWN]:
        console.print(f"  {_row(error)}", markup=False, highlight=False, soft_wrap=True)
    if len(errors) > MAX_ERRORS_SHOWN:
        console.print(f"  ... and {len(errors) - MAX_ERRORS_SHOWN} more")


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="CSV, ArchiMate exchange XML, Archi .archimate "
                                              "or Backstage catalog-info.yaml.")],
    landscape: Annotated[str, typer.Option("--landscape", "-l", help="Landscape id.")],
    format: Annotated[FormatOption, typer.Option(help="File format.")] = FormatOption.AUTO,
    on_error: Annotated[OnErrorOption, typer.Option(
        help="A bad row: abort the whole import, or skip it and import the rest.")
    ] = OnErrorOption.ABORT,
    prune: Annotated[bool, typer.Option(
        help="Delete items this file's source wrote earlier that it no longer names.")
    ] = False,
    source: Annotated[str | None, typer.Option(
        help="Source recorded in history; default import:<format>:<file name>.")] = None,
    revision: Annotated[str, typer.Option(
        help="Salt for change ids: re-applies content imported before (e.g. a revert).")
    ] = "",
    inventory_url: InventoryUrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Import a file into a landscape: the inventory parses and validates it as a whole and
    applies it in one transaction (all or nothing, unless --on-error skip)."""
    params: dict[str, str] = {"format": format.value, "on_error": on_error.value,
                              "prune": str(prune).lower(), "revision": revision}
    if source is not None:
        params["source"] = source
    try:
        connection = resolve(token=token, urls={"inventory": inventory_url})
        answer = _upload(file, landscape, params, connection)
    except (ImportCommandError, StackFileError) as exc:
        _fail(str(exc))
    except ApiError as exc:
        errors = exc.problem.get("errors")
        if exc.status == 422 and isinstance(errors, list) and errors:
            _show_errors(errors, f"{file.name}: {_rows(errors)} bad row(s); nothing imported "
                                 "(use --on-error skip to import the rest)")
            raise typer.Exit(1) from None
        _fail(str(exc))
    _report(file, landscape, answer)


def _fail(message: str) -> NoReturn:
    from rich.markup import escape

    render.console(stderr=True).print(
        f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True
    )
    raise typer.Exit(1)


def _upload(
    file: Path, landscape: str, params: dict[str, str], connection: Connection
) -> dict[str, Any]:
    headers = bearer(connection.token)
    inventory_url = connection.url("inventory")
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise ImportCommandError(f"cannot read {file}: {exc.strerror}") from None
    status = render.console(stderr=True).status(f"importing {file.name}")
    with client(inventory_url, service="inventory", headers=headers,
                timeout=UPLOAD_TIMEOUT_S) as http, status:
        answer: dict[str, Any] = call(
            http, "POST", f"/v1/landscapes/{landscape}/imports", service="inventory",
            params=params, files={"file": (file.name, data)},
            unreachable=connection.unreachable("inventory"),
        )
    return answer


def _report(file: Path, landscape: str, answer: dict[str, Any]) -> None:
    console = render.console(stderr=True)
    items: dict[str, int] = answer.get("items", {})
    counts = ", ".join(f"{n} {kind}" for kind, n in sorted(items.items())) or "nothing"
    console.print(f"{file.name}: read as {answer['format']}: {counts}", highlight=False,
                  soft_wrap=True)
    # The import lists data-quality problems (imported as their message says, never a
    # reason to reject) among `skipped`, marked by their message.
    listed: list[dict[str, Any]] = answer.get("skipped", [])
    quality = [e for e in listed if str(e.get("message", "")).startswith(DATA_QUALITY)]
    skipped = [e for e in listed if e not in quality]
    if skipped:
        _show_errors(skipped, f"{file.name}: skipped {_rows(skipped)} bad row(s)")
    if quality:
        _show_errors(quality, f"{file.name}: {len(quality)} data-quality problem(s), "
                              "imported as described")
    console.print(
        f"{landscape}: {answer['applied']} applied, {answer['unchanged']} unchanged, "
        f"{answer['duplicates']} already imported, {answer['deleted']} deleted",
        highlight=False, soft_wrap=True,
    )
    if skipped:
        raise typer.Exit(3)  # imported, but not everything: scripts must notice
