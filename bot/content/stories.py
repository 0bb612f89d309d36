"""The offline story generator: genre grammars + a prompt + a seed -> a titled, coherent story.

A story is a plan of beats (opening, goal, ..., climax, ending) filled from the genre's
grammar (``data/stories/<genre>.toml``). The cast, the place, the item and the goal are chosen
once, so the hero introduced in the opening is the one who acts in the middle and resolves
the goal at the end, and the item introduced in the opening pays off in the climax. The grammar
validator (``story_grammar.validate_grammar``) proves those rules for every template at load
time. Optional beats are added until the story reaches its length band.

Usage::

    story = generate_story("fantasy", "a dragon who loves pancakes", "short", random.Random(7))
    story.title, story.text
"""

from __future__ import annotations

import difflib
import random
import re
from dataclasses import dataclass

from bot.content.story_grammar import (
    BEAT_ORDER,
    CommonGrammar,
    GenreGrammar,
    Lexicon,
    grammars,
)
from bot.content.story_prompt import PromptCharacter, PromptIdeas, read_prompt, sanitise_prompt
from bot.content.story_text import (
    Character,
    Entity,
    Goal,
    Place,
    Thing,
    Word,
    polish,
    render,
    title_case,
)

__all__ = [
    "GENRE_IDS",
    "LENGTHS",
    "LENGTH_WORDS",
    "GenreInfo",
    "Story",
    "StoryError",
    "StoryParts",
    "UnknownGenreError",
    "UnknownLengthError",
    "generate_story",
    "list_genres",
    "resolve_genre",
    "sanitise_prompt",
]

GENRE_IDS: tuple[str, ...] = (
    "fantasy",
    "scifi",
    "mystery",
    "fairytale",
    "bedtime",
    "adventure",
    "funny",
    "spooky",
)
LENGTHS: tuple[str, ...] = ("short", "medium", "long")
# Inclusive word-count bands of the story body (the title is not counted).
LENGTH_WORDS: dict[str, tuple[int, int]] = {
    "short": (120, 200),
    "medium": (250, 400),
    "long": (500, 800),
}

# Per length: beats every story has, then beats added (in random order) to reach the band.
# The helper beat introduces the helper, so only plans that always contain it may use beats
# that mention the helper (twist, lowpoint); the validator enforces the rest.
_PLANS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "short": (("opening", "goal", "climax", "ending"), ("obstacle",)),
    "medium": (
        ("opening", "goal", "helper", "obstacle", "climax", "ending"),
        ("journey", "setout", "epilogue", "extra"),
    ),
    "long": (
        (
            "opening",
            "goal",
            "setout",
            "journey",
            "helper",
            "obstacle",
            "lowpoint",
            "twist",
            "climax",
            "ending",
        ),
        ("epilogue", "extra", "extra", "extra", "extra"),
    ),
}
_ATTEMPTS = 40
_PRONOUN_WEIGHTS = (("she", 45), ("he", 45), ("they", 10))
_WORD_RE = re.compile(r"\S+")


class StoryError(ValueError):
    """A story request that cannot be served (the message says what was expected)."""


class UnknownGenreError(StoryError):
    """The genre is not one of GENRE_IDS (or an alias of one)."""


class UnknownLengthError(StoryError):
    """The length is not one of LENGTHS."""


@dataclass(frozen=True)
class GenreInfo:
    """A genre as shown to users: id, display name and a one-line blurb."""

    id: str
    name: str
    blurb: str


@dataclass(frozen=True)
class Story:
    """A generated story. ``text`` is the paragraphs joined by blank lines."""

    title: str
    genre: str
    length: str
    text: str
    paragraphs: tuple[str, ...]
    beats: tuple[str, ...]

    @property
    def word_count(self) -> int:
        """Words in the body (not the title)."""
        return len(_WORD_RE.findall(self.text))


def list_genres() -> list[GenreInfo]:
    """The available genres, in menu order."""
    _, _, genres = grammars()
    return [GenreInfo(g.id, genres[g.id].name, genres[g.id].blurb) for g in _ordered(genres)]


def _ordered(genres: dict[str, GenreGrammar]) -> list[GenreGrammar]:
    return [genres[i] for i in GENRE_IDS if i in genres] + [
        g for i, g in sorted(genres.items()) if i not in GENRE_IDS
    ]


def _fold(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text.strip().lower())


