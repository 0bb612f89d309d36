"""SQLite implementations of MemoryRepository and UserDataRepository.

The full-text index (`memories_fts`, FTS5, kept in sync by triggers) indexes
`memories.search_terms`: the memory's words, each prefixed with its owner's id
("123q" + "biscuit"). A search asks only for that user's prefixed words, so it reads the
user's own few index entries whatever the number of users, and can never match another
user's rows. The prefix is digits then "q": no Porter suffix contains a digit or a "q", so
stemming only ever touches the word part, the same way for documents and queries.
"""

from __future__ import annotations

import re
import sqlite3
import time
import unicodedata
from collections.abc import Sequence
from functools import cache

import aiosqlite

from bot.storage import validation
from bot.storage.memory_repo import (
    MAX_MEMORY_CONTENT_LENGTH,
    MAX_MEMORY_KEY_LENGTH,
    MEMORY_KINDS,
    MEMORY_SOURCES,
    DeletedCounts,
    Memory,
    MemoryHit,
    MemoryKind,
    NewMemory,
    UserDataExport,
    Visibility,
)
from bot.storage.repositories import StoredMessage, UserRecord
from bot.storage.sqlite.base import Clock, SqliteAccess

MAX_QUERY_TERMS = 16
MAX_INDEXED_TERMS = 48
# Deleting many ids at once: SQLite allows 32,766 bound parameters; stay far below.
_ID_CHUNK = 500

_WORD = re.compile(r"[^\W_]+")

# Words that say nothing about what a memory is about. Kept short on purpose: "like",
# "dog" or "sister" are what memories are made of.
_STOPWORDS = frozenset(
    """
    a an the and or but so if then than of to in on at by for from with about into over
    i me my mine myself you your yours we us our they them their he him his she her it its
    is am are was were be been being do does did doing have has had having will would shall
    should can could may might must not no yes just really very too also quite this that
    these those there here what which who whom whose when where why how all any some
    im ive id ill youre dont doesnt didnt isnt arent wasnt cant couldnt wont wouldnt
    s t m ll re ve d oh ok okay hey hi hello um uh lol please thanks thank
    """.split()
)

_COLUMNS = (
    "id, user_id, kind, key, content, guild_id, is_global, source, source_channel_id, "
    "source_message_id, created_at, updated_at, last_recalled_at, recall_count"
)
_M_COLUMNS = ", ".join("m." + c.strip() for c in _COLUMNS.split(","))
_INSERT = """
INSERT INTO memories (user_id, kind, key, content, guild_id, is_global, source,
                      source_channel_id, source_message_id, search_terms, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
# A memory needs its user's row (foreign key); a bare one is created for a user never seen.
_ENSURE_USER = """
INSERT INTO users (user_id, display_name, first_seen_at, last_seen_at) VALUES (?, '', ?, ?)
ON CONFLICT (user_id) DO NOTHING
"""
_SELECT_ONE = "SELECT " + _COLUMNS + " FROM memories WHERE id = ? AND user_id = ?"
# NULL-safe "shared here": `IS` treats NULL (direct messages) as a value.
_VISIBLE = " AND (? OR guild_id IS ? OR is_global)"
_M_VISIBLE = " AND (? OR m.guild_id IS ? OR m.is_global)"
# CROSS JOIN fixes the join order: the index finds the user's few matching rows, then each
# is looked up by primary key. Left to itself the planner may walk all the user's memories
# and probe the index once per row instead.
_SEARCH = (
    "SELECT " + _M_COLUMNS + ", bm25(memories_fts) AS rank FROM memories_fts "
    "CROSS JOIN memories AS m ON m.id = memories_fts.rowid "
    "WHERE memories_fts MATCH ? AND m.user_id = ?"
)
_EVICT = """
DELETE FROM memories WHERE id IN (
    SELECT id FROM memories
    WHERE user_id = ? AND id NOT IN (SELECT value FROM json_each(?))
    ORDER BY kind IN ('name', 'nickname', 'pronouns'), source = 'command', recall_count,
             max(updated_at, coalesce(last_recalled_at, 0)), id
    LIMIT ?
)
"""
_MESSAGE_COLUMNS = (
    "id, discord_message_id, guild_id, channel_id, user_id, author_name, role, content, "
    "reply_to_discord_id, created_at"
)


# --- the index's words ------------------------------------------------------------------------


@cache
def _fold(word: str) -> str:
    # Case and accents folded as unicode61 does, so that the stopword check and the
    # de-duplication of terms agree with what the index will see.
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The searchable words of ``text``: folded, without stopwords, in order, distinct."""
    seen: dict[str, None] = {}
    for raw in _WORD.findall(text):
        word = _fold(raw)
        if not word or word in _STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        # Folding can turn one token into two (rare ligatures); keep only word characters.
        for part in _WORD.findall(word):
            seen.setdefault(part, None)
    return list(seen)


