"""Text normalisation for moderation.

Three layers, each usable on its own:

* :func:`fold` works character by character: Unicode NFKC, casefold, accents stripped,
  invisible/format characters removed (zero-width space and joiners, word joiner, soft
  hyphen, BOM, variation selectors, tag characters, bidi controls, Hangul fillers...),
  look-alike letters (Cyrillic, Greek, small capitals, enclosed and regional-indicator
  letters) mapped to ASCII, all whitespace mapped to a plain space. It returns the folded
  text plus, for every folded character, the index of the original character it came from,
  so a match can be mapped back to the original text (for masked excerpts).
* :func:`pieces` splits folded text into word pieces (letters, digits and the leetspeak
  symbols ``@ $ ! | *``; apostrophes dropped) and :func:`single_letter_runs` finds
  runs such as ``s.h.i.t`` or ``f u c k`` whose pieces are single characters.
* :func:`decode_leet`, :func:`collapse_runs` and :func:`normalize` build the readable
  normalised form: leetspeak decoded only inside pieces that contain a letter (so
  ``2 + 2 = 4`` stays numeric but ``sh1t`` becomes ``shit``), single-letter runs joined,
  plus two variants with repeated letters reduced to one (``shiiiit`` -> ``shit``) and to
  two (``goood`` -> ``good``).

Nothing here raises on any ``str``: lone surrogates, control characters and unassigned
code points are dropped or passed through.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

# Characters that render as nothing (or as blank space inside a word) and are used to
# split a word so that a naive filter misses it. Categories Cf/Mn/Me/Cs/Co are handled by
# category; these are the invisible ones that belong to other categories.
_INVISIBLE_EXTRA = frozenset(
    "\u115f\u1160\u3164\uffa0"  # Hangul fillers (category Lo)
    "\u2800"  # Braille blank
    "\u180e"  # Mongolian vowel separator
    "\u17b4\u17b5"  # Khmer inherent vowels (invisible)
)

# Look-alike letters. Keys are checked both before casefolding (capital Greek Eta looks like
# an H but casefolds to eta, which looks like an n) and after it.
_UPPER_CONFUSABLES = {
    # Greek capitals
    "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "i", "Κ": "k", "Μ": "m",
    "Ν": "n", "Ο": "o", "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x",
    # Cyrillic capitals
    "А": "a", "В": "b", "Е": "e", "К": "k", "М": "m", "Н": "h", "О": "o", "Р": "p",
    "С": "c", "Т": "t", "Х": "x", "У": "y", "Ѕ": "s", "І": "i", "Ј": "j", "Ү": "y",
    "Һ": "h", "Ԁ": "d", "Ԛ": "q", "Ԝ": "w", "Ӏ": "l", "Ϲ": "c", "Ϳ": "j",
    # Cherokee capitals that look like Latin ones
    "Ꭺ": "a", "Ᏼ": "b", "Ꮯ": "c", "Ꭰ": "d", "Ꭼ": "e", "Ꮐ": "g", "Ꮋ": "h", "Ꭵ": "i",
    "Ꭻ": "j", "Ꮶ": "k", "Ꮮ": "l", "Ꮇ": "m", "Ꮲ": "p", "Ꮪ": "s", "Ꭲ": "t", "Ꮩ": "v",
    "Ꮃ": "w", "Ꮓ": "z",
}  # fmt: skip
_LOWER_CONFUSABLES = {
    # Cyrillic
    "а": "a", "в": "b", "г": "r", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o",
    "п": "n", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ш": "w", "ъ": "b",
    "ь": "b", "ѕ": "s", "і": "i", "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ҽ": "e",
    "ӏ": "l", "һ": "h", "ү": "y", "ɡ": "g", "ϲ": "c", "ϳ": "j", "ԍ": "g",
    # Greek
    "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "μ": "u",
    "ν": "v", "ο": "o", "π": "n", "ρ": "p", "σ": "o", "ς": "s", "τ": "t", "υ": "u",
    "χ": "x", "ω": "w",
    # Latin small capitals and other look-alikes
    "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ꜰ": "f", "ɢ": "g", "ʜ": "h",
    "ɪ": "i", "ᴊ": "j", "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p",
    "ǫ": "q", "ʀ": "r", "ꜱ": "s", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ʏ": "y",
    "ᴢ": "z", "ɑ": "a", "ı": "i", "ȷ": "j", "ɩ": "i", "ʋ": "u", "ł": "l", "ø": "o",
    "đ": "d", "ħ": "h", "ŧ": "t", "ƀ": "b", "ɇ": "e", "ƚ": "l", "ɨ": "i", "ʉ": "u",
    "æ": "ae", "œ": "oe", "ð": "d", "ŋ": "n", "¡": "i",
    # Typographic apostrophes, so that "don’t" folds like "don't"
    "’": "'", "‘": "'", "ʼ": "'", "＇": "'", "`": "'", "´": "'",
}  # fmt: skip

# Enclosed letters that NFKC leaves alone: negative circled, negative squared, regional
# indicators. (Circled, parenthesised, squared, fullwidth and mathematical letters are
# already mapped by NFKC.)
_ENCLOSED_RANGES = ((0x1F150, 0x1F169), (0x1F170, 0x1F189), (0x1F1E6, 0x1F1FF))

LEET: dict[str, str] = {
    "0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g", "@": "a", "$": "s",
}  # fmt: skip
"""Unambiguous leetspeak substitutions."""

LEET_AMBIGUOUS = "1!|"
"""Symbols that stand for either ``i`` or ``l``; both readings are tried."""

PIECE_SYMBOLS = "@$!|*'"
"""Non-alphanumeric characters that belong to a word piece (``*`` is a masking star)."""

STRIPPABLE = "!|*"
"""Piece symbols that are also ordinary punctuation at the edges of a word."""

MAX_GAP = 3
"""Most separator characters allowed between two pieces that are joined."""

_PIECE_RE = re.compile(r"(?:[^\W_]|[@$!|*'])+")
_RUN1_RE = re.compile(r"([^\W\d_])\1+")
_RUN2_RE = re.compile(r"([^\W\d_])\1{2,}")
_DOUBLE_RE = re.compile(r"([^\W\d_])\1")
_LEET_I = str.maketrans({**LEET, "1": "i", "!": "i", "|": "i"})
_LEET_L = str.maketrans({**LEET, "1": "l", "!": "l", "|": "l"})
# Numbers with a unit or ordinal suffix stay numbers ("10am", "2nd", "4k"), and so do a few
# common text-speak tokens where a digit is a syllable, not a letter.
_UNIT_RE = re.compile(r"\d[\d.,]*(?:st|nd|rd|th|am|pm|k|m|s|x|h|d|y|g|kg|km|mb|gb|tb|px|fps|hz)")
_TEXTSPEAK = frozenset({"b4", "gr8", "l8r", "m8", "2day", "2nite", "4ever", "w8", "h8r"})


@functools.lru_cache(maxsize=16384)
def fold_char(ch: str) -> str:
    """Fold one character to its matching form (possibly several characters, or none)."""
    if ch.isascii():
        if ch.isspace():
            return " "
        if ch.isprintable():
            return "'" if ch == "`" else ch.lower()
        return ""  # other ASCII control characters
    category = unicodedata.category(ch)
    if category in ("Cf", "Cs", "Co", "Cc", "Mn", "Me") or ch in _INVISIBLE_EXTRA:
        return " " if ch.isspace() else ""
    if ch.isspace():
        return " "
    # Look-alikes first: NFKC would turn some of them into another letter (lunate sigma
    # "ϲ", which looks like a c, is a compatibility sigma).
    if ch in _UPPER_CONFUSABLES:
        return _UPPER_CONFUSABLES[ch]
    if ch in _LOWER_CONFUSABLES:
        return _LOWER_CONFUSABLES[ch]
    code = ord(ch)
    for low, high in _ENCLOSED_RANGES:
        if low <= code <= high:
            return chr(ord("a") + code - low)
    compat = unicodedata.normalize("NFKC", ch)
    out: list[str] = []
    for c in compat:
        if c in _UPPER_CONFUSABLES:
            out.append(_UPPER_CONFUSABLES[c])
            continue
        for d in unicodedata.normalize("NFD", c.casefold()):
            if unicodedata.combining(d) or d in _INVISIBLE_EXTRA:
                continue
            if d.isspace():
                out.append(" ")
            else:
                out.append(_LOWER_CONFUSABLES.get(d, d))
    return "".join(out)


@functools.lru_cache(maxsize=64)
def _identity(length: int) -> tuple[int, ...]:
    return tuple(range(length))


def fold(text: str) -> tuple[str, tuple[int, ...]]:
    """Fold ``text`` character by character.

    Returns the folded text and, for each folded character, the index of the original
    character it came from.
    """
    if text.isascii() and text.isprintable():
        return text.lower().replace("`", "'"), _identity(len(text))
    out: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        folded = fold_char(ch)
        if folded:
            out.append(folded)
            origin.extend([index] * len(folded))
    return "".join(out), tuple(origin)


@functools.lru_cache(maxsize=32768)
def collapse_runs(text: str, keep: int = 1) -> str:
    """Reduce runs of a repeated letter to ``keep`` letters (1 or 2); digits are untouched.

    Cached: chat reuses the same words all the time.
    """
    if keep == 1:
        return _RUN1_RE.sub(r"\1", text)
    return _RUN2_RE.sub(r"\1\1", text)


def leet_variants(piece: str) -> tuple[str, ...]:
    """Decode leetspeak in a piece; returns one reading, or two when ``1 ! |`` appear."""
    first = piece.translate(_LEET_I)
    if any(c in LEET_AMBIGUOUS for c in piece):
        second = piece.translate(_LEET_L)
        if second != first:
            return first, second
    return (first,)


def has_letter(text: str) -> bool:
    """True when ``text`` contains at least one alphabetic character."""
    return any(c.isalpha() for c in text)


def decode_leet(piece: str) -> str:
    """Readable leet decoding of one piece, applied only where it makes a word.

    Pieces without a letter (``2``, ``4``, ``$5``) stay as they are, and so do numbers with a
    unit or ordinal (``10am``, ``2nd``) and common text-speak (``gr8``). Otherwise the edge
    punctuation (``hello!``) is kept and the inside decoded (``sh1t`` -> ``shit``), reading
    ambiguous ``1 ! |`` as ``i`` unless the word is a run of them.
    """
    if piece.isalpha() or not has_letter(piece):
        return piece
    if piece in _TEXTSPEAK or _UNIT_RE.fullmatch(piece):
        return piece
    core = piece.strip(STRIPPABLE)
    if not core:
        return piece
    head = piece[: piece.index(core)]
    tail = piece[len(head) + len(core) :]
    if core.startswith("@") and core[1:].isalpha() and len(core) > 3:
        return piece  # a mention-like "@name", not an "a" ("@ss" is not a name)
    return head + leet_variants(core)[0] + tail


@functools.lru_cache(maxsize=32768)
def token_forms(text: str, joined: bool = False) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The plain forms and the collapsed forms of a token's text (see the module docs).

    Cached: chat reuses the same words all the time.
    """
    if text.isalpha():
        if joined or not _DOUBLE_RE.search(text):
            return (text,), ()
        bases = [text]
    elif not has_letter(text):
        bases = [text]  # a number or a symbol stays what it is
    else:
        bases = []
        # Symbols at the end are punctuation ("lol!" is not "loli"); at the start they
        # may be letters ("!diot"), so that reading is kept too.
        candidates = [c for c in (text.strip(STRIPPABLE), text.rstrip(STRIPPABLE)) if c]
        for candidate in dict.fromkeys(candidates or [text]):
            for variant in leet_variants(candidate):
                if variant not in bases:
                    bases.append(variant)
        if text not in bases:
            bases.append(text)
    forms = list(bases)
    if joined:
        return tuple(forms), ()
    collapsed: list[str] = []
    for base in bases:
        reduced = collapse_runs(base, 2)
        if reduced not in forms:
            forms.append(reduced)
        single = collapse_runs(base, 1)
        if single != base and single not in collapsed:
            collapsed.append(single)
    return tuple(forms), tuple(collapsed)


