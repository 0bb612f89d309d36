"""Reading a story prompt: sanitising user text and pulling out names, creatures, places, things.

The reader is a small heuristic, not a parser: capitalised words that are not common words
become character names ("Mina and her robot Bolt"), words after a determiner or a verb such as
"loves" become things ("a dragon who loves pancakes"), and the lexicon decides whether a noun is
a creature (a character), a place or an object. Only letter-words from the prompt ever reach a
story, so markup, mentions and slot braces cannot leak through.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from bot.content.story_grammar import Lexicon

MAX_PROMPT_CHARS = 300
MAX_NAME_CHARS = 20
# "Captain Ada", "Mina Rose": a longer name is cut, as it would crowd a short story out of its
# word band (it is repeated in every paragraph).
MAX_NAME_WORDS = 2
MAX_CHARACTERS = 3
MAX_PLACES = 2
MAX_ITEMS = 2
# Stacked combining marks ("zalgo" text) are cut down to this many per base character.
_MAX_MARKS = 2

_URL_RE = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
# Discord mentions (<@1>, <@!1>, <@&1>, <#1>), custom emoji and timestamps (<:a:1>, <t:1:R>),
# and anything written like a mention (@everyone, @here, @someone).
_MARKUP_RE = re.compile(r"<[^<>\s]{1,100}>|@\S*")
_ALLOWED_PUNCT = frozenset(".,!?;:'’\"“”()-")
_WS_RE = re.compile(r"\s+")
# A word: letters with any combining marks the sanitiser kept, joined by ' or -.
_LETTERS = r"(?:[^\W\d_][\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]*)+"
_TOKEN_RE = re.compile(rf"{_LETTERS}(?:['’]{_LETTERS})*(?:-{_LETTERS})*|[.!?,;:]")
_SENTENCE_END = frozenset(".!?")


def sanitise_prompt(text: str) -> str:
    """Return ``text`` made safe to read: normalised, without markup, at most 300 characters.

    NFKC folds look-alike forms (full-width letters, ligatures); format and control characters
    (zero-width spaces, bidi overrides) are dropped; emoji and symbols become spaces; mentions,
    custom emoji and links are removed outright.
    """
    # Work on a bounded slice: nothing past a few times the cap can survive anyway.
    text = unicodedata.normalize("NFKC", text[: MAX_PROMPT_CHARS * 8])
    text = _URL_RE.sub(" ", text)
    text = _MARKUP_RE.sub(" ", text)
    out: list[str] = []
    marks = 0
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] == "M":
            marks += 1
            if marks <= _MAX_MARKS and out and out[-1] != " ":
                out.append(ch)
            continue
        marks = 0
        if cat == "Cf":
            continue
        if cat[0] in "LN" or ch in _ALLOWED_PUNCT:
            out.append(ch)
        else:
            out.append(" ")
    cleaned = _WS_RE.sub(" ", "".join(out)).strip()
    if len(cleaned) > MAX_PROMPT_CHARS:
        cut = cleaned[:MAX_PROMPT_CHARS]
        cleaned = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return cleaned


@dataclass(frozen=True)
class PromptThing:
    """An object from the prompt, as written (may be plural or a mass noun)."""

    name: str
    plural: bool
    mass: bool


@dataclass(frozen=True)
class PromptPlace:
    """A place from the prompt: how to introduce it and how to refer to it later.

    ``destination`` is set when the prompt travels there ("to the moon"); otherwise it is
    where the story starts ("in a castle").
    """

    intro: str
    ref: str
    destination: bool = False


@dataclass(frozen=True)
class PromptCharacter:
    """A character from the prompt: a name, a role (noun), or both; and pronoun cues."""

    name: str | None
    role: str | None
    pronoun: str | None
    position: int
    loves: PromptThing | None = None


@dataclass(frozen=True)
class PromptIdeas:
    """Everything usable that was found in a prompt, in order of appearance."""

    text: str = ""
    characters: tuple[PromptCharacter, ...] = ()
    places: tuple[PromptPlace, ...] = ()
    items: tuple[PromptThing, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The character names found, in order."""
        return tuple(c.name for c in self.characters if c.name)


