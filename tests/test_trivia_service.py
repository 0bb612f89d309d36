"""The trivia service without Discord: sessions with a hand-driven clock, storage, packs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.games.trivia.bank import load_bank
from bot.games.trivia.events import (
    ActionRejected,
    AnswerRecorded,
    Event,
    GameOver,
    GameStarted,
    HintGiven,
    QuestionAsked,
    QuestionRevealed,
    ScoreboardSnapshot,
)
from bot.games.trivia.models import Question
from bot.games.trivia.opentdb import OpenTDBError
from bot.games.trivia.packs import MAX_PACKS_PER_GUILD, PackError
from bot.games.trivia.service import (
    ONLINE_FALLBACK,
    GameBusyError,
    NoGameError,
    NotAllowedError,
    OptionsError,
    StartRequest,
    TriviaService,
)
from bot.games.trivia.session import SessionInfo
from bot.output import OutputGate
from bot.storage import Database, StorageError, open_database

GUILD, CHANNEL, OTHER_CHANNEL = 100, 200, 201
ALICE, BOB, CARA = 1, 2, 3
NAMES = {ALICE: "Alice", BOB: "Bob", CARA: "Cara"}


class FakeClock:
    """Wall-clock seconds the test sets by hand (for stored timestamps)."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class ManualTime:
    """Game time that moves only when the test says so."""

    def __init__(self) -> None:
        self.t = 0.0
        self._waiters: list[tuple[float, asyncio.Future[None]]] = []

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        target = self.t + seconds
        if target <= self.t:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append((target, future))
        await future

    def advance(self, seconds: float) -> None:
        self.t += seconds
        due = [(t, f) for t, f in self._waiters if t <= self.t]
        self._waiters = [(t, f) for t, f in self._waiters if t > self.t]
        for _, future in due:
            if not future.done():
                future.set_result(None)


class FakeTable:
    """Collects what the game shows."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.infos: list[SessionInfo] = []

    async def show(self, event: Event, info: SessionInfo) -> None:
        self.events.append(event)
        self.infos.append(info)

    def pointer(self) -> str | None:
        return "https://discord.com/channels/100/200/300"

    def of(self, kind: type) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]


async def until(condition: Callable[[], object], timeout: float = 5.0) -> None:
    """Let the session's tasks (and the database thread) run until `condition` holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.005)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def db(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Database]:
    database = await open_database(tmp_path / "hearth.db", clock=clock)
    yield database
    await database.close()


@pytest.fixture
def game_time() -> ManualTime:
    return ManualTime()


@pytest.fixture
async def service(db: Database, game_time: ManualTime, clock: FakeClock) -> AsyncIterator[Any]:
    svc = TriviaService(
        db.trivia, check_text=OutputGate().render, time=game_time, reveal_pause=2.0, clock=clock
    )
    yield svc
    await svc.close()


def request(user: int = ALICE, channel: int = CHANNEL, **options: Any) -> StartRequest:
    return StartRequest(
        guild_id=GUILD, channel_id=channel, user_id=user, user_name=NAMES[user], **options
    )


async def right_and_wrong(service: TriviaService, table: FakeTable) -> tuple[int, int]:
    asked = table.of(QuestionAsked)[-1]
    answer = (await service.pool(GUILD)).by_id(asked.question_id).answer
    right = asked.options.index(answer)
    return right, (right + 1) % 4


# --- starting -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"rounds": 0}, "rounds must be between 1 and 50 (got 0)"),
        ({"rounds": 10_000}, "rounds must be between 1 and 50 (got 10000)"),
        ({"timer": 1}, "timer must be between 10 and 120 seconds (got 1)"),
        ({"timer": 86_400}, "timer must be between 10 and 120 seconds (got 86400)"),
        ({"mode": "loud"}, "mode must be 'buttons' or 'typed' (got 'loud')"),
        ({"difficulty": "brutal"}, "difficulty must be easy, medium, hard or any"),
    ],
)
async def test_bad_options_are_refused_with_their_bounds(service, options, problem) -> None:
    with pytest.raises(OptionsError) as caught:
        await service.start(request(**options), FakeTable())
    assert any(problem in p for p in caught.value.problems)
    assert str(caught.value).startswith("I can't start that game:\n- ")
    assert not service.is_running(CHANNEL)


async def test_an_unknown_category_comes_with_suggestions(service) -> None:
    with pytest.raises(OptionsError) as caught:
        await service.start(request(category="histroy"), FakeTable())
    assert caught.value.suggestions[0] == "history"
    assert "Did you mean history" in str(caught.value)


