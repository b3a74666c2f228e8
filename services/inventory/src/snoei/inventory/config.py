"""Inventory settings (environment, ``SNOEI_`` prefix)."""

from __future__ import annotations

from pydantic import Field

from snoei.shared.settings import ServiceSettings


class InventorySettings(ServiceSettings):
    db_schema: str = Field(default="inventory", description="Postgres schema the service owns.")
    consumer_group: str = Field(default="snoei-inventory", description="Kafka consumer group.")
    batch_max_records: int = Field(default=2000, ge=1, description="Changes per consumed batch.")
    relay_batch_size: int = Field(default=5000, ge=1, description="Outbox rows per publish.")
    relay_idle_interval_s: float = Field(
        default=0.2, gt=0, description="How often the outbox relay looks for unsent events."
    )
    relay_enabled: bool = Field(
        default=True,
        description=(
            "Run the outbox relay in this instance (SNOEI_RELAY_ENABLED). Off, events are "
            "committed but wait in the outbox, e.g. for maintenance or a crash test."
        ),
    )
    max_upload_bytes: int = Field(
        default=50 * 1024 * 1024,
        ge=1024,
        description="Largest import file accepted (SNOEI_MAX_UPLOAD_BYTES); larger gets 413.",
    )
