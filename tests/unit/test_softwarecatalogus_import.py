"""The Softwarecatalogus as a source of a landscape: its AMEFF export and its "Mijn
pakketoverzicht" / "Mijn koppelingen" CSV downloads, one test per mapping rule, on the
hand-written files of gemeente Voorbeeldstad."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from snoei.inventory.importers import (
    ImportFailed,
    ImportRejected,
    ImportResult,
    detect_format,
    import_file,
)
from tests.unit import import_files
from tests.unit.import_files import records

pytestmark = pytest.mark.unit
DATA = import_files.SOFTWARECATALOGUS
DAY = date(2026, 12, 1)


def load(name: str, **kwargs: Any) -> ImportResult:
    return import_files.load(name, folder=DATA, landscape_id="voorbeeldstad", imported_on=DAY,
                             **kwargs)


@pytest.fixture(scope="module")
def ameff() -> ImportResult:
    return load("voorbeeldstad.xml")


def test_each_pakketversie_is_an_application_and_pakketten_are_not(ameff: ImportResult) -> None:
    apps = records(ameff, "application")
    assert len([a for a in apps if a.startswith("pv-")]) == 13
    assert not [a for a in apps if a.startswith(("pak-", "lev-", "rc-", "gem-"))]


def test_pakket_leverancier_and_versieaanduiding_fill_product_supplier_version(
    ameff: ImportResult,
) -> None:
    apps = records(ameff, "application")
    zaak = apps["pv-zaakwijs-42"]
    assert (zaak["product"], zaak["supplier"], zaak["version"]) == ("Zaakwijs", "Stadsoft B.V.",
                                                                    "4.2")
    # supplier through any relationship (Assignment here), pakket by Aggregation
    assert apps["pv-dossierkast-7"]["supplier"] == "Archivaria"
    # a Pakketversie that specialises its Pakket still finds it
    assert apps["pv-vergunning-20"]["product"] == "Vergunningloket"


def test_the_name_is_pakket_and_version_unless_the_element_already_says_so(
    ameff: ImportResult,
) -> None:
    apps = records(ameff, "application")
    assert apps["pv-zaakwijs-51"]["name"] == "Zaakwijs 5.1"  # the element was named "5.1"
    assert apps["pv-zaakwijs-42"]["name"] == "Zaakwijs 4.2"


def test_gebruik_status_becomes_the_lifecycle(ameff: ImportResult) -> None:
    apps = records(ameff, "application")
    assert apps["pv-zaakwijs-51"]["lifecycle"] == "plan"  # Gepland
    assert apps["pv-heffing-2024"]["lifecycle"] == "active"  # "in productie", any case
    assert apps["pv-vergunning-18"]["lifecycle"] == "phase-out"  # Uit te faseren
    assert apps["pv-archief-1"]["lifecycle"] == "retired"  # Uitgefaseerd


def test_ondersteunde_technologie_becomes_technologies_with_their_versions(
    ameff: ImportResult,
) -> None:
    apps = records(ameff, "application")
    assert apps["pv-zaakwijs-42"]["technologies"][:2] == [
        {"product": "Windows Server", "version": "2016"}, {"product": "Oracle", "version": "12c"}
    ]
    assert apps["pv-dossierkast-7"]["technologies"] == [{"product": "SaaS", "version": None}]


def test_einde_ondersteuning_records_the_product_version_as_unsupported(
    ameff: ImportResult,
) -> None:
    apps = records(ameff, "application")
    assert {"product": "Zaakwijs", "version": "4.2"} in apps["pv-zaakwijs-42"]["technologies"]
    assert records(ameff, "technology") == {
        "Zaakwijs:4.2": {"id": "Zaakwijs:4.2", "product": "Zaakwijs", "version": "4.2",
                         "end_of_support": "2026-12-01", "end_of_life": None}
    }
    # a version still in distribution runs on no such record
    assert apps["pv-zaakwijs-51"]["technologies"] == []


def test_extern_pakket_is_an_attribute_not_ownership(ameff: ImportResult) -> None:
    form = records(ameff, "application")["pv-formulier-3"]
    assert form["attributes"]["Extern pakket"] == "ja"
    assert form["owned"] is True


def test_landelijke_voorzieningen_are_external_and_reference_components_capabilities(
    ameff: ImportResult,
) -> None:
    apps = records(ameff, "application")
    assert apps["lv-brp"]["owned"] is False
    assert apps["lv-digid"]["owned"] is False
    capabilities = records(ameff, "capability")
    # "SWC type" = Referentiecomponent counts as much as "GEMMA type"
    assert set(capabilities) == {"rc-zaak", "rc-document", "rc-burgerzaken", "rc-vth"}
    assert apps["pv-burgerbalie-34"]["capabilities"] == ["rc-burgerzaken"]


def test_koppelingen_become_integrations_with_their_standard_as_protocol(
    ameff: ImportResult,
) -> None:
    integrations = records(ameff, "integration")
    assert len(integrations) == 10
    # through the intermediair: two flows, the servicebus is an application in between
    assert (integrations["k-102"]["source"], integrations["k-102"]["target"]) == (
        "pv-burgerbalie-34", "pv-esb-2")
    assert integrations["k-103"]["target"] == "pv-zaakwijs-42"
    assert integrations["k-101"]["protocol"] == "StUF-BG 3.10"  # the standard wins
    assert integrations["k-105"]["protocol"] == "WMS"  # else the transport protocol
    assert integrations["k-107"]["protocol"] == "ZGW Zaken API 1.5"  # a standard drawn apart
    assert integrations["k-106"]["source"] == "lv-digid"


def test_a_pakketversie_without_pakket_is_a_data_quality_problem(ameff: ImportResult) -> None:
    assert [(e.location, e.severity) for e in ameff.errors] == [
        ("element 'pv-eigenbouw'", "data-quality")]
    assert records(ameff, "application")["pv-eigenbouw"]["name"] == "Eigen Meldingen-app"


def test_bad_ameff_elements_are_named_with_the_property() -> None:
    with pytest.raises(ImportRejected) as rejected:
        load("voorbeeldstad_bad.xml")
    assert [str(e) for e in rejected.value.errors] == [
        "element 'pv-zaakwijs-42', application 'pv-zaakwijs-42', field 'property Gebruik "
        "status': unknown Gebruik status 'In gebruik'; expected one of Gepland, In productie, "
        "Uit te faseren, Uitgefaseerd"]
    skipped = load("voorbeeldstad_bad.xml", on_error="skip")
    assert set(records(skipped, "application")) == {"pv-zaakwijs-oud"}
    assert any("no Versieaanduiding" in e.message for e in skipped.data_quality)
    assert records(skipped, "technology") == {}


def test_pakketoverzicht_rows_of_one_version_merge_into_one_application() -> None:
    result = load("mijn_pakketoverzicht.csv")
    apps = records(result, "application")
    assert len(apps) == 8
    zaak = apps["b042"]
    assert zaak["name"] == "Zaakwijs 4.2"
    assert zaak["capabilities"] == ["c001", "c002"]
    assert (zaak["supplier"], zaak["product"], zaak["version"]) == ("Stadsoft B.V.", "Zaakwijs",
                                                                    "4.2")
    assert apps["b018"]["lifecycle"] == "phase-out"
    assert apps["b010"]["lifecycle"] == "retired"
    assert apps["b003"]["attributes"]["Extern pakket"] == "ja"
    assert apps["b003"]["owned"]
    assert records(result, "capability")["c005"]["name"] == "E-formuliercomponent"
    assert set(records(result, "technology")) == {"Zaakwijs:4.2", "Oud Archief:1.0"}


def test_koppelingen_csv_follows_direction_and_intermediair() -> None:
    result = load("mijn_koppelingen.csv")
    integrations = records(result, "integration")
    assert set(integrations) == {"koppeling-201:b034->b020", "koppeling-201:b020->b042",
                                 "koppeling-202:b042->b070", "koppeling-202:b070->b042",
                                 "koppeling-203", "koppeling-204"}
    assert (integrations["koppeling-203"]["source"], integrations["koppeling-203"]["target"]) == (
        "b042", "b018")  # right_to_left
    assert integrations["koppeling-203"]["kind"] == "file"  # SFTP
    assert integrations["koppeling-201:b034->b020"]["protocol"] == "StUF-BG 3.10"
    assert [(e.location, e.field) for e in result.data_quality] == [
        ("line 5", "Koppeling richting"), ("line 6", "Status")]


def test_bad_csv_rows_are_named_and_add_nothing() -> None:
    with pytest.raises(ImportRejected) as rejected:
        load("mijn_pakketoverzicht_bad.csv")
    assert [(e.location, e.field) for e in rejected.value.errors] == [
        ("line 2", "Gebruik status"), ("line 3", "Pakketversie ID"),
        ("line 4", "Referentiecomponenten naam / Referentiecomponenten ID"), ("line 5", None)]
    skipped = load("mijn_pakketoverzicht_bad.csv", on_error="skip")
    assert records(skipped, "application") == {}
    koppelingen = load("mijn_koppelingen_bad.csv", on_error="skip")
    assert [(e.location, e.field) for e in koppelingen.bad] == [
        ("line 2", "Koppeling richting"), ("line 3", "Koppeling ID"),
        ("line 4", "Pakketversie ID 2"), ("line 5", None)]
    assert "'heen'" in koppelingen.bad[0].message


def test_softwarecatalogus_files_are_detected_by_content() -> None:
    for name, fmt in (("voorbeeldstad.xml", "archimate"), ("mijn_pakketoverzicht.csv",
                      "softwarecatalogus"), ("mijn_koppelingen.csv", "softwarecatalogus"),
                      ("alle_pakketten.csv", "softwarecatalogus")):
        assert detect_format(name, (DATA / name).read_bytes()) == fmt
        assert detect_format("export", (DATA / name).read_bytes()) == fmt


def test_the_market_list_is_refused_with_where_it_belongs() -> None:
    with pytest.raises(ImportFailed, match="snoei catalogue import"):
        load("alle_pakketten.csv")
    with pytest.raises(ImportFailed, match="not a Softwarecatalogus CSV"):
        import_file(b"id,name\na,A\n", filename="x.csv", landscape_id="v",
                    fmt="softwarecatalogus")


def test_importing_twice_yields_the_same_change_ids() -> None:
    for name in ("voorbeeldstad.xml", "mijn_pakketoverzicht.csv", "mijn_koppelingen.csv"):
        first, second = load(name), load(name)
        assert [c.event_id for c in first.changes] == [c.event_id for c in second.changes]
