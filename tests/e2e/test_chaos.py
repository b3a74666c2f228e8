"""``snoei chaos`` quick: faults during a small load lose nothing, apply nothing twice and
end where an undisturbed run ends (the full suite is ``make chaos``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.harness import REPO

pytestmark = [
    pytest.mark.e2e,
    # The suite starts its own embedded stack whatever the test backend is: on the Apache
    # Kafka tier it would only run the same thing a second time.
    pytest.mark.skipif(
        os.environ.get("SNOEI_TEST_BACKEND") == "kafka",
        reason="starts its own embedded stack; runs in the default tier",
    ),
]

RECOVERING = (
    "kill", "pause", "rebalance", "postgres", "inventory.after_db_commit",
    "inventory.outbox_mid_batch", "rationalizer.after_replica_stored",
)


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


def test_a_broker_loss_loses_nothing_beyond_what_the_broker_held(tmp_path: Path) -> None:
    code, output, report = run_chaos(tmp_path, ("broker",))

    assert report["faults"] == {"broker": 1}
    assert report["lost"] == 0, (report["events"], report["notes"])
    assert report["applied_twice"] == 0, report["events"]
    assert report["diverged"] == [], report["notes"]
    assert code == 0, output
