"""SQLite implementation of ModerationRepository."""

from __future__ import annotations

import json
import sqlite3
import time
from typing import Any

from bot.storage import validation
from bot.storage.errors import ConstraintError
from bot.storage.moderation_repo import (
    EVENT_KINDS,
    MAX_CATEGORY_LENGTH,
    MAX_CONTEXT_MESSAGES,
    MAX_EXCERPT_LENGTH,
    MAX_PATTERN_LENGTH,
    MAX_REASON_LENGTH,
    MAX_SNAPSHOT_LENGTH,
    REPORT_STATUSES,
    TERM_KINDS,
    EventKind,
    FeedbackTotals,
    MessageSnapshot,
    ModerationEventRecord,
    NewModerationEvent,
    NewReport,
    ReportRecord,
    ReportStatus,
    ServerTerm,
    TermKind,
)
from bot.storage.sqlite.base import Clock, SqliteAccess

_ADD_TERM = """
INSERT INTO mod_terms (guild_id, kind, pattern, author_id, created_at)
VALUES (?, ?, ?, ?, ?)
ON CONFLICT (guild_id, kind, pattern) DO NOTHING
"""
_REMOVE_TERM = "DELETE FROM mod_terms WHERE guild_id = ? AND kind = ? AND pattern = ?"
_TERMS = """
SELECT guild_id, kind, pattern, author_id, created_at FROM mod_terms
WHERE guild_id = :guild AND (:kind IS NULL OR kind = :kind)
ORDER BY created_at, pattern
"""
_REPORT_COLUMNS = (
    "id, guild_id, channel_id, message_id, message_author_id, message_author, message_content, "
    "message_at, context, reporter_id, reason, status, resolver_id, created_at, resolved_at, "
    "log_message_id"
)
_ADD_REPORT = f"""
INSERT INTO mod_reports (guild_id, channel_id, message_id, message_author_id,
                                message_author, message_content, message_at, context,
                                reporter_id, reason, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
RETURNING {_REPORT_COLUMNS}
"""
_GET_REPORT = f"SELECT {_REPORT_COLUMNS} FROM mod_reports WHERE id = ?"
_OPEN_REPORT_OF = (
    f"SELECT {_REPORT_COLUMNS} FROM mod_reports "
    "WHERE message_id = ? AND reporter_id = ? AND status = 'open'"
)
_REPORTS = (
    f"SELECT {_REPORT_COLUMNS} FROM mod_reports "
    "WHERE guild_id = ? AND status = ? ORDER BY id LIMIT ? OFFSET ?"
)
_COUNT_REPORTS = "SELECT COUNT(*) FROM mod_reports WHERE guild_id = ? AND status = ?"
_RESOLVE = f"""
UPDATE mod_reports SET status = 'resolved', resolver_id = ?, resolved_at = ?
WHERE id = ? AND guild_id = ? AND status = 'open'
RETURNING {_REPORT_COLUMNS}
"""
_SET_LOG_MESSAGE = "UPDATE mod_reports SET log_message_id = ? WHERE id = ?"
_PREVIOUS_VOTE = "SELECT value FROM reply_feedback WHERE message_id = ? AND user_id = ?"
_SET_FEEDBACK = """
INSERT INTO reply_feedback (message_id, user_id, guild_id, channel_id, value, created_at,
                            updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (message_id, user_id) DO UPDATE SET
    value = excluded.value,
    updated_at = excluded.updated_at
"""
_TOTALS = """
SELECT COALESCE(SUM(value = 1), 0) AS up, COALESCE(SUM(value = -1), 0) AS down
FROM reply_feedback WHERE message_id = ?
"""
_EVENT_COLUMNS = (
    "id, guild_id, channel_id, user_id, message_id, kind, category, excerpt, created_at"
)
_ADD_EVENT = f"""
INSERT INTO mod_events (guild_id, channel_id, user_id, message_id, kind, category,
                               excerpt, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
RETURNING {_EVENT_COLUMNS}
"""
_EVENTS = f"""
SELECT {_EVENT_COLUMNS} FROM mod_events
WHERE guild_id = :guild AND (:kind IS NULL OR kind = :kind)
ORDER BY id DESC LIMIT :limit
"""
_DELETE_FEEDBACK_OF = "DELETE FROM reply_feedback WHERE user_id = ?"
_DELETE_EVENTS_OF = "DELETE FROM mod_events WHERE user_id = ?"


