"""What real models say and the importers must not get wrong: unknown costs, ownership,
structure between components, reference components, Backstage's systems and resources, and
what cannot be placed (reported as data quality, never dropped silently)."""

from __future__ import annotations

import pytest

from snoei.inventory.importers import (
    ArchimateMapping,
    ImportRejected,
    ImportResult,
    RowError,
    import_file,
)
from tests.unit.import_files import INVENTORY as DATA
from tests.unit.import_files import load, records

pytestmark = pytest.mark.unit


def problems(result: ImportResult) -> dict[str, RowError]:
    """Data-quality problems by location (each fixture has at most one per location)."""
    assert all(e.severity == "data-quality" for e in result.errors), result.errors
    return {e.location: e for e in result.errors}


# ArchiMate exchange, GEMMA-style


def test_gemma_model_imports_without_rejecting_anything() -> None:
    result = load("gemma.xml")  # on_error=abort: data-quality problems do not reject a file
    assert result.bad == []
    # capabilities: the three reference components and the service Zaaksysteem realises
    assert result.counts() == {"application": 6, "capability": 4, "integration": 3}


def test_costs_are_unknown_unless_the_model_gives_them() -> None:
    apps = records(load("gemma.xml"), "application")
    assert apps["app-zaak"]["costs"] is None
    assert apps["app-dms"]["costs"] == {"licence": 18000.0, "hosting": 0.0, "support": 0.0,
                                        "staff": 0.0}


def test_buitengemeentelijke_voorziening_and_snoei_owned_false_are_not_owned() -> None:
    apps = records(load("gemma.xml"), "application")
    assert apps["app-brp"]["owned"] is False
    assert apps["app-suwinet"]["owned"] is False
    assert apps["app-zaak"]["owned"] is True
    assert apps["app-brp"]["attributes"]["GEMMA type"] == "Buitengemeentelijke voorziening"


def test_reference_components_are_the_capability_map_not_applications() -> None:
    result = load("gemma.xml")
    apps = records(result, "application")
    capabilities = records(result, "capability")
    assert not {"ref-zrc", "ref-drc", "ref-zaak-domein"} & set(apps)
    assert capabilities["ref-zrc"]["name"] == "Zaakregistratiecomponent"
    assert capabilities["ref-zrc"]["parent_id"] == "ref-zaak-domein"
    assert capabilities["ref-drc"]["parent_id"] is None


def test_realising_or_specialising_a_reference_component_gives_its_capability() -> None:
    apps = records(load("gemma.xml"), "application")
    assert apps["app-zaak"]["capabilities"] == ["ref-zrc", "svc-zaken"]
    assert apps["app-zaak-vth"]["capabilities"] == ["ref-zrc"]
    assert apps["app-dms"]["capabilities"] == ["ref-drc"]


def test_specialization_and_composition_between_components_are_structure() -> None:
    result = load("gemma.xml")
    apps = records(result, "application")
    assert apps["app-zaak-vth"]["specialises"] == ["app-zaak"]
    assert apps["app-zaak"]["part_of"] == ["app-suite"]
    assert apps["app-dms"]["part_of"] == ["app-suite"]
    assert apps["app-suite"]["part_of"] == []
    pairs = {(i["source"], i["target"]) for i in records(result, "integration").values()}
    # structure is never a data flow
    assert pairs == {("app-brp", "app-zaak"), ("app-zaak", "app-dms"),
                     ("app-zaak", "app-zaak-vth")}


def test_what_the_importer_cannot_place_is_reported_with_element_names() -> None:
    found = problems(load("gemma.xml"))
    assert set(found) == {"relationship 'r-self'", "relationship 'r-to-ref'",
                          "relationship 'r-loos'", "relationship 'r-dangling'"}
    assert "'Documentbeheer' (ApplicationComponent)" in found["relationship 'r-self'"].message
    assert "itself" in found["relationship 'r-self'"].message
    assert "'Documentregistratiecomponent' (reference component)" in (
        found["relationship 'r-to-ref'"].message)
    assert "no application component owns 'Notificaties' (ApplicationService)" in (
        found["relationship 'r-loos'"].message)
    assert "'id-verwijderd', which is not in the model" in (
        found["relationship 'r-dangling'"].message)
    assert all(e.message.startswith("data quality: ") for e in found.values())


def test_the_type_mapping_is_configurable() -> None:
    mapping = ArchimateMapping(type_properties=("GEMMA type",), external_types=("Applicatie",),
                               reference_types=())
    result = load("gemma.xml", archimate=mapping)
    apps = records(result, "application")
    assert apps["app-zaak"]["owned"] is False
    assert apps["app-brp"]["owned"] is True
    assert "ref-zrc" in apps  # no reference types: an application like any other


def test_a_plain_kind_property_is_an_attribute_and_snoei_kind_sets_the_kind() -> None:
    model = (DATA / "specialisations.archimate").read_text().replace(
        '<property key="cost hosting" value="6000"/>',
        '<property key="Kind" value="portal"/><property key="snoei:kind" '
        'value="infrastructure"/>')
    _, result = import_file(model.encode(), filename="m.archimate", landscape_id="gem")
    portal = records(result, "application")["id-portaal"]
    assert portal["attributes"]["Kind"] == "portal"
    assert portal["kind"] == "infrastructure"


