"""`snoei stack up` then `down` starts every process and leaves none behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from snoei.cli.embedded import free_port
from tests.harness import surviving_processes

pytestmark = pytest.mark.e2e


def _snoei(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "snoei.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_stack_up_and_down_leave_no_process_behind(stack_root: Path) -> None:
    root = stack_root
    env = {k: v for k, v in os.environ.items() if not k.startswith("SNOEI_")}
    env |= {
        "SNOEI_STACK_DIR": str(root),
        "SNOEI_PG_PORT": str(free_port()),
        "SNOEI_BROKER_PORT": str(free_port()),
        "SNOEI_INVENTORY_PORT": str(free_port()),
        "SNOEI_DEPENDENCY_PORT": str(free_port()),
        "SNOEI_RATIONALIZER_PORT": str(free_port()),
    }
    up = _snoei("stack", "up", env=env)
    state = json.loads((root / "stack.json").read_text()) if (root / "stack.json").exists() else {}
    pids = dict(state.get("pids", {}))
    try:
        assert up.returncode == 0, up.stderr
        assert set(pids) == {"postgres", "broker", "inventory", "dependency", "rationalizer"}
        for name, port in state["service_ports"].items():
            ready = httpx.get(f"http://127.0.0.1:{port}/ready", timeout=5)
            assert ready.status_code == 200, (name, ready.text)
        again = _snoei("stack", "up", env=env)
        assert again.returncode == 1
        assert "already running" in again.stderr
    finally:
        down = _snoei("stack", "down", env=env)
    assert down.returncode == 0, down.stderr
    assert surviving_processes(root, pids.values()) == []
    assert not (root / "stack.json").exists()


def test_port_in_use_is_reported_clearly(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("SNOEI_")}
        env |= {"SNOEI_STACK_DIR": str(tmp_path / "s"), "SNOEI_INVENTORY_PORT": str(port)}
        result = _snoei("stack", "up", env=env)
    assert result.returncode == 1
    assert f"port {port} for the inventory service is already in use" in result.stderr
    assert "Traceback" not in result.stderr

