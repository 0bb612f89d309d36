"""The small pattern syntax of the lexicons, and its compiled matchers.

Words (a single token; ``*`` only at the ends):

====================  ==============================================================
``word``              the whole word, e.g. ``kys``
``word*``             words starting with it, e.g. ``fuck*`` (fucking, fucked...)
``*word``             words ending with it
``*word*``            words containing it, e.g. ``*fuck*`` (motherfucker)
====================  ==============================================================

Phrases (words separated by spaces; apostrophes are ignored, so write ``you're`` or
``youre`` alike):

====================  ==============================================================
``word`` / ``w*``     one word, with the word wildcards above
``(a|b c|d*)``        one of several words or word sequences (``b c``)
``[a]``, ``[a|b c]``  optional: a word, or one of several words or sequences
``<name>``            one of the spellings of an alias from ``aliases.toml``, e.g.
                      ``<you>`` = you / u / ya / yu; ``[<you>]`` is optional
``_``                 any one word
``...``               up to three words
``#``                 a number
``^``                 the start of the message (first element only)
====================  ==============================================================

There is no raw regular expression anywhere: patterns from data files and server
policies are parsed by this module, which escapes every literal.

Matching is done on *forms* of each token (leet-decoded readings, edge punctuation
stripped, runs reduced to two) and on *collapsed* forms (every repeated letter reduced to
one). A collapsed form is compared only with a term that has no doubled letter, or with a
whole-word term, so ``assume`` (collapsed ``asume``) never matches ``ass*``.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Literal, NamedTuple

from bot.moderation.entries import Entry
from bot.moderation.normalize import collapse_runs, fold, token_forms

WordKind = Literal["exact", "prefix", "suffix", "contains"]

_BODY_RE = re.compile(r"[^\W_]+")
_HAS_DOUBLE = re.compile(r"([^\W\d_])\1")


@functools.cache
def common_words() -> dict[str, int]:
    """Common chat words (``data/common_words.txt``) mapped to their tier.

    Tier 2 is "very common" (never a good anchor for the screen), tier 1 "common".
    """
    text = (resources.files("bot.moderation") / "data" / "common_words.txt").read_text("utf-8")
    tiers: dict[str, int] = {}
    tier = 1
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("["):
            tier = 2 if line == "[very common]" else 1
            continue
        for word in line.split():
            tiers.setdefault(word, tier)
    return tiers


def _probability(word: WordPattern) -> float:
    """Rough chance that a chat token is this word, for choosing a phrase's anchor."""
    tier = common_words().get(word.body, 0)
    if tier == 2 or len(word.body) <= 1:
        return 0.05
    if tier == 1:
        return 0.005
    return 0.00005 * (3 if word.kind != "exact" else 1)


MAX_ANCHOR_WORDS = 3
"""Longest run of consecutive phrase elements used as an anchor."""

MAX_ANCHOR_KEYS = 800
"""Most word sequences an anchor may expand to."""


def _clean(raw: str) -> str:
    """Fold a literal from a pattern the same way message text is folded."""
    return fold(raw)[0].replace("'", "").strip()


@dataclass(frozen=True, slots=True)
class WordPattern:
    """One word pattern: a literal ``body`` and how it may sit inside a token."""

    body: str
    kind: WordKind

    @property
    def has_double(self) -> bool:
        """True when the body has a doubled letter (``kill``), so collapsing changes it."""
        return collapse_runs(self.body) != self.body

    def matches(self, token: str, collapsed: bool = False) -> bool:
        """True when ``token`` fits (compared collapsed when ``collapsed``)."""
        body = collapse_runs(self.body) if collapsed else self.body
        if self.kind == "exact":
            return token == body
        if self.kind == "prefix":
            return token.startswith(body)
        if self.kind == "suffix":
            return token.endswith(body)
        return body in token

    def regex(self, transform: bool = False) -> str:
        """Regex for this word on a canonical token string (collapsed when ``transform``)."""
        body = re.escape(collapse_runs(self.body) if transform else self.body)
        return {
            "exact": body,
            "prefix": body + r"\S*",
            "suffix": r"\S*" + body,
            "contains": r"\S*" + body + r"\S*",
        }[self.kind]

    def __str__(self) -> str:
        left = "*" if self.kind in ("suffix", "contains") else ""
        right = "*" if self.kind in ("prefix", "contains") else ""
        return f"{left}{self.body}{right}"


