"""``snoei run / proposals / explain / waves / whatif / decide / runs / diff``: the
rationalizer's HTTP API as rich tables."""

from __future__ import annotations

import json
import time
from typing import Annotated, Any

import typer
from rich.console import Console, JustifyMethod
from rich.markup import escape
from rich.table import Table

from snoei.cli.api import ApiError, bearer, call, client

app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False)
out = Console()
err = Console(stderr=True)

LandscapeOpt = Annotated[
    str, typer.Option("--landscape", "-l", envvar="SNOEI_LANDSCAPE", help="Landscape id.")
]
UrlOpt = Annotated[
    str,
    typer.Option(
        "--url", envvar="SNOEI_RATIONALIZER_URL", help="Base URL of the rationalizer API."
    ),
]
TokenOpt = Annotated[
    str, typer.Option("--token", envvar="SNOEI_API_TOKEN", help="Bearer token.", show_default=False)
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the raw JSON answer.")]
DEFAULT_URL = "http://127.0.0.1:8103"


def _euros(value: float | None) -> str:
    return "-" if value is None else f"€{value:,.0f}"


def _call(
    method: str, url: str, token: str, path: str, *, body: Any = None, params: Any = None
) -> Any:
    headers = bearer(token)
    with client(url, service="rationalizer", headers=headers, timeout=60) as http:
        return call(http, method, path, service="rationalizer", json=body, params=params)


def _guard(action: Any) -> Any:
    """Runs ``action``; an API problem becomes one line on stderr and exit code 1."""
    try:
        return action()
    except ApiError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(1) from None


def _proposal_table(proposals: list[dict[str, Any]], title: str) -> Table:
    table = Table(title=title, show_lines=False)
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("id", "left"),
        ("action", "left"),
        ("status", "left"),
        ("saving/yr", "right"),
        ("one-off", "right"),
        ("payback", "right"),
        ("risk", "left"),
        ("conf.", "right"),
    )
    for column, justify in columns:
        table.add_column(column, justify=justify)
    for p in proposals:
        payback = p.get("payback_months")
        table.add_row(
            p["id"],
            p["action"],
            p["status"],
            _euros(p["yearly_saving"]),
            _euros(p["migration_cost"]),
            "-" if payback is None else f"{payback:g} mo",
            p["risk"],
            f"{round(p['confidence'] * 100)}%",
        )
    return table


def _base(landscape: str) -> str:
    return f"/v1/landscapes/{landscape}"


@app.command("run")
def run(
    landscape: LandscapeOpt,
    wait: Annotated[bool, typer.Option(help="Wait for the run and show it.")] = True,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the run.")] = 120,
    url: UrlOpt = DEFAULT_URL,
    token: TokenOpt = "",
) -> None:
    """Ask for a rationalisation run of a landscape (and show its proposals)."""

    def act() -> None:
        accepted = _call("POST", url, token, f"{_base(landscape)}/runs", body={"trigger": "cli"})
        run_id = accepted["run_id"]
        if not wait:
            out.print(run_id)
            return
        deadline = time.monotonic() + timeout
        with err.status(f"waiting for run {run_id}"):
            while True:
                try:
                    detail = _call("GET", url, token, f"{_base(landscape)}/runs/{run_id}")
                    break
                except ApiError as exc:
                    if exc.status != 404 or time.monotonic() > deadline:
                        raise
                time.sleep(0.3)
        summary = detail["run"]
        if summary["empty_reason"]:
            out.print(f"run {run_id}: no proposals ({summary['empty_reason']})")
            return
        out.print(
            _proposal_table(
                detail["proposals"],
                f"run {run_id} · graph v{summary['graph_version']} · "
                f"{_euros(summary['total_yearly_saving'])}/yr · {summary['duration_ms']:.0f} ms",
            )
        )

    _guard(act)


