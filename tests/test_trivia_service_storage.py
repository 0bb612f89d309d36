"""The trivia tables through SqliteTriviaRepository: games, answers, leaderboards, packs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage import ConstraintError, Database, open_database
from bot.storage.trivia_repo import (
    GameAlreadyRunningError,
    NewTriviaGame,
    PlayerTotals,
    TriviaAnswerRecord,
)

GUILD, OTHER_GUILD, CHANNEL = 100, 101, 200
DAY = 86_400.0


class FakeClock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def db(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Database]:
    database = await open_database(tmp_path / "hearth.db", clock=clock)
    yield database
    await database.close()


async def new_game(db: Database, channel: int = CHANNEL, guild: int = GUILD) -> int:
    return await db.trivia.create_game(
        NewTriviaGame(
            guild_id=guild,
            channel_id=channel,
            starter_id=1,
            starter_name="Alice",
            total=5,
            settings={"mode": "buttons", "rounds": 5},
        )
    )


async def play(
    db: Database,
    scores: dict[int, tuple[int, int]],
    *,
    guild: int = GUILD,
    category: str = "space",
    channel: int = CHANNEL,
) -> int:
    """A finished one-question game: each user answered once (points, correct 0/1)."""
    game_id = await new_game(db, channel, guild)
    answers = [TriviaAnswerRecord(u, bool(c), p) for u, (p, c) in scores.items()]
    totals = [PlayerTotals(u, f"P{u}", p, c, 1, c) for u, (p, c) in scores.items()]
    await db.trivia.record_question(game_id, f"{category}-q", category, answers, totals)
    winner = max(scores, key=lambda u: scores[u][0])
    await db.trivia.finish_game(game_id, "completed", winner, totals)
    return game_id


async def test_one_running_game_per_channel(db: Database) -> None:
    game_id = await new_game(db)
    with pytest.raises(GameAlreadyRunningError, match="already has a running trivia game"):
        await new_game(db)
    await new_game(db, channel=CHANNEL + 1)  # another channel is fine
    await db.trivia.finish_game(game_id, "stopped", None, [])
    await new_game(db)  # and so is the same channel once the game ended
    with pytest.raises(ConstraintError, match="is not running"):
        await db.trivia.finish_game(game_id, "completed", None, [])
    with pytest.raises(ConstraintError, match="is not running"):
        await db.trivia.record_question(game_id, "q", "space", [], [])
    with pytest.raises(ValueError, match="status must be one of"):
        await db.trivia.finish_game(game_id, "running", None, [])  # type: ignore[arg-type]


async def test_a_game_keeps_its_questions_and_totals(db: Database) -> None:
    game_id = await new_game(db)
    await db.trivia.record_question(
        game_id,
        "space-001",
        "space",
        [TriviaAnswerRecord(1, True, 150), TriviaAnswerRecord(2, False, 0)],
        [PlayerTotals(1, "Alice", 150, 1, 1, 1), PlayerTotals(2, "Bob", 0, 0, 1, 0)],
    )
    await db.trivia.record_question(game_id, "space-002", "space", [], [])  # skipped
    record = await db.trivia.get_game(game_id)
    assert record is not None
    assert record.question_ids == ("space-001", "space-002") and record.status == "running"
    assert record.settings == {"mode": "buttons", "rounds": 5}
    assert await db.trivia.recent_question_ids(GUILD) == ["space-001", "space-002"]
    assert await db.trivia.recent_question_ids(OTHER_GUILD) == []
    assert await db.trivia.get_game(999) is None


async def test_interrupted_games_keep_points_and_crown_the_leader(db: Database, clock) -> None:
    quiet = await new_game(db, channel=CHANNEL + 1)
    game_id = await new_game(db)
    await db.trivia.record_question(
        game_id,
        "q1",
        "space",
        [TriviaAnswerRecord(2, True, 120), TriviaAnswerRecord(1, False, 0)],
        [PlayerTotals(1, "Alice", 0, 0, 1, 0), PlayerTotals(2, "Bob", 120, 1, 1, 1)],
    )
    clock.now += 60
    ended = await db.trivia.interrupt_running()
    assert [e.game.id for e in ended] == [quiet, game_id]
    assert ended[0].players == () and ended[0].game.winner_id is None
    assert ended[1].game.winner_id == 2 and ended[1].game.ended_at == clock.now
    assert [p.name for p in ended[1].players] == ["Bob", "Alice"]
    assert await db.trivia.interrupt_running() == []
    bob = await db.trivia.player_stats(GUILD, 2)
    assert bob is not None and (bob.points, bob.games, bob.wins) == (120, 1, 1)


async def test_leaderboard_periods_ranks_and_own_line(db: Database, clock) -> None:
    clock.now -= 40 * DAY
    await play(db, {1: (900, 1)})  # old: counts for "all" only
    clock.now += 20 * DAY
    await play(db, {2: (500, 1)})  # 20 days ago: month and all
    clock.now += 20 * DAY
    await play(db, {3: (300, 1), 4: (300, 1), 5: (100, 1), 6: (0, 0)})  # today
    await play(db, {7: (999, 1)}, guild=OTHER_GUILD)  # another server

    everything = await db.trivia.leaderboard(GUILD, user_id=6)
    assert [e.user_id for e in everything.entries] == [1, 2, 3, 4, 5, 6]
    assert [e.rank for e in everything.entries] == [1, 2, 3, 3, 5, 6]  # a tie shares a rank
    assert everything.players == 6 and everything.own is not None
    assert everything.own.position == 6 and everything.entries[0].name == "P1"

    month = await db.trivia.leaderboard(GUILD, since=clock.now - 30 * DAY)
    assert [e.user_id for e in month.entries] == [2, 3, 4, 5, 6] and month.own is None
    week = await db.trivia.leaderboard(GUILD, since=clock.now - 7 * DAY, limit=2, user_id=5)
    assert [e.user_id for e in week.entries] == [3, 4] and week.players == 4
    assert week.own is not None and (week.own.rank, week.own.points) == (3, 100)
    absent = await db.trivia.leaderboard(GUILD, since=clock.now - 7 * DAY, user_id=1)
    assert absent.own is None


async def test_player_stats_add_up_across_games(db: Database) -> None:
    await play(db, {1: (150, 1), 2: (0, 0)}, category="space")
    await play(db, {1: (0, 0), 2: (200, 1)}, category="history")
    await play(db, {1: (100, 1)}, category="history")
    stats = await db.trivia.player_stats(GUILD, 1)
    assert stats is not None
    assert (stats.points, stats.correct, stats.answered) == (250, 2, 3)
    assert (stats.games, stats.wins, stats.rank, stats.players) == (3, 2, 1, 2)
    assert {c.category: (c.correct, c.answered) for c in stats.categories} == {
        "history": (1, 2),
        "space": (1, 1),
    }
    assert await db.trivia.player_stats(GUILD, 99) is None
    assert await db.trivia.player_stats(OTHER_GUILD, 1) is None


async def test_forgetting_a_user_removes_their_trivia_rows(db: Database) -> None:
    await play(db, {1: (150, 1), 2: (100, 1)})
    assert await db.trivia.delete_user(1) == 2  # one answer, one game total
    assert await db.trivia.player_stats(GUILD, 1) is None
    assert await db.trivia.player_stats(GUILD, 2) is not None


async def test_packs_are_saved_replaced_listed_and_deleted(db: Database, clock) -> None:
    question = {"id": "q1", "category": "space", "question": "Q?", "answer": "A"}
    assert await db.trivia.save_pack(GUILD, "club", 1, [question]) is False
    clock.now += 10
    assert await db.trivia.save_pack(GUILD, "club", 2, [question, {**question, "id": "q2"}])
    await db.trivia.save_pack(GUILD, "astro", 1, [question])
    packs = await db.trivia.packs(GUILD)
    assert [p.name for p in packs] == ["astro", "club"]
    club = packs[1]
    assert (club.author_id, club.question_count) == (2, 2)
    assert club.updated_at == club.created_at + 10
    assert await db.trivia.packs(OTHER_GUILD) == []
    assert await db.trivia.delete_pack(GUILD, "club")
    assert not await db.trivia.delete_pack(GUILD, "club")
    with pytest.raises(ConstraintError, match="at least one question"):
        await db.trivia.save_pack(GUILD, "empty", 1, [])
    with pytest.raises(ValueError, match="pack name must be at most 32"):
        await db.trivia.save_pack(GUILD, "x" * 33, 1, [question])


async def test_bad_values_get_clear_errors(db: Database) -> None:
    with pytest.raises(ValueError, match="guild_id must be an integer"):
        await db.trivia.leaderboard("100")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="since must be unix seconds"):
        await db.trivia.leaderboard(GUILD, since=float("nan"))
    game_id = await new_game(db)
    with pytest.raises(ConstraintError, match="trivia answer points must not be negative"):
        await db.trivia.record_question(
            game_id, "q", "space", [TriviaAnswerRecord(1, True, -5)], []
        )
    record = await db.trivia.get_game(game_id)
    assert record is not None and record.question_ids == ()  # nothing half-written