def parse_word(raw: str) -> WordPattern:
    """Parse ``word``, ``word*``, ``*word`` or ``*word*``; raise ``ValueError`` otherwise."""
    text = raw.strip()
    lead = text.startswith("*")
    trail = len(text) > 1 and text.endswith("*")
    body = _clean(text[1 if lead else 0 : len(text) - 1 if trail else len(text)])
    if not body or not _BODY_RE.fullmatch(body):
        raise ValueError(
            f"{raw!r} is not a word pattern: expected letters or digits with an optional '*' "
            "at the start and/or end ('word', '*word', 'word*', '*word*')"
        )
    kind: WordKind = (
        "contains" if lead and trail else "suffix" if lead else "prefix" if trail else "exact"
    )
    return WordPattern(body, kind)


@dataclass(frozen=True, slots=True)
class Element:
    """One element of a phrase.

    ``options`` holds the alternative word sequences (one sequence of one word for a plain
    word); ``special`` is ``"any"`` (``_``), ``"gap"`` (``...``), ``"number"`` (``#``) or
    ``"start"`` (``^``).
    """

    options: tuple[tuple[WordPattern, ...], ...] = ()
    optional: bool = False
    special: str = ""
    alias: bool = False

    def regex(self, transform: bool) -> str:
        """Regex for this element, each word followed by one space."""
        if self.special == "start":
            return "^"
        if self.special == "any":
            return r"\S+ "
        if self.special == "gap":
            return r"(?:\S+ ){0,3}"
        if self.special == "number":
            return r"[0-9][0-9.,]* "
        alternatives = [
            "".join(word.regex(transform) + " " for word in sequence) for sequence in self.options
        ]
        body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
        if self.optional:
            return f"(?:{body})?" if len(alternatives) == 1 else body + "?"
        return body


@dataclass(frozen=True, slots=True)
class Phrase:
    """A parsed phrase pattern."""

    source: str
    elements: tuple[Element, ...]

    @property
    def anchor(self) -> tuple[tuple[WordPattern, ...], ...]:
        """Word sequences one of which is in every match (the phrase's *anchor*).

        The fast pre-screen looks only for anchors, so a phrase costs nothing on messages
        that do not contain its anchor, and the analysis looks each anchor up by its rarest
        word. The anchor is the run of up to :data:`MAX_ANCHOR_WORDS` consecutive required
        elements that is cheapest to watch for, given how common its words are in chat
        (see :func:`common_words`): ``end it all`` rather than ``end``.
        """
        best: tuple[tuple[WordPattern, ...], ...] = ()
        best_cost = float("inf")
        elements = self.elements
        for first in range(len(elements)):
            for stop in range(first + 1, min(len(elements), first + MAX_ANCHOR_WORDS) + 1):
                window = elements[first:stop]
                if any(e.optional or e.special for e in window):
                    break
                keys = _window_keys(window)
                if keys is None:
                    break
                # Looking a token up costs little; a complete anchor costs a phrase check,
                # about ten times more. So: how often the rarest word of a key turns up,
                # plus ten times how often the whole window does.
                index_words = {min(key, key=_probability) for key in keys}
                parts = [
                    min(1.0, sum(_sequence_probability(o) for o in element.options))
                    for element in window
                ]
                cost = sum(_probability(w) for w in index_words) + 10 * _together(parts)
                if cost < best_cost:
                    best, best_cost = keys, cost
        return best

    def vocabulary(self) -> set[str]:
        """Literal whole words used by the phrase (tokens are canonicalised to them)."""
        words: set[str] = set()
        for element in self.elements:
            for sequence in element.options:
                words.update(w.body for w in sequence if w.kind == "exact")
        return words


