"""SQLite implementation of TriviaRepository."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import time
from collections.abc import Mapping, Sequence
from typing import Any

import aiosqlite

from bot.storage import validation
from bot.storage.errors import ConstraintError
from bot.storage.sqlite.base import Clock, SqliteAccess
from bot.storage.trivia_repo import (
    FINISHED_STATUSES,
    MAX_PACK_NAME_LENGTH,
    MAX_PLAYER_NAME_LENGTH,
    CategoryAccuracy,
    FinishedStatus,
    GameAlreadyRunningError,
    InterruptedGame,
    LeaderboardEntry,
    LeaderboardPage,
    NewTriviaGame,
    PlayerStats,
    PlayerTotals,
    TriviaAnswerRecord,
    TriviaGameRecord,
    TriviaPackRecord,
)

_GAME_COLUMNS = (
    "id, guild_id, channel_id, starter_id, starter_name, total, settings, question_ids, "
    "status, winner_id, started_at, ended_at"
)
_CREATE_GAME = """
INSERT INTO trivia_games (guild_id, channel_id, starter_id, starter_name, settings, total,
                          started_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
"""
_ADD_QUESTION = """
UPDATE trivia_games SET question_ids = json_insert(question_ids, '$[#]', ?)
WHERE id = ? AND status = 'running'
RETURNING guild_id
"""
_ADD_ANSWER = """
INSERT INTO trivia_answers (game_id, guild_id, user_id, question_id, category, correct, points,
                            answered_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
"""
_SAVE_PLAYER = """
INSERT INTO trivia_players (game_id, guild_id, user_id, name, points, correct, answered,
                            best_streak)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (game_id, user_id) DO UPDATE SET
    name = excluded.name,
    points = excluded.points,
    correct = excluded.correct,
    answered = excluded.answered,
    best_streak = excluded.best_streak
"""
_FINISH = """
UPDATE trivia_games SET status = ?, winner_id = ?, ended_at = ?
WHERE id = ? AND status = 'running'
RETURNING guild_id
"""
_PLAYERS_OF = """
SELECT user_id, name, points, correct, answered, best_streak FROM trivia_players
WHERE game_id = ? ORDER BY points DESC, correct DESC, rowid
"""
_RECENT_QUESTIONS = """
SELECT question_ids FROM trivia_games WHERE guild_id = ? ORDER BY id DESC LIMIT ?
"""
# Totals per player over a period, ranked. RANK() shares a rank between ties; the position
# (ROW_NUMBER) orders ties by who reached the score first, then by id, so pages are stable.
_RANKED = """
WITH totals AS (
    SELECT user_id,
           SUM(points) AS points,
           SUM(correct) AS correct,
           COUNT(*) AS answered,
           MAX(answered_at) AS last_at
    FROM trivia_answers
    WHERE guild_id = :guild AND (:since IS NULL OR answered_at >= :since)
    GROUP BY user_id
),
ranked AS (
    SELECT totals.*,
           RANK() OVER (ORDER BY points DESC, correct DESC) AS rank,
           ROW_NUMBER() OVER (ORDER BY points DESC, correct DESC, last_at, user_id) AS position,
           COUNT(*) OVER () AS players
    FROM totals
)
SELECT ranked.*,
       (SELECT p.name FROM trivia_players AS p
        WHERE p.guild_id = :guild AND p.user_id = ranked.user_id
        ORDER BY p.game_id DESC LIMIT 1) AS name
FROM ranked
"""
_GAMES_AND_WINS = """
SELECT COUNT(*) AS games,
       COALESCE(SUM(g.winner_id = p.user_id), 0) AS wins
FROM trivia_players AS p JOIN trivia_games AS g ON g.id = p.game_id
WHERE p.guild_id = ? AND p.user_id = ? AND g.status != 'running'
"""
# Streaks count from running games too: a streak is earned the moment it happens.
_BEST_STREAK = """
SELECT COALESCE(MAX(best_streak), 0) FROM trivia_players WHERE guild_id = ? AND user_id = ?
"""
_CATEGORIES = """
SELECT category, SUM(correct) AS correct, COUNT(*) AS answered FROM trivia_answers
WHERE guild_id = ? AND user_id = ? GROUP BY category ORDER BY answered DESC, category
"""
_SAVE_PACK = """
INSERT INTO trivia_packs (guild_id, name, author_id, questions, question_count, created_at,
                          updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (guild_id, name) DO UPDATE SET
    author_id = excluded.author_id,
    questions = excluded.questions,
    question_count = excluded.question_count,
    updated_at = excluded.updated_at
"""


class SqliteTriviaRepository:
    """Trivia games, answers, stats and packs in the `trivia_*` tables."""

    def __init__(self, db: SqliteAccess, clock: Clock = time.time) -> None:
        self._db = db
        self._clock = clock

    # --- games ------------------------------------------------------------------------------

    async def create_game(self, game: NewTriviaGame) -> int:
        """Store a game starting now; GameAlreadyRunningError if the channel has one."""
        validation.discord_id("guild_id", game.guild_id)
        validation.discord_id("channel_id", game.channel_id)
        validation.discord_id("starter_id", game.starter_id)
        name = _name(game.starter_name)
        settings = _json_object("settings", game.settings)
        try:
            async with self._db.transaction() as conn:
                cursor = await conn.execute(
                    _CREATE_GAME,
                    (
                        game.guild_id,
                        game.channel_id,
                        game.starter_id,
                        name,
                        settings,
                        game.total,
                        self._clock(),
                    ),
                )
                game_id = cursor.lastrowid
        except ConstraintError as error:
            if "trivia_games.channel_id" in str(error):
                raise GameAlreadyRunningError(
                    f"channel {game.channel_id} already has a running trivia game"
                ) from error
            raise
        assert game_id is not None
        return game_id

    async def record_question(
        self,
        game_id: int,
        question_id: str,
        category: str,
        answers: Sequence[TriviaAnswerRecord],
        players: Sequence[PlayerTotals],
    ) -> None:
        """Add the question to the game, store its answers and the players' totals."""
        validation.text("question_id", question_id, max_length=200, allow_empty=False)
        validation.text("category", category, max_length=64, allow_empty=False)
        now = self._clock()
        async with self._db.transaction() as conn:
            rows = list(await conn.execute_fetchall(_ADD_QUESTION, (question_id, game_id)))
            if not rows:
                raise ConstraintError(f"trivia game {game_id} is not running")
            guild_id = int(rows[0][0])
            await conn.executemany(
                _ADD_ANSWER,
                [
                    (
                        game_id,
                        guild_id,
                        validation.discord_id("user_id", a.user_id),
                        question_id,
                        category,
                        int(bool(a.correct)),
                        a.points,
                        now,
                    )
                    for a in answers
                ],
            )
            await _save_players(conn, game_id, guild_id, players)

    async def finish_game(
        self,
        game_id: int,
        status: FinishedStatus,
        winner_id: int | None,
        players: Sequence[PlayerTotals],
    ) -> None:
        """Mark a running game as ended with its winner and final totals."""
        validation.choice("status", status, FINISHED_STATUSES)
        validation.optional_discord_id("winner_id", winner_id)
        async with self._db.transaction() as conn:
            rows = list(
                await conn.execute_fetchall(_FINISH, (status, winner_id, self._clock(), game_id))
            )
            if not rows:
                raise ConstraintError(f"trivia game {game_id} is not running")
            await _save_players(conn, game_id, int(rows[0][0]), players)

    async def get_game(self, game_id: int) -> TriviaGameRecord | None:
        """A game by id, or None."""
        async with self._db.connection() as conn:
            rows = await conn.execute_fetchall(
                f"SELECT {_GAME_COLUMNS} FROM trivia_games WHERE id = ?", (game_id,)
            )
        return _to_game(rows[0]) if rows else None

    async def interrupt_running(self) -> list[InterruptedGame]:
        """End every running game (Hearth stopped during it), keeping its points."""
        now = self._clock()
        ended: list[InterruptedGame] = []
        async with self._db.transaction() as conn:
            rows = await conn.execute_fetchall(
                f"SELECT {_GAME_COLUMNS} FROM trivia_games WHERE status = 'running' ORDER BY id"
            )
            for row in rows:
                players = await _players_of(conn, row["id"])
                leader = players[0] if players and players[0].points > 0 else None
                winner_id = leader.user_id if leader else None
                await conn.execute(
                    "UPDATE trivia_games SET status = 'interrupted', winner_id = ?, ended_at = ? "
                    "WHERE id = ?",
                    (winner_id, now, row["id"]),
                )
                finished = dataclasses.replace(
                    _to_game(row), status="interrupted", winner_id=winner_id, ended_at=now
                )
                ended.append(InterruptedGame(finished, players))
        return ended

    async def recent_question_ids(self, guild_id: int, *, games: int = 10) -> list[str]:
        """Question ids of the guild's newest `games` games, newest game first."""
        validation.discord_id("guild_id", guild_id)
        validation.limit("games", games)
        async with self._db.connection() as conn:
            rows = await conn.execute_fetchall(_RECENT_QUESTIONS, (guild_id, games))
        ids: list[str] = []
        for row in rows:
            ids.extend(str(q) for q in json.loads(row[0]))
        return ids

    # --- stats ------------------------------------------------------------------------------

    async def leaderboard(
        self,
        guild_id: int,
        *,
        since: float | None = None,
        limit: int = 10,
        user_id: int | None = None,
    ) -> LeaderboardPage:
        """The top `limit` players since `since`, the player count, and `user_id`'s line."""
        validation.discord_id("guild_id", guild_id)
        validation.limit("limit", limit)
        validation.optional_discord_id("user_id", user_id)
        if since is not None:
            validation.timestamp("since", since)
        params: dict[str, Any] = {"guild": guild_id, "since": since}
        async with self._db.connection() as conn:
            top = await conn.execute_fetchall(
                _RANKED + " ORDER BY position LIMIT :limit", {**params, "limit": limit}
            )
            own_rows = (
                await conn.execute_fetchall(
                    _RANKED + " WHERE ranked.user_id = :user", {**params, "user": user_id}
                )
                if user_id is not None
                else []
            )
            count_rows = await conn.execute_fetchall(
                "SELECT COUNT(DISTINCT user_id) FROM trivia_answers "
                "WHERE guild_id = :guild AND (:since IS NULL OR answered_at >= :since)",
                params,
            )
        own = _to_entry(own_rows[0]) if own_rows else None
        return LeaderboardPage(tuple(_to_entry(r) for r in top), int(count_rows[0][0]), own)

    async def player_stats(self, guild_id: int, user_id: int) -> PlayerStats | None:
        """A player's all-time stats in the guild, or None when they never answered."""
        validation.discord_id("guild_id", guild_id)
        validation.discord_id("user_id", user_id)
        page = await self.leaderboard(guild_id, limit=0, user_id=user_id)
        if page.own is None:
            return None
        async with self._db.connection() as conn:
            games = (await conn.execute_fetchall(_GAMES_AND_WINS, (guild_id, user_id)))[0]
            streak = (await conn.execute_fetchall(_BEST_STREAK, (guild_id, user_id)))[0]
            categories = await conn.execute_fetchall(_CATEGORIES, (guild_id, user_id))
        own = page.own
        return PlayerStats(
            user_id=user_id,
            name=own.name,
            points=own.points,
            correct=own.correct,
            answered=own.answered,
            games=int(games["games"]),
            wins=int(games["wins"]),
            best_streak=int(streak[0]),
            rank=own.rank,
            players=page.players,
            categories=tuple(
                CategoryAccuracy(r["category"], int(r["correct"]), int(r["answered"]))
                for r in categories
            ),
        )

    # --- packs ------------------------------------------------------------------------------

    async def save_pack(
        self, guild_id: int, name: str, author_id: int, questions: Sequence[Mapping[str, Any]]
    ) -> bool:
        """Create or replace a pack; True when it replaced one of the same name."""
        validation.discord_id("guild_id", guild_id)
        validation.identifier("pack name", name, max_length=MAX_PACK_NAME_LENGTH)
        validation.discord_id("author_id", author_id)
        if not questions:
            raise ConstraintError("a trivia pack needs at least one question")
        encoded = json.dumps([dict(q) for q in questions], ensure_ascii=False, allow_nan=False)
        now = self._clock()
        async with self._db.transaction() as conn:
            existing = await conn.execute_fetchall(
                "SELECT 1 FROM trivia_packs WHERE guild_id = ? AND name = ?", (guild_id, name)
            )
            await conn.execute(
                _SAVE_PACK, (guild_id, name, author_id, encoded, len(questions), now, now)
            )
        return bool(existing)

    async def packs(self, guild_id: int) -> list[TriviaPackRecord]:
        """The guild's packs, by name."""
        validation.discord_id("guild_id", guild_id)
        async with self._db.connection() as conn:
            rows = await conn.execute_fetchall(
                "SELECT guild_id, name, author_id, questions, created_at, updated_at "
                "FROM trivia_packs WHERE guild_id = ? ORDER BY name",
                (guild_id,),
            )
        return [
            TriviaPackRecord(
                guild_id=row["guild_id"],
                name=row["name"],
                author_id=row["author_id"],
                questions=tuple(json.loads(row["questions"])),
                created_at=row["created_at"],
                updated_at=row["updated_at"],
            )
            for row in rows
        ]

    async def delete_pack(self, guild_id: int, name: str) -> bool:
        """Remove a pack; False when there was none of that name."""
        validation.discord_id("guild_id", guild_id)
        validation.text("pack name", name)
        async with self._db.connection() as conn:
            cursor = await conn.execute(
                "DELETE FROM trivia_packs WHERE guild_id = ? AND name = ?", (guild_id, name)
            )
        return cursor.rowcount > 0

    async def delete_user(self, user_id: int) -> int:
        """Forget a user's answers and game totals everywhere; returns the rows deleted."""
        validation.discord_id("user_id", user_id)
        async with self._db.transaction() as conn:
            answers = await conn.execute("DELETE FROM trivia_answers WHERE user_id = ?", (user_id,))
            players = await conn.execute("DELETE FROM trivia_players WHERE user_id = ?", (user_id,))
        return answers.rowcount + players.rowcount


def _name(value: str) -> str:
    validation.text("player name", value, max_length=MAX_PLAYER_NAME_LENGTH)
    return value


def _json_object(name: str, value: Mapping[str, Any]) -> str:
    if not isinstance(value, Mapping):
        raise ValueError(f"{name} must be a mapping, got {type(value).__name__}")
    try:
        return json.dumps(dict(value), ensure_ascii=False, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be JSON-serialisable: {error}") from error


async def _save_players(
    conn: aiosqlite.Connection, game_id: int, guild_id: int, players: Sequence[PlayerTotals]
) -> None:
    await conn.executemany(
        _SAVE_PLAYER,
        [
            (
                game_id,
                guild_id,
                validation.discord_id("user_id", p.user_id),
                _name(p.name),
                p.points,
                p.correct,
                p.answered,
                p.best_streak,
            )
            for p in players
        ],
    )


async def _players_of(conn: aiosqlite.Connection, game_id: int) -> tuple[PlayerTotals, ...]:
    rows = await conn.execute_fetchall(_PLAYERS_OF, (game_id,))
    return tuple(
        PlayerTotals(
            r["user_id"], r["name"], r["points"], r["correct"], r["answered"], r["best_streak"]
        )
        for r in rows
    )


def _to_game(row: sqlite3.Row) -> TriviaGameRecord:
    return TriviaGameRecord(
        id=row["id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        starter_id=row["starter_id"],
        starter_name=row["starter_name"],
        total=row["total"],
        settings=json.loads(row["settings"]),
        question_ids=tuple(json.loads(row["question_ids"])),
        status=row["status"],
        winner_id=row["winner_id"],
        started_at=row["started_at"],
        ended_at=row["ended_at"],
    )


def _to_entry(row: sqlite3.Row) -> LeaderboardEntry:
    return LeaderboardEntry(
        rank=int(row["rank"]),
        position=int(row["position"]),
        user_id=int(row["user_id"]),
        name=row["name"] or str(row["user_id"]),
        points=int(row["points"]),
        correct=int(row["correct"]),
        answered=int(row["answered"]),
    )
