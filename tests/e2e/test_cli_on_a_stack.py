"""`snoei` against a stack it started on non-default ports: import, run, proposals, explain
and decide work with nothing exported but the stack directory."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from snoei.cli.embedded import free_port
from tests.harness import surviving_processes, wait_for

pytestmark = pytest.mark.e2e

LANDSCAPE = "gemeente-cli"
OLD = "app-documentbeheer-en-archivering-oud"  # long, so that an 80-column table must fold
RETIRE_OLD = f"retire:{OLD}"
APPLICATIONS = f"""id,name,owner,lifecycle,cost_licence,business_value,technical_fitness
{OLD},Documentbeheer en archivering (oud),Informatiebeheer,phase-out,18000,2,2
app-zaaksysteem,Zaaksysteem,Publiekszaken,active,42000,4,3
"""
# The `snoei` script `uv run snoei` runs: the console entry point of this environment.
SNOEI = str(Path(sys.executable).parent / "snoei")


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("SNOEI_")}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A stack started by `snoei stack up` on free ports, stopped after the module."""
    root = tmp_path_factory.mktemp("cli") / "stack"
    env = _clean_env() | {"SNOEI_STACK_DIR": str(root)}
    env |= {f"SNOEI_{name}_PORT": str(free_port())
            for name in ("PG", "BROKER", "INVENTORY", "DEPENDENCY", "RATIONALIZER")}
    up = subprocess.run([SNOEI, "stack", "up"], env=env, capture_output=True, text=True,
                        timeout=180, check=False)
    try:
        assert up.returncode == 0, up.stderr
        yield root
    finally:
        subprocess.run([SNOEI, "stack", "down"], env=env, capture_output=True, timeout=120,
                       check=False)
        assert surviving_processes(root) == []


def _snoei(stack: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`snoei ARGS` from another directory, knowing only the stack directory, 80 columns."""
    env = _clean_env() | {"SNOEI_STACK_DIR": str(stack), "COLUMNS": "80"}
    return subprocess.run([SNOEI, *args], env=env, cwd=stack.parent, capture_output=True,
                          text=True, timeout=120, check=False)


async def test_import_run_list_explain_and_decide_knowing_only_the_stack_directory(
    stack: Path,
) -> None:
    data = stack.parent / "applications.csv"
    data.write_text(APPLICATIONS, encoding="utf-8")
    imported = _snoei(stack, "import", str(data), "--landscape", LANDSCAPE)
    assert imported.returncode == 0, imported.stderr
    assert "2 applied" in imported.stderr

    def proposed() -> bool:
        listed = _snoei(stack, "proposals", "--landscape", LANDSCAPE, "--csv")
        return listed.returncode == 0 and RETIRE_OLD in listed.stdout

    await wait_for(proposed, timeout=60, message="the retirement of the old application")
    ran = _snoei(stack, "run", "--landscape", LANDSCAPE)
    assert ran.returncode == 0, ran.stderr
    assert RETIRE_OLD in ran.stdout

    table = _snoei(stack, "proposals", "--landscape", LANDSCAPE)
    assert table.returncode == 0, table.stderr
    assert RETIRE_OLD in table.stdout  # the whole id, on one line, at 80 columns
    assert "Documentbeheer" in table.stdout
    assert max(map(len, table.stdout.splitlines())) <= 80

    rows = list(csv.DictReader(io.StringIO(
        _snoei(stack, "proposals", "--landscape", LANDSCAPE, "--csv").stdout
    )))
    old = next(r for r in rows if r["id"] == RETIRE_OLD)
    assert old["target_names"] == "Documentbeheer en archivering (oud)"
    assert old["status"] == "open"

    explained = _snoei(stack, "explain", "--landscape", LANDSCAPE, RETIRE_OLD)
    assert explained.returncode == 0, explained.stderr
    assert "Documentbeheer en archivering (oud)" in explained.stdout

    decided = _snoei(stack, "decide", "--landscape", LANDSCAPE, RETIRE_OLD, "accept")
    assert decided.returncode == 0, decided.stderr
    assert f"{RETIRE_OLD} is now accepted" in decided.stdout


def test_an_unknown_landscape_is_named_and_fails(stack: Path) -> None:
    for command in ("proposals", "run"):
        result = _snoei(stack, command, "--landscape", "no-such-landscape")
        assert result.returncode == 1, (command, result.stdout)
        assert "landscape 'no-such-landscape' is unknown" in result.stderr
        assert "Traceback" not in result.stderr
