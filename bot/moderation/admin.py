"""Moderator controls without Discord: settings, server terms, reports, feedback, filter events
and the audit trail (persona administration is in :mod:`bot.moderation.persona_admin`).

The moderation cog (``cogs/moderation.py``) parses Discord input, calls these services and
renders what they return. Every change a moderator makes is validated here (so a hand-made
interaction cannot bypass a check), recorded in the audit log, and followed by dropping the
cached moderation policy of the server.

Anything shown to moderators that quotes members (reports, filter events) is masked first:
every word the filter would catch keeps its first letter and loses the rest.
"""

from __future__ import annotations

import math
import re
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import ValidationError

from bot.moderation.filter import ModerationFilter
from bot.moderation.policy import MAX_TERMS, Policy
from bot.moderation.service import ModerationEvent, ModerationService
from bot.storage.errors import ConstraintError
from bot.storage.moderation_repo import (
    MAX_CONTEXT_MESSAGES,
    MAX_REASON_LENGTH,
    MAX_SNAPSHOT_LENGTH,
    TERM_KINDS,
    FeedbackTotals,
    MessageSnapshot,
    ModerationEventRecord,
    ModerationRepository,
    NewModerationEvent,
    NewReport,
    ReportRecord,
    ServerTerm,
    TermKind,
)
from bot.storage.repositories import (
    STRICTNESS_LEVELS,
    AuditEntry,
    AuditRepository,
    ChannelSettingsRepository,
    CustomPersonaRepository,
    GuildSettings,
    GuildSettingsRepository,
)

REPORTS_PER_PAGE = 5  # one Resolve button per report, and Discord allows 5 per row
AUDIT_PER_PAGE = 10
MAX_AUDIT_PAGES = 20
EVENTS_SHOWN = 15
NOTICE_WINDOW = 60.0  # seconds
NOTICES_PER_WINDOW = 10  # mod-log posts per server per window; the rest are only stored
MAX_AUTOCOMPLETE = 25

_UNSET: Any = object()


class AdminError(ValueError):
    """A moderator's request cannot be done; the message says why and what to do instead."""


class AdminStorage(Protocol):
    """What the admin services need of the database."""

    @property
    def guilds(self) -> GuildSettingsRepository: ...
    @property
    def channels(self) -> ChannelSettingsRepository: ...
    @property
    def audit(self) -> AuditRepository: ...
    @property
    def personas(self) -> CustomPersonaRepository: ...
    @property
    def moderation(self) -> ModerationRepository: ...


# --- masking --------------------------------------------------------------------------------


def mask_all(text: str, moderation_filter: ModerationFilter, policy: Policy | None = None) -> str:
    """``text`` with every match of the filter masked (``"you f***"``): safe to show moderators."""
    hits, origin = moderation_filter.hits(text, policy)
    if not hits or not origin:
        return text
    chars = list(text)
    for hit in hits:
        if hit.soft or hit.end <= hit.start:
            continue
        start = origin[hit.start]
        end = origin[min(hit.end, len(origin)) - 1] + 1
        for index in range(start + 1, end):
            if not chars[index].isspace():
                chars[index] = "*"
    return "".join(chars)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when cut."""
    text = " ".join(text.split()) if "\n" not in text else text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- moderation administration ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SetupResult:
    """The server's settings after /moderation setup, and what changed (field: (old, new))."""

    settings: GuildSettings
    changes: Mapping[str, tuple[Any, Any]]


@dataclass(frozen=True, slots=True)
class TermChange:
    """The outcome of adding or removing a term; ``changed`` is False when nothing happened."""

    kind: TermKind
    pattern: str
    changed: bool


@dataclass(frozen=True, slots=True)
class ReportFiled:
    """A stored report; ``duplicate``: the member's earlier report of it is still open."""

    report: ReportRecord
    duplicate: bool = False


@dataclass(frozen=True, slots=True)
class ReportPage:
    """One page of a server's open reports (oldest first)."""

    reports: tuple[ReportRecord, ...]
    page: int
    pages: int
    total: int


@dataclass(frozen=True, slots=True)
class ResolveOutcome:
    """The report after a Resolve press; ``already``: someone had resolved it before."""

    report: ReportRecord
    already: bool


@dataclass(frozen=True, slots=True)
class FeedbackResult:
    """A thumbs vote as recorded: the new vote, the one it replaced, and the reply's totals."""

    value: int
    previous: int | None
    totals: FeedbackTotals

    @property
    def changed(self) -> bool:
        """False when the user pressed the same thumb again."""
        return self.previous != self.value


