"""The full token analysis: every reading of every token, matched against term sets.

Folded text (:func:`bot.moderation.normalize.fold`) is split into pieces and read in up
to three *views*:

* the split view: one token per piece (``u r a loser`` is four tokens);
* joined views, when they differ: pieces glued across short separators inside a word
  (``sh.it``, ``as-s``, ``i z.a.p u``), and also single-letter runs joined across spaces
  (``f u c k``, ``$.h.1.t``).

Each token has several *forms* (:func:`bot.moderation.normalize.token_forms`): leetspeak
decoded (``1 ! |`` read both as ``i`` and as ``l``), edge punctuation stripped
(``kill!``), the raw piece (for terms with digits), runs reduced to two letters, and
*collapsed* forms (every repeated letter reduced to one; only for unjoined tokens that had
a doubled letter). Word patterns are looked up for every form; phrase patterns run on the
*canonical* tokens of a view, each token replaced by the first of its forms that a phrase
uses (so ``k1ll`` reads ``kill``), and on their collapsed spellings.

Allowlisted words and phrases cover characters: a one-word hit is dropped when allowlisted
words or phrases (in any view) cover all its characters, a phrase hit when an allowlisted
phrase covers any of them ("Dick Van Dyke", "kill time", "homo sapiens").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.moderation.entries import Entry, Hit
from bot.moderation.normalize import (
    _PIECE_RE,
    MAX_GAP,
    PIECE_SYMBOLS,
    Piece,
    gap_ok,
    may_join,
    pieces,
    single_letter_runs,
)
from bot.moderation.patterns import TermSet

CUSTOM = "custom"

# A view is a list of tokens: (start, end, text, joined).
Token = tuple[int, int, str, bool]


def views(folded: str) -> list[list[Token]]:
    """The split view and, when they differ, the joined views of folded text.

    There are two joined views: pieces joined within words only (``i z.a.p u`` reads
    ``i zap u``), and also single-letter runs across spaces (``f u c k``).
    """
    parts = pieces(folded)
    split: list[Token] = [(p.start, p.end, p.text, False) for p in parts]
    if not may_join(folded):
        return [split]
    result = [split]
    for across_spaces in (False, True):
        groups = _groups(folded, parts, across_spaces)
        if groups is None:
            continue
        joined: list[Token] = []
        for group in groups:
            if len(group) == 1:
                part = group[0]
                joined.append((part.start, part.end, part.text, False))
            else:
                text = "".join(p.text for p in group)
                joined.append((group[0].start, group[-1].end, text, True))
        if joined not in result:
            result.append(joined)
    return result


def _groups(folded: str, parts: list[Piece], across_spaces: bool) -> list[list[Piece]] | None:
    """Pieces grouped for a joined view, or ``None`` when no two pieces join."""
    if len(parts) < 2:
        return None
    run_of = [-1] * len(parts)
    if across_spaces:
        for number, (start, stop) in enumerate(single_letter_runs(parts)):
            for index in range(start, stop):
                run_of[index] = number
    groups: list[list[Piece]] = [[parts[0]]]
    joins = False
    for index in range(1, len(parts)):
        previous, part = parts[index - 1], parts[index]
        same_run = run_of[index] >= 0 and run_of[index] == run_of[index - 1]
        gap = folded[previous.end : part.start]
        if same_run or (gap_ok(previous, part) and not any(c.isspace() for c in gap)):
            groups[-1].append(part)
            joins = True
        else:
            groups.append([part])
    return groups if joins else None


def _piece_chars(folded: str, start: int, end: int) -> set[int]:
    """Indices of word characters (not separators) in ``folded[start:end]``."""
    return {i for i in range(start, end) if folded[i].isalnum() or folded[i] in PIECE_SYMBOLS}


def _covered(
    folded: str,
    analysed: Sequence[list[Token]],
    sets: Sequence[TermSet],
    involved: set[tuple[int, int]],
) -> tuple[set[int], set[int]]:
    """Characters covered by allowlisted words (looked up only for the ``(view, token)``
    pairs in ``involved``) and by allowlisted phrases (any view)."""
    by_word: set[int] = set()
    by_phrase: set[int] = set()
    for terms in sets:
        if terms.words:
            for number, index in involved:
                start, end, text, joined = analysed[number][index]
                if terms.info(text, joined).entries:
                    by_word |= _piece_chars(folded, start, end)
        if terms.phrases:
            for view in analysed:
                for _, first, stop, is_phrase in terms.find([(t[2], t[3]) for t in view]):
                    if is_phrase:
                        by_phrase |= _piece_chars(folded, view[first][0], view[stop - 1][1])
    return by_word, by_phrase


_PAIR_RE = re.compile(r"((?:[^\W_]|[@$!|*'])+)((?:[^\w@$!|*']|_)*)")
_PAIR_ASCII_RE = re.compile(r"([a-z0-9@$!|*']+)([^a-z0-9@$!|*']*)")
_LEAD_RE = re.compile(r"(?:[^\w@$!|*']|_)*")


def _simple_pieces(folded: str) -> tuple[list[str], list[tuple[int, int]]] | None:
    """Piece texts and spans when no two pieces can join, else ``None``.

    One regex call gives every piece with the gap after it; pieces join only across a
    short gap without a space, or as single characters close together.
    """
    pairs = (_PAIR_ASCII_RE if folded.isascii() else _PAIR_RE).findall(folded)
    texts: list[str] = []
    spans: list[tuple[int, int]] = []
    position = _LEAD_RE.match(folded).end()  # type: ignore[union-attr]
    last = len(pairs) - 1
    previous_single = False
    for index, (piece, gap) in enumerate(pairs):
        text = piece.replace("'", "") if "'" in piece else piece
        if not text:
            return None  # an apostrophe on its own: let the general path decide
        end = position + len(piece)
        if index < last:
            short_gap = len(gap) <= MAX_GAP
            if short_gap and " " not in gap:
                return None  # "sh.it": a joined reading exists
            single = len(text) == 1
            if single and previous_single and short_gap:
                return None  # "f u c k": maybe a single-letter run
            previous_single = single and short_gap
        texts.append(text)
        spans.append((position, end))
        position = end + len(gap)
    return texts, spans


def piece_spans(folded: str, count: int) -> list[tuple[int, int]]:
    """Spans of the first ``count`` pieces (only as many as a hit needs)."""
    spans: list[tuple[int, int]] = []
    for match in _PIECE_RE.finditer(folded):
        if match.group().strip("'"):
            spans.append(match.span())
            if len(spans) >= count:
                break
    return spans


def scan_pieces(
    folded: str,
    texts: list[str],
    blocks: Sequence[TermSet],
    allows: Sequence[TermSet],
    soft_allows: Sequence[TermSet] = (),
) -> list[Hit]:
    """:func:`scan` for text known to have one view, given its piece texts.

    The caller guarantees that no two pieces join (see
    :func:`bot.moderation.screen.plain_words`); spans are only worked out for hits.
    """
    return _scan_simple(texts, None, blocks, allows, soft_allows, folded)


def _scan_simple(
    texts: list[str],
    spans: list[tuple[int, int]] | None,
    blocks: Sequence[TermSet],
    allows: Sequence[TermSet],
    soft_allows: Sequence[TermSet],
    folded: str = "",
) -> list[Hit]:
    """:func:`scan` for text with one view: works on token indices."""
    tokens = [(text, False) for text in texts]
    found = [hit for terms in blocks for hit in terms.find(tokens)]
    if not found:
        return []
    hard_words, hard_phrases = _covered_tokens(tokens, allows, found)
    soft_words, soft_phrases = _covered_tokens(tokens, soft_allows, found)
    if spans is None:
        spans = piece_spans(folded, max(stop for _, _, stop, _ in found))
    seen: set[tuple[Entry, int, int]] = set()
    hits: list[Hit] = []
    for entry, first, stop, _ in found:
        covered = range(first, stop)
        if entry.category == CUSTOM:
            pass  # a server's own blocked term wins over the shipped allowlist
        elif stop == first + 1:
            if first in hard_words or first in hard_phrases:
                continue
        elif any(i in hard_phrases for i in covered):
            continue
        soft = any(i in soft_words or i in soft_phrases for i in covered)
        start, end = spans[first][0], spans[stop - 1][1]
        key = (entry, start, end)
        if key not in seen:
            seen.add(key)
            hits.append(Hit(entry, start, end, soft))
    return hits


def _covered_tokens(
    tokens: list[tuple[str, bool]],
    sets: Sequence[TermSet],
    found: list[tuple[Entry, int, int, bool]],
) -> tuple[set[int], set[int]]:
    """Token indices covered by allowlisted words (hit tokens only) and phrases."""
    by_word: set[int] = set()
    by_phrase: set[int] = set()
    for terms in sets:
        if terms.words:
            for _, first, stop, _ in found:
                if stop == first + 1 and terms.info(*tokens[first]).entries:
                    by_word.add(first)
        if terms.phrases:
            for _, first, stop, is_phrase in terms.find(tokens):
                if is_phrase:
                    by_phrase.update(range(first, stop))
    return by_word, by_phrase


def scan(
    folded: str,
    blocks: Sequence[TermSet],
    allows: Sequence[TermSet],
    soft_allows: Sequence[TermSet] = (),
) -> list[Hit]:
    """Every hit of ``blocks`` in folded text, minus what ``allows`` covers.

    Hits that ``soft_allows`` (a server's allowed terms) cover are kept with ``soft=True``
    so that the caller can decide per direction.
    """
    simple = _simple_pieces(folded)
    if simple is not None:
        return _scan_simple(*simple, blocks, allows, soft_allows)
    analysed = views(folded)
    found: list[tuple[Entry, int, int, int]] = []  # entry, view, first token, end token
    for number, view in enumerate(analysed):
        tokens = [(t[2], t[3]) for t in view]
        for terms in blocks:
            found.extend((e, number, a, b) for e, a, b, _ in terms.find(tokens))
    if not found:
        return []
    involved = {(number, first) for _, number, first, stop in found if stop == first + 1}
    hard_words, hard_phrases = _covered(folded, analysed, allows, involved)
    soft_words, soft_phrases = _covered(folded, analysed, soft_allows, involved)
    seen: set[tuple[Entry, int, int]] = set()
    hits: list[Hit] = []
    for entry, number, first, stop in found:
        view = analysed[number]
        start, end = view[first][0], view[stop - 1][1]
        chars = _piece_chars(folded, start, end)
        if entry.category == CUSTOM:
            pass  # a server's own blocked term wins over the shipped allowlist
        elif stop == first + 1:
            if chars <= hard_words | hard_phrases:
                continue
        elif chars & hard_phrases:
            continue
        soft = bool(chars & (soft_words | soft_phrases))
        key = (entry, start, end)
        if key not in seen:
            seen.add(key)
            hits.append(Hit(entry, start, end, soft))
    return hits
