"""`snoei demo` end to end: the embedded stack, the sample through Kafka, the summary, the
report, and no process left behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from snoei.cli.embedded import free_port, port_is_free
from tests.harness import surviving_processes

pytestmark = pytest.mark.e2e


def test_the_demo_prints_the_proposals_writes_the_report_and_stops_the_stack(
    tmp_path: Path, stack_root: Path
) -> None:
    root = stack_root
    report = tmp_path / "out" / "report.html"
    ports = {
        name: free_port() for name in ("PG", "BROKER", "INVENTORY", "DEPENDENCY", "RATIONALIZER")
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("SNOEI_")}
    env |= {f"SNOEI_{name}_PORT": str(port) for name, port in ports.items()}
    env |= {"SNOEI_STACK_DIR": str(root), "COLUMNS": "160"}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "snoei.cli", "demo", "--out", str(report), "--lang", "nl"],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "Traceback" not in result.stderr
    for action in ("retire", "replace", "consolidate"):
        assert f"│ {action}" in out, action
    assert "Blocked retire Begraafplaatsregister" in out
    assert "Begraafplaatsadministratiecomponent" in out
    assert "Wave 1" in out
    assert "Wave 2" in out
    # the service's recommended figure, as the report's headline, beside the open total
    assert "recommended: €1,071,700 a year (25 proposals) · open total: €1,087,000 a year" in out
    assert "300 applications, 900 integrations" in out
    html = report.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="nl">' in html
    assert 'id="landscape"' in html
    assert "stack stopped" in result.stderr

    # Nothing of the stack survives: no process under its directory, every port free again.
    assert surviving_processes(root) == []
    assert all(port_is_free(port) for port in ports.values()), ports
    assert not (root / "stack.json").exists()
    print(f"snoei demo: {elapsed:.1f}s")


def test_a_demo_stack_left_running_is_reported_clearly(tmp_path: Path) -> None:
    root = tmp_path / "stack"
    root.mkdir()
    # A stack.json naming a live process (this test's own) stands for a kept demo stack.
    state = {
        "root": str(root),
        "pg_port": 1,
        "broker_port": 2,
        "service_ports": {},
        "token": "t",
        "pids": {"postgres": os.getpid()},
    }
    (root / "stack.json").write_text(json.dumps(state))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SNOEI_")}
    env["SNOEI_STACK_DIR"] = str(root)
    result = subprocess.run(
        [sys.executable, "-m", "snoei.cli", "demo", "--out", str(tmp_path / "r.html")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "already running" in result.stderr
    assert "snoei stack down" in result.stderr
    assert "Traceback" not in result.stderr

