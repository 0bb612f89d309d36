"""Moderators' question packs: naming, validation against a server's pool, and loading.

A pack is a TOML or JSON question file (see `loader`) uploaded to one server. On top of the
file's own checks, every text a pack would show must come out of the output gate unchanged
(no mass or role mentions, nothing the server's output filter would alter), and its ids and
question texts must not collide with the shipped bank or the server's other packs. Every
problem is reported, each naming its question.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import PurePath
from typing import Any

from pydantic import ValidationError

from bot.games.trivia.bank import QuestionBank
from bot.games.trivia.loader import (
    MAX_PACK_BYTES,
    Format,
    QuestionFileError,
    cross_check,
    load_pack,
)
from bot.games.trivia.models import Question

log = logging.getLogger(__name__)

TextCheck = Callable[[str], str]
"""Renders a text as it would be shown (e.g. `OutputGate.render`)."""

PACK_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
MAX_PACKS_PER_GUILD = 20
MAX_PROBLEMS_SHOWN = 15
_FORMATS: dict[str, Format] = {".toml": "toml", ".json": "json"}


class PackError(ValueError):
    """A pack that cannot be added; `problems` names each question that is wrong."""

    def __init__(self, summary: str, problems: Sequence[str] = ()) -> None:
        self.summary = summary
        self.problems = list(problems)
        super().__init__(summary if not problems else f"{summary}\n" + "\n".join(problems))

    def render(self, limit: int = MAX_PROBLEMS_SHOWN) -> str:
        """The summary and the first `limit` problems as a bulleted list."""
        lines = [self.summary]
        lines.extend(f"- {problem}" for problem in self.problems[:limit])
        hidden = len(self.problems) - limit
        if hidden > 0:
            lines.append(f"- ...and {hidden} more (check the file with `hearth trivia check-pack`)")
        return "\n".join(lines)


def pack_format(filename: str) -> Format:
    """ "toml" or "json" from the file's extension; PackError for anything else."""
    suffix = PurePath(filename).suffix.lower()
    try:
        return _FORMATS[suffix]
    except KeyError:
        raise PackError(
            f"I read question packs from .toml or .json files; {filename!r} is neither."
        ) from None


def pack_name(filename: str, given: str | None = None) -> str:
    """The pack's name: the one given, else the file name without its extension.

    Lowercased with spaces as hyphens; PackError unless it is 1-32 letters, digits, '-', '_'.
    """
    raw = given if given is not None and given.strip() else PurePath(filename).stem
    name = re.sub(r"\s+", "-", raw.strip().lower())
    if not PACK_NAME.fullmatch(name):
        raise PackError(
            f"The pack name {raw!r} doesn't work: use 1-32 lowercase letters, digits, '-' or "
            "'_', starting with a letter or digit (like `space-facts`)."
        )
    return name


def _texts(question: Question) -> Iterable[tuple[str, str]]:
    yield "question", question.question
    yield "answer", question.answer
    for alt in question.alternatives:
        yield "alternative", alt
    for wrong in question.wrong:
        yield "wrong option", wrong
    if question.fact:
        yield "fact", question.fact


def shown_text_problems(questions: Iterable[Question], check: TextCheck) -> list[str]:
    """Texts the output gate would change: they could not be shown as written."""
    problems: list[str] = []
    for question in questions:
        for label, text in _texts(question):
            if check(text) != text:
                problems.append(
                    f"question {question.id!r}: its {label} {_clip(text)!r} contains something "
                    "I can't show as written (a mass or role mention, or words this server's "
                    "filter changes)"
                )
    return problems


def validate_pack(
    data: bytes,
    *,
    fmt: Format,
    name: str,
    bank: QuestionBank,
    others: Iterable[tuple[str, Sequence[Question]]] = (),
    check: TextCheck,
) -> list[Question]:
    """The pack's questions, validated on their own, for display, and against the shipped
    `bank` and the server's `others` packs (name, questions). Raises PackError listing every
    problem.
    """
    source = f"{name}.{fmt}"
    if len(data) > MAX_PACK_BYTES:
        raise PackError(
            f"That file is {len(data) / 1024:.0f} KiB; a pack can be at most "
            f"{MAX_PACK_BYTES // 1024} KiB."
        )
    try:
        questions = load_pack(data, fmt=fmt, source=source)
    except QuestionFileError as exc:
        problems = _unprefixed(source, exc.problems)
        raise PackError(_summary(source, problems), problems) from None
    problems = shown_text_problems(questions, check)
    labelled = [(q, "the shipped questions") for q in bank.questions]
    for other, other_questions in others:
        labelled.extend((q, f"pack '{other}'") for q in other_questions)
    labelled.extend((q, source) for q in questions)
    # The pack comes last, so every clash is reported on the pack's own question.
    clashes = [p for p in cross_check(labelled) if p.startswith(f"{source}: ")]
    problems.extend(_unprefixed(source, clashes))
    if problems:
        raise PackError(_summary(source, problems), problems)
    return questions


def stored_questions(raw: Iterable[Mapping[str, Any]], *, source: str) -> list[Question]:
    """Questions of a stored pack; any that no longer validate are skipped (and logged)."""
    questions: list[Question] = []
    for item in raw:
        try:
            questions.append(Question.model_validate(item))
        except ValidationError as exc:
            log.warning("skipping a stored trivia question of %s: %s", source, exc)
    return questions


def merged_pool(bank: QuestionBank, packs: Iterable[tuple[str, list[Question]]]) -> QuestionBank:
    """The bank plus every pack; a pack that collides with what came before is left out."""
    pool = bank
    for name, questions in packs:
        if not questions:
            continue
        try:
            pool = pool.extend(questions, source=name)
        except QuestionFileError as exc:
            log.warning("trivia pack %s left out of the pool: %s", name, exc)
    return pool


def _unprefixed(source: str, problems: Iterable[str]) -> list[str]:
    # The loader names the file in every problem; the summary already does.
    return [p.removeprefix(f"{source}: ") for p in problems]


def _summary(source: str, problems: Sequence[str]) -> str:
    count = len(problems)
    return f"`{source}` has {count} problem{'s' if count != 1 else ''}, so I didn't add it:"


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
