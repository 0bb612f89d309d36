"""Hearth's settings: environment variables prefixed ``HEARTH_`` and an optional ``.env`` file.

Every setting lives here, once, with its default and its documentation (README's settings
table is written from the same descriptions). A bad value is reported by
:func:`load_settings` as a :class:`SettingsError` naming the variable, what is wrong and the
expected form, so the CLI can print it and exit with status 2 instead of a traceback.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict, SettingsError

DISCORD_API_URL = "https://discord.com/api/v10"

BrainKind = Literal["offline", "openai", "anthropic"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class Settings(BaseSettings):
    """All of Hearth's configuration. Field descriptions double as the README table."""

    model_config = SettingsConfigDict(
        env_prefix="HEARTH_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        validate_default=True,
    )

    discord_token: SecretStr | None = Field(
        default=None,
        description="Bot token from the Discord Developer Portal (Bot tab); `hearth run` needs it.",
    )
    database_path: Path = Field(
        default=Path("./data/hearth.db"),
        description="SQLite database file; its directory is created on demand.",
    )
    discord_api_url: str = Field(
        default=DISCORD_API_URL,
        description="REST base URL (Discord's own by default; point it at any "
        "Discord-compatible server such as the bundled emulator).",
    )
    discord_gateway_url: str | None = Field(
        default=None,
        description="Gateway websocket URL. Empty: ask the REST API (Discord's default).",
    )
    brain: BrainKind = Field(
        default="offline",
        description="Which brain answers chat: `offline` (embedded, no model), `openai` "
        "(any OpenAI-compatible server) or `anthropic`.",
    )
    llm_base_url: str | None = Field(
        default=None,
        description="Base URL of the LLM server, e.g. `http://localhost:11434/v1` for Ollama.",
    )
    llm_api_key: SecretStr | None = Field(
        default=None, description="API key for the LLM server (optional for local servers)."
    )
    llm_model: str | None = Field(default=None, description="Model name to ask the LLM server for.")
    default_persona: str = Field(
        default="shannon", description="Persona used where moderators have not chosen one."
    )
    owner_ids: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(),
        description="Comma-separated Discord user ids of the bot's operators.",
    )
    dev_guild_id: int | None = Field(
        default=None,
        description="Sync slash commands to this server only, instantly (for development).",
    )
    trivia_online: bool = Field(
        default=False,
        description="Also ask Open Trivia DB for questions (needs the internet); falls back "
        "to the built-in bank with a notice.",
    )
    history_retention_days: int = Field(
        default=30,
        ge=0,
        le=3650,
        description="Days of conversation history kept (0: keep forever); pruned hourly.",
    )
    memory_max_per_user: int = Field(
        default=500,
        ge=1,
        le=10_000,
        description="Most memories kept per user; the least useful are dropped first.",
    )
    chat_cooldown: float = Field(
        default=20.0,
        ge=0,
        le=3600,
        description="Seconds between unprompted replies in `/chat mode always` channels "
        "(moderators can set it per channel).",
    )
    user_messages_per_minute: int = Field(
        default=12,
        ge=0,
        le=1000,
        description="Replies one user can get per minute (0: unlimited).",
    )
    guild_messages_per_minute: int = Field(
        default=60,
        ge=0,
        le=10000,
        description="Replies one server can get per minute (0: unlimited).",
    )
    guild_daily_tokens: int = Field(
        default=0,
        ge=0,
        description="Daily token budget per server for remote brains (0: unlimited); when "
        "spent, the offline brain answers until midnight UTC.",
    )
    llm_connect_timeout: float = Field(
        default=5.0, gt=0, le=300, description="Seconds to wait for the LLM server to accept."
    )
    llm_read_timeout: float = Field(
        default=60.0,
        gt=0,
        le=3600,
        description="Seconds to wait for the next piece of a streamed reply.",
    )
    llm_max_retries: int = Field(
        default=2,
        ge=0,
        le=10,
        description="Retries before any text is shown (rate limits, 5xx, connection errors).",
    )
    llm_extra_headers: Annotated[dict[str, str] | None, NoDecode] = Field(
        default=None,
        description='Extra HTTP headers for the LLM server, as JSON: `{"X-Title": "Hearth"}`.',
    )
    llm_extra_body: Annotated[dict[str, Any] | None, NoDecode] = Field(
        default=None,
        description='Extra request fields for the LLM server, as JSON: `{"top_k": 40}`.',
    )
    llm_context_tokens: int = Field(
        default=8192,
        ge=512,
        le=2_000_000,
        description="The model's context window in tokens; older turns are dropped to fit.",
    )
    llm_max_tokens: int = Field(
        default=1024,
        ge=16,
        le=100_000,
        description="Most tokens a reply may use (also reserved in the context window).",
    )
    log_level: LogLevel = Field(
        default="INFO", description="DEBUG, INFO, WARNING, ERROR or CRITICAL."
    )

    @field_validator(
        "discord_token",
        "llm_api_key",
        "llm_base_url",
        "discord_gateway_url",
        "dev_guild_id",
        "llm_model",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("discord_api_url", "discord_gateway_url", "llm_base_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        allowed = ("http://", "https://", "ws://", "wss://")
        if not value.startswith(allowed):
            raise ValueError(f"must start with one of {', '.join(allowed)}")
        return value.rstrip("/")

    @field_validator("owner_ids", mode="before")
    @classmethod
    def _owner_ids(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
            ids = set()
            for part in parts:
                if not part.isdigit():
                    raise ValueError(f"{part!r} is not a numeric Discord user id")
                ids.add(int(part))
            return frozenset(ids)
        return value

    @field_validator("llm_extra_headers", "llm_extra_body", mode="before")
    @classmethod
    def _json_object(cls, value: Any) -> Any:
        if isinstance(value, str):
            if not value.strip():
                return None
            try:
                value = json.loads(value)
            except ValueError as exc:
                raise ValueError(f"is not valid JSON ({exc.msg})") from None
            if not isinstance(value, dict):
                raise ValueError("must be a JSON object")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("default_persona")
    @classmethod
    def _persona_id(cls, value: str) -> str:
        value = value.strip().lower()
        if not value:
            raise ValueError("must name a persona, e.g. shannon")
        return value

    @property
    def log_level_number(self) -> int:
        """The log level as the ``logging`` module's number."""
        return logging.getLevelNamesMapping()[self.log_level]


class ConfigError(Exception):
    """A configuration problem, already phrased for the person running Hearth."""


_EXPECTED = {
    "brain": "one of offline, openai, anthropic",
    "log_level": "one of DEBUG, INFO, WARNING, ERROR, CRITICAL",
    "dev_guild_id": "a numeric Discord server id",
    "owner_ids": "comma-separated numeric Discord user ids, e.g. 123,456",
    "database_path": "a file path such as ./data/hearth.db",
    "discord_api_url": "a URL such as https://discord.com/api/v10",
    "discord_gateway_url": "a URL such as wss://gateway.discord.gg",
    "llm_base_url": "a URL such as http://localhost:11434/v1",
    "chat_cooldown": "seconds between 0 and 3600",
    "history_retention_days": "a whole number of days, 0 to keep forever",
    "memory_max_per_user": "a whole number from 1 to 10000",
    "user_messages_per_minute": "a whole number from 0 (unlimited) to 1000",
    "guild_messages_per_minute": "a whole number from 0 (unlimited) to 10000",
    "guild_daily_tokens": "a whole number of tokens, 0 for unlimited",
    "llm_context_tokens": "a whole number of tokens, e.g. 8192",
    "llm_connect_timeout": "seconds, e.g. 5",
    "llm_read_timeout": "seconds, e.g. 60",
    "llm_max_retries": "a whole number from 0 to 10",
    "llm_extra_headers": 'a JSON object of strings, e.g. {"X-Title": "Hearth"}',
    "llm_extra_body": 'a JSON object, e.g. {"top_k": 40}',
    "llm_max_tokens": "a whole number of tokens, e.g. 1024",
}


def load_settings(**overrides: Any) -> Settings:
    """Read settings from the environment (and ``.env``); raise ConfigError on a bad value."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else "?"
            var = f"HEARTH_{field.upper()}"
            value = err.get("input")
            shown = "" if field in {"discord_token", "llm_api_key"} else f" (got {value!r})"
            problem = err["msg"].removeprefix("Value error, ")
            expected = _EXPECTED.get(field)
            tail = f"; expected {expected}" if expected else ""
            lines.append(f"{var}: {problem}{shown}{tail}")
        raise ConfigError("Bad configuration:\n  " + "\n  ".join(lines)) from None
    except SettingsError as exc:  # e.g. a .env file that cannot be parsed
        raise ConfigError(f"Bad configuration: {exc}") from None
