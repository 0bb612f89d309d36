"""SQLite implementation of StoryRepository (saved stories and story circles)."""

from __future__ import annotations

import sqlite3
import time

import aiosqlite

from bot.storage import validation
from bot.storage.entertainment_repo import (
    MAX_CIRCLE_LINE_LENGTH,
    MAX_NAME_LENGTH,
    MAX_STORY_BODY_LENGTH,
    MAX_STORY_PROMPT_LENGTH,
    MAX_STORY_TITLE_LENGTH,
    STORY_KINDS,
    CircleLine,
    NewStory,
    StoredStory,
    StoryCircle,
)
from bot.storage.errors import ConstraintError
from bot.storage.sqlite.base import Clock, SqliteAccess

_COLUMNS = (
    "id, guild_id, channel_id, author_id, author_name, kind, genre, story_length, title, "
    "prompt, body, credits, created_at"
)
_INSERT = """
INSERT INTO stories (guild_id, channel_id, author_id, author_name, kind, genre, story_length,
                     title, prompt, body, credits, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
_GET = "SELECT " + _COLUMNS + " FROM stories WHERE guild_id = ? AND id = ?"
_LIST = "SELECT " + _COLUMNS + " FROM stories WHERE guild_id = ? ORDER BY id DESC LIMIT ? OFFSET ?"
_LIST_BY = (
    "SELECT " + _COLUMNS + " FROM stories WHERE guild_id = ? AND author_id = ? "
    "ORDER BY id DESC LIMIT ? OFFSET ?"
)
_COUNT = "SELECT COUNT(*) FROM stories WHERE guild_id = ?"
_COUNT_BY = "SELECT COUNT(*) FROM stories WHERE guild_id = ? AND author_id = ?"
_DELETE = "DELETE FROM stories WHERE guild_id = ? AND id = ?"

_START_CIRCLE = """
INSERT INTO story_circles (channel_id, guild_id, starter_id, starter_name, genre, title,
                           started_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (channel_id) DO NOTHING
"""
_CIRCLE = (
    "SELECT channel_id, guild_id, starter_id, starter_name, genre, title, started_at "
    "FROM story_circles WHERE channel_id = ?"
)
_CIRCLE_LINES = (
    "SELECT seq, author_id, author_name, text, is_twist, created_at FROM circle_lines "
    "WHERE channel_id = ? ORDER BY seq"
)
_NEXT_SEQ = "SELECT COALESCE(MAX(seq), 0) + 1 FROM circle_lines WHERE channel_id = ?"
_ADD_LINE = """
INSERT INTO circle_lines (channel_id, seq, author_id, author_name, text, is_twist,
                                created_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
"""
_END_CIRCLE = "DELETE FROM story_circles WHERE channel_id = ?"


def _check_new(story: NewStory) -> None:
    validation.discord_id("guild_id", story.guild_id)
    validation.discord_id("channel_id", story.channel_id)
    validation.discord_id("author_id", story.author_id)
    validation.text("author_name", story.author_name, max_length=MAX_NAME_LENGTH)
    validation.choice("story kind", story.kind, STORY_KINDS)
    validation.identifier("genre", story.genre, max_length=40)
    validation.text("title", story.title, max_length=MAX_STORY_TITLE_LENGTH, allow_empty=False)
    validation.text("body", story.body, max_length=MAX_STORY_BODY_LENGTH, allow_empty=False)
    validation.text("prompt", story.prompt, max_length=MAX_STORY_PROMPT_LENGTH)
    validation.text("credits", story.credits, max_length=MAX_STORY_PROMPT_LENGTH)
    validation.timestamp("created_at", story.created_at)
    if story.length is not None:
        validation.choice("story length", story.length, ("short", "medium", "long"))


class SqliteStoryRepository:
    """Stories in `stories`; circles in `story_circles` and `circle_lines`."""

    def __init__(self, db: SqliteAccess, clock: Clock = time.time) -> None:
        self._db = db
        self._clock = clock

    # --- saved stories ------------------------------------------------------------------

    async def add(self, story: NewStory) -> int:
        """Save a story; returns its id."""
        _check_new(story)
        async with self._db.connection() as conn:
            return await _insert(conn, story)

    async def get(self, guild_id: int, story_id: int) -> StoredStory | None:
        """The guild's story with this id, or None (also for another guild's story)."""
        validation.discord_id("guild_id", guild_id)
        validation.discord_id("story_id", story_id)
        async with self._db.connection() as conn:
            rows = await conn.execute_fetchall(_GET, (guild_id, story_id))
        return _to_story(rows[0]) if rows else None

    async def list(
        self, guild_id: int, *, author_id: int | None = None, limit: int = 10, offset: int = 0
    ) -> list[StoredStory]:
        """The guild's stories (optionally one author's), newest first."""
        validation.discord_id("guild_id", guild_id)
        validation.limit("limit", limit)
        validation.limit("offset", offset)
        async with self._db.connection() as conn:
            if author_id is None:
                rows = await conn.execute_fetchall(_LIST, (guild_id, limit, offset))
            else:
                validation.discord_id("author_id", author_id)
                rows = await conn.execute_fetchall(_LIST_BY, (guild_id, author_id, limit, offset))
        return [_to_story(row) for row in rows]

    async def count(self, guild_id: int, *, author_id: int | None = None) -> int:
        """How many stories the guild (or one author in it) has."""
        validation.discord_id("guild_id", guild_id)
        async with self._db.connection() as conn:
            if author_id is None:
                rows = await conn.execute_fetchall(_COUNT, (guild_id,))
            else:
                validation.discord_id("author_id", author_id)
                rows = await conn.execute_fetchall(_COUNT_BY, (guild_id, author_id))
        return int(rows[0][0])

    async def delete(self, guild_id: int, story_id: int) -> bool:
        """Delete the story; False when the guild has no such story."""
        validation.discord_id("guild_id", guild_id)
        validation.discord_id("story_id", story_id)
        async with self._db.connection() as conn:
            cursor = await conn.execute(_DELETE, (guild_id, story_id))
            deleted = cursor.rowcount
            await cursor.close()
        return deleted > 0

    # --- circles ------------------------------------------------------------------------

    async def start_circle(self, circle: StoryCircle) -> bool:
        """Open a circle in its channel; False when one is already open there."""
        validation.discord_id("channel_id", circle.channel_id)
        validation.discord_id("guild_id", circle.guild_id)
        validation.discord_id("starter_id", circle.starter_id)
        validation.text("starter_name", circle.starter_name, max_length=MAX_NAME_LENGTH)
        validation.identifier("genre", circle.genre, max_length=40)
        validation.text("title", circle.title, max_length=MAX_STORY_TITLE_LENGTH, allow_empty=False)
        async with self._db.connection() as conn:
            cursor = await conn.execute(
                _START_CIRCLE,
                (
                    circle.channel_id,
                    circle.guild_id,
                    circle.starter_id,
                    circle.starter_name,
                    circle.genre,
                    circle.title,
                    circle.started_at,
                ),
            )
            inserted = cursor.rowcount
            await cursor.close()
        return inserted > 0

    async def circle(self, channel_id: int) -> StoryCircle | None:
        """The channel's open circle with its lines, or None."""
        validation.discord_id("channel_id", channel_id)
        async with self._db.connection() as conn:
            return await _circle(conn, channel_id)

    async def add_circle_line(
        self, channel_id: int, author_id: int, author_name: str, text: str, *, is_twist: bool
    ) -> CircleLine:
        """Append a line to the channel's circle (ValueError when none is open)."""
        validation.discord_id("channel_id", channel_id)
        validation.discord_id("author_id", author_id)
        validation.text("author_name", author_name, max_length=MAX_NAME_LENGTH)
        validation.text("text", text, max_length=MAX_CIRCLE_LINE_LENGTH, allow_empty=False)
        validation.flag("is_twist", is_twist)
        now = self._clock()
        async with self._db.transaction() as conn:
            exists = await conn.execute_fetchall(_CIRCLE, (channel_id,))
            if not exists:
                raise ConstraintError(f"no story circle is open in channel {channel_id}")
            rows = await conn.execute_fetchall(_NEXT_SEQ, (channel_id,))
            seq = int(rows[0][0])
            await conn.execute(
                _ADD_LINE, (channel_id, seq, author_id, author_name, text, int(is_twist), now)
            )
        return CircleLine(seq, author_id, author_name, text, is_twist, now)

    async def finish_circle(self, channel_id: int, story: NewStory | None) -> int | None:
        """Close the channel's circle, saving ``story`` in the same transaction."""
        validation.discord_id("channel_id", channel_id)
        if story is not None:
            _check_new(story)
        async with self._db.transaction() as conn:
            story_id = await _insert(conn, story) if story is not None else None
            await conn.execute(_END_CIRCLE, (channel_id,))
        return story_id