class Piece(NamedTuple):
    """A word piece of folded text: ``text`` is ``folded[start:end]`` without apostrophes."""

    start: int
    end: int
    text: str


def pieces(folded: str) -> list[Piece]:
    """Split folded text into word pieces (see the module docstring)."""
    found = [(m.start(), m.end(), m.group()) for m in _PIECE_RE.finditer(folded)]
    if "'" in folded:
        found = [(a, b, t.replace("'", "")) for a, b, t in found if t.strip("'")]
    return [Piece._make(item) for item in found]


# Conservative: pieces close together with a non-space gap ("sh.it", "a$$.h0le"), or a
# single-character piece near another one ("f u c k"). No look-behind, so it is fast.
_JOINABLE_RE = re.compile(
    r"[^\W_]'*(?:[^\w\s']|_)++'*[^\W_]"
    r"|\b[^\W_]\b[^\w@$!|*']{1,3}+(?:[@$!|*']|[^\W_]\b)"
    r"|[@$!|*'][^\w@$!|*']{1,3}+\b[^\W_]\b"
)


def may_join(folded: str) -> bool:
    """Quick check: could any two pieces of this text be joined (see :func:`pieces`)?

    True for pieces separated by up to three non-space separators (``sh.it``) and for two
    single-character pieces close together (``f u c k``); a conservative pre-check.
    """
    return _JOINABLE_RE.search(folded) is not None


