"""Text helpers for the offline brain: cleaning input, echoing it back safely, persona style.

Everything here is a pure function over strings. The canonical form used for intent matching is
the small-talk corpus's own :func:`bot.content.smalltalk.normalise` (contractions expanded, chat
shorthand and US spellings mapped), applied after Discord markup and invisible characters are
removed, so the brain's patterns and the corpus agree on what a line says.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache

from bot.content import smalltalk
from persona import Persona

# Zero-width, bidi and other invisible format characters, and control characters.
_INVISIBLE = re.compile(
    r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u180e"
    r"\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]"
)
# Discord markup that is not words: user/role/channel mentions, custom emoji, timestamps.
_MARKUP = re.compile(r"<(?:@[!&]?|#|a?:\w+:|t:)\d+(?::\w)?>")
_URL = re.compile(r"https?://\S+")
# Emoji and pictographs (what a persona with `emoji = "none"` must never send). Kept narrow on
# purpose: the degree sign, dashes and quotes are ordinary punctuation, not emoji.
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\u2190-\u21ff"
    "\u3030\u303d\u3297\u3299\ufe0f\u200d\u20e3\U000e0020-\U000e007f]"
)
_SPACES = re.compile(r"[ \t]+")
_SPACE_BEFORE_PUNCT = re.compile(r" +([.,!?;:])")

# How much of a very long message is read for intents (crisis words are searched in all of it).
MAX_READ_CHARS = 600


def clean(text: str) -> str:
    """NFKC, without markup, links, invisible and control characters; ends stripped."""
    text = unicodedata.normalize("NFKC", text)
    text = _MARKUP.sub(" ", text)
    text = _URL.sub(" ", text)
    return _INVISIBLE.sub("", text).strip()


def normalise(text: str) -> str:
    """The canonical form for matching: lower case, no punctuation or emoji, contractions
    expanded ("what's" -> "what is", "u" -> "you"), spaces collapsed."""
    return smalltalk.normalise(clean(text))


_SAFETY_WORDS = (
    (re.compile(r"\bcan't\b|\bcant\b"), "can not"),
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"\bcan not\b|\bcannot\b"), "can not"),
    (re.compile(r"\bi'm\b|\bim\b"), "i am"),
    (re.compile(r"\bwanna\b"), "want to"),
    (re.compile(r"\bgonna\b"), "going to"),
    (re.compile(r"\bdont\b"), "do not"),
    (re.compile(r"\bu\b"), "you"),
)
_NON_WORD = re.compile(r"[^\w']+")


def safety_form(text: str) -> str:
    """A quick canonical form of a whole message (any length) for the crisis check.

    Cheaper than :func:`normalise` on a 4,000-character message, and it keeps the phrasings
    the crisis patterns are written in ("don't want to" -> "do not want to").
    """
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).casefold()
    text = text.replace("\u2019", "'").replace("`", "'")
    for pattern, replacement in _SAFETY_WORDS:
        text = pattern.sub(replacement, text)
    return _NON_WORD.sub(" ", text).replace("'", "").strip()


def has_emoji(text: str) -> bool:
    """True when ``text`` contains an emoji or pictograph."""
    return _EMOJI.search(text) is not None


def strip_emoji(text: str) -> str:
    """``text`` without emoji, with the spaces they leave behind tidied up."""
    if not has_emoji(text):
        return text
    stripped = _EMOJI.sub("", text)
    lines = [
        _SPACE_BEFORE_PUNCT.sub(r"\1", _SPACES.sub(" ", line)).strip()
        for line in stripped.split("\n")
    ]
    return "\n".join(lines).strip()


def emoji_in(text: str) -> list[str]:
    """The emoji characters of ``text`` (variation selectors and joiners left out)."""
    return [ch for ch in _EMOJI.findall(text) if ch not in "\ufe0f\u200d\u20e3"]


# --- echoing the user's words back --------------------------------------------------------

_REFLECT = {
    "i": "you",
    "me": "you",
    "my": "your",
    "mine": "yours",
    "myself": "yourself",
    "am": "are",
    "you": "me",
    "your": "my",
    "yours": "mine",
    "yourself": "myself",
    "we": "you",
    "us": "you",
    "our": "your",
}
_ECHO_WORD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9'-]*$")


def reflect(phrase: str) -> str:
    """Swap first and second person in a normalised phrase ("my dog" -> "your dog")."""
    return " ".join(_REFLECT.get(word, word) for word in phrase.split())


def echoable(phrase: str, *, max_words: int = 6) -> str | None:
    """``phrase`` (normalised) if it is short plain words that can be repeated back, else None.

    Echoing is how a canned reply becomes personal, and also how it can become nonsense; only
    short phrases of ordinary words qualify.
    """
    words = phrase.split()
    if not words or len(words) > max_words:
        return None
    if not all(_ECHO_WORD.match(word) and len(word) <= 20 for word in words):
        return None
    return " ".join(words)


def restore_case(phrase: str, raw: str) -> str:
    """Give the words of a normalised ``phrase`` the capitals they had in ``raw``.

    "learning spanish" with raw "I'm learning Spanish" -> "learning Spanish". The first word of
    the raw message is ignored (it is capitalised by habit, not because it is a name).
    """
    tokens = re.findall(r"[^\W_]+(?:['-][^\W_]+)*", raw)
    capitals = {t.lower(): t for t in tokens[1:] if t[:1].isupper() and t.lower() != "i"}
    return " ".join(capitals.get(word, word) for word in phrase.split())


def display_name(name: str) -> str:
    """A user's display name, safe to put in a line: no braces, markup or invisibles, short."""
    name = clean(name).replace("{", "").replace("}", "").replace("\n", " ")
    name = re.sub(r"\s+", " ", name).strip()
    if len(name) > 32:
        name = name[:32].rstrip()
    return name or "friend"


