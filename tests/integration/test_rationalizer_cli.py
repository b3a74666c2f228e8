"""The rationalizer CLI commands against the service running as a process."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from typer.testing import CliRunner

from snoei.cli.main import app
from snoei.shared.contracts.graph import GraphChanged, GraphDelta
from snoei.shared.contracts.landscape import (
    AnnualCosts,
    ApplicationRecord,
    IntegrationRecord,
    Lifecycle,
)
from snoei.shared.settings import KafkaSettings
from tests.harness import TEST_TOKEN, running_services, wait_for

pytestmark = pytest.mark.integration


async def test_cli_runs_lists_explains_simulates_and_decides(
    database_url: str, kafka: KafkaSettings, tmp_path: Path
) -> None:
    with running_services(
        ["rationalizer"],
        database_url=database_url,
        kafka=kafka,
        log_dir=tmp_path,
        extra_env={"rationalizer": {"SNOEI_DEPENDENCY_URL": ""}},
    ) as procs:
        await procs["rationalizer"].wait_ready()
        producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap, enable_idempotence=False)
        await producer.start()
        try:
            event = GraphChanged(
                landscape_id="cli-land",
                sequence=1,
                payload=GraphDelta(
                    from_version=0,
                    version=1,
                    inventory_sequence=1,
                    applications_upserted=(
                        ApplicationRecord(
                            id="old",
                            name="Old Ledger",
                            lifecycle=Lifecycle.PHASE_OUT,
                            costs=AnnualCosts(licence=24_000),
                        ),
                        ApplicationRecord(id="crm", name="CRM"),
                    ),
                    integrations_upserted=(
                        IntegrationRecord(
                            id="old-crm", source="old", target="crm", data_objects=("invoices",)
                        ),
                    ),
                ),
            )
            await producer.send_and_wait(
                kafka.topics.dependency_graph, event.to_bytes(), key=event.key()
            )
        finally:
            await producer.stop()
        runner = CliRunner()
        env = {
            "SNOEI_RATIONALIZER_URL": procs["rationalizer"].url,
            "SNOEI_API_TOKEN": TEST_TOKEN,
            "COLUMNS": "200",
            # No stack of this machine's, and no inventory: the commands show ids without
            # names rather than fail.
            "SNOEI_STACK_DIR": str(tmp_path / "no-stack"),
            "SNOEI_INVENTORY_URL": "http://127.0.0.1:9",
        }

        def cli(*args: str) -> tuple[int, str]:
            result = runner.invoke(app, [*args, "--landscape", "cli-land"], env=env)
            return result.exit_code, result.output

        async def has_proposals() -> bool:
            code, output = cli("proposals")
            return code == 0 and "retire:old" in output

        await wait_for(has_proposals, message="proposals after the graph change")
        code, output = cli("run")
        assert code == 0, output
        assert "retire:old" in output
        # the service's recommended figure first, the open total labelled as such
        assert "recommended: €24,000 a year (1 proposal) · open total: €24,000 a year" in output
        code, output = cli("explain", "retire:old")
        assert code == 0, output
        assert "Retire Old Ledger" in output
        assert "invoices" in output
        code, output = cli("whatif", "old", "ghost")
        assert code == 1
        assert "'ghost'" in output
        code, output = cli("whatif", "old")
        assert code == 0, output
        assert "crm" in output
        code, output = cli("decide", "retire:old", "accept")
        assert code == 0, output
        assert "retire:old is now accepted" in output
        async with httpx.AsyncClient(base_url=procs["rationalizer"].url) as http:
            refused = await http.post(
                "/v1/landscapes/cli-land/decisions",
                json={"proposal_id": "retire:old", "verdict": "reject"},
                headers={"Authorization": f"Bearer {TEST_TOKEN}"},
            )
        assert refused.status_code == 422, refused.text
        assert "a rejection needs a reason" in refused.text
        code, output = cli("decide", "retire:old", "reject", "--reason", "audit")
        assert code == 0, output
        assert "rejected" in output
        code, output = cli("waves")
        assert code == 0, output
        code, output = cli("runs")
        assert code == 0, output
        code, output = cli("diff")
        assert code == 0, output
        assert "saves the same a year" in output
