"""The one Hearth database: opening, configuring, migrating, and serialised access.

Concurrency model: one aiosqlite connection (one worker thread) per Database, and an
asyncio.Lock so that only one task at a time uses it. Without the lock, a statement from
task B could land inside task A's open transaction (same connection) and be committed or
rolled back with it. The lock is re-entrant per task through a ContextVar, so a repository
called inside `db.transaction()` joins that transaction instead of deadlocking. Between
processes (or two Database objects on one file) SQLite's own locking applies: WAL lets
readers run beside the single writer, writers wait up to the busy timeout, and every
transaction starts with BEGIN IMMEDIATE so that the wait happens at BEGIN (where SQLite can
wait) rather than at a read-to-write upgrade (where it would fail at once).
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from types import TracebackType

import aiosqlite

from bot.storage import migrator
from bot.storage.entertainment_repo import AdventureRepository, JokeRepository, StoryRepository
from bot.storage.errors import (
    StorageError,
    from_os_error,
    from_sqlite_error,
    not_a_database,
    permission_denied,
)
from bot.storage.memory_repo import MemoryRepository, UserDataRepository
from bot.storage.migrator import Migration
from bot.storage.moderation_repo import ModerationRepository
from bot.storage.repositories import (
    AuditRepository,
    ChannelSettingsRepository,
    CustomPersonaRepository,
    GuildSettingsRepository,
    MessageRepository,
    UsageRepository,
    UserRepository,
)
from bot.storage.sqlite import (
    SqliteAuditRepository,
    SqliteChannelSettingsRepository,
    SqliteCustomPersonaRepository,
    SqliteGuildSettingsRepository,
    SqliteMessageRepository,
    SqliteUsageRepository,
    SqliteUserRepository,
)
from bot.storage.sqlite.adventures import SqliteAdventureRepository
from bot.storage.sqlite.jokes import SqliteJokeRepository
from bot.storage.sqlite.memory import SqliteMemoryRepository, SqliteUserDataRepository
from bot.storage.sqlite.moderation import SqliteModerationRepository
from bot.storage.sqlite.stories import SqliteStoryRepository
from bot.storage.sqlite.trivia import SqliteTriviaRepository
from bot.storage.trivia_repo import TriviaRepository

DEFAULT_BUSY_TIMEOUT = 5.0  # seconds
MEMORY = ":memory:"

# Savepoints nest by name: RELEASE/ROLLBACK TO act on the innermost one with that name,
# so one fixed name serves every nesting depth.
_SAVEPOINT = "hearth_nested"


@dataclass(eq=False)
class _Hold:
    """One task's exclusive use of one Database's connection."""

    db: Database
    active: bool = True
    tx_depth: int = 0  # 0: no transaction open; 1: BEGIN; >1: savepoints inside it


# The holds of the current task (a tuple, replaced not mutated, as ContextVar values should be).
# Tasks started inside a hold inherit a copy of this; `active` turns False when the hold
# ends, so such a task cannot bypass the lock afterwards.
_HOLDS: ContextVar[tuple[_Hold, ...]] = ContextVar("hearth_storage_holds", default=())


class Database:
    """Hearth's database: repositories as attributes, plus transactions and migrations.

    Create it with `open_database()`; close it with `close()` or `async with`.
    """

    def __init__(
        self,
        conn: aiosqlite.Connection,
        path: Path | str,
        migrations: list[Migration],
        *,
        journal_mode: str,
        busy_timeout: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._conn = conn
        self._path = path
        self._migrations = migrations
        self._journal_mode = journal_mode
        self._busy_timeout = busy_timeout
        self._lock = asyncio.Lock()
        self._closed = False
        # Typed as the protocols: that is all services may rely on.
        self.guilds: GuildSettingsRepository = SqliteGuildSettingsRepository(self, clock)
        self.channels: ChannelSettingsRepository = SqliteChannelSettingsRepository(self, clock)
        self.users: UserRepository = SqliteUserRepository(self, clock)
        self.messages: MessageRepository = SqliteMessageRepository(self)
        self.audit: AuditRepository = SqliteAuditRepository(self, clock)
        self.personas: CustomPersonaRepository = SqliteCustomPersonaRepository(self, clock)
        self.usage: UsageRepository = SqliteUsageRepository(self)
        self.memories: MemoryRepository = SqliteMemoryRepository(self, clock)
        self.user_data: UserDataRepository = SqliteUserDataRepository(self)
        self.jokes: JokeRepository = SqliteJokeRepository(self, clock)
        self.stories: StoryRepository = SqliteStoryRepository(self, clock)
        self.adventures: AdventureRepository = SqliteAdventureRepository(self, clock)
        self.trivia: TriviaRepository = SqliteTriviaRepository(self, clock)
        self.moderation: ModerationRepository = SqliteModerationRepository(self, clock)

    # --- facts --------------------------------------------------------------------------

    @property
    def path(self) -> Path | str:
        """Where the database lives (":memory:" for an in-memory one)."""
        return self._path

    @property
    def journal_mode(self) -> str:
        """The journal mode SQLite granted: "wal" for a file database."""
        return self._journal_mode

    @property
    def closed(self) -> bool:
        """True once `close()` was called."""
        return self._closed

    # --- access -------------------------------------------------------------------------

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[aiosqlite.Connection]:
        """Exclusive use of the connection without a transaction (each statement commits).

        For reads and single-statement writes. sqlite3 errors leave as StorageError, or
        ConstraintError (a ValueError) for values the schema rejects.
        """
        async with self._holding():
            with self._translated():
                yield self._conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Exclusive use of the connection inside one atomic transaction.

        Commits when the block ends normally, rolls back when it raises (or is cancelled).
        Nested use, including repository calls inside the block, joins the transaction
        through a savepoint. Do not run BEGIN/COMMIT/ROLLBACK yourself on the connection,
        and do not fan out tasks (gather) that use the database inside the block: they
        inherit the transaction and would interleave their savepoints.
        """
        async with self._holding() as hold:
            outer = hold.tx_depth == 0
            with self._translated():
                await self._conn.execute("BEGIN IMMEDIATE" if outer else "SAVEPOINT " + _SAVEPOINT)
            hold.tx_depth += 1
            try:
                with self._translated():
                    yield self._conn
            except BaseException:
                hold.tx_depth -= 1
                await self._undo(outer)
                raise
            hold.tx_depth -= 1
            try:
                with self._translated():
                    await self._conn.execute("COMMIT" if outer else "RELEASE " + _SAVEPOINT)
            except BaseException:
                await self._undo(outer)
                raise

    @asynccontextmanager
    async def _holding(self) -> AsyncIterator[_Hold]:
        self._check_open()
        current = self._current_hold()
        if current is not None:
            yield current
            return
        async with self._lock:
            self._check_open()  # it may have been closed while this task waited
            hold = _Hold(self)
            token = _HOLDS.set((*_HOLDS.get(), hold))
            try:
                yield hold
            finally:
                hold.active = False
                try:
                    _HOLDS.reset(token)
                except ValueError:
                    pass  # finalised from another context (abandoned generator): nothing to undo

    def _current_hold(self) -> _Hold | None:
        for hold in _HOLDS.get():
            if hold.db is self and hold.active:
                return hold
        return None

    async def _undo(self, outer: bool) -> None:
        statements = (
            ("ROLLBACK",) if outer else ("ROLLBACK TO " + _SAVEPOINT, "RELEASE " + _SAVEPOINT)
        )

        async def run() -> None:
            for statement in statements:
                try:
                    await self._conn.execute(statement)
                except sqlite3.Error:
                    pass  # SQLite already rolled back on its own (e.g. after a full disk)

        # Shielded: a second cancellation must not leave the transaction open for the next
        # task that takes the connection. The worker thread runs it in order regardless.
        await asyncio.shield(run())

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as error:
            raise from_sqlite_error(self._path, error, busy_timeout=self._busy_timeout) from error

    def _check_open(self) -> None:
        if self._closed:
            raise StorageError(f"the database at {self._path} is closed")

    # --- schema -------------------------------------------------------------------------

    async def schema_version(self) -> int:
        """The highest migration applied to this database (0 for an empty one)."""
        async with self.connection() as conn:
            applied = await migrator.applied_versions(conn)
        return max(applied, default=0)

    async def pending_migrations(self) -> list[Migration]:
        """The migrations this Hearth knows that the database has not had yet."""
        async with self.connection() as conn:
            applied = await migrator.applied_versions(conn)
        return migrator.pending(applied, self._migrations)

    def known_migrations(self) -> list[Migration]:
        """Every migration this Hearth knows, in order."""
        return list(self._migrations)

    async def migrate(self) -> list[Migration]:
        """Apply the pending migrations; returns the ones applied (empty when up to date)."""
        async with self._holding() as hold:
            if hold.tx_depth:
                raise StorageError("cannot migrate inside a transaction")
            with self._translated():
                return await migrator.apply_pending(self._conn, self._migrations)

    async def table_counts(self) -> dict[str, int]:
        """Row counts of every table (SQLite internals and FTS shadow tables excepted)."""
        async with self.connection() as conn:
            rows = await conn.execute_fetchall("PRAGMA main.table_list")
            names = sorted(
                row["name"]
                for row in rows
                if row["type"] == "table" and not row["name"].startswith("sqlite_")
            )
            counts: dict[str, int] = {}
            for name in names:
                # Table names cannot be bound parameters; these come from the schema itself
                # and are quoted as identifiers.
                quoted = '"' + name.replace('"', '""') + '"'
                result = await conn.execute_fetchall("SELECT COUNT(*) FROM " + quoted)
                counts[name] = int(result[0][0])
        return counts

    # --- lifecycle ----------------------------------------------------------------------

    async def close(self) -> None:
        """Wait for the work in progress, then close the connection. Idempotent."""
        if self._closed:
            return
        if self._current_hold() is not None:
            raise StorageError("cannot close the database from inside its own transaction")
        async with self._lock:
            if self._closed:
                return
            self._closed = True
            try:
                # Recommended before closing: lets SQLite refresh statistics it found useful.
                await self._conn.execute("PRAGMA optimize")
            except sqlite3.Error:
                pass  # closing matters more than statistics
            await self._conn.close()

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<Database {self._path} ({state})>"


