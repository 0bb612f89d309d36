"""SQLite implementation of UserRepository."""

from __future__ import annotations

import sqlite3
import time

import aiosqlite

from bot.storage import validation
from bot.storage.repositories import MEMORY_SCOPES, MemoryScope, UserRecord
from bot.storage.sqlite.base import Clock, SqliteAccess

MAX_DISPLAY_NAME_LENGTH = 256

_SELECT = (
    "SELECT user_id, display_name, memory_enabled, memory_scope, first_seen_at, last_seen_at "
    "FROM users WHERE user_id = ?"
)
_TOUCH = """
INSERT INTO users (user_id, display_name, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?)
ON CONFLICT (user_id) DO UPDATE SET
    display_name = excluded.display_name,
    last_seen_at = excluded.last_seen_at
"""
# Preferences can be set before the user ever chatted (e.g. /memory off as a first command):
# the row is then created with an empty name and the other defaults.
_SET_MEMORY_ENABLED = """
INSERT INTO users (user_id, memory_enabled, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?)
ON CONFLICT (user_id) DO UPDATE SET memory_enabled = excluded.memory_enabled
"""
_SET_MEMORY_SCOPE = """
INSERT INTO users (user_id, memory_scope, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?)
ON CONFLICT (user_id) DO UPDATE SET memory_scope = excluded.memory_scope
"""


class SqliteUserRepository:
    """Users and their memory preferences in `users`."""

    def __init__(self, db: SqliteAccess, clock: Clock = time.time) -> None:
        self._db = db
        self._clock = clock

    async def touch(self, user_id: int, display_name: str) -> None:
        """Record that the user was seen now, under this display name."""
        validation.discord_id("user_id", user_id)
        validation.text("display_name", display_name, max_length=MAX_DISPLAY_NAME_LENGTH)
        now = self._clock()
        async with self._db.connection() as conn:
            await conn.execute(_TOUCH, (user_id, display_name, now, now))

    async def get(self, user_id: int) -> UserRecord | None:
        """The user, or None when never seen."""
        validation.discord_id("user_id", user_id)
        async with self._db.connection() as conn:
            return await _select(conn, user_id)

    async def set_memory_enabled(self, user_id: int, enabled: bool) -> UserRecord:
        """Let Hearth remember things about the user, or stop it."""
        validation.flag("enabled", enabled)
        return await self._upsert(_SET_MEMORY_ENABLED, user_id, int(enabled))

    async def set_memory_scope(self, user_id: int, scope: MemoryScope) -> UserRecord:
        """Keep memories per guild ("local") or share them across guilds ("global")."""
        validation.choice("memory scope", scope, MEMORY_SCOPES)
        return await self._upsert(_SET_MEMORY_SCOPE, user_id, scope)

    async def _upsert(self, statement: str, user_id: int, value: int | str) -> UserRecord:
        validation.discord_id("user_id", user_id)
        now = self._clock()
        async with self._db.transaction() as conn:
            await conn.execute(statement, (user_id, value, now, now))
            record = await _select(conn, user_id)
        assert record is not None  # just written in the same transaction
        return record


async def _select(conn: aiosqlite.Connection, user_id: int) -> UserRecord | None:
    rows = await conn.execute_fetchall(_SELECT, (user_id,))
    return _to_record(rows[0]) if rows else None


def _to_record(row: sqlite3.Row) -> UserRecord:
    return UserRecord(
        user_id=row["user_id"],
        display_name=row["display_name"],
        memory_enabled=bool(row["memory_enabled"]),
        memory_scope=row["memory_scope"],
        first_seen_at=row["first_seen_at"],
        last_seen_at=row["last_seen_at"],
    )