async def _insert(conn: aiosqlite.Connection, story: NewStory) -> int:
    cursor = await conn.execute(
        _INSERT,
        (
            story.guild_id,
            story.channel_id,
            story.author_id,
            story.author_name,
            story.kind,
            story.genre,
            story.length,
            story.title,
            story.prompt,
            story.body,
            story.credits,
            story.created_at,
        ),
    )
    row_id = cursor.lastrowid
    await cursor.close()
    assert row_id is not None  # an INSERT always sets it
    return row_id


async def _circle(conn: aiosqlite.Connection, channel_id: int) -> StoryCircle | None:
    rows = await conn.execute_fetchall(_CIRCLE, (channel_id,))
    if not rows:
        return None
    row = rows[0]
    lines = await conn.execute_fetchall(_CIRCLE_LINES, (channel_id,))
    return StoryCircle(
        channel_id=row["channel_id"],
        guild_id=row["guild_id"],
        starter_id=row["starter_id"],
        starter_name=row["starter_name"],
        genre=row["genre"],
        title=row["title"],
        started_at=row["started_at"],
        lines=tuple(
            CircleLine(
                line["seq"],
                line["author_id"],
                line["author_name"],
                line["text"],
                bool(line["is_twist"]),
                line["created_at"],
            )
            for line in lines
        ),
    )


def _to_story(row: sqlite3.Row) -> StoredStory:
    return StoredStory(
        id=row["id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        author_id=row["author_id"],
        author_name=row["author_name"],
        kind=row["kind"],
        genre=row["genre"],
        title=row["title"],
        body=row["body"],
        created_at=row["created_at"],
        length=row["story_length"],
        prompt=row["prompt"],
        credits=row["credits"],
    )
