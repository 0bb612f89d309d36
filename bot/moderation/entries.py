"""Small value types shared by the moderation modules: severities, lexicon entries, hits."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

CATEGORIES: tuple[str, ...] = (
    "profanity", "slur", "sexual", "threat", "self_harm", "dangerous", "harassment", "custom"
)  # fmt: skip
"""Lexicon categories. ``custom`` is a server's own blocked term."""

SEVERE_CATEGORIES = frozenset({"slur", "sexual", "threat", "dangerous", "harassment", "custom"})
"""Categories blocked at every strictness, in both directions."""


class Severity(IntEnum):
    """How bad a match is; ``NONE`` means nothing matched."""

    NONE = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @classmethod
    def parse(cls, name: str) -> Severity:
        """Parse ``"low" | "medium" | "high"`` as written in the lexicon files."""
        return cls[name.upper()]


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon term: its category, severity and the term as written in the data file."""

    category: str
    severity: Severity
    term: str


@dataclass(frozen=True, slots=True)
class Hit:
    """An entry matched at ``[start, end)`` of the folded text.

    ``soft`` marks a hit that a server's allowed terms cover: ignored for what users say,
    and for the bot's own output only when the category is profanity.
    """

    entry: Entry
    start: int
    end: int
    soft: bool = False
