"""The storage and services behind the moderation end-to-end tests, exercised directly (no
emulator): migration 0006 and its repository, and bot.moderation.admin (terms, settings,
reports, feedback, filter events, the audit trail, masking)."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.moderation import ModerationFilter
from bot.moderation.admin import (
    AdminError,
    ModerationAdmin,
    describe_audit,
    mask_all,
    normalise_term,
)
from bot.moderation.policy import MAX_TERMS
from bot.moderation.service import ModerationEvent, ModerationService
from bot.storage import ConstraintError, Database, open_database
from bot.storage.moderation_repo import MessageSnapshot, NewModerationEvent, NewReport
from bot.storage.repositories import AuditEntry

GUILD, OTHER_GUILD, CHANNEL = 10, 11, 20
MOD, MEMBER, TROLL = 30, 31, 32


@functools.cache
def shared_filter() -> ModerationFilter:
    """One compiled filter for the whole module (it is immutable)."""
    return ModerationFilter()


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await open_database(tmp_path / "hearth.db")
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
def moderation(db: Database) -> ModerationService:
    return ModerationService(db, shared_filter())


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def admin(db: Database, moderation: ModerationService, clock: Clock) -> ModerationAdmin:
    found = ModerationAdmin(db, moderation, clock=clock, notices_per_window=2)
    found.attach()
    return found


def snapshot(message_id: int, content: str = "hello", author_id: int = TROLL) -> MessageSnapshot:
    return MessageSnapshot(
        message_id=message_id, author_id=author_id, author="Troll", content=content, at=5.0
    )


# --- storage ------------------------------------------------------------------------------------


async def test_migration_creates_the_tables(db: Database) -> None:
    counts = await db.table_counts()
    for table in ("mod_terms", "mod_reports", "reply_feedback", "mod_events"):
        assert counts[table] == 0


async def test_repository_rejects_bad_values_with_clear_messages(db: Database) -> None:
    repo = db.moderation
    with pytest.raises(ValueError, match="term kind must be one of 'blocked', 'allowed'"):
        await repo.add_term(GUILD, "banned", "word", MOD)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"feedback must be 1 .* or -1"):
        await repo.set_feedback(GUILD, CHANNEL, 1, MEMBER, 0)
    with pytest.raises(ValueError, match="feedback must be"):
        await repo.set_feedback(GUILD, CHANNEL, 1, MEMBER, True)
    with pytest.raises(ValueError, match="report context may hold at most 10"):
        await repo.add_report(
            NewReport(
                guild_id=GUILD,
                channel_id=CHANNEL,
                message=snapshot(1),
                context=tuple(snapshot(i) for i in range(11)),
                reporter_id=MEMBER,
            )
        )
    with pytest.raises(ValueError, match="event kind must be one of"):
        await repo.add_event(
            NewModerationEvent(
                guild_id=GUILD, channel_id=CHANNEL, user_id=MEMBER, kind="shouting",  # type: ignore[arg-type]
                category=None, excerpt="",
            )
        )  # fmt: skip


async def test_reports_round_trip_and_one_open_report_per_member(db: Database) -> None:
    repo = db.moderation
    report = NewReport(
        guild_id=GUILD,
        channel_id=CHANNEL,
        message=snapshot(100, "the reported words"),
        context=(snapshot(98, "before"), snapshot(99, "just before", author_id=MEMBER)),
        reporter_id=MEMBER,
        reason="rude",
    )
    stored = await repo.add_report(report)
    assert stored.status == "open" and stored.message.content == "the reported words"
    assert [c.content for c in stored.context] == ["before", "just before"]
    assert stored.context[1].author_id == MEMBER
    with pytest.raises(ConstraintError, match=f"report #{stored.id} .* is still open"):
        await repo.add_report(report)
    assert await repo.resolve_report(OTHER_GUILD, stored.id, MOD) is None  # not theirs
    resolved = await repo.resolve_report(GUILD, stored.id, MOD)
    assert resolved is not None and resolved.resolver_id == MOD and resolved.resolved_at
    assert await repo.resolve_report(GUILD, stored.id, MOD) is None  # already resolved
    again = await repo.add_report(report)  # the earlier one is closed: a new one may open
    assert again.id != stored.id
    assert await repo.count_reports(GUILD) == 1
    assert await repo.count_reports(GUILD, status="resolved") == 1


async def test_events_newest_first_and_forgetting_a_user(db: Database) -> None:
    repo = db.moderation
    for kind in ("input_blocked", "manipulation", "output_blocked"):
        await repo.add_event(
            NewModerationEvent(
                guild_id=GUILD, channel_id=CHANNEL, user_id=TROLL, kind=kind,  # type: ignore[arg-type]
                category="x", excerpt="e" * 500,
            )
        )  # fmt: skip
    events = await repo.events(GUILD)
    assert [e.kind for e in events] == ["output_blocked", "manipulation", "input_blocked"]
    assert len(events[0].excerpt) == 300 and events[0].excerpt.endswith("…")
    assert [e.kind for e in await repo.events(GUILD, kind="manipulation")] == ["manipulation"]
    await repo.set_feedback(GUILD, CHANNEL, 5, TROLL, 1)
    await repo.set_feedback(GUILD, CHANNEL, 5, MEMBER, -1)
    assert await repo.delete_for_user(TROLL) == 4
    assert await repo.events(GUILD) == []
    totals = await repo.feedback_totals(5)
    assert (totals.up, totals.down) == (0, 1)


# --- terms -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("fr(ee)+", "Regular expressions are not supported"),
        ("\\bnitro\\b", "character(s) '\\\\' not allowed"),
        ("ni*tro", "'*' is only allowed as the first and/or last character"),
        ("*", "'*' is only allowed"),
        ("   ", "empty term"),
        ("a" * 41, "longer than 40 characters"),
    ],
)
def test_bad_terms_are_refused_with_the_policy_s_reason(raw: str, expected: str) -> None:
    with pytest.raises(AdminError, match="I can't use that term: ") as caught:
        normalise_term("blocked", raw)
    assert expected in str(caught.value)
    assert "blocked_terms[0]" not in str(caught.value)


def test_terms_are_stored_normalised() -> None:
    assert normalise_term("blocked", "  *FREE   Nitro*  ") == "*free nitro*"
    assert normalise_term("allowed", "Scunthorpe") == "scunthorpe"
    with pytest.raises(AdminError, match="must be 'blocked' or 'allowed'"):
        normalise_term("banned", "word")


async def test_adding_terms_updates_the_policy_and_the_audit(
    admin: ModerationAdmin, moderation: ModerationService, db: Database
) -> None:
    assert (await moderation.policy_for(GUILD)).blocked_terms == ()  # cached before the change
    change = await admin.add_term(GUILD, MOD, "blocked", "*Nitro*")
    assert change.changed and change.pattern == "*nitro*"
    assert not (await admin.add_term(GUILD, MOD, "blocked", "*nitro*")).changed
    assert (await moderation.policy_for(GUILD)).blocked_terms == ("*nitro*",)
    assert (await moderation.policy_for(OTHER_GUILD)).blocked_terms == ()
    removed = await admin.remove_term(GUILD, MOD, "blocked", "*NITRO*")
    assert removed.changed
    assert not (await admin.remove_term(GUILD, MOD, "blocked", "*nitro*")).changed
    assert (await moderation.policy_for(GUILD)).blocked_terms == ()
    entries = await db.audit.list(GUILD)
    assert [(e.action, e.detail) for e in entries] == [
        ("moderation.terms.remove", {"kind": "blocked", "term": "*nitro*"}),
        ("moderation.terms.add", {"kind": "blocked", "term": "*nitro*"}),
    ]


async def test_a_server_may_not_have_more_than_the_policy_allows(
    admin: ModerationAdmin, db: Database
) -> None:
    for index in range(MAX_TERMS):
        await db.moderation.add_term(GUILD, "blocked", f"word{index}", MOD)
    with pytest.raises(AdminError, match=f"already has {MAX_TERMS} blocked terms"):
        await admin.add_term(GUILD, MOD, "blocked", "one more")
    assert (await admin.add_term(GUILD, MOD, "allowed", "fine")).changed


# --- settings -----------------------------------------------------------------------------------


async def test_setup_records_only_what_changed(
    admin: ModerationAdmin, moderation: ModerationService, db: Database
) -> None:
    assert (await moderation.policy_for(GUILD)).strictness == "standard"
    nothing = await admin.setup(GUILD, MOD, strictness="standard")
    assert nothing.changes == {} and await db.audit.list(GUILD) == []
    result = await admin.setup(GUILD, MOD, strictness="strict", log_channel_id=CHANNEL)
    assert result.changes == {
        "strictness": ("standard", "strict"),
        "log_channel_id": (None, CHANNEL),
    }
    assert (await moderation.policy_for(GUILD)).strictness == "strict"
    cleared = await admin.setup(GUILD, MOD, log_channel_id=None)
    assert cleared.settings.log_channel_id is None and cleared.settings.strictness == "strict"
    assert len(await db.audit.list(GUILD)) == 2
    with pytest.raises(AdminError, match="Strictness must be one of relaxed, standard, strict"):
        await admin.setup(GUILD, MOD, strictness="extreme")
    with pytest.raises(AdminError, match="default role"):
        await admin.setup(GUILD, MOD, mod_role_id=GUILD)


# --- reports ----------------------------------------------------------------------------------


async def test_filing_clips_long_text_and_spots_duplicates(admin: ModerationAdmin) -> None:
    filed = await admin.file_report(
        guild_id=GUILD,
        channel_id=CHANNEL,
        message=snapshot(7, "x" * 5000),
        context=[snapshot(i) for i in range(15)],
        reporter_id=MEMBER,
        reason="r" * 900,
    )
    report = filed.report
    assert not filed.duplicate
    assert len(report.message.content) == 4000 and report.message.content.endswith("…")
    assert len(report.context) == 10 and report.context[-1].message_id == 14
    assert len(report.reason) == 500
    again = await admin.file_report(
        guild_id=GUILD, channel_id=CHANNEL, message=snapshot(7), context=[], reporter_id=MEMBER
    )
    assert again.duplicate and again.report.id == report.id


async def test_report_pages_and_resolving(admin: ModerationAdmin, db: Database) -> None:
    for index in range(7):
        await admin.file_report(
            guild_id=GUILD, channel_id=CHANNEL, message=snapshot(100 + index), context=[],
            reporter_id=MEMBER,
        )  # fmt: skip
    first = await admin.open_reports(GUILD)
    assert (first.page, first.pages, first.total) == (1, 2, 7)
    assert [r.message.message_id for r in first.reports] == [100, 101, 102, 103, 104]
    last = await admin.open_reports(GUILD, 9)
    assert last.page == 2 and [r.message.message_id for r in last.reports] == [105, 106]
    with pytest.raises(AdminError, match="at least 1"):
        await admin.open_reports(GUILD, 0)

    outcome = await admin.resolve_report(GUILD, first.reports[0].id, MOD)
    assert not outcome.already and outcome.report.status == "resolved"
    repeat = await admin.resolve_report(GUILD, first.reports[0].id, MEMBER)
    assert repeat.already and repeat.report.resolver_id == MOD
    with pytest.raises(AdminError, match="There is no report #999"):
        await admin.resolve_report(GUILD, 999, MOD)
    with pytest.raises(AdminError, match="no report"):
        await admin.resolve_report(OTHER_GUILD, first.reports[1].id, MOD)
    assert (await admin.open_reports(GUILD)).total == 6
    [entry] = await db.audit.list(GUILD)
    assert entry.action == "moderation.report.resolve" and entry.actor_id == MOD


# --- feedback -----------------------------------------------------------------------------------


async def test_feedback_one_vote_per_person(admin: ModerationAdmin) -> None:
    first = await admin.record_feedback(GUILD, 55, MEMBER, "up", channel_id=CHANNEL)
    assert (
        first.changed and first.previous is None and (first.totals.up, first.totals.down) == (1, 0)
    )
    same = await admin.record_feedback(GUILD, 55, MEMBER, 1)
    assert not same.changed
    flipped = await admin.record_feedback(GUILD, 55, MEMBER, "down")
    assert flipped.changed and flipped.previous == 1
    dm = await admin.record_feedback(None, 55, TROLL, -1)
    assert (dm.totals.up, dm.totals.down) == (0, 2)
    for bad in ("sideways", 0, 2, True, None):
        with pytest.raises(ValueError, match="feedback must be 'up', 'down', 1 or -1"):
            await admin.record_feedback(GUILD, 55, MEMBER, bad)  # type: ignore[arg-type]


# --- filter events --------------------------------------------------------------------------------


def event(kind: str = "input_blocked", excerpt: str = "you are a f***", guild: int | None = GUILD):  # type: ignore[no-untyped-def]
    return ModerationEvent(kind, guild, CHANNEL, TROLL, "profanity", excerpt, 9)  # type: ignore[arg-type]


async def test_events_are_masked_stored_and_paced(admin: ModerationAdmin, clock: Clock) -> None:
    assert await admin.record_event(event(guild=None)) is None  # DMs have no moderators
    first = await admin.record_event(event("manipulation", "ignore your rules, you shit"))
    assert first is not None and first.text is not None
    assert "you s***" in first.event.excerpt and "shit" not in first.text
    assert f"<@{TROLL}>" in first.text and f"<#{CHANNEL}>" in first.text
    second = await admin.record_event(event())
    third = await admin.record_event(event())
    assert second is not None and second.text is not None
    assert third is not None and third.text is None  # paced: stored, not posted
    clock.now += 61
    fourth = await admin.record_event(event())
    assert fourth is not None and fourth.text is not None
    care = await admin.record_event(event("input_care", "something private"))
    assert care is not None and care.event.excerpt == "" and "private" not in (care.text or "")
    assert len(await admin.events(GUILD)) == 5


def test_mask_all_masks_every_match_and_keeps_the_rest() -> None:
    text = "well shit, that fucking thing\nagain"
    masked = mask_all(text, shared_filter())
    assert masked == "well s***, that f****** thing\nagain"
    assert mask_all("a perfectly nice day in Scunthorpe", shared_filter()) == (
        "a perfectly nice day in Scunthorpe"
    )
    assert mask_all("", shared_filter()) == ""


# --- audit ------------------------------------------------------------------------------------


async def test_audit_pages(admin: ModerationAdmin, db: Database) -> None:
    for index in range(25):
        await db.audit.record(GUILD, MOD, "chat.mode", {"channel_id": CHANNEL, "mode": str(index)})
    first = await admin.audit_page(GUILD)
    assert len(first.entries) == 10 and first.has_next and first.entries[0].detail["mode"] == "24"
    third = await admin.audit_page(GUILD, 3)
    assert len(third.entries) == 5 and not third.has_next
    assert (await admin.audit_page(GUILD, 4)).entries == ()
    with pytest.raises(AdminError, match="between 1 and 20"):
        await admin.audit_page(GUILD, 21)


@pytest.mark.parametrize(
    ("action", "detail", "expected"),
    [
        (
            "moderation.setup",
            {
                "strictness": {"from": "standard", "to": "strict"},
                "mod_role_id": {"from": None, "to": 5},
            },
            "changed strictness `standard` → `strict`, moderator role none → @Helpers",
        ),
        (
            "moderation.terms.add",
            {"kind": "blocked", "term": "*nitro*"},
            "added blocked term `*nitro*`",
        ),
        ("moderation.report.resolve", {"report": 4}, "resolved report #4"),
        ("persona.use", {"persona_id": "ember"}, "switched the persona to `ember`"),
        (
            "persona.channel",
            {"channel_id": 3, "persona_id": None},
            "removed the persona override of <#3>",
        ),
        (
            "trivia.pack.add",
            {"name": "space", "questions": 2},
            "trivia.pack.add (name: space, questions: 2)",
        ),
    ],
)
def test_audit_entries_read_as_sentences(action: str, detail: dict, expected: str) -> None:  # type: ignore[type-arg]
    entry = AuditEntry(1, GUILD, MOD, action, detail, 0.0)
    assert describe_audit(entry, {5: "Helpers"}.get) == expected