def _together(probabilities: Sequence[float]) -> float:
    """Chance of words occurring together: words in chat are far from independent (``how
    to make``), so never less than a tenth of the rarest one."""
    product = 1.0
    for probability in probabilities:
        product *= probability
    return max(product, min(probabilities) * 0.1)


def _sequence_probability(sequence: tuple[WordPattern, ...]) -> float:
    return _together([_probability(word) for word in sequence])


def _window_keys(window: Sequence[Element]) -> tuple[tuple[WordPattern, ...], ...] | None:
    """The word sequences a run of elements expands to, or ``None`` if unsuitable."""
    keys: list[tuple[WordPattern, ...]] = [()]
    for element in window:
        keys = [key + option for key in keys for option in element.options]
        if len(keys) > MAX_ANCHOR_KEYS:
            return None
    for key in keys:
        # Several words must be whole words or prefixes (the screen's limits).
        if len(key) > 1 and any(w.kind in ("suffix", "contains") for w in key):
            return None
    return tuple(keys)


def _split_phrase(raw: str) -> list[str]:
    """Split on spaces, keeping ``(...)``, ``[...]`` and ``<...>`` groups whole."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in raw.strip():
        if ch in "([<":
            depth += 1
        elif ch in ")]>":
            depth -= 1
        if ch.isspace() and depth == 0:
            if current:
                parts.append("".join(current))
                current = []
            continue
        current.append(ch)
    if current:
        parts.append("".join(current))
    if depth != 0:
        raise ValueError(f"phrase {raw!r}: unbalanced brackets")
    return parts


def _expand(
    words: list[str], aliases: dict[str, tuple[tuple[WordPattern, ...], ...]]
) -> list[tuple[WordPattern, ...]]:
    """Word sequences of one alternative, expanding ``<alias>`` references inside it."""
    sequences: list[tuple[WordPattern, ...]] = [()]
    for word in words:
        if word.startswith("<") and word.endswith(">"):
            name = word[1:-1]
            if name not in aliases:
                raise ValueError(f"unknown alias <{name}>")
            sequences = [s + spelling for s in sequences for spelling in aliases[name]]
        else:
            pattern = parse_word(word)
            sequences = [(*s, pattern) for s in sequences]
    return sequences


def parse_phrase(raw: str, aliases: dict[str, tuple[tuple[WordPattern, ...], ...]]) -> Phrase:
    """Parse a phrase pattern (see the module docstring); raise ``ValueError`` if invalid."""
    elements: list[Element] = []
    for part in _split_phrase(raw):
        optional = False
        if part.startswith("[") and part.endswith("]"):
            optional, part = True, part[1:-1].strip()
        if part == "^" and not elements and not optional:
            elements.append(Element(special="start"))
        elif part == "_":
            elements.append(Element(special="any"))
        elif part == "...":
            elements.append(Element(special="gap"))
        elif part == "#":
            elements.append(Element(special="number"))
        elif part.startswith("<") and part.endswith(">"):
            name = part[1:-1].strip()
            if name not in aliases:
                raise ValueError(f"phrase {raw!r}: unknown alias <{name}>")
            elements.append(Element(options=aliases[name], optional=optional, alias=True))
        else:
            if part.startswith("(") and part.endswith(")"):
                part = part[1:-1]
            options = [option.split() for option in part.split("|")]
            if any(not option for option in options):
                raise ValueError(f"phrase {raw!r}: empty alternative in {part!r}")
            try:
                parsed = tuple(
                    sequence for option in options for sequence in _expand(option, aliases)
                )
            except ValueError as error:
                raise ValueError(f"phrase {raw!r}: {error}") from None
            elements.append(Element(options=parsed, optional=optional))
    if not any(not e.optional and not e.special for e in elements):
        raise ValueError(f"phrase {raw!r}: needs at least one required word")
    return Phrase(raw, tuple(elements))


def parse_alias(values: Iterable[str]) -> tuple[tuple[WordPattern, ...], ...]:
    """Parse an alias's spellings; each may be several words (``"you are"``)."""
    return tuple(tuple(parse_word(word) for word in value.split()) for value in values)