async def test_one_game_per_channel_and_the_refusal_points_to_it(service) -> None:
    table = FakeTable()
    await service.start(request(rounds=3), table)
    await until(lambda: table.of(QuestionAsked))
    with pytest.raises(GameBusyError) as caught:
        await service.start(request(BOB), FakeTable())
    assert "question 1 of 3, started by Alice" in str(caught.value)
    assert caught.value.pointer == table.pointer()
    other = FakeTable()
    await service.start(request(BOB, channel=OTHER_CHANNEL), other)
    assert service.is_running(CHANNEL) and service.is_running(OTHER_CHANNEL)


async def test_two_starts_at_once_make_one_game(service, db) -> None:
    results = await asyncio.gather(
        service.start(request(ALICE), FakeTable()),
        service.start(request(BOB), FakeTable()),
        return_exceptions=True,
    )
    assert sum(isinstance(r, GameBusyError) for r in results) == 1
    async with db.connection() as conn:
        rows = await conn.execute_fetchall("SELECT COUNT(*) FROM trivia_games")
    assert rows[0][0] == 1


async def test_recent_questions_are_not_repeated(service, game_time) -> None:
    first = FakeTable()
    session = await service.start(request(rounds=5, category="space"), first)
    await until(lambda: first.of(QuestionAsked))
    service.stop(CHANNEL, ALICE, "Alice", moderator=False)
    await session.wait_finished()
    asked = {e.question_id for e in first.of(QuestionAsked)}
    second = FakeTable()
    session = await service.start(request(rounds=20, category="space"), second)
    assert not asked & {q.id for q in session.game.questions}


# --- playing --------------------------------------------------------------------------------


async def test_a_buttons_game_runs_on_its_timer_and_is_stored(service, game_time, db) -> None:
    table = FakeTable()
    session = await service.start(request(rounds=2, timer=10), table)
    await until(lambda: table.of(QuestionAsked))
    assert isinstance(table.events[0], GameStarted)
    right, wrong = await right_and_wrong(service, table)
    game_id = session.info.game_id
    assert isinstance(service.choose(CHANNEL, game_id, 1, ALICE, "Alice", right)[0], AnswerRecorded)
    game_time.advance(2)
    service.choose(CHANNEL, game_id, 1, BOB, "Bob", wrong)
    again = service.choose(CHANNEL, game_id, 1, BOB, "Bob", right)
    assert again == [ActionRejected(BOB, "you have already answered this question")]
    assert not table.of(QuestionRevealed)
    game_time.advance(8)  # the deadline
    await until(lambda: table.of(QuestionRevealed))
    [reveal] = table.of(QuestionRevealed)
    assert reveal.closed_by == "timeout" and [a.user_id for a in reveal.correct] == [ALICE]
    game_time.advance(2)  # the pause after a reveal
    await until(lambda: len(table.of(QuestionAsked)) == 2)
    right, wrong = await right_and_wrong(service, table)
    service.choose(CHANNEL, game_id, 2, BOB, "Bob", wrong)
    service.choose(CHANNEL, game_id, 2, ALICE, "Alice", right)  # everyone known answered
    await session.wait_finished()
    assert not service.is_running(CHANNEL)
    [over] = table.of(GameOver)
    assert over.reason == "completed" and over.result.winner.user_id == ALICE
    record = await db.trivia.get_game(game_id)
    assert record.status == "completed" and record.winner_id == ALICE
    assert len(record.question_ids) == 2
    alice = await db.trivia.player_stats(GUILD, ALICE)
    assert (alice.correct, alice.answered, alice.games, alice.wins) == (2, 2, 1, 1)
    assert alice.best_streak == 2
    assert alice.points == over.result.players[0].points


async def test_a_typed_game_goes_to_the_first_right_message(service, game_time) -> None:
    table = FakeTable()
    session = await service.start(request(rounds=1, mode="typed", timer=30), table)
    await until(lambda: table.of(QuestionAsked))
    assert service.claims_message(CHANNEL) and not service.claims_message(OTHER_CHANNEL)
    asked = table.of(QuestionAsked)[0]
    answer = (await service.pool(GUILD)).by_id(asked.question_id).answer
    assert service.guess(OTHER_CHANNEL, BOB, "Bob", answer) == []
    [miss] = service.guess(CHANNEL, BOB, "Bob", "certainly not this")
    assert miss.guesses_left == 2
    events = service.guess(CHANNEL, ALICE, "Alice", f"I think it's {answer}!")
    [reveal] = [e for e in events if isinstance(e, QuestionRevealed)]
    assert reveal.correct[0].user_id == ALICE and reveal.closed_by == "answered"
    await session.wait_finished()
    assert not service.claims_message(CHANNEL)


