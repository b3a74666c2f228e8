"""The size check of ``make lint`` names every module over 400 lines and every function over
60, under services/*/src and shared/src only, and passes at the limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.check_sizes import MAX_FILE_LINES, MAX_FUNCTION_LINES, main

pytestmark = pytest.mark.unit


def _function(name: str, lines: int, indent: str = "") -> str:
    """A function of exactly ``lines`` lines, ``def`` included."""
    body = "".join(f"{indent}    x{i} = {i}\n" for i in range(lines - 1))
    return f"{indent}def {name}() -> None:\n{body}"


def _write(repo: Path, relative: str, text: str) -> None:
    path = repo / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_code_at_the_limits_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = _function("fits", MAX_FUNCTION_LINES)
    text += "\n" * (MAX_FILE_LINES - len(text.splitlines()))
    _write(tmp_path, "services/a/src/snoei/a/ok.py", text)
    assert len(text.splitlines()) == MAX_FILE_LINES
    assert main(tmp_path) == 0
    assert capsys.readouterr().out == ""


def test_every_offender_is_named_with_its_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path, "services/a/src/snoei/a/long.py", "\n" * (MAX_FILE_LINES + 1))
    method = "class Service:\n" + _function("run", MAX_FUNCTION_LINES + 1, indent="    ")
    _write(tmp_path, "shared/src/snoei/shared/big.py", "async " + _function("go", 61) + method)
    _write(tmp_path, "cli/src/snoei/cli/huge.py", "\n" * 1000)  # not a service: not checked
    assert main(tmp_path) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"services/a/src/snoei/a/long.py:1: module is {MAX_FILE_LINES + 1} lines (limit 400)",
        "shared/src/snoei/shared/big.py:1: function go() is 61 lines (limit 60)",
        "shared/src/snoei/shared/big.py:63: function run() is 61 lines (limit 60)",
    ]
