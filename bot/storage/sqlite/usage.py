"""SQLite implementation of UsageRepository (daily token use per guild)."""

from __future__ import annotations

import re

from bot.storage import validation
from bot.storage.errors import ConstraintError
from bot.storage.sqlite.base import SqliteAccess

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ADD = """
INSERT INTO token_usage (guild_id, day, tokens) VALUES (?, ?, ?)
ON CONFLICT (guild_id, day) DO UPDATE SET tokens = tokens + excluded.tokens
RETURNING tokens
"""
_GET = "SELECT tokens FROM token_usage WHERE guild_id = ? AND day = ?"


def _check(guild_id: int, day: str) -> None:
    validation.discord_id("guild_id", guild_id)
    if not isinstance(day, str) or not _DAY.fullmatch(day):
        raise ConstraintError(f"day must be YYYY-MM-DD, got {day!r}")


class SqliteUsageRepository:
    """Token counts in `token_usage`, one row per guild and UTC day."""

    def __init__(self, db: SqliteAccess) -> None:
        self._db = db

    async def add_tokens(self, guild_id: int, day: str, tokens: int) -> int:
        """Add to the day's count; returns the new total."""
        _check(guild_id, day)
        if not isinstance(tokens, int) or isinstance(tokens, bool) or tokens < 0:
            raise ConstraintError(f"tokens must be a whole number >= 0, got {tokens!r}")
        async with self._db.transaction() as conn:
            rows = await conn.execute_fetchall(_ADD, (guild_id, day, tokens))
        return int(next(iter(rows))[0])

    async def tokens_on(self, guild_id: int, day: str) -> int:
        """Tokens spent by the guild on that day (0 when none)."""
        _check(guild_id, day)
        async with self._db.connection() as conn:
            rows = list(await conn.execute_fetchall(_GET, (guild_id, day)))
        return int(rows[0][0]) if rows else 0
