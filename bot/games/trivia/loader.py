"""Reading question files (TOML or JSON) into validated `Question`s with per-question errors.

A file is either a list of questions (JSON only) or a table with an optional default
`category` and a `questions` array::

    category = "geography"          # default for questions that do not name one

    [[questions]]
    id = "geo-001"
    difficulty = "easy"
    question = "What is the capital of France?"
    answer = "Paris"
    wrong = ["Lyon", "Marseille", "Nice"]

Every problem is collected (not only the first) and named by file and question id.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from pydantic import ValidationError

from bot.games.trivia.models import Question
from bot.games.trivia.text import normalise

Format = Literal["toml", "json"]
MAX_PACK_QUESTIONS = 500
MAX_PACK_BYTES = 256 * 1024
_TOP_LEVEL_KEYS = frozenset({"category", "questions"})


class QuestionFileError(ValueError):
    """A question file or pack with problems; `problems` lists each one, named by question."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = list(problems)
        count = len(self.problems)
        lines = "\n".join(f"- {problem}" for problem in self.problems)
        super().__init__(f"{source}: {count} problem{'s' if count != 1 else ''}:\n{lines}")


def _label(raw: Any, index: int) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str) and raw["id"].strip():
        return f"question {raw['id'].strip()!r}"
    return f"question #{index}"


def _describe(error: Any) -> str:
    """One pydantic error as a short sentence naming the field."""
    field = ".".join(str(part) for part in error["loc"])
    kind = error["type"]
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind == "missing":
        return f"missing required field {field!r}"
    if kind == "extra_forbidden":
        return f"unknown field {field!r} (check its spelling)"
    if kind == "string_too_short":
        return f"{field!r} is empty"
    if kind == "string_pattern_mismatch" and field == "id":
        return "id must be 1-64 lowercase letters, digits, '-' or '_' (like 'geo-042')"
    if kind == "literal_error" and field == "difficulty":
        return f"difficulty must be easy, medium or hard (got {error.get('input')!r})"
    if kind == "literal_error" and field == "kind":
        return f"kind must be text, person or number (got {error.get('input')!r})"
    if field:
        return f"{field}: {message}"
    return message


def _split_document(data: Any, source: str) -> tuple[str | None, list[Any]]:
    """The default category and the raw question entries of a parsed document."""
    if isinstance(data, list):
        return None, data
    if not isinstance(data, dict):
        raise QuestionFileError(source, ["expected a table/object with a 'questions' list"])
    unknown = sorted(set(data) - _TOP_LEVEL_KEYS)
    if unknown:
        raise QuestionFileError(
            source, [f"unknown top-level key(s) {', '.join(unknown)}; expected category, questions"]
        )
    default = data.get("category")
    if default is not None and not isinstance(default, str):
        raise QuestionFileError(source, ["top-level 'category' must be a string"])
    entries = data.get("questions")
    if not isinstance(entries, list):
        raise QuestionFileError(source, ["missing 'questions' list ([[questions]] in TOML)"])
    return default, entries


def validate_entries(
    entries: Iterable[Any],
    *,
    source: str,
    default_category: str | None = None,
) -> tuple[list[Question], list[str]]:
    """Validate raw question entries; return the good questions and every problem found."""
    questions: list[Question] = []
    problems: list[str] = []
    for index, raw in enumerate(entries, start=1):
        label = _label(raw, index)
        if not isinstance(raw, dict):
            problems.append(f"{source}: {label}: expected a table/object, got {type(raw).__name__}")
            continue
        if default_category is not None and "category" not in raw:
            raw = {**raw, "category": default_category}
        try:
            questions.append(Question.model_validate(raw))
        except ValidationError as exc:
            problems.extend(f"{source}: {label}: {_describe(err)}" for err in exc.errors())
    return questions, problems


def cross_check(questions: Iterable[tuple[Question, str]]) -> list[str]:
    """Problems between questions: duplicate ids and duplicate question texts."""
    problems: list[str] = []
    ids: dict[str, str] = {}
    texts: dict[str, tuple[str, str]] = {}
    for question, source in questions:
        if question.id in ids:
            problems.append(
                f"{source}: question {question.id!r}: duplicate id "
                f"(already used in {ids[question.id]})"
            )
        else:
            ids[question.id] = source
        key = normalise(question.question)
        if key in texts:
            other_id, other_source = texts[key]
            problems.append(
                f"{source}: question {question.id!r}: same question text as "
                f"{other_id!r} in {other_source}"
            )
        else:
            texts[key] = (question.id, source)
    return problems


def parse_document(text: str, *, fmt: Format, source: str) -> tuple[str | None, list[Any]]:
    """Parse TOML or JSON text into (default category, raw entries)."""
    try:
        if fmt == "toml":
            data: Any = tomllib.loads(text)
        elif fmt == "json":
            data = json.loads(text)
        else:
            raise QuestionFileError(source, [f"format must be 'toml' or 'json' (got {fmt!r})"])
    except tomllib.TOMLDecodeError as exc:
        raise QuestionFileError(source, [f"not valid TOML: {exc}"]) from exc
    except json.JSONDecodeError as exc:
        raise QuestionFileError(source, [f"not valid JSON: {exc}"]) from exc
    return _split_document(data, source)


def load_pack(text: str | bytes, *, fmt: Format, source: str = "pack") -> list[Question]:
    """Validate a moderator's question pack (at most 500 questions and 256 KiB).

    Raises `QuestionFileError` listing every problem, each naming the question.
    """
    size = len(text.encode("utf-8") if isinstance(text, str) else text)
    if size > MAX_PACK_BYTES:
        raise QuestionFileError(
            source, [f"pack is {size / 1024:.0f} KiB; the limit is {MAX_PACK_BYTES // 1024} KiB"]
        )
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise QuestionFileError(source, ["pack is not UTF-8 text"]) from exc
    default, entries = parse_document(text, fmt=fmt, source=source)
    if not entries:
        raise QuestionFileError(source, ["pack has no questions"])
    if len(entries) > MAX_PACK_QUESTIONS:
        raise QuestionFileError(
            source,
            [f"pack has {len(entries)} questions; the limit is {MAX_PACK_QUESTIONS}"],
        )
    questions, problems = validate_entries(entries, source=source, default_category=default)
    problems.extend(cross_check((q, source) for q in questions))
    if problems:
        raise QuestionFileError(source, problems)
    return questions
