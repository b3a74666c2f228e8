"""One fixed example message per event type of every topic; the golden files pin their JSON."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from snoei.shared.contracts import changes as c
from snoei.shared.contracts import dlq, graph, proposals, runs
from snoei.shared.contracts import inventory_events as e
from snoei.shared.contracts.landscape import (
    AnnualCosts,
    ApplicationRecord,
    CapabilityRecord,
    Criticality,
    ElementKind,
    Hosting,
    IntegrationKind,
    IntegrationRecord,
    Lifecycle,
    TechnologyRecord,
    TechnologyUse,
)
from snoei.shared.envelope import Envelope

AT = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
CHANGE_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")
CORRELATION = uuid.UUID("00000000-0000-4000-8000-0000000000c0")


def _id(n: int) -> uuid.UUID:
    return uuid.UUID(f"00000000-0000-4000-8000-{n:012d}")


ZAAK = ApplicationRecord(
    id="app-zaaksysteem",
    name="Zaaksysteem Noord",
    owner="Publiekszaken",
    supplier="Acme Gemeentesoftware",
    product="ZaakNoord",
    version="4.2",
    lifecycle=Lifecycle.ACTIVE,
    hosting=Hosting.SAAS,
    costs=AnnualCosts(licence=84000, hosting=0, support=12000, staff=45000),
    users=240,
    criticality=Criticality.HIGH,
    business_value=4,
    technical_fitness=2,
    technologies=(TechnologyUse(product="postgresql", version="11"),),
    capabilities=("gemma-zaakregistratiecomponent",),
    contract_end=date(2027, 12, 31),
)
# A national facility the municipality depends on but does not own; costs unknown.
BRP = ApplicationRecord(
    id="app-brp",
    name="Basisregistratie Personen (BRP)",
    supplier="RvIG",
    capabilities=("gemma-basisregistratie-personen",),
    attributes={"GEMMA type": "Buitengemeentelijke voorziening"},
    owned=False,
)
# A part of the Zaaksysteem that specialises the generic portal; no costs of its own known.
PORTAL = ApplicationRecord(
    id="app-zaakportaal",
    name="Zaakportaal Noord",
    specialises=("app-portaal",),
    part_of=("app-zaaksysteem",),
)
DATABASE = ApplicationRecord(
    id="resource:zaak-db",
    name="zaak-db",
    kind=ElementKind.INFRASTRUCTURE,
    attributes={"backstage.kind": "Resource", "backstage.type": "database"},
)
FLOW = IntegrationRecord(
    id="int-brp-zaak",
    source="app-brp",
    target="app-zaaksysteem",
    kind=IntegrationKind.MESSAGE,
    data_objects=("BRP persons",),
    protocol="StUF-BG",
    criticality=Criticality.CRITICAL,
)
CAPABILITY = CapabilityRecord(
    id="gemma-zaakregistratiecomponent",
    name="Zaakregistratiecomponent",
    parent_id="gemma-zaakgericht-werken",
)
TECHNOLOGY = TechnologyRecord(
    id="postgresql:11",
    product="postgresql",
    version="11",
    end_of_support=date(2023, 11, 9),
    end_of_life=date(2023, 11, 9),
)


def _common(n: int, sequence: int | None = None) -> dict[str, Any]:
    return {
        "event_id": _id(n),
        "landscape_id": "gemeente-noord",
        "sequence": sequence,
        "occurred_at": AT,
        "correlation_id": CORRELATION,
        "causation_id": None,
    }


def examples() -> dict[str, list[Envelope]]:
    """Topic name -> one example per event type."""
    removed = e.ItemRemoved(change_id=CHANGE_ID, source="cmdb-export", id="app-old")
    proposal = proposals.Proposal(
        id="retire:app-old",
        action=proposals.Action.RETIRE,
        targets=("app-old",),
        capabilities=("gemma-documentmanagement",),
        rules=(
            proposals.RuleFired(
                rule="time_quadrant",
                message="Low business value and low technical fitness: Eliminate.",
                facts={"business_value": 1, "technical_fitness": 2, "quadrant": "eliminate"},
            ),
        ),
        yearly_saving=36000.0,
        migration_cost=12000.0,
        payback_months=4.0,
        risk=proposals.RiskLevel.LOW,
        risk_score=0.1,
        confidence=0.9,
        facts_hash="sha256:0f1e",
        summary="Retire Documentopslag Oud: it saves EUR 36,000 a year and nothing depends on it.",
    )
    return {
        "inventory.changes": [
            c.ApplicationUpsert(
                **_common(1),
                payload=c.UpsertApplication(
                    change_id=CHANGE_ID, source="cmdb-export", application=ZAAK
                ),
            ),
            c.ApplicationDelete(
                **_common(2), payload=c.DeleteItem(change_id=_id(12), id="app-old")
            ),
            c.IntegrationUpsert(
                **_common(3), payload=c.UpsertIntegration(change_id=_id(13), integration=FLOW)
            ),
            c.IntegrationDelete(
                **_common(4), payload=c.DeleteItem(change_id=_id(14), id="int-old")
            ),
            c.CapabilityUpsert(
                **_common(5), payload=c.UpsertCapability(change_id=_id(15), capability=CAPABILITY)
            ),
            c.CapabilityDelete(**_common(6), payload=c.DeleteItem(change_id=_id(16), id="cap-old")),
            c.TechnologyUpsert(
                **_common(7), payload=c.UpsertTechnology(change_id=_id(17), technology=TECHNOLOGY)
            ),
            c.TechnologyDelete(**_common(8), payload=c.DeleteItem(change_id=_id(18), id="java:6")),
        ],
        "inventory.changes.dlq": [
            dlq.ChangeRejected(
                **_common(20),
                payload=dlq.RejectedChange(
                    reason=(
                        "payload.application.costs.licence: "
                        "Input should be greater than or equal to 0"
                    ),
                    errors=(
                        dlq.FieldError(
                            field="payload.application.costs.licence",
                            message="Input should be greater than or equal to 0",
                        ),
                    ),
                    source_topic="inventory.changes",
                    source_partition=2,
                    source_offset=4711,
                    original_key_b64="Z2VtZWVudGUtbm9vcmQ=",
                    original_value_b64="eyJ0eXBlIjogImFwcGxpY2F0aW9uLnVwc2VydCJ9",
                ),
            )
        ],
        "inventory.events": [
            e.ApplicationRegistered(
                **_common(30, 1),
                payload=e.ApplicationState(
                    change_id=CHANGE_ID, source="cmdb-export", application=ZAAK
                ),
            ),
            e.ApplicationUpdated(
                **_common(31, 2),
                payload=e.ApplicationState(change_id=_id(41), source="survey", application=BRP),
            ),
            e.ApplicationRemoved(**_common(32, 3), payload=removed),
            e.IntegrationRegistered(
                **_common(33, 4),
                payload=e.IntegrationState(change_id=_id(43), source="api", integration=FLOW),
            ),
            e.IntegrationUpdated(
                **_common(34, 5),
                payload=e.IntegrationState(change_id=_id(44), source="api", integration=FLOW),
            ),
            e.IntegrationRemoved(
                **_common(35, 6), payload=removed.model_copy(update={"id": "int-old"})
            ),
            e.CapabilityRegistered(
                **_common(36, 7),
                payload=e.CapabilityState(change_id=_id(46), source="gemma", capability=CAPABILITY),
            ),
            e.CapabilityUpdated(
                **_common(37, 8),
                payload=e.CapabilityState(change_id=_id(47), source="gemma", capability=CAPABILITY),
            ),
            e.CapabilityRemoved(
                **_common(38, 9), payload=removed.model_copy(update={"id": "cap-old"})
            ),
            e.TechnologyRegistered(
                **_common(39, 10),
                payload=e.TechnologyState(change_id=_id(49), source="eol", technology=TECHNOLOGY),
            ),
            e.TechnologyUpdated(
                **_common(40, 11),
                payload=e.TechnologyState(change_id=_id(50), source="eol", technology=TECHNOLOGY),
            ),
            e.TechnologyRemoved(
                **_common(41, 12), payload=removed.model_copy(update={"id": "java:6"})
            ),
        ],
        "dependency.graph": [
            graph.GraphChanged(
                **_common(60, 7),
                payload=graph.GraphDelta(
                    from_version=6,
                    version=7,
                    inventory_sequence=42,
                    applications_upserted=(ZAAK, PORTAL),
                    integrations_upserted=(FLOW,),
                    applications_removed=("app-old",),
                ),
            ),
            graph.GraphSnapshot(
                **_common(61, 7),
                payload=graph.GraphContent(
                    version=7,
                    inventory_sequence=42,
                    applications=(ZAAK, BRP, PORTAL, DATABASE),
                    integrations=(FLOW,),
                    capabilities=(CAPABILITY,),
                    technologies=(TECHNOLOGY,),
                ),
            ),
        ],
        "rationalizer.runs": [
            runs.RunRequested(
                **_common(70),
                payload=runs.RunRequest(
                    run_id=_id(71), trigger=runs.RunTrigger.SCHEDULE, requested_by="cron"
                ),
            )
        ],
        "rationalizer.proposals": [
            proposals.ProposalsPublished(
                **_common(80, 3),
                payload=proposals.ProposalBatch(
                    run_id=_id(71),
                    graph_version=7,
                    proposals=(proposal,),
                    total_yearly_saving=36000.0,
                ),
            )
        ],
    }
