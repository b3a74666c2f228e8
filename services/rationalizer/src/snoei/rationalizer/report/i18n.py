"""The report's words in English and Dutch: every UI string goes through ``Words``."""

from __future__ import annotations

from typing import Literal

Language = Literal["en", "nl"]
LANGUAGES: tuple[Language, ...] = ("en", "nl")

_EN: dict[str, str] = {
    "title": "Application landscape: what to prune",
    "subtitle": "Rationalisation report for {landscape}",
    "generated": "Run of {when} on graph version {version}; {apps} applications, "
    "{integrations} integrations.",
    "summary": "Executive summary",
    "kpi_saving": "Yearly saving",
    "kpi_saving_note": "{share} of the yearly ICT cost of {total}",
    "kpi_one_off": "One-off migration",
    "kpi_one_off_note": "paid back in {months} months",
    "kpi_one_off_never": "no yearly saving to pay it back",
    "kpi_proposals": "Open proposals",
    "kpi_proposals_note": "{retire} retire · {consolidate} consolidate · {replace} replace",
    "kpi_eol": "On end-of-life technology",
    "kpi_eol_note": "applications with unsupported software",
    "what_prune": "What to prune",
    "what_prune_text": "Snoei proposes to retire {retire} applications, to merge {consolidate} "
    "into applications that already do the same work, and to replace {replace} that run on "
    "technology past its end of life.",
    "what_saves": "What it saves",
    "what_saves_text": "Carried out, the open proposals save {saving} a year — {share} of the "
    "{total} this landscape costs each year — for a one-off {one_off}.",
    "what_saves_largest": "The largest single saving: {name} ({saving} a year).",
    "what_risks": "What it risks",
    "what_risks_text": "{high} proposals carry a high risk. {affected} other applications "
    "lose a data flow and {rewire} integrations must be rewired before anything is switched off.",
    "what_risks_blocked": "{count} proposal(s) are held back because a capability would be "
    "left without any application: {names}.",
    "what_risks_eol": "{count} applications run on technology that is no longer supported; "
    "that risk exists whether or not anything is pruned.",
    "what_first": "What to do first",
    "what_first_wave": "Start with wave 1: {count} applications that can go first, because "
    "none of the other applications to be switched off reads from them; together {saving} "
    "a year.",
    "what_first_quick": "Quick wins (low risk, shortest payback): {names}.",
    "what_first_replace": "Plan the replacement of {names}: valuable, but on end-of-life "
    "technology.",
    "nothing": "Snoei has no proposals for this landscape.",
    "empty_reason": "Why: {reason}.",
    "graph": "The landscape",
    "graph_help": "Every dot is an application; lines are integrations. Coloured dots carry a "
    "proposal. Click or tab to an application to see its blast radius: every application that "
    "(directly or indirectly) receives data from it.",
    "graph_select": "Select an application to see who depends on it.",
    "graph_selected": "{name}: {count} application(s) depend on it directly or indirectly.",
    "graph_nodes": "{count} applications",
    "legend_other": "no proposal",
    "legend_blocked": "blocked",
    "legend_radius": "blast radius",
    "savings": "Savings",
    "savings_per_proposal": "Yearly saving per proposal (largest {count})",
    "savings_per_wave": "Cumulative yearly saving per decommission wave",
    "wave": "Wave {number}",
    "cumulative": "cumulative",
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
    "apps_count": "{count} app(s)",
    "waves": "Decommission waves",
    "waves_help": "Consumers go before their suppliers: an application leaves only after "
    "everything that reads from it has moved. Applications that feed each other in a cycle "
    "leave together.",
    "waves_none": "No decommission waves: nothing is to be switched off.",
    "cycle": "leave together (cycle)",
    "proposals": "All proposals with their evidence",
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
    "needs-data": "needs data",
    "blocked": "blocked",
    "accepted": "accepted",
    "rejected": "rejected",
    "low": "low",
    "medium": "medium",
    "high": "high",
    "do_retire": "Retire {name}",
    "do_consolidate": "Merge {name} into {survivor}",
    "do_replace": "Replace {name}",
    "blocked_because": "Blocked: {reason}",
    "blocked_uncovered": "it would leave {names} without any application",
    "contents": "Contents",
    "language": "Language",
    "impact": "{lost} application(s) lose data · {rewire} integration(s) to rewire",
    "invest_help": "valuable and technically sound: keep investing",
    "migrate_help": "valuable, but on weak or outdated technology: move to a better platform",
    "tolerate_help": "technically sound, little business value: keep while it costs little",
    "eliminate_help": "little value and weak technology: candidates to switch off",
    "footer": "Generated by Snoei from the live landscape model. Every number comes from "
    "the inventory and the rules listed with each proposal.",
}

