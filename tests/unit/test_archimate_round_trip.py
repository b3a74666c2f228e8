"""The dependency service's ArchiMate export reads back through the inventory's ArchiMate
importer without loss: the same records, hence the same proposals and savings."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from snoei.dependency.domain.export import archimate
from snoei.dependency.domain.graph import LandscapeGraph
from snoei.inventory.importers.archimate import parse_exchange
from snoei.inventory.importers.base import build_changes
from snoei.rationalizer.adapters.endoflife import packaged_catalogue
from snoei.rationalizer.domain.engine import rationalise
from snoei.rationalizer.domain.landscape import Landscape
from snoei.rationalizer.domain.rulebook import RulesConfig
from snoei.samples import generate_municipality
from snoei.shared.contracts.graph import GraphContent
from snoei.shared.contracts.landscape import (
    AnnualCosts,
    ApplicationRecord,
    CapabilityRecord,
    Criticality,
    ElementKind,
    IntegrationKind,
    IntegrationRecord,
    TechnologyRecord,
    TechnologyUse,
)

pytestmark = pytest.mark.unit
TODAY = date(2026, 11, 23)  # the samples' reference date


def content_of(
    applications: list[ApplicationRecord],
    integrations: list[IntegrationRecord] = [],  # noqa: B006  # read only
    capabilities: list[CapabilityRecord] = [],  # noqa: B006
    technologies: list[TechnologyRecord] = [],  # noqa: B006
) -> GraphContent:
    return GraphContent(
        version=1, inventory_sequence=1, applications=tuple(applications),
        integrations=tuple(integrations), capabilities=tuple(capabilities),
        technologies=tuple(technologies),
    )


def round_trip(content: GraphContent, landscape_id: str = "kopie") -> GraphContent:
    """Export ``content`` as ArchiMate and import the file as the inventory would."""
    xml = archimate(LandscapeGraph.from_content("origineel", content))
    items, problems = parse_exchange(xml.encode())
    result = build_changes(items, landscape_id=landscape_id, source="test", errors=problems)
    assert result.errors == []
    found: dict[str, list[Any]] = {}
    for change in result.changes:
        kind = change.type.partition(".")[0]
        found.setdefault(kind, []).append(getattr(change.payload, kind))
    return content_of(*(sorted(found.get(k, []), key=lambda r: r.id) for k in (
        "application", "integration", "capability", "technology")))


def by_id(records: tuple[Any, ...]) -> dict[str, Any]:
    return {r.id: r for r in records}


def test_the_sample_municipality_survives_export_and_import_record_for_record() -> None:
    sample = generate_municipality()
    before = content_of(sample.applications, sample.integrations, sample.capabilities,
                        sample.technologies)
    after = round_trip(before)
    assert by_id(after.applications) == by_id(before.applications)
    assert by_id(after.integrations) == by_id(before.integrations)
    assert by_id(after.capabilities) == by_id(before.capabilities)
    assert by_id(after.technologies) == by_id(before.technologies)


def test_the_sample_gives_the_same_proposals_and_savings_after_the_round_trip() -> None:
    sample = generate_municipality()
    before = content_of(sample.applications, sample.integrations, sample.capabilities,
                        sample.technologies)

    def evaluate(content: GraphContent) -> dict[str, tuple[str, float | None]]:
        evaluation = rationalise(Landscape.from_content(content), config=RulesConfig(),
                                 catalogue=packaged_catalogue(), today=TODAY)
        return {p.id: (p.status.value, p.yearly_saving) for p in evaluation.proposals}

    original, reimported = evaluate(before), evaluate(round_trip(before))
    assert len(original) > 20
    assert reimported == original
    assert sum(s or 0 for _, s in original.values()) > 0


def test_unknown_costs_ids_outside_xml_and_dangling_lists_come_back_as_they_were() -> None:
    apps = [
        ApplicationRecord(id="zaak systeem/1", name="Zaak <&> systeem", costs=None,
                          capabilities=("zaak", "niet-in-de-kaart"), part_of=("suite",),
                          specialises=("weg",), owned=False, kind=ElementKind.INFRASTRUCTURE,
                          attributes={"GEMMA type": "Landelijke voorziening", "x": "y"},
                          description="Beschrijving", contract_end=date(2027, 1, 31),
                          technologies=(TechnologyUse(product="java"),
                                        TechnologyUse(product="postgresql", version="11"))),
        ApplicationRecord(id="suite", name="Suite", costs=AnnualCosts(licence=0.0, staff=1.5),
                          users=0, business_value=1, technical_fitness=5),
    ]
    flows = [IntegrationRecord(id="1: a->b", source="suite", target="zaak systeem/1",
                               data_objects=("BRP personen", "BAG adressen"),
                               protocol="StUF", kind=IntegrationKind.FILE,
                               criticality=Criticality.CRITICAL)]
    caps = [CapabilityRecord(id="domein", name="Domein"),
            CapabilityRecord(id="zaak", name="Zaak", parent_id="domein", description="d"),
            CapabilityRecord(id="los", name="Door niemand gerealiseerd")]
    techs = [TechnologyRecord(id="postgresql:11", product="postgresql", version="11",
                              end_of_life=date(2023, 11, 9))]
    before = content_of(apps, flows, caps, techs)
    after = round_trip(before)
    assert by_id(after.applications) == by_id(before.applications)
    assert after.integrations == before.integrations
    assert by_id(after.capabilities) == by_id(before.capabilities)
    assert after.technologies == before.technologies


def test_a_snoei_id_that_another_element_has_keeps_the_identifier_and_is_reported() -> None:
    xml = b"""<?xml version="1.0"?>
<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/"
       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" identifier="m">
  <elements>
    <element identifier="crm" xsi:type="ApplicationComponent"><name>CRM</name></element>
    <element identifier="e2" xsi:type="ApplicationComponent"><name>Other</name>
      <properties><property propertyDefinitionRef="p"><value>crm</value></property>
      </properties></element>
  </elements>
  <propertyDefinitions><propertyDefinition identifier="p" type="string">
    <name>snoei:id</name></propertyDefinition></propertyDefinitions>
</model>"""
    items, problems = parse_exchange(xml)
    assert sorted(i.data["id"] for i in items) == ["crm", "e2"]
    assert [p.severity for p in problems] == ["data-quality"]
    assert "snoei:id 'crm'" in problems[0].message


def test_an_attribute_named_like_a_field_never_overwrites_the_field() -> None:
    app = ApplicationRecord(id="crm", name="CRM", owner="Burgerzaken",
                            attributes={"owner": "Leverancier X", "note": "n"})
    after = round_trip(content_of([app])).applications[0]
    assert after.owner == "Burgerzaken"
    assert after.attributes == {"note": "n"}  # the clashing attribute is the one given up
