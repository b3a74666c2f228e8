"""The report's words in Dutch: a string, or one form per CLDR plural category."""

from __future__ import annotations

WORDS: dict[str, str | dict[str, str]] = {
    "title": "Applicatielandschap: wat kan er gesnoeid worden",
    "subtitle": "Rationalisatierapport voor {landscape}",
    "generated": "Analyse van {when} op grafversie {version}; {apps}, {integrations}.",
    "summary": "Samenvatting voor het bestuur",
    "unknown": "onbekend",
    "total": "Totaal",
    "per_year": "{amount} per jaar",
    "n_applications": {"one": "{count} applicatie", "other": "{count} applicaties"},
    "n_integrations": {"one": "{count} koppeling", "other": "{count} koppelingen"},
    "kpi_saving": "Aanbevolen besparing per jaar",
    "kpi_saving_note": "{share} van de bekende jaarlijkse ICT-kosten van {total}",
    "cost_unknown_note": {
        "one": "({count} applicatie heeft geen bekende kosten)",
        "other": "({count} applicaties hebben geen bekende kosten)",
    },
    "kpi_one_off": "Eenmalige migratie",
    "kpi_one_off_note": "terugverdiend in {months} maanden",
    "kpi_one_off_never": "geen jaarlijkse besparing om het terug te verdienen",
    "kpi_proposals": "Aanbevolen voorstellen",
    "kpi_proposals_note": "{retire} uitfaseren · {consolidate} samenvoegen · {replace} vervangen",
    "kpi_eol": "Op verouderde techniek",
    "kpi_eol_note": "applicaties met software zonder ondersteuning",
    "what_prune": "Wat snoeien we",
    "what_prune_text": "Snoei beveelt aan {retire} uit te faseren, {consolidate} samen te "
    "voegen met applicaties die hetzelfde werk al doen, en {replace} op techniek waarvan de "
    "ondersteuning is gestopt te vervangen.",
    "what_saves": "Wat levert het op",
    "what_saves_text": {
        "one": "Uitgevoerd bespaart het {count} aanbevolen voorstel {saving} per jaar — {share} "
        "van de {total} die dit landschap voor zover bekend jaarlijks kost — tegen eenmalig "
        "{one_off}.",
        "other": "Uitgevoerd besparen de {count} aanbevolen voorstellen {saving} per jaar — "
        "{share} van de {total} die dit landschap voor zover bekend jaarlijks kost — tegen "
        "eenmalig {one_off}.",
    },
    "what_saves_left_out": "Niet meegeteld in die besparing: {parts}; elk staat met de reden "
    "bij de voorstellen.",
    "left_out_doubtful": {
        "one": "{count} voorstel dat gegevens mist of zich niet binnen {months} maanden "
        "terugverdient",
        "other": "{count} voorstellen die gegevens missen of zich niet binnen {months} maanden "
        "terugverdienen",
    },
    "left_out_blocked": {"one": "{count} tegengehouden", "other": "{count} tegengehouden"},
    "left_out_rejected": {"one": "{count} afgewezen", "other": "{count} afgewezen"},
    "what_saves_largest": "De grootste afzonderlijke besparing: {name} ({saving} per jaar).",
    "what_risks": "Wat zijn de risico's",
    "what_risks_high": {
        "one": "{count} aanbevolen voorstel heeft een hoog risico.",
        "other": "{count} aanbevolen voorstellen hebben een hoog risico.",
    },
    "what_risks_affected": {
        "one": "{count} andere applicatie verliest een gegevensstroom;",
        "other": "{count} andere applicaties verliezen een gegevensstroom;",
    },
    "what_risks_rewire": {
        "one": "{count} koppeling moet worden omgelegd voordat er iets wordt uitgezet.",
        "other": "{count} koppelingen moeten worden omgelegd voordat er iets wordt uitgezet.",
    },
    "what_risks_blocked": {
        "one": "{count} voorstel wordt tegengehouden omdat een functie dan door geen enkele "
        "applicatie meer wordt vervuld: {names}. De besparing ervan telt niet mee.",
        "other": "{count} voorstellen worden tegengehouden omdat een functie dan door geen "
        "enkele applicatie meer wordt vervuld: {names}. Hun besparingen tellen niet mee.",
    },
    "what_risks_eol": {
        "one": "{count} applicatie draait op techniek die niet meer wordt ondersteund; dat "
        "risico bestaat ook als er niets wordt gesnoeid.",
        "other": "{count} applicaties draaien op techniek die niet meer wordt ondersteund; dat "
        "risico bestaat ook als er niets wordt gesnoeid.",
    },
    "what_first": "Waar beginnen we",
    "what_first_wave": {
        "one": "Begin met golf 1: {count} applicatie die als eerste kan, omdat geen van de "
        "andere uit te zetten applicaties ervan leest; de aanbevolen voorstellen erin besparen "
        "{saving} per jaar.",
        "other": "Begin met golf 1: {count} applicaties die als eerste kunnen, omdat geen van "
        "de andere uit te zetten applicaties ervan leest; de aanbevolen voorstellen erin "
        "besparen {saving} per jaar.",
    },
    "what_first_quick": "Snelle winst (laag risico, kortste terugverdientijd): {names}.",
    "what_first_replace": "Plan de vervanging van {names}: waardevol, maar op verouderde techniek.",
    "nothing": "Snoei heeft geen voorstellen voor dit landschap.",
    "empty_reason": "Reden: {reason}.",
    "graph": "Het landschap",
    "graph_help": "Eén vak per domein van de functiekaart. Elke applicatie waar een voorstel "
    "over gaat staat erin, met de applicaties waarmee ze gegevens uitwisselt; de rest van elk "
    "domein is onderaan het vak geteld. Klik op een applicatie, of zoek er een op naam, om de "
    "impact te zien: alle applicaties die er direct of indirect gegevens van ontvangen.",
    "graph_search": "Zoek een applicatie…",
    "graph_no_match": "Geen applicatie met die naam.",
    "graph_select": "Kies een applicatie om te zien wie ervan afhankelijk is.",
    "graph_selected": {
        "one": "{name}: {count} applicatie is er direct of indirect van afhankelijk.",
        "other": "{name}: {count} applicaties zijn er direct of indirect van afhankelijk.",
    },
    "graph_in_group": "Ze is meegeteld in het vak {group}.",
    "graph_hits": "{count} geraakt",
    "graph_nodes": {"one": "{count} applicatie", "other": "{count} applicaties"},
    "graph_others": {
        "one": "+ {count} andere applicatie",
        "other": "+ {count} andere applicaties",
    },
    "no_domain": "Geen functie vastgelegd",
    "legend_other": "geen voorstel",
    "legend_blocked": "tegengehouden",
    "legend_radius": "impact",
    "savings": "Besparingen",
    "savings_per_proposal": {
        "one": "Besparing per jaar van het aanbevolen voorstel ({count} van {total})",
        "other": "Besparing per jaar per aanbevolen voorstel (grootste {count} van {total})",
    },
    "savings_rest": {
        "one": "Het {count} andere aanbevolen voorstel bespaart {saving} per jaar.",
        "other": "De {count} andere aanbevolen voorstellen besparen samen {saving} per jaar.",
    },
    "savings_per_wave": "Opgetelde besparing per jaar per uitfaseringsgolf (aanbevolen "
    "voorstellen)",
    "waves_total": "De golven komen samen op {saving} per jaar.",
    "unscheduled_replace": {
        "one": "Vervangingen zitten niet in de golven: {count}, {saving} per jaar.",
        "other": "Vervangingen zitten niet in de golven: {count}, {saving} per jaar.",
    },
    "unscheduled_retire": {
        "one": "Uitfaseringen in geen enkele golf: {count}, {saving} per jaar.",
        "other": "Uitfaseringen in geen enkele golf: {count}, {saving} per jaar.",
    },
    "unscheduled_consolidate": {
        "one": "Samenvoegingen in geen enkele golf: {count}, {saving} per jaar.",
        "other": "Samenvoegingen in geen enkele golf: {count}, {saving} per jaar.",
    },
    "waves_reconcile": "Golven {waves} + buiten de golven {rest} = {total}, de aanbevolen "
    "besparing per jaar.",
    "waves_uncounted": {
        "one": "{count} voorstel in de golven is niet aanbevolen; de besparing ervan telt niet "
        "mee.",
        "other": "{count} voorstellen in de golven zijn niet aanbevolen; hun besparingen tellen "
        "niet mee.",
    },
    "not_counted": "niet aanbevolen: besparing telt niet mee",
    "wave": "Golf {number}",
    "cumulative": "opgeteld",
    "portfolio": "Portfolio",
    "portfolio_help": "Wat elke eigenaar in gebruik heeft en wat dat per jaar kost, de "
    "voorstellen voor die applicaties en de besluiten die nog genomen moeten worden. Alleen "
    "applicaties in gebruik; een applicatie zonder vastgelegde kosten telt apart, nooit als €0.",
    "per_owner": "Per eigenaar",
    "per_domain": "Per domein",
    "per_domain_help": "Wat elke gemeentelijke taak aan ICT kost: een applicatie telt mee bij "
    "het domein van haar eerstgenoemde functie, zodat de domeinen samen het hele landschap zijn.",
    "no_owner": "Geen eigenaar vastgelegd",
    "col_owner": "Eigenaar",
    "col_domain": "Domein",
    "col_apps": "Applicaties",
    "col_cost": "Bekende kosten / jaar",
    "col_unknown_cost": "Kosten onbekend",
    "col_proposals": "Voorstellen",
    "col_recommended_saving": "Aanbevolen besparing",
    "col_pending": "Besluiten open",
    "col_share": "Aandeel",
    "n_unknown_cost": {"one": "{count} app", "other": "{count} apps"},
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
    "waves": "Uitfaseringsgolven",
    "waves_help": "Afnemers gaan vóór hun leveranciers: een applicatie verdwijnt pas als alles "
    "wat ervan leest is overgezet. Applicaties die elkaar in een kring voeden gaan samen. "
    "Gestippeld: uit een voorstel dat niet is aanbevolen.",
    "waves_none": "Geen uitfaseringsgolven: er hoeft niets te worden uitgezet.",
    "cycle": "gaan samen (kring)",
    "proposals": "Alle voorstellen met onderbouwing",
    "table_recommended": {
        "one": "Aanbevolen: {count} voorstel",
        "other": "Aanbevolen: {count} voorstellen",
    },
    "table_doubtful": {
        "one": "Gegevens nodig of niet aanbevolen: {count} voorstel",
        "other": "Gegevens nodig of niet aanbevolen: {count} voorstellen",
    },
    "table_held_back": {
        "one": "Tegengehouden of afgewezen: {count} voorstel",
        "other": "Tegengehouden of afgewezen: {count} voorstellen",
    },
    "recommended_help": "Open of aanvaard, met een bekende besparing per jaar die de eenmalige "
    "migratie binnen {months} maanden terugverdient. Samen zijn ze de besparing bovenaan.",
    "doubtful_help": "Tellen in geen enkele besparing mee: de besparing of migratiekosten zijn "
    "onbekend, er is geen besparing, of het terugverdienen duurt langer dan {months} maanden.",
    "held_back_help": "Tellen in geen enkele besparing mee: tegengehouden door de "
    "dekkingsregel, of afgewezen door een architect.",
    "total_recommended": {
        "one": "Totaal van {count} aanbevolen voorstel",
        "other": "Totaal van {count} aanbevolen voorstellen",
    },
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
    "rejected_because": "Afgewezen door een architect; dat blijft zo zolang de feiten gelijk "
    "blijven.",
    "needs_data_saving": "Gegevens nodig: de besparing per jaar is onbekend (ontbreekt: "
    "{missing}).",
    "needs_data_migration": "Gegevens nodig: de eenmalige migratiekosten zijn onbekend "
    "(ontbreekt: {missing}).",
    "no_saving": "Niet aanbevolen om de besparing: het bespaart niets per jaar (wel kan het "
    "een risico wegnemen).",
    "slow_payback": "Niet aanbevolen: het verdient zich terug in {months} maanden, langer dan "
    "de {limit} maanden die het regelboek toestaat.",
    "impact_lost": {
        "one": "{count} applicatie verliest gegevens",
        "other": "{count} applicaties verliezen gegevens",
    },
    "impact_rewire": {
        "one": "{count} koppeling om te leggen",
        "other": "{count} koppelingen om te leggen",
    },
    "method": "Hoe de getallen tot stand komen",
    "method_help": "De regels en drempels van het regelboek waarmee deze analyse is gedaan, "
    "in gewone woorden.",
    "method_recommended": "Aanbevolen",
    "method_recommended_text": "Een voorstel is aanbevolen als het open of aanvaard is, een "
    "bekend bedrag per jaar bespaart, en de eenmalige migratie binnen {months} maanden "
    "terugverdient. Elke besparing in dit rapport is een som over de aanbevolen voorstellen.",
    "method_saving": "Besparing per jaar",
    "method_saving_text": "De jaarlijkse kosten van de applicatie die verdwijnt: licentie, "
    "hosting, ondersteuning en personeel. Een upgrade naar een nieuwere versie bespaart niets. "
    "Zonder bekende kosten is de besparing onbekend, niet nul.",
    "method_migration": "Eenmalige migratie",
    "method_migration_text": "{base} per applicatie die verhuist of verdwijnt, plus {per} per "
    "koppeling die moet worden omgelegd. Terugverdientijd = eenmalige migratie ÷ besparing "
    "per maand.",
    "method_time": "TIME-kwadranten",
    "method_time_text": "Bedrijfswaarde vanaf {value} is hoog, effectieve technische kwaliteit "
    "vanaf {fitness} is hoog (1–5). Verouderde techniek verlaagt de kwaliteit met ten hoogste "
    "{penalty} punt. Een score moet een drempel met {margin} overschrijden om van kwadrant te "
    "wisselen.",
    "method_retire": "Uitfaseren",
    "method_retire_text": {
        "one": "Applicaties in uitfasering, in het kwadrant Elimineren, of met ten hoogste "
        "{count} gebruiker.",
        "other": "Applicaties in uitfasering, in het kwadrant Elimineren, of met ten hoogste "
        "{count} gebruikers.",
    },
    "method_consolidate": "Samenvoegen",
    "method_consolidate_text": "Applicaties waarvan de functies voor ten minste {overlap} "
    "overlappen (Jaccard-gelijkenis) gaan op in de beste blijver van hun cluster (kwaliteit, "
    "waarde, kosten, om te leggen koppelingen).",
    "method_replace": "Vervangen",
    "method_replace_text": "Applicaties met een bedrijfswaarde van ten minste {value} (of "
    "bedrijfskritieke) op techniek met een levenscyclusrisico van ten minste {risk}.",
    "method_coverage": "Tegengehouden",
    "method_coverage_text": "Een voorstel dat een functie zonder enige applicatie zou laten, "
    "wordt tegengehouden; de applicatie blijft.",
    "method_confidence": "Betrouwbaarheid",
    "method_confidence_text": "100% als alle gegevens er zijn; 12 punten minder per ontbrekend "
    "gegeven, 20 minder als de scores ouder zijn dan {days} dagen.",
    "method_off": "Uitgeschakelde regels",
    "data": "Volledigheid van de gegevens",
    "data_help": "Hoeveel applicaties in gebruik elk gegeven hebben. Een ontbrekend gegeven "
    "verlaagt de betrouwbaarheid van een voorstel; ontbrekende kosten maken de besparing "
    "onbekend.",
    "col_input": "Gegeven",
    "field_costs": "Jaarlijkse kosten",
    "field_scores": "Scores voor bedrijfswaarde en technische kwaliteit",
    "field_lifecycle": "Bekende levenscyclusdata van alle techniek",
    "field_technologies": "Techniek",
    "field_owner": "Eigenaar",
    "present_of": "{present} van {of}",
    "stale_run": "Verouderde invoer: de analyse is gedaan op een graaf waarvan bekend was dat "
    "die achterliep op de inventaris; de betrouwbaarheid is verlaagd.",
    "fresh_run": "De analyse is gedaan op de actuele graaf (versie {version}).",
    "stale_scores": {
        "one": "{count} applicatie in gebruik heeft scores die ouder zijn dan {days} dagen.",
        "other": "{count} applicaties in gebruik hebben scores die ouder zijn dan {days} dagen.",
    },
    "contents": "Inhoud",
    "invest_help": "waardevol en technisch gezond: blijven investeren",
    "migrate_help": "waardevol, maar op zwakke of verouderde techniek: naar een beter platform",
    "tolerate_help": "technisch gezond, weinig bedrijfswaarde: houden zolang het weinig kost",
    "eliminate_help": "weinig waarde en zwakke techniek: kandidaten om uit te zetten",
    "footer": "Gemaakt door Snoei uit het actuele landschapsmodel. Elk getal komt uit de "
    "inventaris en de regels die bij elk voorstel staan.",
}