async def open_database(
    path: str | Path,
    *,
    migrations_dir: Path | Traversable | None = None,
    migrate: bool = True,
    busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    clock: Callable[[], float] = time.time,
) -> Database:
    """Open (creating if needed) the database at `path` and bring its schema up to date.

    Creates the parent directory on demand; sets WAL, foreign keys, the busy timeout and
    synchronous=NORMAL; applies pending migrations from `migrations_dir` (the shipped ones
    when None) unless `migrate` is False. Raises StorageError (MigrationError for schema
    problems) with a message that says what is wrong and what to do.
    """
    if busy_timeout < 0:
        raise ValueError(f"busy_timeout must be >= 0 seconds, got {busy_timeout}")
    # Validated first, so that broken migration files never touch the database.
    migrations = migrator.load_migrations(migrations_dir)
    target = _prepare_location(path)
    conn = await _connect(target, busy_timeout)
    try:
        journal_mode = await _configure(conn, busy_timeout)
        await _check_is_hearth(conn, target)
        if migrate:
            await migrator.apply_pending(conn, migrations)
    except sqlite3.Error as error:
        await conn.close()
        raise from_sqlite_error(target, error, busy_timeout=busy_timeout) from error
    except BaseException:
        await conn.close()
        raise
    return Database(
        conn,
        target,
        migrations,
        journal_mode=journal_mode,
        busy_timeout=busy_timeout,
        clock=clock,
    )


