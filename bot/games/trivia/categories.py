"""The fixed list of trivia categories, and fuzzy lookup of a category a user typed."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.games.trivia.text import fold


@dataclass(frozen=True, slots=True)
class Category:
    """One trivia category: stable key (used in files and storage), display name, aliases."""

    key: str
    name: str
    emoji: str
    aliases: tuple[str, ...] = ()


CATEGORIES: tuple[Category, ...] = (
    Category("general", "General knowledge", "🧠", ("general knowledge", "trivia", "everyday")),
    Category("science", "Science", "🔬", ("chemistry", "physics", "biology")),
    Category("nature", "Nature", "🌿", ("animals", "plants", "wildlife")),
    Category("geography", "Geography", "🗺️", ("geo", "countries", "capitals", "world")),
    Category("history", "History", "🏛️", ("past", "historical")),
    Category("space", "Space", "🚀", ("astronomy", "planets", "cosmos")),
    Category("food", "Food and drink", "🍲", ("food and drink", "cooking", "cuisine", "drink")),
    Category("music", "Music", "🎵", ("songs", "instruments")),
    Category("film_tv", "Film and TV", "🎬", ("film", "films", "movies", "tv", "television")),
    Category("books", "Books", "📚", ("literature", "novels", "reading")),
    Category("sports", "Sports", "⚽", ("sport", "olympics", "athletics")),
    Category("technology", "Technology", "💻", ("tech", "computers", "computing", "inventions")),
    Category("language", "Language", "🔤", ("words", "languages", "etymology", "grammar")),
    Category("art", "Art", "🎨", ("arts", "painting", "paintings", "artists")),
    Category("mythology", "Mythology", "🐉", ("myths", "legends", "gods")),
    Category("maths", "Maths", "➗", ("math", "mathematics", "numbers")),
)
CATEGORY_KEYS: frozenset[str] = frozenset(c.key for c in CATEGORIES)
BY_KEY: dict[str, Category] = {c.key: c for c in CATEGORIES}

# Typed words meaning "no particular category".
ANY_CATEGORY = frozenset({"any", "all", "random", "mixed", "everything", "*"})


def _names() -> dict[str, str]:
    """Every spelling a user may type (folded), mapped to its category key."""
    names: dict[str, str] = {}
    for category in CATEGORIES:
        for spelling in (category.key, category.key.replace("_", " "), category.name):
            names[fold(spelling)] = category.key
        for alias in category.aliases:
            names.setdefault(fold(alias), category.key)
    return names


_NAMES = _names()


def exact_category(text: str) -> str | None:
    """The category key for an exact key, name or alias (case-insensitive), else None."""
    return _NAMES.get(fold(text).strip().replace("&", "and"))


def suggest_categories(
    text: str, *, limit: int = 3, keys: frozenset[str] | None = None
) -> list[str]:
    """Category keys whose names resemble `text`, best first (possibly empty)."""
    allowed = CATEGORY_KEYS if keys is None else keys
    matches = process.extract(
        fold(text).strip(), list(_NAMES), scorer=fuzz.ratio, limit=limit * 4, score_cutoff=60
    )
    found: list[str] = []
    best: float | None = None
    for spelling, score, _index in matches:
        key = _NAMES[spelling]
        if key not in allowed or key in found:
            continue
        best = score if best is None else best
        # Only near-best matches: "histroy" suggests history, not also "chemistry" (science).
        if score >= best - 10:
            found.append(key)
    return found[:limit]


def unknown_category_message(text: str, keys: frozenset[str] | None = None) -> str:
    """A clear message for an unknown category, with suggestions and the valid keys."""
    allowed = CATEGORY_KEYS if keys is None else keys
    suggestions = suggest_categories(text, keys=allowed)
    hint = f" Did you mean {' or '.join(suggestions)}?" if suggestions else ""
    valid = ", ".join(c.key for c in CATEGORIES if c.key in allowed)
    return f"unknown category {text!r}.{hint} Valid categories: {valid}."


def rank_categories(text: str, keys: frozenset[str] | None = None) -> list[str]:
    """Category keys for autocomplete: all (in the standard order) for empty text, else the
    ones whose key, name or alias starts with or contains the text, then fuzzy look-alikes
    ("spcae" -> space), best first."""
    allowed = CATEGORY_KEYS if keys is None else keys
    typed = fold(text).strip().replace("&", "and")
    ordered = [c.key for c in CATEGORIES if c.key in allowed]
    if not typed:
        return ordered
    starts: list[str] = []
    contains: list[str] = []
    for spelling, key in _NAMES.items():
        if key not in allowed:
            continue
        if spelling.startswith(typed) and key not in starts:
            starts.append(key)
        elif typed in spelling and key not in contains:
            contains.append(key)
    found = starts + [k for k in contains if k not in starts]
    matches = process.extract(
        typed, list(_NAMES), scorer=fuzz.ratio, limit=len(_NAMES), score_cutoff=60
    )
    for spelling, _score, _index in matches:
        key = _NAMES[spelling]
        if key in allowed and key not in found:
            found.append(key)
    return found
