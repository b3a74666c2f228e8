"""Size check run by ``make lint``: fails when a service or shared module is over
MAX_FILE_LINES lines or one of its functions is over MAX_FUNCTION_LINES, naming each one.

Long modules and functions are where a service stops reading top-down; the limits are the
point at which splitting by use case has always paid off in Snoei."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 60
ROOTS = ("services/*/src", "shared/src")


@dataclass(frozen=True)
class Offender:
    path: Path
    line: int
    what: str
    lines: int
    limit: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what} is {self.lines} lines (limit {self.limit})"


def sources(repo: Path) -> Iterator[Path]:
    for pattern in ROOTS:
        for root in sorted(repo.glob(pattern)):
            yield from sorted(root.rglob("*.py"))


def offenders(path: Path, shown_as: Path) -> Iterator[Offender]:
    text = path.read_text(encoding="utf-8")
    total = len(text.splitlines())
    if total > MAX_FILE_LINES:
        yield Offender(shown_as, 1, "module", total, MAX_FILE_LINES)
    for node in ast.walk(ast.parse(text, filename=str(path))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno:
            length = node.end_lineno - node.lineno + 1  # from `def` to its last line
            if length > MAX_FUNCTION_LINES:
                yield Offender(shown_as, node.lineno, f"function {node.name}()", length,
                               MAX_FUNCTION_LINES)


def main(repo: Path) -> int:
    found = [o for path in sources(repo) for o in offenders(path, path.relative_to(repo))]
    for offender in found:
        print(offender)
    if found:
        print(f"{len(found)} over the size limits: split them by use case", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(__file__).resolve().parent.parent))