class SqliteModerationRepository:
    """Terms, reports, feedback and events in the tables of migration 0006."""

    def __init__(self, db: SqliteAccess, clock: Clock = time.time) -> None:
        self._db = db
        self._clock = clock

    # --- terms ----------------------------------------------------------------------------
    async def add_term(self, guild_id: int, kind: TermKind, pattern: str, author_id: int) -> bool:
        """Store a term; False when the guild already had it."""
        validation.discord_id("guild_id", guild_id)
        validation.choice("term kind", kind, TERM_KINDS)
        validation.identifier("term", pattern, max_length=MAX_PATTERN_LENGTH)
        validation.discord_id("author_id", author_id)
        async with self._db.connection() as conn:
            cursor = await conn.execute(
                _ADD_TERM, (guild_id, kind, pattern, author_id, self._clock())
            )
            added = cursor.rowcount
            await cursor.close()
        return added > 0

    async def remove_term(self, guild_id: int, kind: TermKind, pattern: str) -> bool:
        """Delete a term; False when the guild did not have it."""
        validation.discord_id("guild_id", guild_id)
        validation.choice("term kind", kind, TERM_KINDS)
        validation.text("term", pattern)
        async with self._db.connection() as conn:
            cursor = await conn.execute(_REMOVE_TERM, (guild_id, kind, pattern))
            removed = cursor.rowcount
            await cursor.close()
        return removed > 0

    async def terms(self, guild_id: int, kind: TermKind | None = None) -> list[ServerTerm]:
        """The guild's terms (of one kind, or both), oldest first."""
        validation.discord_id("guild_id", guild_id)
        if kind is not None:
            validation.choice("term kind", kind, TERM_KINDS)
        async with self._db.connection() as conn:
            rows = await conn.execute_fetchall(_TERMS, {"guild": guild_id, "kind": kind})
        return [
            ServerTerm(
                guild_id=row["guild_id"],
                kind=row["kind"],
                pattern=row["pattern"],
                author_id=row["author_id"],
                created_at=row["created_at"],
            )
            for row in rows
        ]

    # --- reports --------------------------------------------------------------------------
    async def add_report(self, report: NewReport) -> ReportRecord:
        """Store a report (ConstraintError when the reporter's report of it is still open)."""
        validation.discord_id("guild_id", report.guild_id)
        validation.discord_id("channel_id", report.channel_id)
        validation.discord_id("reporter_id", report.reporter_id)
        validation.text("report reason", report.reason, max_length=MAX_REASON_LENGTH)
        _check_snapshot("reported message", report.message)
        if len(report.context) > MAX_CONTEXT_MESSAGES:
            raise ValueError(
                f"report context may hold at most {MAX_CONTEXT_MESSAGES} messages, "
                f"got {len(report.context)}"
            )
        for index, item in enumerate(report.context):
            _check_snapshot(f"context[{index}]", item)
        message = report.message
        values = (
            report.guild_id,
            report.channel_id,
            message.message_id,
            message.author_id,
            message.author,
            message.content,
            message.at,
            json.dumps([_snapshot_json(m) for m in report.context], ensure_ascii=False),
            report.reporter_id,
            report.reason,
            self._clock(),
        )
        async with self._db.transaction() as conn:
            existing = await conn.execute_fetchall(
                _OPEN_REPORT_OF, (message.message_id, report.reporter_id)
            )
            if existing:
                raise ConstraintError(
                    f"report #{existing[0]['id']} of this message by this member is still open"
                )
            rows = await conn.execute_fetchall(_ADD_REPORT, values)
        return _to_report(rows[0])

    async def get_report(self, report_id: int) -> ReportRecord | None:
        """A report by id, or None."""
        validation.discord_id("report_id", report_id)
        async with self._db.connection() as conn:
            rows = await conn.execute_fetchall(_GET_REPORT, (report_id,))
        return _to_report(rows[0]) if rows else None

    async def open_report_of(self, message_id: int, reporter_id: int) -> ReportRecord | None:
        """The reporter's open report of the message, if any."""
        validation.discord_id("message_id", message_id)
        validation.discord_id("reporter_id", reporter_id)
        async with self._db.connection() as conn:
            rows = await conn.execute_fetchall(_OPEN_REPORT_OF, (message_id, reporter_id))
        return _to_report(rows[0]) if rows else None

    async def reports(
        self, guild_id: int, *, status: ReportStatus = "open", limit: int = 5, offset: int = 0
    ) -> list[ReportRecord]:
        """The guild's reports with that status, oldest first."""
        validation.discord_id("guild_id", guild_id)
        validation.choice("report status", status, REPORT_STATUSES)
        validation.limit("limit", limit)
        validation.limit("offset", offset)
        async with self._db.connection() as conn:
            rows = await conn.execute_fetchall(_REPORTS, (guild_id, status, limit, offset))
        return [_to_report(row) for row in rows]

    async def count_reports(self, guild_id: int, *, status: ReportStatus = "open") -> int:
        """How many reports the guild has with that status."""
        validation.discord_id("guild_id", guild_id)
        validation.choice("report status", status, REPORT_STATUSES)
        async with self._db.connection() as conn:
            rows = await conn.execute_fetchall(_COUNT_REPORTS, (guild_id, status))
        return int(rows[0][0])

    async def resolve_report(
        self, guild_id: int, report_id: int, resolver_id: int
    ) -> ReportRecord | None:
        """Mark an open report resolved; None when the guild has no such open report."""
        validation.discord_id("guild_id", guild_id)
        validation.discord_id("report_id", report_id)
        validation.discord_id("resolver_id", resolver_id)
        async with self._db.connection() as conn:
            rows = await conn.execute_fetchall(
                _RESOLVE, (resolver_id, self._clock(), report_id, guild_id)
            )
        return _to_report(rows[0]) if rows else None

    async def set_report_log_message(self, report_id: int, log_message_id: int) -> None:
        """Remember where the report was posted in the mod log."""
        validation.discord_id("report_id", report_id)
        validation.discord_id("log_message_id", log_message_id)
        async with self._db.connection() as conn:
            await conn.execute(_SET_LOG_MESSAGE, (log_message_id, report_id))

    # --- feedback -------------------------------------------------------------------------
    async def set_feedback(
        self, guild_id: int, channel_id: int | None, message_id: int, user_id: int, value: int
    ) -> int | None:
        """Record a vote (1 or -1); returns the user's previous vote on the reply, or None."""
        validation.discord_id("guild_id", guild_id)
        validation.optional_discord_id("channel_id", channel_id)
        validation.discord_id("message_id", message_id)
        validation.discord_id("user_id", user_id)
        if isinstance(value, bool) or value not in (1, -1):
            raise ValueError(f"feedback must be 1 (thumbs up) or -1 (thumbs down), got {value!r}")
        now = self._clock()
        async with self._db.transaction() as conn:
            rows = await conn.execute_fetchall(_PREVIOUS_VOTE, (message_id, user_id))
            await conn.execute(
                _SET_FEEDBACK, (message_id, user_id, guild_id, channel_id, value, now, now)
            )
        return int(rows[0][0]) if rows else None

    async def feedback_totals(self, message_id: int) -> FeedbackTotals:
        """Thumbs up and down on a reply."""
        validation.discord_id("message_id", message_id)
        async with self._db.connection() as conn:
            rows = await conn.execute_fetchall(_TOTALS, (message_id,))
        return FeedbackTotals(up=int(rows[0]["up"]), down=int(rows[0]["down"]))

    # --- events ---------------------------------------------------------------------------
    async def add_event(self, event: NewModerationEvent) -> ModerationEventRecord:
        """Store a filter event (the excerpt is cut to the column's limit)."""
        validation.discord_id("guild_id", event.guild_id)
        validation.discord_id("channel_id", event.channel_id)
        validation.discord_id("user_id", event.user_id)
        validation.optional_discord_id("message_id", event.message_id)
        validation.choice("event kind", event.kind, EVENT_KINDS)
        if event.category is not None:
            validation.text("event category", event.category, max_length=MAX_CATEGORY_LENGTH)
        excerpt = validation.text("event excerpt", event.excerpt)
        if len(excerpt) > MAX_EXCERPT_LENGTH:
            excerpt = excerpt[: MAX_EXCERPT_LENGTH - 1] + "…"
        values = (
            event.guild_id,
            event.channel_id,
            event.user_id,
            event.message_id,
            event.kind,
            event.category,
            excerpt,
            self._clock(),
        )
        async with self._db.connection() as conn:
            rows = await conn.execute_fetchall(_ADD_EVENT, values)
        return _to_event(rows[0])

    async def events(
        self, guild_id: int, *, limit: int = 20, kind: EventKind | None = None
    ) -> list[ModerationEventRecord]:
        """The guild's newest events first."""
        validation.discord_id("guild_id", guild_id)
        validation.limit("limit", limit)
        if kind is not None:
            validation.choice("event kind", kind, EVENT_KINDS)
        async with self._db.connection() as conn:
            rows = await conn.execute_fetchall(
                _EVENTS, {"guild": guild_id, "kind": kind, "limit": limit}
            )
        return [_to_event(row) for row in rows]

    # --- people ---------------------------------------------------------------------------
    async def delete_for_user(self, user_id: int) -> int:
        """Delete the user's votes and the events about them; returns how many rows."""
        validation.discord_id("user_id", user_id)
        deleted = 0
        async with self._db.transaction() as conn:
            for statement in (_DELETE_FEEDBACK_OF, _DELETE_EVENTS_OF):
                cursor = await conn.execute(statement, (user_id,))
                deleted += cursor.rowcount
                await cursor.close()
        return deleted