def _affix_regex(bodies: Iterable[tuple[WordKind, str]]) -> re.Pattern[str] | None:
    """One regex that finds whether any affix body can match a form (a quick pre-check)."""
    parts = []
    for kind, body in bodies:
        escaped = re.escape(body)
        parts.append(
            {"prefix": "^" + escaped, "suffix": escaped + "$", "contains": escaped}.get(kind, "")
        )
    return re.compile("|".join(sorted(set(parts)))) if parts else None


class WordIndex:
    """Single-word patterns compiled into dictionaries for quick look-up of token forms."""

    def __init__(self, items: Iterable[tuple[WordPattern, Entry]]) -> None:
        self.patterns: list[WordPattern] = []
        self._exact: dict[str, list[Entry]] = {}
        self._collapsed: dict[str, list[Entry]] = {}
        self._affix: list[tuple[WordPattern, Entry]] = []
        self._affix_collapsed: list[tuple[WordPattern, Entry]] = []
        self._by_length: dict[int, list[tuple[str, Entry]]] = {}
        for pattern, entry in items:
            self.patterns.append(pattern)
            # Masked forms ("f*ck") are compared with every body, whatever its kind.
            self._by_length.setdefault(len(pattern.body), []).append((pattern.body, entry))
            if pattern.kind == "exact":
                self._exact.setdefault(pattern.body, []).append(entry)
                self._collapsed.setdefault(collapse_runs(pattern.body), []).append(entry)
            else:
                self._affix.append((pattern, entry))
                if not pattern.has_double:
                    self._affix_collapsed.append((pattern, entry))
        self._affix_re = _affix_regex((p.kind, p.body) for p, _ in self._affix)
        self._affix_collapsed_re = _affix_regex((p.kind, p.body) for p, _ in self._affix_collapsed)

    def __bool__(self) -> bool:
        return bool(self.patterns)

    @staticmethod
    def _affix_hits(
        forms: Iterable[str],
        quick: re.Pattern[str] | None,
        table: list[tuple[WordPattern, Entry]],
    ) -> list[Entry]:
        found: list[Entry] = []
        if quick is None:
            return found
        for form in forms:
            if quick.search(form):
                found.extend(entry for pattern, entry in table if pattern.matches(form))
        return found

    def match(self, forms: tuple[str, ...], collapsed: tuple[str, ...]) -> tuple[Entry, ...]:
        """Entries matched by any plain form, or by a collapsed form (see module docs)."""
        found: list[Entry] = []
        for form in forms:
            if form in self._exact:
                found.extend(self._exact[form])
            if "*" in form:
                inner = form.strip("*")
                if "*" in inner:
                    found.extend(self._masked(inner))
        for form in collapsed:
            if form in self._collapsed:
                found.extend(self._collapsed[form])
        found.extend(self._affix_hits(forms, self._affix_re, self._affix))
        found.extend(self._affix_hits(collapsed, self._affix_collapsed_re, self._affix_collapsed))
        return tuple(found)

    def _masked(self, form: str) -> list[Entry]:
        """Words a self-censored form such as ``f*ck`` can stand for (needs 2+ letters)."""
        letters = sum(c != "*" for c in form)
        if letters < 2 or letters == len(form):
            return []
        matcher = re.compile("".join("." if c == "*" else re.escape(c) for c in form))
        candidates = [
            entry for body, entry in self._by_length.get(len(form), ()) if matcher.fullmatch(body)
        ]
        # A star hides letters; read it as the mildest word it could be.
        return sorted(candidates, key=lambda e: e.severity)[:1]


_NONE: frozenset[int] = frozenset()


@dataclass(slots=True)
class _CompiledPhrase:
    entry: Entry
    plain: re.Pattern[str]
    collapsed: re.Pattern[str]


