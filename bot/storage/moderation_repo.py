"""Moderation storage interface: server terms, reports, reply feedback and filter events.

Timestamps are unix seconds (UTC); Discord ids are ints. guild_id 0 in feedback stands for
direct messages. Excerpts of filter events are stored already masked by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol, get_args

TermKind = Literal["blocked", "allowed"]
ReportStatus = Literal["open", "resolved"]
EventKind = Literal["input_blocked", "input_care", "output_blocked", "manipulation"]

TERM_KINDS: tuple[str, ...] = get_args(TermKind)
REPORT_STATUSES: tuple[str, ...] = get_args(ReportStatus)
EVENT_KINDS: tuple[str, ...] = get_args(EventKind)

MAX_PATTERN_LENGTH = 64
MAX_SNAPSHOT_LENGTH = 4000
MAX_REASON_LENGTH = 500
MAX_CONTEXT_MESSAGES = 10
MAX_EXCERPT_LENGTH = 300
MAX_CATEGORY_LENGTH = 40


@dataclass(frozen=True, slots=True)
class ServerTerm:
    """One of a server's own blocked or allowed terms (normalised wildcard pattern)."""

    guild_id: int
    kind: TermKind
    pattern: str
    author_id: int
    created_at: float


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageSnapshot:
    """A message as it was when reported."""

    message_id: int
    author_id: int
    author: str
    content: str
    at: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NewReport:
    """A member's report of a message, with the messages just before it (oldest first)."""

    guild_id: int
    channel_id: int
    message: MessageSnapshot
    context: tuple[MessageSnapshot, ...]
    reporter_id: int
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportRecord:
    """A stored report."""

    id: int
    guild_id: int
    channel_id: int
    message: MessageSnapshot
    context: tuple[MessageSnapshot, ...]
    reporter_id: int
    reason: str
    status: ReportStatus
    resolver_id: int | None
    created_at: float
    resolved_at: float | None
    log_message_id: int | None


@dataclass(frozen=True, slots=True)
class FeedbackTotals:
    """Thumbs up and down on one reply."""

    up: int
    down: int


@dataclass(frozen=True, slots=True, kw_only=True)
class NewModerationEvent:
    """Something the filter caught; ``excerpt`` must already be masked."""

    guild_id: int
    channel_id: int
    user_id: int
    kind: EventKind
    category: str | None
    excerpt: str
    message_id: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ModerationEventRecord:
    """A stored filter event."""

    id: int
    guild_id: int
    channel_id: int
    user_id: int
    kind: EventKind
    category: str | None
    excerpt: str
    message_id: int | None
    created_at: float


class ModerationRepository(Protocol):
    """Terms, reports, feedback and events of every guild."""

    # --- terms ----------------------------------------------------------------------------
    async def add_term(self, guild_id: int, kind: TermKind, pattern: str, author_id: int) -> bool:
        """Store a term; False when the guild already had it (nothing changes)."""
        ...

    async def remove_term(self, guild_id: int, kind: TermKind, pattern: str) -> bool:
        """Delete a term; False when the guild did not have it."""
        ...

    async def terms(self, guild_id: int, kind: TermKind | None = None) -> list[ServerTerm]:
        """The guild's terms (of one kind, or both), oldest first."""
        ...

    # --- reports --------------------------------------------------------------------------
    async def add_report(self, report: NewReport) -> ReportRecord:
        """Store a report. Raises ConstraintError when the reporter already has an open
        report of the same message."""
        ...

    async def get_report(self, report_id: int) -> ReportRecord | None:
        """A report by id, or None."""
        ...

    async def open_report_of(self, message_id: int, reporter_id: int) -> ReportRecord | None:
        """The reporter's open report of the message, if any."""
        ...

    async def reports(
        self, guild_id: int, *, status: ReportStatus = "open", limit: int = 5, offset: int = 0
    ) -> list[ReportRecord]:
        """The guild's reports with that status, oldest first (the queue order)."""
        ...

    async def count_reports(self, guild_id: int, *, status: ReportStatus = "open") -> int:
        """How many reports the guild has with that status."""
        ...

    async def resolve_report(
        self, guild_id: int, report_id: int, resolver_id: int
    ) -> ReportRecord | None:
        """Mark an open report of the guild resolved; None when there is no such open report."""
        ...

    async def set_report_log_message(self, report_id: int, log_message_id: int) -> None:
        """Remember where the report was posted in the mod log."""
        ...

    # --- feedback -------------------------------------------------------------------------
    async def set_feedback(
        self, guild_id: int, channel_id: int | None, message_id: int, user_id: int, value: int
    ) -> int | None:
        """Record a user's vote (1 or -1) on a reply; returns their previous vote or None."""
        ...

    async def feedback_totals(self, message_id: int) -> FeedbackTotals:
        """Thumbs up and down on a reply."""
        ...

    # --- events ---------------------------------------------------------------------------
    async def add_event(self, event: NewModerationEvent) -> ModerationEventRecord:
        """Store a filter event."""
        ...

    async def events(
        self, guild_id: int, *, limit: int = 20, kind: EventKind | None = None
    ) -> list[ModerationEventRecord]:
        """The guild's newest events first."""
        ...

    # --- people ---------------------------------------------------------------------------
    async def delete_for_user(self, user_id: int) -> int:
        """Delete the user's votes and the events about them; returns how many rows.

        Reports stay: they are the moderators' record of what happened in their server.
        """
        ...
