"""``snoei export inventory|graph|proposals`` (a spreadsheet or ArchiMate file from the
services' ``/export``) and ``snoei portfolio`` (cost, proposals and pending decisions per
owner and per capability domain)."""

from __future__ import annotations

import csv
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from snoei.cli.api import ApiError, bearer, call, client
from snoei.cli.connection import InventoryUrlOpt, RationalizerUrlOpt, TokenOpt

if TYPE_CHECKING:
    import httpx

app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False)
export_app = typer.Typer(
    no_args_is_help=True, pretty_exceptions_enable=False,
    help="Download the inventory, the graph or the proposals as CSV or XLSX.",
)
app.add_typer(export_app, name="export")

LandscapeOpt = Annotated[
    str, typer.Option("--landscape", "-l", envvar="SNOEI_LANDSCAPE", help="Landscape id.")
]
DependencyUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--dependency-url",
        help="Dependency base URL; default SNOEI_DEPENDENCY_URL, else the running stack's.",
        show_default=False,
    ),
]
OutOpt = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="File to write; default <landscape>-<what>.<format> "
                                     "in the current directory."),
]


class TableFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


class GraphFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    ARCHIMATE = "archimate"
    GRAPHML = "graphml"
    JSON = "json"


class InventoryKind(StrEnum):
    APPLICATIONS = "applications"
    INTEGRATIONS = "integrations"
    CAPABILITIES = "capabilities"
    TECHNOLOGIES = "technologies"


class GraphKind(StrEnum):
    NODES = "nodes"
    EDGES = "edges"


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"snoei: {message}", err=True)
    return typer.Exit(code)


def _refusal(service: str, response: httpx.Response) -> str:
    """``the <service> answered <status> <title>: <detail>`` from problem details."""
    try:
        problem = response.json()
    except ValueError:
        problem = {}
    problem = problem if isinstance(problem, dict) else {}
    title = problem.get("title") or response.reason_phrase
    detail = problem.get("detail") or " ".join(response.text.split())[:200]
    return f"the {service} answered {response.status_code} {title}: {detail}"


def _connect(service: str, url: str | None, token: str | None) -> tuple[str, str]:
    """The service's URL and the token: flags, then ``SNOEI_*``, then the running stack."""
    from snoei.cli.connection import StackFileError, resolve

    try:
        connection = resolve(token=token, urls={service: url})
    except StackFileError as exc:
        raise _fail(str(exc)) from None
    return connection.url(service), connection.token


def _download(service: str, url: str | None, token: str | None, landscape: str,
              params: dict[str, str], out: Path | None, default_name: str) -> None:
    """GET ``/export`` of ``service`` and write the body to ``out``."""
    import httpx

    target = out or Path(default_name)
    url, token = _connect(service, url, token)
    try:
        with client(url, service=service, headers=bearer(token), timeout=300) as http:
            try:
                response = http.get(f"/v1/landscapes/{landscape}/export", params=params)
            except httpx.RequestError as exc:
                raise ApiError(f"cannot reach the {service} at {url} "
                               f"({str(exc) or type(exc).__name__}); "
                               f"start it (snoei stack up) or set "
                               f"SNOEI_{service.upper()}_URL") from None
            if not response.is_success:
                raise ApiError(_refusal(service, response), response.status_code)
    except ApiError as exc:
        raise _fail(str(exc)) from None
    try:
        target.write_bytes(response.content)
    except OSError as exc:
        raise _fail(f"cannot write {target}: {exc.strerror or exc}") from None
    typer.echo(f"wrote {target} ({len(response.content):,} bytes)")


def _need_kind(fmt: str, kind: object, choices: type[StrEnum]) -> None:
    if fmt == "csv" and kind is None:
        raise _fail("a CSV file holds one table: add --kind "
                    + "|".join(c.value for c in choices), 2)


