"""Read and validate joke bank files (TOML, one category per file) into `Joke` records.

Every problem in every file is collected before raising, so an author fixing the bank sees the
whole list at once, each line naming the file and the joke id.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.content.jokes_match import normalize_text
from bot.content.jokes_model import (
    CATEGORIES,
    CATEGORY_BY_KEY,
    Category,
    Joke,
    JokeBankError,
    JokeKind,
    Rating,
)

# Characters that would break Discord rendering: "|" clashes with spoiler markup, "`" with code.
_FORBIDDEN_CHARS = ("|", "`")


class JokeEntry(BaseModel):
    """One `[[jokes]]` table of a bank file, as written by an author."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(pattern=r"^[a-z]+-\d{3,}$", description='stable id, e.g. "pun-017"')
    kind: JokeKind | None = None
    setup: str = ""
    punchline: str = ""
    name: str | None = None
    rating: Rating = "all_ages"
    tags: list[str] = Field(default_factory=list)

    @field_validator("tags")
    @classmethod
    def _clean_tags(cls, tags: list[str]) -> list[str]:
        cleaned = [t.strip().lower() for t in tags]
        if any(not t for t in cleaned):
            raise ValueError("tags must not be empty strings")
        if len(set(cleaned)) != len(cleaned):
            raise ValueError("tags must not repeat")
        return cleaned


class JokeFileHeader(BaseModel):
    """The top level of a bank file: its category and the raw list of joke tables."""

    model_config = ConfigDict(extra="forbid")

    category: str
    jokes: list[dict[str, Any]] = Field(min_length=1)


def _format_validation_error(where: str, error: ValidationError) -> list[str]:
    problems = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "(entry)"
        problems.append(f"{where}: {field}: {item['msg']}")
    return problems


def _entry_problems(entry: JokeEntry, category: Category, where: str) -> tuple[JokeKind, list[str]]:
    """Check the rules that depend on the category and the joke's kind."""
    problems: list[str] = []
    kind: JokeKind = entry.kind or category.default_kind
    if not entry.id.startswith(f"{category.id_prefix}-"):
        problems.append(
            f"{where}: id must start with {category.id_prefix + '-'!r} in category {category.key!r}"
        )
    if kind not in category.allowed_kinds:
        allowed = ", ".join(category.allowed_kinds)
        problems.append(f"{where}: kind {kind!r} is not allowed in {category.key!r} ({allowed})")
    if kind == "qa":
        if not entry.setup:
            problems.append(f"{where}: setup must not be empty for a question-and-answer joke")
        if not entry.punchline:
            problems.append(f"{where}: punchline must not be empty for a question-and-answer joke")
        if entry.name is not None:
            problems.append(f"{where}: name is only for knock-knock jokes")
    elif kind == "oneliner":
        if not entry.setup:
            problems.append(f"{where}: setup (the whole one-liner) must not be empty")
        if entry.punchline:
            problems.append(
                f"{where}: a one-liner keeps the whole joke in setup; punchline must be empty "
                '(use kind = "qa" for a two-part joke)'
            )
        if entry.name is not None:
            problems.append(f"{where}: name is only for knock-knock jokes")
    else:
        if not entry.name:
            problems.append(
                f'{where}: knock-knock joke without a name (the answer to "Who\'s there?")'
            )
        if not entry.punchline:
            problems.append(f'{where}: punchline (the answer to "<name> who?") must not be empty')
        if entry.setup:
            problems.append(f"{where}: a knock-knock joke has no setup, only name and punchline")
    for field in ("setup", "punchline", "name"):
        value = getattr(entry, field) or ""
        bad = [c for c in _FORBIDDEN_CHARS if c in value]
        if bad:
            problems.append(f"{where}: {field} contains {', '.join(map(repr, bad))}")
    return kind, problems


def _read_file(path: Path, problems: list[str]) -> list[Joke]:
    label = path.name
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        problems.append(f"{label}: cannot read as UTF-8 TOML: {exc}")
        return []
    try:
        header = JokeFileHeader.model_validate(raw)
    except ValidationError as exc:
        problems.extend(_format_validation_error(label, exc))
        return []
    category = CATEGORY_BY_KEY.get(header.category)
    if category is None:
        known = ", ".join(c.key for c in CATEGORIES)
        problems.append(f"{label}: unknown category {header.category!r} (known: {known})")
        return []

    jokes: list[Joke] = []
    for index, raw_entry in enumerate(header.jokes, start=1):
        raw_id = raw_entry.get("id")
        where = (
            f"{label}: joke {raw_id!r} (entry #{index})" if raw_id else f"{label}: entry #{index}"
        )
        try:
            entry = JokeEntry.model_validate(raw_entry)
        except ValidationError as exc:
            problems.extend(_format_validation_error(where, exc))
            continue
        kind, entry_problems = _entry_problems(entry, category, where)
        if entry_problems:
            problems.extend(entry_problems)
            continue
        jokes.append(
            Joke(
                id=entry.id,
                category=category.key,
                kind=kind,
                setup=entry.setup,
                punchline=entry.punchline,
                name=entry.name,
                rating=entry.rating,
                tags=tuple(entry.tags),
                source=label,
            )
        )
    return jokes


def _duplicate_problems(jokes: list[Joke]) -> list[str]:
    problems: list[str] = []
    by_id: dict[str, Joke] = {}
    by_text: dict[str, Joke] = {}
    for joke in jokes:
        first = by_id.get(joke.id)
        if first is not None:
            problems.append(
                f"{joke.source}: duplicate id {joke.id!r} (already used in {first.source})"
            )
        else:
            by_id[joke.id] = joke
        key = normalize_text(joke.text)
        twin = by_text.get(key)
        if twin is not None:
            problems.append(
                f"{joke.source}: joke {joke.id!r} duplicates joke {twin.id!r} "
                f"({twin.source}) once case, spacing and punctuation are ignored"
            )
        else:
            by_text[key] = joke
    return problems


def read_jokes(directory: Path) -> list[Joke]:
    """Read every `*.toml` bank file in `directory`; raise `JokeBankError` listing all problems."""
    if not directory.is_dir():
        raise JokeBankError([f"joke bank directory {str(directory)!r} does not exist"])
    paths = sorted(directory.glob("*.toml"))
    if not paths:
        raise JokeBankError([f"no joke bank files (*.toml) in {str(directory)!r}"])
    problems: list[str] = []
    jokes: list[Joke] = []
    for path in paths:
        jokes.extend(_read_file(path, problems))
    problems.extend(_duplicate_problems(jokes))
    if problems:
        raise JokeBankError(problems)
    return jokes
