"""``snoei run / proposals / explain / decide``: the rationalizer's proposals of a landscape,
with the applications' names beside their ids."""

from __future__ import annotations

import time
from enum import StrEnum
from typing import Annotated, Any

import typer

from snoei.cli import money, render
from snoei.cli.api import ApiError
from snoei.cli.connection import InventoryUrlOpt, RationalizerUrlOpt, TokenOpt
from snoei.cli.session import Session, fail, guarded

app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False)

LandscapeOpt = Annotated[
    str, typer.Option("--landscape", "-l", envvar="SNOEI_LANDSCAPE", help="Landscape id.")
]


class Verdict(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"


def _show_proposals(
    session: Session, body: dict[str, Any], title: str, totals: str, *, wide: bool,
    as_json: bool, as_csv: bool,
) -> None:
    """A list of proposals as JSON (the API's answer), CSV or a table, names beside ids,
    with the ``totals`` line under the table (a title is cut to the table's width)."""
    proposals: list[dict[str, Any]] = body["proposals"]
    if render.emit(body, as_json=as_json, as_csv=as_csv, header=render.PROPOSAL_CSV,
                   rows=lambda: render.proposal_csv_rows(proposals, session.names())):
        return
    out = render.console(wide=wide)
    render.print_proposals(out, proposals, session.names(), title=title)
    out.print(totals, soft_wrap=True, markup=False, highlight=False)


@app.command("run")
def run(
    landscape: LandscapeOpt,
    wait: Annotated[bool, typer.Option(help="Wait for the run and show it.")] = True,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the run.")] = 120,
    wide: render.WideOpt = False,
    as_json: render.JsonOpt = False,
    as_csv: render.CsvOpt = False,
    rationalizer_url: RationalizerUrlOpt = None,
    inventory_url: InventoryUrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Ask for a rationalisation run of a landscape (and show its proposals)."""
    session = Session.open(landscape, token=token, rationalizer_url=rationalizer_url,
                           inventory_url=inventory_url)
    guarded(session.require_known)
    accepted = guarded(lambda: session.rationalizer("POST", "/runs", body={"trigger": "cli"}))
    run_id = accepted["run_id"]
    if not wait:
        if as_json:
            render.print_json(accepted)
        else:
            print(run_id)
        return
    detail = guarded(lambda: _wait_for_run(session, run_id, time.monotonic() + timeout))
    summary = detail["run"]
    if summary["empty_reason"] and not (as_json or as_csv):
        print(f"run {run_id}: no proposals ({summary['empty_reason']})")
        return
    title = f"run {run_id} · graph v{summary['graph_version']} · {summary['duration_ms']:.0f} ms"
    totals = money.totals(detail, summary["total_yearly_saving"])
    _show_proposals(session, detail, title, totals, wide=wide, as_json=as_json, as_csv=as_csv)


def _wait_for_run(session: Session, run_id: str, deadline: float) -> Any:
    """The run once the rationalizer has stored it (404 until then), until ``deadline``."""
    with render.console(stderr=True).status(f"waiting for run {run_id}"):
        while True:
            try:
                return session.rationalizer("GET", f"/runs/{run_id}")
            except ApiError as exc:
                if exc.status != 404:
                    raise
                if time.monotonic() > deadline:
                    raise ApiError(
                        f"run {run_id} was not done in time; see it later with "
                        f"`snoei runs --landscape {session.landscape}`"
                    ) from None
            time.sleep(0.3)


@app.command("proposals")
def proposals(
    landscape: LandscapeOpt,
    action: Annotated[str | None, typer.Option(help="retire, replace or consolidate.")] = None,
    status: Annotated[str | None, typer.Option(help="open, blocked, accepted, rejected.")] = None,
    min_saving: Annotated[float | None, typer.Option(help="Minimum yearly saving.")] = None,
    wide: render.WideOpt = False,
    as_json: render.JsonOpt = False,
    as_csv: render.CsvOpt = False,
    rationalizer_url: RationalizerUrlOpt = None,
    inventory_url: InventoryUrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """List the proposals of the latest run."""
    session = Session.open(landscape, token=token, rationalizer_url=rationalizer_url,
                           inventory_url=inventory_url)
    guarded(session.require_known)
    filters = {"action": action, "status": status, "min_saving": min_saving}
    params = {k: v for k, v in filters.items() if v is not None}
    body = guarded(lambda: session.rationalizer("GET", "/proposals", params=params))
    if not body["proposals"] and not (as_json or as_csv):
        print(f"no proposals ({body.get('empty_reason') or 'nothing matches'})")
        return
    title = f"{landscape} · {len(body['proposals'])} proposals"
    totals = money.totals(body, body["total_yearly_saving"])
    _show_proposals(session, body, title, totals, wide=wide, as_json=as_json, as_csv=as_csv)


@app.command("explain")
def explain(
    proposal_id: Annotated[str, typer.Argument(help="e.g. retire:app-17")],
    landscape: LandscapeOpt,
    as_json: render.JsonOpt = False,
    rationalizer_url: RationalizerUrlOpt = None,
    inventory_url: InventoryUrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Explain one proposal: summary, figures, rules fired with their facts, blast radius."""
    session = Session.open(landscape, token=token, rationalizer_url=rationalizer_url,
                           inventory_url=inventory_url)
    body = guarded(lambda: session.rationalizer("GET", f"/proposals/{proposal_id}"))
    if as_json:
        render.print_json(body)
        return
    from snoei.cli.explain import print_explanation

    print_explanation(render.console(), body, session.names())


@app.command("decide")
def decide(
    proposal_id: Annotated[str, typer.Argument(help="e.g. retire:app-17")],
    verdict: Annotated[Verdict, typer.Argument(help="accept or reject")],
    landscape: LandscapeOpt,
    reason: Annotated[
        str | None,
        typer.Option("--reason", "-r", help="Why; required to reject, optional to accept."),
    ] = None,
    decided_by: Annotated[str | None, typer.Option("--by", help="Who decides.")] = None,
    as_json: render.JsonOpt = False,
    rationalizer_url: RationalizerUrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Accept or reject a proposal; a rejection holds until its facts change."""
    if verdict is Verdict.REJECT and not (reason or "").strip():
        fail("a rejection needs a reason others can read: --reason \"...\"", code=2)
    session = Session.open(landscape, token=token, rationalizer_url=rationalizer_url)
    decision = {"proposal_id": proposal_id, "verdict": verdict.value,
                "reason": (reason or "").strip(), "decided_by": decided_by}
    body = guarded(lambda: session.rationalizer("POST", "/decisions", body=decision))
    if as_json:
        render.print_json(body)
        return
    print(f"{body['proposal']['id']} is now {body['proposal']['status']}")