@dataclass(frozen=True, slots=True)
class AuditPage:
    """One page of the audit trail, newest first, as readable lines."""

    entries: tuple[AuditEntry, ...]
    page: int
    has_next: bool


@dataclass(frozen=True, slots=True)
class EventNotice:
    """A stored filter event and, when it should be posted to the mod log, the text to post."""

    event: ModerationEventRecord
    text: str | None


def _parse_vote(value: object) -> int:
    if value in ("up", 1) and not isinstance(value, bool):
        return 1
    if value in ("down", -1) and not isinstance(value, bool):
        return -1
    raise ValueError(f"feedback must be 'up', 'down', 1 or -1; got {value!r}")


_TERM_INDEX = re.compile(r"^(?:blocked|allowed)_terms\[\d+\]:? ?")


def _policy_error(error: ValidationError) -> str:
    problem = error.errors()[0]
    message = str(problem.get("msg", error)).removeprefix("Value error, ")
    # The policy names the field and index ("blocked_terms[0] 'x': ..."); a moderator typed
    # one term, so the index means nothing to them.
    return _TERM_INDEX.sub("", message)


def normalise_term(kind: str, raw: str) -> str:
    """The stored form of a server term, or AdminError saying what is wrong with it."""
    if kind not in TERM_KINDS:
        raise AdminError(f"The kind of term must be 'blocked' or 'allowed', not {kind!r}.")
    try:
        policy = Policy(**{f"{kind}_terms": [raw]})  # type: ignore[arg-type]
    except ValidationError as error:
        raise AdminError(f"I can't use that term: {_policy_error(error)}") from None
    terms = policy.blocked_terms if kind == "blocked" else policy.allowed_terms
    return terms[0]