def _prepare_location(path: str | Path) -> Path | str:
    if str(path) == MEMORY:
        return MEMORY
    target = Path(path).expanduser()
    if target.is_dir():
        raise StorageError(
            f"cannot use {target} as the database: it is a directory; set HEARTH_DATABASE_PATH "
            "to a file path such as data/hearth.sqlite3"
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise from_os_error(target, error) from error
    # SQLite needs to create the -wal and -shm files next to the database, so the
    # directory must be writable too, not just the file.
    if not os.access(target.parent, os.W_OK | os.X_OK):
        raise permission_denied(target)
    if target.exists() and not os.access(target, os.R_OK | os.W_OK):
        raise permission_denied(target)
    return target


async def _connect(target: Path | str, busy_timeout: float) -> aiosqlite.Connection:
    try:
        # isolation_level=None: no implicit transactions; Database.transaction() issues
        # BEGIN IMMEDIATE itself. timeout= installs SQLite's busy handler.
        conn = await aiosqlite.connect(target, isolation_level=None, timeout=busy_timeout)
    except sqlite3.Error as error:
        raise from_sqlite_error(target, error, busy_timeout=busy_timeout) from error
    conn.row_factory = sqlite3.Row
    return conn


async def _configure(conn: aiosqlite.Connection, busy_timeout: float) -> str:
    # PRAGMA values cannot be bound parameters; this one is an int computed here.
    await conn.execute("PRAGMA busy_timeout = " + str(int(busy_timeout * 1000)))
    rows = await conn.execute_fetchall("PRAGMA journal_mode = WAL")
    await conn.execute("PRAGMA foreign_keys = ON")
    await conn.execute("PRAGMA synchronous = NORMAL")
    return str(rows[0][0]).lower()


async def _check_is_hearth(conn: aiosqlite.Connection, target: Path | str) -> None:
    # Another application's SQLite file: migrating it would mix Hearth's tables into it.
    rows = await conn.execute_fetchall(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite%'"
    )
    names = sorted(row[0] for row in rows)
    if names and "schema_migrations" not in names:
        shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
        raise StorageError(
            f"{not_a_database(target)} (it holds other tables: {shown}; no schema_migrations table)"
        )