def search_terms(user_id: int, text: str) -> str:
    """What `memories.search_terms` holds for a memory of ``user_id`` reading ``text``."""
    tag = f"{user_id}q"
    return " ".join(tag + word for word in words(text)[:MAX_INDEXED_TERMS])


def match_expression(user_id: int, text: str) -> str | None:
    """An FTS5 query matching the user's memories that share a word with ``text``."""
    terms = words(text)[:MAX_QUERY_TERMS]
    if not terms:
        return None
    tag = f"{user_id}q"
    # Quoted: a term is then always a plain token, never FTS5 syntax.
    return " OR ".join(f'"{tag}{term}"' for term in terms)


# --- checks and conversions ------------------------------------------------------------------


def _content(value: object) -> str:
    text = validation.text(
        "memory content", value, max_length=MAX_MEMORY_CONTENT_LENGTH, allow_empty=False
    )
    return " ".join(text.split())


def _key(value: object) -> str | None:
    if value is None:
        return None
    return validation.identifier("memory key", value, max_length=MAX_MEMORY_KEY_LENGTH)


def _check_new(memory: NewMemory) -> None:
    if not isinstance(memory, NewMemory):
        raise ValueError(f"expected a NewMemory, got {type(memory).__name__}")
    validation.discord_id("user_id", memory.user_id)
    validation.choice("memory kind", memory.kind, MEMORY_KINDS)
    validation.choice("memory source", memory.source, MEMORY_SOURCES)
    validation.optional_discord_id("guild_id", memory.guild_id)
    validation.optional_discord_id("source_channel_id", memory.source_channel_id)
    validation.optional_discord_id("source_message_id", memory.source_message_id)
    validation.flag("is_global", memory.is_global)


def _ids(memory_ids: Sequence[int]) -> list[int]:
    return [validation.discord_id("memory id", i) for i in memory_ids]


def _visibility_params(visibility: Visibility) -> tuple[int, int | None]:
    validation.optional_discord_id("guild_id", visibility.guild_id)
    return int(visibility.everywhere), visibility.guild_id


