"""SQLite implementation of JokeRepository (history, votes, the per-guild teen setting)."""

from __future__ import annotations

import time

from bot.storage import validation
from bot.storage.entertainment_repo import MAX_JOKE_ID_LENGTH, JokeTally
from bot.storage.errors import ConstraintError
from bot.storage.sqlite.base import Clock, SqliteAccess

_SEEN_ALL = "SELECT joke_id FROM joke_history WHERE user_id = ?"
_SEEN_IN = "SELECT joke_id FROM joke_history WHERE user_id = ? AND category = ?"
_FORGET_ALL = "DELETE FROM joke_history WHERE user_id = ?"
_FORGET_IN = "DELETE FROM joke_history WHERE user_id = ? AND category = ?"
_RECORD = """
INSERT INTO joke_history (user_id, joke_id, category, seen_at) VALUES (?, ?, ?, ?)
ON CONFLICT (user_id, joke_id) DO UPDATE SET
    category = excluded.category, seen_at = excluded.seen_at
"""
_VOTE = """
INSERT INTO joke_votes (guild_id, joke_id, user_id, vote, voted_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (guild_id, joke_id, user_id) DO UPDATE SET
    vote = excluded.vote, voted_at = excluded.voted_at
"""
_TALLY = """
SELECT COALESCE(SUM(vote = 1), 0) AS up, COALESCE(SUM(vote = -1), 0) AS down
FROM joke_votes WHERE guild_id = ? AND joke_id = ?
"""
_USER_VOTE = "SELECT vote FROM joke_votes WHERE guild_id = ? AND joke_id = ? AND user_id = ?"
_TOP = """
SELECT joke_id, SUM(vote = 1) AS up, SUM(vote = -1) AS down
FROM joke_votes WHERE guild_id = ?
GROUP BY joke_id
ORDER BY SUM(vote) DESC, up DESC, joke_id
LIMIT ?
"""
_ALLOWS_TEEN = "SELECT allow_teen FROM joke_settings WHERE guild_id = ?"
_SET_TEEN = """
INSERT INTO joke_settings (guild_id, allow_teen, updated_at) VALUES (?, ?, ?)
ON CONFLICT (guild_id) DO UPDATE SET
    allow_teen = excluded.allow_teen, updated_at = excluded.updated_at
"""


def _joke_id(value: object) -> str:
    return validation.identifier("joke_id", value, max_length=MAX_JOKE_ID_LENGTH)


def _category(value: object) -> str:
    return validation.identifier("category", value, max_length=MAX_JOKE_ID_LENGTH)


class SqliteJokeRepository:
    """Joke history in `joke_history`, votes in `joke_votes`, settings in
    `joke_settings`."""

    def __init__(self, db: SqliteAccess, clock: Clock = time.time) -> None:
        self._db = db
        self._clock = clock

    async def seen(self, user_id: int, category: str | None = None) -> set[str]:
        """Ids of the jokes the user heard in the current cycle (of one category, or all)."""
        validation.discord_id("user_id", user_id)
        async with self._db.connection() as conn:
            if category is None:
                rows = await conn.execute_fetchall(_SEEN_ALL, (user_id,))
            else:
                rows = await conn.execute_fetchall(_SEEN_IN, (user_id, _category(category)))
        return {row[0] for row in rows}

    async def record_seen(
        self,
        user_id: int,
        joke_id: str,
        category: str,
        *,
        restart: bool = False,
        scope: str | None = None,
    ) -> None:
        """Remember the joke; with ``restart``, forget ``scope``'s history first."""
        validation.discord_id("user_id", user_id)
        params = (user_id, _joke_id(joke_id), _category(category), self._clock())
        async with self._db.transaction() as conn:
            if restart:
                if scope is None:
                    await conn.execute(_FORGET_ALL, (user_id,))
                else:
                    await conn.execute(_FORGET_IN, (user_id, _category(scope)))
            await conn.execute(_RECORD, params)

    async def vote(self, guild_id: int, joke_id: str, user_id: int, vote: int) -> JokeTally:
        """Record (or change) the user's vote; returns the joke's new tally."""
        validation.discord_id("guild_id", guild_id)
        validation.discord_id("user_id", user_id)
        if isinstance(vote, bool) or vote not in (1, -1):
            raise ConstraintError(f"a joke vote must be 1 (up) or -1 (down), got {vote!r}")
        joke = _joke_id(joke_id)
        async with self._db.transaction() as conn:
            await conn.execute(_VOTE, (guild_id, joke, user_id, vote, self._clock()))
            rows = await conn.execute_fetchall(_TALLY, (guild_id, joke))
        return JokeTally(joke, int(rows[0]["up"]), int(rows[0]["down"]))

    async def tally(self, guild_id: int, joke_id: str) -> JokeTally:
        """The joke's votes in the guild (zeros when it has none)."""
        validation.discord_id("guild_id", guild_id)
        joke = _joke_id(joke_id)
        async with self._db.connection() as conn:
            rows = await conn.execute_fetchall(_TALLY, (guild_id, joke))
        return JokeTally(joke, int(rows[0]["up"]), int(rows[0]["down"]))

    async def user_vote(self, guild_id: int, joke_id: str, user_id: int) -> int | None:
        """The user's vote on the joke (+1 or -1), or None."""
        validation.discord_id("guild_id", guild_id)
        validation.discord_id("user_id", user_id)
        async with self._db.connection() as conn:
            rows = await conn.execute_fetchall(_USER_VOTE, (guild_id, _joke_id(joke_id), user_id))
        return int(rows[0][0]) if rows else None

    async def top(self, guild_id: int, *, limit: int = 10) -> list[JokeTally]:
        """The guild's voted jokes, best first (score, then up-votes, then id)."""
        validation.discord_id("guild_id", guild_id)
        validation.limit("limit", limit)
        async with self._db.connection() as conn:
            rows = await conn.execute_fetchall(_TOP, (guild_id, limit))
        return [JokeTally(row["joke_id"], int(row["up"]), int(row["down"])) for row in rows]

    async def allows_teen(self, guild_id: int) -> bool:
        """Whether teen-rated jokes are allowed in the guild (False by default)."""
        validation.discord_id("guild_id", guild_id)
        async with self._db.connection() as conn:
            rows = await conn.execute_fetchall(_ALLOWS_TEEN, (guild_id,))
        return bool(rows and rows[0][0])

    async def set_allows_teen(self, guild_id: int, allow: bool) -> None:
        """Allow or forbid teen-rated jokes in the guild."""
        validation.discord_id("guild_id", guild_id)
        validation.flag("allow", allow)
        async with self._db.connection() as conn:
            await conn.execute(_SET_TEEN, (guild_id, int(allow), self._clock()))
