"""How the numbers were made: the rules, thresholds and cost model of the rule book the run
used, in plain words; and how complete and fresh the inputs were."""

from __future__ import annotations

from html import escape

from snoei.rationalizer.domain.rulebook import RULE_NAMES, RulesConfig
from snoei.rationalizer.report.i18n import Words
from snoei.rationalizer.report.model import (
    Completeness,
    ReportInput,
    completeness,
    stale_scores,
)


def methodology_section(data: ReportInput, words: Words) -> str:
    rules = data.rules
    terms = [
        ("method_recommended", _recommended(rules, words)),
        ("method_saving", words("method_saving_text")),
        ("method_migration", _migration(rules, words)),
        ("method_time", _time(rules, words)),
        ("method_retire", words.plural("method_retire_text", rules.unused_max_users)),
        (
            "method_consolidate",
            words("method_consolidate_text", overlap=words.percent(rules.overlap_threshold, 0)),
        ),
        (
            "method_replace",
            words(
                "method_replace_text",
                value=words.integer(rules.replace_min_value),
                risk=words.percent(rules.replace_min_risk, 0),
            ),
        ),
        ("method_coverage", words("method_coverage_text")),
        (
            "method_confidence",
            words("method_confidence_text", days=words.integer(rules.stale_after_days)),
        ),
    ]
    off = [name for name in RULE_NAMES if not rules.enabled(name)]
    if off:
        terms.append(("method_off", ", ".join(off)))
    items = "".join(
        f"<dt>{escape(words(term))}</dt><dd>{escape(text)}</dd>" for term, text in terms
    )
    return (
        f'<section class="card" id="method"><h2>{escape(words("method"))}</h2>'
        f'<p class="help">{escape(words("method_help"))}</p>'
        f'<dl class="method">{items}</dl></section>'
    )


def _recommended(rules: RulesConfig, words: Words) -> str:
    return words("method_recommended_text", months=words.number(rules.max_payback_months, 0))


def _migration(rules: RulesConfig, words: Words) -> str:
    return words(
        "method_migration_text",
        base=words.euros(rules.migration_base_cost),
        per=words.euros(rules.migration_cost_per_integration),
    )


def _time(rules: RulesConfig, words: Words) -> str:
    return words(
        "method_time_text",
        value=words.number(rules.value_threshold),
        fitness=words.number(rules.fitness_threshold),
        penalty=words.number(rules.eol_fitness_penalty),
        margin=words.number(rules.hysteresis, 2),
    )


def data_section(data: ReportInput, words: Words) -> str:
    def count(item: Completeness) -> str:
        present, total = words.integer(item.present), words.integer(item.of)
        return escape(words("present_of", present=present, of=total))

    rows = "".join(
        f'<tr data-field="{item.field}"><td>{escape(words(f"field_{item.field}"))}</td>'
        f'<td class="num">{escape(words.percent(item.share, 0))}</td>'
        f'<td><div class="meter"><span style="width:{item.share * 100:.1f}%"></span></div>'
        f'<span class="muted">{count(item)}'
        "</span></td></tr>"
        for item in completeness(data)
    )
    stale = stale_scores(data)
    notes = [
        words("stale_run") if data.stale_inputs else words("fresh_run", version=data.graph_version),
        words.plural("stale_scores", stale, days=words.integer(data.rules.stale_after_days)),
    ]
    items = "".join(f"<li>{escape(n)}</li>" for n in notes)
    return (
        f'<section class="card" id="data"><h2>{escape(words("data"))}</h2>'
        f'<p class="help">{escape(words("data_help"))}</p>'
        f'<table class="completeness"><thead><tr><th>{escape(words("col_input"))}</th>'
        f'<th class="num">{escape(words("col_share"))}</th><th></th></tr></thead>'
        f'<tbody>{rows}</tbody></table><ul class="notes" id="stale">{items}</ul></section>'
    )
