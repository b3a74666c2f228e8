"""``snoei chaos`` quick: faults during a small load lose nothing, apply nothing twice and
end where an undisturbed run ends (the full suite is ``make chaos``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.harness import REPO

pytestmark = pytest.mark.e2e

RECOVERING = (
    "kill", "pause", "rebalance", "postgres", "inventory.after_db_commit",
    "inventory.outbox_mid_batch", "rationalizer.after_replica_stored",
)
# Waiting on the broker-loss fix in another lane: after Tansu restarts, the topics come back
# by auto-creation with the broker's own partition count while the services' producers keep
# writing to the partitions they knew, so a consumer that joins afresh never sees those
# events. Once services re-create lost topics this test fails, and broker moves up.
AWAITING_FIXES = ("broker",)


def run_chaos(tmp_path: Path, faults: tuple[str, ...]) -> tuple[int, str, dict[str, Any]]:
    out = tmp_path / "chaos.json"
    completed = subprocess.run(
        [sys.executable, "-m", "snoei.cli", "chaos", "--cycles", str(len(faults)),
         "--applications", "120", "--integrations", "300", "--seed", "3",
         "--faults", ",".join(faults), "--timeout", "60", "--out", str(out),
         "--dir", str(tmp_path / "servers")],
        cwd=REPO, capture_output=True, text=True, timeout=900, check=False,
    )
    output = completed.stdout[-4000:] + completed.stderr[-4000:]
    assert out.exists(), output
    return completed.returncode, output, json.loads(out.read_text())


def assert_as_undisturbed(code: int, output: str, report: dict[str, Any]) -> None:
    assert report["lost"] == 0, (report["events"], report["notes"])
    assert report["applied_twice"] == 0, report["events"]
    assert report["diverged"] == [], report["notes"]
    assert code == 0, output


def test_service_and_database_faults_lose_nothing_and_end_as_an_undisturbed_run(
    tmp_path: Path,
) -> None:
    code, output, report = run_chaos(tmp_path, RECOVERING)

    assert report["cycles"] == len(RECOVERING)
    assert report["faults"] == dict.fromkeys(sorted(RECOVERING), 1)
    assert report["events"]["expected"] == report["changes"] > 0
    assert report["recovery_s"]["max"] is not None
    assert not [n for n in report["notes"] if "was not reached" in n], report["notes"]
    assert_as_undisturbed(code, output, report)


def test_broker_loss_ends_as_an_undisturbed_run_once_services_recreate_lost_topics(
    tmp_path: Path,
) -> None:
    code, output, report = run_chaos(tmp_path, AWAITING_FIXES)

    assert report["faults"] == dict.fromkeys(sorted(AWAITING_FIXES), 1)
    assert report["applied_twice"] == 0, report["events"]
    if report["lost"] or report["diverged"]:
        pytest.xfail(f"awaiting broker-loss recovery: {report['diverged'][:2]}")
    assert code == 0, output
    pytest.fail(f"{', '.join(AWAITING_FIXES)} recovers now: move it to RECOVERING")
