"""SQLite implementation of GuildSettingsRepository."""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from bot.storage import validation
from bot.storage.repositories import (
    GUILD_SETTING_FIELDS,
    MAX_PERSONA_ID_LENGTH,
    STRICTNESS_LEVELS,
    GuildSettings,
)
from bot.storage.sqlite.base import Clock, SqliteAccess

_SELECT = (
    "SELECT guild_id, persona_id, strictness, log_channel_id, mod_role_id "
    "FROM guild_settings WHERE guild_id = ?"
)
# Always writes every column: update() merges the changed fields into the current row in
# Python, so one fixed statement serves every combination of fields.
_UPSERT = """
INSERT INTO guild_settings
    (guild_id, persona_id, strictness, log_channel_id, mod_role_id, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (guild_id) DO UPDATE SET
    persona_id = excluded.persona_id,
    strictness = excluded.strictness,
    log_channel_id = excluded.log_channel_id,
    mod_role_id = excluded.mod_role_id,
    updated_at = excluded.updated_at
"""


class SqliteGuildSettingsRepository:
    """Per-guild settings in `guild_settings`; a missing row means the defaults."""

    def __init__(self, db: SqliteAccess, clock: Clock = time.time) -> None:
        self._db = db
        self._clock = clock

    async def get(self, guild_id: int) -> GuildSettings:
        """The guild's settings, or the defaults when none were ever saved."""
        validation.discord_id("guild_id", guild_id)
        async with self._db.connection() as conn:
            rows = await conn.execute_fetchall(_SELECT, (guild_id,))
        return _to_settings(rows[0]) if rows else GuildSettings(guild_id)

    async def update(self, guild_id: int, **fields: Any) -> GuildSettings:
        """Change the named settings and return the result.

        Known fields: persona_id (str or None), strictness ("relaxed", "standard",
        "strict"), log_channel_id and mod_role_id (Discord ids or None).
        """
        validation.discord_id("guild_id", guild_id)
        unknown = sorted(set(fields) - set(GUILD_SETTING_FIELDS))
        if unknown:
            raise ValueError(
                f"unknown guild setting(s): {', '.join(unknown)}; "
                f"known settings: {', '.join(GUILD_SETTING_FIELDS)}"
            )
        checked = {name: _check_field(name, value) for name, value in fields.items()}
        async with self._db.transaction() as conn:
            rows = await conn.execute_fetchall(_SELECT, (guild_id,))
            current = _to_settings(rows[0]) if rows else GuildSettings(guild_id)
            if not checked:
                return current
            merged = {name: getattr(current, name) for name in GUILD_SETTING_FIELDS} | checked
            now = self._clock()
            await conn.execute(
                _UPSERT,
                (
                    guild_id,
                    merged["persona_id"],
                    merged["strictness"],
                    merged["log_channel_id"],
                    merged["mod_role_id"],
                    now,
                    now,
                ),
            )
        return GuildSettings(guild_id, **merged)


def _check_field(name: str, value: Any) -> Any:
    if name == "strictness":
        return validation.choice("strictness", value, STRICTNESS_LEVELS)
    if name == "persona_id":
        return (
            None
            if value is None
            else validation.identifier("persona_id", value, max_length=MAX_PERSONA_ID_LENGTH)
        )
    return validation.optional_discord_id(name, value)


def _to_settings(row: sqlite3.Row) -> GuildSettings:
    return GuildSettings(
        guild_id=row["guild_id"],
        persona_id=row["persona_id"],
        strictness=row["strictness"],
        log_channel_id=row["log_channel_id"],
        mod_role_id=row["mod_role_id"],
    )
