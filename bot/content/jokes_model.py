"""The joke data model: categories, the immutable `Joke` record and the bank's errors.

Categories are fixed in code (not discovered from files) so that slash-command choices, id
prefixes and aliases are stable, and a bank file that names an unknown category is an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

JokeKind = Literal["qa", "oneliner", "knockknock"]
Rating = Literal["all_ages", "teen"]

JOKE_KINDS: tuple[JokeKind, ...] = ("qa", "oneliner", "knockknock")
RATINGS: tuple[Rating, ...] = ("all_ages", "teen")
DEFAULT_RATINGS: tuple[Rating, ...] = ("all_ages",)


@dataclass(frozen=True, slots=True)
class Category:
    """One joke category: its canonical key, how people may call it, and its id prefix."""

    key: str
    title: str
    id_prefix: str
    default_kind: JokeKind
    allowed_kinds: tuple[JokeKind, ...]
    aliases: tuple[str, ...] = ()


CATEGORIES: tuple[Category, ...] = (
    Category("puns", "Puns", "pun", "qa", ("qa", "oneliner"), ("pun", "wordplay")),
    Category(
        "dad-jokes", "Dad jokes", "dad", "qa", ("qa", "oneliner"), ("dad", "dad joke", "groaner")
    ),
    Category("animals", "Animals", "animal", "qa", ("qa", "oneliner"), ("animal", "pets", "zoo")),
    Category("food", "Food", "food", "qa", ("qa", "oneliner"), ("cooking", "kitchen", "snacks")),
    Category("science", "Science", "sci", "qa", ("qa", "oneliner"), ("chemistry", "physics")),
    Category("space", "Space", "space", "qa", ("qa", "oneliner"), ("astronomy", "planets")),
    Category(
        "programming",
        "Programming",
        "prog",
        "qa",
        ("qa", "oneliner"),
        ("coding", "code", "computers", "tech", "developer"),
    ),
    Category("music", "Music", "music", "qa", ("qa", "oneliner"), ("musician", "songs")),
    Category("school", "School", "school", "qa", ("qa", "oneliner"), ("teacher", "classroom")),
    Category("sports", "Sports", "sport", "qa", ("qa", "oneliner"), ("sport", "athletics")),
    Category(
        "one-liners",
        "One-liners",
        "one",
        "oneliner",
        ("oneliner",),
        ("one-liner", "oneliner", "one liner"),
    ),
    Category("riddles", "Riddles", "riddle", "qa", ("qa",), ("riddle", "puzzle", "brain teaser")),
    Category(
        "knock-knock",
        "Knock-knock",
        "kk",
        "knockknock",
        ("knockknock",),
        ("knock knock", "knockknock", "knock"),
    ),
)

CATEGORY_BY_KEY: dict[str, Category] = {c.key: c for c in CATEGORIES}


@dataclass(frozen=True, slots=True)
class Joke:
    """One joke, validated and immutable.

    `kind` decides which text fields are used:
    - "qa": `setup` is the question, `punchline` the answer;
    - "oneliner": the whole joke is in `setup`, `punchline` is empty;
    - "knockknock": `name` answers "Who's there?", `punchline` answers "<name> who?";
      `setup` is empty.
    """

    id: str
    category: str
    kind: JokeKind
    setup: str
    punchline: str
    name: str | None = None
    rating: Rating = "all_ages"
    tags: tuple[str, ...] = ()
    source: str = ""

    @property
    def text(self) -> str:
        """All the joke's words in one string (for matching and duplicate checks)."""
        return " ".join(part for part in (self.setup, self.name or "", self.punchline) if part)


class JokeBankError(ValueError):
    """A joke bank file is malformed; `problems` lists every issue found, each naming its place."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        shown = self.problems[:25]
        more = len(self.problems) - len(shown)
        lines = ["Invalid joke bank:", *(f"  - {p}" for p in shown)]
        if more > 0:
            lines.append(f"  ... and {more} more problem(s)")
        super().__init__("\n".join(lines))


class UnknownCategoryError(ValueError):
    """A category name that matches none of the known categories (with close suggestions)."""

    def __init__(self, name: str, suggestions: list[str], known: list[str]) -> None:
        self.name = name
        self.suggestions = list(suggestions)
        self.known = list(known)
        hint = f" Did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(
            f"Unknown joke category {name!r}.{hint} Known categories: {', '.join(self.known)}."
        )


class NoJokeAvailableError(LookupError):
    """No joke is eligible for the request (e.g. the allowed ratings exclude every joke)."""