class ModerationAdmin:
    """Settings, terms, reports, feedback, filter events and the audit trail of each server.

    ``clock`` (monotonic seconds) paces the mod-log notices; tests pass their own.
    """

    def __init__(
        self,
        db: AdminStorage,
        moderation: ModerationService,
        *,
        clock: Callable[[], float] = time.monotonic,
        notices_per_window: int = NOTICES_PER_WINDOW,
    ) -> None:
        self._db = db
        self._repo = db.moderation
        self._moderation = moderation
        self._clock = clock
        self._notices_per_window = notices_per_window
        self._notice_times: dict[int, deque[float]] = {}

    @property
    def filter(self) -> ModerationFilter:
        """The shared moderation filter."""
        return self._moderation.filter

    def attach(self) -> None:
        """Make the moderation service read server terms from storage (if nothing else does)."""
        if self._moderation.terms_loader is None:
            self._moderation.terms_loader = self.load_terms

    def detach(self) -> None:
        """Undo :meth:`attach`."""
        if self._moderation.terms_loader == self.load_terms:
            self._moderation.terms_loader = None

    # ----------------------------------------------------------------- settings
    async def settings(self, guild_id: int) -> GuildSettings:
        """The server's moderation settings."""
        return await self._db.guilds.get(guild_id)

    async def setup(
        self,
        guild_id: int,
        actor_id: int,
        *,
        log_channel_id: int | None = _UNSET,
        mod_role_id: int | None = _UNSET,
        strictness: str | None = None,
    ) -> SetupResult:
        """Change the mod log channel, the moderator role and/or the strictness (None clears
        the channel or the role); audited when anything changed."""
        fields: dict[str, Any] = {}
        if log_channel_id is not _UNSET:
            fields["log_channel_id"] = log_channel_id
        if mod_role_id is not _UNSET:
            if mod_role_id is not None and mod_role_id == guild_id:
                raise AdminError(
                    "The server's default role (everyone) can't be the moderator role: "
                    "every member would be a moderator. Pick a role only your moderators have."
                )
            fields["mod_role_id"] = mod_role_id
        if strictness is not None:
            if strictness not in STRICTNESS_LEVELS:
                levels = ", ".join(STRICTNESS_LEVELS)
                raise AdminError(f"Strictness must be one of {levels}; got {strictness!r}.")
            fields["strictness"] = strictness
        before = await self._db.guilds.get(guild_id)
        changes = {
            name: (getattr(before, name), value)
            for name, value in fields.items()
            if getattr(before, name) != value
        }
        if not changes:
            return SetupResult(before, {})
        after = await self._db.guilds.update(guild_id, **{k: v for k, (_, v) in changes.items()})
        await self._db.audit.record(
            guild_id,
            actor_id,
            "moderation.setup",
            {name: {"from": old, "to": new} for name, (old, new) in changes.items()},
        )
        self._moderation.invalidate(guild_id)
        return SetupResult(after, changes)

    # ----------------------------------------------------------------- terms
    async def load_terms(self, guild_id: int) -> tuple[list[str], list[str]]:
        """The server's (blocked, allowed) terms, for the moderation service's policy."""
        terms = await self._repo.terms(guild_id)
        blocked = [t.pattern for t in terms if t.kind == "blocked"]
        allowed = [t.pattern for t in terms if t.kind == "allowed"]
        return blocked, allowed

    async def add_term(self, guild_id: int, actor_id: int, kind: str, raw: str) -> TermChange:
        """Add a blocked or allowed term (simple wildcards only, see bot.moderation.policy)."""
        pattern = normalise_term(kind, raw)
        existing = await self._repo.terms(guild_id, kind)  # type: ignore[arg-type]
        if any(t.pattern == pattern for t in existing):
            return TermChange(kind, pattern, False)  # type: ignore[arg-type]
        if len(existing) >= MAX_TERMS:
            raise AdminError(
                f"This server already has {len(existing)} {kind} terms, the most allowed "
                f"({MAX_TERMS}). Remove some with `/moderation terms remove` first."
            )
        added = await self._repo.add_term(guild_id, kind, pattern, actor_id)  # type: ignore[arg-type]
        if added:
            await self._db.audit.record(
                guild_id, actor_id, "moderation.terms.add", {"kind": kind, "term": pattern}
            )
            self._moderation.invalidate(guild_id)
        return TermChange(kind, pattern, added)  # type: ignore[arg-type]

    async def remove_term(self, guild_id: int, actor_id: int, kind: str, raw: str) -> TermChange:
        """Remove a term, typed as it was added (or as ``/moderation terms list`` shows it)."""
        if kind not in TERM_KINDS:
            raise AdminError(f"The kind of term must be 'blocked' or 'allowed', not {kind!r}.")
        stored = {t.pattern for t in await self._repo.terms(guild_id, kind)}  # type: ignore[arg-type]
        pattern = raw.strip()
        if pattern not in stored:
            try:
                pattern = normalise_term(kind, raw)
            except AdminError:
                pattern = raw.strip()
        removed = await self._repo.remove_term(guild_id, kind, pattern)  # type: ignore[arg-type]
        if removed:
            await self._db.audit.record(
                guild_id, actor_id, "moderation.terms.remove", {"kind": kind, "term": pattern}
            )
            self._moderation.invalidate(guild_id)
        return TermChange(kind, pattern, removed)  # type: ignore[arg-type]

    async def terms(self, guild_id: int, kind: str | None = None) -> list[ServerTerm]:
        """The server's terms (of one kind, or both), oldest first."""
        if kind is not None and kind not in TERM_KINDS:
            raise AdminError(f"The kind of term must be 'blocked' or 'allowed', not {kind!r}.")
        return await self._repo.terms(guild_id, kind)  # type: ignore[arg-type]

    # ----------------------------------------------------------------- reports
    async def file_report(
        self,
        *,
        guild_id: int,
        channel_id: int,
        message: MessageSnapshot,
        context: Iterable[MessageSnapshot],
        reporter_id: int,
        reason: str = "",
    ) -> ReportFiled:
        """Store a member's report with its snapshot (texts are cut to the stored limits)."""
        existing = await self._repo.open_report_of(message.message_id, reporter_id)
        if existing is not None:
            return ReportFiled(existing, duplicate=True)
        snapshots = [_clip(m) for m in context][-MAX_CONTEXT_MESSAGES:]
        report = NewReport(
            guild_id=guild_id,
            channel_id=channel_id,
            message=_clip(message),
            context=tuple(snapshots),
            reporter_id=reporter_id,
            reason=shorten(reason, MAX_REASON_LENGTH) if reason.strip() else "",
        )
        try:
            return ReportFiled(await self._repo.add_report(report))
        except ConstraintError:
            # Filed twice at the same moment: the other one won.
            existing = await self._repo.open_report_of(message.message_id, reporter_id)
            if existing is None:
                raise
            return ReportFiled(existing, duplicate=True)

    async def remember_log_post(self, report_id: int, log_message_id: int) -> None:
        """Remember the report's post in the mod log."""
        await self._repo.set_report_log_message(report_id, log_message_id)

    async def open_reports(self, guild_id: int, page: int = 1) -> ReportPage:
        """One page of open reports, oldest first; a page past the end shows the last one."""
        if isinstance(page, bool) or not isinstance(page, int) or page < 1:
            raise AdminError(f"The page must be a whole number of at least 1; got {page!r}.")
        total = await self._repo.count_reports(guild_id, status="open")
        pages = max(1, math.ceil(total / REPORTS_PER_PAGE))
        page = min(page, pages)
        reports = await self._repo.reports(
            guild_id,
            status="open",
            limit=REPORTS_PER_PAGE,
            offset=(page - 1) * REPORTS_PER_PAGE,
        )
        return ReportPage(tuple(reports), page, pages, total)

    async def resolve_report(
        self, guild_id: int, report_id: int, resolver_id: int
    ) -> ResolveOutcome:
        """Resolve an open report of the server (audited); AdminError when there is none."""
        resolved = await self._repo.resolve_report(guild_id, report_id, resolver_id)
        if resolved is not None:
            await self._db.audit.record(
                guild_id,
                resolver_id,
                "moderation.report.resolve",
                {"report": report_id, "message_id": resolved.message.message_id},
            )
            return ResolveOutcome(resolved, already=False)
        report = await self._repo.get_report(report_id)
        if report is None or report.guild_id != guild_id:
            raise AdminError(f"There is no report #{report_id} in this server.")
        return ResolveOutcome(report, already=True)

    async def report(self, guild_id: int, report_id: int) -> ReportRecord | None:
        """A report of this server by id, or None."""
        report = await self._repo.get_report(report_id)
        return report if report is not None and report.guild_id == guild_id else None

    # ----------------------------------------------------------------- feedback
    async def record_feedback(
        self,
        guild_id: int | None,
        message_id: int,
        user_id: int,
        value: int | str,
        *,
        channel_id: int | None = None,
    ) -> FeedbackResult:
        """Record a thumbs up (1 or "up") or down (-1 or "down") on a reply; one vote per
        user per reply, and a later vote replaces the earlier one."""
        vote = _parse_vote(value)
        previous = await self._repo.set_feedback(
            guild_id or 0, channel_id, message_id, user_id, vote
        )
        totals = await self._repo.feedback_totals(message_id)
        return FeedbackResult(vote, previous, totals)

    # ----------------------------------------------------------------- events
    async def record_event(self, event: ModerationEvent) -> EventNotice | None:
        """Store a filter event (masked) and say what to post to the mod log, if anything.

        Events in direct messages have no moderators and are not stored. Notices are paced
        per server so a flood of flagged messages cannot flood the mod log.
        """
        if event.guild_id is None:
            return None
        policy = await self._moderation.policy_for(event.guild_id)
        excerpt = shorten(mask_all(event.excerpt, self.filter, policy), 200)
        if event.kind == "input_care":
            excerpt = ""  # someone's distress is theirs; moderators get a nudge, not the words
        stored = await self._repo.add_event(
            NewModerationEvent(
                guild_id=event.guild_id,
                channel_id=event.channel_id,
                user_id=event.user_id,
                kind=event.kind,
                category=event.category[:40] if event.category else None,
                excerpt=excerpt,
                message_id=event.message_id,
            )
        )
        text = describe_event(stored) if self._may_notify(event.guild_id) else None
        return EventNotice(stored, text)

    def _may_notify(self, guild_id: int) -> bool:
        now = self._clock()
        times = self._notice_times.setdefault(guild_id, deque())
        while times and now - times[0] >= NOTICE_WINDOW:
            times.popleft()
        if len(times) >= self._notices_per_window:
            return False
        times.append(now)
        return True

    async def events(self, guild_id: int, limit: int = EVENTS_SHOWN) -> list[ModerationEventRecord]:
        """The server's newest filter events first."""
        return await self._repo.events(guild_id, limit=limit)

    # ----------------------------------------------------------------- audit
    async def audit_page(self, guild_id: int, page: int = 1) -> AuditPage:
        """One page of the audit trail, newest first."""
        if isinstance(page, bool) or not isinstance(page, int) or not 1 <= page <= MAX_AUDIT_PAGES:
            raise AdminError(f"The page must be between 1 and {MAX_AUDIT_PAGES}; got {page!r}.")
        wanted = page * AUDIT_PER_PAGE
        entries = await self._db.audit.list(guild_id, limit=wanted + 1)
        shown = entries[(page - 1) * AUDIT_PER_PAGE : wanted]
        has_next = len(entries) > wanted and page < MAX_AUDIT_PAGES
        return AuditPage(tuple(shown), page, has_next)


