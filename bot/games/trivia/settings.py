"""Validated settings of one trivia game, with clear messages for out-of-range options."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from bot.games.trivia.bank import QuestionBank, UnknownCategoryError
from bot.games.trivia.models import DIFFICULTIES, Difficulty

Mode = Literal["buttons", "typed"]
MODES: tuple[Mode, ...] = ("buttons", "typed")

ROUNDS_BOUNDS = (1, 50)
TIMER_BOUNDS = (10, 120)
SILENCE_BOUNDS = (1, 10)
SCOREBOARD_BOUNDS = (0, 50)
GUESS_BOUNDS = (1, 10)


class SettingsError(ValueError):
    """Invalid game options; `problems` lists each one and `suggestions` any category guesses."""

    def __init__(self, problems: list[str], suggestions: list[str] | None = None) -> None:
        self.problems = problems
        self.suggestions = suggestions or []
        super().__init__("; ".join(problems))


@dataclass(frozen=True, slots=True)
class GameSettings:
    """Settings of one game. Build with `make_settings` to validate user input.

    `silence_limit`: the game stops after this many questions in a row nobody answered.
    `scoreboard_every`: a scoreboard snapshot after every this many questions (0: only at the
    end). `max_guesses`: typed mode, guesses per player per question. `close_early`: buttons
    mode, reveal as soon as every player seen earlier in the game has answered.
    """

    category: str | None = None
    difficulty: Difficulty | None = None
    rounds: int = 10
    mode: Mode = "buttons"
    timer: int = 30
    silence_limit: int = 3
    scoreboard_every: int = 5
    max_guesses: int = 3
    close_early: bool = True


def _bounded(name: str, value: int, bounds: tuple[int, int], unit: str = "") -> int:
    low, high = bounds
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}{unit} (got {value})")
    return value


class _Options(BaseModel):
    """The raw options a user typed (the boundary model)."""

    model_config = ConfigDict(extra="forbid")

    rounds: int = 10
    mode: str = "buttons"
    timer: int = 30
    difficulty: str | None = None
    silence_limit: int = 3
    scoreboard_every: int = 5
    max_guesses: int = 3
    close_early: bool = True

    @field_validator("rounds")
    @classmethod
    def _rounds(cls, value: int) -> int:
        return _bounded("rounds", value, ROUNDS_BOUNDS)

    @field_validator("timer")
    @classmethod
    def _timer(cls, value: int) -> int:
        return _bounded("timer", value, TIMER_BOUNDS, " seconds")

    @field_validator("silence_limit")
    @classmethod
    def _silence(cls, value: int) -> int:
        return _bounded("silence_limit", value, SILENCE_BOUNDS)

    @field_validator("scoreboard_every")
    @classmethod
    def _scoreboard(cls, value: int) -> int:
        return _bounded("scoreboard_every", value, SCOREBOARD_BOUNDS)

    @field_validator("max_guesses")
    @classmethod
    def _guesses(cls, value: int) -> int:
        return _bounded("max_guesses", value, GUESS_BOUNDS)

    @field_validator("mode")
    @classmethod
    def _mode(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in MODES:
            raise ValueError(f"mode must be 'buttons' or 'typed' (got {value!r})")
        return value

    @field_validator("difficulty")
    @classmethod
    def _difficulty(cls, value: str | None) -> str | None:
        if value is None or value.strip().lower() in ("", "any", "all", "mixed"):
            return None
        value = value.strip().lower()
        if value not in DIFFICULTIES:
            raise ValueError(f"difficulty must be easy, medium, hard or any (got {value!r})")
        return value


def make_settings(
    bank: QuestionBank, *, category: str | None = None, **options: Any
) -> GameSettings:
    """Validate user options against `bank`; raise SettingsError listing every problem.

    Options: rounds (1-50), mode ("buttons" or "typed"), timer (10-120 seconds), difficulty
    (easy, medium, hard or any), silence_limit (1-10), scoreboard_every (0-50),
    max_guesses (1-10), close_early. An unknown category carries suggestions. Without an
    explicit `rounds`, the default shrinks to the number of matching questions.
    """
    problems: list[str] = []
    suggestions: list[str] = []
    key: str | None = None
    try:
        key = bank.resolve_category(category)
    except UnknownCategoryError as exc:
        problems.append(str(exc))
        suggestions = exc.suggestions
    try:
        parsed = _Options.model_validate(options)
    except ValidationError as exc:
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"])
            message = str(err["msg"]).removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = f"unknown option {field!r}"
            elif field and not message.startswith(field):
                message = f"{field}: {message}"
            problems.append(message)
        raise SettingsError(problems, suggestions) from None
    if problems:
        raise SettingsError(problems, suggestions)
    difficulty: Difficulty | None = parsed.difficulty  # type: ignore[assignment]
    available = len(bank.pool(key, difficulty))
    rounds = parsed.rounds
    if "rounds" not in options and 0 < available < rounds:
        # The default number of rounds shrinks to a small pool; an explicit number does not.
        rounds = available
    if available < rounds:
        where = f"{key or 'any category'}, {difficulty or 'any difficulty'}"
        if available == 0:
            raise SettingsError([f"there are no questions for {where}"])
        raise SettingsError(
            [f"only {available} questions for {where}: choose at most {available} rounds"]
        )
    return GameSettings(
        category=key,
        difficulty=difficulty,
        rounds=rounds,
        mode=parsed.mode,  # type: ignore[arg-type]
        timer=parsed.timer,
        silence_limit=parsed.silence_limit,
        scoreboard_every=parsed.scoreboard_every,
        max_guesses=parsed.max_guesses,
        close_early=parsed.close_early,
    )
