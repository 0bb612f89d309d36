"""Settings: defaults, environment parsing, and clear errors for bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import ConfigError, load_settings


def test_defaults_need_nothing() -> None:
    settings = load_settings(_env_file=None)
    assert settings.brain == "offline"
    assert settings.database_path == Path("data/hearth.db")
    assert settings.discord_api_url == "https://discord.com/api/v10"
    assert settings.discord_gateway_url is None
    assert settings.discord_token is None
    assert settings.default_persona == "shannon"
    assert settings.owner_ids == frozenset()
    assert settings.log_level == "INFO"


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARTH_DISCORD_TOKEN", "abc.def")
    monkeypatch.setenv("HEARTH_BRAIN", "openai")
    monkeypatch.setenv("HEARTH_LLM_BASE_URL", "http://localhost:11434/v1/")
    monkeypatch.setenv("HEARTH_OWNER_IDS", "123, 456")
    monkeypatch.setenv("HEARTH_DEV_GUILD_ID", "789")
    monkeypatch.setenv("HEARTH_LOG_LEVEL", "debug")
    monkeypatch.setenv("HEARTH_DEFAULT_PERSONA", " Ember ")
    settings = load_settings(_env_file=None)
    assert settings.discord_token is not None
    assert settings.discord_token.get_secret_value() == "abc.def"
    assert "abc.def" not in repr(settings)  # secrets never show up in logs or reprs
    assert settings.llm_base_url == "http://localhost:11434/v1"
    assert settings.owner_ids == frozenset({123, 456})
    assert settings.dev_guild_id == 789
    assert settings.log_level == "DEBUG"
    assert settings.default_persona == "ember"


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("HEARTH_BRAIN=anthropic\nHEARTH_LLM_MODEL=claude-test\n", encoding="utf-8")
    settings = load_settings(_env_file=env)
    assert settings.brain == "anthropic" and settings.llm_model == "claude-test"


def test_empty_values_mean_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARTH_DISCORD_TOKEN", "  ")
    monkeypatch.setenv("HEARTH_DEV_GUILD_ID", "")
    settings = load_settings(_env_file=None)
    assert settings.discord_token is None and settings.dev_guild_id is None


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("HEARTH_BRAIN", "gpt4", "one of offline, openai, anthropic"),
        ("HEARTH_DEV_GUILD_ID", "my-server", "a numeric Discord server id"),
        ("HEARTH_OWNER_IDS", "12,bob", "'bob' is not a numeric Discord user id"),
        ("HEARTH_LOG_LEVEL", "loud", "one of DEBUG, INFO"),
        ("HEARTH_DISCORD_API_URL", "discord.com/api", "must start with one of"),
        ("HEARTH_LLM_BASE_URL", "localhost:11434", "http://localhost:11434/v1"),
    ],
)
def test_bad_value_names_the_variable_the_problem_and_the_expected_form(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as info:
        load_settings(_env_file=None)
    message = str(info.value)
    assert variable in message
    assert repr(value).lower() in message.lower()
    assert expected in message


def test_bad_token_value_is_never_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARTH_LLM_API_KEY", "sk-secret-value")
    monkeypatch.setenv("HEARTH_BRAIN", "nope")
    with pytest.raises(ConfigError) as info:
        load_settings(_env_file=None)
    assert "sk-secret-value" not in str(info.value)
