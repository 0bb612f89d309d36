"""Hearth's joke engine: the shipped joke bank, no-repeat picking, topic matching, rendering.

Nothing here knows about Discord. A caller (the jokes cog, the offline brain) keeps each user's
history of seen joke ids per category and passes it to `JokeBank.pick`; when the pick reports
`cycle_restarted`, the caller clears that scope's history before recording the new joke.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.content.jokes_knock import KNOCK_LINE, KnockKnock, Stage, is_name_who, is_whos_there
from bot.content.jokes_loader import read_jokes
from bot.content.jokes_match import MATCH_THRESHOLD, TopicIndex, normalize_text
from bot.content.jokes_model import (
    CATEGORIES,
    CATEGORY_BY_KEY,
    DEFAULT_RATINGS,
    JOKE_KINDS,
    RATINGS,
    Category,
    Joke,
    JokeBankError,
    JokeKind,
    NoJokeAvailableError,
    Rating,
    UnknownCategoryError,
)

__all__ = [
    "CATEGORIES",
    "DEFAULT_JOKES_DIR",
    "JOKE_KINDS",
    "KNOCK_LINE",
    "RATINGS",
    "Category",
    "Joke",
    "JokeBank",
    "JokeBankError",
    "JokeKind",
    "JokePick",
    "KnockKnock",
    "NoJokeAvailableError",
    "Rating",
    "Stage",
    "UnknownCategoryError",
    "as_plain",
    "as_spoiler_text",
    "find_category",
    "is_name_who",
    "is_whos_there",
    "knock_knock_lines",
    "load_joke_bank",
    "read_joke_bank",
]

DEFAULT_JOKES_DIR = Path(__file__).parent / "data" / "jokes"

# When several jokes fit a topic, any within this distance of the best is fair game, so asking
# twice for "cats" does not always serve the single highest-scoring cat joke first.
_RELEVANCE_BAND = 0.2


@dataclass(frozen=True, slots=True)
class JokePick:
    """The result of `JokeBank.pick`.

    - `scope`: the category the pick was drawn from (None means the whole bank): the history
      the caller must clear when `cycle_restarted` is True.
    - `cycle_restarted`: every eligible joke in `scope` had been seen, so this pick ignored
      the history.
    - `about_matched`: False when a topic was asked for and this joke is not about it (the
      caller should say so honestly). True when it matched, or when no topic was asked for.
    - `about_exhausted`: jokes about the topic exist but the user has heard them all this cycle.
    - `relevance`: the topic score of the joke (0.0 without a topic).
    """

    joke: Joke
    scope: str | None
    cycle_restarted: bool = False
    about_matched: bool = True
    about_exhausted: bool = False
    relevance: float = 0.0


def _category_names() -> dict[str, str]:
    """Every accepted spelling of every category (normalised), mapped to its key."""
    names: dict[str, str] = {}
    for category in CATEGORIES:
        for name in (category.key, category.title, *category.aliases):
            names[normalize_text(name)] = category.key
            names[normalize_text(name).replace(" ", "")] = category.key
    return names


_CATEGORY_NAMES = _category_names()


def find_category(name: str) -> str:
    """Resolve a user-typed category name ("Puns", "dad jokes", "knock knock") to its key.

    Raises `UnknownCategoryError` with close suggestions when nothing matches.
    """
    said = normalize_text(name)
    for candidate in (said, said.replace(" ", ""), said.removesuffix(" jokes")):
        if candidate in _CATEGORY_NAMES:
            return _CATEGORY_NAMES[candidate]
    found = process.extract(said, list(_CATEGORY_NAMES), scorer=fuzz.WRatio, limit=6)
    suggestions = list(dict.fromkeys(_CATEGORY_NAMES[n] for n, score, _ in found if score >= 70))
    raise UnknownCategoryError(name, suggestions[:3], [c.key for c in CATEGORIES])


class JokeBank:
    """An immutable, validated collection of jokes with no-repeat and topic-aware picking."""

    def __init__(self, jokes: Collection[Joke]) -> None:
        self._jokes: tuple[Joke, ...] = tuple(jokes)
        self._by_id: dict[str, Joke] = {j.id: j for j in self._jokes}
        if len(self._by_id) != len(self._jokes):
            raise JokeBankError(["duplicate joke ids passed to JokeBank"])
        self._index = TopicIndex(self._jokes)

    def __len__(self) -> int:
        return len(self._jokes)

    def __iter__(self) -> Iterator[Joke]:
        return iter(self._jokes)

    def categories(self) -> list[str]:
        """Keys of the categories that have at least one joke, in canonical order."""
        present = {j.category for j in self._jokes}
        return [c.key for c in CATEGORIES if c.key in present]

    def category_title(self, category: str) -> str:
        """Display title of a category key, e.g. "dad-jokes" -> "Dad jokes"."""
        return CATEGORY_BY_KEY[self.find_category(category)].title

    def find_category(self, name: str) -> str:
        """Resolve a user-typed name to a category key of this bank; see `find_category`.

        A known category with no jokes in this bank is reported as unknown here.
        """
        key = find_category(name)
        present = self.categories()
        if key not in present:
            raise UnknownCategoryError(name, [], present)
        return key

    def by_id(self, joke_id: str) -> Joke:
        """The joke with this id; `KeyError` naming the id when there is none."""
        try:
            return self._by_id[joke_id]
        except KeyError:
            raise KeyError(f"no joke with id {joke_id!r}") from None

    def jokes(
        self, category: str | None = None, allow_ratings: Collection[str] = DEFAULT_RATINGS
    ) -> list[Joke]:
        """Jokes of one category (or all) whose rating is allowed, in bank order."""
        _check_ratings(allow_ratings)
        key = self.find_category(category) if category is not None else None
        return [
            j
            for j in self._jokes
            if (key is None or j.category == key) and j.rating in allow_ratings
        ]

    def relevance(self, joke: Joke, about: str) -> float:
        """How well a joke fits a topic, in [0, 1]; >= `MATCH_THRESHOLD` counts as about it."""
        return self._index.score(joke.id, self._index.query(about))

    def pick(
        self,
        *,
        category: str | None = None,
        about: str | None = None,
        seen_ids: Collection[str] = (),
        allow_ratings: Collection[str] = DEFAULT_RATINGS,
        kinds: Collection[JokeKind] | None = None,
        rng: random.Random,
    ) -> JokePick:
        """Choose a joke the user has not seen in this cycle, preferring ones about `about`.

        `category` may be any accepted spelling (see `find_category`); `kinds` limits the
        pick to some kinds of joke (None: any). Raises `UnknownCategoryError` for an unknown
        category and `NoJokeAvailableError` when the allowed ratings and kinds leave nothing.
        """
        scope = self.find_category(category) if category is not None else None
        pool = self.jokes(scope, allow_ratings)
        if kinds is not None:
            pool = [j for j in pool if j.kind in kinds]
        if not pool:
            where = f"category {scope!r}" if scope else "the joke bank"
            kinds_text = f" and kind ({', '.join(kinds)})" if kinds is not None else ""
            raise NoJokeAvailableError(
                f"no joke in {where} has an allowed rating ({', '.join(allow_ratings)}){kinds_text}"
            )
        seen = set(seen_ids)
        unseen = [j for j in pool if j.id not in seen]
        restarted = not unseen
        if restarted:
            unseen = pool

        query = self._index.query(about) if about else []
        if not any(query):
            # No topic, or a topic with no word we know: a fair random pick.
            return JokePick(
                joke=rng.choice(unseen),
                scope=scope,
                cycle_restarted=restarted,
                about_matched=not query,
            )

        def relevant(jokes: list[Joke]) -> list[tuple[float, Joke]]:
            scored = ((self._index.score(j.id, query), j) for j in jokes)
            return [(s, j) for s, j in scored if s >= MATCH_THRESHOLD]

        fresh = relevant(unseen)
        if fresh:
            best = max(score for score, _ in fresh)
            band = [(s, j) for s, j in fresh if s >= best - _RELEVANCE_BAND]
            score, joke = rng.choice(band)
            return JokePick(joke, scope, restarted, about_matched=True, relevance=score)
        exhausted = bool(relevant(pool))
        return JokePick(
            joke=rng.choice(unseen),
            scope=scope,
            cycle_restarted=restarted,
            about_matched=False,
            about_exhausted=exhausted,
        )


def _check_ratings(allow_ratings: Collection[str]) -> None:
    unknown = [r for r in allow_ratings if r not in RATINGS]
    if isinstance(allow_ratings, str) or unknown:
        raise ValueError(
            f"allow_ratings must be a collection of {', '.join(RATINGS)}; got {allow_ratings!r}"
        )


def read_joke_bank(directory: Path | str) -> JokeBank:
    """Read and validate a joke bank directory (uncached); raises `JokeBankError`."""
    return JokeBank(read_jokes(Path(directory)))


@functools.cache
def load_joke_bank() -> JokeBank:
    """The shipped joke bank, read once per process (it is read-only data)."""
    return read_joke_bank(DEFAULT_JOKES_DIR)


def knock_knock_lines(joke: Joke) -> list[str]:
    """The full exchange of a knock-knock joke as lines, punchline last."""
    name = joke.name or ""
    said = name if name.endswith((".", "!", "?", "\u2026")) else f"{name}."
    return [KNOCK_LINE, "Who's there?", said, f"{name.rstrip('.!?')} who?", joke.punchline]


def as_plain(joke: Joke) -> str:
    """The whole joke as plain text, setup and punchline on separate lines."""
    if joke.kind == "knockknock":
        return "\n".join(knock_knock_lines(joke))
    if joke.kind == "oneliner":
        return joke.setup
    return f"{joke.setup}\n{joke.punchline}"


def as_spoiler_text(joke: Joke) -> str:
    """The joke with its punchline hidden behind Discord spoiler bars (``||punchline||``).

    A one-liner has nothing to hide and is returned as is. The loader rejects "|" in jokes,
    so the bars cannot be broken by the joke's own text.
    """
    if joke.kind == "knockknock":
        *lead, punchline = knock_knock_lines(joke)
        return "\n".join(lead) + f"\n||{punchline}||"
    if joke.kind == "oneliner":
        return joke.setup
    return f"{joke.setup}\n||{joke.punchline}||"