def _check_snapshot(name: str, snapshot: MessageSnapshot) -> None:
    validation.discord_id(f"{name} message_id", snapshot.message_id)
    validation.discord_id(f"{name} author_id", snapshot.author_id)
    validation.text(f"{name} author", snapshot.author, max_length=256)
    validation.text(f"{name} content", snapshot.content, max_length=MAX_SNAPSHOT_LENGTH)
    if snapshot.at is not None:
        validation.timestamp(f"{name} time", snapshot.at)


def _snapshot_json(snapshot: MessageSnapshot) -> dict[str, Any]:
    return {
        "message_id": snapshot.message_id,
        "author_id": snapshot.author_id,
        "author": snapshot.author,
        "content": snapshot.content,
        "at": snapshot.at,
    }


def _snapshot_from_json(data: dict[str, Any]) -> MessageSnapshot:
    return MessageSnapshot(
        message_id=int(data["message_id"]),
        author_id=int(data["author_id"]),
        author=str(data.get("author", "")),
        content=str(data.get("content", "")),
        at=data.get("at"),
    )


def _to_report(row: sqlite3.Row) -> ReportRecord:
    return ReportRecord(
        id=row["id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        message=MessageSnapshot(
            message_id=row["message_id"],
            author_id=row["message_author_id"],
            author=row["message_author"],
            content=row["message_content"],
            at=row["message_at"],
        ),
        context=tuple(_snapshot_from_json(item) for item in json.loads(row["context"])),
        reporter_id=row["reporter_id"],
        reason=row["reason"],
        status=row["status"],
        resolver_id=row["resolver_id"],
        created_at=row["created_at"],
        resolved_at=row["resolved_at"],
        log_message_id=row["log_message_id"],
    )


def _to_event(row: sqlite3.Row) -> ModerationEventRecord:
    kind: EventKind = row["kind"]
    return ModerationEventRecord(
        id=row["id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        user_id=row["user_id"],
        kind=kind,
        category=row["category"],
        excerpt=row["excerpt"],
        message_id=row["message_id"],
        created_at=row["created_at"],
    )