def _to_memory(row: sqlite3.Row) -> Memory:
    return Memory(
        id=row["id"],
        user_id=row["user_id"],
        kind=row["kind"],
        key=row["key"],
        content=row["content"],
        guild_id=row["guild_id"],
        is_global=bool(row["is_global"]),
        source=row["source"],
        source_channel_id=row["source_channel_id"],
        source_message_id=row["source_message_id"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        last_recalled_at=row["last_recalled_at"],
        recall_count=row["recall_count"],
    )


async def _select_one(conn: aiosqlite.Connection, user_id: int, memory_id: int) -> Memory | None:
    rows = await conn.execute_fetchall(_SELECT_ONE, (memory_id, user_id))
    return _to_memory(rows[0]) if rows else None


async def _rowcount(conn: aiosqlite.Connection, statement: str, params: Sequence[object]) -> int:
    cursor = await conn.execute(statement, params)
    count = cursor.rowcount
    await cursor.close()
    return count


# --- repositories -----------------------------------------------------------------------------


class SqliteMemoryRepository:
    """Memories in `memories`, searchable through `memories_fts`."""

    def __init__(self, db: SqliteAccess, clock: Clock = time.time) -> None:
        self._db = db
        self._clock = clock

    async def add(self, memory: NewMemory) -> Memory:
        """Store a memory; returns it with its id."""
        _check_new(memory)
        content = _content(memory.content)
        key = _key(memory.key)
        now = self._clock()
        async with self._db.transaction() as conn:
            await conn.execute(_ENSURE_USER, (memory.user_id, now, now))
            cursor = await conn.execute(
                _INSERT,
                (
                    memory.user_id,
                    memory.kind,
                    key,
                    content,
                    memory.guild_id,
                    int(memory.is_global),
                    memory.source,
                    memory.source_channel_id,
                    memory.source_message_id,
                    search_terms(memory.user_id, f"{memory.kind} {content}"),
                    now,
                    now,
                ),
            )
            row_id = cursor.lastrowid
            await cursor.close()
            assert row_id is not None  # an INSERT always sets it
            stored = await _select_one(conn, memory.user_id, row_id)
        assert stored is not None  # just written in the same transaction
        return stored

    async def update(
        self,
        user_id: int,
        memory_id: int,
        *,
        content: str,
        kind: MemoryKind | None = None,
        source_channel_id: int | None = None,
        source_message_id: int | None = None,
    ) -> Memory | None:
        """Replace a memory's content (and kind); None when the user has no such memory."""
        validation.discord_id("user_id", user_id)
        validation.discord_id("memory id", memory_id)
        text = _content(content)
        if kind is not None:
            validation.choice("memory kind", kind, MEMORY_KINDS)
        validation.optional_discord_id("source_channel_id", source_channel_id)
        validation.optional_discord_id("source_message_id", source_message_id)
        async with self._db.transaction() as conn:
            current = await _select_one(conn, user_id, memory_id)
            if current is None:
                return None
            new_kind = kind or current.kind
            await conn.execute(
                "UPDATE memories SET content = ?, kind = ?, search_terms = ?, updated_at = ?, "
                "source_channel_id = coalesce(?, source_channel_id), "
                "source_message_id = coalesce(?, source_message_id) "
                "WHERE id = ? AND user_id = ?",
                (
                    text,
                    new_kind,
                    search_terms(user_id, f"{new_kind} {text}"),
                    self._clock(),
                    source_channel_id,
                    source_message_id,
                    memory_id,
                    user_id,
                ),
            )
            return await _select_one(conn, user_id, memory_id)

    async def get(self, user_id: int, memory_id: int) -> Memory | None:
        """The user's memory with that id, or None (also when it belongs to someone else)."""
        validation.discord_id("user_id", user_id)
        validation.discord_id("memory id", memory_id)
        async with self._db.connection() as conn:
            return await _select_one(conn, user_id, memory_id)

    async def list(
        self,
        user_id: int,
        *,
        visibility: Visibility | None = None,
        kinds: Sequence[MemoryKind] | None = None,
        key: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Memory]:
        """The user's memories, oldest first, optionally filtered."""
        validation.discord_id("user_id", user_id)
        validation.limit("limit", limit)
        validation.limit("offset", offset)
        statement = "SELECT " + _COLUMNS + " FROM memories WHERE user_id = ?"
        params: list[object] = [user_id]
        if visibility is not None:
            statement += _VISIBLE
            params.extend(_visibility_params(visibility))
        if kinds is not None:
            checked = [validation.choice("memory kind", k, MEMORY_KINDS) for k in kinds]
            if not checked:
                return []
            statement += " AND kind IN (" + ", ".join("?" * len(checked)) + ")"
            params.extend(checked)
        if key is not None:
            statement += " AND key = ?"
            params.append(_key(key))
        statement += " ORDER BY id LIMIT ? OFFSET ?"
        params.extend((limit, offset))
        async with self._db.connection() as conn:
            rows = await conn.execute_fetchall(statement, params)
        return [_to_memory(row) for row in rows]

    async def count(self, user_id: int, *, visibility: Visibility | None = None) -> int:
        """How many memories the user has (optionally only those visible in a place)."""
        validation.discord_id("user_id", user_id)
        statement = "SELECT COUNT(*) FROM memories WHERE user_id = ?"
        params: list[object] = [user_id]
        if visibility is not None:
            statement += _VISIBLE
            params.extend(_visibility_params(visibility))
        async with self._db.connection() as conn:
            rows = await conn.execute_fetchall(statement, params)
        return int(rows[0][0])

    async def search(
        self,
        user_id: int,
        text: str,
        *,
        visibility: Visibility | None = None,
        limit: int = 10,
    ) -> list[MemoryHit]:
        """The user's memories sharing words with ``text``, most relevant first (bm25)."""
        validation.discord_id("user_id", user_id)
        validation.text("search text", text)
        validation.limit("limit", limit)
        expression = match_expression(user_id, text)
        if expression is None or limit == 0:
            return []
        statement = _SEARCH
        params: list[object] = [expression, user_id]
        if visibility is not None:
            statement += _M_VISIBLE
            params.extend(_visibility_params(visibility))
        statement += " ORDER BY rank LIMIT ?"
        params.append(limit)
        async with self._db.connection() as conn:
            rows = await conn.execute_fetchall(statement, params)
        return [MemoryHit(_to_memory(row), float(row["rank"])) for row in rows]

    async def mark_recalled(self, user_id: int, memory_ids: Sequence[int]) -> None:
        """Count one more recall of each memory, now."""
        validation.discord_id("user_id", user_id)
        ids = _ids(memory_ids)
        if not ids:
            return
        async with self._db.connection() as conn:
            await conn.execute(
                "UPDATE memories SET recall_count = recall_count + 1, last_recalled_at = ? "
                "WHERE user_id = ? AND id IN (SELECT value FROM json_each(?))",
                (self._clock(), user_id, _json_ids(ids)),
            )

    async def delete(self, user_id: int, memory_ids: Sequence[int]) -> int:
        """Delete some of the user's memories; returns how many were deleted."""
        validation.discord_id("user_id", user_id)
        ids = _ids(memory_ids)
        deleted = 0
        async with self._db.transaction() as conn:
            for start in range(0, len(ids), _ID_CHUNK):
                deleted += await _rowcount(
                    conn,
                    "DELETE FROM memories WHERE user_id = ? "
                    "AND id IN (SELECT value FROM json_each(?))",
                    (user_id, _json_ids(ids[start : start + _ID_CHUNK])),
                )
        return deleted

    async def delete_all(self, user_id: int) -> int:
        """Delete every memory of the user; returns how many."""
        validation.discord_id("user_id", user_id)
        async with self._db.connection() as conn:
            return await _rowcount(conn, "DELETE FROM memories WHERE user_id = ?", (user_id,))

    async def evict(self, user_id: int, keep: int, *, protect: Sequence[int] = ()) -> int:
        """Delete the user's least useful memories until at most ``keep`` remain."""
        validation.discord_id("user_id", user_id)
        validation.limit("keep", keep)
        protected = _ids(protect)
        async with self._db.transaction() as conn:
            rows = await conn.execute_fetchall(
                "SELECT COUNT(*) FROM memories WHERE user_id = ?", (user_id,)
            )
            excess = int(rows[0][0]) - keep
            if excess <= 0:
                return 0
            return await _rowcount(conn, _EVICT, (user_id, _json_ids(protected), excess))

    async def total(self) -> int:
        """How many memories are stored, for every user."""
        async with self._db.connection() as conn:
            rows = await conn.execute_fetchall("SELECT COUNT(*) FROM memories")
        return int(rows[0][0])


class SqliteUserDataRepository:
    """Export and erasure of everything stored about one user."""

    def __init__(self, db: SqliteAccess) -> None:
        self._db = db

    async def export(self, user_id: int) -> UserDataExport:
        """The user's record, memories and conversation history (one consistent snapshot)."""
        validation.discord_id("user_id", user_id)
        # A transaction, so that the three reads see the same moment.
        async with self._db.transaction() as conn:
            users = await conn.execute_fetchall(
                "SELECT user_id, display_name, memory_enabled, memory_scope, first_seen_at, "
                "last_seen_at FROM users WHERE user_id = ?",
                (user_id,),
            )
            memories = await conn.execute_fetchall(
                "SELECT " + _COLUMNS + " FROM memories WHERE user_id = ? ORDER BY id", (user_id,)
            )
            messages = await conn.execute_fetchall(
                "SELECT " + _MESSAGE_COLUMNS + " FROM messages WHERE user_id = ? "
                "ORDER BY created_at, id",
                (user_id,),
            )
        user = None
        if users:
            row = users[0]
            user = UserRecord(
                user_id=row["user_id"],
                display_name=row["display_name"],
                memory_enabled=bool(row["memory_enabled"]),
                memory_scope=row["memory_scope"],
                first_seen_at=row["first_seen_at"],
                last_seen_at=row["last_seen_at"],
            )
        return UserDataExport(
            user=user,
            memories=[_to_memory(row) for row in memories],
            messages=[_to_message(row) for row in messages],
        )

    async def forget(self, user_id: int) -> DeletedCounts:
        """Delete the user's memories and conversation history in one transaction."""
        validation.discord_id("user_id", user_id)
        async with self._db.transaction() as conn:
            memories = await _rowcount(conn, "DELETE FROM memories WHERE user_id = ?", (user_id,))
            messages = await _rowcount(conn, "DELETE FROM messages WHERE user_id = ?", (user_id,))
        return DeletedCounts(memories=memories, messages=messages)

    async def purge(self, user_id: int) -> DeletedCounts:
        """Delete everything about the user, their record included."""
        validation.discord_id("user_id", user_id)
        async with self._db.transaction() as conn:
            memories = await _rowcount(conn, "DELETE FROM memories WHERE user_id = ?", (user_id,))
            messages = await _rowcount(conn, "DELETE FROM messages WHERE user_id = ?", (user_id,))
            # Other features' rows that reference the user go with it (ON DELETE CASCADE).
            users = await _rowcount(conn, "DELETE FROM users WHERE user_id = ?", (user_id,))
        return DeletedCounts(memories=memories, messages=messages, user_record=users > 0)


def _json_ids(ids: Sequence[int]) -> str:
    # One bound JSON array instead of a variable number of "?": one cached statement.
    return "[" + ",".join(str(int(i)) for i in ids) + "]"


def _to_message(row: sqlite3.Row) -> StoredMessage:
    return StoredMessage(
        id=row["id"],
        discord_message_id=row["discord_message_id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        user_id=row["user_id"],
        author_name=row["author_name"],
        role=row["role"],
        content=row["content"],
        reply_to_discord_id=row["reply_to_discord_id"],
        created_at=row["created_at"],
    )
