"""The `hearth` command as a user runs it: real subprocesses, clear messages, exit codes."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from bot.emulator.server import EmulatorServer
from bot.storage import load_migrations

PYTHON = sys.executable


def env(**extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HEARTH_")}
    return {**clean, **extra}


def hearth(
    *args: str, cwd: Path, timeout: float = 60, **variables: str
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "-m", "bot", *args],
        cwd=cwd,
        env=env(**variables),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_version_and_help(tmp_path: Path) -> None:
    result = hearth("--version", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("hearth ")
    result = hearth("--help", cwd=tmp_path)
    for command in ("run", "play", "persona", "db"):
        assert command in result.stdout


def test_run_without_a_token_explains_how_to_get_one(tmp_path: Path) -> None:
    result = hearth("run", cwd=tmp_path)
    assert result.returncode == 2
    assert "HEARTH_DISCORD_TOKEN" in result.stderr
    assert "discord.com/developers/applications" in result.stderr
    assert "hearth play" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_setting_exits_2_naming_the_variable_without_a_traceback(tmp_path: Path) -> None:
    result = hearth("run", cwd=tmp_path, HEARTH_BRAIN="gpt", HEARTH_DISCORD_TOKEN="x")
    assert result.returncode == 2
    assert "HEARTH_BRAIN" in result.stderr and "offline, openai, anthropic" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_setting_in_a_dotenv_file_is_reported_too(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("HEARTH_DEV_GUILD_ID=not-a-number\n", encoding="utf-8")
    result = hearth("run", cwd=tmp_path)
    assert result.returncode == 2
    assert "HEARTH_DEV_GUILD_ID" in result.stderr and "Traceback" not in result.stderr


def test_unknown_default_persona_is_a_configuration_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [PYTHON, "-m", "bot", "play"],
        cwd=tmp_path,
        input="hi\n",
        text=True,
        capture_output=True,
        env=env(HEARTH_DEFAULT_PERSONA="shanon"),
        timeout=60,
    )
    assert result.returncode == 2
    assert "HEARTH_DEFAULT_PERSONA" in result.stderr and "did you mean 'shannon'" in result.stderr
    assert "Traceback" not in result.stderr


async def test_run_with_an_invalid_token_says_discord_rejected_it(tmp_path: Path) -> None:
    emu = EmulatorServer()
    await emu.start()
    try:
        process = await asyncio.create_subprocess_exec(
            PYTHON,
            "-m",
            "bot",
            "run",
            cwd=tmp_path,
            env=env(
                HEARTH_DISCORD_TOKEN="definitely-wrong",
                HEARTH_DISCORD_API_URL=emu.api_url,
                HEARTH_DISCORD_GATEWAY_URL=emu.gateway_url,
            ),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
    finally:
        await emu.stop()
    text = stderr.decode()
    assert process.returncode == 1
    assert "rejected the token" in text and "definitely-wrong" not in text
    assert "Traceback" not in text


async def test_run_serves_and_answers_with_the_right_token(tmp_path: Path) -> None:
    emu = EmulatorServer()
    await emu.start()
    owner = emu.create_user("Owner")
    emu.create_guild("Real Server", owner)
    process = await asyncio.create_subprocess_exec(
        PYTHON,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=env(
            HEARTH_DISCORD_TOKEN=emu.token,
            HEARTH_DISCORD_API_URL=emu.api_url,
            HEARTH_DISCORD_GATEWAY_URL=emu.gateway_url,
            HEARTH_LOG_LEVEL="DEBUG",
        ),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        for _ in range(300):
            if emu.state.global_commands and emu.gateway.identified.is_set():
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.7)  # guild streaming finishes, on_ready
        message = await emu.user_message(owner, emu.dm_channel(owner), "hello")
        for _ in range(200):
            replies = [
                m
                for m in emu.state.channel_history(message.channel_id)
                if m.author.id == emu.state.bot.id
            ]
            if replies:
                break
            await asyncio.sleep(0.05)
        assert replies, "the bot did not answer"
        assert (tmp_path / "data" / "hearth.db").exists()
    finally:
        process.terminate()
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
        await emu.stop()
    assert emu.token not in stderr.decode()  # secrets never logged, even at DEBUG


def test_unwritable_database_location_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("I am a file", encoding="utf-8")
    target = str(blocker / "db" / "hearth.db")
    result = subprocess.run(
        [PYTHON, "-m", "bot", "play", "--database", target],
        cwd=tmp_path,
        input="hi\n",
        text=True,
        capture_output=True,
        timeout=60,
        env=env(),
    )
    assert result.returncode == 1
    assert "Database problem" in result.stderr and str(blocker) in result.stderr
    assert "Traceback" not in result.stderr
    result = hearth("db", "migrate", cwd=tmp_path, HEARTH_DATABASE_PATH=target)
    assert result.returncode == 1 and str(blocker) in result.stderr
    assert "Traceback" not in result.stderr


def test_db_status_and_migrate(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    result = hearth("db", "status", cwd=tmp_path, HEARTH_DATABASE_PATH=str(path))
    assert result.returncode == 0 and "does not exist yet" in result.stdout
    result = hearth("db", "migrate", cwd=tmp_path, HEARTH_DATABASE_PATH=str(path))
    assert result.returncode == 0 and path.exists()
    result = hearth("db", "status", cwd=tmp_path, HEARTH_DATABASE_PATH=str(path))
    assert f"schema version: {load_migrations()[-1].version}" in result.stdout


def test_persona_validate(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "x"\nname = "Bad"\ncolour = "red"\n', encoding="utf-8")
    result = hearth("persona", "validate", str(bad), cwd=tmp_path)
    assert result.returncode == 1 and "colour" in result.stdout
