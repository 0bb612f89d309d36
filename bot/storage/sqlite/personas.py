"""SQLite implementation of CustomPersonaRepository."""

from __future__ import annotations

import time

from bot.storage import validation
from bot.storage.repositories import MAX_PERSONA_ID_LENGTH, MAX_PERSONA_TOML_LENGTH
from bot.storage.sqlite.base import Clock, SqliteAccess, ensure_guild

_SAVE = """
INSERT INTO custom_personas (guild_id, persona_id, toml_text, author_id, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (guild_id, persona_id) DO UPDATE SET
    toml_text = excluded.toml_text,
    author_id = excluded.author_id,
    updated_at = excluded.updated_at
"""
_GET = "SELECT toml_text FROM custom_personas WHERE guild_id = ? AND persona_id = ?"
_LIST = "SELECT persona_id FROM custom_personas WHERE guild_id = ? ORDER BY persona_id"
_DELETE = "DELETE FROM custom_personas WHERE guild_id = ? AND persona_id = ?"


class SqliteCustomPersonaRepository:
    """Per-guild persona TOML in `custom_personas` (parsing is the persona loader's job)."""

    def __init__(self, db: SqliteAccess, clock: Clock = time.time) -> None:
        self._db = db
        self._clock = clock

    async def save(self, guild_id: int, persona_id: str, toml_text: str, author_id: int) -> None:
        """Create or replace the guild's persona."""
        validation.discord_id("guild_id", guild_id)
        validation.identifier("persona_id", persona_id, max_length=MAX_PERSONA_ID_LENGTH)
        validation.text(
            "persona TOML", toml_text, max_length=MAX_PERSONA_TOML_LENGTH, allow_empty=False
        )
        validation.discord_id("author_id", author_id)
        now = self._clock()
        async with self._db.transaction() as conn:
            await ensure_guild(conn, guild_id, now)
            await conn.execute(_SAVE, (guild_id, persona_id, toml_text, author_id, now, now))

    async def get(self, guild_id: int, persona_id: str) -> str | None:
        """The persona's TOML text, or None."""
        validation.discord_id("guild_id", guild_id)
        validation.text("persona_id", persona_id)
        async with self._db.connection() as conn:
            rows = await conn.execute_fetchall(_GET, (guild_id, persona_id))
        return rows[0][0] if rows else None

    async def list(self, guild_id: int) -> list[str]:
        """The guild's persona ids, sorted."""
        validation.discord_id("guild_id", guild_id)
        async with self._db.connection() as conn:
            rows = await conn.execute_fetchall(_LIST, (guild_id,))
        return [row[0] for row in rows]

    async def delete(self, guild_id: int, persona_id: str) -> bool:
        """Remove the persona; False when it did not exist."""
        validation.discord_id("guild_id", guild_id)
        validation.text("persona_id", persona_id)
        async with self._db.connection() as conn:
            cursor = await conn.execute(_DELETE, (guild_id, persona_id))
            deleted = cursor.rowcount
            await cursor.close()
        return deleted > 0