def tidy_name(raw: str) -> str | None:
    """A name the user gave ("priya", "Jean-Luc"): capitalised, or None if it is not a name."""
    raw = raw.strip(" .,!?'\"")
    if not re.fullmatch(r"[^\W\d_]+(?:[-' ][^\W\d_]+){0,2}", raw) or len(raw) > 32:
        return None
    return " ".join(part[:1].upper() + part[1:] for part in raw.split(" "))


def fill(template: str, *, user: str, name: str) -> str:
    """Fill ``{user}`` and ``{name}`` (the only placeholders brain and corpus lines use)."""
    return smalltalk.fill_placeholders(template, user=user, name=name)


def capitalise(text: str) -> str:
    """``text`` with its first letter upper-cased (the rest untouched)."""
    for index, ch in enumerate(text):
        if ch.isalpha():
            return text[:index] + ch.upper() + text[index + 1 :]
    return text


# --- persona style --------------------------------------------------------------------------

# Contractions a formal persona spells out. Ambiguous ones ("he's": is or has?) are left alone.
_FORMAL_WORDS: dict[str, str] = {
    "i'm": "I am",
    "i've": "I have",
    "i'll": "I will",
    "i'd": "I would",
    "you're": "you are",
    "you've": "you have",
    "you'll": "you will",
    "we're": "we are",
    "they're": "they are",
    "don't": "do not",
    "doesn't": "does not",
    "didn't": "did not",
    "can't": "cannot",
    "won't": "will not",
    "isn't": "is not",
    "aren't": "are not",
    "wasn't": "was not",
    "haven't": "have not",
    "couldn't": "could not",
    "wouldn't": "would not",
    "shouldn't": "should not",
    "that's": "that is",
    "it's": "it is",
    "what's": "what is",
    "there's": "there is",
    "here's": "here is",
    "let's": "let us",
    "yep": "yes",
    "yeah": "yes",
    "nope": "no",
    "gonna": "going to",
    "wanna": "want to",
    "hey": "hello",
    "aww": "oh",
    "ooh": "oh",
}
_FORMAL_RE = re.compile(
    r"\b(" + "|".join(re.escape(w) for w in sorted(_FORMAL_WORDS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+[\"')\]]*|$)\s*")

LOTS_EMOJI = ("😊", "✨", "🙂", "🌟", "😄")
WARM_EMOJI = ("💛", "🤗", "🫶")


def formalise(text: str) -> str:
    """Spell out contractions and soften slang, keeping the case of the first letter."""

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        replacement = _FORMAL_WORDS[word.lower().replace("\u2019", "'")]
        if word[0].isupper() and not replacement.startswith("I "):
            return replacement[0].upper() + replacement[1:]
        return replacement

    return _FORMAL_RE.sub(swap, text.replace("\u2019", "'"))


def sentences(text: str) -> list[str]:
    """Split one paragraph into sentences (keeping their punctuation and spacing)."""
    return [s for s in _SENTENCE.findall(text) if s.strip()]


def shorten(text: str) -> str:
    """Drop one extra sentence from a reply of three or more (for brief personas).

    A closing question is what keeps a chat going, so when the reply ends with one, the
    sentence before it goes instead.
    """
    if "\n" in text:
        return text
    parts = sentences(text)
    if len(parts) < 3:
        return text
    drop = len(parts) - 2 if parts[-1].rstrip().endswith("?") else len(parts) - 1
    return "".join(p for i, p in enumerate(parts) if i != drop).strip()


def apply_style(text: str, persona: Persona, *, styled: bool, warm: bool = False) -> str:
    """Apply the persona's style to a finished reply.

    ``styled`` replies (the brain's own conversational lines) get formality and verbosity;
    others (jokes, stories, quiz questions, safety messages) are left as written. Emoji rules
    apply to everything: ``none`` strips them, ``lots`` adds one to a styled reply that has none.
    """
    style = persona.style
    if styled:
        if style.formality == "formal":
            text = formalise(text)
        if style.verbosity == "brief":
            text = shorten(text)
    if style.emoji == "none":
        return strip_emoji(text)
    if style.emoji == "lots" and styled and not has_emoji(text):
        pool = WARM_EMOJI if warm else LOTS_EMOJI
        text = f"{text} {pool[len(text) % len(pool)]}"
    return text


def join(parts: Iterable[str]) -> str:
    """Join reply parts with single spaces, skipping empty ones."""
    return " ".join(p.strip() for p in parts if p and p.strip())


@cache
def corpus_vocabulary() -> frozenset[str]:
    """Every word the small-talk corpus uses (a decent list of real words, for typo guards)."""
    words: set[str] = set()
    for entry in smalltalk.load_corpus().entries:
        for line in (*entry.patterns, *entry.responses, *entry.follow_ups, *entry.keywords):
            words.update(smalltalk.normalise(line).split())
    return frozenset(words)