async def test_silence_ends_the_game(service, game_time, db) -> None:
    table = FakeTable()
    session = await service.start(request(rounds=10, timer=10), table)
    for number in range(1, 4):
        await until(lambda n=number: len(table.of(QuestionAsked)) == n)
        game_time.advance(10)
        await until(lambda n=number: len(table.of(QuestionRevealed)) == n)
        game_time.advance(2)
    await session.wait_finished()
    [over] = table.of(GameOver)
    assert over.reason == "silence" and over.result.winner is None
    assert (await db.trivia.get_game(session.info.game_id)).status == "silence"


async def test_skip_stop_and_hint_rules(service, game_time) -> None:
    with pytest.raises(NoGameError):
        service.hint(CHANNEL, ALICE)
    table = FakeTable()
    session = await service.start(request(rounds=3, timer=60), table)
    await until(lambda: table.of(QuestionAsked))
    [hint] = service.hint(CHANNEL, BOB)  # anyone may ask for a hint
    assert isinstance(hint, HintGiven) and len(hint.removed_options) == 2
    assert service.hint(CHANNEL, CARA)[0].reason.startswith("the hint for this question")
    with pytest.raises(NotAllowedError, match="Only Alice"):
        service.skip(CHANNEL, BOB, moderator=False)
    events = service.skip(CHANNEL, CARA, moderator=True)
    assert events[0].closed_by == "skipped"
    with pytest.raises(NotAllowedError):
        service.stop(CHANNEL, BOB, "Bob", moderator=False)
    service.stop(CHANNEL, ALICE, "Alice", moderator=False)
    await session.wait_finished()
    assert table.infos[-1].stopped_by == "Alice"
    assert table.of(GameOver)[0].reason == "stopped"
    # The final scoreboard reaches the table too (the cog folds it into the game-over card).
    assert table.of(ScoreboardSnapshot)[-1].final


async def test_buttons_from_another_game_or_question_are_refused(service) -> None:
    table = FakeTable()
    session = await service.start(request(rounds=2, timer=60), table)
    await until(lambda: table.of(QuestionAsked))
    game_id = session.info.game_id
    [old_game] = service.choose(CHANNEL, game_id + 1, 1, BOB, "Bob", 0)
    assert old_game.reason.startswith("that game is over")
    [old_question] = service.choose(CHANNEL, game_id, 2, BOB, "Bob", 0)
    assert old_question.reason.startswith("that question is closed")
    [nowhere] = service.choose(OTHER_CHANNEL, game_id, 1, BOB, "Bob", 0)
    assert isinstance(nowhere, ActionRejected)