def resolve_genre(genre: str) -> str:
    """Map a genre name or alias ("Sci-Fi", "fairy tale") to its id, or raise UnknownGenreError."""
    _, _, genres = grammars()
    names: dict[str, str] = {}
    for g in genres.values():
        for alias in (g.id, g.name, *g.aliases):
            names[_fold(alias)] = g.id
    key = _fold(genre)
    if key in names:
        return names[key]
    close = difflib.get_close_matches(key, list(names), n=3, cutoff=0.6)
    suggestions = sorted({names[c] for c in close})
    hint = f" Did you mean {' or '.join(repr(s) for s in suggestions)}?" if suggestions else ""
    available = ", ".join(g.id for g in _ordered(genres))
    raise UnknownGenreError(
        f"Unknown story genre {genre[:40]!r}.{hint} Available genres: {available}."
    )


def _resolve_length(length: str) -> str:
    key = length.strip().lower()
    if key not in LENGTH_WORDS:
        raise UnknownLengthError(
            f"Unknown story length {length[:40]!r}; expected one of: {', '.join(LENGTHS)}."
        )
    return key


def _words(text: str) -> int:
    return len(_WORD_RE.findall(text))


# --- the cast ------------------------------------------------------------------------------


def _pick_pronoun(rng: random.Random) -> str:
    pronouns, weights = zip(*_PRONOUN_WEIGHTS, strict=True)
    return rng.choices(pronouns, weights=weights)[0]


def _make_character(
    slot: str,
    given: PromptCharacter | None,
    genre: GenreGrammar,
    common: CommonGrammar,
    taken: set[str],
    rng: random.Random,
) -> Character:
    """One character; ``taken`` holds names and traits already used, so each is distinct."""
    roles = {
        "hero": genre.cast.hero_roles,
        "friend": genre.cast.friend_roles,
        "helper": genre.cast.helper_roles,
    }[slot]
    if given is not None and given.name:
        name = given.name
        # A name without any cue: singular "they" is the honest choice.
        pronoun = given.pronoun or "they"
    else:
        pronoun = (given.pronoun if given else None) or _pick_pronoun(rng)
        pool = [n for n in getattr(common.names, pronoun) if n not in taken]
        name = rng.choice(pool)
    taken.add(name)
    if given is not None and given.role:
        role = given.role
    elif given is not None and slot == "friend":
        role = "best friend"
    else:
        role = rng.choice(roles)
    loves = given.loves.name if given is not None and given.loves else rng.choice(genre.cast.loves)
    traits = [t for t in genre.cast.traits if t not in taken] or genre.cast.traits
    trait = rng.choice(traits)
    taken.add(trait)
    return Character(name, role, trait, pronoun, loves)


def _cast(
    genre: GenreGrammar, common: CommonGrammar, ideas: PromptIdeas, rng: random.Random
) -> dict[str, Entity]:
    taken = set(ideas.names)
    entities: dict[str, Entity] = {}
    for k, slot in enumerate(("hero", "friend", "helper")):
        given = ideas.characters[k] if k < len(ideas.characters) else None
        entities[slot] = _make_character(slot, given, genre, common, taken, rng)

    homes = [Place(p.intro, p.ref) for p in ideas.places if not p.destination]
    trips = [Place(p.intro, p.ref) for p in ideas.places if p.destination]
    if len(homes) > 1 and not trips:
        trips.append(homes.pop(1))
    place = rng.choice(genre.places)
    entities["place"] = homes[0] if homes else Place(place.intro, place.ref)
    dests = [d for d in genre.destinations if d.ref != entities["place"].get("ref")]
    dest = rng.choice(dests or genre.destinations)
    entities["dest"] = trips[0] if trips else Place(dest.intro, dest.ref)

    if ideas.items:
        first = ideas.items[0]
        entities["item"] = Thing(first.name, first.plural, first.mass)
    else:
        item = rng.choice(genre.items)
        entities["item"] = Thing(item.name, item.plural, item.mass)
    goal = rng.choice(genre.goals)
    entities["goal"] = Goal(goal.want, goal.ing, goal.done)
    pools = {**common.words, **genre.words}
    for name in sorted(pools):
        entities[name] = Word(rng.choice(pools[name]))
    return entities


# --- composing -----------------------------------------------------------------------------


