"""The portfolio section: per owner their applications, yearly cost, proposals and pending
decisions; per capability domain what its applications cost — so the board sees what each
municipal task costs in ICT. The numbers come from ``domain.portfolio``."""

from __future__ import annotations

from html import escape

from snoei.rationalizer.domain.portfolio import Costs, Portfolio, portfolio
from snoei.rationalizer.domain.recommendation import yearly_saving
from snoei.rationalizer.report.figures import Figures
from snoei.rationalizer.report.i18n import Words
from snoei.rationalizer.report.model import ReportInput
from snoei.rationalizer.report.standing import known


def report_portfolio(data: ReportInput, numbers: Figures) -> Portfolio:
    savings = {p.id: known(yearly_saving(p)) for p in numbers.book.recommended}
    return portfolio(data.landscape, data.proposals, recommended=savings)


def portfolio_section(data: ReportInput, numbers: Figures, words: Words) -> str:
    view = report_portfolio(data, numbers)
    return (
        f'<section class="card" id="portfolio"><h2>{escape(words("portfolio"))}</h2>'
        f'<p class="help">{escape(words("portfolio_help"))}</p>'
        f"<h3>{escape(words('per_owner'))}</h3>{_owners(view, words)}"
        f'<h3 style="margin-top:22px">{escape(words("per_domain"))}</h3>'
        f'<p class="help">{escape(words("per_domain_help"))}</p>{_domains(view, words)}'
        "</section>"
    )


def _cost_cells(costs: Costs, words: Words) -> str:
    unknown = words.plural("n_unknown_cost", costs.unknown_cost) if costs.unknown_cost else ""
    return (
        f'<td class="num">{words.integer(len(costs.applications))}</td>'
        f'<td class="num">{escape(words.euros(costs.yearly_cost))}</td>'
        f'<td class="num muted">{escape(unknown)}</td>'
    )


def _owners(view: Portfolio, words: Words) -> str:
    head = _head(
        words,
        "col_owner",
        "col_apps",
        "col_cost",
        "col_unknown_cost",
        "col_proposals",
        "col_recommended_saving",
        "col_pending",
    )
    rows = "".join(
        f"<tr><td>{escape(row.owner or words('no_owner'))}</td>{_cost_cells(row.costs, words)}"
        f'<td class="num">{words.integer(row.proposals)}</td>'
        f'<td class="num">{escape(words.euros(row.recommended_saving))}</td>'
        f'<td class="num">{words.integer(row.pending)}</td></tr>'
        for row in view.owners
    )
    foot = (
        f'<tfoot><tr id="owners-total"><td>{escape(words("total"))}</td>'
        f"{_cost_cells(view.total, words)}"
        f'<td class="num">{words.integer(sum(r.proposals for r in view.owners))}</td>'
        f'<td class="num">{escape(words.euros(sum(r.recommended_saving for r in view.owners)))}'
        f'</td><td class="num">{words.integer(sum(r.pending for r in view.owners))}</td>'
        "</tr></tfoot>"
    )
    return f'<table id="table-owners">{head}<tbody>{rows}</tbody>{foot}</table>'


def _domains(view: Portfolio, words: Words) -> str:
    head = _head(words, "col_domain", "col_apps", "col_cost", "col_unknown_cost", "col_share")
    total = view.total.yearly_cost
    rows = "".join(
        f"<tr><td>{escape(row.name or words('no_domain'))}</td>{_cost_cells(row.costs, words)}"
        f'<td class="num">{escape(words.percent(row.costs.yearly_cost / total if total else 0))}'
        "</td></tr>"
        for row in view.domains
    )
    foot = (
        f'<tfoot><tr id="domains-total"><td>{escape(words("total"))}</td>'
        f'{_cost_cells(view.total, words)}<td class="num">{escape(words.percent(1.0))}</td>'
        "</tr></tfoot>"
    )
    return f'<table id="table-domains">{head}<tbody>{rows}</tbody>{foot}</table>'


def _head(words: Words, *keys: str) -> str:
    cells = "".join(
        f"<th{'' if n == 0 else ' class=num'}>{escape(words(key))}</th>"
        for n, key in enumerate(keys)
    )
    return f"<thead><tr>{cells}</tr></thead>"
