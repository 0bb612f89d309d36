"""Tests for bot.storage: opening, migrations, concurrency, errors, repositories and the CLI.

Every test uses real SQLite files under tmp_path.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage import (
    ConstraintError,
    Database,
    GuildSettings,
    MigrationError,
    NewMessage,
    StorageError,
    load_migrations,
    open_database,
)
from bot.storage import cli as storage_cli
from bot.storage.errors import from_os_error, from_sqlite_error
from bot.storage.migrator import shipped_migrations_dir, split_statements
from bot.storage.sqlite import messages as sqlite_messages

TABLES = {
    "schema_migrations",
    "guild_settings",
    "channel_settings",
    "users",
    "messages",
    "audit_log",
    "custom_personas",
}


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await open_database(tmp_path / "hearth.sqlite3")
    yield database
    await database.close()


def tables_in(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    conn.close()
    return {row[0] for row in rows}


def migrations_dir(tmp_path: Path, *extra: tuple[str, str]) -> Path:
    """A migrations folder holding the shipped 0001 plus the given (file name, SQL) pairs."""
    folder = tmp_path / "migrations"
    folder.mkdir(exist_ok=True)
    initial = shipped_migrations_dir().joinpath("0001_initial.sql").read_text(encoding="utf-8")
    (folder / "0001_initial.sql").write_text(initial, encoding="utf-8")
    for name, sql in extra:
        (folder / name).write_text(sql, encoding="utf-8")
    return folder


def message(**overrides: object) -> NewMessage:
    fields: dict[str, object] = {
        "channel_id": 10,
        "user_id": 100,
        "author_name": "Alice",
        "role": "user",
        "content": "hello",
        "created_at": 1_000.0,
        "guild_id": 1,
    }
    fields.update(overrides)
    return NewMessage(**fields)  # type: ignore[arg-type]


# --- opening and migrations ----------------------------------------------------------------


LATEST = load_migrations()[-1].version


async def test_empty_database_is_migrated_and_configured(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "hearth.sqlite3"
    async with await open_database(path) as db:
        assert await db.schema_version() == LATEST
        assert await db.pending_migrations() == []
        assert db.journal_mode == "wal"
        async with db.connection() as conn:
            pragmas = {
                name: (await conn.execute_fetchall(f"PRAGMA {name}"))[0][0]
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            }
            recorded = await conn.execute_fetchall(
                "SELECT version, name, applied_at FROM schema_migrations"
            )
    assert pragmas == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": 5000,
        "synchronous": 1,
    }
    assert [(row[0], row[1]) for row in recorded] == [
        (m.version, m.name) for m in load_migrations()
    ]
    assert recorded[0][:2] == (1, "initial")
    assert recorded[0][2] > 1_600_000_000  # unix seconds
    assert TABLES <= tables_in(path)


async def test_shipped_migrations_load_as_package_data() -> None:
    migrations = load_migrations()
    assert migrations[0].file_name == "0001_initial.sql"
    assert any("CREATE TABLE messages" in s for s in migrations[0].statements)


async def test_reopening_an_up_to_date_database_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "hearth.sqlite3"
    async with await open_database(path) as db:
        await db.users.touch(5, "Eve")
    with sqlite3.connect(path) as conn:
        before = conn.execute("SELECT * FROM schema_migrations").fetchall()
        schema_before = conn.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    conn.close()

    async with await open_database(path) as db:
        assert await db.migrate() == []
        assert await db.schema_version() == LATEST
        assert (await db.users.get(5)) is not None

    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT * FROM schema_migrations").fetchall() == before
        assert conn.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == (
            schema_before
        )
    conn.close()


async def test_older_database_is_upgraded_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "hearth.sqlite3"
    folder = migrations_dir(tmp_path)
    async with await open_database(path, migrations_dir=folder) as db:
        assert await db.schema_version() == 1
        await db.guilds.update(7, strictness="strict")
        await db.messages.add(message(content="kept"))

    (folder / "0002_jokes.sql").write_text(
        "CREATE TABLE jokes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);\n"
        "ALTER TABLE users ADD COLUMN pronouns TEXT;\n"
        "INSERT INTO jokes (text) VALUES ('a joke; with a semicolon');\n",
        encoding="utf-8",
    )
    async with await open_database(path, migrations_dir=folder, migrate=False) as db:
        assert [m.file_name for m in await db.pending_migrations()] == ["0002_jokes.sql"]
    async with await open_database(path, migrations_dir=folder) as db:
        assert await db.schema_version() == 2
        assert await db.pending_migrations() == []
        assert (await db.guilds.get(7)).strictness == "strict"
        assert [m.content for m in await db.messages.recent(10, limit=5)] == ["kept"]
        counts = await db.table_counts()
    assert counts["jokes"] == 1
    assert counts["schema_migrations"] == 2


async def test_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "hearth.sqlite3"
    async with await open_database(path) as db, db.connection() as conn:
        await conn.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (7, 'future', 0)"
        )
    folder = migrations_dir(
        tmp_path,
        ("0002_two.sql", "CREATE TABLE two (x INTEGER);"),
        ("0003_three.sql", "CREATE TABLE three (x INTEGER);"),
    )
    with pytest.raises(MigrationError) as caught:
        await open_database(path, migrations_dir=folder)
    assert str(caught.value) == (
        "database schema version 7 is newer than this Hearth understands (up to 3); "
        "upgrade Hearth or use another HEARTH_DATABASE_PATH"
    )
    assert "two" not in tables_in(path)  # nothing was applied to the newer database


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ([("0003_three.sql", "SELECT 1;")], "missing 0002"),
        ([("0002_a.sql", "SELECT 1;"), ("0002_b.sql", "SELECT 1;")], "0002_a.sql, 0002_b.sql"),
        ([("0000_zero.sql", "SELECT 1;")], "numbering starts at 1"),
        ([("2-second.sql", "SELECT 1;")], "'2-second.sql' in"),
        ([("0002_cut.sql", "CREATE TABLE x (a INTEGER)")], "without a closing semicolon"),
    ],
)
async def test_bad_migration_files_are_refused_before_touching_the_database(
    tmp_path: Path, files: list[tuple[str, str]], expected: str
) -> None:
    folder = migrations_dir(tmp_path, *files)
    path = tmp_path / "db" / "hearth.sqlite3"
    with pytest.raises(MigrationError, match="migration") as caught:
        await open_database(path, migrations_dir=folder)
    assert expected in str(caught.value)
    assert not path.exists()


async def test_missing_or_empty_migrations_directory(tmp_path: Path) -> None:
    with pytest.raises(MigrationError, match="does not exist"):
        await open_database(tmp_path / "a.sqlite3", migrations_dir=tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(MigrationError, match="no migration files"):
        await open_database(tmp_path / "a.sqlite3", migrations_dir=tmp_path / "empty")


async def test_failing_migration_is_rolled_back_entirely(tmp_path: Path) -> None:
    path = tmp_path / "hearth.sqlite3"
    folder = migrations_dir(
        tmp_path,
        ("0002_broken.sql", "CREATE TABLE half (x INTEGER);\nINSERT INTO nowhere VALUES (1);\n"),
    )
    with pytest.raises(MigrationError, match=r"0002_broken\.sql failed: no such table: nowhere"):
        await open_database(path, migrations_dir=folder)
    tables = tables_in(path)
    assert "users" in tables  # 0001 was applied in its own transaction
    assert "half" not in tables
    (folder / "0002_broken.sql").write_text("CREATE TABLE half (x INTEGER);\n")
    async with await open_database(path, migrations_dir=folder) as db:
        assert await db.schema_version() == 2


@pytest.mark.parametrize("control", ["COMMIT;", "  -- done\n  end transaction;", "BEGIN;"])
async def test_migration_with_transaction_control_is_refused(tmp_path: Path, control: str) -> None:
    folder = migrations_dir(
        tmp_path, ("0002_commit.sql", f"CREATE TABLE c (x INTEGER);\n{control}\n")
    )
    path = tmp_path / "hearth.sqlite3"
    with pytest.raises(MigrationError, match="must not contain BEGIN, COMMIT or ROLLBACK"):
        await open_database(path, migrations_dir=folder)
    assert not path.exists()


def test_split_statements_keeps_triggers_strings_and_comments_whole() -> None:
    script = """
    -- a comment that's got an apostrophe; and a semicolon
    CREATE TABLE t (x TEXT DEFAULT 'a;b');
    CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN
        UPDATE t SET x = 'c;d' WHERE rowid = new.rowid;
    END; /* trailing ; comment */
    """
    statements = split_statements(script)
    assert len(statements) == 2
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")
    with pytest.raises(ValueError, match="without a closing semicolon"):
        split_statements("SELECT 1; SELECT 2")


async def test_two_processes_opening_a_fresh_file_at_once(tmp_path: Path) -> None:
    path = tmp_path / "hearth.sqlite3"
    first, second = await asyncio.gather(open_database(path), open_database(path))
    try:
        assert await first.schema_version() == await second.schema_version() == LATEST
        assert (await first.table_counts())["schema_migrations"] == LATEST
    finally:
        await first.close()
        await second.close()


async def test_in_memory_database(tmp_path: Path) -> None:
    async with await open_database(":memory:") as db:
        await db.users.touch(1, "Mem")
        assert (await db.users.get(1)) is not None


# --- concurrency --------------------------------------------------------------------------


async def test_one_hundred_tasks_writing_through_one_database(db: Database) -> None:
    async def worker(n: int) -> None:
        if n % 2:
            await db.messages.add(message(user_id=1000 + n, content=f"m{n}", created_at=n))
        else:
            async with db.transaction():
                await db.messages.add(message(user_id=1000 + n, content=f"m{n}", created_at=n))
                await db.audit.record(1, 1000 + n, "wrote", {"n": n})

    await asyncio.gather(*(worker(n) for n in range(100)))
    assert await db.messages.count() == 100
    assert len(await db.audit.list(1, limit=100)) == 50
    contents = {m.content for m in await db.messages.recent(10, limit=1000)}
    assert contents == {f"m{n}" for n in range(100)}


async def test_other_tasks_never_land_in_a_transaction_that_rolls_back(db: Database) -> None:
    started = asyncio.Event()

    async def failing_transaction() -> None:
        with pytest.raises(RuntimeError):
            async with db.transaction():
                await db.messages.add(message(content="rolled back"))
                started.set()
                await asyncio.sleep(0.05)  # other tasks run now
                raise RuntimeError("boom")

    async def bystander() -> None:
        await started.wait()
        await db.messages.add(message(content="kept"))

    await asyncio.gather(failing_transaction(), bystander())
    assert [m.content for m in await db.messages.recent(10, limit=10)] == ["kept"]


async def test_two_database_objects_on_one_file_write_at_once(tmp_path: Path) -> None:
    path = tmp_path / "hearth.sqlite3"
    first = await open_database(path)
    second = await open_database(path)
    try:

        async def worker(database: Database, n: int) -> None:
            if n % 3 == 0:
                async with database.transaction():
                    await database.users.touch(n, f"user{n}")
                    await database.messages.add(message(user_id=n, content=f"m{n}"))
            else:
                await database.messages.add(message(user_id=n, content=f"m{n}"))
            # Read-then-write transactions: the case where a deferred BEGIN would fail at once
            # with "database is locked" when the other connection committed in between.
            await database.guilds.update(n % 5, log_channel_id=n)

        await asyncio.gather(
            *(worker(first, n) for n in range(0, 200, 2)),
            *(worker(second, n) for n in range(1, 200, 2)),
        )
        assert await first.messages.count() == 200
        assert await second.messages.count() == 200
        assert (await second.table_counts())["guild_settings"] == 5
    finally:
        await first.close()
        await second.close()


async def test_nested_transactions_use_savepoints(db: Database) -> None:
    async with db.transaction():
        await db.messages.add(message(content="outer"))
        with pytest.raises(KeyError):
            async with db.transaction():
                await db.messages.add(message(content="inner"))
                raise KeyError("undo the inner block only")
        await db.messages.add(message(content="after"))
    assert [m.content for m in await db.messages.recent(10, limit=10)] == ["outer", "after"]


async def test_cancelled_transaction_rolls_back_and_database_stays_usable(db: Database) -> None:
    inside = asyncio.Event()

    async def slow() -> None:
        async with db.transaction():
            await db.messages.add(message(content="cancelled"))
            inside.set()
            await asyncio.sleep(10)

    task = asyncio.create_task(slow())
    await inside.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await db.messages.add(message(content="after"))
    assert [m.content for m in await db.messages.recent(10, limit=10)] == ["after"]


# --- errors -------------------------------------------------------------------------------


async def test_corrupt_file_gives_a_storage_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "hearth.sqlite3"
    garbage = bytes(range(256)) * 64
    path.write_bytes(garbage)
    with pytest.raises(StorageError) as caught:
        await open_database(path)
    assert str(caught.value) == f"{path} is not a Hearth/SQLite database or is corrupt"
    assert path.read_bytes() == garbage  # never "repaired" by overwriting


async def test_another_applications_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.close()
    with pytest.raises(StorageError, match=r"not a Hearth/SQLite database.*invoices"):
        await open_database(path)
    assert tables_in(path) == {"invoices"}


@pytest.mark.parametrize("below", ["db.sqlite", "deeper/db.sqlite"])
async def test_path_below_a_regular_file_is_not_writable(tmp_path: Path, below: str) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("I am a file")
    path = blocker / below
    with pytest.raises(StorageError) as caught:
        await open_database(path)
    assert str(caught.value) == (
        f"cannot write the database at {path}: a parent of it is not a directory "
        f"({blocker} is a file, not a directory); "
        "set HEARTH_DATABASE_PATH to a writable location"
    )
    assert blocker.read_text() == "I am a file"


def test_permission_errors_translate_to_the_documented_message(tmp_path: Path) -> None:
    # The OS-level path (exercised for real by the next test when not running as root).
    path = tmp_path / "hearth.sqlite3"
    expected = (
        f"cannot write the database at {path}: permission denied; "
        "set HEARTH_DATABASE_PATH to a writable location"
    )
    denied = PermissionError(13, "Permission denied", str(tmp_path))
    assert str(from_os_error(path, denied)) == expected
    # A real SQLITE_READONLY error from SQLite (a read-only connection is refused a write).
    sqlite3.connect(path).close()
    read_only = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        with pytest.raises(sqlite3.OperationalError) as raw:
            read_only.execute("CREATE TABLE t (x INTEGER)")
    finally:
        read_only.close()
    assert str(from_sqlite_error(path, raw.value)) == expected


async def test_read_only_directory_is_permission_denied(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        probe = folder / "probe"
        try:
            probe.write_text("x")
        except PermissionError:
            pass
        else:
            probe.unlink()
            pytest.skip("this user (root?) can write to a read-only directory")
        path = folder / "sub" / "hearth.sqlite3"
        with pytest.raises(StorageError) as caught:
            await open_database(path)
        assert str(caught.value) == (
            f"cannot write the database at {path}: permission denied; "
            "set HEARTH_DATABASE_PATH to a writable location"
        )
    finally:
        folder.chmod(0o700)


async def test_directory_given_as_database_path(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="it is a directory"):
        await open_database(tmp_path)


async def test_locked_database_after_the_busy_timeout(tmp_path: Path) -> None:
    path = tmp_path / "hearth.sqlite3"
    async with await open_database(path, busy_timeout=0.2) as db:
        other = sqlite3.connect(path, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
            with pytest.raises(StorageError) as caught:
                await db.messages.add(message())
            assert str(caught.value).startswith(f"the database at {path} is locked")
            assert "0.2 s busy timeout" in str(caught.value)
            other.execute("ROLLBACK")
        finally:
            other.close()
        await db.messages.add(message())  # usable again once the lock is gone
        assert await db.messages.count() == 1


async def test_full_disk_gives_a_storage_error_and_keeps_data(db: Database) -> None:
    await db.messages.add(message(content="before"))
    async with db.connection() as conn:
        pages = (await conn.execute_fetchall("PRAGMA page_count"))[0][0]
        # Simulates a full disk: SQLite reports SQLITE_FULL once the file would grow.
        await conn.execute("PRAGMA max_page_count = " + str(pages))
    with pytest.raises(StorageError, match="the disk is full"):
        async with db.transaction():
            await db.messages.add(message(content="x" * 200_000))
    async with db.connection() as conn:
        await conn.execute("PRAGMA max_page_count = 1073741823")
    assert [m.content for m in await db.messages.recent(10, limit=10)] == ["before"]


async def test_closed_database_refuses_work(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "hearth.sqlite3")
    await db.close()
    await db.close()  # idempotent
    with pytest.raises(StorageError, match="is closed"):
        await db.users.get(1)


# --- guild settings -----------------------------------------------------------------------


async def test_guild_settings_defaults_and_updates(db: Database) -> None:
    assert await db.guilds.get(1) == GuildSettings(
        guild_id=1, persona_id=None, strictness="standard", log_channel_id=None, mod_role_id=None
    )
    updated = await db.guilds.update(1, persona_id="shannon", log_channel_id=55)
    assert updated == GuildSettings(1, "shannon", "standard", 55, None)
    again = await db.guilds.update(1, strictness="strict", mod_role_id=66)
    assert again == GuildSettings(1, "shannon", "strict", 55, 66)
    assert await db.guilds.get(1) == again
    assert await db.guilds.update(1, persona_id=None) == GuildSettings(1, None, "strict", 55, 66)
    assert await db.guilds.get(2) == GuildSettings(2)  # other guilds untouched


async def test_guild_update_rejects_unknown_fields_and_bad_values(db: Database) -> None:
    with pytest.raises(ValueError, match=r"unknown guild setting.*colour.*known settings"):
        await db.guilds.update(1, colour="red")
    with pytest.raises(ValueError, match="strictness must be one of 'relaxed', 'standard'"):
        await db.guilds.update(1, strictness="extreme")
    with pytest.raises(ValueError, match="log_channel_id must be an integer Discord id"):
        await db.guilds.update(1, log_channel_id="55")
    with pytest.raises(ValueError, match="guild_id must be between 0 and 2\\*\\*63-1"):
        await db.guilds.get(2**64)
    assert await db.guilds.update(1) == GuildSettings(1)
    assert (await db.table_counts())["guild_settings"] == 0  # nothing stored by failures


# --- channel settings ---------------------------------------------------------------------


async def test_channel_settings(db: Database) -> None:
    assert await db.channels.get(20) is None
    after_mode = await db.channels.set_chat_mode(1, 20, "always")
    assert (after_mode.chat_mode, after_mode.persona_id, after_mode.guild_id) == ("always", None, 1)
    after_persona = await db.channels.set_persona(1, 20, "pirate")
    assert (after_persona.chat_mode, after_persona.persona_id) == ("always", "pirate")
    cleared = await db.channels.set_persona(1, 20, None)
    assert (cleared.chat_mode, cleared.persona_id) == ("always", None)
    assert await db.channels.get(20) == cleared
    only_persona = await db.channels.set_persona(1, 21, "bard")
    assert only_persona.chat_mode is None  # not configured: the chat service decides
    with pytest.raises(ValueError, match="chat mode must be one of 'off', 'mention', 'always'"):
        await db.channels.set_chat_mode(1, 20, "loud")  # type: ignore[arg-type]
    assert (await db.guilds.get(1)) == GuildSettings(1)  # the guild row holds defaults


# --- users --------------------------------------------------------------------------------


async def test_users_touch_get_and_memory_preferences(tmp_path: Path) -> None:
    clock = FakeClock(1_000.0)
    async with await open_database(tmp_path / "h.sqlite3", clock=clock) as db:
        assert await db.users.get(7) is None
        await db.users.touch(7, "Alice")
        first = await db.users.get(7)
        assert first is not None
        assert (first.display_name, first.memory_enabled, first.memory_scope) == (
            "Alice",
            True,
            "local",
        )
        assert first.first_seen_at == first.last_seen_at == 1_000.0
        clock.now = 2_000.0
        await db.users.touch(7, "Alice B.")
        second = await db.users.get(7)
        assert second is not None
        assert (second.display_name, second.first_seen_at, second.last_seen_at) == (
            "Alice B.",
            1_000.0,
            2_000.0,
        )
        assert (await db.users.set_memory_enabled(7, False)).memory_enabled is False
        assert (await db.users.set_memory_scope(7, "global")).memory_scope == "global"
        stored = await db.users.get(7)
        assert stored is not None
        assert (stored.memory_enabled, stored.memory_scope, stored.display_name) == (
            False,
            "global",
            "Alice B.",
        )
        unseen = await db.users.set_memory_enabled(8, False)  # before ever chatting
        assert (unseen.display_name, unseen.memory_enabled) == ("", False)
        with pytest.raises(ValueError, match="memory scope must be one of 'local', 'global'"):
            await db.users.set_memory_scope(7, "everywhere")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="enabled must be True or False"):
            await db.users.set_memory_enabled(7, 1)  # type: ignore[arg-type]


# --- schema constraints -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        (
            "INSERT INTO guild_settings (guild_id, strictness, created_at, updated_at) "
            "VALUES (1, 'extreme', 0, 0)",
            "strictness must be 'relaxed', 'standard' or 'strict'",
        ),
        (
            "INSERT INTO users (user_id, memory_scope, first_seen_at, last_seen_at) "
            "VALUES (1, 'everywhere', 0, 0)",
            "memory_scope must be 'local' or 'global'",
        ),
        (
            "INSERT INTO messages (channel_id, user_id, author_name, role, content, created_at) "
            "VALUES (1, 1, 'a', 'system', 'x', 0)",
            "role must be 'user' or 'assistant'",
        ),
        (
            "INSERT INTO audit_log (guild_id, actor_id, action, detail, created_at) "
            "VALUES (1, 1, 'a', '[1, 2]', 0)",
            "audit detail must be a JSON object",
        ),
    ],
)
async def test_schema_checks_surface_as_value_errors(
    db: Database, statement: str, expected: str
) -> None:
    async with db.connection() as conn:
        await conn.execute(
            "INSERT INTO users (user_id, first_seen_at, last_seen_at) VALUES (1, 0, 0) "
            "ON CONFLICT DO NOTHING"
        )
    with pytest.raises(ValueError) as caught:
        async with db.connection() as conn:
            await conn.execute(statement)
    assert isinstance(caught.value, ConstraintError)
    assert str(caught.value) == f"invalid value: {expected}"


async def test_chat_mode_check_and_foreign_keys(db: Database) -> None:
    with pytest.raises(ConstraintError, match="chat_mode must be 'off', 'mention' or 'always'"):
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO guild_settings (guild_id, created_at, updated_at) VALUES (1, 0, 0)"
            )
            await conn.execute(
                "INSERT INTO channel_settings (channel_id, guild_id, chat_mode, updated_at) "
                "VALUES (2, 1, 'loud', 0)"
            )
    with pytest.raises(ConstraintError, match="refers to another row that does not exist"):
        async with db.connection() as conn:
            await conn.execute(
                "INSERT INTO channel_settings (channel_id, guild_id, updated_at) VALUES (3, 99, 0)"
            )


# --- messages -----------------------------------------------------------------------------


async def test_messages_add_and_recent(db: Database) -> None:
    for n in range(6):
        await db.messages.add(
            message(
                user_id=100 if n % 2 == 0 else 200,
                author_name="Alice" if n % 2 == 0 else "Bob",
                content=f"m{n}",
                created_at=1_000.0 + n,
            )
        )
    await db.messages.add(message(channel_id=11, content="elsewhere", created_at=2_000.0))
    await db.messages.add(
        message(role="assistant", author_name="Hearth", content="reply", created_at=1_010.0)
    )

    recent = await db.messages.recent(10, limit=3)
    assert [m.content for m in recent] == ["m4", "m5", "reply"]  # newest 3, oldest first
    with_alice = await db.messages.recent(10, limit=10, user_id=100)
    assert [m.content for m in with_alice] == ["m0", "m2", "m4", "reply"]
    before = await db.messages.recent(10, limit=2, before=1_004.0)
    assert [m.content for m in before] == ["m2", "m3"]
    both = await db.messages.recent(10, limit=10, user_id=200, before=1_004.0)
    assert [m.content for m in both] == ["m1", "m3"]
    assert await db.messages.recent(10, limit=0) == []
    assert await db.messages.recent(99, limit=5) == []
    with pytest.raises(ValueError, match="limit must be an integer >= 0"):
        await db.messages.recent(10, limit=-1)
    assert await db.messages.count() == 8
    reply = recent[-1]
    assert (reply.role, reply.user_id, reply.guild_id, reply.author_name) == (
        "assistant",
        100,
        1,
        "Hearth",
    )


async def test_messages_in_direct_messages_and_discord_ids(db: Database) -> None:
    row_id = await db.messages.add(
        message(guild_id=None, discord_message_id=555, reply_to_discord_id=444)
    )
    stored = await db.messages.get_by_discord_id(555)
    assert stored is not None
    assert (stored.id, stored.guild_id, stored.reply_to_discord_id) == (row_id, None, 444)
    assert await db.messages.get_by_discord_id(556) is None

    reply_id = await db.messages.add(message(role="assistant", author_name="Hearth"))
    assert await db.messages.set_discord_id(reply_id, 556) is True
    assert (await db.messages.get_by_discord_id(556)).id == reply_id  # type: ignore[union-attr]
    assert await db.messages.set_discord_id(9999, 557) is False
    with pytest.raises(ValueError, match="already stored"):
        await db.messages.add(message(discord_message_id=555))
    with pytest.raises(ValueError, match="role must be one of 'user', 'assistant'"):
        await db.messages.add(message(role="system"))


async def test_message_creates_its_users_row_without_overwriting_names(db: Database) -> None:
    await db.messages.add(message(user_id=300, role="assistant", author_name="Hearth"))
    bare = await db.users.get(300)
    assert bare is not None and bare.display_name == ""
    await db.users.touch(301, "Carol")
    await db.messages.add(message(user_id=301, author_name="Carol (nick)"))
    assert (await db.users.get(301)).display_name == "Carol"  # type: ignore[union-attr]


async def test_prune_and_delete_for_user_return_counts(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_messages, "PRUNE_BATCH", 3)  # exercise several batches
    for n in range(10):
        await db.messages.add(message(user_id=100 + n % 2, created_at=float(n)))
    assert await db.messages.prune_older_than(7.0) == 7
    assert await db.messages.prune_older_than(7.0) == 0
    assert sorted(m.created_at for m in await db.messages.recent(10, limit=10)) == [7.0, 8.0, 9.0]
    # Left: 7.0 and 9.0 with user 101, 8.0 with user 100.
    assert await db.messages.delete_for_user(101) == 2
    remaining = await db.messages.recent(10, limit=10)
    assert [(m.user_id, m.created_at) for m in remaining] == [(100, 8.0)]
    assert await db.messages.delete_for_user(424242) == 0
    assert await db.messages.count() == 1


async def test_recent_uses_an_index(db: Database) -> None:
    for n in range(300):
        await db.messages.add(message(channel_id=n % 7, user_id=n % 5, created_at=float(n)))
    statements: list[str] = []
    async with db.connection() as conn:
        await conn.set_trace_callback(statements.append)
    await db.messages.recent(3, limit=20)
    await db.messages.recent(3, limit=20, user_id=2)
    await db.messages.recent(3, limit=20, before=100.0)
    await db.messages.recent(3, limit=20, user_id=2, before=100.0)
    async with db.connection() as conn:
        await conn.set_trace_callback(None)
        selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        assert len(selects) == 4
        expected = ["by_channel", "by_user_channel", "by_channel", "by_user_channel"]
        for statement, index in zip(selects, expected, strict=True):
            plan = " | ".join(
                row[3] for row in await conn.execute_fetchall("EXPLAIN QUERY PLAN " + statement)
            )
            assert f"USING INDEX messages_{index} " in plan, plan
            assert "TEMP B-TREE" not in plan, plan  # no sort: the index gives the order


# --- audit log ----------------------------------------------------------------------------


async def test_audit_log(db: Database) -> None:
    for n in range(25):
        await db.audit.record(1, 42, "set_strictness", {"to": "strict", "n": n, "note": "ü"})
    await db.audit.record(2, 43, "persona_saved", {})
    entries = await db.audit.list(1)
    assert len(entries) == 20
    assert [e.detail["n"] for e in entries[:3]] == [24, 23, 22]  # newest first
    assert entries[0].detail == {"to": "strict", "n": 24, "note": "ü"}
    assert (entries[0].actor_id, entries[0].action) == (42, "set_strictness")
    assert len(await db.audit.list(1, limit=30)) == 25
    assert [e.action for e in await db.audit.list(2)] == ["persona_saved"]
    assert await db.audit.list(3) == []
    with pytest.raises(ValueError, match="JSON-serialisable"):
        await db.audit.record(1, 42, "bad", {"when": object()})
    with pytest.raises(ValueError, match="action must not be empty"):
        await db.audit.record(1, 42, "  ", {})


# --- custom personas ----------------------------------------------------------------------


async def test_custom_personas(db: Database) -> None:
    assert await db.personas.get(1, "pirate") is None
    assert await db.personas.list(1) == []
    await db.personas.save(1, "pirate", 'name = "Pirate"\n', author_id=9)
    await db.personas.save(1, "bard", 'name = "Bard"\n', author_id=9)
    await db.personas.save(2, "pirate", 'name = "Other"\n', author_id=8)
    await db.personas.save(1, "pirate", 'name = "Pirate v2"\n', author_id=10)
    assert await db.personas.get(1, "pirate") == 'name = "Pirate v2"\n'
    assert await db.personas.list(1) == ["bard", "pirate"]
    assert await db.personas.delete(1, "pirate") is True
    assert await db.personas.delete(1, "pirate") is False
    assert await db.personas.list(1) == ["bard"]
    assert await db.personas.get(2, "pirate") == 'name = "Other"\n'
    with pytest.raises(ValueError, match="persona TOML must not be empty"):
        await db.personas.save(1, "empty", "", author_id=9)
    with pytest.raises(ValueError, match="persona_id must be at most 64 characters"):
        await db.personas.save(1, "x" * 65, "a = 1", author_id=9)
    with pytest.raises(ValueError, match="persona TOML must be at most 100000 characters"):
        await db.personas.save(1, "huge", "#" * 100_001, author_id=9)


async def test_records_are_frozen(db: Database) -> None:
    settings = await db.guilds.get(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.strictness = "strict"  # type: ignore[misc]


# --- CLI ----------------------------------------------------------------------------------


def run_cli(*argv: str, database: Path | None) -> int:
    parser = argparse.ArgumentParser(prog="hearth")
    storage_cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    args.database = database
    return int(args.func(args))


def test_cli_status_before_and_after_migrate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "data" / "hearth.sqlite3"
    assert run_cli("db", "status", database=path) == 0
    out = capsys.readouterr().out
    assert "does not exist yet" in out and "pending migrations: 0001_initial.sql" in out
    assert not path.exists()  # status never creates the database

    assert run_cli("db", "migrate", database=path) == 0
    out = capsys.readouterr().out
    assert "applied 0001_initial.sql" in out and f"schema version: {LATEST}" in out
    assert run_cli("db", "migrate", database=path) == 0
    assert "nothing to apply" in capsys.readouterr().out

    assert run_cli("db", "status", database=path) == 0
    out = capsys.readouterr().out
    assert f"database: {path}" in out
    assert f"schema version: {LATEST} (this Hearth knows up to {LATEST})" in out
    assert "pending migrations: none" in out
    assert "  messages" in out and f"  schema_migrations  {LATEST}" in out


def test_cli_reports_errors_without_tracebacks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corrupt = tmp_path / "corrupt.sqlite3"
    corrupt.write_bytes(b"\x00garbage" * 512)
    assert run_cli("db", "migrate", database=corrupt) == 1
    assert "is not a Hearth/SQLite database or is corrupt" in capsys.readouterr().err
    assert run_cli("db", "status", database=corrupt) == 1
    assert "is not a Hearth/SQLite database" in capsys.readouterr().err
    assert run_cli("db", "status", database=None) == 2
    assert "HEARTH_DATABASE_PATH" in capsys.readouterr().err


def test_cli_status_of_a_newer_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "hearth.sqlite3"
    assert run_cli("db", "migrate", database=path) == 0
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO schema_migrations VALUES (9, 'future', 0)")
    conn.close()
    capsys.readouterr()
    assert run_cli("db", "status", database=path) == 1
    assert "database schema version 9 is newer" in capsys.readouterr().err
    assert run_cli("db", "migrate", database=path) == 1


async def test_a_version_1_database_is_upgraded_by_the_shipped_migrations(tmp_path: Path) -> None:
    path = tmp_path / "hearth.sqlite3"
    async with await open_database(path, migrations_dir=migrations_dir(tmp_path)) as db:
        await db.messages.add(message(content="from version 1"))
    with sqlite3.connect(path) as conn:  # the version-1 code's own write, in its own schema
        conn.execute(
            "INSERT INTO guild_settings (guild_id, created_at, updated_at) VALUES (7, 0, 0)"
        )
        conn.execute(
            "INSERT INTO channel_settings (channel_id, guild_id, chat_mode, updated_at) "
            "VALUES (70, 7, 'always', 0)"
        )
    conn.close()
    async with await open_database(path) as db:
        assert await db.schema_version() == LATEST
        settings = await db.channels.get(70)
        assert settings is not None and settings.chat_mode == "always"
        assert settings.chat_cooldown is None
        assert [m.content for m in await db.messages.recent(10, limit=5)] == ["from version 1"]
        await db.channels.set_chat_cooldown(7, 70, 0)
        assert (await db.channels.get(70)).chat_cooldown == 0


async def test_chat_cooldown_bounds(tmp_path: Path) -> None:
    async with await open_database(tmp_path / "h.db") as db:
        for bad in (-1, 3601, "soon", float("nan")):
            with pytest.raises(ConstraintError, match="0 to 3600 seconds"):
                await db.channels.set_chat_cooldown(7, 70, bad)  # type: ignore[arg-type]
        assert await db.channels.get(70) is None


async def test_token_usage_accumulates_per_guild_and_day(tmp_path: Path) -> None:
    async with await open_database(tmp_path / "h.db") as db:
        assert await db.usage.tokens_on(7, "2026-11-28") == 0
        assert await db.usage.add_tokens(7, "2026-11-28", 120) == 120
        assert await db.usage.add_tokens(7, "2026-11-28", 30) == 150
        assert await db.usage.add_tokens(8, "2026-11-28", 5) == 5
        assert await db.usage.tokens_on(7, "2026-11-29") == 0
        with pytest.raises(ConstraintError, match="YYYY-MM-DD"):
            await db.usage.add_tokens(7, "yesterday", 1)
        with pytest.raises(ConstraintError, match=">= 0"):
            await db.usage.add_tokens(7, "2026-11-28", -3)


async def test_update_content_replaces_a_regenerated_reply(tmp_path: Path) -> None:
    async with await open_database(tmp_path / "h.db") as db:
        await db.messages.add(
            message(content="first try", discord_message_id=555, role="assistant")
        )
        assert await db.messages.update_content(555, "second try")
        stored = await db.messages.get_by_discord_id(555)
        assert stored is not None and stored.content == "second try"
        assert not await db.messages.update_content(556, "nothing")


async def test_reply_to_finds_the_stored_reply_to_a_message(tmp_path: Path) -> None:
    async with await open_database(tmp_path / "h.db") as db:
        await db.messages.add(message(content="question", discord_message_id=700))
        assert await db.messages.reply_to(700) is None
        await db.messages.add(
            message(
                content="answer", role="assistant", discord_message_id=701, reply_to_discord_id=700
            )
        )
        found = await db.messages.reply_to(700)
        assert found is not None and found.content == "answer" and found.discord_message_id == 701
        async with db.connection() as conn:
            plan = await conn.execute_fetchall(
                "EXPLAIN QUERY PLAN " + sqlite_messages._REPLY_TO, (700,)
            )
        assert any("messages_by_reply" in str(tuple(row)) for row in plan)