@dataclass
class _Draft:
    paragraphs: dict[str, list[str]]

    def words(self) -> int:
        return sum(_words(p) for ps in self.paragraphs.values() for p in ps)

    def ordered(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        beats: list[str] = []
        paras: list[str] = []
        for beat in BEAT_ORDER:
            for p in self.paragraphs.get(beat, ()):
                beats.append(beat)
                paras.append(p)
        return tuple(beats), tuple(paras)


def _append_sentence(paragraph: str, sentence: str) -> str:
    return f"{paragraph} {sentence}"


def _draft(
    genre: GenreGrammar,
    common: CommonGrammar,
    entities: dict[str, Entity],
    ideas: PromptIdeas,
    length: str,
    rng: random.Random,
) -> _Draft:
    lo, hi = LENGTH_WORDS[length]
    required, optional = _PLANS[length]
    beats = genre.beats.model_dump()
    hero = entities["hero"]
    hero_given = ideas.characters[0] if ideas.characters else None
    helper_given = len(ideas.characters) > 2
    best: _Draft | None = None
    best_gap = 10**9
    for _ in range(_ATTEMPTS):
        draft = _Draft({b: [render(rng.choice(beats[b]), entities)] for b in required})
        # Prompt details that the plan might not mention get one sentence of their own.
        text = " ".join(p for ps in draft.paragraphs.values() for p in ps).lower()
        if hero_given is not None and hero_given.loves and hero.get("loves").lower() not in text:
            line = render(rng.choice(common.loves_lines), entities)
            draft.paragraphs["opening"][0] = _append_sentence(draft.paragraphs["opening"][0], line)
        if helper_given and "helper" not in required:
            line = render(rng.choice(common.cameo_lines), entities)
            draft.paragraphs["goal"][0] = _append_sentence(draft.paragraphs["goal"][0], line)
        total = draft.words()
        if total <= hi:
            extras = [*beats["extra"], *common.extras]
            rng.shuffle(extras)
            target = rng.randint(lo + (hi - lo) // 4, hi - (hi - lo) // 8)
            order = list(optional)
            rng.shuffle(order)
            for beat in order:
                if total >= target:
                    break
                if beat == "extra":
                    if not extras:
                        continue
                    template = extras.pop()
                else:
                    template = rng.choice(beats[beat])
                paragraph = render(template, entities)
                n = _words(paragraph)
                if total + n > hi:
                    continue
                draft.paragraphs.setdefault(beat, []).append(paragraph)
                total += n
            if total >= lo:
                return draft
        gap = lo - total if total < lo else total - hi
        if gap < best_gap:
            best, best_gap = draft, gap
    assert best is not None
    return best


def generate_story(genre: str, prompt: str | None, length: str, rng: random.Random) -> Story:
    """Generate a story of ``genre`` and ``length``, weaving in what ``prompt`` names.

    ``prompt`` may be None. Capitalised names in it become the hero, the friend and the
    helper (in that order, at most three); creatures, places and objects become roles, the
    setting and the story's key item. Raises UnknownGenreError / UnknownLengthError.
    """
    genre_id = resolve_genre(genre)
    length_id = _resolve_length(length)
    common, lexicon, genres = grammars()
    grammar = genres[genre_id]
    ideas = _read(prompt, lexicon)
    entities = _cast(grammar, common, ideas, rng)
    draft = _draft(grammar, common, entities, ideas, length_id, rng)
    beats, paragraphs = draft.ordered()
    title = title_case(polish(render(rng.choice(grammar.titles), entities)))
    return Story(
        title=title,
        genre=genre_id,
        length=length_id,
        text="\n\n".join(paragraphs),
        paragraphs=paragraphs,
        beats=beats,
    )


def _read(prompt: str | None, lexicon: Lexicon) -> PromptIdeas:
    if prompt is None:
        return PromptIdeas()
    return read_prompt(prompt, lexicon)


# --- parts for story circles ----------------------------------------------------------------


class StoryParts:
    """One invented cast and setting of a genre, and paragraphs drawn for it beat by beat.

    Story circles use it: Hearth opens the circle, adds a twist every few lines and writes
    the ending, always about the same characters. The cast depends only on ``seed``, so a
    circle resumed after a restart gets the same characters back.
    """

    def __init__(self, genre: str, seed: str) -> None:
        self.genre = resolve_genre(genre)
        self._seed = seed
        common, _, genres = grammars()
        self._grammar = genres[self.genre]
        self.entities = _cast(self._grammar, common, PromptIdeas(), random.Random(seed))

    def title(self) -> str:
        """The circle's title."""
        template = random.Random(f"{self._seed}:title").choice(self._grammar.titles)
        return title_case(polish(render(template, self.entities)))

    def beat(self, beat: str, draw: int = 0) -> str:
        """A paragraph of ``beat`` about this cast; ``draw`` picks another template."""
        templates = self._grammar.beats.model_dump()[beat]
        if not templates:
            raise StoryError(f"the {self.genre} grammar has no {beat!r} paragraphs")
        template = random.Random(f"{self._seed}:{beat}:{draw}").choice(templates)
        return render(template, self.entities)
