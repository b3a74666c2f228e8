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
    "kill", "pause", "rebalance", "inventory.after_db_commit", "inventory.outbox_mid_batch",
)
# Waiting on fixes in other lanes: services that re-create the topics a broker lost, and a
# rationalizer that evaluates a replica stored ahead of its latest run at start and on a
# timer (a crash before the run, or a run that failed while PostgreSQL was down, leaves the
# proposals stale until the next change). Strict: once they land this fails, and the kinds
# move up to RECOVERING.
AWAITING_FIXES = ("broker", "rationalizer.after_replica_stored", "postgres")


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


def test_service_faults_lose_nothing_and_end_as_an_undisturbed_run(
    tmp_path: Path,
) -> None:
    code, output, report = run_chaos(tmp_path, RECOVERING)

    assert report["cycles"] == len(RECOVERING)
    assert report["faults"] == dict.fromkeys(sorted(RECOVERING), 1)
    assert report["events"]["expected"] == report["changes"] > 0
    assert report["recovery_s"]["max"] is not None
    assert not [n for n in report["notes"] if "was not reached" in n], report["notes"]
    assert_as_undisturbed(code, output, report)


@pytest.mark.xfail(strict=True, reason="broker-loss recovery and the sweep of due "
                   "runs are not on this branch yet")
def test_broker_loss_database_crash_and_crash_before_the_run_end_as_undisturbed(
    tmp_path: Path,
) -> None:
    code, output, report = run_chaos(tmp_path, AWAITING_FIXES)

    assert report["faults"] == dict.fromkeys(sorted(AWAITING_FIXES), 1)
    assert_as_undisturbed(code, output, report)