class PhraseSet:
    """Phrase patterns, each compiled on canonical tokens and on collapsed ones.

    A phrase is only tried when its anchor (see :attr:`Phrase.anchor`) is among the
    tokens: each anchor is indexed by its rarest word, so a message costs about one
    dictionary look-up per token.
    """

    def __init__(self, items: Iterable[tuple[Phrase, Entry]] = ()) -> None:
        self.items: list[tuple[Phrase, Entry]] = list(items)
        self._compiled: list[_CompiledPhrase] = []
        # rarest word -> (phrase, offset of the word in the anchor, anchor length)
        self._plain_index: dict[str, set[tuple[int, int, int]]] = {}
        self._collapsed_index: dict[str, set[tuple[int, int, int]]] = {}
        # Neighbouring words in anchors, plain or collapsed: a quick necessary condition.
        self._pairs: set[tuple[str, str]] = set()
        # Every complete anchor (all exact words) -> the phrases it anchors.
        self._by_plain: dict[tuple[str, ...], set[int]] = {}
        self._by_collapsed: dict[tuple[str, ...], set[int]] = {}
        # Anchors with a wildcard word, by their exact rarest word and its offset.
        self._loose: dict[tuple[str, int], set[int]] = {}
        self._loose_collapsed: dict[tuple[str, int], set[int]] = {}
        # Anchors with a wildcard word: (regex on plain, regex on collapsed, phrase).
        self._wild: list[tuple[re.Pattern[str], re.Pattern[str], int]] = []
        for index, (phrase, entry) in enumerate(self.items):
            self._compiled.append(
                _CompiledPhrase(entry, _phrase_regex(phrase, False), _phrase_regex(phrase, True))
            )
            for sequence in phrase.anchor:
                exact = [k for k, word in enumerate(sequence) if word.kind == "exact"]
                if not exact:
                    words = [w.regex(False) for w in sequence]
                    short = [w.regex(True) for w in sequence]
                    self._wild.append(
                        (
                            re.compile(r"(?<!\S)" + " ".join(words) + " "),
                            re.compile(r"(?<!\S)" + " ".join(short) + " "),
                            index,
                        )
                    )
                    continue
                plain = tuple(word.body for word in sequence)
                collapsed = tuple(collapse_runs(body) for body in plain)
                offset = min(exact, key=lambda k: _probability(sequence[k]))
                # Length 0: the anchor has a wildcard word, so its phrase's regex decides.
                length = len(sequence) if len(exact) == len(sequence) else 0
                where = (index, offset, length)
                self._plain_index.setdefault(plain[offset], set()).add(where)
                self._collapsed_index.setdefault(collapsed[offset], set()).add(where)
                if length:
                    self._by_plain.setdefault(plain, set()).add(index)
                    self._by_collapsed.setdefault(collapsed, set()).add(index)
                    self._pairs.update(itertools.pairwise(plain))
                    self._pairs.update(itertools.pairwise(collapsed))
                else:
                    self._loose.setdefault((plain[offset], offset), set()).add(index)
                    self._loose_collapsed.setdefault((collapsed[offset], offset), set()).add(index)

    def __bool__(self) -> bool:
        return bool(self.items)

    def vocabulary(self) -> set[str]:
        """Whole words used by the phrases."""
        words: set[str] = set()
        for phrase, _ in self.items:
            words |= phrase.vocabulary()
        return words

    @property
    def has_wild(self) -> bool:
        """True when some anchor has a wildcard word (checked by regex on the view)."""
        return bool(self._wild)

    def anchor_hits(self, canonical: str, short: str) -> tuple[tuple[int, int, int, bool], ...]:
        """Anchors a token could be part of: ``(phrase, offset, length, collapsed)``."""
        found = [(p, o, n, False) for p, o, n in self._plain_index.get(canonical, ())]
        found += [(p, o, n, True) for p, o, n in self._collapsed_index.get(short, ())]
        return tuple(found)

    def windows(self, canonical: str, short: str) -> tuple[tuple[int, int], ...]:
        """Distinct ``(offset, length)`` anchor windows through a token (plain or
        collapsed); length 0 means an anchor with a wildcard word."""
        found = {(o, n) for _, o, n in self._plain_index.get(canonical, ())}
        found |= {(o, n) for _, o, n in self._collapsed_index.get(short, ())}
        return tuple(sorted(found))

    @property
    def pairs(self) -> set[tuple[str, str]]:
        """Words side by side in some anchor (plain or collapsed): without such a pair,
        no anchor of two words or more runs through a token (read-only)."""
        return self._pairs

    def any_anchor(self, words: tuple[str, ...], collapsed: bool) -> bool:
        """True when ``words`` is a complete anchor of some phrase."""
        return words in (self._by_collapsed if collapsed else self._by_plain)

    def anchored_by(self, words: tuple[str, ...], collapsed: bool) -> set[int]:
        """The phrases that ``words`` is a complete anchor of."""
        return (self._by_collapsed if collapsed else self._by_plain).get(words, _NONE)

    def loosely_anchored(self, canonical: str, short: str, offset: int) -> set[int]:
        """Phrases with a wildcard anchor whose rarest word is this token, at ``offset``."""
        found = self._loose.get((canonical, offset), _NONE)
        more = self._loose_collapsed.get((short, offset), _NONE)
        return found | more if more else found

    def wild_candidates(self, view: CanonicalView) -> set[int]:
        """Phrases whose wildcard anchor is in the view."""
        return {
            index
            for plain, collapsed, index in self._wild
            if plain.search(view.plain) or collapsed.search(view.collapsed)
        }

    def run(self, indices: Iterable[int], view: CanonicalView) -> list[tuple[Entry, int, int]]:
        """Matches of the given phrases as ``(entry, first token, end token)``."""
        found: list[tuple[Entry, int, int]] = []
        for index in sorted(indices):
            compiled = self._compiled[index]
            for regex, text, collapsed in (
                (compiled.plain, view.plain, False),
                (compiled.collapsed, view.collapsed, True),
            ):
                for match in regex.finditer(text):
                    if match.end() == match.start():
                        continue
                    offsets = view.collapsed_offsets if collapsed else view.plain_offsets
                    first = _token_at(offsets, match.start())
                    last = _token_at(offsets, match.end() - 1)
                    found.append((compiled.entry, first, last + 1))
        return found


