"""Service settings, read from ``DOCTOR_*`` environment variables (and a ``.env`` file)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from index import DEFAULT_INDEX_DIR

DEV_STATE_SECRET = "dev-only-walk-state-secret-change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DOCTOR_", env_file=".env", extra="ignore")

    environment: Literal["dev", "test", "prod"] = "dev"
    data_dir: Path = Field(default=Path("var"), description="Where the SQLite database lives.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default sqlite:///<data_dir>/doctor.db."
    )
    index_dir: Path = DEFAULT_INDEX_DIR
    rebuild_stale_index: bool = Field(
        default=False,
        description="Rebuild a missing or stale index at start-up instead of failing.",
    )
    embedder: Literal["minilm", "hash"] = "minilm"
    max_paste_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    state_secret: SecretStr = SecretStr(DEV_STATE_SECRET)
    cors_origins: list[str] = Field(default_factory=list)
    slack_signing_secret: SecretStr | None = None
    slack_bot_token: SecretStr | None = None

    @model_validator(mode="after")
    def _refuse_dev_secrets_in_prod(self) -> Settings:
        if self.environment == "prod" and self.state_secret.get_secret_value() == DEV_STATE_SECRET:
            raise ValueError("DOCTOR_STATE_SECRET must be set to a real secret in prod")
        return self

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'doctor.db'}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
