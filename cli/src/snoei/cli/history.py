"""``snoei runs / diff``: the rationalisation runs of a landscape and what changed between
two of them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from snoei.cli import money, render
from snoei.cli.api import ApiError
from snoei.cli.connection import InventoryUrlOpt, RationalizerUrlOpt, TokenOpt
from snoei.cli.rationalize import LandscapeOpt
from snoei.cli.session import Session, guarded

if TYPE_CHECKING:
    from rich.console import JustifyMethod

app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False)

RUN_CSV = ("run_id", "finished_at", "trigger", "graph_version", "proposal_count",
           "total_yearly_saving", "duration_ms", "empty_reason", "stale_inputs")
DIFF_CSV = ("change", "id", "name", "fields", "summary")


@app.command("runs")
def runs(
    landscape: LandscapeOpt,
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 20,
    wide: render.WideOpt = False,
    as_json: render.JsonOpt = False,
    as_csv: render.CsvOpt = False,
    rationalizer_url: RationalizerUrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Run history of a landscape."""
    session = Session.open(landscape, token=token, rationalizer_url=rationalizer_url)
    rows = guarded(lambda: session.rationalizer("GET", "/runs", params={"limit": limit}))
    if render.emit(rows, as_json=as_json, as_csv=as_csv, header=RUN_CSV,
                   rows=lambda: [[_cell(r.get(k)) for k in RUN_CSV] for r in rows]):
        return
    if not rows:
        print(f"no runs of {landscape} yet")
        return

    def column(header: str, cells: list[str], justify: JustifyMethod = "left") -> render.Column:
        return render.Column(header, cells, justify, prefix=f"{header} ")

    render.print_keyed(
        render.console(wide=wide), title=f"runs of {landscape}, newest first",
        key=render.Column("run", [r["run_id"] for r in rows]),
        figures=[
            column("finished", [r["finished_at"][:16].replace("T", " ") for r in rows]),
            column("proposals", [str(r["proposal_count"]) for r in rows], "right"),
            column("open total/yr", [money.euros(r["total_yearly_saving"]) for r in rows],
                   "right"),
        ],
        optional=[
            column("note", [r["empty_reason"] or ("stale inputs" if r["stale_inputs"] else "")
                            for r in rows]),
            column("trigger", [r["trigger"] for r in rows]),
            column("graph v", [str(r["graph_version"]) for r in rows], "right"),
            column("ms", [f"{r['duration_ms']:.0f}" for r in rows], "right"),
        ],
    )


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


@app.command("diff")
def diff(
    landscape: LandscapeOpt,
    run_id: Annotated[
        str | None, typer.Argument(help="Run to compare; default the latest.")
    ] = None,
    against: Annotated[
        str | None, typer.Option(help="Earlier run; default the one before.")
    ] = None,
    as_json: render.JsonOpt = False,
    as_csv: render.CsvOpt = False,
    rationalizer_url: RationalizerUrlOpt = None,
    inventory_url: InventoryUrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """What changed between two runs."""
    session = Session.open(landscape, token=token, rationalizer_url=rationalizer_url,
                           inventory_url=inventory_url)

    def compare() -> Any:
        target = run_id
        if target is None:
            latest = session.rationalizer("GET", "/runs", params={"limit": 1})
            if not latest:
                raise ApiError(f"landscape {landscape!r} has no runs yet")
            target = latest[0]["run_id"]
        params = {"against": against} if against else None
        return session.rationalizer("GET", f"/runs/{target}/diff", params=params)

    body = guarded(compare)
    if render.emit(body, as_json=as_json, as_csv=as_csv, header=DIFF_CSV,
                   rows=lambda: _diff_rows(body, session.names())):
        return
    _print_diff(body, _diff_rows(body, session.names()))


def _diff_rows(body: dict[str, Any], names: dict[str, str]) -> list[list[str]]:
    rows = [["added", p["id"], render.application(p, names), "", p["summary"]]
            for p in body["added"]]
    rows += [["removed", p["id"], render.application(p, names), "", p["summary"]]
             for p in body["removed"]]
    for c in body["changed"]:
        detail = ", ".join(
            f"{f}: {c['before'].get(f)} → {c['after'].get(f)}" for f in c["fields"]
        )
        rows.append(["changed", c["id"], render.application(c["after"], names),
                     ";".join(c["fields"]), detail])
    return rows


def _print_diff(body: dict[str, Any], rows: list[list[str]]) -> None:
    out = render.console()
    out.print(
        f"from {body['from_run'] or '(nothing)'} to {body['to_run']}: "
        f"{money.saving_change(body['saving_change'])} a year",
        soft_wrap=True,
    )
    if not rows:
        out.print("no proposal changed")
        return
    render.print_keyed(
        out, title="",
        lead=[render.Column("change", [r[0] for r in rows])],
        key=render.Column("proposal", [r[1] for r in rows]),
        name=render.Column("application", [r[2] for r in rows], floor=render.NAME_MIN),
        figures=[render.Column("detail", [r[4] for r in rows], floor=render.NAME_MIN)],
    )
