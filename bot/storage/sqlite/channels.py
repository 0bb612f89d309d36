"""SQLite implementation of ChannelSettingsRepository."""

from __future__ import annotations

import sqlite3
import time

import aiosqlite

from bot.storage import validation
from bot.storage.errors import ConstraintError
from bot.storage.repositories import (
    CHAT_MODES,
    MAX_PERSONA_ID_LENGTH,
    ChannelSettings,
    ChatMode,
)
from bot.storage.sqlite.base import Clock, SqliteAccess, ensure_guild

_SELECT = (
    "SELECT channel_id, guild_id, chat_mode, persona_id, chat_cooldown FROM channel_settings "
    "WHERE channel_id = ?"
)
_SET_CHAT_MODE = """
INSERT INTO channel_settings (channel_id, guild_id, chat_mode, updated_at) VALUES (?, ?, ?, ?)
ON CONFLICT (channel_id) DO UPDATE SET
    guild_id = excluded.guild_id,
    chat_mode = excluded.chat_mode,
    updated_at = excluded.updated_at
"""
_SET_PERSONA = """
INSERT INTO channel_settings (channel_id, guild_id, persona_id, updated_at) VALUES (?, ?, ?, ?)
ON CONFLICT (channel_id) DO UPDATE SET
    guild_id = excluded.guild_id,
    persona_id = excluded.persona_id,
    updated_at = excluded.updated_at
"""
_SET_COOLDOWN = """
INSERT INTO channel_settings (channel_id, guild_id, chat_cooldown, updated_at) VALUES (?, ?, ?, ?)
ON CONFLICT (channel_id) DO UPDATE SET
    guild_id = excluded.guild_id,
    chat_cooldown = excluded.chat_cooldown,
    updated_at = excluded.updated_at
"""
MAX_COOLDOWN = 3600.0


class SqliteChannelSettingsRepository:
    """Per-channel overrides in `channel_settings`."""

    def __init__(self, db: SqliteAccess, clock: Clock = time.time) -> None:
        self._db = db
        self._clock = clock

    async def get(self, channel_id: int) -> ChannelSettings | None:
        """The channel's overrides, or None when it has none."""
        validation.discord_id("channel_id", channel_id)
        async with self._db.connection() as conn:
            return await _select(conn, channel_id)

    async def set_chat_mode(
        self, guild_id: int, channel_id: int, mode: ChatMode | None
    ) -> ChannelSettings:
        """Set when Hearth chats in the channel ("off", "mention", "always"; None clears)."""
        if mode is not None:
            validation.choice("chat mode", mode, CHAT_MODES)
        return await self._upsert(_SET_CHAT_MODE, guild_id, channel_id, mode)

    async def set_persona(
        self, guild_id: int, channel_id: int, persona_id: str | None
    ) -> ChannelSettings:
        """Set the channel's persona override (None: use the guild's persona)."""
        if persona_id is not None:
            validation.identifier("persona_id", persona_id, max_length=MAX_PERSONA_ID_LENGTH)
        return await self._upsert(_SET_PERSONA, guild_id, channel_id, persona_id)

    async def set_chat_cooldown(
        self, guild_id: int, channel_id: int, seconds: float | None
    ) -> ChannelSettings:
        """Set the pause between unprompted replies in "always" mode (None: the default)."""
        if seconds is not None and not (
            isinstance(seconds, int | float) and 0 <= seconds <= MAX_COOLDOWN
        ):
            raise ConstraintError(
                f"chat cooldown must be 0 to {MAX_COOLDOWN:.0f} seconds, got {seconds!r}"
            )
        return await self._upsert(_SET_COOLDOWN, guild_id, channel_id, seconds)

    async def _upsert(
        self, statement: str, guild_id: int, channel_id: int, value: str | float | None
    ) -> ChannelSettings:
        validation.discord_id("guild_id", guild_id)
        validation.discord_id("channel_id", channel_id)
        now = self._clock()
        async with self._db.transaction() as conn:
            await ensure_guild(conn, guild_id, now)
            await conn.execute(statement, (channel_id, guild_id, value, now))
            settings = await _select(conn, channel_id)
        assert settings is not None  # just written in the same transaction
        return settings


async def _select(conn: aiosqlite.Connection, channel_id: int) -> ChannelSettings | None:
    rows = await conn.execute_fetchall(_SELECT, (channel_id,))
    return _to_settings(rows[0]) if rows else None


def _to_settings(row: sqlite3.Row) -> ChannelSettings:
    return ChannelSettings(
        channel_id=row["channel_id"],
        guild_id=row["guild_id"],
        chat_mode=row["chat_mode"],
        persona_id=row["persona_id"],
        chat_cooldown=row["chat_cooldown"],
    )