def _clip(snapshot: MessageSnapshot) -> MessageSnapshot:
    content = snapshot.content
    if len(content) > MAX_SNAPSHOT_LENGTH:
        content = content[: MAX_SNAPSHOT_LENGTH - 1] + "…"
    return MessageSnapshot(
        message_id=snapshot.message_id,
        author_id=snapshot.author_id,
        author=snapshot.author[:256],
        content=content,
        at=snapshot.at,
    )


# --- readable descriptions --------------------------------------------------------------------

_EVENT_LINES = {
    "input_blocked": (
        "🚫 I declined a message from <@{user}> in <#{channel}> ({category}): “{excerpt}”"
    ),
    "input_care": (
        "💛 <@{user}> in <#{channel}> may be going through a hard time. I answered with care "
        "and crisis resources; a kind check-in from someone they know could help."
    ),
    "output_blocked": (
        "🛑 I withheld a draft reply to <@{user}> in <#{channel}> that broke the content rules "
        "and answered with a safe line instead."
    ),
    "manipulation": (
        "🕵️ <@{user}> in <#{channel}> tried to change my rules ({category}): “{excerpt}”. "
        "It didn't work; nothing to do unless it keeps happening."
    ),
}


def describe_event(event: ModerationEventRecord) -> str:
    """One line for the mod log about a filter event (the excerpt is already masked)."""
    return _EVENT_LINES[event.kind].format(
        user=event.user_id,
        channel=event.channel_id,
        category=(event.category or "unspecified").replace("_", " "),
        excerpt=event.excerpt or "…",
    )


