"""Where `snoei` finds the services and the token, how it says money, and what it does not
import at start."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from snoei.cli import money
from snoei.cli.connection import StackFileError, resolve
from snoei.cli.main import app

pytestmark = pytest.mark.unit


def _stack(directory: Path, *, token: str = "from-stack", base: int = 9100) -> Path:
    """A stack.json as `snoei stack up` writes it, with ports base+1..base+3."""
    directory.mkdir(parents=True, exist_ok=True)
    state = {
        "root": str(directory), "pg_port": base, "broker_port": base + 4, "token": token,
        "service_ports": {"inventory": base + 1, "dependency": base + 2,
                          "rationalizer": base + 3},
        "pids": {},
    }
    (directory / "stack.json").write_text(json.dumps(state))
    return directory


def test_without_a_stack_the_default_ports_and_no_token(tmp_path: Path) -> None:
    found = resolve(env={}, cwd=tmp_path)
    assert found.url("inventory") == "http://127.0.0.1:8101"
    assert found.url("rationalizer") == "http://127.0.0.1:8103"
    assert found.token == ""
    assert found.stack_file is None


def test_the_stack_in_the_current_directory_gives_ports_and_token(tmp_path: Path) -> None:
    _stack(tmp_path / ".snoei")
    found = resolve(env={}, cwd=tmp_path)
    assert found.url("inventory") == "http://127.0.0.1:9101"
    assert found.url("dependency") == "http://127.0.0.1:9102"
    assert found.url("rationalizer") == "http://127.0.0.1:9103"
    assert found.token == "from-stack"
    assert found.stack_file == tmp_path / ".snoei" / "stack.json"


def test_a_kept_demo_stack_is_found_when_no_other_stack_runs(tmp_path: Path) -> None:
    _stack(tmp_path / ".snoei" / "demo", token="demo", base=9200)
    assert resolve(env={}, cwd=tmp_path).token == "demo"
    _stack(tmp_path / ".snoei", token="stack", base=9300)
    assert resolve(env={}, cwd=tmp_path).token == "stack"


def test_snoei_stack_dir_names_the_stack_and_nothing_else_is_looked_at(tmp_path: Path) -> None:
    _stack(tmp_path / ".snoei", token="local")
    elsewhere = _stack(tmp_path / "elsewhere", token="there", base=9400)
    found = resolve(env={"SNOEI_STACK_DIR": str(elsewhere)}, cwd=tmp_path)
    assert (found.token, found.url("rationalizer")) == ("there", "http://127.0.0.1:9403")
    relative = resolve(env={"SNOEI_STACK_DIR": "elsewhere"}, cwd=tmp_path)
    assert relative.token == "there"
    missing = resolve(env={"SNOEI_STACK_DIR": str(tmp_path / "none")}, cwd=tmp_path)
    assert (missing.token, missing.url("rationalizer")) == ("", "http://127.0.0.1:8103")


def test_variables_override_the_stack_and_flags_override_both(tmp_path: Path) -> None:
    _stack(tmp_path / ".snoei")
    env = {"SNOEI_API_TOKEN": "from-env", "SNOEI_RATIONALIZER_URL": "http://env:1"}
    by_env = resolve(env=env, cwd=tmp_path)
    assert by_env.token == "from-env"
    assert by_env.url("rationalizer") == "http://env:1"
    assert by_env.url("inventory") == "http://127.0.0.1:9101"  # not overridden: the stack's
    by_flag = resolve(token="from-flag", urls={"rationalizer": "http://flag:2", "inventory": None},
                      env=env, cwd=tmp_path)
    assert by_flag.token == "from-flag"
    assert by_flag.url("rationalizer") == "http://flag:2"
    assert by_flag.url("inventory") == "http://127.0.0.1:9101"


def test_an_unreadable_stack_file_is_named(tmp_path: Path) -> None:
    (tmp_path / ".snoei").mkdir()
    (tmp_path / ".snoei" / "stack.json").write_text("{not json")
    with pytest.raises(StackFileError, match=r"cannot read .*/\.snoei/stack\.json"):
        resolve(env={}, cwd=tmp_path)


@pytest.mark.parametrize(
    ("value", "as_cost_change", "as_saving_change", "as_yearly_saving"),
    [
        (-340_300.0, "saves €340,300", "saves €340,300 less", "costs €340,300 more"),
        (340_300.4, "costs €340,300 more", "saves €340,300 more", "€340,300"),
        (0.2, "costs the same", "saves the same", "€0"),
        (None, "unknown (needs data)", "unknown (needs data)", "unknown (needs data)"),
    ],
)
def test_signed_amounts_say_saves_or_costs_and_unknown_is_not_zero(
    value: float | None, as_cost_change: str, as_saving_change: str, as_yearly_saving: str
) -> None:
    assert money.cost_change(value) == as_cost_change
    assert money.saving_change(value) == as_saving_change
    assert money.yearly_saving(value) == as_yearly_saving
    assert "€-" not in money.euros(value)


def test_payback_is_never_when_the_figures_are_known_and_unknown_otherwise() -> None:
    assert money.payback(4.5, saving=1.0, cost=1.0) == "4.5 mo"
    assert money.payback(None, saving=-10.0, cost=100.0) == "never"
    assert money.payback(None, saving=None, cost=100.0) == "unknown (needs data)"
    assert money.euros(None) == "unknown (needs data)"
    assert money.euros(-1234.0) == "−€1,234"


def test_totals_show_the_services_recommended_figure_and_label_the_open_total() -> None:
    body = {"total_yearly_saving": 1_087_000.0, "recommended_yearly_saving": 1_071_700.0,
            "recommended_count": 25}
    assert money.totals(body, body["total_yearly_saving"]) == (
        "recommended: €1,071,700 a year (25 proposals) · open total: €1,087,000 a year"
    )
    one = {"recommended_yearly_saving": 12_000.0, "recommended_count": 1}
    assert money.totals(one, 12_000.0).startswith("recommended: €12,000 a year (1 proposal) ·")


def test_a_rationalizer_without_the_recommended_figure_gets_the_open_total_labelled() -> None:
    assert money.totals({"total_yearly_saving": 9_500.0}, 9_500.0) == (
        "open total: €9,500 a year"
    )


def test_importing_the_cli_loads_no_broker_database_http_or_table_library() -> None:
    heavy = ("faststream", "aiokafka", "asyncpg", "httpx", "rich", "psutil", "networkx",
             "snoei.shared.kafka", "snoei.inventory", "snoei.rationalizer", "snoei.dependency")
    probe = (
        "import sys, snoei.cli.main; "
        f"print(','.join(m for m in {heavy!r} if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True, timeout=60).stdout.strip()
    assert loaded == ""


def test_a_stack_that_stopped_is_named_when_its_services_do_not_answer(tmp_path: Path) -> None:
    with socket.socket() as closed:  # bound, not listening: connecting is refused at once
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        stack = _stack(tmp_path / "stack", base=port - 3)  # the rationalizer on that port
        env = {"SNOEI_STACK_DIR": str(stack), "SNOEI_INVENTORY_URL": f"http://127.0.0.1:{port}"}
        result = CliRunner().invoke(app, ["runs", "--landscape", "x"], env=env)
    assert result.exit_code == 1
    line = " ".join(result.stderr.split())
    assert f"cannot reach the rationalizer at http://127.0.0.1:{port}" in line
    assert f"it was read from {stack / 'stack.json'}; is that stack still running?" in line
    assert f"SNOEI_STACK_DIR={stack} uv run snoei stack status" in line
