"""`hearth play` in script mode, run as a subprocess exactly as a newcomer would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.playground import PlaygroundError, parse_slash


def play(lines: list[str], cwd: Path, *args: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HEARTH_")}
    return subprocess.run(
        [sys.executable, "-m", "bot", "play", *args],
        cwd=cwd,
        input="\n".join(lines) + "\n",
        text=True,
        capture_output=True,
        timeout=120,
        env=environment,
    )


def test_script_mode_prints_each_final_bot_message_once(tmp_path: Path) -> None:
    result = play(
        [
            "hello!",
            "are you a real person?",
            "/about",
            ":click 1",
            "/nope",
            ":in games",
            "nobody answers this",
            "@hearth thanks!",
            ":dm",
            "bye",
        ],
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    lines = out.splitlines()
    bot_lines = [line for line in lines if line.startswith("[")]
    assert bot_lines[0].startswith("[#general] Hearth: ")
    assert "AI" in bot_lines[1]
    assert "**About Shannon**" in out and "[1: Privacy & data]" in out
    assert "(only You can see this) **What I keep" in out
    assert "! there is no /nope command here" in out
    assert not any(line.startswith("[#games]") and "nobody" in line for line in lines)
    assert sum(line.startswith("[#games] Hearth:") for line in lines) == 1  # only the mention
    assert [line for line in lines if line.startswith("[")][-1].startswith("[DM] Hearth: ")
    assert "Traceback" not in result.stderr
    # memories and history live in ./data/ between runs
    assert (tmp_path / "data" / "playground.db").exists()


def test_json_mode_prints_one_object_per_bot_message(tmp_path: Path) -> None:
    result = play(["hi", "/help", "/about"], tmp_path, "--json")
    assert result.returncode == 0, result.stderr
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(objects) == 3
    for obj in objects:
        assert set(obj) == {"channel", "author", "content", "embeds", "buttons", "ephemeral"}
        assert obj["author"] == "Hearth"
    assert objects[0]["channel"] == "general" and objects[0]["content"]
    assert objects[1]["ephemeral"] is True and objects[1]["embeds"][0]["title"] == "What I can do"
    assert objects[2]["buttons"] == ["Privacy & data"] and objects[2]["ephemeral"] is False


def test_multi_user_and_moderator_switches(tmp_path: Path) -> None:
    result = play(
        [
            ":as Priya",
            ":in games",
            "/chat mode mode:always",
            ":mod",
            "/chat mode mode:always cooldown:0",
            "anyone here?",
            ":unmod",
            ":as Sam",
            "hello all",
        ],
        tmp_path,
    )
    out = result.stdout
    assert "You need the **Manage Server** permission" in out
    assert "Chat mode for this channel is now **always**" in out
    assert out.count("[#games] Hearth:") >= 4  # denial, confirmation, two chat replies
    assert "Sam" in out


def test_bad_input_gets_helpful_messages_and_the_session_continues(tmp_path: Path) -> None:
    result = play(
        [":click 1", ":wait soon", ":teleport", "/chat mode", "/", "x" * 10_000, "still here?"],
        tmp_path,
    )
    assert result.returncode == 0
    out = result.stdout
    assert "! no bot message with buttons here yet" in out
    assert "is not a number of seconds" in out
    assert "unknown :teleport" in out
    assert "needs the option(s): mode" in out
    assert "type a command name" in out
    assert "4,000 characters" in out
    assert [line for line in out.splitlines() if line.startswith("[")][-1].startswith(
        "[#general] Hearth:"
    )


def test_empty_input_exits_cleanly(tmp_path: Path) -> None:
    result = play([], tmp_path)
    assert result.returncode == 0 and result.stdout == ""


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/help", ("help", {})),
        ("/chat mode mode:always", ("chat mode", {"mode": "always"})),
        (
            "/joke category:puns about:space cats",
            ("joke", {"category": "puns", "about": "space cats"}),
        ),
        (
            '/story tell prompt:"a dragon: who bakes"',
            ("story tell", {"prompt": "a dragon: who bakes"}),
        ),
        ("/trivia start rounds:5 timer:30", ("trivia start", {"rounds": "5", "timer": "30"})),
    ],
)
def test_parse_slash(line: str, expected: tuple) -> None:
    assert parse_slash(line) == expected


def test_parse_slash_needs_a_name() -> None:
    with pytest.raises(PlaygroundError):
        parse_slash("/ ")
