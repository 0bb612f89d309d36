"""Lexicons: the TOML data files in ``bot/moderation/data/``, validated and compiled.

Each category file looks like::

    category = "threat"            # profanity, slur, sexual, threat, self_harm,
                                   # dangerous or harassment
    description = "..."

    [[group]]
    severity = "high"              # low, medium or high
    words = ["word", "prefix*"]    # word patterns (see bot.moderation.patterns)
    phrases = ["i (will|ll) kill <you>"]

``allowlist.toml`` has ``words`` and ``phrases`` that are never matched (Scunthorpe,
"kill time"...) and ``aliases.toml`` has an ``[aliases]`` table of spellings used as
``<name>`` in phrases. The word lists are a safety filter's data and necessarily contain
offensive words; they live in these files only.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.moderation.entries import Entry, Severity
from bot.moderation.patterns import (
    PhraseSet,
    TermSet,
    WordIndex,
    WordPattern,
    parse_alias,
    parse_phrase,
    parse_word,
)
from bot.moderation.screen import Screen

ALLOWLIST_FILE = "allowlist.toml"
ALIASES_FILE = "aliases.toml"

Aliases = dict[str, tuple[tuple[WordPattern, ...], ...]]


class LexiconError(ValueError):
    """A lexicon data file is malformed; the message names the file and the entry."""


class _Group(BaseModel):
    model_config = ConfigDict(extra="forbid")
    severity: Literal["low", "medium", "high"]
    words: list[str] = Field(default_factory=list)
    phrases: list[str] = Field(default_factory=list)


class _CategoryFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    category: Literal[
        "profanity", "slur", "sexual", "threat", "self_harm", "dangerous", "harassment"
    ]
    description: str = ""
    group: list[_Group] = Field(min_length=1)


class _AllowFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: str = ""
    words: list[str] = Field(default_factory=list)
    phrases: list[str] = Field(default_factory=list)


class _AliasFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: str = ""
    aliases: dict[str, list[str]]


def compile_terms(
    words: Iterable[tuple[str, Entry]],
    phrases: Iterable[tuple[str, Entry]],
    aliases: Aliases | None = None,
    where: str = "terms",
) -> TermSet:
    """Parse and compile word and phrase patterns; raise :class:`LexiconError` if invalid."""
    parsed_words: list[tuple[WordPattern, Entry]] = []
    parsed_phrases = []
    seen: set[tuple[str, str]] = set()
    try:
        for raw, entry in words:
            if (raw, entry.category) not in seen:
                seen.add((raw, entry.category))
                parsed_words.append((parse_word(raw), entry))
        for raw, entry in phrases:
            parsed_phrases.append((parse_phrase(raw, aliases or {}), entry))
    except ValueError as error:
        raise LexiconError(f"{where}: {error}") from None
    return TermSet(WordIndex(parsed_words), PhraseSet(parsed_phrases))


def _validate_patterns(
    words: Iterable[tuple[str, Entry]],
    phrases: Iterable[tuple[str, Entry]],
    aliases: Aliases,
    where: str,
) -> None:
    """Parse every pattern, to report a bad one with its file and group."""
    try:
        for raw, _ in words:
            parse_word(raw)
        for raw, _ in phrases:
            parse_phrase(raw, aliases)
    except ValueError as error:
        raise LexiconError(f"{where}: {error}") from None


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Compiled lexicons: the blocked/care terms, the allowlist and their pre-screen."""

    terms: TermSet
    allow: TermSet
    screen: Screen
    aliases: Aliases


def _read(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise LexiconError(f"{path.name}: cannot read TOML ({error})") from None


_Model = TypeVar("_Model", bound=BaseModel)


def _validate(model: type[_Model], data: dict[str, object], name: str) -> _Model:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        place = ".".join(str(part) for part in first["loc"])
        raise LexiconError(f"{name}: {place}: {first['msg']}") from None


def load_lexicon(directory: Path | None = None) -> Lexicon:
    """Load and compile every lexicon file of ``directory`` (default: the shipped data)."""
    if directory is None:
        directory = Path(str(resources.files("bot.moderation") / "data"))
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise LexiconError(f"{directory}: no lexicon files (*.toml) found")
    aliases: Aliases = {}
    alias_path = directory / ALIASES_FILE
    if alias_path.exists():
        alias_file = _validate(_AliasFile, _read(alias_path), ALIASES_FILE)
        try:
            aliases = {name: parse_alias(values) for name, values in alias_file.aliases.items()}
        except ValueError as error:
            raise LexiconError(f"{ALIASES_FILE}: {error}") from None
    words: list[tuple[str, Entry]] = []
    phrases: list[tuple[str, Entry]] = []
    allow_words: list[tuple[str, Entry]] = []
    allow_phrases: list[tuple[str, Entry]] = []
    for path in files:
        if path.name == ALIASES_FILE:
            continue
        data = _read(path)
        if path.name == ALLOWLIST_FILE:
            allow = _validate(_AllowFile, data, path.name)
            entry = Entry("allow", Severity.NONE, "allowlist")
            allow_words += [(word, entry) for word in allow.words]
            allow_phrases += [(phrase, entry) for phrase in allow.phrases]
            continue
        category_file = _validate(_CategoryFile, data, path.name)
        for number, group in enumerate(category_file.group):
            severity = Severity.parse(group.severity)
            file_words = [(w, Entry(category_file.category, severity, w)) for w in group.words]
            file_phrases = [(p, Entry(category_file.category, severity, p)) for p in group.phrases]
            _validate_patterns(file_words, file_phrases, aliases, f"{path.name} group {number}")
            words += file_words
            phrases += file_phrases
    terms = compile_terms(words, phrases, aliases, where=str(directory))
    allow_terms = compile_terms(allow_words, allow_phrases, aliases, where=ALLOWLIST_FILE)
    return Lexicon(
        terms, allow_terms, Screen(terms.screen_words(), terms.screen_anchors()), aliases
    )


@functools.cache
def default_lexicon() -> Lexicon:
    """The shipped lexicons, compiled once per process (read-only)."""
    return load_lexicon()