class FailingRecords:
    """A repository whose per-question writes fail (a full disk, say)."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    async def record_question(self, *args: Any, **kwargs: Any) -> None:
        raise StorageError("the disk is full")


async def test_a_storage_failure_does_not_freeze_the_game(db, game_time, clock, caplog) -> None:
    service = TriviaService(
        FailingRecords(db.trivia),  # type: ignore[arg-type]
        check_text=OutputGate().render,
        time=game_time,
        reveal_pause=1.0,
        clock=clock,
    )
    table = FakeTable()
    session = await service.start(request(rounds=2, timer=10), table)
    await until(lambda: table.of(QuestionAsked))
    service.skip(CHANNEL, ALICE, moderator=False)
    await until(lambda: table.of(QuestionRevealed))
    game_time.advance(1)
    await until(lambda: len(table.of(QuestionAsked)) == 2)
    service.stop(CHANNEL, ALICE, "Alice", moderator=False)
    await session.wait_finished()
    assert table.of(GameOver) and "could not store trivia game" in caplog.text
    await service.close()


# --- restart --------------------------------------------------------------------------------


async def test_a_restart_ends_running_games_and_keeps_their_points(db, game_time, clock) -> None:
    service = TriviaService(db.trivia, check_text=str, time=game_time, reveal_pause=1.0)
    table = FakeTable()
    session = await service.start(request(rounds=5, timer=10), table)
    await until(lambda: table.of(QuestionAsked))
    right, wrong = await right_and_wrong(service, table)
    service.choose(CHANNEL, session.info.game_id, 1, BOB, "Bob", right)
    service.choose(CHANNEL, session.info.game_id, 1, ALICE, "Alice", wrong)
    game_time.advance(10)
    await until(lambda: table.of(QuestionRevealed))
    stored: list[object] = []

    async def answers_stored() -> None:
        while not stored or stored[-1] is None:
            stored.append(await db.trivia.player_stats(GUILD, BOB))

    await asyncio.wait_for(answers_stored(), 5)
    await service.close()  # Hearth stops: the game stays "running" in storage
    assert (await db.trivia.get_game(session.info.game_id)).status == "running"

    reopened = await TriviaService.open(db.trivia, str, settings=None)
    [ended] = reopened.take_interrupted()
    assert reopened.take_interrupted() == []
    assert ended.game.status == "interrupted" and ended.game.winner_id == BOB
    assert [p.user_id for p in ended.players] == [BOB, ALICE]
    assert ended.players[0].points > 0 and ended.players[1].points == 0
    stats = await db.trivia.player_stats(GUILD, BOB)
    assert (stats.games, stats.wins, stats.points) == (1, 1, ended.players[0].points)
    # The channel is free again.
    table = FakeTable()
    await reopened.start(request(CARA, rounds=1, timer=60), table)
    await until(lambda: table.of(QuestionAsked))
    await reopened.close()


# --- online source --------------------------------------------------------------------------


class FakeOnline:
    """Stands in for OpenTDBClient: returns the given questions or raises."""

    def __init__(self, questions: list[Question] | None = None) -> None:
        self.questions = questions
        self.asked: list[tuple[int, str | None, str | None]] = []
        self.closed = False

    async def fetch(
        self, amount: int = 10, category: str | None = None, difficulty: str | None = None
    ) -> list[Question]:
        self.asked.append((amount, category, difficulty))
        if self.questions is None:
            raise OpenTDBError("cannot reach Open Trivia DB: offline")
        return self.questions[:amount]

    async def aclose(self) -> None:
        self.closed = True


def _online_question(i: int) -> Question:
    return Question(
        id=f"otdb-{i:04d}",
        category="science",
        difficulty="easy",
        question=f"Online question number {i}?",
        answer=f"Answer {i}",
        wrong=("Nope one", "Nope two", "Nope three"),
    )


async def test_the_online_source_is_used_when_it_answers(db, game_time) -> None:
    online = FakeOnline([_online_question(i) for i in range(3)])
    service = TriviaService(db.trivia, check_text=str, online=online, time=game_time)  # type: ignore[arg-type]
    session = await service.start(request(rounds=5, category="science"), FakeTable())
    ids = [q.id for q in session.game.questions]
    assert ids[:3] == ["otdb-0000", "otdb-0001", "otdb-0002"]  # topped up from the bank
    assert len(ids) == 5 and not ids[3].startswith("otdb")
    assert online.asked == [(5, "science", None)] and session.info.notice is None
    await service.close()
    assert online.closed


async def test_an_unreachable_online_source_falls_back_with_a_notice(db, game_time) -> None:
    service = TriviaService(db.trivia, check_text=str, online=FakeOnline(), time=game_time)  # type: ignore[arg-type]
    table = FakeTable()
    session = await service.start(request(rounds=3), table)
    assert session.info.notice == ONLINE_FALLBACK
    assert all(not q.id.startswith("otdb") for q in session.game.questions)
    await until(lambda: table.of(GameStarted))
    assert table.infos[0].notice == ONLINE_FALLBACK
    await service.close()


async def test_open_reads_the_online_setting(db) -> None:
    class Settings:
        trivia_online = True

    on = await TriviaService.open(db.trivia, str, Settings())
    off = await TriviaService.open(db.trivia, str, object())
    assert on.online is not None and off.online is None
    await on.close()


# --- packs ----------------------------------------------------------------------------------

PACK = """\
category = "space"

[[questions]]
id = "club-001"
difficulty = "easy"
question = "Which planet did our club's telescope first look at?"
answer = "Saturn"
wrong = ["Mars", "Venus", "Jupiter"]