RoleNamer = Callable[[int], str | None]


def _value(name: str, value: Any, role_name: RoleNamer | None = None) -> str:
    if value is None:
        return "none"
    if name == "log_channel_id":
        return f"<#{value}>"
    if name == "mod_role_id":
        # Role mentions are defused on the way out, so show the role's name.
        found = role_name(value) if role_name is not None else None
        return f"@{found}" if found else f"role {value}"
    return f"`{value}`"


_SETTING_NAMES = {
    "log_channel_id": "mod log",
    "mod_role_id": "moderator role",
    "strictness": "strictness",
    "persona_id": "persona",
}


def describe_audit(entry: AuditEntry, role_name: RoleNamer | None = None) -> str:
    """What an audit entry records, as a short sentence (without who and when);
    ``role_name`` finds a role's name by id (roles cannot be shown as mentions)."""
    d = dict(entry.detail)
    action = entry.action
    if action == "moderation.setup":
        parts = [
            f"{_SETTING_NAMES.get(k, k)} {_value(k, v.get('from'), role_name)} → "
            f"{_value(k, v.get('to'), role_name)}"
            for k, v in d.items()
            if isinstance(v, Mapping)
        ]
        return "changed " + ", ".join(parts) if parts else "changed moderation settings"
    if action == "moderation.terms.add":
        return f"added {d.get('kind', '?')} term `{d.get('term', '?')}`"
    if action == "moderation.terms.remove":
        return f"removed {d.get('kind', '?')} term `{d.get('term', '?')}`"
    if action == "moderation.report.resolve":
        return f"resolved report #{d.get('report', '?')}"
    if action == "persona.use":
        return f"switched the persona to `{d.get('persona_id', '?')}`"
    if action == "persona.edit":
        fields = ", ".join(d.get("fields", [])) or "nothing"
        return f"edited persona `{d.get('persona_id', '?')}` ({fields})"
    if action == "persona.set":
        return f"set `{d.get('field', '?')}` of persona `{d.get('persona_id', '?')}`"
    if action == "persona.import":
        return f"imported persona `{d.get('persona_id', '?')}`"
    if action == "persona.reset":
        return "reset the persona to the default"
    if action == "persona.channel":
        persona = d.get("persona_id")
        where = f"<#{d.get('channel_id', '?')}>"
        return (
            f"set the persona of {where} to `{persona}`"
            if persona
            else f"removed the persona override of {where}"
        )
    if action == "chat.mode":
        return f"set chat mode of <#{d.get('channel_id', '?')}> to `{d.get('mode', '?')}`"
    shown = ", ".join(f"{k}: {v}" for k, v in sorted(d.items()))
    return f"{action}" + (f" ({shorten(shown, 150)})" if shown else "")
