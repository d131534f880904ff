"""Service settings, read from ``DOCTOR_*`` environment variables (and a ``.env`` file)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from index import DEFAULT_INDEX_DIR

DEV_STATE_SECRET = "dev-only-walk-state-secret-change-me"


def default_data_dir() -> Path:
    """One folder per user wherever `doctor` runs: ``$XDG_DATA_HOME/driver-doctor``
    (``~/.local/share/driver-doctor``)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "driver-doctor"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DOCTOR_", env_file=".env", extra="ignore")

    environment: Literal["dev", "test", "prod"] = "dev"
    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Where the SQLite database lives (default: a per-user data folder).",
    )
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default sqlite:///<data_dir>/doctor.db."
    )
    index_dir: Path = DEFAULT_INDEX_DIR
    rebuild_stale_index: bool = Field(
        default=False,
        description="Rebuild a missing or stale index at start-up instead of failing.",
    )
    embedder: Literal["minilm", "hash"] = "minilm"
    max_event_log_expanded_bytes: int = Field(
        default=16 << 30, gt=0, description="Most bytes an event log may decompress to."
    )
    analysis_seconds: float = Field(
        default=5.0, gt=0, description="Work budget of one pasted text; past it, what was read."
    )
    event_log_seconds: float = Field(
        default=60.0, gt=0, description="Reading budget of one event log; past it, what was read."
    )
    walk_state_hours: float = Field(
        default=24.0, gt=0, le=24 * 365, description="How long a walk's state token stays good."
    )
    max_paste_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    max_event_log_bytes: int = Field(
        default=2 * 1024**3, gt=0, description="Largest accepted event log upload (as sent)."
    )
    state_secret: SecretStr = SecretStr(DEV_STATE_SECRET)
    cors_origins: list[str] = Field(default_factory=list)
    # Slack's own variable names work too; the DOCTOR_ one wins when both are set.
    slack_signing_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices(
            "DOCTOR_SLACK_SIGNING_SECRET", "SLACK_SIGNING_SECRET", "slack_signing_secret"
        ),
        description="Enables the Slack routes; requests are verified with it.",
    )
    slack_bot_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices(
            "DOCTOR_SLACK_BOT_TOKEN", "SLACK_BOT_TOKEN", "slack_bot_token"
        ),
        description="Lets the Slack app open the paste modal (views.open).",
    )
    slack_api_url: str = Field(
        default="https://slack.com/api/", description="Slack Web API base URL (tests: a mock)."
    )
    public_base_url: str | None = Field(
        default=None, description="Where users reach this service, for links to case pages."
    )

    # Access and observability (service/api/security.py, service/api/logs.py,
    # service/api/metrics.py).
    api_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="API keys as comma-separated NAME:SHA256 items (hashes, never keys).",
    )
    api_keys_file: Path | None = Field(
        default=None, description="A YAML or JSON file of API keys (name, sha256, own limit)."
    )
    rate_limit_per_minute: int = Field(
        default=120, ge=0, description="Calls a minute per key or client address; 0 = no limit."
    )
    log_level: Literal["debug", "info", "warning", "error"] = "info"

    # `doctor serve` (service/operations/server.py): worker processes forked from one loaded engine.
    workers: int = Field(default=1, ge=1, le=64, description="HTTP worker processes.")
    threads_per_worker: int | None = Field(
        default=None,
        ge=1,
        le=256,
        description="Model threads per worker; default: the usable cores.",
    )

    @field_validator("api_keys", mode="before")
    @classmethod
    def _split_api_keys(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @model_validator(mode="after")
    def _refuse_dev_secrets_in_prod(self) -> Settings:
        if self.environment == "prod" and self.state_secret.get_secret_value() == DEV_STATE_SECRET:
            raise ValueError("DOCTOR_STATE_SECRET must be set to a real secret in prod")
        return self

    @property
    def slack_enabled(self) -> bool:
        secret = self.slack_signing_secret
        return secret is not None and bool(secret.get_secret_value().strip())

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'doctor.db'}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
