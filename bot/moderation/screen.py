"""A fast, conservative pre-screen: can this text possibly match anything?

The filter runs one precompiled regular expression over a cheap *skeleton* of text that
its word memory cannot handle (see :mod:`bot.moderation.filter`) and does the full token
analysis (:mod:`bot.moderation.matcher`) only when it fires. The screen must never miss
something the full analysis would find; it may fire needlessly. To stay on the safe side
it is looser than the analysis in every respect:

* the skeleton is ASCII bytes: lower case, unambiguous leetspeak digits and symbols read as
  letters (``0 -> o``, ``$ -> s``...), apostrophes and control characters deleted, and every
  non-ASCII character read as one ``?`` (after folding look-alike and invisible characters,
  see :func:`skeleton`);
* every lexicon word and the rarest word of every phrase anchor become branches of one
  trie-shaped regex in which each letter may repeat (``f+u+c+k``), ``i`` and ``l`` also
  match ``1 ! |``, and up to three separator characters, spaces included, may sit between
  two letters (``f.u.c.k``, ``f u c k``);
* a star after a letter (``f*ck``) always fires.

:func:`plain_words` is the byte-level word splitter of the filter's first route.

All quantifiers are possessive and every branch starts at most once per run of equal
characters, so the regex runs in linear time on any input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.moderation.normalize import collapse_runs, fold, fold_char
from bot.moderation.patterns import WordPattern


def _table() -> bytes:
    table = bytearray(range(256))
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = code + 32
    for source, target in {"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b",
                           "9": "g", "@": "a", "$": "s"}.items():  # fmt: skip
        table[ord(source)] = ord(target)
    return bytes(table)


_TABLE = _table()
_DELETE = bytes(c for c in range(128) if not chr(c).isspace() and not chr(c).isprintable())
_DELETE += b"'`"
# Replaced before the ASCII check so ordinary typography keeps the fast path.
_TYPOGRAPHY = (("\u2019", "'"), ("\u2018", "'"), ("\u2026", "..."))


def _word_tables() -> tuple[bytes, bytes, bytes, bytes, bytes]:
    """Tables for :func:`plain_words`: pieces kept, separators spaced (or deleted)."""
    piece = set(b"abcdefghijklmnopqrstuvwxyz0123456789@$!|*")
    spaced = bytearray(range(256))
    joined = bytearray(range(256))
    shape = bytearray(b"x" * 256)
    shape[32] = 32
    drop_joined = bytearray(_DELETE)
    for code in range(256):
        lower = code + 32 if ord("A") <= code <= ord("Z") else code
        spaced[code] = joined[code] = lower
        if lower in piece or code in _DELETE:
            continue
        if code < 128 and chr(code).isspace():
            spaced[code] = joined[code] = 32
        else:
            spaced[code] = 32
            drop_joined.append(code)
    return bytes(spaced), bytes(joined), bytes(_DELETE), bytes(drop_joined), bytes(shape)


_SPACED, _JOINED, _DROP, _DROP_JOINED, _SHAPE = _word_tables()


def _benign_symbol(ch: str) -> bool:
    """A non-ASCII character that folds to one non-ASCII non-letter (emoji, dashes)."""
    folded = fold_char(ch)
    return (
        len(folded) == 1 and not folded.isascii() and not folded.isalnum()
    ) and not folded.isspace()


def plain_words(text: str) -> list[bytes] | None:
    """The word pieces of text when it has no structure that could join pieces.

    Returns ``None`` for text with non-ASCII characters other than symbols such as emoji,
    and when two pieces could be read as one word (``sh.it``: a separator that is not a
    space between them, or ``f u c k``: single characters next to each other); otherwise
    the pieces, lower case, apostrophes dropped, exactly as
    :func:`bot.moderation.normalize.pieces` would give them from the folded text.
    """
    if not text.isascii():
        for source, target in _TYPOGRAPHY:
            if source in text:
                text = text.replace(source, target)
        if not all(_benign_symbol(ch) for ch in set(text) if not ch.isascii()):
            return None
    data = text.encode("ascii", "replace")
    words = data.translate(_SPACED, _DROP).split()
    if len(data.translate(_JOINED, _DROP_JOINED).split()) != len(words):
        return None
    if b" x x " in b" " + b" ".join(words).translate(_SHAPE) + b" ":
        return None
    return words


_WORD = b"a-z0-9"
_SEP = rb"[^a-z0-9!|*]{0,3}+"
_END = rb"(?![a-z0-9])"
_JOIN_AHEAD = rb"(?=[^a-z0-9!|*\s]{1,3}+[a-z0-9!|*@$])"
_MASK = re.compile(rb"[a-z0-9!|]\*")
_CLASSES = {"i": "i1!|", "l": "l1!|", "1": "1il!|"}


def _benign(ch: str) -> bool:
    """A non-ASCII character that folds to one non-ASCII character (emoji, CJK, dashes)."""
    folded = fold_char(ch)
    return len(folded) == 1 and not folded.isascii()


def skeleton(text: str) -> bytes:
    """The screen's view of ``text`` (see the module docstring)."""
    if not text.isascii():
        for source, target in _TYPOGRAPHY:
            if source in text:
                text = text.replace(source, target)
        if not text.isascii() and not all(_benign(ch) for ch in set(text) if not ch.isascii()):
            text = fold(text)[0]
    return text.encode("ascii", "replace").translate(_TABLE, _DELETE)