def gap_ok(left: Piece, right: Piece) -> bool:
    """True when the separator gap between two pieces is short enough to join across."""
    return right.start - left.end <= MAX_GAP


def single_letter_runs(parts: list[Piece]) -> list[tuple[int, int]]:
    """Index ranges ``[i, j)`` of runs of >= 3 single-character pieces (>= 2 of them letters).

    Consecutive pieces belong to the same run when at most :data:`MAX_GAP` separator
    characters (spaces included) lie between them: ``s.h.i.t``, ``f u c k``, ``k-i-l-l``.
    """
    runs: list[tuple[int, int]] = []
    i = 0
    n = len(parts)
    while i < n:
        if len(parts[i].text) != 1:
            i += 1
            continue
        j = i + 1
        while j < n and len(parts[j].text) == 1 and gap_ok(parts[j - 1], parts[j]):
            j += 1
        if j - i >= 3 and sum(p.text.isalpha() for p in parts[i:j]) >= 2:
            runs.append((i, j))
        i = j
    return runs


@dataclass(frozen=True, slots=True)
class Normalized:
    """The normalised form of a text, with a map back to the original characters.

    ``text`` is folded, leet-decoded where that makes a word, with single-letter runs
    joined; ``single`` has every repeated letter reduced to one and ``double`` every run
    of three or more reduced to two.
    """

    original: str
    text: str
    single: str
    double: str
    origin: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map the span ``[start, end)`` of :attr:`text` back to a span of the original."""
        if not self.origin or start >= end:
            return (0, 0)
        start = max(0, min(start, len(self.origin) - 1))
        end = max(start + 1, min(end, len(self.origin)))
        return self.origin[start], self.origin[end - 1] + 1


def normalize(text: str) -> Normalized:
    """Normalise ``text`` for display and matching (see the module docstring)."""
    folded, origin = fold(text)
    parts = pieces(folded)
    runs = single_letter_runs(parts)
    out: list[str] = []
    out_origin: list[int] = []
    cursor = 0

    def emit(chunk: str, source: int) -> None:
        out.append(chunk)
        out_origin.extend([origin[source]] * len(chunk))

    def copy_until(stop: int) -> None:
        nonlocal cursor
        out.append(folded[cursor:stop])
        out_origin.extend(origin[cursor:stop])
        cursor = stop

    run_starts = {start: end for start, end in runs}
    index = 0
    while index < len(parts):
        part = parts[index]
        copy_until(part.start)
        if index in run_starts:
            stop = run_starts[index]
            joined = "".join(p.text for p in parts[index:stop])
            for ch, p in zip(leet_variants(joined)[0], parts[index:stop], strict=True):
                emit(ch, p.start)
            cursor = parts[stop - 1].end
            index = stop
            continue
        decoded = decode_leet(part.text)
        if decoded == part.text:
            copy_until(part.end)  # keeps apostrophes in the readable form
        else:
            # Apostrophes were dropped from the piece; spread its characters over the span.
            span = part.end - part.start
            for offset, ch in enumerate(decoded):
                emit(ch, part.start + min(offset, span - 1))
            cursor = part.end
        index += 1
    copy_until(len(folded))
    normal = "".join(out)
    return Normalized(
        original=text,
        text=normal,
        single=collapse_runs(normal, 1),
        double=collapse_runs(normal, 2),
        origin=tuple(out_origin),
    )
