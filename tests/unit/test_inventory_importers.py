"""Importers on hand-written files: each format's structure, row errors, safety and
deterministic change ids."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from snoei.inventory.domain.changes import event_for, target_of
from snoei.inventory.domain.validation import InvalidChange, parse_change, parse_keyed_change
from snoei.inventory.importers import (
    ImportFailed,
    ImportRejected,
    detect_format,
    import_file,
)
from snoei.shared.contracts.inventory_events import INVENTORY_EVENTS
from tests.unit.import_files import INVENTORY as DATA
from tests.unit.import_files import load, records

pytestmark = pytest.mark.unit


def test_csv_applications_fill_every_documented_column() -> None:
    apps = records(load("applications.csv"), "application")
    zaak = apps["zaak"]
    assert zaak["costs"] == {"licence": 42000.0, "hosting": 0.0, "support": 8000.0,
                             "staff": 15000.0}
    assert zaak["technologies"] == [{"product": "postgresql", "version": "11"},
                                    {"product": "java", "version": "8"}]
    assert zaak["contract_end"] == "2027-12-31"
    assert zaak["attributes"]["GEMMA referentiecomponent"] == "Zaaksysteem"
    assert apps["brp"]["name"] == "Basisregistratie Personen, GBA-V"
    assert apps["dms"]["lifecycle"] == "phase-out"


def test_csv_with_semicolons_and_other_item_kinds() -> None:
    assert set(records(load("applications_semicolon.csv"), "application")) == {"gis", "bag"}
    integrations = records(load("integrations.csv"), "integration")
    assert integrations["brp-zaak"]["data_objects"] == ["BRP persons", "BAG addresses"]
    assert records(load("capabilities.csv"), "capability")["zaakafhandeling"]["parent_id"] == (
        "dienstverlening"
    )
    assert records(load("technologies.csv"), "technology")["java:8"]["end_of_life"] == (
        "2030-12-31"
    )


def test_one_bad_row_aborts_the_file_naming_line_item_and_column() -> None:
    with pytest.raises(ImportRejected) as rejected:
        load("applications_bad.csv")
    messages = [str(e) for e in rejected.value.errors]
    assert "line 3, application 'bad-cost', field 'cost_licence': Input should be greater " \
           "than or equal to 0" in messages
    assert any(m.startswith("line 4, application 'bad-date', field 'contract_end'")
               for m in messages)
    assert any("duplicate id (first at line 2)" in m for m in messages)
    assert len(messages) == 6


def test_skip_imports_the_good_rows_and_keeps_the_errors() -> None:
    result = load("applications_bad.csv", on_error="skip")
    assert set(records(result, "application")) == {"ok-1", "ok-2"}
    assert len(result.errors) == 6
    assert ("application", "bad-cost") in result.present  # never pruned for a bad row


def test_integration_errors_name_the_row() -> None:
    result = load("integrations_bad.csv", on_error="skip")
    assert [str(e) for e in result.errors] == [
        "line 2, integration 'loop': integration 'loop' connects application 'zaak' to itself",
        "line 3, integration 'weird', field 'kind': Input should be 'api', 'file', 'message', "
        "'database-link' or 'manual'",
    ]


def test_archimate_3_exchange_maps_components_flows_properties_and_capabilities() -> None:
    result = load("archimate3.xml")
    apps = records(result, "application")
    assert apps["app-zaak"]["owner"] == "Publiekszaken"
    assert apps["app-zaak"]["costs"]["licence"] == 42000.0
    assert apps["app-zaak"]["attributes"] == {"GEMMA referentiecomponent": "Zaaksysteem"}
    assert apps["app-zaak"]["capabilities"] == ["fn-zaak"]
    integrations = {(i["source"], i["target"]): i
                    for i in records(result, "integration").values()}
    assert set(integrations) == {("app-zaak", "app-dms"), ("app-brp", "app-zaak"),
                                 ("app-dms", "app-portal"), ("app-portal", "app-zaak")}
    flow = integrations[("app-zaak", "app-dms")]
    assert (flow["kind"], flow["protocol"]) == ("message", "CMIS")
    assert flow["data_objects"] == ["Documents", "Zaakgegevens"]
    assert integrations[("app-brp", "app-zaak")]["kind"] == "api"  # Serving via interface
    capabilities = records(result, "capability")
    assert capabilities["fn-zaak"]["parent_id"] == "cap-dienst"
    assert "actor-burger" not in capabilities


def test_archimate_2_1_names_used_by_and_realisation() -> None:
    result = load("archimate21.xml")
    apps = records(result, "application")
    assert apps["c-crm"]["name"] == "CRM"
    assert apps["c-crm"]["owner"] == "KCC"
    assert apps["c-crm"]["capabilities"] == ["s-klant"]
    pairs = {(i["source"], i["target"]) for i in records(result, "integration").values()}
    assert pairs == {("c-crm", "c-zaak"), ("c-zaak", "c-crm")}


def test_archi_native_file_reads_folders_properties_and_relationships() -> None:
    result = load("model.archimate")
    apps = records(result, "application")
    assert apps["id-zaak"]["hosting"] == "saas"
    assert apps["id-zaak"]["attributes"] == {"Leverancierscontract": "LC-9"}
    integrations = records(result, "integration")
    assert integrations["id-r2/id-brp->id-zaak"]["kind"] == "message"  # property wins
    assert integrations["id-r5"]["name"] == "Statusupdates"
    assert records(result, "capability")["id-svc-pers"]["parent_id"] == "id-bf-publiek"


def test_backstage_catalog_components_apis_systems_resources() -> None:
    result = load("catalog-info.yaml")
    apps = records(result, "application")
    assert apps["zaak-api"]["lifecycle"] == "active"
    assert apps["zaak-api"]["supplier"] == "Eigen ontwikkeling"
    assert apps["zaak-api"]["capabilities"] == []  # a system is context, not a capability
    assert apps["zaak-api"]["attributes"]["backstage.system"] == "zaakgericht-werken"
    assert apps["zaak-api"]["attributes"]["backstage.domain"] == "publiekszaken"
    assert apps["balie-frontend"]["lifecycle"] == "plan"
    assert apps["resource:zaken-db"]["attributes"]["backstage.kind"] == "Resource"
    assert apps["resource:zaken-db"]["kind"] == "infrastructure"
    integrations = {(i["source"], i["target"], i["kind"])
                    for i in records(result, "integration").values()}
    assert integrations == {("resource:zaken-db", "zaak-api", "database-link"),
                            ("brp-koppeling", "zaak-api", "api"),
                            ("zaak-api", "balie-frontend", "api")}
    assert records(result, "capability") == {}


@pytest.mark.parametrize("name", ["xxe.xml", "billion_laughs.xml"])
def test_entity_tricks_in_xml_are_rejected(name: str) -> None:
    with pytest.raises(ImportFailed, match="unsafe XML rejected"):
        load(name)


@pytest.mark.parametrize(
    ("name", "fmt", "message"),
    [("applications.csv", "archimate", "not well-formed XML"),
     ("model.archimate", "archimate", "not an ArchiMate exchange file"),
     ("archimate3.xml", "archi", "not an Archi .archimate file"),
     ("applications.csv", "backstage", "not a Backstage catalog file"),
     ("not_a_csv.csv", "csv", "binary data"),
     ("catalog-info.yaml", "csv", "has no .id. column")],
)
def test_a_file_that_is_not_the_claimed_format_is_refused(
    name: str, fmt: Any, message: str
) -> None:
    with pytest.raises(ImportFailed, match=message):
        load(name, fmt=fmt)


def test_format_detection_by_extension_and_content() -> None:
    assert detect_format("x.archimate", b"") == "archi"
    assert detect_format("export", (DATA / "archimate21.xml").read_bytes()) == "archimate"
    assert detect_format("export", (DATA / "model.archimate").read_bytes()) == "archi"
    assert detect_format("catalog", (DATA / "catalog-info.yaml").read_bytes()) == "backstage"
    assert detect_format("data.txt", b"id,name\n") == "csv"


def test_change_ids_follow_landscape_item_and_content() -> None:
    first = {c.payload.change_id for c in load("archimate3.xml").changes}
    assert first == {c.payload.change_id for c in load("archimate3.xml").changes}
    other = import_file((DATA / "archimate3.xml").read_bytes(), filename="archimate3.xml",
                        landscape_id="elsewhere")[1]
    assert first.isdisjoint({c.payload.change_id for c in other.changes})
    v1 = import_file(b"id,name\na,A\nb,B\n", filename="f.csv", landscape_id="gem")[1]
    v2 = import_file(b"id,name\na,A\nb,B2\n", filename="f.csv", landscape_id="gem")[1]
    assert len({c.payload.change_id for c in v1.changes}
               & {c.payload.change_id for c in v2.changes}) == 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"{not json", "message is not JSON"),
        (b'{"type": "application.rename", "landscape_id": "a", "payload": {}}', "type: Input tag"),
        (b'{"type": "application.upsert", "landscape_id": "a", "schema_version": 9, '
         b'"payload": {}}', "schema_version 9"),
        (b'{"type": "application.upsert", "landscape_id": "a", "payload": {"application": '
         b'{"name": "x"}}}', "payload.application.id: Field required"),
        (b'{"type": "application.upsert", "landscape_id": "a", "payload": {"application": '
         b'{"id": "crm", "name": "x", "users": "many"}}}',
         "application.upsert 'crm': payload.application.users: Input should be a valid integer"),
        (b'{"type": "application.upsert", "landscape_id": "a", "payload": {"application": '
         b'{"id": "crm", "name": "x", "contract_end": "soon"}}}',
         "'crm': payload.application.contract_end"),
        (b'{"type": "application.upsert", "landscape_id": "a", "payload": {"application": '
         b'{"id": "crm", "name": "x", "costs": {"staff": -1}}}}',
         "payload.application.costs.staff"),
        (b'{"type": "integration.upsert", "landscape_id": "a", "payload": {"integration": '
         b'{"id": "i", "source": "crm", "target": "crm"}}}',
         "connects application 'crm' to itself"),
        (b'{"type": "application.delete", "landscape_id": "a", "payload": {"id": "x\\u0000"}}',
         "NUL character"),
    ],
)
def test_bad_changes_are_rejected_with_item_and_field(raw: bytes, expected: str) -> None:
    with pytest.raises(InvalidChange) as rejected:
        parse_change(raw)
    assert expected in rejected.value.reason


def test_a_key_other_than_the_landscape_is_rejected() -> None:
    raw = b'{"type": "application.delete", "landscape_id": "a", "payload": {"id": "x"}}'
    with pytest.raises(InvalidChange, match=r"application\.delete 'x': landscape_id: message key"):
        parse_keyed_change(raw, key=b"b")


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (None, "application.delete 'x': key: message has no key; it must be the landscape id 'a'"),
        (b"", "application.delete 'x': key: message has no key"),
        (b"\xffa", "application.delete 'x': key: message key is not UTF-8 text"),
    ],
)
def test_a_message_without_a_usable_key_is_rejected(key: bytes | None, expected: str) -> None:
    # Without the landscape id as key the change may sit on any partition: its order relative
    # to the landscape's other changes is lost, so it must not be applied.
    raw = b'{"type": "application.delete", "landscape_id": "a", "payload": {"id": "x"}}'
    with pytest.raises(InvalidChange) as rejected:
        parse_keyed_change(raw, key=key)
    assert rejected.value.reason.startswith(expected)
    assert rejected.value.errors[0].field in {"(key)"}


def test_a_message_keyed_by_its_landscape_is_accepted() -> None:
    raw = b'{"type": "application.delete", "landscape_id": "a", "payload": {"id": "x"}}'
    assert parse_keyed_change(raw, key=b"a").landscape_id == "a"


@pytest.mark.parametrize(
    ("golden", "existed", "expected_type"),
    [
        ("application.upsert", False, "application.registered"),
        ("application.upsert", True, "application.updated"),
        ("integration.upsert", False, "integration.registered"),
        ("capability.upsert", True, "capability.updated"),
        ("technology.upsert", False, "technology.registered"),
    ],
)
def test_the_event_of_a_change_is_a_valid_inventory_event_carrying_its_record(
    golden: str, existed: bool, expected_type: str
) -> None:
    # event_for builds the event without validating again; the wire form must still be one
    # that validates, and carry the change's record, ids and provenance.
    path = Path(__file__).resolve().parents[2] / "shared" / "golden" / "inventory.changes"
    change = parse_change((path / f"{golden}.json").read_bytes())
    target = target_of(change)
    event = event_for(change, target, existed=existed, sequence=7)
    assert event is not None
    decoded = INVENTORY_EVENTS.decode(event.to_bytes())
    assert decoded.type == expected_type
    assert decoded.sequence == 7
    assert decoded.landscape_id == change.landscape_id
    assert decoded.causation_id == change.event_id
    payload = decoded.payload.model_dump(mode="json")
    assert payload.pop(target.kind) == target.data
    assert payload == {"change_id": str(change.payload.change_id), "source": change.payload.source}


def test_a_doubled_quote_in_a_quoted_csv_cell_is_one_quote() -> None:
    from snoei.inventory.importers.csv_import import parse_csv

    for delimiter in (b",", b";"):
        data = b"id" + delimiter + b'name\r\na' + delimiter + b'"say ""hi"""\r\n'
        items, errors = parse_csv(data)
        assert errors == []
        assert items[0].data["name"] == 'say "hi"'
