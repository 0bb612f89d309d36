"""`hearth doctor` against real local servers: all good, a wrong model, a dead server."""

from __future__ import annotations

import argparse
import asyncio
import socket

import pytest

from bot.brain.doctor import (
    DoctorCheck,
    _choose_model_fix,
    _start_server_fix,
    format_checks,
    register,
    run_doctor,
)
from bot.brain.fakes import FakeAnthropicServer, FakeOpenAIServer, Scenario
from bot.settings import Settings

KEY = "sk-test-DOCTORKEY123456"


def openai_settings(base: str, model: str | None = "llama3.2:1b", **kw: object) -> Settings:
    return Settings(brain="openai", llm_base_url=base, llm_model=model, _env_file=None, **kw)  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def by_name(checks: list[DoctorCheck]) -> dict[str, DoctorCheck]:
    return {c.name: c for c in checks}


async def test_offline_needs_nothing() -> None:
    checks = await run_doctor(Settings(_env_file=None))
    assert [c.ok for c in checks] == [True]
    assert "offline" in checks[0].detail


async def test_openai_all_good() -> None:
    async with FakeOpenAIServer(models=["llama3.2:1b", "qwen2.5:0.5b"]) as server:
        server.default = Scenario(tokens=("Hello",))
        checks = await run_doctor(openai_settings(server.base_url), timeout=3)
        assert [c.name for c in checks] == ["base URL", "server", "model", "test reply"]
        assert all(c.ok for c in checks), format_checks(checks)
        assert "2 models" in by_name(checks)["server"].detail
        assert "answered in" in by_name(checks)["test reply"].detail
        assert server.chats[0].body["max_tokens"] == 1


async def test_ollama_latest_tag_counts_as_the_same_model() -> None:
    async with FakeOpenAIServer(models=["llama3.2:latest"]) as server:
        checks = await run_doctor(openai_settings(server.base_url, "llama3.2:latest"), timeout=3)
        assert by_name(checks)["model"].ok
    async with FakeOpenAIServer(models=["llama3.2:latest"]) as server:
        checks = await run_doctor(openai_settings(server.base_url, "llama3.2"), timeout=3)
        assert by_name(checks)["model"].ok


async def test_wrong_model_suggests_close_names() -> None:
    async with FakeOpenAIServer(models=["llama3.2:1b", "qwen2.5:0.5b", "phi3:mini"]) as server:
        checks = await run_doctor(openai_settings(server.base_url, "llama3.1:1b"), timeout=3)
        model = by_name(checks)["model"]
        assert not model.ok
        assert "did you mean llama3.2:1b" in model.detail
        assert "HEARTH_LLM_MODEL" in model.fix and "llama3.2:1b" in model.fix
        assert "test reply" not in by_name(checks)  # pointless with a missing model
        assert server.chats == []


async def test_dead_server_says_how_to_start_one() -> None:
    base = f"http://127.0.0.1:{free_port()}/v1"
    checks = await run_doctor(openai_settings(base), timeout=2)
    server = by_name(checks)["server"]
    assert not server.ok and "cannot reach" in server.detail
    assert "start your local LLM server" in server.fix
    assert "fix: start your local LLM server" in format_checks(checks)


def test_fix_lines_for_ollama() -> None:
    assert "`ollama serve`" in _start_server_fix("http://localhost:11434/v1")
    assert "`ollama pull llama3.2`" in _choose_model_fix(
        "http://localhost:11434/v1", [], "llama3.2"
    )
    assert "HEARTH_LLM_BASE_URL" in _start_server_fix("https://api.example.com/v1")


async def test_no_models_endpoint_is_fine() -> None:
    async with FakeOpenAIServer(models=["m"], models_endpoint=False) as server:
        checks = await run_doctor(openai_settings(server.base_url, "m"), timeout=3)
        assert all(c.ok for c in checks), format_checks(checks)
        assert "not required" in by_name(checks)["server"].detail


