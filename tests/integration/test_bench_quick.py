"""Smoke test of ``snoei bench --quick`` for the cheap scenarios (B3, B5, B6, B7): it runs
and reports every key; how fast is the bench's business, never a test's."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.harness import REPO

pytestmark = pytest.mark.integration

FIGURE_KEYS = {
    "name", "value", "unit", "baseline", "baseline_name", "ratio", "ratio_of", "target",
    "target_on", "direction", "note", "passed",
}


def test_quick_bench_of_b3_b5_b6_b7_writes_every_figure_with_its_baseline(
    tmp_path: Path, stack_root: Path
) -> None:
    script = (
        "import sys; from pathlib import Path; from snoei.bench.runner import run_bench; "
        "run_bench('B3,B5,B6,B7', quick=True, out_dir=Path(sys.argv[1]), root=Path(sys.argv[2]))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "results"), str(stack_root)],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
    )
    assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-2000:]

    report = json.loads((tmp_path / "results" / "latest.json").read_text())
    assert report["quick"] is True
    assert report["scenarios"] == ["B3", "B5", "B6", "B7"]
    assert {"cores", "memory_gb"} <= report["machine"].keys()
    assert set(report["results"]) == {"B3", "B5", "B6", "B7"}
    for key, result in report["results"].items():
        assert result["error"] is None, f"{key}: {result['error']}"
        assert result["figures"], key
        for figure in result["figures"]:
            assert set(figure) == FIGURE_KEYS
            assert figure["value"] > 0
    b3 = {f["name"] for f in report["results"]["B3"]["figures"]}
    assert "seconds at 400/2000" in b3
    for key in ("B5", "B6"):
        assert all(f["baseline"] and f["ratio"] for f in report["results"][key]["figures"])
    b7 = {f["name"]: f for f in report["results"]["B7"]["figures"]}
    assert b7["p95 apply one event via DependencyService"]["baseline"]
    assert b7["seconds rebuild from Postgres (fresh service)"]["ratio"]
    assert "p95 LandscapeGraph.apply in memory" in b7
    assert "| B5 |" in (tmp_path / "results" / "latest.md").read_text()
