"""SQLite implementation of AuditRepository."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Mapping
from typing import Any

from bot.storage import validation
from bot.storage.repositories import MAX_AUDIT_ACTION_LENGTH, AuditEntry
from bot.storage.sqlite.base import Clock, SqliteAccess

_INSERT = (
    "INSERT INTO audit_log (guild_id, actor_id, action, detail, created_at) VALUES (?, ?, ?, ?, ?)"
)
# Newest first by row id: ids grow with insertion, and (guild_id, id) is indexed.
_LIST = (
    "SELECT id, guild_id, actor_id, action, detail, created_at FROM audit_log "
    "WHERE guild_id = ? ORDER BY id DESC LIMIT ?"
)


class SqliteAuditRepository:
    """The per-guild audit log in `audit_log`; `detail` is stored as a JSON object."""

    def __init__(self, db: SqliteAccess, clock: Clock = time.time) -> None:
        self._db = db
        self._clock = clock

    async def record(
        self, guild_id: int, actor_id: int, action: str, detail: Mapping[str, Any]
    ) -> None:
        """Append an entry; `detail` must be a JSON-serialisable mapping."""
        validation.discord_id("guild_id", guild_id)
        validation.discord_id("actor_id", actor_id)
        validation.identifier("action", action, max_length=MAX_AUDIT_ACTION_LENGTH)
        if not isinstance(detail, Mapping):
            raise ValueError(f"audit detail must be a mapping, got {type(detail).__name__}")
        try:
            encoded = json.dumps(dict(detail), ensure_ascii=False, sort_keys=True, allow_nan=False)
        except (TypeError, ValueError) as error:
            raise ValueError(f"audit detail must be JSON-serialisable: {error}") from error
        async with self._db.connection() as conn:
            await conn.execute(_INSERT, (guild_id, actor_id, action, encoded, self._clock()))

    async def list(self, guild_id: int, *, limit: int = 20) -> list[AuditEntry]:
        """The guild's newest `limit` entries, newest first."""
        validation.discord_id("guild_id", guild_id)
        validation.limit("limit", limit)
        async with self._db.connection() as conn:
            rows = await conn.execute_fetchall(_LIST, (guild_id, limit))
        return [_to_entry(row) for row in rows]


def _to_entry(row: sqlite3.Row) -> AuditEntry:
    return AuditEntry(
        id=row["id"],
        guild_id=row["guild_id"],
        actor_id=row["actor_id"],
        action=row["action"],
        detail=json.loads(row["detail"]),
        created_at=row["created_at"],
    )
