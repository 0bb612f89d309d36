"""`hearth data purge USER_ID` and `hearth data export USER_ID` (owners' tools)."""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path

import pytest

from bot.memory import cli as memory_cli
from bot.storage import NewMessage, open_database
from bot.storage.memory_repo import NewMemory

ALICE, BOB = 123456789012345678, 223456789012345678


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="hearth")
    memory_cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return int(args.func(args))


async def seed(path: Path) -> None:
    db = await open_database(path)
    try:
        for user, name in ((ALICE, "Alice"), (BOB, "Bob")):
            await db.users.touch(user, name)
            await db.memories.add(NewMemory(user_id=user, kind="like", content=f"{name}'s jazz"))
            await db.messages.add(
                NewMessage(
                    channel_id=9, user_id=user, author_name=name, role="user",
                    content=f"hi from {name}", created_at=time.time(),
                )
            )  # fmt: skip
    finally:
        await db.close()


async def counts(path: Path, user: int) -> tuple[int, int, bool]:
    db = await open_database(path)
    try:
        data = await db.user_data.export(user)
        return len(data.memories), len(data.messages), data.user is not None
    finally:
        await db.close()


def test_purge_deletes_one_users_data_and_nobody_elses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "hearth.db"
    asyncio.run(seed(path))
    assert run("data", "purge", str(ALICE), "--database", str(path)) == 0
    out = capsys.readouterr().out
    assert f"purged user {ALICE}: 1 memories, 1 conversation messages, user record deleted" in out
    assert asyncio.run(counts(path, ALICE)) == (0, 0, False)
    assert asyncio.run(counts(path, BOB)) == (1, 1, True)
    assert run("data", "purge", f"<@{ALICE}>", "--database", str(path)) == 0
    assert "nothing stored about user" in capsys.readouterr().out


def test_export_prints_the_users_data_as_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "hearth.db"
    asyncio.run(seed(path))
    assert run("data", "export", str(BOB), "--database", str(path)) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["user_id"] == str(BOB)
    assert [m["content"] for m in data["memories"]] == ["Bob's jazz"]
    assert [m["content"] for m in data["conversation_history"]] == ["hi from Bob"]
    assert "Alice" not in json.dumps(data)


def test_bad_user_ids_and_missing_databases_are_explained(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for bad in ("alice", "-5", "0", "12.5", str(2**64)):
        with pytest.raises(SystemExit) as exit_info:
            run("data", "purge", bad, "--database", str(tmp_path / "x.db"))
        assert exit_info.value.code == 2
        assert "is not a Discord user id" in capsys.readouterr().err
    missing = tmp_path / "nope.db"
    assert run("data", "purge", str(ALICE), "--database", str(missing)) == 1
    assert "no database at" in capsys.readouterr().err
    assert not missing.exists()  # purging never creates a database
    monkeypatch.setenv("HEARTH_DATABASE_PATH", str(tmp_path / "from-env.db"))
    assert run("data", "export", str(ALICE)) == 1  # the setting is used when no --database
    assert "from-env.db" in capsys.readouterr().err
    monkeypatch.setenv("HEARTH_LOG_LEVEL", "LOUD")
    assert run("data", "export", str(ALICE)) == 2
    assert "HEARTH_LOG_LEVEL" in capsys.readouterr().err