def _phrase_regex(phrase: Phrase, transform: bool) -> re.Pattern[str]:
    return re.compile(r"(?<!\S)" + "".join(e.regex(transform) for e in phrase.elements))


def _token_at(offsets: Sequence[int], position: int) -> int:
    """Index of the token containing ``position`` (binary search over start offsets)."""
    low, high = 0, len(offsets) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if offsets[middle] <= position:
            low = middle
        else:
            high = middle - 1
    return low


class CanonicalView:
    """Canonical tokens joined by single spaces (each token followed by one), plain and
    collapsed, for phrase regexes; token offsets are worked out only for a match."""

    __slots__ = ("_collapsed_offsets", "_plain_offsets", "collapsed", "plain", "short", "tokens")

    def __init__(self, tokens: Sequence[str], short: Sequence[str] | None = None) -> None:
        self.tokens = tuple(tokens)
        self.short = tuple(collapse_runs(t) for t in tokens) if short is None else tuple(short)
        self.plain = " ".join(self.tokens) + " "
        self.collapsed = self.plain if self.short == self.tokens else " ".join(self.short) + " "
        self._plain_offsets: tuple[int, ...] | None = None
        self._collapsed_offsets: tuple[int, ...] | None = None

    @property
    def plain_offsets(self) -> tuple[int, ...]:
        """Where each token starts in :attr:`plain`."""
        if self._plain_offsets is None:
            self._plain_offsets = _offsets(self.tokens)
        return self._plain_offsets

    @property
    def collapsed_offsets(self) -> tuple[int, ...]:
        """Where each token starts in :attr:`collapsed`."""
        if self._collapsed_offsets is None:
            self._collapsed_offsets = _offsets(self.short)
        return self._collapsed_offsets


