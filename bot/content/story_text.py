"""Story entities and the template renderer: slots, pronouns, articles and capitals.

Slot syntax (documented in bot/content/data/stories/README.md):

- ``{hero}`` / ``{hero.they}`` / ``{hero.They}``: an entity, optionally with an attribute; an
  attribute written with a capital first letter capitalises the first letter of the value.
- Entities: characters (hero, friend, helper), places (place, dest), the item, the goal, and
  one-word pools (``{sound}``) picked once per story so that repeated references agree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Protocol

SLOT_RE = re.compile(r"\{([a-z_]+)(?:\.([A-Za-z_]+))?\}")

# Pronoun forms, and whether the pronoun takes plural verbs ("they were", "she was").
PRONOUNS: dict[str, tuple[str, str, str, str, str, bool]] = {
    "she": ("she", "her", "her", "hers", "herself", False),
    "he": ("he", "him", "his", "his", "himself", False),
    "they": ("they", "them", "their", "theirs", "themself", True),
    "it": ("it", "it", "its", "its", "itself", False),
}


class Entity(Protocol):
    """Anything a slot can name: returns the text for one attribute ("" means the default)."""

    def get(self, attr: str) -> str: ...


def _verb_forms(plural: bool) -> dict[str, str]:
    """The few verbs whose form depends on the subject (stories are told in the past tense)."""
    if plural:
        return {"was": "were", "is": "are", "has": "have", "does": "do"}
    return {"was": "was", "is": "is", "has": "has", "does": "does"}


@dataclass(frozen=True)
class Character:
    """A person, animal or machine in the story; pronouns drive every later reference."""

    name: str
    role: str
    trait: str
    pronoun: str
    loves: str

    ATTRS: ClassVar[frozenset[str]] = frozenset(
        {"name", "role", "trait", "loves", "they", "them", "their", "theirs", "themself"}
        | {"was", "is", "has", "does"}
    )

    def get(self, attr: str) -> str:
        """Return the name, a descriptive field, a pronoun form or an agreeing verb."""
        if attr in ("", "name"):
            return self.name
        if attr in ("role", "trait", "loves"):
            return str(getattr(self, attr))
        they, them, their, theirs, themself, plural = PRONOUNS[self.pronoun]
        forms = {"they": they, "them": them, "their": their, "theirs": theirs}
        forms["themself"] = themself
        forms.update(_verb_forms(plural))
        return forms[attr]


@dataclass(frozen=True)
class Place:
    """A setting: ``intro`` the first time it is mentioned, ``ref`` afterwards."""

    intro: str
    ref: str

    ATTRS: ClassVar[frozenset[str]] = frozenset({"intro", "ref"})

    def get(self, attr: str) -> str:
        """Return the introduction phrase or the short reference (the default)."""
        return self.intro if attr == "intro" else self.ref


@dataclass(frozen=True)
class Thing:
    """An object that is introduced early and pays off later (may be plural or a mass noun)."""

    name: str
    plural: bool = False
    mass: bool = False

    ATTRS: ClassVar[frozenset[str]] = frozenset(
        {"name", "a", "the", "they", "them", "their", "is", "was", "has", "this"}
    )

    def get(self, attr: str) -> str:
        """Return the bare name, an article phrase, a pronoun or an agreeing verb."""
        if attr in ("", "name"):
            return self.name
        if attr == "a":
            return f"some {self.name}" if (self.plural or self.mass) else indefinite(self.name)
        if attr == "the":
            return f"the {self.name}"
        if attr == "this":
            return "these" if self.plural else "this"
        if attr in ("they", "them", "their"):
            forms = PRONOUNS["they" if self.plural else "it"]
            return forms[("they", "them", "their").index(attr)]
        return _verb_forms(self.plural)[attr]


@dataclass(frozen=True)
class Goal:
    """What the hero sets out to do, in three verb forms that read after "to", as -ing, past."""

    want: str
    ing: str
    done: str

    ATTRS: ClassVar[frozenset[str]] = frozenset({"want", "ing", "done"})

    def get(self, attr: str) -> str:
        """Return the chosen verb form; the default is the infinitive ``want``."""
        return {"ing": self.ing, "done": self.done}.get(attr, self.want)


@dataclass(frozen=True)
class Word:
    """A value from a one-line pool, fixed for the whole story."""

    value: str

    ATTRS: ClassVar[frozenset[str]] = frozenset({"value"})

    def get(self, attr: str) -> str:
        """Return the value."""
        return self.value


# Which attributes each kind of entity answers to; the grammar validator checks slots with it.
ENTITY_KINDS: dict[str, frozenset[str]] = {
    "hero": Character.ATTRS,
    "friend": Character.ATTRS,
    "helper": Character.ATTRS,
    "place": Place.ATTRS,
    "dest": Place.ATTRS,
    "item": Thing.ATTRS,
    "goal": Goal.ATTRS,
}

# --- articles ------------------------------------------------------------------------------

# Words that start with a vowel letter but a consonant sound, and the reverse (silent h).
_A_BEFORE = ("uni", "use", "usu", "uti", "ute", "uto", "ura", "ure", "uri", "uku", "ubi", "eu")
_A_BEFORE_EXACT = ("one", "once", "ewe", "ewes", "u", "uk")
_AN_AFTER_UNI = ("unim", "unin", "unid", "unint")
_AN_BEFORE = ("hour", "honest", "honor", "honour", "heir")


def wants_an(word: str) -> bool:
    """Whether ``word`` takes "an" rather than "a" (by sound, with the common exceptions)."""
    w = word.lower().lstrip("\"“”‘’'(-")
    if not w:
        return False
    if w.startswith(_AN_BEFORE):
        return True
    if w[0].isdigit():
        return w[0] == "8" or w.startswith(("11", "18"))
    if w[0] not in "aeiou":
        return False
    if w in _A_BEFORE_EXACT or w.startswith(("one-", "once-")):
        return False
    if w.startswith(_AN_AFTER_UNI):
        return True
    return not w.startswith(_A_BEFORE)


def indefinite(phrase: str) -> str:
    """Prefix ``phrase`` with the right indefinite article."""
    first = phrase.split(" ", 1)[0]
    return f"{'an' if wants_an(first) else 'a'} {phrase}"


# "a"/"an" as a whole word, followed by the next word. A capital "A" is only touched at the
# start of a sentence, because mid-sentence it may be a letter ("plan A").
_ARTICLE_RE = re.compile(r"(?<![\w'’-])(a|an|An|A)(\s+)([\"“‘(]*)([\w][\w'’-]*)")
_SENTENCE_START_RE = re.compile(r"(?:^|[.!?][\"”’)]?\s+|[“\"]\s*)$")


def fix_articles(text: str) -> str:
    """Make every "a"/"an" agree with the sound of the word after it."""

    def sub(m: re.Match[str]) -> str:
        art, space, quote, word = m.group(1), m.group(2), m.group(3), m.group(4)
        if art[0] == "A" and not _SENTENCE_START_RE.search(text[: m.start()]):
            return m.group(0)
        new = "an" if wants_an(word) else "a"
        if art[0] == "A":
            new = new.capitalize()
        return f"{new}{space}{quote}{word}"

    return _ARTICLE_RE.sub(sub, text)


# --- capitals and clean-up -----------------------------------------------------------------

_SMALL_WORDS = frozenset(
    {"a", "an", "the", "and", "but", "or", "of", "in", "on", "at", "to", "for", "by", "with"}
)


def capitalise_first(text: str) -> str:
    """Upper-case the first letter (after any opening quotes) and leave the rest alone."""
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1 :]
        if ch not in "\"“‘'(":
            return text
    return text


def title_case(text: str) -> str:
    """Title-case a story title: small words stay lower case except at the start."""
    words = text.split(" ")
    out: list[str] = []
    for i, word in enumerate(words):
        if i > 0 and word.lower() in _SMALL_WORDS:
            out.append(word.lower())
        elif "-" in word:
            out.append("-".join(capitalise_first(part) for part in word.split("-")))
        else:
            out.append(capitalise_first(word))
    return " ".join(out)


_SPACES_RE = re.compile(r"[ \t]{2,}")
_SPACE_BEFORE_PUNCT_RE = re.compile(r" +([,.;:!?])")


def polish(text: str) -> str:
    """Final pass over rendered text: articles, stray spaces and the first capital."""
    text = _SPACES_RE.sub(" ", text.strip())
    text = _SPACE_BEFORE_PUNCT_RE.sub(r"\1", text)
    return capitalise_first(fix_articles(text))


def render(template: str, entities: Mapping[str, Entity]) -> str:
    """Fill every slot of ``template`` from ``entities`` and polish the result.

    Raises KeyError for a slot the context lacks; shipped grammars are validated at load time,
    so that cannot happen with them.
    """

    def sub(m: re.Match[str]) -> str:
        attr = m.group(2) or ""
        value = entities[m.group(1)].get(attr.lower())
        return capitalise_first(value) if attr[:1].isupper() else value

    return polish(SLOT_RE.sub(sub, template))
