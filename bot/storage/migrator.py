"""Numbered SQL migrations: discovery, validation and application.

A migration is a file `NNNN_description.sql` (`0001_initial.sql`, `0002_memories.sql`, ...).
Numbers start at 1 and have no gaps or duplicates. Each file is applied in its own
transaction together with its row in `schema_migrations`, so a failed migration leaves
nothing behind. Migration files must not contain BEGIN/COMMIT themselves.
"""

from __future__ import annotations

import re
import sqlite3
import time
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import aiosqlite

from bot.storage.errors import MigrationError

# A migration runs inside the transaction the runner opened; these would end it early and
# leave a half-applied migration behind.
_TRANSACTION_CONTROL = frozenset({"BEGIN", "COMMIT", "END", "ROLLBACK"})

_FILE_NAME = re.compile(r"^(?P<version>\d+)_(?P<name>[A-Za-z0-9_]+)\.sql$")

# The bookkeeping table itself is not a numbered migration: it must exist before any is run.
_CREATE_BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at REAL NOT NULL
)
"""


@dataclass(frozen=True, slots=True)
class Migration:
    """One numbered SQL migration file."""

    version: int
    name: str
    statements: tuple[str, ...]

    @property
    def file_name(self) -> str:
        """The conventional file name, e.g. `0001_initial.sql`."""
        return f"{self.version:04d}_{self.name}.sql"


def shipped_migrations_dir() -> Traversable:
    """The migrations shipped inside the package (bot/storage/migrations/)."""
    return resources.files("bot.storage.migrations")


def load_migrations(directory: Path | Traversable | None = None) -> list[Migration]:
    """Read and validate the migrations in `directory` (the shipped ones when None).

    Raises MigrationError for a missing/empty directory, a badly named .sql file, a
    duplicate number or a gap in the numbering.
    """
    source: Traversable = shipped_migrations_dir() if directory is None else directory
    if not source.is_dir():
        raise MigrationError(f"migrations directory {source} does not exist")

    by_version: dict[int, list[str]] = {}
    found: list[Migration] = []
    for entry in source.iterdir():
        if not entry.is_file() or not entry.name.endswith(".sql"):
            continue  # __init__.py, README and the like
        match = _FILE_NAME.match(entry.name)
        if match is None:
            raise MigrationError(
                f"migration file {entry.name!r} in {source} is badly named; expected "
                "NNNN_description.sql, e.g. 0002_memories.sql"
            )
        version = int(match["version"])
        by_version.setdefault(version, []).append(entry.name)
        try:
            statements = split_statements(entry.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            raise MigrationError(f"migration file {entry.name} in {source}: {error}") from error
        for statement in statements:
            if _first_keyword(statement) in _TRANSACTION_CONTROL:
                raise MigrationError(
                    f"migration file {entry.name} in {source} contains "
                    f"{_first_keyword(statement)}; migration files must not contain BEGIN, "
                    "COMMIT or ROLLBACK (each file already runs in its own transaction)"
                )
        found.append(Migration(version, match["name"], tuple(statements)))

    if not found:
        raise MigrationError(f"no migration files (NNNN_description.sql) found in {source}")
    duplicates = {v: sorted(names) for v, names in by_version.items() if len(names) > 1}
    if duplicates:
        detail = "; ".join(f"{v} is used by {', '.join(n)}" for v, n in sorted(duplicates.items()))
        raise MigrationError(f"duplicate migration numbers in {source}: {detail}")
    versions = sorted(by_version)
    expected = list(range(1, len(versions) + 1))
    if versions != expected:
        missing = sorted(set(range(1, versions[-1] + 1)) - set(versions))
        if 0 in by_version:
            problem = f"{by_version[0][0]} uses 0; numbering starts at 1"
        else:
            problem = "missing " + ", ".join(f"{v:04d}" for v in missing)
        raise MigrationError(f"migration numbers in {source} must run 1, 2, 3, ...: {problem}")
    return sorted(found, key=lambda m: m.version)


async def ensure_bookkeeping(conn: aiosqlite.Connection) -> None:
    """Create `schema_migrations` if this is a fresh database."""
    await conn.execute(_CREATE_BOOKKEEPING)


async def applied_versions(conn: aiosqlite.Connection) -> set[int]:
    """The versions recorded in `schema_migrations` (empty before the first migration)."""
    rows = await conn.execute_fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    )
    if not rows:
        return set()
    return {row[0] for row in await conn.execute_fetchall("SELECT version FROM schema_migrations")}


def check_not_newer(applied: set[int], migrations: list[Migration]) -> None:
    """Refuse a database written by a newer Hearth (its schema could be misread or damaged)."""
    highest_known = migrations[-1].version if migrations else 0
    if applied and max(applied) > highest_known:
        raise MigrationError(
            f"database schema version {max(applied)} is newer than this Hearth understands "
            f"(up to {highest_known}); upgrade Hearth or use another HEARTH_DATABASE_PATH"
        )


def pending(applied: set[int], migrations: list[Migration]) -> list[Migration]:
    """The migrations not yet recorded, in order."""
    return [m for m in migrations if m.version not in applied]


async def apply_pending(conn: aiosqlite.Connection, migrations: list[Migration]) -> list[Migration]:
    """Apply every pending migration, each in its own transaction; return those applied.

    Safe when two processes start at once: each migration re-checks, under the write lock
    taken by BEGIN IMMEDIATE, whether the other one already applied it.
    """
    await ensure_bookkeeping(conn)
    check_not_newer(await applied_versions(conn), migrations)
    done: list[Migration] = []
    for migration in pending(await applied_versions(conn), migrations):
        if await _apply_one(conn, migration):
            done.append(migration)
    return done


async def _apply_one(conn: aiosqlite.Connection, migration: Migration) -> bool:
    # Foreign keys are switched off while the schema changes (SQLite's documented procedure
    # for rebuilding tables) and verified with foreign_key_check before committing.
    # The PRAGMA is a no-op inside a transaction, so it is set before BEGIN.
    await conn.execute("PRAGMA foreign_keys = OFF")
    try:
        await conn.execute("BEGIN IMMEDIATE")
        try:
            already = await conn.execute_fetchall(
                "SELECT 1 FROM schema_migrations WHERE version = ?", (migration.version,)
            )
            if already:
                await conn.execute("ROLLBACK")
                return False
            # Statement by statement rather than executescript(), which would COMMIT the
            # open transaction before running and so break "one migration, one transaction".
            for statement in migration.statements:
                try:
                    await conn.execute(statement)
                except sqlite3.Error as error:
                    if _is_environment_error(error):
                        raise
                    raise MigrationError(
                        f"migration {migration.file_name} failed: {error}; nothing from it "
                        "was applied"
                    ) from error
                if not conn.in_transaction:
                    raise MigrationError(
                        f"migration {migration.file_name} ended the transaction itself; "
                        "migration files must not contain BEGIN, COMMIT or ROLLBACK"
                    )
            violations = await conn.execute_fetchall("PRAGMA foreign_key_check")
            if violations:
                raise MigrationError(
                    f"migration {migration.file_name} left {len(violations)} row(s) that break "
                    f"a foreign key (first: table {violations[0][0]}, rowid {violations[0][1]})"
                )
            await conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, time.time()),
            )
            await conn.execute("COMMIT")
            return True
        except BaseException:
            try:
                await conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # already rolled back by SQLite; the original error is what matters
            raise
    finally:
        await conn.execute("PRAGMA foreign_keys = ON")


def split_statements(sql: str) -> list[str]:
    """Split an SQL script into complete statements (trigger bodies and strings kept whole).

    Raises ValueError when text other than comments follows the last semicolon.
    """
    statements: list[str] = []
    start = 0
    for index, char in enumerate(sql):
        if char == ";" and sqlite3.complete_statement(sql[start : index + 1]):
            statements.append(sql[start : index + 1].strip())
            start = index + 1
    rest = sql[start:].strip()
    # Only comments may follow the last semicolon; anything else is a truncated statement.
    if rest and not _only_comments(rest):
        raise ValueError(f"SQL statement without a closing semicolon: {rest[:60]!r}")
    return statements


def _without_comments(text: str) -> str:
    # Only used on text split by sqlite3.complete_statement, and only to look at keywords;
    # a "--" inside a string literal could confuse it, which merely hides a keyword.
    without_block = re.sub(r"/\*.*?\*/", " ", text, flags=re.DOTALL)
    return re.sub(r"--[^\n]*", " ", without_block)


def _only_comments(text: str) -> bool:
    return not _without_comments(text).strip()


def _first_keyword(statement: str) -> str:
    words = _without_comments(statement).split(maxsplit=1)
    return words[0].rstrip(";").upper() if words else ""


def _is_environment_error(error: sqlite3.Error) -> bool:
    # Locked / full / corrupt / read-only are problems of the database file, not of the
    # migration's SQL; they are translated by the caller into the usual StorageError.
    code = getattr(error, "sqlite_errorcode", None)
    if not isinstance(code, int):
        return False
    return code & 0xFF in (
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
        sqlite3.SQLITE_FULL,
        sqlite3.SQLITE_CORRUPT,
        sqlite3.SQLITE_NOTADB,
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_CANTOPEN,
    )
