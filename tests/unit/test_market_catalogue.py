"""The market catalogue: reading the Softwarecatalogus list "Alle pakketten", finding the
products that realise a capability, and replace proposals naming them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from snoei.rationalizer.adapters.endoflife import packaged_catalogue
from snoei.rationalizer.domain.engine import rationalise
from snoei.rationalizer.domain.landscape import Landscape
from snoei.rationalizer.domain.market import (
    MarketCatalogue,
    MarketFileError,
    MarketProduct,
    read_market_csv,
)
from snoei.rationalizer.domain.rulebook import RulesConfig
from snoei.shared.contracts.landscape import (
    ApplicationRecord,
    CapabilityRecord,
    TechnologyRecord,
    TechnologyUse,
)
from snoei.shared.contracts.proposals import ReplacementProduct

pytestmark = pytest.mark.unit
DATA = Path(__file__).resolve().parent.parent / "data" / "softwarecatalogus"
TODAY = date(2026, 12, 1)


def market() -> MarketCatalogue:
    products, errors = read_market_csv((DATA / "alle_pakketten.csv").read_bytes())
    assert errors == []
    return MarketCatalogue(products)


def test_every_row_of_alle_pakketten_is_a_product_with_its_reference_components() -> None:
    products, _ = read_market_csv((DATA / "alle_pakketten.csv").read_bytes())
    assert len(products) == 7
    zaakhuis = next(p for p in products if p.product == "Zaakhuis Online")
    assert zaakhuis.capability_ids == ("c001", "c002")
    assert zaakhuis.capability_names == ("Zaakregistratiecomponent",
                                         "Documentregistratiecomponent")
    assert (zaakhuis.supplier, zaakhuis.version, zaakhuis.status) == ("Zaakhuis", "2025",
                                                                      "distributie")
    assert products[0].url == "https://stadsoft.example/zaakwijs"


def test_bad_rows_are_named_by_line_and_column() -> None:
    products, errors = read_market_csv((DATA / "alle_pakketten_bad.csv").read_bytes())
    assert [p.product for p in products] == ["Dossierkast"]
    assert [str(e) for e in errors] == [
        "line 2, column 'Pakket Naam': empty: every row names its package",
        "line 3, column 'Referentiecomponenten leverancier UUID': 1 UUID(s) for 2 reference "
        "component name(s); they pair up one to one",
    ]


def test_a_file_that_is_not_the_list_is_refused() -> None:
    with pytest.raises(MarketFileError, match="'Pakket Naam'"):
        read_market_csv(b"id;name\na;A\n")
    with pytest.raises(MarketFileError, match="not UTF-8"):
        read_market_csv(b"\xff\xfe\x00")


def test_products_for_match_by_uuid_or_name_skip_ended_and_keep_one_version() -> None:
    found = market().products_for(["c001"], ["Zaakregistratiecomponent"])
    labels = [(p.product, p.version) for p, _ in found]
    # Zakenbak's only version and Zaakwijs 4.2 ended support; of Zaakwijs the version in
    # distribution wins over the newer one still in development; then by supplier
    assert labels == [("Zaakwijs", "5.1"), ("Zaakhuis Online", "2025")]
    by_name = market().products_for(["landscape-own-id"], ["zaakregistratiecomponent"])
    assert [p.product for p, _ in by_name] == ["Zaakwijs", "Zaakhuis Online"]
    by_archimate_id = market().products_for(["id-c001"], ["Zaakregistratie (renamed)"])
    assert [p.product for p, _ in by_archimate_id] == ["Zaakwijs", "Zaakhuis Online"]


def test_products_realising_more_of_the_capabilities_come_first() -> None:
    found = market().products_for(["c002", "c001"], ["Documentregistratiecomponent",
                                                     "Zaakregistratiecomponent"])
    assert found[0][0].product == "Zaakhuis Online"
    assert found[0][1] == ("Documentregistratiecomponent", "Zaakregistratiecomponent")
    replacements = market().replacements(["c004"], ["VTH-systeem"], 3)
    assert replacements == (ReplacementProduct(product="Vergunningloket", version="2.0",
                                               supplier="Koppelbaas ICT", status="in test",
                                               capabilities=("VTH-systeem",)),)


def landscape() -> Landscape:
    """Zaakwijs 4.2, valuable and out of support (as the Softwarecatalogus import records
    it), realising the Zaakregistratiecomponent by its GEMMA UUID."""
    zaakwijs = ApplicationRecord(
        id="b042", name="Zaakwijs 4.2", product="Zaakwijs", version="4.2", business_value=5,
        technical_fitness=4, capabilities=("c001",),
        technologies=(TechnologyUse(product="Zaakwijs", version="4.2"),),
    )
    return Landscape(
        applications=[zaakwijs],
        integrations=[],
        capabilities=[CapabilityRecord(id="c001", name="Zaakregistratiecomponent")],
        technologies=[TechnologyRecord(id="Zaakwijs:4.2", product="Zaakwijs", version="4.2",
                                       end_of_support=date(2026, 11, 1))],
    )


def test_a_replace_proposal_names_the_market_products_for_its_capability() -> None:
    evaluation = rationalise(landscape(), config=RulesConfig(), catalogue=packaged_catalogue(),
                             today=TODAY, market=market())
    proposal = next(p for p in evaluation.proposals if p.id == "replace:b042")
    assert [(p.product, p.supplier, p.status) for p in proposal.replacement_products] == [
        ("Zaakwijs", "Stadsoft B.V.", "distributie"),
        ("Zaakhuis Online", "Zaakhuis", "distributie"),
    ]
    assert "Zaakhuis Online 2025 (Zaakhuis, distributie)" in proposal.summary
    without = rationalise(landscape(), config=RulesConfig(), catalogue=packaged_catalogue(),
                          today=TODAY)
    plain = next(p for p in without.proposals if p.id == "replace:b042")
    assert plain.replacement_products == ()
    # the market is no fact of the landscape: a decision on the proposal still holds
    assert plain.facts_hash == proposal.facts_hash


def test_an_empty_market_names_nothing() -> None:
    empty = MarketCatalogue([MarketProduct(supplier=None, product="Los", version=None,
                                           status=None)])
    assert empty.products_for(["c001"], ["Zaakregistratiecomponent"]) == ()
    assert len(empty) == 1