@dataclass
class _Tok:
    text: str
    low: str
    punct: bool


_PRONOUN_CUES = {
    "she": "she",
    "her": "she",
    "hers": "she",
    "herself": "she",
    "he": "he",
    "him": "he",
    "his": "he",
    "himself": "he",
    "they": "they",
    "them": "they",
    "their": "they",
    "themself": "they",
    "themselves": "they",
}
_IRREGULAR_PLURALS = {
    "mice": "mouse",
    "geese": "goose",
    "children": "child",
    "people": "person",
    "teeth": "tooth",
    "feet": "foot",
    "wolves": "wolf",
    "elves": "elf",
    "dwarves": "dwarf",
    "leaves": "leaf",
    "loaves": "loaf",
    "scarves": "scarf",
    "knives": "knife",
    "octopuses": "octopus",
}
_LOVE_VERBS = frozenset({"love", "loves", "loved", "like", "likes", "liked", "adores", "adore"})
_ADJ_SUFFIXES = ("ful", "ous", "ish", "less", "ive", "ic", "y")
_NAMING_WORDS = frozenset({"named", "called"})
_DEST_PREPS = frozenset({"to", "towards", "toward", "into", "visiting", "visits", "visit"})


def singular(word: str) -> str:
    """A rough singular of an English noun (good enough for lexicon look-ups)."""
    if word in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _is_plural(word: str) -> bool:
    return word in _IRREGULAR_PLURALS or singular(word) != word


