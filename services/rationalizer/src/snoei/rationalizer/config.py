"""Rationalizer settings (environment, ``SNOEI_`` prefix; nested with ``__``)."""

from __future__ import annotations

from croniter import croniter
from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from snoei.rationalizer.domain.rulebook import RulesConfig
from snoei.shared.settings import ServiceSettings


class RationalizerSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="SNOEI_", env_nested_delimiter="__", extra="ignore"
    )

    db_schema: str = Field(default="rationalizer", description="Postgres schema the service owns.")
    consumer_group: str = Field(default="snoei-rationalizer", description="Kafka consumer group.")
    batch_max_records: int = Field(default=1000, ge=1, description="Messages per consumed batch.")
    dependency_url: str | None = Field(
        default="http://127.0.0.1:8102",
        description="Base URL of the dependency API, asked for a snapshot at first sight of a "
        "landscape or after a version gap (SNOEI_DEPENDENCY_URL); empty disables it.",
    )
    dependency_token: SecretStr | None = Field(  # type: ignore[pydantic-alias]  # env names
        default=None,
        validation_alias=AliasChoices("SNOEI_DEPENDENCY_TOKEN", "SNOEI_SERVICE_TOKEN"),
        description="Bearer token for the dependency API (SNOEI_DEPENDENCY_TOKEN, or the "
        "stack's SNOEI_SERVICE_TOKEN).",
    )
    debounce_s: float = Field(
        default=0.002,
        ge=0,
        le=60,
        description="A landscape is re-evaluated this long after its last graph change. "
        "Short: the dependency service already spaces a landscape's versions by its "
        "SNOEI_PUBLISH_DEBOUNCE_S, so a longer window here only delays single changes.",
    )
    debounce_max_wait_s: float = Field(
        default=2.0,
        gt=0,
        le=600,
        description="...but at the latest this long after the first unevaluated change.",
    )
    bulk_settle_s: float = Field(
        default=1.0,
        ge=0,
        le=600,
        description="After a bulk graph change (a load streaming in), a landscape is "
        "evaluated once no change arrived for this long and the dependency service says "
        "nothing more is on its way; twice the dependency service's "
        "SNOEI_PUBLISH_DEBOUNCE_S, which spaces the versions of a load.",
    )
    bulk_max_wait_s: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="...but at the latest this long after the first unevaluated change, so "
        "a load that never pauses is still evaluated.",
    )
    relay_interval_s: float = Field(
        default=10.0,
        gt=0,
        le=3600,
        description="How often runs that were stored but not published (a failed publish, a "
        "crash in between) are looked for and published.",
    )
    due_sweep_s: float = Field(
        default=5.0,
        gt=0,
        le=3600,
        description="How often the landscapes whose stored graph is ahead of their latest run "
        "(a debounced run lost with its process) are looked for and evaluated; also once at "
        "start-up.",
    )
    schedule: str = Field(
        default="0 2 * * *",
        description="Cron expression of the built-in scheduled runs of every landscape "
        "(SNOEI_SCHEDULE, UTC); empty disables the schedule.",
    )
    rules: RulesConfig = Field(
        default_factory=RulesConfig,
        description="Rule thresholds and weights: SNOEI_RULES as JSON, or one setting as "
        "e.g. SNOEI_RULES__VALUE_THRESHOLD=3.5.",
    )

    @field_validator("schedule")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        value = value.strip()
        if value and not croniter.is_valid(value):
            raise ValueError(f"{value!r} is not a valid cron expression")
        return value

    @field_validator("dependency_url")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return value or None
