"""``python -m snoei.shared.create_topics``: create Snoei's topics once, before the services.

Every service also makes sure its topics exist when it starts, but a deployment runs this
first as a one-shot job: the topics get the configured partitions and replication before
several instances race to create them, and the services then need no create permission.
Schemas need no job: each service migrates its own under an advisory lock.
"""

from __future__ import annotations

import asyncio
import sys

from snoei.shared.kafka import ensure_topics
from snoei.shared.runner import StartupError, check_kafka
from snoei.shared.settings import KafkaSettings


async def create_topics(settings: KafkaSettings) -> tuple[str, ...]:
    await check_kafka(settings.bootstrap)
    names = settings.topics.all()
    await ensure_topics(settings, names)
    return names


def main() -> None:
    settings = KafkaSettings()
    try:
        names = asyncio.run(create_topics(settings))
    except StartupError as exc:
        print(f"snoei-create-topics: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    print(
        f"snoei-create-topics: {len(names)} topics ready on {settings.bootstrap} "
        f"({settings.partitions} partitions, replication {settings.replication_factor}): "
        + ", ".join(names)
    )


if __name__ == "__main__":
    main()
