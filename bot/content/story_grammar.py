"""Story grammar files: pydantic models, the cached loader and the grammar validator.

Each genre is one TOML file in ``data/stories/<id>.toml``; ``common.toml`` holds what all
genres share (character names, interludes) and ``lexicon.toml`` the word lists that the
prompt reader uses. The validator proves, once at load time, that every slot can be filled and
that every story built from the beats is coherent (see ``BEAT_RULES``).
"""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path
from typing import Annotated, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from bot.content.story_text import ENTITY_KINDS, SLOT_RE

DATA_DIR = Path(__file__).parent / "data" / "stories"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
TextList = Annotated[list[Text], Field(min_length=1)]

# The beats in story order. Extras (interludes) sit in the middle, before the helper arrives;
# the low point comes before the twist that turns the story toward its climax.
BEAT_ORDER: tuple[str, ...] = (
    "opening",
    "goal",
    "setout",
    "journey",
    "extra",
    "helper",
    "obstacle",
    "lowpoint",
    "twist",
    "climax",
    "ending",
    "epilogue",
)


_M = TypeVar("_M", bound=BaseModel)


class GrammarError(ValueError):
    """A story grammar file is missing, malformed or incoherent."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PlaceSpec(_Strict):
    """A setting: how it is first introduced and how it is referred to afterwards."""

    intro: Text
    ref: Text


class ItemSpec(_Strict):
    """The story's key object; plural and mass nouns take "some" instead of "a"."""

    name: Text
    plural: bool = False
    mass: bool = False


class GoalSpec(_Strict):
    """A goal in three forms: after "to" (want), as -ing, and in the past tense (done)."""

    want: Text
    ing: Text
    done: Text


class CastSpec(_Strict):
    """Roles and traits for the characters a genre invents when the prompt names none."""

    hero_roles: TextList
    friend_roles: TextList
    helper_roles: TextList
    traits: TextList
    loves: TextList


class Beats(_Strict):
    """Paragraph templates for every beat of a story."""

    opening: TextList
    goal: TextList
    setout: TextList
    journey: TextList
    helper: TextList
    obstacle: TextList
    twist: TextList
    lowpoint: TextList
    climax: TextList
    ending: TextList
    epilogue: TextList
    extra: list[Text] = []


