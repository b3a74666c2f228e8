"""Dependency service settings (environment, ``SNOEI_`` prefix)."""

from __future__ import annotations

from pydantic import AliasChoices, Field, SecretStr

from snoei.shared.settings import ServiceSettings


class DependencySettings(ServiceSettings):
    db_schema: str = Field(default="dependency", description="Postgres schema the service owns.")
    consumer_group: str = Field(default="snoei-dependency", description="Kafka consumer group.")
    batch_max_records: int = Field(default=5000, ge=1, description="Events per consumed batch.")
    publish_debounce_s: float = Field(
        default=0.5,
        gt=0,
        description="At most one `dependency.graph` notification per landscape is published "
        "per this many seconds; a change after a quiet window goes out at once, the rest of a "
        "burst is collected until the window closes.",
    )
    clusters_debounce_s: float = Field(
        default=30.0,
        ge=0,
        description="Clusters are recomputed at most this often while the graph changes.",
    )
    inventory_url: str = Field(
        default="http://127.0.0.1:8101",  # the local stack's inventory
        description="Base URL of the inventory API, asked to replay events after a gap and "
        "for its heads to catch up with events a broker lost; empty disables both.",
    )
    inventory_token: SecretStr | None = Field(  # type: ignore[pydantic-alias]  # env names
        default=None,
        validation_alias=AliasChoices("SNOEI_INVENTORY_TOKEN", "SNOEI_SERVICE_TOKEN"),
        description="Bearer token for the inventory API (SNOEI_INVENTORY_TOKEN, or the "
        "deployment-wide SNOEI_SERVICE_TOKEN).",
    )
    replay_page_size: int = Field(
        default=1000, ge=1, le=10_000, description="Events asked from the inventory per request."
    )
    max_depth: int = Field(default=10, ge=1, description="Largest depth of dependency queries.")
    max_impact_applications: int = Field(
        default=500, ge=1, description="Most applications one impact question may remove."
    )
    default_impact_listed: int = Field(
        default=100,
        ge=1,
        description="Impacted applications an impact answer describes in full unless the "
        "request asks for another `limit`; the rest are counted and weighed only.",
    )
    max_impact_listed: int = Field(
        default=10_000, ge=1, description="Largest `limit` an impact request may ask for."
    )
    max_path_hops: int = Field(default=10, ge=1, description="Longest path the paths query finds.")
    max_paths: int = Field(default=50, ge=1, description="Most paths one paths query returns.")