def test_an_exchange_file_profile_is_read_as_the_element_type() -> None:
    model = (DATA / "gemma.xml").read_text().replace(
        '<element identifier="app-dms" xsi:type="ApplicationComponent">',
        '<element identifier="app-dms" xsi:type="ApplicationComponent" profiles="p-lv">',
    ).replace(
        "<propertyDefinitions>",
        '<profiles><profile identifier="p-lv" conceptType="ApplicationComponent">'
        '<name xml:lang="nl">Landelijke voorziening</name></profile></profiles>'
        "<propertyDefinitions>",
    )
    _, result = import_file(model.encode(), filename="m.xml", landscape_id="gem")
    dms = records(result, "application")["app-dms"]
    assert dms["owned"] is False
    assert dms["attributes"]["archimate.specialization"] == "Landelijke voorziening"


# Archi native, with specialisations (profiles)


def test_archi_specialisations_are_read_as_the_element_type() -> None:
    result = load("specialisations.archimate")
    apps = records(result, "application")
    assert "id-ref-bzm" not in apps
    assert records(result, "capability")["id-ref-bzm"]["name"] == "Burgerzakenmodules"
    assert apps["id-bz"]["capabilities"] == ["id-ref-bzm"]
    assert apps["id-digid"]["owned"] is False
    assert apps["id-digid"]["attributes"] == {"archimate.specialization":
                                              "Landelijke voorziening"}
    assert apps["id-bz-reis"]["specialises"] == ["id-bz"]
    assert apps["id-bz-reis"]["part_of"] == ["id-portaal"]
    assert apps["id-portaal"]["costs"]["hosting"] == 6000.0
    assert apps["id-bz"]["costs"] is None
    integrations = records(result, "integration")
    assert set(integrations) == {"id-r-digid"}
    found = problems(result)
    assert set(found) == {"relationship 'id-r-self'"}
    assert "'Burgerportaal'" in found["relationship 'id-r-self'"].message


# Backstage, shaped like its own example catalog


def test_backstage_system_and_domain_are_context_not_capabilities() -> None:
    result = load("backstage-example.yaml")
    apps = records(result, "application")
    assert records(result, "capability") == {}
    lookup = apps["artist-lookup"]
    assert lookup["attributes"]["backstage.system"] == "artist-engagement-portal"
    assert lookup["attributes"]["backstage.domain"] == "artists"
    assert apps["www-artist"]["attributes"]["backstage.system"] == "artist-engagement-portal"


def test_backstage_capabilities_come_from_the_annotation_and_capability_tags() -> None:
    apps = records(load("backstage-example.yaml"), "application")
    assert apps["artist-lookup"]["capabilities"] == ["artist-registry"]
    assert apps["www-artist"]["capabilities"] == ["artist-portal", "publishing"]
    assert apps["wayback-archive"]["capabilities"] == []


def test_backstage_resource_is_infrastructure_feeding_its_dependents() -> None:
    result = load("backstage-example.yaml")
    apps = records(result, "application")
    assert apps["resource:artists-db"]["kind"] == "infrastructure"
    assert apps["artist-lookup"]["kind"] == "application"
    flows = {(i["source"], i["target"]): i["kind"]
             for i in records(result, "integration").values()}
    assert flows[("resource:artists-db", "artist-lookup")] == "database-link"


def test_backstage_subcomponent_of_is_part_of() -> None:
    apps = records(load("backstage-example.yaml"), "application")
    assert apps["wayback-archive-storage"]["part_of"] == ["wayback-archive"]
    assert apps["wayback-archive"]["part_of"] == []


def test_backstage_owned_false_annotation() -> None:
    apps = records(load("backstage-example.yaml"), "application")
    assert apps["payments-gateway"]["owned"] is False
    assert apps["www-artist"]["owned"] is True


def test_backstage_component_named_where_an_api_is_expected_is_reported_and_kept() -> None:
    result = load("backstage-example.yaml")
    flows = records(result, "integration")
    assert flows["consumes:artist-lookup->www-artist"]["source"] == "artist-lookup"
    messages = [str(e) for e in result.errors]
    assert result.bad == []
    assert any("www-artist" in m and "component:artist-lookup" in m
               and "where an API is expected" in m for m in messages)
    assert any("payments-gateway" in m and "component:billing" in m
               and "not in this file; left out" in m for m in messages)
    assert any("payments-gateway" in m and "'ledger-api', which no component" in m
               for m in messages)
    assert len(result.errors) == 3


# CSV


def test_csv_structure_columns_and_empty_costs_are_unknown() -> None:
    apps = records(load("applications_structure.csv"), "application")
    assert apps["app-zaak"]["costs"] is None
    assert apps["app-zaak-vth"]["costs"]["licence"] == 12000.0
    assert apps["app-zaak-vth"]["specialises"] == ["app-zaak"]
    assert apps["app-module"]["part_of"] == ["app-zaak"]
    assert apps["app-brp"]["owned"] is False
    assert apps["db-zaken"]["kind"] == "infrastructure"
    assert apps["db-zaken"]["costs"] == {"licence": 0.0, "hosting": 0.0, "support": 0.0,
                                         "staff": 0.0}  # a given zero is a known zero


def test_csv_bad_owned_or_kind_names_the_column() -> None:
    data = b"id,name,owned,kind\na,A,perhaps,\nb,B,,server\n"
    with pytest.raises(ImportRejected) as info:
        import_file(data, filename="apps.csv", landscape_id="gem")
    errors = {(e.location, e.field) for e in info.value.errors}
    assert errors == {("line 2", "owned"), ("line 3", "kind")}


def test_an_application_that_is_part_of_itself_is_a_bad_row() -> None:
    data = b"id,name,part_of\na,A,a\n"
    with pytest.raises(ImportRejected, match="names itself in 'part_of'"):
        import_file(data, filename="apps.csv", landscape_id="gem")