@export_app.command("inventory")
def export_inventory(
    landscape: LandscapeOpt,
    format: Annotated[TableFormat, typer.Option("--format", "-f")] = TableFormat.XLSX,
    kind: Annotated[InventoryKind | None, typer.Option(
        "--kind", help="Only this kind (required for csv).")] = None,
    out: OutOpt = None,
    url: InventoryUrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Applications, integrations, capabilities and technologies (CSV in the importer's
    columns: edit and import again)."""
    _need_kind(format, kind, InventoryKind)
    params = {"format": format.value, **({"kind": kind.value} if kind else {})}
    name = f"{landscape}-inventory{f'-{kind.value}' if kind else ''}.{format.value}"
    _download("inventory", url, token, landscape, params, out, name)


@export_app.command("graph")
def export_graph(
    landscape: LandscapeOpt,
    format: Annotated[GraphFormat, typer.Option("--format", "-f")] = GraphFormat.XLSX,
    kind: Annotated[GraphKind | None, typer.Option(
        "--kind", help="csv/xlsx: only nodes or edges (required for csv).")] = None,
    out: OutOpt = None,
    url: DependencyUrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Nodes with their graph metrics and edges (csv, xlsx), or the whole graph as ArchiMate
    exchange XML (imports again without loss), GraphML or JSON."""
    _need_kind(format, kind, GraphKind)
    params = {"format": format.value, **({"kind": kind.value} if kind else {})}
    suffix = {"archimate": "xml"}.get(format.value, format.value)
    name = f"{landscape}-graph{f'-{kind.value}' if kind else ''}.{suffix}"
    _download("dependency", url, token, landscape, params, out, name)


@export_app.command("proposals")
def export_proposals(
    landscape: LandscapeOpt,
    format: Annotated[TableFormat, typer.Option("--format", "-f")] = TableFormat.XLSX,
    out: OutOpt = None,
    url: RationalizerUrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """The latest run's proposals with the decisions in force (unknown amounts empty)."""
    name = f"{landscape}-proposals.{format.value}"
    _download("rationalizer", url, token, landscape, {"format": format.value}, out, name)


@app.command()
def portfolio(
    landscape: LandscapeOpt,
    owner: Annotated[str | None, typer.Option("--owner", help="Only this owner.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON answer.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print the owners as CSV.")] = False,
    url: RationalizerUrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Per owner: applications, known yearly cost (unknown costs counted apart), proposals,
    recommended saving, decisions pending; per capability domain: applications and cost."""
    base, token = _connect("rationalizer", url, token)
    try:
        with client(base, service="rationalizer", headers=bearer(token), timeout=120) as http:
            view = call(http, "GET", f"/v1/landscapes/{landscape}/portfolio",
                        service="rationalizer", params={"owner": owner} if owner else None)
    except ApiError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        typer.echo(json.dumps(view, indent=2))
    elif as_csv:
        _owners_csv(view["owners"])
    else:
        _print(view, owner)


OWNER_COLUMNS = ("owner", "applications", "yearly_cost", "unknown_cost", "proposals",
                 "recommended", "recommended_saving", "pending")


def _owner_row(o: dict[str, Any]) -> dict[str, Any]:
    costs = o["costs"]
    return {**o, "owner": o["owner"] or "", "applications": len(costs["applications"]),
            "yearly_cost": costs["yearly_cost"], "unknown_cost": costs["unknown_cost"]}


def _owners_csv(owners: list[dict[str, Any]]) -> None:
    writer = csv.DictWriter(sys.stdout, OWNER_COLUMNS, extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(_owner_row(o) for o in owners)


def _print(view: dict[str, Any], owner: str | None) -> None:
    from rich.console import Console
    from rich.table import Table

    def euros(amount: float, unknown: int) -> str:
        return f"€{amount:,.0f}" + (f" (+{unknown} unknown)" if unknown else "")

    owners = Table(title=f"Portfolio per owner{f' ({owner})' if owner else ''}")
    for column in ("owner", "apps", "yearly cost", "proposals", "recommended",
                   "saving/yr", "pending"):
        owners.add_column(column, justify="left" if column == "owner" else "right")
    for row in map(_owner_row, view["owners"]):
        owners.add_row(row["owner"] or "(no owner)", str(row["applications"]),
                       euros(row["yearly_cost"], row["unknown_cost"]), str(row["proposals"]),
                       str(row["recommended"]), f"€{row['recommended_saving']:,.0f}",
                       str(row["pending"]))
    domains = Table(title="Per capability domain")
    for column in ("domain", "apps", "yearly cost"):
        domains.add_column(column, justify="left" if column == "domain" else "right")
    for d in view["domains"]:
        costs = d["costs"]
        domains.add_row(d["name"] or d["domain"] or "(no capability)",
                        str(len(costs["applications"])),
                        euros(costs["yearly_cost"], costs["unknown_cost"]))
    total = view["total"]
    console = Console()
    console.print(owners)
    if owner is None:
        console.print(domains)
    console.print(f"Total: {len(total['applications'])} live applications, "
                  f"{euros(total['yearly_cost'], total['unknown_cost'])} a year")
