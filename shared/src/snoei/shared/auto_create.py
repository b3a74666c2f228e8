"""Snoei's Kafka clients never create a topic by asking for it.

A Kafka client asks the broker for a topic's metadata before it produces to it or consumes
it, and by default the request lets the broker create a missing topic on the spot, with the
broker's own partition count and configs (Tansu: 4 partitions; Apache Kafka:
``num.partitions``, 1). After a broker lost its topics the first client to ask would win
that race against the service re-creating them properly (``BrokerWatch``, 6 partitions and
``max.message.bytes``) — seen in the chaos suite. With auto-creation forbidden, a client
finds a missing topic missing and waits until the service has created it.

aiokafka (0.14) offers no setting for it, so its client's metadata request is replaced by
one that asks the broker not to create; importing ``snoei.shared.kafka`` applies it."""

from __future__ import annotations

from typing import Any

import aiokafka.admin.client
import aiokafka.client
from aiokafka.protocol.metadata import MetadataRequest


def metadata_request_without_creation(
    topics: list[str] | None = None, allow_auto_topic_creation: bool | None = False
) -> Any:
    return MetadataRequest(topics, allow_auto_topic_creation)


def forbid_topic_auto_creation() -> None:
    """For every aiokafka client of this process (FastStream's included), and the admin
    client (its ``describe_topics`` would create a topic it describes)."""
    aiokafka.client.MetadataRequest = metadata_request_without_creation
    aiokafka.admin.client.MetadataRequest = metadata_request_without_creation