_Step = tuple[str, int, bool]  # letter class, least count, may be split by separators


@dataclass(slots=True)
class _Node:
    children: dict[_Step, _Node] = field(default_factory=dict)
    open_end: bool = False  # a prefix/contains pattern ends here: fire
    word_end: bool = False  # a whole-word/suffix pattern ends here
    exclusions: set[bytes] = field(default_factory=set)  # see Screen.add_word


def _key(body: str) -> list[_Step]:
    """The letter classes of a body with how many letters each stands for."""
    text = body.encode("ascii").translate(_TABLE).decode("ascii")
    key: list[_Step] = []
    for ch in text:
        cls = _CLASSES.get(ch, ch)
        if key and set(key[-1][0]) & set(cls):
            # Equal or overlapping neighbours (ss, il) become one class, which may repeat
            # across separators because the analysis joins "as.s" and "ki.ll".
            previous, count, _ = key[-1]
            merged = previous + "".join(c for c in cls if c not in previous)
            key[-1] = (merged, count + 1, True)
        else:
            key.append((cls, 1, False))
    return key


def _class_regex(cls: str) -> bytes:
    if len(cls) == 1:
        return re.escape(cls).encode("ascii")
    return b"[" + b"".join(re.escape(c).encode("ascii") for c in cls) + b"]"


def _element(step: _Step, first: bool, word_start: bool) -> bytes:
    cls, count, splittable = step
    one = _class_regex(cls)
    # Guard so that a branch starts at most once per run of its class (linear time).
    guard = b""
    if first and (not word_start or len(cls) > 1):
        guard = b"(?<!" + one + one + b")"
    if not splittable:
        return one + guard + one + b"*+"
    more = b"(?:" + _SEP + one + b")"
    need = more + b"{%d}" % (count - 1) if count > 1 else b""
    return one + guard + need + more + b"*+"


class Screen:
    """A compiled pre-screen for word patterns and phrase anchors."""

    def __init__(
        self,
        words: Iterable[WordPattern] = (),
        anchors: Iterable[WordPattern] = (),
    ) -> None:
        self.always = False
        self._start = _Node()
        self._inner = _Node()
        for word in words:
            self._add_word(word)
        for anchor in anchors:
            self._add_anchor(anchor)
        parts = []
        if self._start.children:
            parts.append(b"(?<![" + _WORD + b"])(?:" + self._branches(self._start, True) + b")")
        if self._inner.children:
            parts.append(b"(?:" + self._branches(self._inner, False) + b")")
        self._regex = re.compile(b"|".join(parts)) if parts else None

    def _add_word(self, word: WordPattern) -> None:
        """A lexicon word: compared as the analysis compares a token's forms."""
        if not word.body.isascii():
            self.always = True  # cannot be screened on ASCII; always analyse
            return
        root = self._start if word.kind in ("exact", "prefix") else self._inner
        # The plain spelling, whose doubled letters may be split by separators when the
        # analysis joins pieces ("b e t t e r").
        node = self._walk(root, word.body)
        if word.kind in ("prefix", "contains"):
            node.open_end = True
            return
        node.word_end = True
        if word.kind == "exact" and word.has_double:
            # Whole words are also compared collapsed ("kiill" is "kill"), but only for
            # tokens that had a doubled letter: "as" alone must not fire for "ass".
            node = self._walk(root, collapse_runs(word.body))
            literal = collapse_runs(word.body).encode("ascii").translate(_TABLE)
            node.exclusions.add(literal)

    def _add_anchor(self, word: WordPattern) -> None:
        """A word of a phrase anchor: phrases are matched on canonical tokens (joined
        pieces too) and on their collapsed spellings, always."""
        if not word.body.isascii():
            self.always = True
            return
        root = self._start if word.kind in ("exact", "prefix") else self._inner
        for body in (word.body, collapse_runs(word.body)):
            node = self._walk(root, body)
            if word.kind in ("prefix", "contains"):
                node.open_end = True
            else:
                node.word_end = True

    @staticmethod
    def _walk(node: _Node, body: str) -> _Node:
        for step in _key(body):
            node = node.children.setdefault(step, _Node())
        return node

    def _branches(self, node: _Node, word_start: bool) -> bytes:
        return b"|".join(
            _element(step, True, word_start) + self._rest(child)
            for step, child in node.children.items()
        )

    def _rest(self, node: _Node) -> bytes:
        if node.open_end:
            return b""
        options = []
        if node.children:
            options.append(
                _SEP
                + b"(?:"
                + b"|".join(
                    _element(step, False, False) + self._rest(child)
                    for step, child in node.children.items()
                )
                + b")"
            )
        if node.word_end:
            options.append(_END)
        elif node.exclusions:
            # Fire unless the token is exactly the collapsed spelling and is not joined
            # to a following piece ("as.s" still fires).
            unless = b"".join(
                b"(?<!(?<![" + _WORD + b"])" + re.escape(literal) + b")"
                for literal in sorted(node.exclusions)
            )
            options.append(_END + b"(?:" + unless + b"|" + _JOIN_AHEAD + b")")
        if len(options) == 1:
            return options[0]
        return b"(?:" + b"|".join(options) + b")"

    def hit(self, sk: bytes) -> bool:
        """True when a skeleton (see :func:`skeleton`) might contain a match."""
        if self.always:
            return True
        if b"*" in sk and _MASK.search(sk):
            return True
        return self._regex is not None and self._regex.search(sk) is not None