def _offsets(tokens: Sequence[str]) -> tuple[int, ...]:
    offsets: list[int] = []
    position = 0
    for token in tokens:
        offsets.append(position)
        position += len(token) + 1
    return tuple(offsets)


class TokenInfo(NamedTuple):
    """What one term set makes of one token (cached per token text)."""

    entries: tuple[Entry, ...]
    canonical: str
    short: str
    anchors: tuple[tuple[int, int, int, bool], ...]
    windows: tuple[tuple[int, int], ...]


class TermSet:
    """Word patterns and phrase patterns of one source (a lexicon, a policy, an allowlist).

    :meth:`find` analyses a view (a sequence of tokens); the per-token work is cached,
    so a word seen before costs one look-up.
    """

    def __init__(self, words: WordIndex, phrases: PhraseSet) -> None:
        self.words = words
        self.phrases = phrases
        self.vocabulary = frozenset(phrases.vocabulary())
        # Bounded and per instance: chat reuses the same words all the time.
        self.info = functools.lru_cache(maxsize=32768)(self._info)

    def __bool__(self) -> bool:
        return bool(self.words) or bool(self.phrases)

    def _info(self, text: str, joined: bool) -> TokenInfo:
        forms, collapsed = token_forms(text, joined)
        canonical = next((form for form in forms if form in self.vocabulary), forms[0])
        short = collapse_runs(canonical)
        entries = self.words.match(forms, collapsed) if self.words else ()
        anchors = self.phrases.anchor_hits(canonical, short) if self.phrases else ()
        windows = self.phrases.windows(canonical, short) if anchors else ()
        return TokenInfo(entries, canonical, short, anchors, windows)

    def find(self, tokens: Sequence[tuple[str, bool]]) -> list[tuple[Entry, int, int, bool]]:
        """Hits in a view, given as ``(text, joined)`` per token.

        Returns ``(entry, first token, end token, is_phrase)``.
        """
        info = self.info
        infos = [info(text, joined) for text, joined in tokens]
        found: list[tuple[Entry, int, int, bool]] = []
        anchored: list[int] = []
        for index, item in enumerate(infos):
            if item.entries:
                found.extend((entry, index, index + 1, False) for entry in item.entries)
            if item.anchors:
                anchored.append(index)
        phrases = self.phrases
        if not anchored and not phrases.has_wild:
            return found
        canonical = [item.canonical for item in infos]
        candidates: set[int] = set()
        if anchored:
            short = [item.short for item in infos]
            count = len(infos)
            for index in anchored:
                item = infos[index]
                for offset, length in item.windows:
                    if not length:
                        candidates |= phrases.loosely_anchored(item.canonical, item.short, offset)
                        continue
                    start = index - offset
                    if start < 0 or start + length > count:
                        continue
                    candidates |= phrases.anchored_by(
                        tuple(canonical[start : start + length]), False
                    )
                    candidates |= phrases.anchored_by(tuple(short[start : start + length]), True)
        view: CanonicalView | None = None
        if phrases.has_wild:
            view = CanonicalView(canonical, [item.short for item in infos])
            candidates |= phrases.wild_candidates(view)
        if candidates:
            view = view or CanonicalView(canonical, [item.short for item in infos])
            found += [(e, a, b, True) for e, a, b in phrases.run(candidates, view)]
        return found

    def is_clean(self, text: str) -> bool:
        """True when a token can take part in no match of this set (no word, no anchor)."""
        info = self.info(text, False)
        return not info.entries and not info.anchors

    def screen_words(self) -> list[WordPattern]:
        """The word patterns, for the pre-screen."""
        return list(self.words.patterns)

    def screen_anchors(self) -> list[WordPattern]:
        """For the pre-screen: the rarest word of each phrase anchor (one is in every
        match); a small regex, and a little looser than the anchors themselves."""
        words: dict[WordPattern, None] = {}
        for phrase, _ in self.phrases.items:
            for sequence in phrase.anchor:
                exact = [word for word in sequence if word.kind == "exact"]
                words.setdefault(min(exact or sequence[:1], key=_probability), None)
        return list(words)
