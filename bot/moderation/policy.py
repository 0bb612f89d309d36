"""A server's moderation policy: strictness plus its own blocked and allowed terms.

Strictness (what it changes; everything else is the same at every level):

============  =========================================================================
relaxed       users may swear (low and medium profanity); the bot itself may use mild
              profanity when its persona allows it
standard      users may swear mildly (low profanity); the bot never swears
strict        no profanity from users either
============  =========================================================================

Slurs, sexual content, threats, dangerous instructions and harassment are blocked at
every strictness, in both directions; self-harm and distress get a caring reply at every
strictness and are never blocked.

Server terms use simple wildcards only: ``word``, ``*word`` (ends with), ``word*``
(starts with), ``*word*`` (contains); a term may be a few words (``free nitro``). They are
matched after the same normalisation as the lexicons, so ``fr33 n1tro`` is caught too.
Allowed terms exempt matching words from the lexicons for what users say; for the bot's
own output they only exempt profanity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from bot.moderation.entries import Entry, Severity
from bot.moderation.lexicon import compile_terms
from bot.moderation.normalize import fold
from bot.moderation.patterns import TermSet
from bot.moderation.screen import Screen

Strictness = Literal["relaxed", "standard", "strict"]

MAX_TERMS = 200
"""Most blocked (or allowed) terms a server may have."""

MAX_TERM_LENGTH = 40
"""Longest term, in characters."""

_TERM_RE = re.compile(r"\*?[^\W_](?:(?:[^\W_]|[' -])*[^\W_])?\*?")
_EXAMPLES = "expected 'word', '*word', 'word*' or '*word*'"


def _normalise_term(raw: object, field: str, index: int) -> str:
    where = f"{field}[{index}]"
    if not isinstance(raw, str):
        raise ValueError(f"{where}: must be text, got {type(raw).__name__}")
    term = " ".join(raw.split())
    if not term:
        raise ValueError(f"{where}: empty term")
    if len(term) > MAX_TERM_LENGTH:
        raise ValueError(f"{where} {term[:20]!r}...: longer than {MAX_TERM_LENGTH} characters")
    bad = sorted({c for c in term if not (c.isalnum() or c in "*' -")})
    if bad:
        shown = " ".join(repr(c) for c in bad)
        raise ValueError(
            f"{where} {term!r}: character(s) {shown} not allowed; only letters, digits, spaces, "
            f"apostrophes and hyphens, with '*' at the start and/or end ({_EXAMPLES}). "
            "Regular expressions are not supported."
        )
    if "*" in term[1:-1] or term in ("*", "**"):
        raise ValueError(
            f"{where} {term!r}: '*' is only allowed as the first and/or last character "
            f"({_EXAMPLES})"
        )
    if not _TERM_RE.fullmatch(term):
        raise ValueError(
            f"{where} {term!r}: must start and end with a letter or digit ({_EXAMPLES})"
        )
    folded = fold(term)[0].replace("'", "").replace("-", " ")
    if not any(c.isalnum() for c in folded):
        raise ValueError(f"{where} {term!r}: has no letters or digits after normalisation")
    return " ".join(folded.split())


def _compile(terms: tuple[str, ...], entry_for: Entry | None) -> TermSet:
    words = []
    phrases = []
    for term in terms:
        entry = entry_for or Entry("custom", Severity.HIGH, term)
        (phrases if " " in term else words).append((term, entry))
    return compile_terms(words, phrases, where="policy")


class Policy(BaseModel):
    """A server's moderation policy (validated; immutable)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    strictness: Strictness = "standard"
    blocked_terms: tuple[str, ...] = Field(default=(), max_length=MAX_TERMS)
    allowed_terms: tuple[str, ...] = Field(default=(), max_length=MAX_TERMS)

    _compiled: CompiledPolicy = PrivateAttr()

    @field_validator("blocked_terms", "allowed_terms", mode="before")
    @classmethod
    def _check_terms(cls, value: object, info: object) -> tuple[str, ...]:
        field = getattr(info, "field_name", "terms")
        if isinstance(value, str) or not isinstance(value, list | tuple):
            raise ValueError(f"{field}: expected a list of terms")
        if len(value) > MAX_TERMS:
            raise ValueError(f"{field}: {len(value)} terms, at most {MAX_TERMS} allowed")
        seen: dict[str, None] = {}
        for index, raw in enumerate(value):
            seen.setdefault(_normalise_term(raw, field, index), None)
        return tuple(seen)

    def model_post_init(self, context: object, /) -> None:
        """Compile the server's terms once, when the policy is created."""
        blocked = _compile(self.blocked_terms, None)
        allowed = _compile(self.allowed_terms, Entry("allow", Severity.NONE, "server"))
        self._compiled = CompiledPolicy(
            strictness=self.strictness,
            blocked=blocked if blocked else None,
            allowed=allowed if allowed else None,
            screen=Screen(blocked.screen_words(), blocked.screen_anchors()) if blocked else None,
        )

    @property
    def compiled(self) -> CompiledPolicy:
        """The server's terms, compiled."""
        return self._compiled

    def _key(self) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
        return (self.strictness, self.blocked_terms, self.allowed_terms)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Policy):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())


@dataclass(frozen=True, slots=True, eq=False)
class CompiledPolicy:
    """A policy's terms compiled for matching (``None`` when the policy has none)."""

    strictness: Strictness
    blocked: TermSet | None
    allowed: TermSet | None
    screen: Screen | None
