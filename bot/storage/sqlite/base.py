"""What the SQLite repositories need from the database: serialised access to its connection."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Protocol

import aiosqlite

Clock = Callable[[], float]


class SqliteAccess(Protocol):
    """Implemented by `bot.storage.database.Database`.

    `connection()` serialises one or more statements that need no atomicity between them
    (a single statement is atomic on its own); `transaction()` wraps several statements in
    BEGIN IMMEDIATE ... COMMIT (a SAVEPOINT when nested). Both translate sqlite3 errors
    into StorageError/ConstraintError.
    """

    def connection(self) -> AbstractAsyncContextManager[aiosqlite.Connection]:
        """Exclusive use of the connection, without a transaction."""
        ...

    def transaction(self) -> AbstractAsyncContextManager[aiosqlite.Connection]:
        """Exclusive use of the connection inside one atomic transaction."""
        ...


async def ensure_guild(conn: aiosqlite.Connection, guild_id: int, now: float) -> None:
    """Create the guild's settings row with defaults if it does not exist (for foreign keys)."""
    await conn.execute(
        "INSERT INTO guild_settings (guild_id, created_at, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (guild_id) DO NOTHING",
        (guild_id, now, now),
    )
