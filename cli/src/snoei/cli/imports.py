"""``snoei import FILE --landscape ID``: parse a file locally and send its changes to the
inventory in batches."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from snoei.cli.api import ApiError, bearer, call, client
from snoei.inventory.importers import (
    ImportFailed,
    ImportRejected,
    RowError,
    bad_rows,
    import_file,
)

app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False)
console = Console(stderr=True)
MAX_ERRORS_SHOWN = 25


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


def _show_errors(errors: list[RowError], title: str) -> None:
    console.print(f"[bold red]{title}[/]")
    for error in errors[:MAX_ERRORS_SHOWN]:
        console.print(f"  {error}", markup=False, highlight=False)
    if len(errors) > MAX_ERRORS_SHOWN:
        console.print(f"  ... and {len(errors) - MAX_ERRORS_SHOWN} more")


def _post(http: httpx.Client, path: str, body: Any) -> dict[str, Any]:
    answer: dict[str, Any] = call(http, "POST", path, service="inventory", json=body)
    return answer


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
    batch_size: Annotated[int, typer.Option(min=1, max=10_000, help="Changes per request.")
                          ] = 1000,
    inventory_url: Annotated[str, typer.Option(envvar="SNOEI_INVENTORY_URL",
                                               help="Inventory base URL.")
                             ] = "http://127.0.0.1:8101",
    token: Annotated[str, typer.Option(envvar="SNOEI_API_TOKEN", help="Bearer token.",
                                       show_default=False)] = "",
) -> None:
    """Import a file into a landscape: parsed and validated here, sent in batches."""
    try:
        _run(file, landscape, format.value, on_error.value, prune, source, batch_size,
             inventory_url, token)
    except (ImportCommandError, ApiError) as exc:
        console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None


def _run(
    file: Path, landscape: str, fmt: Any, on_error: Any, prune: bool, source: str | None,
    batch_size: int, inventory_url: str, token: str,
) -> None:
    headers = bearer(token)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise ImportCommandError(f"cannot read {file}: {exc.strerror}") from None
    try:
        chosen, result = import_file(
            data, filename=file.name, landscape_id=landscape, fmt=fmt, on_error=on_error,
            source=source,
        )
    except ImportFailed as exc:
        raise ImportCommandError(f"{file.name}: {exc}") from None
    except ImportRejected as exc:
        _show_errors(exc.errors, f"{file.name}: {bad_rows(exc.errors)} bad row(s); nothing "
                                 "imported (use --on-error skip to import the rest)")
        raise typer.Exit(1) from None
    if result.bad:
        _show_errors(result.bad, f"{file.name}: skipping {bad_rows(result.bad)} bad row(s)")
    if result.data_quality:
        _show_errors(result.data_quality, f"{file.name}: {len(result.data_quality)} "
                                          "data-quality problem(s), imported as described")
    counts = ", ".join(f"{n} {kind}" for kind, n in sorted(result.counts().items())) or "nothing"
    console.print(f"{file.name}: read as {chosen}: {counts}")
    totals = {"applied": 0, "duplicates": 0, "unchanged": 0, "deleted": 0}
    base = f"/v1/landscapes/{landscape}"
    with client(inventory_url, service="inventory", headers=headers, timeout=120) as http, Progress(
        TextColumn("[bold]sending"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=True,
    ) as progress:
        task = progress.add_task("changes", total=len(result.changes))
        for start in range(0, len(result.changes), batch_size):
            batch = result.changes[start:start + batch_size]
            answer = _post(http, f"{base}/changes", [c.model_dump(mode="json") for c in batch])
            for key in ("applied", "duplicates", "unchanged"):
                totals[key] += int(answer[key])
            progress.advance(task, len(batch))
        if prune and result.changes:
            answer = _post(http, f"{base}/imports/prune", {
                "source": result.changes[0].payload.source,
                "present": [{"kind": k, "id": i} for k, i in sorted(result.present)],
            })
            totals["applied"] += int(answer["applied"])
            totals["deleted"] = int(answer["deleted"])
    console.print(
        f"{landscape}: {totals['applied']} applied, {totals['unchanged']} unchanged, "
        f"{totals['duplicates']} already imported, {totals['deleted']} deleted"
    )
    if result.bad:
        raise typer.Exit(3)  # imported, but not every row: scripts must notice
