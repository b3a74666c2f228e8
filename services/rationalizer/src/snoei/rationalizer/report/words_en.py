"""The report's words in English: a string, or one form per CLDR plural category."""

from __future__ import annotations

WORDS: dict[str, str | dict[str, str]] = {
    "title": "Application landscape: what to prune",
    "subtitle": "Rationalisation report for {landscape}",
    "generated": "Run of {when} on graph version {version}; {apps}, {integrations}.",
    "summary": "Executive summary",
    "unknown": "unknown",
    "total": "Total",
    "per_year": "{amount} a year",
    "n_applications": {"one": "{count} application", "other": "{count} applications"},
    "n_integrations": {"one": "{count} integration", "other": "{count} integrations"},
    "kpi_saving": "Recommended yearly saving",
    "kpi_saving_note": "{share} of the known yearly ICT cost of {total}",
    "cost_unknown_note": {
        "one": "({count} application has no known cost)",
        "other": "({count} applications have no known cost)",
    },
    "kpi_one_off": "One-off migration",
    "kpi_one_off_note": "paid back in {months} months",
    "kpi_one_off_never": "no yearly saving to pay it back",
    "kpi_proposals": "Recommended proposals",
    "kpi_proposals_note": "{retire} retire · {consolidate} consolidate · {replace} replace",
    "kpi_eol": "On end-of-life technology",
    "kpi_eol_note": "applications with unsupported software",
    "what_prune": "What to prune",
    "what_prune_text": "Snoei recommends to retire {retire}, to merge {consolidate} into "
    "applications that already do the same work, and to replace {replace} on technology "
    "past its end of life.",
    "what_saves": "What it saves",
    "what_saves_text": {
        "one": "Carried out, the {count} recommended proposal saves {saving} a year — {share} "
        "of the {total} this landscape is known to cost each year — for a one-off {one_off}.",
        "other": "Carried out, the {count} recommended proposals save {saving} a year — {share} "
        "of the {total} this landscape is known to cost each year — for a one-off {one_off}.",
    },
    "what_saves_left_out": "Not counted in that saving: {parts}; each is listed with its reason "
    "under the proposals.",
    "left_out_doubtful": {
        "one": "{count} proposal that needs data or does not pay back within {months} months",
        "other": "{count} proposals that need data or do not pay back within {months} months",
    },
    "left_out_blocked": {"one": "{count} held back", "other": "{count} held back"},
    "left_out_rejected": {"one": "{count} rejected", "other": "{count} rejected"},
    "what_saves_largest": "The largest single saving: {name} ({saving} a year).",
    "what_risks": "What it risks",
    "what_risks_high": {
        "one": "{count} recommended proposal carries a high risk.",
        "other": "{count} recommended proposals carry a high risk.",
    },
    "what_risks_affected": {
        "one": "{count} other application loses a data flow;",
        "other": "{count} other applications lose a data flow;",
    },
    "what_risks_rewire": {
        "one": "{count} integration must be rewired before anything is switched off.",
        "other": "{count} integrations must be rewired before anything is switched off.",
    },
    "what_risks_blocked": {
        "one": "{count} proposal is held back because a capability would be left without any "
        "application: {names}. Its saving is not counted.",
        "other": "{count} proposals are held back because a capability would be left without "
        "any application: {names}. Their savings are not counted.",
    },
    "what_risks_eol": {
        "one": "{count} application runs on technology that is no longer supported; that risk "
        "exists whether or not anything is pruned.",
        "other": "{count} applications run on technology that is no longer supported; that risk "
        "exists whether or not anything is pruned.",
    },
    "what_first": "What to do first",
    "what_first_wave": {
        "one": "Start with wave 1: {count} application that can go first, because none of the "
        "other applications to be switched off reads from it; its recommended proposals save "
        "{saving} a year.",
        "other": "Start with wave 1: {count} applications that can go first, because none of "
        "the other applications to be switched off reads from them; its recommended proposals "
        "save {saving} a year.",
    },
    "what_first_quick": "Quick wins (low risk, shortest payback): {names}.",
    "what_first_replace": "Plan the replacement of {names}: valuable, but on end-of-life "
    "technology.",
    "nothing": "Snoei has no proposals for this landscape.",
    "empty_reason": "Why: {reason}.",
    "graph": "The landscape",
    "graph_help": "One box per capability domain. Every application a proposal concerns is "
    "drawn with the applications it exchanges data with; the rest of each domain is counted "
    "at the bottom of its box. Click an application, or find one by name, to see its blast "
    "radius: every application that (directly or indirectly) receives data from it.",
    "graph_search": "Find an application…",
    "graph_no_match": "No application has that name.",
    "graph_select": "Select an application to see who depends on it.",
    "graph_selected": {
        "one": "{name}: {count} application depends on it directly or indirectly.",
        "other": "{name}: {count} applications depend on it directly or indirectly.",
    },
    "graph_in_group": "It is counted in the box {group}.",
    "graph_hits": "{count} affected",
    "graph_nodes": {"one": "{count} application", "other": "{count} applications"},
    "graph_others": {
        "one": "+ {count} other application",
        "other": "+ {count} other applications",
    },
    "no_domain": "No capability recorded",
    "legend_other": "no proposal",
    "legend_blocked": "held back",
    "legend_radius": "blast radius",
    "savings": "Savings",
    "savings_per_proposal": {
        "one": "Yearly saving of the recommended proposal ({count} of {total})",
        "other": "Yearly saving per recommended proposal (largest {count} of {total})",
    },
    "savings_rest": {
        "one": "The {count} other recommended proposal saves {saving} a year.",
        "other": "The {count} other recommended proposals save {saving} a year together.",
    },
    "savings_per_wave": "Cumulative yearly saving per decommission wave (recommended proposals)",
    "waves_total": "The waves add up to {saving} a year.",
    "unscheduled_replace": {
        "one": "Replace proposals are not scheduled in waves: {count}, {saving} a year.",
        "other": "Replace proposals are not scheduled in waves: {count}, {saving} a year.",
    },
    "unscheduled_retire": {
        "one": "Retire proposals in no wave: {count}, {saving} a year.",
        "other": "Retire proposals in no wave: {count}, {saving} a year.",
    },
    "unscheduled_consolidate": {
        "one": "Consolidate proposals in no wave: {count}, {saving} a year.",
        "other": "Consolidate proposals in no wave: {count}, {saving} a year.",
    },
    "waves_reconcile": "Waves {waves} + not in a wave {rest} = {total}, the recommended "
    "yearly saving.",
    "waves_uncounted": {
        "one": "{count} proposal in the waves is not recommended; its saving is not counted.",
        "other": "{count} proposals in the waves are not recommended; their savings are not "
        "counted.",
    },
    "not_counted": "not recommended: saving not counted",
    "wave": "Wave {number}",
    "cumulative": "cumulative",
    "portfolio": "Portfolio",
    "portfolio_help": "What each owner runs and what it costs a year, the proposals on their "
    "applications and the decisions they still have to take. Live applications only; an "
    "application without a recorded cost is counted apart, never as €0.",
    "per_owner": "Per owner",
    "per_domain": "Per capability domain",
    "per_domain_help": "What each municipal task costs in ICT: an application counts towards "
    "the domain of its first-listed capability, so the domains add up to the whole landscape.",
    "no_owner": "No owner recorded",
    "col_owner": "Owner",
    "col_domain": "Capability domain",
    "col_apps": "Applications",
    "col_cost": "Known cost / year",
    "col_unknown_cost": "Cost unknown",
    "col_proposals": "Proposals",
    "col_recommended_saving": "Recommended saving",
    "col_pending": "Decisions pending",
    "col_share": "Share",
    "n_unknown_cost": {"one": "{count} app", "other": "{count} apps"},
    "time": "TIME quadrants",
    "time_help": "Business value against technical fitness (lowered by end-of-life technology). "
    "Dot size follows yearly cost.",
    "tolerate": "Tolerate",
    "invest": "Invest",
    "migrate": "Migrate",
    "eliminate": "Eliminate",
    "business_value": "Business value",
    "technical_fitness": "Effective technical fitness",
    "eol": "End-of-life timeline",
    "eol_help": "Technologies in use with their end of support (hollow) and end of life "
    "(filled); the line marks today.",
    "eol_none": "No technology in use has a known end of life.",
    "eol_support": "end of support",
    "eol_life": "end of life",
    "today": "today",
    "waves": "Decommission waves",
    "waves_help": "Consumers go before their suppliers: an application leaves only after "
    "everything that reads from it has moved. Applications that feed each other in a cycle "
    "leave together. Dashed: from a proposal that is not recommended.",
    "waves_none": "No decommission waves: nothing is to be switched off.",
    "cycle": "leave together (cycle)",
    "proposals": "All proposals with their evidence",
    "table_recommended": {
        "one": "Recommended: {count} proposal",
        "other": "Recommended: {count} proposals",
    },
    "table_doubtful": {
        "one": "Needs data or not recommended: {count} proposal",
        "other": "Needs data or not recommended: {count} proposals",
    },
    "table_held_back": {
        "one": "Held back or rejected: {count} proposal",
        "other": "Held back or rejected: {count} proposals",
    },
    "recommended_help": "Open or accepted, with a known yearly saving that pays back the "
    "one-off migration within {months} months. Their total is the headline saving.",
    "doubtful_help": "Not counted in any saving: the saving or migration cost is unknown, "
    "there is no saving, or the payback takes longer than {months} months.",
    "held_back_help": "Not counted in any saving: held back by the coverage rule, or rejected "
    "by an architect.",
    "total_recommended": {
        "one": "Total of {count} recommended proposal",
        "other": "Total of {count} recommended proposals",
    },
    "col_proposal": "Proposal",
    "col_action": "Action",
    "col_status": "Status",
    "col_saving": "Saving / year",
    "col_one_off": "One-off",
    "col_payback": "Payback",
    "col_risk": "Risk",
    "col_confidence": "Confidence",
    "evidence": "Evidence",
    "months": "{months} mo",
    "never": "—",
    "retire": "retire",
    "replace": "replace",
    "consolidate": "consolidate",
    "open": "open",
    "blocked": "held back",
    "accepted": "accepted",
    "rejected": "rejected",
    "low": "low",
    "medium": "medium",
    "high": "high",
    "do_retire": "Retire {name}",
    "do_consolidate": "Merge {name} into {survivor}",
    "do_replace": "Replace {name}",
    "blocked_because": "Held back: {reason}",
    "blocked_uncovered": "it would leave {names} without any application",
    "rejected_because": "Rejected by an architect; it stays rejected while its facts hold.",
    "needs_data_saving": "Needs data: the yearly saving is unknown (missing: {missing}).",
    "needs_data_migration": "Needs data: the one-off migration cost is unknown "
    "(missing: {missing}).",
    "no_saving": "Not recommended on savings: it saves nothing a year (it may still remove "
    "a risk).",
    "slow_payback": "Not recommended: it pays back in {months} months, longer than the "
    "{limit} months the rule book allows.",
    "impact_lost": {
        "one": "{count} application loses data",
        "other": "{count} applications lose data",
    },
    "impact_rewire": {
        "one": "{count} integration to rewire",
        "other": "{count} integrations to rewire",
    },
    "method": "How the numbers were made",
    "method_help": "The rules and thresholds of the rule book this run used, in plain words.",
    "method_recommended": "Recommended",
    "method_recommended_text": "A proposal is recommended when it is open or accepted, saves "
    "a known amount a year, and its one-off migration is paid back within {months} months. "
    "Every saving in this report is a sum over the recommended proposals.",
    "method_saving": "Yearly saving",
    "method_saving_text": "The yearly cost of the application that goes: licence, hosting, "
    "support and staff. A like-for-like upgrade saves nothing. Without a known cost the "
    "saving is unknown, not zero.",
    "method_migration": "One-off migration",
    "method_migration_text": "{base} per application moved or retired, plus {per} per "
    "integration to rewire. Payback = one-off migration ÷ monthly saving.",
    "method_time": "TIME quadrants",
    "method_time_text": "Business value at or above {value} is high, effective technical "
    "fitness at or above {fitness} is high (1–5). End-of-life technology lowers fitness by up "
    "to {penalty} points. A score must cross a threshold by {margin} to change quadrant.",
    "method_retire": "Retire",
    "method_retire_text": {
        "one": "Applications in phase-out, in the Eliminate quadrant, or with at most {count} "
        "user.",
        "other": "Applications in phase-out, in the Eliminate quadrant, or with at most {count} "
        "users.",
    },
    "method_consolidate": "Consolidate",
    "method_consolidate_text": "Applications whose capabilities overlap at least {overlap} "
    "(Jaccard similarity) merge into the best survivor of their cluster (fitness, value, "
    "cost, integrations to rewire).",
    "method_replace": "Replace",
    "method_replace_text": "Applications with business value of at least {value} (or critical "
    "ones) on technology with a lifecycle risk of at least {risk}.",
    "method_coverage": "Held back",
    "method_coverage_text": "A proposal that would leave a capability without any application "
    "is held back; the application stays.",
    "method_confidence": "Confidence",
    "method_confidence_text": "100% with every input present; 12 points less per missing "
    "input, 20 less when survey scores are older than {days} days.",
    "method_off": "Rules switched off",
    "data": "Data completeness",
    "data_help": "How many live applications have each input. A missing input lowers the "
    "confidence of a proposal, and a missing cost makes its saving unknown.",
    "col_input": "Input",
    "field_costs": "Yearly costs",
    "field_scores": "Business value and technical fitness scores",
    "field_lifecycle": "Known lifecycle dates of every technology",
    "field_technologies": "Technologies",
    "field_owner": "Owner",
    "present_of": "{present} of {of}",
    "stale_run": "Stale inputs: the run evaluated a graph that was known to be behind the "
    "inventory; its confidences were lowered.",
    "fresh_run": "The run evaluated the current graph (version {version}).",
    "stale_scores": {
        "one": "{count} live application has survey scores older than {days} days.",
        "other": "{count} live applications have survey scores older than {days} days.",
    },
    "contents": "Contents",
    "invest_help": "valuable and technically sound: keep investing",
    "migrate_help": "valuable, but on weak or outdated technology: move to a better platform",
    "tolerate_help": "technically sound, little business value: keep while it costs little",
    "eliminate_help": "little value and weak technology: candidates to switch off",
    "footer": "Generated by Snoei from the live landscape model. Every number comes from "
    "the inventory and the rules listed with each proposal.",
}