_NL: dict[str, str] = {
    "title": "Applicatielandschap: wat kan er gesnoeid worden",
    "subtitle": "Rationalisatierapport voor {landscape}",
    "generated": "Analyse van {when} op grafversie {version}; {apps} applicaties, "
    "{integrations} koppelingen.",
    "summary": "Samenvatting voor het bestuur",
    "kpi_saving": "Besparing per jaar",
    "kpi_saving_note": "{share} van de jaarlijkse ICT-kosten van {total}",
    "kpi_one_off": "Eenmalige migratie",
    "kpi_one_off_note": "terugverdiend in {months} maanden",
    "kpi_one_off_never": "geen jaarlijkse besparing om het terug te verdienen",
    "kpi_proposals": "Open voorstellen",
    "kpi_proposals_note": "{retire} uitfaseren · {consolidate} samenvoegen · {replace} vervangen",
    "kpi_eol": "Op verouderde techniek",
    "kpi_eol_note": "applicaties met software zonder ondersteuning",
    "what_prune": "Wat snoeien we",
    "what_prune_text": "Snoei stelt voor {retire} applicaties uit te faseren, {consolidate} "
    "samen te voegen met applicaties die hetzelfde werk al doen, en {replace} te vervangen "
    "omdat ze op techniek draaien waarvan de ondersteuning is gestopt.",
    "what_saves": "Wat levert het op",
    "what_saves_text": "Uitgevoerd besparen de openstaande voorstellen {saving} per jaar — "
    "{share} van de {total} die dit landschap jaarlijks kost — tegen eenmalig {one_off}.",
    "what_saves_largest": "De grootste afzonderlijke besparing: {name} ({saving} per jaar).",
    "what_risks": "Wat zijn de risico's",
    "what_risks_text": "{high} voorstellen hebben een hoog risico. {affected} andere applicaties "
    "verliezen een gegevensstroom en {rewire} koppelingen moeten worden omgelegd voordat er "
    "iets wordt uitgezet.",
    "what_risks_blocked": "{count} voorstel(len) worden tegengehouden omdat een functie dan "
    "door geen enkele applicatie meer wordt vervuld: {names}.",
    "what_risks_eol": "{count} applicaties draaien op techniek die niet meer wordt "
    "ondersteund; dat risico bestaat ook als er niets wordt gesnoeid.",
    "what_first": "Waar beginnen we",
    "what_first_wave": "Begin met golf 1: {count} applicaties die als eerste kunnen, omdat "
    "geen van de andere uit te zetten applicaties ervan leest; samen {saving} per jaar.",
    "what_first_quick": "Snelle winst (laag risico, kortste terugverdientijd): {names}.",
    "what_first_replace": "Plan de vervanging van {names}: waardevol, maar op verouderde techniek.",
    "nothing": "Snoei heeft geen voorstellen voor dit landschap.",
    "empty_reason": "Reden: {reason}.",
    "graph": "Het landschap",
    "graph_help": "Elke stip is een applicatie; lijnen zijn koppelingen. Gekleurde stippen "
    "hebben een voorstel. Klik (of tab) naar een applicatie om de impact te zien: alle "
    "applicaties die er direct of indirect gegevens van ontvangen.",
    "graph_select": "Kies een applicatie om te zien wie ervan afhankelijk is.",
    "graph_selected": "{name}: {count} applicatie(s) zijn er direct of indirect van afhankelijk.",
    "graph_nodes": "{count} applicaties",
    "legend_other": "geen voorstel",
    "legend_blocked": "tegengehouden",
    "legend_radius": "impact",
    "savings": "Besparingen",
    "savings_per_proposal": "Besparing per jaar per voorstel (grootste {count})",
    "savings_per_wave": "Opgetelde besparing per jaar per uitfaseringsgolf",
    "wave": "Golf {number}",
    "cumulative": "opgeteld",
    "time": "TIME-kwadranten",
    "time_help": "Bedrijfswaarde tegenover technische kwaliteit (lager door verouderde "
    "techniek). De grootte van een stip volgt de jaarlijkse kosten.",
    "tolerate": "Tolereren",
    "invest": "Investeren",
    "migrate": "Migreren",
    "eliminate": "Elimineren",
    "business_value": "Bedrijfswaarde",
    "technical_fitness": "Effectieve technische kwaliteit",
    "eol": "Tijdlijn einde ondersteuning",
    "eol_help": "Gebruikte techniek met het einde van de reguliere ondersteuning (open) en "
    "het einde van de beveiligingsupdates (dicht); de lijn is vandaag.",
    "eol_none": "Van geen enkele gebruikte techniek is een einddatum bekend.",
    "eol_support": "einde ondersteuning",
    "eol_life": "einde levensduur",
    "today": "vandaag",
    "apps_count": "{count} app(s)",
    "waves": "Uitfaseringsgolven",
    "waves_help": "Afnemers gaan vóór hun leveranciers: een applicatie verdwijnt pas als alles "
    "wat ervan leest is overgezet. Applicaties die elkaar in een kring voeden gaan samen.",
    "waves_none": "Geen uitfaseringsgolven: er hoeft niets te worden uitgezet.",
    "cycle": "gaan samen (kring)",
    "proposals": "Alle voorstellen met onderbouwing",
    "col_proposal": "Voorstel",
    "col_action": "Actie",
    "col_status": "Status",
    "col_saving": "Besparing / jaar",
    "col_one_off": "Eenmalig",
    "col_payback": "Terugverdientijd",
    "col_risk": "Risico",
    "col_confidence": "Betrouwbaarheid",
    "evidence": "Onderbouwing",
    "months": "{months} mnd",
    "never": "—",
    "retire": "uitfaseren",
    "replace": "vervangen",
    "consolidate": "samenvoegen",
    "open": "open",
    "needs-data": "gegevens nodig",
    "blocked": "tegengehouden",
    "accepted": "aanvaard",
    "rejected": "afgewezen",
    "low": "laag",
    "medium": "middel",
    "high": "hoog",
    "do_retire": "{name} uitfaseren",
    "do_consolidate": "{name} samenvoegen met {survivor}",
    "do_replace": "{name} vervangen",
    "blocked_because": "Tegengehouden: {reason}",
    "blocked_uncovered": "{names} zou dan door geen enkele applicatie meer worden vervuld",
    "contents": "Inhoud",
    "language": "Taal",
    "impact": "{lost} applicatie(s) verliezen gegevens · {rewire} koppeling(en) om te leggen",
    "invest_help": "waardevol en technisch gezond: blijven investeren",
    "migrate_help": "waardevol, maar op zwakke of verouderde techniek: naar een beter platform",
    "tolerate_help": "technisch gezond, weinig bedrijfswaarde: houden zolang het weinig kost",
    "eliminate_help": "weinig waarde en zwakke techniek: kandidaten om uit te zetten",
    "footer": "Gemaakt door Snoei uit het actuele landschapsmodel. Elk getal komt uit de "
    "inventaris en de regels die bij elk voorstel staan.",
}

