"""What a trivia game tells its adapter: events to render and the final result to persist.

All are frozen dataclasses with plain data (ids, names, strings, numbers), so the cog can
render them and the lead can store them without knowing the engine's internals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.games.trivia.scoring import Points
from bot.games.trivia.settings import GameSettings

UserId = int
EndReason = Literal["completed", "stopped", "silence"]
CloseReason = Literal["answered", "timeout", "all_answered", "skipped", "stopped"]
OPTION_LETTERS = ("A", "B", "C", "D")


@dataclass(frozen=True, slots=True)
class GameStarted:
    """The game began: its settings and number of questions."""

    settings: GameSettings
    total: int
    category_name: str


@dataclass(frozen=True, slots=True)
class QuestionAsked:
    """A question opened. `options` holds the A-D choices in buttons mode, else is empty."""

    number: int
    total: int
    question_id: str
    category: str
    category_name: str
    difficulty: str
    text: str
    options: tuple[str, ...]
    timer: int
    deadline: float
    base_points: int


@dataclass(frozen=True, slots=True)
class AnswerRecorded:
    """Buttons mode: a player locked in a choice (correctness is kept until the reveal)."""

    number: int
    user_id: UserId
    name: str
    answered_count: int


@dataclass(frozen=True, slots=True)
class WrongGuess:
    """Typed mode: a guess that did not count; `guesses_left` for this question."""

    number: int
    user_id: UserId
    name: str
    guess: str
    reason: str
    guesses_left: int


@dataclass(frozen=True, slots=True)
class HintGiven:
    """A hint: letters of the answer (typed mode) or two removed options (buttons mode).

    `points_now` is the base points a correct answer is now worth (half the usual base).
    """

    number: int
    text: str | None
    removed_options: tuple[int, ...]
    points_now: int


@dataclass(frozen=True, slots=True)
class ActionRejected:
    """A player action that was not allowed (already answered, no question open, ...)."""

    user_id: UserId | None
    reason: str


@dataclass(frozen=True, slots=True)
class PlayerAnswer:
    """One player's answer as shown at the reveal."""

    user_id: UserId
    name: str
    elapsed: float
    correct: bool
    choice: str
    points: Points | None
    streak: int


@dataclass(frozen=True, slots=True)
class QuestionRevealed:
    """The answer of a closed question, who was right (fastest first) and who was wrong."""

    number: int
    total: int
    question_id: str
    category: str
    text: str
    answer: str
    correct_option: int | None
    fact: str | None
    correct: tuple[PlayerAnswer, ...]
    wrong: tuple[PlayerAnswer, ...]
    closed_by: CloseReason
    hint_used: bool


@dataclass(frozen=True, slots=True)
class Standing:
    """One line of a scoreboard."""

    rank: int
    user_id: UserId
    name: str
    points: int
    correct: int
    answered: int
    best_streak: int


@dataclass(frozen=True, slots=True)
class ScoreboardSnapshot:
    """The scoreboard after `after_question` questions; `final` at the end of the game."""

    after_question: int
    total: int
    standings: tuple[Standing, ...]
    final: bool


@dataclass(frozen=True, slots=True)
class CategoryTally:
    """A player's correct and answered counts in one category."""

    correct: int
    answered: int


@dataclass(frozen=True, slots=True)
class PlayerResult:
    """A player's totals for the game, ready to persist."""

    user_id: UserId
    name: str
    points: int
    correct: int
    answered: int
    best_streak: int
    categories: dict[str, CategoryTally] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class GameResult:
    """The outcome of a game. `players` are ranked (points, then correct, then speed)."""

    reason: EndReason | None
    settings: GameSettings
    questions_asked: int
    question_ids: tuple[str, ...]
    duration: float
    players: tuple[PlayerResult, ...]
    winner: PlayerResult | None


@dataclass(frozen=True, slots=True)
class GameOver:
    """The game ended (all questions done, stopped, or nobody answered for a while)."""

    reason: EndReason
    result: GameResult


Event = (
    GameStarted
    | QuestionAsked
    | AnswerRecorded
    | WrongGuess
    | HintGiven
    | ActionRejected
    | QuestionRevealed
    | ScoreboardSnapshot
    | GameOver
)
