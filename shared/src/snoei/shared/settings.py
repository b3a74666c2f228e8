"""Settings base: every setting comes from the environment with the ``SNOEI_`` prefix."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from snoei.shared.topics import Topics


class KafkaSettings(BaseSettings):
    """How to reach the Kafka cluster, including SASL and TLS."""

    model_config = SettingsConfigDict(env_prefix="SNOEI_KAFKA_", extra="ignore")

    bootstrap: str = Field(
        default="127.0.0.1:9092",
        description="Comma-separated bootstrap servers (SNOEI_KAFKA_BOOTSTRAP).",
    )
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        default="PLAINTEXT", description="Kafka security protocol."
    )
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = Field(
        default=None, description="SASL mechanism when the protocol is SASL_*."
    )
    sasl_username: str | None = Field(default=None, description="SASL user name.")
    sasl_password: SecretStr | None = Field(default=None, description="SASL password.")
    ssl_cafile: str | None = Field(default=None, description="CA bundle for TLS.")
    ssl_certfile: str | None = Field(default=None, description="Client certificate for mTLS.")
    ssl_keyfile: str | None = Field(default=None, description="Client key for mTLS.")
    session_timeout_ms: int = Field(
        default=10_000,
        ge=1_000,
        description=(
            "Consumer group session timeout. A new member waits about half of it before it "
            "is assigned partitions, so tests and the local stack lower it."
        ),
    )
    heartbeat_interval_ms: int = Field(default=1_000, ge=100, description="Heartbeat interval.")
    fetch_max_wait_ms: int = Field(
        default=500,
        ge=1,
        le=60_000,
        description=(
            "Longest a fetch waits on the broker for new messages. Apache Kafka answers as soon "
            "as data arrives, so the default costs nothing there; brokers that hold the fetch "
            "for the full wait (Tansu) add up to this much latency per hop, so the embedded "
            "stack lowers it."
        ),
    )
    batch_wait_ms: int = Field(
        default=10,
        ge=1,
        le=1_000,
        description=(
            "How long a batch consumer waits for records before it looks again. FastStream "
            "sleeps as long again after an empty wait, and a record arriving then waits that "
            "sleep out: at 50 ms, each of the three hops of a change added 0-50 ms (measured). "
            "It does not limit batches: records already fetched are handed over at once. "
            "Idle, a consumer wakes about 1000 / (2 x this) times a second (10 ms: 1.2 % of a "
            "core more than 50 ms)."
        ),
    )
    metadata_max_age_ms: int = Field(
        default=10_000,
        ge=1_000,
        le=300_000,
        description=(
            "How often a client refreshes the cluster's metadata. A consumer whose group "
            "rebalanced while its topic was missing (a restarted Tansu, before the broker "
            "watch re-created it) holds no partitions until it sees the topic again: "
            "aiokafka's default of five minutes left a service deaf that long (a CI run)."
        ),
    )
    enable_idempotence: bool = Field(
        default=False,
        description=(
            "Idempotent producers (SNOEI_KAFKA_ENABLE_IDEMPOTENCE): the broker drops a batch a "
            "retry sent twice, so a produce retry never duplicates or reorders. Needs a broker "
            "that supports it (Apache Kafka does, Tansu does not); consumers deduplicate anyway."
        ),
    )
    max_message_bytes: int = Field(
        default=8 * 1024 * 1024,
        ge=1024 * 1024,
        description=(
            "Largest record batch Snoei produces: the producers' max_request_size and the "
            "max.message.bytes of the topics Snoei creates (Apache Kafka's default is 1 MiB)."
        ),
    )
    topic_prefix: str = Field(
        default="", description="Prefix for every topic name (isolates stacks on one broker)."
    )
    partitions: int = Field(default=6, ge=1, description="Partitions for topics Snoei creates.")
    replication_factor: int = Field(default=1, ge=1, description="Replication for new topics.")

    @property
    def topics(self) -> Topics:
        return Topics(self.topic_prefix)


class ServiceSettings(BaseSettings):
    """Settings every Snoei service shares; services subclass it to add their own."""

    model_config = SettingsConfigDict(env_prefix="SNOEI_", extra="ignore")

    database_url: str = Field(
        default="postgresql://postgres@127.0.0.1:5432/snoei",
        description="PostgreSQL DSN (SNOEI_DATABASE_URL). Each service owns one schema in it.",
    )
    http_host: str = Field(default="127.0.0.1", description="Address the HTTP API binds to.")
    http_port: int = Field(default=8000, ge=1, le=65535, description="Port of the HTTP API.")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(default="INFO")
    log_format: Literal["json", "text"] = Field(default="json", description="Log line format.")
    api_tokens: dict[str, list[str]] = Field(
        default_factory=dict,
        description=(
            "Bearer tokens and the landscapes each may access, as JSON: "
            '{"token": ["landscape-a", "landscape-b"]}; "*" grants every landscape.'
        ),
    )
    catch_up_interval_s: float = Field(
        default=30.0,
        gt=0,
        description=(
            "How often the dependency service and the rationalizer compare their state with "
            "the stored heads of their upstream service, to fetch what a broker lost; also "
            "at start and as soon as the broker is back from an outage."
        ),
    )
    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