@app.command("proposals")
def proposals(
    landscape: LandscapeOpt,
    action: Annotated[str | None, typer.Option(help="retire, replace or consolidate.")] = None,
    status: Annotated[str | None, typer.Option(help="open, blocked, accepted, rejected.")] = None,
    min_saving: Annotated[float | None, typer.Option(help="Minimum yearly saving.")] = None,
    as_json: JsonOpt = False,
    url: UrlOpt = DEFAULT_URL,
    token: TokenOpt = "",
) -> None:
    """List the proposals of the latest run."""
    params = {
        k: v
        for k, v in {"action": action, "status": status, "min_saving": min_saving}.items()
        if v is not None
    }
    body = _guard(lambda: _call("GET", url, token, f"{_base(landscape)}/proposals", params=params))
    if as_json:
        out.print_json(json.dumps(body))
        return
    if not body["proposals"]:
        out.print(f"no proposals ({body.get('empty_reason') or 'nothing matches'})")
        return
    out.print(
        _proposal_table(
            body["proposals"],
            f"{landscape} · {len(body['proposals'])} proposals · "
            f"{_euros(body['total_yearly_saving'])}/yr",
        )
    )


@app.command("explain")
def explain(
    proposal_id: Annotated[str, typer.Argument(help="e.g. retire:app-17")],
    landscape: LandscapeOpt,
    as_json: JsonOpt = False,
    url: UrlOpt = DEFAULT_URL,
    token: TokenOpt = "",
) -> None:
    """Explain one proposal: summary, rules fired with their facts, blast radius."""
    body = _guard(lambda: _call("GET", url, token, f"{_base(landscape)}/proposals/{proposal_id}"))
    if as_json:
        out.print_json(json.dumps(body))
        return
    p = body["proposal"]
    out.print(f"[bold]{p['id']}[/bold] · {p['status']}")
    out.print(p["summary"])
    if p.get("blocked_reason"):
        out.print(f"[yellow]blocked:[/yellow] {p['blocked_reason']}")
    rules = Table(title="evidence")
    rules.add_column("rule")
    rules.add_column("conclusion")
    rules.add_column("facts")
    for r in p["rules"]:
        facts = ", ".join(f"{k}={v}" for k, v in r["facts"].items() if v is not None)
        rules.add_row(r["rule"], r["message"], facts)
    out.print(rules)
    if p["blast_radius"]:
        flows = Table(title="blast radius")
        for column in ("depth", "consumer", "supplier", "integration", "data", "criticality"):
            flows.add_column(column)
        for f in p["blast_radius"]:
            flows.add_row(
                str(f["depth"]),
                f["consumer"],
                f["supplier"],
                f["integration_id"],
                ", ".join(f["data_objects"]),
                f["criticality"],
            )
        out.print(flows)
    if body.get("decision"):
        d = body["decision"]
        applies = "" if body["decision_applies"] else " (facts changed since)"
        out.print(f"decision: {d['verdict']} by {d['decided_by'] or '?'}: {d['reason']}{applies}")


@app.command("waves")
def waves(landscape: LandscapeOpt, url: UrlOpt = DEFAULT_URL, token: TokenOpt = "") -> None:
    """Decommission waves: consumers are moved before their suppliers go."""
    plan = _guard(lambda: _call("GET", url, token, f"{_base(landscape)}/waves"))
    _print_waves(plan)


def _print_waves(plan: dict[str, Any]) -> None:
    if not plan["waves"]:
        out.print("no retirements planned")
        return
    table = Table(title="decommission waves")
    table.add_column("wave", justify="right")
    table.add_column("applications")
    table.add_column("note")
    for wave in plan["waves"]:
        for unit in wave["units"]:
            note = "cycle: retire together" if unit["cycle"] else ""
            table.add_row(str(wave["number"]), ", ".join(unit["applications"]), note)
    out.print(table)


@app.command("whatif")
def whatif(
    applications: Annotated[list[str], typer.Argument(help="Application ids to retire.")],
    landscape: LandscapeOpt,
    as_json: JsonOpt = False,
    url: UrlOpt = DEFAULT_URL,
    token: TokenOpt = "",
) -> None:
    """Simulate retiring applications: coverage, blast radius, cost and proposals after."""
    body = _guard(
        lambda: _call(
            "POST", url, token, f"{_base(landscape)}/what-if", body={"retire": applications}
        )
    )
    if as_json:
        out.print_json(json.dumps(body))
        return
    out.print(
        f"retiring {', '.join(body['retired'])}: yearly cost change "
        f"{_euros(body['yearly_cost_change'])}, {body['integrations_removed']} integrations go"
    )
    uncovered = body["uncovered_capabilities"]
    if uncovered:
        names = ", ".join(c["name"] for c in uncovered)
        out.print(f"[red]capabilities left without an application:[/red] {names}")
    else:
        out.print("every capability stays covered")
    consumers = sorted({f["consumer"] for f in body["blast_radius"] if f["depth"] == 1})
    out.print(f"applications losing data: {', '.join(consumers) or 'none'}")
    _print_waves(body["waves"])
    if body["proposals"]:
        out.print(_proposal_table(body["proposals"], "proposals afterwards"))


