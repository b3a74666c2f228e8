"""A bench scenario that lost its database connections says why, from the server log."""

from __future__ import annotations

from pathlib import Path

import pytest

from snoei.bench.environment import BenchEnv

pytestmark = pytest.mark.unit

ROUTINE = """\
2026-12-03 08:13:18.411 UTC [8225] LOG:  database system is ready to accept connections
2026-12-03 08:13:18.691 UTC [8251] FATAL:  role "root" does not exist
2026-12-03 08:13:19.101 UTC [8240] LOG:  checkpoint starting: immediate force wait
"""
CRASH = """\
2026-12-03 08:13:27.288 UTC [8240] PANIC:  could not open file "pg_control": Permission denied
2026-12-03 08:13:27.295 UTC [8225] LOG:  terminating any other active server processes
"""


def test_quotes_the_server_log_lines_written_during_the_scenario_that_explain_a_lost_connection(
    tmp_path: Path,
) -> None:
    env = BenchEnv(tmp_path, pg_port=1, bootstrap="127.0.0.1:2")
    env.postgres_log.parent.mkdir()
    env.postgres_log.write_text(CRASH + ROUTINE)  # an earlier scenario's trouble
    since = env.postgres_log_size()
    assert env.postgres_trouble(since=since) == []

    with env.postgres_log.open("a") as log:
        log.write(CRASH)
    assert env.postgres_trouble(since=since) == CRASH.splitlines()