async def test_model_unknown_to_a_server_without_a_list() -> None:
    async with FakeOpenAIServer(models=["m"], models_endpoint=False) as server:
        checks = await run_doctor(openai_settings(server.base_url, "nope"), timeout=3)
        reply = by_name(checks)["test reply"]
        assert not reply.ok and "'nope'" in reply.detail
        assert "HEARTH_LLM_MODEL" in reply.fix


async def test_rejected_key() -> None:
    async with FakeOpenAIServer(models=["m"], api_key=KEY) as server:
        checks = await run_doctor(
            openai_settings(server.base_url, "m", llm_api_key="sk-test-wrong-000000"), timeout=3
        )
        server_check = by_name(checks)["server"]
        assert not server_check.ok and "HEARTH_LLM_API_KEY" in server_check.fix
        checks = await run_doctor(openai_settings(server.base_url, "m", llm_api_key=KEY), timeout=3)
        assert all(c.ok for c in checks), format_checks(checks)
        assert KEY not in format_checks(checks)


async def test_missing_settings() -> None:
    checks = await run_doctor(Settings(brain="openai", _env_file=None))
    assert not checks[0].ok and "HEARTH_LLM_BASE_URL" in checks[0].fix
    async with FakeOpenAIServer(models=["a", "b"]) as server:
        checks = await run_doctor(openai_settings(server.base_url, None), timeout=3)
        assert not checks[-1].ok and "one of: a, b" in checks[-1].fix


async def test_a_failing_test_reply_gets_a_fix_line() -> None:
    async with FakeOpenAIServer(models=["m"]) as server:
        server.default = Scenario.error(503)
        checks = await run_doctor(openai_settings(server.base_url, "m"), timeout=3)
        reply = by_name(checks)["test reply"]
        assert not reply.ok and "check its logs" in reply.fix
        assert len(server.chats) == 1  # the doctor does not retry


async def test_anthropic_checks() -> None:
    checks = await run_doctor(Settings(brain="anthropic", llm_model="c", _env_file=None))
    assert not checks[0].ok and "HEARTH_LLM_API_KEY" in checks[0].fix
    async with FakeAnthropicServer(models=["claude-haiku-test"], api_key=KEY) as server:
        settings = Settings(
            brain="anthropic",
            llm_base_url=server.base_url,
            llm_api_key=KEY,
            llm_model="claude-haiku-test",
            _env_file=None,
        )
        checks = await run_doctor(settings, timeout=3)
        assert all(c.ok for c in checks), format_checks(checks)
        wrong = settings.model_copy(update={"llm_model": "claude-haiku-tset"})
        reply = by_name(await run_doctor(wrong, timeout=3))["test reply"]
        assert not reply.ok and "did you mean claude-haiku-test" in reply.detail


def run_cli(argv: list[str]) -> tuple[int, argparse.Namespace]:
    parser = argparse.ArgumentParser(prog="hearth")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.func(args), args


async def test_cli_exit_codes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async with FakeOpenAIServer(models=["m"]) as server:
        monkeypatch.setenv("HEARTH_BRAIN", "openai")
        monkeypatch.setenv("HEARTH_LLM_BASE_URL", server.base_url)
        monkeypatch.setenv("HEARTH_LLM_MODEL", "m")
        # The handler runs its own event loop, so it runs in a thread beside the server's.
        code, _ = await asyncio.to_thread(run_cli, ["doctor", "--timeout", "3"])
        out = capsys.readouterr().out
        assert code == 0 and "✓ test reply" in out and "all good" in out
        monkeypatch.setenv("HEARTH_LLM_MODEL", "missing")
        code, _ = await asyncio.to_thread(run_cli, ["doctor", "--timeout", "3"])
        out = capsys.readouterr().out
        assert code == 1 and "✗ model" in out and "fix:" in out


def test_cli_bad_configuration(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HEARTH_BRAIN", "gpt")
    code, _ = run_cli(["doctor"])
    assert code == 2 and "HEARTH_BRAIN" in capsys.readouterr().out


def test_cli_rejects_a_bad_timeout() -> None:
    with pytest.raises(SystemExit):
        run_cli(["doctor", "--timeout", "0"])