@dataclass
class _Reader:
    """One pass over one prompt's tokens."""

    lex: Lexicon
    toks: list[_Tok]
    used: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        lex = self.lex
        self.creatures = frozenset(lex.creatures)
        self.places = lex.places
        self.adjectives = frozenset(lex.adjectives)
        self.determiners = frozenset(lex.determiners)
        self.triggers = frozenset(lex.object_triggers)
        self.preps = frozenset(lex.place_prepositions)
        self.stop = frozenset(lex.stopwords)
        self.titles = frozenset(lex.name_titles)
        self.mass = frozenset(lex.mass_nouns)
        self.known = (
            self.creatures
            | frozenset(self.places)
            | self.adjectives
            | self.determiners
            | self.triggers
            | self.preps
            | self.stop
        )

    # -- word classes --

    def word(self, i: int) -> _Tok | None:
        if 0 <= i < len(self.toks) and not self.toks[i].punct:
            return self.toks[i]
        return None

    def is_common(self, low: str) -> bool:
        return low in self.known or singular(low) in self.known

    def is_name(self, i: int) -> bool:
        tok = self.word(i)
        if tok is None or not tok.text[0].isupper() or len(tok.text) < 2:
            return False
        return not self.is_common(tok.low) and tok.low not in self.titles

    def lookup(self, low: str) -> str | None:
        """The lexicon key for ``low`` ("dragons" -> "dragon"), if it is a creature or place."""
        for key in (low, singular(low)):
            if key in self.creatures or key in self.places:
                return key
        return None

    def is_adjective(self, low: str) -> bool:
        return low in self.adjectives or (
            len(low) > 4 and low.endswith(_ADJ_SUFFIXES) and low not in self.stop
        )

    def is_noun(self, low: str) -> bool:
        return len(low) > 1 and not (
            low in self.stop or low in self.determiners or low in self.triggers or low in self.preps
        )

    # -- phrases --

    def noun_phrase(self, start: int) -> tuple[int, int] | None:
        """The span [start, end) of "adjective* noun" at ``start``, after any determiners."""
        i = start
        while (tok := self.word(i)) is not None and tok.low in self.determiners:
            i += 1
        first = i
        while (tok := self.word(i)) is not None and i - first < 2:
            nxt = self.word(i + 1)
            if self.is_adjective(tok.low) and nxt is not None and self.is_noun(nxt.low):
                if not self.is_name(i + 1) and i + 1 not in self.used:
                    i += 1
                    continue
            break
        tok = self.word(i)
        if tok is None or not self.is_noun(tok.low) or self.is_name(i):
            return None
        if any(k in self.used for k in range(first, i + 1)):
            return None
        return first, i + 1

    def phrase(self, span: tuple[int, int]) -> list[str]:
        return [self.toks[k].low for k in range(*span)]

    def place(self, key: str, adjectives: list[str], start: int) -> PromptPlace:
        """A lexicon place; a destination when a word such as "to" comes before it."""
        k = start - 1
        while (tok := self.word(k)) is not None and tok.low in self.determiners:
            k -= 1
        prev = self.word(k)
        destination = prev is not None and prev.low in _DEST_PREPS
        forms = self.places[key]
        if adjectives:
            adj = " ".join(adjectives)
            return PromptPlace(f"a {adj} {key}", f"the {adj} {key}", destination)
        if destination and len(forms) > 2:
            return PromptPlace(forms[2], forms[2], destination)
        return PromptPlace(forms[0], forms[1], destination)

    def pronoun_after(self, i: int, names_at: set[int]) -> str | None:
        j = i + 1
        while j < len(self.toks) and j not in names_at:
            tok = self.toks[j]
            if tok.punct and tok.text in _SENTENCE_END:
                break
            if tok.low in _PRONOUN_CUES:
                return _PRONOUN_CUES[tok.low]
            j += 1
        return None

    def role_hint(self, role: str | None) -> str | None:
        if role is None:
            return None
        head = singular(role.split()[-1])
        if head in self.lex.she_roles:
            return "she"
        if head in self.lex.he_roles:
            return "he"
        return None

    def role_before(self, i: int) -> str | None:
        """ "her robot Bolt", "a robot named Bolt": the noun before a name, after a determiner."""
        j = i - 1
        tok = self.word(j)
        if tok is not None and tok.low in _NAMING_WORDS:
            j -= 1
        # Up to two words ("her brave robot") between a determiner or possessive and the name.
        for k in range(j, j - 3, -1):
            tok = self.word(k)
            if tok is None:
                return None
            if tok.low in self.determiners or tok.text.endswith(("'s", "’s")):
                if k == j:
                    return None
                self.used.update(range(k + 1, j + 1))
                return " ".join(singular(t) for t in self.phrase((k + 1, j + 1)))
            if self.is_name(k) or not self.is_noun(tok.low):
                return None
        return None

    def role_after(self, i: int) -> str | None:
        """ "Bolt the robot", "Bolt, a robot": the noun phrase after a name and an article."""
        j = i + 1
        if j < len(self.toks) and self.toks[j].text == ",":
            j += 1
        tok = self.word(j)
        if tok is None or tok.low not in ("a", "an", "the"):
            return None
        span = self.noun_phrase(j + 1)
        if span is None:
            return None
        head = singular(self.toks[span[1] - 1].low)
        if head not in self.creatures:
            return None
        self.used.update(range(j, span[1]))
        return " ".join([*self.phrase((span[0], span[1] - 1)), head])


def _name_spans(reader: _Reader) -> list[tuple[int, int]]:
    """Spans of names: runs of capitalised words, with a leading title ("Captain Bolt")."""
    spans: list[tuple[int, int]] = []
    i = 0
    toks = reader.toks
    while i < len(toks):
        tok = reader.word(i)
        is_title = tok is not None and tok.text[0].isupper() and tok.low in reader.titles
        if reader.is_name(i) or (is_title and reader.is_name(i + 1)):
            j = i + 1
            # Merge "Mina Rose" but not "Mina Mina".
            while j < len(toks) and j - i < 4 and reader.is_name(j):
                if toks[j].low == toks[j - 1].low:
                    break
                j += 1
            spans.append((i, j))
            i = j
        else:
            i += 1
    return spans


def _clean_name(words: list[str]) -> str:
    parts = []
    for w in words[:MAX_NAME_WORDS]:
        w = re.sub(r"['’]s$", "", w)
        parts.append(w.capitalize() if w.isupper() else w)
    name = " ".join(parts)
    return name[:MAX_NAME_CHARS].rstrip("-' ")