[[questions]]
id = "club-002"
difficulty = "hard"
question = "What did we name the club's first telescope?"
answer = "Old Faithful"
wrong = ["Big Eye", "Star Catcher", "Night Owl"]
fact = "It was a darn good telescope."
"""


def censoring(text: str) -> str:
    """An output filter that changes one word (as a server's moderation filter would)."""
    return OutputGate([lambda t: t.replace("darn", "d**n")]).render(text)


async def test_a_valid_pack_joins_the_server_pool_only(service) -> None:
    before = len(await service.pool(GUILD))
    added = await service.add_pack(GUILD, ALICE, "Club Night.toml", PACK.encode())
    assert (added.name, added.questions, added.replaced, added.categories) == (
        "club-night",
        2,
        False,
        ("space",),
    )
    assert len(await service.pool(GUILD)) == before + 2
    assert len(await service.pool(GUILD + 1)) == before  # packs are per server
    again = await service.add_pack(GUILD, BOB, "other.toml", PACK.encode(), name="Club Night")
    assert again.replaced and len(await service.pool(GUILD)) == before + 2
    [summary] = await service.list_packs(GUILD)
    assert (summary.name, summary.questions, summary.author_id) == ("club-night", 2, BOB)
    choices = await service.category_choices(GUILD, "spa")
    assert choices[0].value == "space" and "44 questions" in choices[0].label
    assert await service.remove_pack(GUILD, "Club-Night")
    assert not await service.remove_pack(GUILD, "club-night")
    assert len(await service.pool(GUILD)) == before


async def test_pack_texts_must_pass_the_output_gate(db) -> None:
    service = TriviaService(db.trivia, check_text=censoring)
    with pytest.raises(PackError) as caught:
        await service.add_pack(GUILD, ALICE, "club.toml", PACK.encode())
    [problem] = caught.value.problems
    assert problem.startswith("question 'club-002': its fact 'It was a darn good telescope.'")
    assert "can't show as written" in problem


@pytest.mark.parametrize(
    ("filename", "data", "expected"),
    [
        ("club.txt", PACK, "neither"),
        ("!!!.toml", PACK, "The pack name '!!!' doesn't work"),
        ("club.toml", "questions = 3", "missing 'questions' list"),
        ("club.toml", "[[questions]\n", "not valid TOML"),
        ("club.json", "[]", "pack has no questions"),
        ("club.toml", PACK.replace("club-001", "spc-001"), "duplicate id"),
        (
            "club.toml",
            PACK.replace("Which planet did our club's telescope first look at?", "x" * 301),
            "at most 300 characters",
        ),
    ],
)
async def test_broken_packs_name_each_problem(service, filename, data, expected) -> None:
    with pytest.raises(PackError) as caught:
        await service.add_pack(GUILD, ALICE, filename, data.encode())
    assert expected in caught.value.render()
    assert await service.list_packs(GUILD) == []


async def test_packs_may_not_clash_with_each_other(service) -> None:
    await service.add_pack(GUILD, ALICE, "one.toml", PACK.encode())
    with pytest.raises(PackError) as caught:
        await service.add_pack(GUILD, ALICE, "two.toml", PACK.encode())
    rendered = caught.value.render()
    assert "question 'club-001': duplicate id (already used in pack 'one')" in rendered


async def test_a_server_keeps_at_most_twenty_packs(service) -> None:
    for i in range(MAX_PACKS_PER_GUILD):
        text = PACK.replace("club-", f"c{i}-").replace("?", f" ({i})?")
        await service.add_pack(GUILD, ALICE, f"pack{i}.toml", text.encode())
    with pytest.raises(PackError, match="already has 20 packs"):
        await service.add_pack(GUILD, ALICE, "one-more.toml", PACK.encode())
    # Replacing one of them is still fine.
    text = PACK.replace("club-", "c0-").replace("?", " (0)?")
    assert (await service.add_pack(GUILD, ALICE, "pack0.toml", text.encode())).replaced


async def test_many_problems_are_summarised(service) -> None:
    entries = "\n".join(
        f'[[questions]]\nid = "q{i}"\ncategory = "space"\ndifficulty = "easy"\n'
        f'question = "Q{i}?"\nanswer = "A"\nwrong = ["A", "B", "C"]\n'
        for i in range(30)
    )
    with pytest.raises(PackError) as caught:
        await service.add_pack(GUILD, ALICE, "many.toml", entries.encode())
    rendered = caught.value.render()
    assert "has 30 problems" in rendered and "…and 15 more" in rendered.replace("...", "…")


# --- categories -----------------------------------------------------------------------------


async def test_category_choices_offer_any_then_matches(service) -> None:
    everything = await service.category_choices(GUILD, "")
    assert everything[0].value == "any" and len(everything) == 17
    assert [c.value for c in await service.category_choices(GUILD, "astronomy")] == ["space"]
    assert (await service.category_choices(GUILD, "geogrpahy"))[0].value == "geography"
    assert await service.category_choices(GUILD, "zzzzzz") == []
    assert len(await service.categories(GUILD)) == len(load_bank().categories())
