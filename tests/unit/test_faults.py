"""The test-only fault hooks: what SNOEI_FAULTS arms, and that unarmed hooks do nothing."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from snoei.shared.faults import Fault, FaultPlan, FaultSpecError, parse

pytestmark = pytest.mark.unit


class Killed(Exception):
    pass


def plan(spec: str) -> FaultPlan:
    def kill() -> None:
        raise Killed

    return FaultPlan(parse(spec), kill=kill)


def test_reads_points_actions_and_hit_numbers() -> None:
    assert parse("inventory.after_db_commit:kill, rationalizer.after_replica_stored:kill@3") == {
        "inventory.after_db_commit": Fault("inventory.after_db_commit", "kill", 1),
        "rationalizer.after_replica_stored": Fault("rationalizer.after_replica_stored", "kill", 3),
    }
    assert parse("") == {}


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ("inventory.nowhere:kill", "unknown fault point 'inventory.nowhere'"),
        ("inventory.after_db_commit:pause", "unknown fault action 'pause'"),
        ("inventory.after_db_commit:kill@0", "whole number"),
        ("inventory.after_db_commit:kill@x", "whole number"),
    ],
)
def test_refuses_an_unknown_point_action_or_hit(spec: str, problem: str) -> None:
    with pytest.raises(FaultSpecError, match=problem):
        parse(spec)


def test_an_unarmed_point_never_acts() -> None:
    faults = plan("inventory.after_db_commit:kill")
    for _ in range(5):
        faults.point("rationalizer.after_replica_stored")
    assert faults.hits == {}


def test_kills_on_the_armed_hit_only() -> None:
    faults = plan("inventory.after_db_commit:kill@3")
    faults.point("inventory.after_db_commit")
    faults.point("inventory.after_db_commit")
    with pytest.raises(Killed):
        faults.point("inventory.after_db_commit")
    faults.point("inventory.after_db_commit")  # past the armed hit: nothing more happens


async def test_an_armed_batch_is_cut_in_the_middle() -> None:
    published: list[list[int]] = []

    async def publish(items: Sequence[int]) -> None:
        published.append(list(items))

    faults = plan("inventory.outbox_mid_batch:kill")
    with pytest.raises(Killed):
        await faults.in_halves("inventory.outbox_mid_batch", publish, [1, 2, 3, 4, 5])
    assert published == [[1, 2]]


async def test_an_unarmed_or_single_item_batch_is_published_whole() -> None:
    published: list[list[int]] = []

    async def publish(items: Sequence[int]) -> None:
        published.append(list(items))

    await plan("").in_halves("inventory.outbox_mid_batch", publish, [1, 2, 3])
    await plan("inventory.outbox_mid_batch:kill").in_halves(
        "inventory.outbox_mid_batch", publish, [4]
    )
    assert published == [[1, 2, 3], [4]]
