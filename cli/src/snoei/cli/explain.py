"""``snoei explain``'s page: one proposal's summary, figures, evidence and blast radius, with
the applications' names beside their ids."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from snoei.cli import money, render

if TYPE_CHECKING:
    from rich.console import Console


def _named(app_id: str, names: Mapping[str, str]) -> str:
    name = names.get(app_id)
    return f"{name} ({app_id})" if name else app_id


def print_explanation(out: Console, body: Mapping[str, Any], names: Mapping[str, str]) -> None:
    from rich.markup import escape
    from rich.table import Table

    p = body["proposal"]
    out.print(f"[bold]{escape(p['id'])}[/bold] · {p['status']}", soft_wrap=True)
    out.print(escape(p["summary"]))
    out.print(f"application: {escape(render.application(p, names))}", soft_wrap=True)
    saving, cost = p.get("yearly_saving"), p.get("migration_cost")
    payback = money.payback(p.get("payback_months"), saving=saving, cost=cost)
    out.print(
        f"saving/yr {money.yearly_saving(saving)} · one-off {money.euros(cost)}"
        f" · payback {payback} · risk {p['risk']} · confidence {round(p['confidence'] * 100)}%",
        soft_wrap=True,
    )
    if p.get("blocked_reason"):
        out.print(f"[yellow]blocked:[/yellow] {escape(p['blocked_reason'])}")
    rules = Table(title="evidence", title_justify="left")
    rules.add_column("rule", no_wrap=True)
    rules.add_column("conclusion", overflow="fold", ratio=2)
    rules.add_column("facts", overflow="fold", ratio=1)
    for r in p["rules"]:
        facts = ", ".join(f"{k}={v}" for k, v in r["facts"].items() if v is not None)
        rules.add_row(r["rule"], r["message"], facts)
    out.print(rules)
    if p["blast_radius"]:
        _print_blast_radius(out, p["blast_radius"], names)
    decision = body.get("decision")
    if decision:
        applies = "" if body["decision_applies"] else " (facts changed since)"
        why = f": {decision['reason']}" if decision["reason"] else ""
        out.print(f"decision: {decision['verdict']} by {decision['decided_by'] or '?'}{why}"
                  f"{applies}", markup=False, soft_wrap=True)


def _print_blast_radius(
    out: Console, flows: list[Mapping[str, Any]], names: Mapping[str, str]
) -> None:
    from rich.table import Table

    table = Table(title="blast radius", title_justify="left")
    table.add_column("depth", justify="right")
    table.add_column("consumer ← supplier", overflow="fold", ratio=2)
    table.add_column("integration", overflow="fold", ratio=1)
    table.add_column("data", overflow="fold", ratio=1)
    table.add_column("criticality")
    for f in flows:
        table.add_row(
            str(f["depth"]),
            f"{_named(f['consumer'], names)} ← {_named(f['supplier'], names)}",
            f["integration_id"],
            ", ".join(f["data_objects"]),
            f["criticality"],
        )
    out.print(table)
