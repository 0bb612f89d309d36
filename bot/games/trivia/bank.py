"""The question bank: the shipped questions (plus any packs), with category lookup and picking."""

from __future__ import annotations

import functools
import random
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from bot.games.trivia.categories import (
    ANY_CATEGORY,
    BY_KEY,
    CATEGORIES,
    exact_category,
    suggest_categories,
    unknown_category_message,
)
from bot.games.trivia.loader import QuestionFileError, cross_check, parse_document, validate_entries
from bot.games.trivia.models import DIFFICULTIES, Difficulty, Question
from bot.games.trivia.text import fold

DATA_PACKAGE = "bot.games.data.trivia"


class UnknownCategoryError(LookupError):
    """A category name that matches no category of the bank; carries suggestions."""

    def __init__(self, name: str, suggestions: list[str], message: str) -> None:
        self.name = name
        self.suggestions = suggestions
        super().__init__(message)


class NoQuestionsError(LookupError):
    """No question matches the requested category and difficulty."""


@dataclass(frozen=True, slots=True)
class CategoryStats:
    """A category of the bank with its question counts."""

    key: str
    name: str
    emoji: str
    total: int
    by_difficulty: dict[str, int]


class QuestionBank:
    """An immutable collection of questions with lookups by id, category and difficulty."""

    def __init__(self, questions: Iterable[Question]) -> None:
        self._questions = tuple(questions)
        self._by_id: dict[str, Question] = {}
        for question in self._questions:
            if question.id in self._by_id:
                raise ValueError(f"duplicate question id {question.id!r}")
            self._by_id[question.id] = question

    def __len__(self) -> int:
        return len(self._questions)

    @property
    def questions(self) -> tuple[Question, ...]:
        """All questions, in file order."""
        return self._questions

    def by_id(self, question_id: str) -> Question:
        """The question with this id; KeyError with a clear message if there is none."""
        try:
            return self._by_id[question_id]
        except KeyError:
            raise KeyError(f"no trivia question with id {question_id!r}") from None

    def __contains__(self, question_id: object) -> bool:
        return question_id in self._by_id

    def categories(self) -> list[CategoryStats]:
        """Categories that have questions, in the standard order, with counts."""
        counts: dict[str, Counter[str]] = {}
        for question in self._questions:
            counts.setdefault(question.category, Counter())[question.difficulty] += 1
        return [
            CategoryStats(
                key=c.key,
                name=c.name,
                emoji=c.emoji,
                total=sum(counts[c.key].values()),
                by_difficulty={d: counts[c.key][d] for d in DIFFICULTIES},
            )
            for c in CATEGORIES
            if c.key in counts
        ]

    def category_keys(self) -> frozenset[str]:
        """Keys of the categories that have at least one question."""
        return frozenset(q.category for q in self._questions)

    def suggest_categories(self, name: str, limit: int = 3) -> list[str]:
        """Category keys resembling `name` (fuzzy, rapidfuzz), best first."""
        return suggest_categories(name, limit=limit, keys=self.category_keys())

    def resolve_category(self, name: str | None) -> str | None:
        """The category key for a typed name; None for "any"; UnknownCategoryError otherwise."""
        if name is None or fold(name).strip() in ANY_CATEGORY or not name.strip():
            return None
        key = exact_category(name)
        available = self.category_keys()
        if key is not None and key in available:
            return key
        suggestions = self.suggest_categories(name)
        raise UnknownCategoryError(name, suggestions, unknown_category_message(name, available))

    def pool(
        self, category: str | None = None, difficulty: Difficulty | None = None
    ) -> list[Question]:
        """Questions of a category key and difficulty (None means any)."""
        return [
            q
            for q in self._questions
            if (category is None or q.category == category)
            and (difficulty is None or q.difficulty == difficulty)
        ]

    def _describe(self, category: str | None, difficulty: Difficulty | None) -> str:
        name = BY_KEY[category].name if category in BY_KEY else (category or "any category")
        return f"{name}, {difficulty or 'any difficulty'}"

    def sample(
        self,
        count: int,
        category: str | None = None,
        difficulty: Difficulty | None = None,
        exclude_ids: Collection[str] = frozenset(),
        rng: random.Random | None = None,
    ) -> list[Question]:
        """`count` distinct questions, preferring ones not in `exclude_ids` (recently asked).

        Excluded questions are used only when there are not enough others, so a small pool
        repeats rather than fails; NoQuestionsError if the pool itself is too small.
        """
        rng = rng or random.Random()
        pool = self.pool(category, difficulty)
        if len(pool) < count:
            raise NoQuestionsError(
                f"only {len(pool)} question{'s' if len(pool) != 1 else ''} for "
                f"{self._describe(category, difficulty)}; asked for {count}"
            )
        fresh = [q for q in pool if q.id not in exclude_ids]
        stale = [q for q in pool if q.id in exclude_ids]
        rng.shuffle(fresh)
        rng.shuffle(stale)
        return (fresh + stale)[:count]

    def pick(
        self,
        category: str | None = None,
        difficulty: Difficulty | None = None,
        exclude_ids: Collection[str] = frozenset(),
        rng: random.Random | None = None,
    ) -> Question:
        """One random question; avoids `exclude_ids` unless every candidate is excluded."""
        return self.sample(1, category, difficulty, exclude_ids, rng)[0]

    def extend(self, questions: Iterable[Question], *, source: str = "pack") -> QuestionBank:
        """A new bank with extra questions (e.g. a moderator's pack); duplicates are errors."""
        extra = list(questions)
        problems = cross_check(
            [(q, "the bank") for q in self._questions] + [(q, source) for q in extra]
        )
        if problems:
            raise QuestionFileError(source, problems)
        return QuestionBank((*self._questions, *extra))


def load_bank_from(directory: Path) -> QuestionBank:
    """Load and validate every `*.toml` question file in `directory` (all problems at once)."""
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise QuestionFileError(str(directory), ["no *.toml question files found"])
    return _load_files((path.name, path.read_text(encoding="utf-8")) for path in files)


def _load_files(files: Iterable[tuple[str, str]]) -> QuestionBank:
    problems: list[str] = []
    loaded: list[tuple[Question, str]] = []
    for name, text in files:
        try:
            default, entries = parse_document(text, fmt="toml", source=name)
        except QuestionFileError as exc:
            problems.extend(f"{name}: {problem}" for problem in exc.problems)
            continue
        if default is None:
            default = name.removesuffix(".toml")
        questions, file_problems = validate_entries(entries, source=name, default_category=default)
        problems.extend(file_problems)
        loaded.extend((q, name) for q in questions)
    problems.extend(cross_check(loaded))
    if problems:
        raise QuestionFileError("trivia question bank", problems)
    return QuestionBank(q for q, _ in loaded)


@functools.cache
def load_bank() -> QuestionBank:
    """The shipped question bank (read and validated once, then cached)."""
    folder = resources.files(DATA_PACKAGE)
    files = sorted(
        (entry.name, entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    )
    return _load_files(files)
