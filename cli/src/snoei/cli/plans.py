"""``snoei waves / whatif``: the order in which applications go, and what retiring some of
them would do, with the applications' names beside their ids."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from snoei.cli import money, render
from snoei.cli.connection import InventoryUrlOpt, RationalizerUrlOpt, TokenOpt
from snoei.cli.rationalize import LandscapeOpt
from snoei.cli.session import Session, guarded

app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False)


@app.command("waves")
def waves(
    landscape: LandscapeOpt,
    wide: render.WideOpt = False,
    as_json: render.JsonOpt = False,
    as_csv: render.CsvOpt = False,
    rationalizer_url: RationalizerUrlOpt = None,
    inventory_url: InventoryUrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Decommission waves: consumers are moved before their suppliers go."""
    session = Session.open(landscape, token=token, rationalizer_url=rationalizer_url,
                           inventory_url=inventory_url)
    plan = guarded(lambda: session.rationalizer("GET", "/waves"))

    def rows() -> list[render.Row]:
        listed = guarded(lambda: session.rationalizer("GET", "/proposals"))
        by_id = {p["id"]: p for p in listed["proposals"]}
        return render.wave_rows(plan, by_id, session.names())

    if render.emit(plan, as_json=as_json, as_csv=as_csv, header=render.WAVE_CSV, rows=rows):
        return
    render.print_waves(render.console(wide=wide), rows())


@app.command("whatif")
def whatif(
    applications: Annotated[list[str], typer.Argument(help="Application ids to retire.")],
    landscape: LandscapeOpt,
    wide: render.WideOpt = False,
    as_json: render.JsonOpt = False,
    as_csv: render.CsvOpt = False,
    rationalizer_url: RationalizerUrlOpt = None,
    inventory_url: InventoryUrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Simulate retiring applications: coverage, blast radius, cost and proposals after
    (--csv: the proposals afterwards)."""
    session = Session.open(landscape, token=token, rationalizer_url=rationalizer_url,
                           inventory_url=inventory_url)
    body = guarded(
        lambda: session.rationalizer("POST", "/what-if", body={"retire": applications})
    )
    if render.emit(body, as_json=as_json, as_csv=as_csv, header=render.PROPOSAL_CSV,
                   rows=lambda: render.proposal_csv_rows(body["proposals"], session.names())):
        return
    _print_what_if(body, session.names(), wide=wide)


def _print_what_if(body: dict[str, Any], names: dict[str, str], *, wide: bool) -> None:
    from rich.markup import escape

    out = render.console(wide=wide)

    def named(app_id: str) -> str:
        return f"{names[app_id]} ({app_id})" if names.get(app_id) else app_id

    retired = ", ".join(named(a) for a in body["retired"])
    out.print(
        f"retiring {escape(retired)}: {money.cost_change(body['yearly_cost_change'])} a year, "
        f"{body['integrations_removed']} integrations go",
        soft_wrap=True,
    )
    uncovered = body["uncovered_capabilities"]
    if uncovered:
        capabilities = ", ".join(c["name"] for c in uncovered)
        out.print(f"[red]capabilities left without an application:[/red] {escape(capabilities)}")
    else:
        out.print("every capability stays covered")
    consumers = sorted({f["consumer"] for f in body["blast_radius"] if f["depth"] == 1})
    losing = ", ".join(named(c) for c in consumers) or "none"
    out.print(f"applications losing data: {escape(losing)}", soft_wrap=True)
    after = {p["id"]: p for p in body["proposals"]}
    render.print_waves(out, render.wave_rows(body["waves"], after, names))
    if body["proposals"]:
        render.print_proposals(out, body["proposals"], names, title="proposals afterwards")