@app.command("decide")
def decide(
    proposal_id: Annotated[str, typer.Argument(help="e.g. retire:app-17")],
    verdict: Annotated[str, typer.Argument(help="accept or reject")],
    landscape: LandscapeOpt,
    reason: Annotated[str, typer.Option("--reason", "-r", help="Why (required).")],
    decided_by: Annotated[str | None, typer.Option("--by", help="Who decides.")] = None,
    url: UrlOpt = DEFAULT_URL,
    token: TokenOpt = "",
) -> None:
    """Accept or reject a proposal; a rejection holds until its facts change."""
    if verdict not in ("accept", "reject"):
        err.print(f"[red]error:[/red] verdict must be accept or reject, not {verdict!r}")
        raise typer.Exit(2)
    body = _guard(
        lambda: _call(
            "POST",
            url,
            token,
            f"{_base(landscape)}/decisions",
            body={
                "proposal_id": proposal_id,
                "verdict": verdict,
                "reason": reason,
                "decided_by": decided_by,
            },
        )
    )
    out.print(f"{body['proposal']['id']} is now {body['proposal']['status']}")


@app.command("runs")
def runs(
    landscape: LandscapeOpt,
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 20,
    url: UrlOpt = DEFAULT_URL,
    token: TokenOpt = "",
) -> None:
    """Run history of a landscape."""
    rows = _guard(
        lambda: _call("GET", url, token, f"{_base(landscape)}/runs", params={"limit": limit})
    )
    table = Table(title=f"runs of {landscape}")
    for column in ("run", "finished", "trigger", "graph v", "proposals", "saving/yr", "ms", "note"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            r["run_id"],
            r["finished_at"][:19],
            r["trigger"],
            str(r["graph_version"]),
            str(r["proposal_count"]),
            _euros(r["total_yearly_saving"]),
            f"{r['duration_ms']:.0f}",
            r["empty_reason"] or ("stale inputs" if r["stale_inputs"] else ""),
        )
    out.print(table)


@app.command("diff")
def diff(
    landscape: LandscapeOpt,
    run_id: Annotated[
        str | None, typer.Argument(help="Run to compare; default the latest.")
    ] = None,
    against: Annotated[
        str | None, typer.Option(help="Earlier run; default the one before.")
    ] = None,
    url: UrlOpt = DEFAULT_URL,
    token: TokenOpt = "",
) -> None:
    """What changed between two runs."""

    def act() -> Any:
        target = run_id
        if target is None:
            latest = _call("GET", url, token, f"{_base(landscape)}/runs", params={"limit": 1})
            if not latest:
                raise ApiError(f"landscape {landscape!r} has no runs yet")
            target = latest[0]["run_id"]
        params = {"against": against} if against else None
        return _call("GET", url, token, f"{_base(landscape)}/runs/{target}/diff", params=params)

    body = _guard(act)
    out.print(
        f"from {body['from_run'] or '(nothing)'} to {body['to_run']}: "
        f"saving change {_euros(body['saving_change'])}/yr"
    )
    table = Table()
    table.add_column("change")
    table.add_column("proposal")
    table.add_column("detail")
    for p in body["added"]:
        table.add_row("[green]added[/green]", p["id"], p["summary"])
    for p in body["removed"]:
        table.add_row("[red]removed[/red]", p["id"], p["summary"])
    for c in body["changed"]:
        detail = ", ".join(f"{f}: {c['before'].get(f)} → {c['after'].get(f)}" for f in c["fields"])
        table.add_row("[yellow]changed[/yellow]", c["id"], detail)
    out.print(table)
