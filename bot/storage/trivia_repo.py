"""Trivia storage interface: games, per-game player totals, answers, and question packs.

Running games are rows too (status "running"), so a restart can end them cleanly and keep
the points earned; every answer is stored with its time, so leaderboards can cover a week,
a month or all time, and accuracy can be shown by category. Timestamps are unix seconds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, get_args

from bot.storage.errors import ConstraintError

GameStatus = Literal["running", "completed", "stopped", "silence", "interrupted"]
FinishedStatus = Literal["completed", "stopped", "silence", "interrupted"]
GAME_STATUSES: tuple[str, ...] = get_args(GameStatus)
FINISHED_STATUSES: tuple[str, ...] = get_args(FinishedStatus)

MAX_PACK_NAME_LENGTH = 32
MAX_PLAYER_NAME_LENGTH = 256


class GameAlreadyRunningError(ConstraintError):
    """The channel already has a running game (one game per channel)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class NewTriviaGame:
    """A game that is starting."""

    guild_id: int
    channel_id: int
    starter_id: int
    starter_name: str
    total: int
    settings: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class TriviaGameRecord:
    """A stored game."""

    id: int
    guild_id: int
    channel_id: int
    starter_id: int
    starter_name: str
    total: int
    settings: Mapping[str, Any]
    question_ids: tuple[str, ...]
    status: GameStatus
    winner_id: int | None
    started_at: float
    ended_at: float | None


@dataclass(frozen=True, slots=True)
class TriviaAnswerRecord:
    """One player's answer to one question (a skipped question stores none)."""

    user_id: int
    correct: bool
    points: int


@dataclass(frozen=True, slots=True)
class PlayerTotals:
    """A player's totals within one game."""

    user_id: int
    name: str
    points: int
    correct: int
    answered: int
    best_streak: int


@dataclass(frozen=True, slots=True)
class InterruptedGame:
    """A game that was running when Hearth stopped, now ended; `players` best first."""

    game: TriviaGameRecord
    players: tuple[PlayerTotals, ...]


@dataclass(frozen=True, slots=True)
class LeaderboardEntry:
    """One line of a leaderboard. `rank` is shared by ties; `position` is unique."""

    rank: int
    position: int
    user_id: int
    name: str
    points: int
    correct: int
    answered: int


@dataclass(frozen=True, slots=True)
class LeaderboardPage:
    """The top of a guild's leaderboard, how many players it has, and one player's line."""

    entries: tuple[LeaderboardEntry, ...]
    players: int
    own: LeaderboardEntry | None


@dataclass(frozen=True, slots=True)
class CategoryAccuracy:
    """A player's correct and answered counts in one category."""

    category: str
    correct: int
    answered: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PlayerStats:
    """A player's all-time trivia stats in one guild."""

    user_id: int
    name: str
    points: int
    correct: int
    answered: int
    games: int
    wins: int
    best_streak: int
    rank: int | None
    players: int
    categories: tuple[CategoryAccuracy, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class TriviaPackRecord:
    """A moderator's question pack; `questions` are JSON-ready question objects."""

    guild_id: int
    name: str
    author_id: int
    questions: tuple[Mapping[str, Any], ...]
    created_at: float
    updated_at: float

    @property
    def question_count(self) -> int:
        """How many questions the pack has."""
        return len(self.questions)


class TriviaRepository(Protocol):
    """Trivia games, answers, stats and packs."""

    async def create_game(self, game: NewTriviaGame) -> int:
        """Store a game starting now; returns its id.

        Raises GameAlreadyRunningError when the channel has a running game.
        """
        ...

    async def record_question(
        self,
        game_id: int,
        question_id: str,
        category: str,
        answers: Sequence[TriviaAnswerRecord],
        players: Sequence[PlayerTotals],
    ) -> None:
        """After a reveal, atomically: add the question to the game's list, store its
        answers, and save the players' running totals (points earned so far are kept)."""
        ...

    async def finish_game(
        self,
        game_id: int,
        status: FinishedStatus,
        winner_id: int | None,
        players: Sequence[PlayerTotals],
    ) -> None:
        """Mark a running game as ended, with its winner and final player totals."""
        ...

    async def get_game(self, game_id: int) -> TriviaGameRecord | None:
        """A game by id, or None."""
        ...

    async def interrupt_running(self) -> list[InterruptedGame]:
        """End every game still marked running (Hearth stopped during them), keeping their
        points; the leader with points > 0 becomes the winner. Returns them, oldest first."""
        ...

    async def recent_question_ids(self, guild_id: int, *, games: int = 10) -> list[str]:
        """Question ids asked in the guild's newest `games` games (to avoid repeats)."""
        ...

    async def leaderboard(
        self,
        guild_id: int,
        *,
        since: float | None = None,
        limit: int = 10,
        user_id: int | None = None,
    ) -> LeaderboardPage:
        """Players ranked by points (then correct answers) over answers since `since`
        (None: all time); `own` is `user_id`'s line wherever it ranks."""
        ...

    async def player_stats(self, guild_id: int, user_id: int) -> PlayerStats | None:
        """A player's all-time stats in the guild, or None when they never answered."""
        ...

    async def save_pack(
        self, guild_id: int, name: str, author_id: int, questions: Sequence[Mapping[str, Any]]
    ) -> bool:
        """Create or replace a pack; True when it replaced one of the same name."""
        ...

    async def packs(self, guild_id: int) -> list[TriviaPackRecord]:
        """The guild's packs, by name."""
        ...

    async def delete_pack(self, guild_id: int, name: str) -> bool:
        """Remove a pack; False when there was none of that name."""
        ...

    async def delete_user(self, user_id: int) -> int:
        """Forget a user's answers and game totals everywhere; returns the rows deleted."""
        ...
