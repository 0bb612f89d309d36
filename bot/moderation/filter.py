"""The moderation filter: ``check_input`` for what users say, ``check_output`` for the bot.

:class:`ModerationFilter` is built once from the lexicons (:mod:`bot.moderation.lexicon`)
and reused; it is safe to share between threads. Deciding always means the full token
analysis (:mod:`bot.moderation.matcher`) finds every hit and the policy decides (see
:mod:`bot.moderation.policy`); most messages are harmless, though, so cheaper routes
come first, and each gives exactly the answer the full analysis would
(:meth:`ModerationFilter.check_thoroughly` skips them, and the tests compare the two):

1. Text whose pieces cannot join (no ``sh.it``, no ``f u c k``; plain ASCII or with
   emoji) is split into words with byte-level operations. The filter remembers, for every
   word it has analysed, whether it matches a lexicon word and which phrase anchors run
   through it (bounded memory). A message of words known to be clean is allowed at once;
   one of known words with no complete phrase anchor gets its hits straight from memory.
2. Any other text goes through a precompiled regex pre-screen
   (:mod:`bot.moderation.screen`) over a byte skeleton, and to the full analysis only
   when that fires.

What users say: distress or self-harm gives ``care`` (never ``block``) at every
strictness; severe categories block; profanity blocks according to strictness. What the
bot says (stricter): it never swears unless the server is relaxed and the persona allows
mild profanity, never says anything severe, and never says self-harm phrases (its caring
reply, :func:`bot.moderation.care.care_message`, passes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from bot.moderation.entries import SEVERE_CATEGORIES, Entry, Hit, Severity
from bot.moderation.lexicon import Lexicon, default_lexicon
from bot.moderation.matcher import piece_spans, scan, scan_pieces
from bot.moderation.normalize import fold
from bot.moderation.patterns import PhraseSet
from bot.moderation.policy import CompiledPolicy, Policy
from bot.moderation.screen import plain_words, skeleton

VerdictKind = Literal["allow", "block", "care"]
Direction = Literal["input", "output"]

MAX_CLEAN_WORDS = 50_000
"""How many words a filter remembers as clean or not (then it starts over)."""

# When several hits block, the one reported is the most severe; ties go to the category
# that matters most to a moderator reading the log.
_CATEGORY_RANK = {
    "threat": 0,
    "slur": 1,
    "harassment": 2,
    "sexual": 3,
    "dangerous": 4,
    "custom": 5,
    "self_harm": 6,
    "profanity": 7,
}


def _positions(words: list[bytes], wanted: set[bytes]) -> list[int]:
    """Indices of the words in ``wanted``, in order (C-level searches, no loop per word)."""
    found: list[int] = []
    for word in wanted:
        index = words.index(word)
        found.append(index)
        for _ in range(words.count(word) - 1):
            index = words.index(word, index + 1)
            found.append(index)
    found.sort()
    return found


def _anchor_through(phrases: PhraseSet, known: list[_Known], index: int) -> bool:
    """True when a complete phrase anchor runs through the word at ``index``."""
    count = len(known)
    for offset, length in known[index].windows:
        if not length:
            return True
        start = index - offset
        if start < 0 or start + length > count:
            continue
        window = known[start : start + length]
        if phrases.any_anchor(tuple([k.canonical for k in window]), False):
            return True
        if phrases.any_anchor(tuple([k.short for k in window]), True):
            return True
    return False


class _Known(NamedTuple):
    """What a filter has learned about one word."""

    canonical: str
    short: str
    windows: tuple[tuple[int, int], ...]
    entries: tuple[Entry, ...]
    shortest: int  # the shortest anchor window through it (0: a wildcard anchor)


@dataclass(frozen=True, init=False)
class Verdict:
    """The outcome of a check.

    ``category``, ``term`` and ``severity`` describe the deciding match (for ``allow``, the
    most notable tolerated one, e.g. mild profanity, or ``None``); ``span`` is its
    ``(start, end)`` in the original text.
    """

    verdict: VerdictKind
    category: str | None = None
    term: str | None = None
    severity: Severity = Severity.NONE
    span: tuple[int, int] | None = None
    text: str = field(default="", repr=False, compare=False)

    def __init__(
        self,
        verdict: VerdictKind,
        category: str | None = None,
        term: str | None = None,
        severity: Severity = Severity.NONE,
        span: tuple[int, int] | None = None,
        text: str = "",
    ) -> None:
        # Hand-written so that the common "allow, nothing found" case sets only two
        # attributes (the others stay the class defaults): most messages end here.
        setter = object.__setattr__
        setter(self, "verdict", verdict)
        setter(self, "text", text)
        if category is not None:
            setter(self, "category", category)
        if term is not None:
            setter(self, "term", term)
        if severity:
            setter(self, "severity", severity)
        if span is not None:
            setter(self, "span", span)

    @property
    def allowed(self) -> bool:
        """True for ``allow``."""
        return self.verdict == "allow"

    def masked_excerpt(self, width: int = 30) -> str:
        """The text around the match with the match masked, e.g. ``"you are a f***"``.

        Keeps ``width`` characters of context on each side (marked ``…`` where cut) and the
        first character of the match; without a match, returns the (shortened) text.
        """
        text = self.text
        if self.span is None:
            return text if len(text) <= 2 * width else text[: 2 * width] + "…"
        start, end = self.span
        left = max(0, start - width)
        right = min(len(text), end + width)
        matched = text[start:end]
        masked = matched[:1] + "".join(c if c.isspace() else "*" for c in matched[1:])
        return (
            ("…" if left > 0 else "")
            + text[left:start]
            + masked
            + text[end:right]
            + ("…" if right < len(text) else "")
        )


def _blocks(hit: Hit, direction: Direction, strictness: str, persona_swears: bool) -> bool:
    category = hit.entry.category
    if category in SEVERE_CATEGORIES:
        return True
    if category == "self_harm":
        return direction == "output"
    if category == "profanity":
        if direction == "output":
            mild = hit.entry.severity <= Severity.LOW
            return not (mild and persona_swears and strictness == "relaxed")
        if strictness == "strict":
            return True
        if strictness == "standard":
            return hit.entry.severity >= Severity.MEDIUM
        return hit.entry.severity >= Severity.HIGH
    return True  # an unknown category from a custom lexicon: be safe


def _rank(hit: Hit) -> tuple[int, int, int, int]:
    # Most severe first; then the most specific (longest) match, so "I want to f*** you"
    # reads as sexual rather than as the "f*** you" inside it.
    return (
        -int(hit.entry.severity),
        hit.start - hit.end,
        _CATEGORY_RANK.get(hit.entry.category, 9),
        hit.start,
    )


class ModerationFilter:
    """The input/output filter; build once and reuse (immutable, thread-safe)."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self._lexicon = lexicon or default_lexicon()
        self._plain = {s: Policy(strictness=s).compiled for s in ("relaxed", "standard", "strict")}
        self._default = self._plain["standard"]
        # What the filter has learned about words (ASCII pieces) from the messages it has
        # analysed: chat reuses its words, so most messages need no analysis at all.
        # _known: word -> (canonical, collapsed, phrase-anchor windows, lexicon entries
        # not covered by an allowlisted word); _clean: words with neither entries nor
        # anchor windows; _allow_quiet: words the allowlist has nothing on (no word, no
        # phrase anchor).
        self._known: dict[bytes, _Known] = {}
        self._clean: set[bytes] = set()
        self._interesting: set[bytes] = set()
        self._allow_quiet: set[bytes] = set()

    def screen(self, text: str, policy: Policy | None = None) -> bool:
        """True when the fast pre-screen fires (the full analysis is then needed)."""
        return self._screen(text, self._compiled(policy))

    def hits(self, text: str, policy: Policy | None = None) -> tuple[list[Hit], tuple[int, ...]]:
        """Every match in ``text`` and the folded-to-original index map (no pre-screen)."""
        return self._hits(text, self._compiled(policy))

    def _compiled(self, policy: Policy | None) -> CompiledPolicy:
        if policy is None:
            return self._default
        if not policy.blocked_terms and not policy.allowed_terms:
            # Pydantic's private-attribute lookup is slow; these three are prebuilt.
            return self._plain[policy.strictness]
        return policy.compiled

    def _screen(self, text: str, compiled: CompiledPolicy) -> bool:
        sk = skeleton(text)
        return self._lexicon.screen.hit(sk) or (
            compiled.screen is not None and compiled.screen.hit(sk)
        )

    def _hits(self, text: str, compiled: CompiledPolicy) -> tuple[list[Hit], tuple[int, ...]]:
        folded, origin = fold(text)
        blocks = [self._lexicon.terms]
        if compiled.blocked is not None:
            blocks.append(compiled.blocked)
        soft = [compiled.allowed] if compiled.allowed is not None else []
        return scan(folded, blocks, [self._lexicon.allow], soft), origin

    def _hits_words(
        self, text: str, words: list[bytes], compiled: CompiledPolicy
    ) -> tuple[list[Hit], tuple[int, ...]]:
        """:meth:`_hits` for text whose pieces are ``words`` (see ``plain_words``);
        remembers which words turned out clean."""
        folded, origin = fold(text)
        texts = b" ".join(words).decode("ascii").split()
        terms = self._lexicon.terms
        allow = self._lexicon.allow
        soft = [compiled.allowed] if compiled.allowed is not None else []
        allows = [] if self._allow_quiet.issuperset(words) else [allow]
        found = scan_pieces(folded, texts, [terms], allows, soft)
        self._learn(words, texts)
        return found, origin

    def _learn(self, words: list[bytes], texts: list[str]) -> None:
        """Remember what each new word is (see ``__init__``)."""
        if len(self._known) > MAX_CLEAN_WORDS:
            for learned in (self._clean, self._interesting, self._allow_quiet):
                learned.clear()
            self._known.clear()
        terms = self._lexicon.terms
        allow = self._lexicon.allow
        for word, piece in zip(words, texts, strict=True):
            if word in self._known:
                continue
            info = terms.info(piece, False)
            entries = info.entries
            # A word whose every match an allowlisted word covers ("shiitake") never
            # counts, whatever surrounds it.
            if entries and allow.info(piece, False).entries:
                entries = ()
            shortest = min((length for _, length in info.windows), default=0)
            self._known[word] = _Known(info.canonical, info.short, info.windows, entries, shortest)
            if entries or info.windows:
                self._interesting.add(word)
            else:
                self._clean.add(word)
            if allow.is_clean(piece):
                self._allow_quiet.add(word)

    def _quick(self, words: list[bytes]) -> list[tuple[int, tuple[Entry, ...]]] | None:
        """The hits of a message made of known words, or ``None`` when it needs the full
        analysis (an unknown word, a complete phrase anchor, an allowlist phrase nearby)."""
        known: list[_Known] = list(map(self._known.get, words))  # type: ignore[arg-type]
        phrases = self._lexicon.terms.phrases
        if None in known or phrases.has_wild:
            return None
        hits: list[tuple[int, tuple[Entry, ...]]] = []
        last = len(words) - 1
        pairs = phrases.pairs
        wanted = self._interesting.intersection(words)
        if len(wanted) == 1:
            (word,) = wanted
            positions = [words.index(word)] if words.count(word) == 1 else _positions(words, wanted)
        else:
            positions = _positions(words, wanted)
        for index in positions:
            item = known[index]
            if item.entries:
                hits.append((index, item.entries))
            if not item.windows:
                continue
            # An anchor of two words or more through this word needs a neighbour that
            # sits next to it in some anchor: checking that first is usually enough.
            if item.shortest > 1:
                before = known[index - 1] if index else None
                after = known[index + 1] if index < last else None
                if not (
                    (
                        before is not None
                        and (
                            (before.canonical, item.canonical) in pairs
                            or (before.short, item.short) in pairs
                        )
                    )
                    or (
                        after is not None
                        and (
                            (item.canonical, after.canonical) in pairs
                            or (item.short, after.short) in pairs
                        )
                    )
                ):
                    continue
            if _anchor_through(phrases, known, index):
                return None
        if hits and not self._allow_quiet.issuperset(words):
            return None
        return hits

    def _quick_hits(
        self, text: str, quick: list[tuple[int, tuple[Entry, ...]]]
    ) -> tuple[list[Hit], tuple[int, ...]]:
        folded, origin = fold(text)
        spans = piece_spans(folded, quick[-1][0] + 1)
        found = [
            Hit(entry, spans[index][0], spans[index][1])
            for index, entries in quick
            for entry in entries
        ]
        return found, origin

    def check(
        self,
        text: str,
        policy: Policy | None = None,
        *,
        direction: Direction = "input",
        persona_allows_profanity: bool = False,
    ) -> Verdict:
        """Check ``text`` under ``policy`` (default: standard, no server terms)."""
        compiled = self._compiled(policy)
        words = plain_words(text) if compiled.blocked is None else None
        if words is not None:
            if self._clean.issuperset(words):
                return Verdict("allow", text=text)
            quick = self._quick(words) if compiled.allowed is None else None
            if quick == []:
                return Verdict("allow", text=text)
            if quick is not None:
                found, origin = self._quick_hits(text, quick)
            else:
                found, origin = self._hits_words(text, words, compiled)
        else:
            if not self._screen(text, compiled):
                return Verdict("allow", text=text)
            found, origin = self._hits(text, compiled)
        return self._decide(text, found, origin, compiled, direction, persona_allows_profanity)

    def check_thoroughly(
        self,
        text: str,
        policy: Policy | None = None,
        *,
        direction: Direction = "input",
        persona_allows_profanity: bool = False,
    ) -> Verdict:
        """:meth:`check` without any shortcut: always the full analysis (for tests and
        for auditing a decision; the result is the same, only slower)."""
        compiled = self._compiled(policy)
        found, origin = self._hits(text, compiled)
        return self._decide(text, found, origin, compiled, direction, persona_allows_profanity)

    def _decide(
        self,
        text: str,
        found: list[Hit],
        origin: tuple[int, ...],
        compiled: CompiledPolicy,
        direction: Direction,
        persona_allows_profanity: bool,
    ) -> Verdict:
        if direction == "input":
            found = [h for h in found if not h.soft]
            care = [h for h in found if h.entry.category == "self_harm"]
            if care:
                return self._verdict("care", min(care, key=_rank), origin, text)
        else:
            found = [h for h in found if not (h.soft and h.entry.category == "profanity")]
        strictness = compiled.strictness
        blocking = [h for h in found if _blocks(h, direction, strictness, persona_allows_profanity)]
        if blocking:
            return self._verdict("block", min(blocking, key=_rank), origin, text)
        if found:
            return self._verdict("allow", min(found, key=_rank), origin, text)
        return Verdict("allow", text=text)

    def check_input(self, text: str, policy: Policy | None = None) -> Verdict:
        """Check what a user says."""
        return self.check(text, policy, direction="input")

    def check_output(
        self, text: str, policy: Policy | None = None, *, persona_allows_profanity: bool = False
    ) -> Verdict:
        """Check what the bot is about to say (stricter; see the module docstring)."""
        return self.check(
            text,
            policy,
            direction="output",
            persona_allows_profanity=persona_allows_profanity,
        )

    @staticmethod
    def _verdict(kind: VerdictKind, hit: Hit, origin: tuple[int, ...], text: str) -> Verdict:
        span = None
        if origin and hit.end > hit.start:
            span = (origin[hit.start], origin[min(hit.end, len(origin)) - 1] + 1)
        return Verdict(kind, hit.entry.category, hit.entry.term, hit.entry.severity, span, text)