class GenreGrammar(_Strict):
    """One genre's grammar file."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z]+$")]
    name: Text
    aliases: list[Text] = []
    blurb: Text
    cast: CastSpec
    places: Annotated[list[PlaceSpec], Field(min_length=1)]
    destinations: Annotated[list[PlaceSpec], Field(min_length=1)]
    items: Annotated[list[ItemSpec], Field(min_length=1)]
    goals: Annotated[list[GoalSpec], Field(min_length=1)]
    words: dict[str, TextList] = {}
    titles: TextList
    beats: Beats


class NameSpec(_Strict):
    """Invented character names, grouped by the pronoun they are used with."""

    she: TextList
    he: TextList
    they: TextList


class CommonGrammar(_Strict):
    """What every genre shares."""

    names: NameSpec
    words: dict[str, TextList] = {}
    extras: TextList
    loves_lines: TextList
    cameo_lines: TextList


class Lexicon(_Strict):
    """Word lists for reading a prompt; all entries are lower case."""

    creatures: TextList
    name_titles: list[Text] = []
    she_roles: list[Text] = []
    he_roles: list[Text] = []
    # place word -> [introduction, later reference, optional form as a destination]
    places: dict[str, Annotated[list[Text], Field(min_length=2, max_length=3)]]
    adjectives: TextList
    mass_nouns: list[Text] = []
    determiners: TextList
    object_triggers: TextList
    place_prepositions: TextList
    stopwords: TextList


# --- loading -------------------------------------------------------------------------------


def _read_toml(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise GrammarError(f"story grammar file {path} is missing") from exc
    except tomllib.TOMLDecodeError as exc:
        raise GrammarError(f"story grammar file {path} is not valid TOML: {exc}") from exc


def _parse(model: type[_M], path: Path) -> _M:
    try:
        return model.model_validate(_read_toml(path))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise GrammarError(f"story grammar file {path} is invalid: {problems}") from exc


def load_grammars(
    directory: Path = DATA_DIR,
) -> tuple[CommonGrammar, Lexicon, dict[str, GenreGrammar]]:
    """Load and validate every grammar file in ``directory`` (uncached; see ``grammars``)."""
    common = _parse(CommonGrammar, directory / "common.toml")
    lexicon = _parse(Lexicon, directory / "lexicon.toml")
    genres: dict[str, GenreGrammar] = {}
    for path in sorted(directory.glob("*.toml")):
        if path.stem in ("common", "lexicon"):
            continue
        genre = _parse(GenreGrammar, path)
        if genre.id != path.stem:
            raise GrammarError(f"{path}: id {genre.id!r} must match the file name {path.stem!r}")
        problems = validate_grammar(genre, common)
        if problems:
            raise GrammarError(f"{path} has problems:\n- " + "\n- ".join(problems))
        genres[genre.id] = genre
    if not genres:
        raise GrammarError(f"no story genres found in {directory}")
    return common, lexicon, genres


@functools.cache
def grammars() -> tuple[CommonGrammar, Lexicon, dict[str, GenreGrammar]]:
    """The shipped grammars, loaded and validated once per process (read-only)."""
    return load_grammars(DATA_DIR)


# --- validation ----------------------------------------------------------------------------

CHARACTERS = ("hero", "friend", "helper")

# Per beat: entities each template must mention, and entities it may not (not yet introduced,
# or absent from some plans: the helper only exists in plans that contain the helper beat).
BEAT_RULES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "opening": (("hero", "friend", "place", "item"), ("helper", "goal", "dest")),
    "goal": (("goal", "dest"), ("helper",)),
    "setout": (("hero",), ("helper",)),
    "journey": (("hero",), ("helper",)),
    "extra": ((), ("helper",)),
    "helper": (("helper", "hero"), ()),
    "obstacle": (("hero",), ("helper",)),
    "twist": (("hero",), ()),
    "lowpoint": (("hero",), ()),
    "climax": (("hero", "item"), ("helper",)),
    "ending": (("hero",), ("helper",)),
    "epilogue": (("hero",), ("helper",)),
}

# Gendered pronouns must come from slots, so that they always agree with the character.
_GENDERED_RE = re.compile(r"\b(he|she|him|her|his|hers|himself|herself)\b", re.IGNORECASE)
# A slot at the start of a sentence must be written capitalised ({item.The}), unless it is a
# character's name, which is capitalised already.
_SENTENCE_SLOT_RE = re.compile(r"(?:^|[.!?]\s+|[“\"]\s*)\{([a-z_]+)(?:\.([A-Za-z_]+))?\}")
_WORDS_RE = re.compile(r"\S+")
_DEST_INTRO_MID_RE = re.compile(r"\{dest\.[Ii]ntro\}(?![.,!?;:”])")

# Raw template words (a slot counts as one). Beats in every short story are kept brief so that
# four of them, with slots filled, fit the short band; the others are fuller paragraphs.
SHORT_BEAT_WORDS = (22, 36)
BEAT_WORDS = (30, 70)
_SHORT_BEATS = frozenset({"opening", "goal", "climax", "ending"})


def _slot_problems(where: str, template: str, pools: set[str]) -> list[str]:
    problems: list[str] = []
    for name, attr in SLOT_RE.findall(template):
        if name in ENTITY_KINDS:
            if attr and attr.lower() not in ENTITY_KINDS[name]:
                known = ", ".join(sorted(ENTITY_KINDS[name]))
                problems.append(f"{where}: {{{name}.{attr}}} is not an attribute ({known})")
        elif name in pools:
            if attr and attr.lower() != "value":
                problems.append(f"{where}: pool slot {{{name}.{attr}}} only takes .Value")
        else:
            problems.append(f"{where}: unknown slot {{{name}}}")
    leftovers = SLOT_RE.sub("", template)
    if "{" in leftovers or "}" in leftovers:
        problems.append(f"{where}: stray brace outside a well-formed slot")
    if "@" in template:
        problems.append(f"{where}: contains '@'")
    if _GENDERED_RE.search(SLOT_RE.sub("", template)):
        problems.append(
            f"{where}: gendered pronoun written literally; use a slot like {{hero.their}}"
        )
    for m in _SENTENCE_SLOT_RE.finditer(template):
        name, attr = m.group(1), m.group(2) or ""
        is_name = name in CHARACTERS and attr.lower() in ("", "name")
        if not is_name and not attr[:1].isupper():
            problems.append(f"{where}: {m.group(0).strip()} starts a sentence; capitalise it")
    return problems


def _mentions(template: str) -> set[str]:
    return {name for name, _ in SLOT_RE.findall(template)}


def validate_grammar(genre: GenreGrammar, common: CommonGrammar) -> list[str]:
    """Return every problem with ``genre`` (empty when it is sound)."""
    problems: list[str] = []
    pools = set(genre.words) | set(common.words)
    clash = pools & set(ENTITY_KINDS)
    if clash:
        problems.append(f"word pools shadow entities: {sorted(clash)}")
    beats = genre.beats.model_dump()
    for beat, templates in beats.items():
        must, must_not = BEAT_RULES[beat]
        for i, template in enumerate(templates):
            where = f"{genre.id} beats.{beat}[{i}]"
            problems.extend(_slot_problems(where, template, pools))
            mentioned = _mentions(template)
            missing = [e for e in must if e not in mentioned]
            if missing:
                problems.append(f"{where}: must mention {missing}")
            early = sorted(mentioned & set(must_not))
            if early:
                problems.append(f"{where}: may not mention {early} in this beat")
            words = len(_WORDS_RE.findall(template))
            lo, hi = SHORT_BEAT_WORDS if beat in _SHORT_BEATS else BEAT_WORDS
            if not lo <= words <= hi:
                problems.append(f"{where}: {words} words, expected {lo}-{hi}")
    for i, place in enumerate(genre.places):
        # Templates continue straight after a place's introduction ("in X knew that..."), so
        # an appositive comma inside it would leave the sentence unbalanced.
        if "," in place.intro:
            problems.append(f"{genre.id} places[{i}]: intro may not contain a comma")
    for beat, templates in beats.items():
        for i, template in enumerate(templates):
            if _DEST_INTRO_MID_RE.search(template):
                problems.append(
                    f"{genre.id} beats.{beat}[{i}]: {{dest.intro}} must end a clause "
                    "(follow it with punctuation), since it may contain a comma"
                )
    for i, title in enumerate(genre.titles):
        where = f"{genre.id} titles[{i}]"
        problems.extend(_slot_problems(where, title, pools))
        if _mentions(title) & {"helper", "goal"}:
            problems.append(f"{where}: titles may use hero, friend, place, dest, item or pools")
    for i, extra in enumerate(common.extras):
        where = f"common extras[{i}]"
        problems.extend(_slot_problems(where, extra, pools))
        if "helper" in _mentions(extra):
            problems.append(f"{where}: extras may not mention the helper")
    for field in ("loves_lines", "cameo_lines"):
        for i, line in enumerate(getattr(common, field)):
            problems.extend(_slot_problems(f"common {field}[{i}]", line, pools))
    for i, goal in enumerate(genre.goals):
        if _GENDERED_RE.search(f"{goal.want} {goal.ing} {goal.done}"):
            problems.append(f"{genre.id} goals[{i}]: gendered pronoun in a goal")
    return problems
