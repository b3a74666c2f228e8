"""The one-paragraph summary of a proposal that a non-technical board reads."""

from __future__ import annotations

from collections.abc import Sequence

from snoei.rationalizer.domain.landscape import Landscape
from snoei.shared.contracts.proposals import Action, Proposal


def euros(amount: float) -> str:
    return f"€{amount:,.0f}"


def _money(amount: float | None) -> str:
    return "unknown amount" if amount is None else euros(amount)


def summarise(proposal: Proposal, reasons: Sequence[str], landscape: Landscape) -> str:
    """What to do and why, what it saves and costs, who loses data, and how sure it is."""
    app = landscape.applications[proposal.targets[0]]
    apps = landscape.applications
    verb = {
        Action.RETIRE: f"Retire {app.name}",
        Action.CONSOLIDATE: f"Consolidate {app.name} into "
        f"{apps[proposal.survivor].name if proposal.survivor else '?'}",
        Action.REPLACE: f"Replace {app.name}",
    }[proposal.action]
    parts = [f"{verb}: {'; '.join(reasons)}."]
    if proposal.action == Action.REPLACE:
        if proposal.replacement_candidates:
            names = ", ".join(apps[c].name for c in proposal.replacement_candidates)
            parts.append(f"Candidates that already do the same work: {names}.")
        else:
            parts.append("No application in this landscape does the same work yet.")
    if proposal.yearly_saving is None:
        needed = [m for m in proposal.missing_inputs if m.endswith("to compute the saving")]
        parts.append(
            f"Saving unknown (needs data: {'; '.join(needed) or 'costs'}); one-off "
            f"{_money(proposal.migration_cost)}."
        )
    elif proposal.yearly_saving > 0:
        payback = (
            f", paid back in {proposal.payback_months:g} months"
            if proposal.payback_months is not None
            else ""
        )
        parts.append(
            f"Saves {euros(proposal.yearly_saving)} a year for a one-off "
            f"{_money(proposal.migration_cost)}{payback}."
        )
    else:
        parts.append(f"One-off cost {_money(proposal.migration_cost)}; no yearly saving.")
    parts.append(_who_loses_data(proposal, landscape))
    parts.append(f"Risk {proposal.risk.value}, confidence {round(proposal.confidence * 100)}%.")
    return " ".join(parts)


def _who_loses_data(proposal: Proposal, landscape: Landscape) -> str:
    direct = sorted({f.consumer for f in proposal.blast_radius if f.depth == 1})
    if proposal.survivor is not None:
        # consolidating moves the data onto the survivor: its consumers are rewired, not cut
        direct = [c for c in direct if c != proposal.survivor]
    if not direct:
        if proposal.survivor is not None and proposal.integrations_to_rewire:
            return (
                f"{len(proposal.integrations_to_rewire)} integration(s) to rewire to "
                f"{landscape.applications[proposal.survivor].name}."
            )
        return "No other application loses data."
    names = ", ".join(landscape.applications[c].name for c in direct[:5])
    more = f" and {len(direct) - 5} more" if len(direct) > 5 else ""
    if proposal.survivor is not None:
        return (
            f"{len(direct)} consumer(s) to rewire to "
            f"{landscape.applications[proposal.survivor].name} ({names}{more}); "
            f"{len(proposal.integrations_to_rewire)} integration(s) to rewire."
        )
    return (
        f"{len(direct)} application(s) lose data from it ({names}{more}); "
        f"{len(proposal.integrations_to_rewire)} integration(s) must be rewired."
    )