_DICTIONARIES: dict[Language, dict[str, str]] = {"en": _EN, "nl": _NL}


class Words:
    """Translated UI strings and number formats of one language."""

    def __init__(self, lang: Language) -> None:
        self.lang = lang
        self._words = _DICTIONARIES[lang]

    def __call__(self, key: str, **values: object) -> str:
        return self._words[key].format(**values) if values else self._words[key]

    def euros(self, amount: float | None) -> str:
        if amount is None:  # unknown is never shown as €0
            return "onbekend (gegevens nodig)" if self.lang == "nl" else "unknown (needs data)"
        text = f"{amount:,.0f}"
        if self.lang == "nl":
            text = text.replace(",", ".")
        return f"€\u202f{text}"

    def short_euros(self, amount: float) -> str:
        """Compact amounts for chart axes: €1.2M / € 1,2 mln, €250k / € 250k."""
        if abs(amount) >= 1_000_000:
            number = f"{amount / 1_000_000:.1f}"
            unit = " mln" if self.lang == "nl" else "M"
        elif abs(amount) >= 1_000:
            number, unit = f"{amount / 1_000:.0f}", "k"
        else:
            number, unit = f"{amount:.0f}", ""
        if self.lang == "nl":
            number = number.replace(".", ",")
        return f"€{number}{unit}"

    def percent(self, share: float) -> str:
        text = f"{share * 100:.1f}"
        return f"{text.replace('.', ',') if self.lang == 'nl' else text}%"

    def number(self, value: float, digits: int = 1) -> str:
        text = f"{value:.{digits}f}"
        return text.replace(".", ",") if self.lang == "nl" else text


def same_keys() -> bool:
    """Both dictionaries translate the same strings (checked by the unit tests)."""
    return set(_EN) == set(_NL)