def _tokenise(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    for m in _TOKEN_RE.finditer(text):
        word = m.group(0)
        toks.append(_Tok(word, word.lower().replace("’", "'"), not word[0].isalpha()))
    return toks


def read_prompt(prompt: str | None, lexicon: Lexicon) -> PromptIdeas:
    """Sanitise ``prompt`` and extract characters, places and things from it."""
    text = sanitise_prompt(prompt or "")
    if not text:
        return PromptIdeas()
    reader = _Reader(lexicon, _tokenise(text))
    chars: list[PromptCharacter] = []
    places: list[tuple[int, PromptPlace]] = []
    items: list[PromptThing] = []
    loves: list[tuple[int, PromptThing]] = []

    spans = _name_spans(reader)
    starts = {s for s, _ in spans}
    for start, end in spans:
        reader.used.update(range(start, end))
        name = _clean_name([reader.toks[k].text for k in range(start, end)])
        if not name:
            continue
        prev = reader.word(start - 1)
        if prev is not None and prev.low in reader.preps:
            places.append((start, PromptPlace(name, name, prev.low in _DEST_PREPS)))
            continue
        if any(c.name == name for c in chars):
            continue
        role = reader.role_before(start) or reader.role_after(end - 1)
        first = reader.toks[start].low
        pronoun = (
            reader.pronoun_after(end - 1, starts)
            or reader.role_hint(first if first in reader.titles else None)
            or reader.role_hint(role)
        )
        chars.append(PromptCharacter(name, role, pronoun, start))

    seen_things: set[str] = set()
    for i, tok in enumerate(reader.toks):
        if tok.punct or i in reader.used:
            continue
        low = tok.low
        from_trigger = low in reader.determiners or low in reader.triggers
        if from_trigger:
            span = reader.noun_phrase(i + 1)
        elif reader.lookup(low) is not None:
            span = (i, i + 1)
        else:
            continue
        if span is None:
            continue
        words = reader.phrase(span)
        head = words[-1]
        key = reader.lookup(head)
        if key is not None and key in reader.creatures:
            reader.used.update(range(*span))
            role = " ".join([*words[:-1], key])
            pronoun = reader.pronoun_after(span[1] - 1, starts) or reader.role_hint(role)
            chars.append(PromptCharacter(None, role, pronoun, span[0]))
        elif key is not None:
            reader.used.update(range(*span))
            places.append((span[0], reader.place(key, words[:-1], span[0])))
        elif from_trigger and reader.is_noun(head):
            reader.used.update(range(*span))
            name = " ".join(words)
            # "a jar of honey": keep the "of" phrase with its head noun.
            of_tok, of_noun = reader.word(span[1]), reader.word(span[1] + 1)
            if of_tok is not None and of_tok.low == "of" and of_noun is not None:
                if reader.is_noun(of_noun.low) and not reader.is_name(span[1] + 1):
                    reader.used.update((span[1], span[1] + 1))
                    name = f"{name} of {of_noun.low}"
            if name in seen_things:
                continue
            seen_things.add(name)
            thing = PromptThing(name, _is_plural(head), singular(head) in reader.mass)
            items.append(thing)
            if low in _LOVE_VERBS:
                loves.append((i, thing))

    chars.sort(key=lambda c: c.position)
    chars = _attach_loves(chars[:MAX_CHARACTERS], loves)
    places.sort(key=lambda p: p[0])
    return PromptIdeas(
        text=text,
        characters=tuple(chars),
        places=tuple(p for _, p in places[:MAX_PLACES]),
        items=tuple(items[:MAX_ITEMS]),
    )


def _attach_loves(
    chars: list[PromptCharacter], loves: list[tuple[int, PromptThing]]
) -> list[PromptCharacter]:
    """Give "who loves X" to the character mentioned nearest before it (or the hero)."""
    out = list(chars)
    for pos, thing in loves:
        before = [k for k, c in enumerate(out) if c.position < pos]
        k = before[-1] if before else 0
        if out and out[k].loves is None:
            c = out[k]
            out[k] = PromptCharacter(c.name, c.role, c.pronoun, c.position, thing)
    return out
