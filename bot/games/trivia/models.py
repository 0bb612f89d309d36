"""The `Question` model: one validated trivia question, from the shipped bank or a pack."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.games.trivia.categories import CATEGORY_KEYS, unknown_category_message
from bot.games.trivia.judge import Kind, judge
from bot.games.trivia.text import is_number_token, normalise

Difficulty = Literal["easy", "medium", "hard"]
DIFFICULTIES: tuple[Difficulty, ...] = ("easy", "medium", "hard")

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
MAX_QUESTION_CHARS = 300
MAX_ANSWER_CHARS = 100
MAX_FACT_CHARS = 300


class Question(BaseModel):
    """A trivia question with its canonical answer, accepted alternatives and 3 wrong options."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    id: str = Field(pattern=ID_PATTERN)
    category: str
    difficulty: Difficulty
    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    answer: str = Field(min_length=1, max_length=MAX_ANSWER_CHARS)
    alternatives: tuple[str, ...] = ()
    wrong: tuple[str, ...]
    fact: str | None = Field(default=None, max_length=MAX_FACT_CHARS)
    kind: Kind = "text"

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str) -> str:
        if value not in CATEGORY_KEYS:
            raise ValueError(unknown_category_message(value))
        return value

    @field_validator("alternatives", "wrong")
    @classmethod
    def _no_blank_options(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(item.strip() for item in value)
        for position, item in enumerate(cleaned, start=1):
            if not normalise(item):
                raise ValueError(f"entry {position} is empty (it needs letters or digits)")
            if len(item) > MAX_ANSWER_CHARS:
                raise ValueError(f"entry {position} is longer than {MAX_ANSWER_CHARS} characters")
        return cleaned

    @field_validator("wrong")
    @classmethod
    def _three_wrong(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(value) != 3:
            raise ValueError(f"needs exactly 3 wrong options (got {len(value)})")
        seen: dict[str, str] = {}
        for item in value:
            key = normalise(item)
            if key in seen:
                raise ValueError(f"wrong options {seen[key]!r} and {item!r} are the same")
            seen[key] = item
        return value

    @field_validator("fact")
    @classmethod
    def _fact_not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("fact is empty: leave it out or write one")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Question:
        if not normalise(self.answer):
            raise ValueError("answer has no letters or digits")
        if self.kind == "number" and not is_number_token(normalise(self.answer)):
            raise ValueError(f"kind is 'number' but the answer {self.answer!r} is not a number")
        accepted = {normalise(self.answer): self.answer}
        for alt in self.alternatives:
            accepted.setdefault(normalise(alt), alt)
        for option in self.wrong:
            key = normalise(option)
            if key in accepted:
                raise ValueError(
                    f"wrong option {option!r} is the same as the accepted answer {accepted[key]!r}"
                )
            verdict = judge(option, self.answer, self.alternatives, self.kind)
            if verdict.accepted:
                raise ValueError(
                    f"wrong option {option!r} would be judged correct ({verdict.reason})"
                )
        return self

    @property
    def accepted_answers(self) -> tuple[str, ...]:
        """The canonical answer followed by its alternatives."""
        return (self.answer, *self.alternatives)
