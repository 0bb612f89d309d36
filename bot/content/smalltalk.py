"""Small-talk corpus and its ranked retriever, used by the offline (no-LLM) brain.

The corpus lives in ``data/smalltalk/*.toml``, one file per topic. Each entry has several
phrasings of a user prompt (``patterns``) and several replies (``responses``). Retrieval
normalises the user's line (case, punctuation, emoji, contractions, chat spellings, US/UK
spellings), finds candidate patterns through an inverted index of content-word stems, and ranks
them by a blend of rapidfuzz string similarity and IDF-weighted content-word overlap. Anything
below a minimum confidence returns ``None``: the caller should say it does not know rather than
give an off-topic reply.
"""

from __future__ import annotations

import math
import random
import re
import string
import tomllib
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

DATA_DIR = Path(__file__).parent / "data" / "smalltalk"

ALLOWED_PLACEHOLDERS = frozenset({"user", "name"})

# Scores are on a 0-100 scale. The threshold was calibrated on about 170 paraphrased or misspelt
# lines and 80 off-topic ones (tests/test_smalltalk.py holds most of them): paraphrases usually
# score 65-100, off-topic lines stay below 60.
DEFAULT_MIN_SCORE = 61.0
TOPIC_HINT_BOOST = 12.0
# Subtracted when a factual question ("how many planets are there") meets a personal pattern
# ("what is your favourite planet").
FACTUAL_PENALTY = 15.0
# Small talk is for short chat lines; a paragraph deserves a real answer, not a canned one.
MAX_QUERY_WORDS = 30
_CANDIDATE_LIMIT = 40
_BETA = 0.7
_KEYWORD_PRECISION = 0.6
_WHOLE_WEIGHT = 0.5

# ---------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"), None)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'", "\u02bc": "'"})
_REPEATS = re.compile(r"(.)\1{2,}")
_REPEATS_TWO = re.compile(r"(.)\1+")

# Whole-token rewrites: contractions (with and without the apostrophe), chat shorthand and
# spelling variants. Both patterns and queries go through this, so the canonical form only has
# to be consistent, not pretty.
# fmt: off
_REWRITES: dict[str, str] = {
    # contractions
    "what's": "what is", "whats": "what is", "wats": "what is", "wat's": "what is",
    "that's": "that is", "thats": "that is", "it's": "it is", "how's": "how is",
    "hows": "how is", "where's": "where is", "wheres": "where is", "who's": "who is",
    "whos": "who is", "there's": "there is", "theres": "there is", "here's": "here is",
    "heres": "here is", "he's": "he is", "she's": "she is", "let's": "let us", "i'm": "i am",
    "im": "i am", "i've": "i have", "ive": "i have", "i'd": "i would", "i'll": "i will",
    "you're": "you are", "youre": "you are", "you've": "you have", "youve": "you have",
    "you'd": "you would", "you'll": "you will", "we're": "we are", "they're": "they are",
    "theyre": "they are", "don't": "do not", "dont": "do not", "doesn't": "does not",
    "doesnt": "does not", "didn't": "did not", "didnt": "did not", "can't": "cannot",
    "cant": "cannot", "won't": "will not", "isn't": "is not", "isnt": "is not",
    "aren't": "are not", "arent": "are not", "wasn't": "was not", "wasnt": "was not",
    "haven't": "have not", "havent": "have not", "hasn't": "has not", "hasnt": "has not",
    "couldn't": "could not", "couldnt": "could not", "wouldn't": "would not",
    "wouldnt": "would not", "shouldn't": "should not", "shouldnt": "should not", "ain't": "is not",
    "y'all": "you all", "ya'll": "you all",
    # chat shorthand
    "u": "you", "ya": "you", "yu": "you", "ur": "your", "yr": "your", "r": "are", "wat": "what",
    "wut": "what", "wht": "what", "pls": "please", "plz": "please", "thx": "thanks",
    "ty": "thanks", "luv": "love", "gonna": "going to", "wanna": "want to", "gotta": "got to",
    "kinda": "kind of", "sorta": "sort of", "dunno": "do not know", "cuz": "because",
    "coz": "because", "cos": "because", "bc": "because", "b4": "before", "2day": "today",
    "tmrw": "tomorrow", "tmr": "tomorrow", "2moro": "tomorrow", "rn": "right now", "ppl": "people",
    "bday": "birthday", "xmas": "christmas", "tho": "though", "thru": "through", "nite": "night",
    "tonite": "tonight", "gr8": "great", "abt": "about", "w": "with", "smth": "something",
    "sth": "something", "sry": "sorry", "k": "okay", "ok": "okay", "fav": "favourite",
    "fave": "favourite", "favs": "favourites", "faves": "favourites", "favorite": "favourite",
    "favorites": "favourites", "favourit": "favourite", "favrite": "favourite",
    "favroite": "favourite", "favoite": "favourite", "favoutite": "favourite",
    "fav's": "favourites",
    # US/UK and other spelling variants
    "color": "colour", "colors": "colours", "colorful": "colourful", "theater": "theatre",
    "theaters": "theatres", "center": "centre", "humor": "humour", "humorous": "humourous",
    "neighbor": "neighbour", "neighbors": "neighbours", "gray": "grey", "mom": "mum",
    "cozy": "cosy", "pajamas": "pyjamas", "traveling": "travelling", "traveled": "travelled",
    "traveler": "traveller", "travelers": "travellers", "donut": "doughnut", "donuts": "doughnuts",
    "organize": "organise", "organized": "organised", "organizing": "organising",
    "realize": "realise", "realized": "realised", "math": "maths", "flavor": "flavour",
    "flavors": "flavours", "savor": "savour", "catalog": "catalogue",
    "practise": "practice", "practising": "practicing", "vacation": "holiday",
    "vacations": "holidays", "film": "movie", "films": "movies", "flick": "movie",
    "flicks": "movies", "okey": "okay", "alright": "all right", "doggo": "dog", "doggos": "dogs",
    "doggy": "dog", "doggie": "dog", "pupper": "puppy", "kitty": "cat", "kitteh": "cat",
    "telly": "tv", "hotdog": "hot dog", "hotdogs": "hot dogs", "videogame": "video game",
    "videogames": "video games", "boardgame": "board game", "boardgames": "board games",
    "scifi": "sci fi", "gf": "girlfriend", "bf": "boyfriend", "comp": "computer", "pic": "picture",
    "pics": "pictures",
}
# fmt: on

_STOPWORDS = frozenset(
    """
    a an the i me my mine myself you your yours yourself we us our it its they them their he
    she him her his is am are was were be been being do does did doing have has had
    having what which who whom whose how why when where that this these those there here of to
    in on at by for with from about into as and or but so if then than too also not no yes any
    some all anything something everything can cannot could would should will shall may might
    must just really very much many more most ever lately now still get got let one ones kind
    sort thing things please tell say okay oh hey well um uh lol actually right going want
    anyone someone either other ya yeah yep nope maybe bit little lot lots always sometimes
    often currently today these days quite pretty even way though through because went go
    goes gone come came such keep keeps kept hi hello thanks thank bye goodbye
    """.split()
)


def normalise(text: str) -> str:
    """Return ``text`` in the canonical form used for matching.

    Casefolds, removes zero-width characters, emoji, symbols and punctuation, expands
    contractions and chat shorthand ("whats ur fave" -> "what is your favourite") and maps
    US spellings to UK ones. Both corpus patterns and user lines go through this function.
    """
    text = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH).translate(_APOSTROPHES)
    text = text.casefold()
    cleaned = "".join(ch if ch.isalnum() or ch == "'" else " " for ch in text)
    words: list[str] = []
    for raw in cleaned.split():
        token = _REPEATS.sub(r"\1\1", raw.strip("'"))
        if not token:
            continue
        if token != raw.strip("'"):
            # "sooo" -> "soo" is still noise; prefer the single-letter form when it is a
            # known word ("so"), keep the double one otherwise ("coool" -> "cool").
            single = _REPEATS_TWO.sub(r"\1", token)
            if single in _STOPWORDS or single in _REWRITES:
                token = single
        rewritten = _REWRITES.get(token)
        if rewritten is None and "'" in token:
            token = _expand_suffix(token)
            rewritten = _REWRITES.get(token)
        words.append(rewritten if rewritten is not None else token)
    return " ".join(words)


def _expand_suffix(token: str) -> str:
    """Expand a contraction not in the table ("dogs'", "they'll", "cat's") by its suffix."""
    for suffix, expansion in (
        ("n't", " not"),
        ("'re", " are"),
        ("'ve", " have"),
        ("'ll", " will"),
        ("'d", " would"),
        ("'m", " am"),
        ("'s", ""),  # possessive: "cat's toy" -> "cat toy"
    ):
        if token.endswith(suffix):
            return token[: -len(suffix)] + expansion
    return token.replace("'", "")


def stem(word: str) -> str:
    """Crude suffix stripper so that dogs/dog, sleeping/sleep, stories/story share a stem.

    It only has to be consistent between patterns and queries, not linguistically correct.
    """
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 5 and word.endswith("ing"):
        word = word[:-3]
        if len(word) > 2 and word[-1] == word[-2] and word[-1] not in "aeiouls":
            word = word[:-1]
    elif len(word) > 4 and word.endswith("ed"):
        word = word[:-2]
        if len(word) > 2 and word[-1] == word[-2] and word[-1] not in "aeiouls":
            word = word[:-1]
    elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


def content_words(normalised: str) -> list[str]:
    """The words of a normalised line that carry meaning (stopwords removed)."""
    return [w for w in normalised.split() if w not in _STOPWORDS]


_QUESTION_WORDS = frozenset({"what", "when", "where", "who", "which", "how", "why"})
# Words that make a question personal or a matter of opinion rather than of fact.
_PERSONAL_WORDS = frozenset(
    """
    you your yours yourself i me my mine myself we us our best worst favourite favourites
    coolest funniest weirdest nicest scariest think opinion like love hate recommend should
    """.split()
)


def _looks_factual(words: Sequence[str]) -> bool:
    """A question about the world rather than about the user or the bot.

    "how many planets are there" is one; "what is your favourite planet" is not. Small talk
    should not answer the first kind with an entry written for the second.
    """
    return bool(words) and words[0] in _QUESTION_WORDS and _PERSONAL_WORDS.isdisjoint(words)


def _has_number(words: Sequence[str]) -> bool:
    """Sums, dates and quantities ("what is 17 times 23") are rarely small talk."""
    return any(any(ch.isdigit() for ch in w) for w in words)


# A line made only of stopwords ("i have too much to do", "why") keeps its words, marked so that
# they can only ever meet the words of another stopword-only line.
_FUNCTION_MARK = "~"

# Derivational suffixes that link two stems of the corpus ("recommend" / "recommendation",
# "sleep" / "sleepy"). Deliberately short: "class" must not swallow "classic".
_LINK_SUFFIXES = (
    "ation", "ition", "ion", "less", "ly", "y", "er", "est", "ship", "ness",
    "ment", "ist", "ish", "ive",
)  # fmt: skip


def _link_stems(stems: Iterable[str]) -> dict[str, str]:
    """Map every stem to the shortest stem it derives from by a link suffix (or to itself)."""
    canonical: dict[str, str] = {}
    for st in sorted(stems, key=len):
        canonical[st] = st
        for suffix in _LINK_SUFFIXES:
            base = st[: -len(suffix)]
            if st.endswith(suffix) and len(base) >= 5 and base in canonical:
                canonical[st] = canonical[base]
                break
    return canonical


# ---------------------------------------------------------------------------------------------
# File models (the boundary) and errors
# ---------------------------------------------------------------------------------------------


class CorpusError(ValueError):
    """A small-talk corpus file is missing, malformed or inconsistent."""


NonEmptyStr = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
_ID_PATTERN = r"^[a-z0-9_]+(\.[a-z0-9_]+)+$"
_TOPIC_PATTERN = r"^[a-z0-9_]+$"


class EntryFile(BaseModel):
    """One ``[[entries]]`` table of a topic file."""

    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, StringConstraints(pattern=_ID_PATTERN)]
    topic: str | None = None
    patterns: Annotated[list[NonEmptyStr], Field(min_length=2, max_length=5)]
    responses: Annotated[list[NonEmptyStr], Field(min_length=2, max_length=4)]
    follow_ups: list[NonEmptyStr] = Field(default_factory=list)
    keywords: list[NonEmptyStr] = Field(default_factory=list)


class TopicHeader(BaseModel):
    """The ``[topic]`` table of a topic file."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(pattern=_TOPIC_PATTERN)]
    label: NonEmptyStr
    invitations: Annotated[list[NonEmptyStr], Field(min_length=1)]


class TopicFile(BaseModel):
    """A whole topic file: a header and its entries (validated one by one for clear errors)."""

    model_config = ConfigDict(extra="forbid")

    topic: TopicHeader
    entries: Annotated[list[dict[str, object]], Field(min_length=1)]


def _describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "(file)"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)


def _placeholders(text: str) -> list[str]:
    """Field names used in ``text``; raises ValueError for malformed braces."""
    names = []
    for _literal, field_name, spec, conversion in string.Formatter().parse(text):
        if field_name is None:
            continue
        if spec or conversion:
            raise ValueError(f"placeholder {{{field_name}}} must not have a format spec")
        names.append(field_name)
    return names


# ---------------------------------------------------------------------------------------------
# Runtime data
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SmallTalkEntry:
    """One prompt/response entry. ``responses`` and ``follow_ups`` may contain {user}/{name}."""

    id: str
    topic: str
    patterns: tuple[str, ...]
    responses: tuple[str, ...]
    follow_ups: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True, slots=True)
class Topic:
    """A topic: its machine name, a human label and lines that invite the user to talk about it."""

    name: str
    label: str
    invitations: tuple[str, ...]


def fill_placeholders(template: str, *, user: str | None = None, name: str | None = None) -> str:
    """Replace {user} (the user's display name) and {name} (the persona's name) when given."""
    if user is not None:
        template = template.replace("{user}", user)
    if name is not None:
        template = template.replace("{name}", name)
    return template


def _template_regex(template: str) -> re.Pattern[str]:
    """A regex that matches the template however its placeholders were filled."""
    pieces = re.split(r"\{(?:user|name)\}", template)
    return re.compile(".+?".join(re.escape(p) for p in pieces), re.DOTALL)


def choose_line(
    lines: Sequence[str],
    rng: random.Random,
    avoid: Collection[str] = (),
    *,
    user: str | None = None,
    name: str | None = None,
) -> str:
    """Pick one of ``lines`` at random, preferring ones not in ``avoid``.

    ``avoid`` may hold raw templates or already-filled replies; a filled reply counts as the
    template it came from. When every line is avoided, the least recent one is reused (the
    caller passes ``avoid`` oldest first), so a reply is never withheld. Placeholders are
    filled for whichever of ``user`` and ``name`` is given.
    """
    if not lines:
        raise ValueError("choose_line needs at least one line")
    recent = [a.strip() for a in avoid]
    recent_set = set(recent)

    def last_use(line: str) -> int:
        """Index of the most recent use in ``recent``, -1 when unused."""
        if line in recent_set:
            return max(i for i, r in enumerate(recent) if r == line)
        if "{" in line:
            regex = _template_regex(line)
            hits = [i for i, r in enumerate(recent) if regex.fullmatch(r)]
            if hits:
                return max(hits)
        return -1

    uses = {line: last_use(line) for line in lines}
    fresh = [line for line in lines if uses[line] < 0]
    chosen = rng.choice(fresh) if fresh else min(lines, key=lambda line: uses[line])
    return fill_placeholders(chosen, user=user, name=name)


@dataclass(frozen=True, slots=True)
class Match:
    """A retrieval result: the entry, its score (0-100 scale, hint boost included), its topic."""

    entry: SmallTalkEntry
    score: float
    topic: str
    pattern: str = ""

    def choose_response(
        self,
        rng: random.Random,
        avoid: Collection[str] = (),
        *,
        user: str | None = None,
        name: str | None = None,
    ) -> str:
        """A response not in ``avoid`` (e.g. the last 10 replies to this user) when possible."""
        return choose_line(self.entry.responses, rng, avoid, user=user, name=name)

    def choose_follow_up(
        self,
        rng: random.Random,
        avoid: Collection[str] = (),
        *,
        user: str | None = None,
        name: str | None = None,
    ) -> str | None:
        """A line for when the user continues on this entry ("me too", "why?"), if it has any."""
        if not self.entry.follow_ups:
            return None
        return choose_line(self.entry.follow_ups, rng, avoid, user=user, name=name)


# Short replies that carry on the previous turn rather than open a new subject.
_CONTINUATIONS = frozenset(
    normalise(line)
    for line in (
        "me too", "same", "same here", "yeah", "yes", "yep", "yup", "true", "totally", "agreed",
        "why", "really", "how so", "cool", "nice", "ok", "okay", "haha", "lol", "hmm",
        "interesting", "go on", "tell me more", "and you", "what about you", "you", "me neither",
        "not really", "no", "nope", "oh", "wow", "i see", "fair enough", "good point", "exactly",
        "definitely", "sure", "i guess", "maybe", "right",
    )
)  # fmt: skip


def is_continuation(text: str) -> bool:
    """True for short lines that continue the previous topic ("me too", "why?", "yeah")."""
    return normalise(text) in _CONTINUATIONS


@dataclass(frozen=True, slots=True)
class _Pattern:
    entry_index: int
    text: str  # normalised
    stems: frozenset[str]  # canonical content stems
    weight: float  # sum of the IDF of its stems
    factual: bool  # shaped like a factual question ("what is dna")
    numeric: bool  # has a number in it
    content: str  # its content words, for a similarity that ignores "what is the"


@dataclass(slots=True)
class _Index:
    """Everything precomputed from the corpus so that a match costs well under a millisecond."""

    patterns: list[_Pattern] = field(default_factory=list)
    postings: dict[str, list[int]] = field(default_factory=dict)  # stem -> pattern indices
    idf: dict[str, float] = field(default_factory=dict)
    unknown_idf: float = 1.0
    canonical: dict[str, str] = field(default_factory=dict)  # stem -> linked shorter stem
    vocabulary: list[str] = field(default_factory=list)  # words, for typo correction
    word_frequency: dict[str, int] = field(default_factory=dict)
    entry_keywords: list[frozenset[str]] = field(default_factory=list)
    entry_stems: list[frozenset[str]] = field(default_factory=list)  # all patterns + keywords


class SmallTalkCorpus:
    """A validated, indexed small-talk corpus. Build with :func:`load_corpus`."""

    def __init__(
        self,
        topics: Iterable[Topic],
        entries: Iterable[SmallTalkEntry],
        *,
        min_score: float = DEFAULT_MIN_SCORE,
    ) -> None:
        self._topics = {t.name: t for t in topics}
        self._entries = tuple(entries)
        self._by_id = {e.id: e for e in self._entries}
        self.min_score = min_score
        self._index = _Index()
        self._build_index()

    # -- inspection ---------------------------------------------------------------------------

    @property
    def entries(self) -> tuple[SmallTalkEntry, ...]:
        """All entries, in file order."""
        return self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, entry_id: str) -> SmallTalkEntry:
        """The entry with this id; KeyError naming the id if there is none."""
        try:
            return self._by_id[entry_id]
        except KeyError:
            raise KeyError(f"no small-talk entry with id {entry_id!r}") from None

    def topics(self) -> tuple[str, ...]:
        """Topic names, sorted."""
        return tuple(sorted(self._topics))

    def topic(self, name: str) -> Topic:
        """The topic called ``name``; ValueError listing the known topics otherwise."""
        try:
            return self._topics[name]
        except KeyError:
            known = ", ".join(self.topics())
            raise ValueError(f"unknown small-talk topic {name!r}; known topics: {known}") from None

    # -- retrieval ----------------------------------------------------------------------------

    def _build_index(self) -> None:
        """Normalise and stem every pattern once; compute IDF, postings and stem links."""
        index = self._index
        pattern_words: list[list[tuple[str, list[str]]]] = []  # per entry: (text, words)
        keyword_words: list[list[str]] = []
        frequency: dict[str, int] = defaultdict(int)
        for entry in self._entries:
            texts = [normalise(p) for p in entry.patterns]
            pattern_words.append([(t, t.split()) for t in texts])
            keyword_words.append([w for kw in entry.keywords for w in content_words(normalise(kw))])
            for _text, words in pattern_words[-1]:
                for w in content_words(" ".join(words)):
                    frequency[w] += 1
            for w in keyword_words[-1]:
                frequency[w] += 1
        index.word_frequency = dict(frequency)
        index.vocabulary = sorted(frequency)

        raw_stems = {stem(w) for w in frequency}
        index.canonical = _link_stems(raw_stems)

        entry_stems: list[set[str]] = []
        pattern_stems: list[list[frozenset[str]]] = []
        for i in range(len(self._entries)):
            per_pattern = [self._stems(words) for _text, words in pattern_words[i]]
            pattern_stems.append(per_pattern)
            keywords = frozenset(self._canon(stem(w)) for w in keyword_words[i])
            index.entry_keywords.append(keywords)
            entry_stems.append(set().union(*per_pattern) | keywords)
        index.entry_stems = [frozenset(stems) for stems in entry_stems]

        document_frequency: dict[str, int] = defaultdict(int)
        for stems in entry_stems:
            for st in stems:
                document_frequency[st] += 1
        n = max(len(self._entries), 1)
        index.idf = {st: math.log(1 + n / df) for st, df in document_frequency.items()}
        # A word the corpus never uses is strong evidence that the line is about something
        # else, but it may also be a filler word missing from the stopword list.
        index.unknown_idf = 0.9 * math.log(1 + n)

        postings: dict[str, list[int]] = defaultdict(list)
        for i in range(len(self._entries)):
            for (text, _words), stems in zip(pattern_words[i], pattern_stems[i], strict=True):
                weight = sum(index.idf[st] for st in stems)
                pattern_index = len(index.patterns)
                words = text.split()
                index.patterns.append(
                    _Pattern(
                        i,
                        text,
                        stems,
                        weight,
                        factual=_looks_factual(words),
                        numeric=_has_number(words),
                        content=" ".join(content_words(text)) or text,
                    )
                )
                for st in stems | index.entry_keywords[i]:
                    postings[st].append(pattern_index)
        index.postings = dict(postings)

    def _canon(self, raw_stem: str) -> str:
        """The corpus stem that ``raw_stem`` stands for (itself when nothing links)."""
        canonical = self._index.canonical
        found = canonical.get(raw_stem)
        if found is not None:
            return found
        # An unknown stem may still be a derivative of a corpus stem, or its base.
        for suffix in _LINK_SUFFIXES:
            if raw_stem.endswith(suffix) and len(raw_stem) - len(suffix) >= 5:
                found = canonical.get(raw_stem[: -len(suffix)])
                if found is not None:
                    return found
            found = canonical.get(raw_stem + suffix) if len(raw_stem) >= 5 else None
            if found is not None:
                return found
        return raw_stem

    def _stems(self, words: Sequence[str]) -> frozenset[str]:
        """Canonical content stems of already normalised (and corrected) words."""
        content = [w for w in words if w not in _STOPWORDS]
        if not content:
            return frozenset(_FUNCTION_MARK + w for w in words)
        return frozenset(self._canon(stem(w)) for w in content)

    def _correct(self, word: str) -> str:
        """Map a likely typo ("dgos", "moive") onto the corpus vocabulary, else keep it."""
        index = self._index
        if (
            len(word) < 4
            or word in _STOPWORDS
            or word in index.word_frequency
            or not word.isalpha()
            or self._canon(stem(word)) in index.idf
        ):
            return word
        allowed = 1 if len(word) < 9 else 2
        candidates = process.extract(
            word, index.vocabulary, scorer=OSA.distance, score_cutoff=allowed, limit=8
        )
        if len(word) == 4:
            # One edit turns too many short words into others ("date" -> "hate"); only
            # swapped letters ("dgos" -> "dogs") and a dropped letter ("piza" -> "pizza")
            # are trusted at this length.
            candidates = [c for c in candidates if sorted(c[0]) == sorted(word) or len(c[0]) == 5]
        if not candidates:
            return word
        # Among equally close words, the one the corpus uses most is the likelier intent.
        best = min(candidates, key=lambda c: (c[1], -index.word_frequency[c[0]], c[0]))
        return best[0]

    def match(
        self, text: str, *, topic_hint: str | None = None, min_score: float | None = None
    ) -> Match | None:
        """The best entry for ``text``, or None when nothing is confidently on topic.

        ``topic_hint`` is the topic of the previous turn; entries of that topic get a small
        boost so a conversation can follow a topic for a few turns.
        """
        threshold = self.min_score if min_score is None else min_score
        ranked = self.rank(text, topic_hint=topic_hint, limit=1)
        if not ranked or ranked[0].score < threshold:
            return None
        return ranked[0]

    def rank(self, text: str, *, topic_hint: str | None = None, limit: int = 5) -> list[Match]:
        """The best-scoring entries for ``text``, best first, with no threshold applied.

        At most one Match per entry (its best pattern). Useful for debugging and tuning.
        """
        words = normalise(text).split()
        if not words or len(words) > MAX_QUERY_WORDS:
            return []
        index = self._index
        # String similarity sees what the user typed; the word overlap sees the corrected
        # words. A wrong correction ("reset" -> "rest") then costs similarity points.
        query = " ".join(words)
        factual = _looks_factual(words)
        numeric = _has_number(words)
        words = [self._correct(w) for w in words]
        query_content = " ".join(content_words(query)) or query
        query_stems = self._stems(words)
        query_weights = {st: index.idf.get(st, index.unknown_idf) for st in query_stems}
        query_weight = sum(query_weights.values())

        # Candidates share at least one content stem with the query. They are ranked cheaply,
        # by the IDF mass shared with the query (recall) plus the share of the pattern the
        # query covers (precision), before the costlier string similarity.
        shared: dict[int, float] = defaultdict(float)
        for st in query_stems:
            weight = query_weights[st]
            for p in index.postings.get(st, ()):
                shared[p] += weight
        if not shared:
            return []
        patterns = index.patterns

        def prerank(p: int) -> float:
            pattern = patterns[p]
            covered = sum(query_weights[st] for st in query_stems & pattern.stems)
            return shared[p] / query_weight + (covered / pattern.weight if pattern.weight else 0)

        candidates = sorted(shared, key=prerank, reverse=True)[:_CANDIDATE_LIMIT]
        if topic_hint is not None:
            chosen = set(candidates)
            candidates += [
                p
                for p in shared
                if p not in chosen
                and self._entries[index.patterns[p].entry_index].topic == topic_hint
            ]

        best: dict[int, tuple[float, int]] = {}  # entry index -> (score, pattern index)
        for p in candidates:
            pattern = index.patterns[p]
            score = self._score(
                query, query_content, query_stems, query_weights, query_weight, pattern
            )
            if (factual and not pattern.factual) or (numeric and not pattern.numeric):
                score -= FACTUAL_PENALTY
            if topic_hint is not None and self._entries[pattern.entry_index].topic == topic_hint:
                score += TOPIC_HINT_BOOST
            previous = best.get(pattern.entry_index)
            if previous is None or score > previous[0]:
                best[pattern.entry_index] = (score, p)
        ordered = sorted(best.values(), reverse=True)[:limit]
        matches = []
        for score, p in ordered:
            entry = self._entries[index.patterns[p].entry_index]
            matches.append(
                Match(
                    entry=entry,
                    score=round(score, 2),
                    topic=entry.topic,
                    pattern=index.patterns[p].text,
                )
            )
        return matches

    def _score(
        self,
        query: str,
        query_content: str,
        query_stems: frozenset[str],
        query_weights: dict[str, float],
        query_weight: float,
        pattern: _Pattern,
    ) -> float:
        """Blend string similarity with IDF-weighted content-word overlap (0-100)."""
        index = self._index
        # Recall: how much of what the user said this entry accounts for (its other patterns
        # and its keywords count too).
        matched = query_stems & index.entry_stems[pattern.entry_index]
        recall = sum(query_weights[st] for st in matched) / query_weight
        # Precision: how much of this pattern the user actually said.
        hits = sum(index.idf[st] for st in query_stems & pattern.stems)
        precision = hits / pattern.weight if pattern.weight else 0.0
        if not precision and recall:
            # Only a keyword or another pattern of the entry matched ("i went jogging" against
            # "i went for a run", keyword "jogging"): real but weaker evidence.
            precision = _KEYWORD_PRECISION
        overlap = 0.0
        if precision and recall:
            # F-beta with beta < 1: saying all of a pattern plus a detail of your own ("my
            # kitten keeps biting me") should still count as a good match.
            beta2 = _BETA * _BETA
            overlap = (1 + beta2) * recall * precision / (beta2 * precision + recall)
        # Whole-line similarity rewards the same shape ("do you like X"); content-word
        # similarity keeps shared filler ("what is the ... of") from looking like agreement.
        whole = max(
            fuzz.token_sort_ratio(query, pattern.text),
            0.9 * fuzz.token_set_ratio(query, pattern.text),
        )
        content = fuzz.token_sort_ratio(query_content, pattern.content)
        similarity = _WHOLE_WEIGHT * whole + (1 - _WHOLE_WEIGHT) * content
        return 0.45 * similarity + 55.0 * overlap

    # -- steering -----------------------------------------------------------------------------

    def topic_prompt(self, topic: str | None, rng: random.Random) -> str:
        """A gentle steering line for when nothing matched, inviting talk about ``topic``.

        With ``topic`` None a topic is picked at random.
        """
        chosen = self.topic(topic) if topic is not None else self._topics[rng.choice(self.topics())]
        opener = rng.choice(_STEERING_OPENERS)
        return f"{opener} {rng.choice(chosen.invitations)}"


_STEERING_OPENERS = (
    "I'm not sure I follow — want to tell me more, or",
    "Hmm, that one's a little beyond me. Maybe tell me more, or",
    "I don't think I have a good answer for that. Say a bit more, or",
    "I might be missing something there. Care to explain, or",
    "That's outside what I know how to chat about, I'm afraid. Tell me more, or",
)


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------


def _load_file(path: Path) -> tuple[Topic, list[SmallTalkEntry]]:
    name = path.name
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CorpusError(f"{name}: not valid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{name}: not UTF-8 text: {exc}") from exc
    try:
        parsed = TopicFile.model_validate(raw)
    except ValidationError as exc:
        raise CorpusError(
            f"{name}: expected a [topic] table (name, label, invitations) and at least one "
            f"[[entries]] table: {_describe(exc)}"
        ) from exc
    header = parsed.topic
    if path.stem != header.name:
        raise CorpusError(f"{name}: topic name {header.name!r} must match the file name")
    topic = Topic(header.name, header.label, tuple(header.invitations))

    entries: list[SmallTalkEntry] = []
    for position, raw_entry in enumerate(parsed.entries, start=1):
        label = f"entry #{position} (id {raw_entry.get('id', '?')!r})"
        try:
            item = EntryFile.model_validate(raw_entry)
        except ValidationError as exc:
            raise CorpusError(f"{name}: {label}: {_describe(exc)}") from exc
        where = f"{name}: entry {item.id!r}"
        if item.topic is not None and item.topic != header.name:
            raise CorpusError(
                f"{where}: topic {item.topic!r} differs from the file's topic {header.name!r}"
            )
        if not item.id.startswith(header.name + "."):
            raise CorpusError(f"{where}: id must start with {header.name + '.'!r}")
        for kind, lines in (("response", item.responses), ("follow_up", item.follow_ups)):
            for line in lines:
                try:
                    used = _placeholders(line)
                except ValueError as exc:
                    raise CorpusError(f"{where}: {kind} {line!r}: {exc}") from exc
                unknown = sorted(set(used) - ALLOWED_PLACEHOLDERS)
                if unknown:
                    raise CorpusError(
                        f"{where}: {kind} {line!r} uses unknown placeholder(s) "
                        f"{', '.join('{' + u + '}' for u in unknown)}; only {{user}} and "
                        "{name} are allowed"
                    )
        for pattern in item.patterns:
            if not normalise(pattern):
                raise CorpusError(
                    f"{where}: pattern {pattern!r} has no words left after normalisation "
                    "(only punctuation or emoji?), so it can never match"
                )
        entries.append(
            SmallTalkEntry(
                id=item.id,
                topic=header.name,
                patterns=tuple(item.patterns),
                responses=tuple(item.responses),
                follow_ups=tuple(item.follow_ups),
                keywords=tuple(item.keywords),
                source=name,
            )
        )
    return topic, entries


def load_corpus_from(directory: Path, *, min_score: float = DEFAULT_MIN_SCORE) -> SmallTalkCorpus:
    """Load and validate every ``*.toml`` topic file in ``directory`` (not cached).

    Raises CorpusError naming the file and entry for duplicate ids, empty or duplicate
    patterns/responses, unknown placeholders and malformed files.
    """
    if not directory.is_dir():
        raise CorpusError(f"small-talk corpus directory {directory} does not exist")
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise CorpusError(f"small-talk corpus directory {directory} has no *.toml topic files")
    topics: list[Topic] = []
    entries: list[SmallTalkEntry] = []
    seen_ids: dict[str, str] = {}
    seen_patterns: dict[str, tuple[str, str]] = {}
    for path in files:
        topic, file_entries = _load_file(path)
        topics.append(topic)
        for entry in file_entries:
            where = f"{path.name}: entry {entry.id!r}"
            if entry.id in seen_ids:
                raise CorpusError(f"{where}: duplicate id, already used in {seen_ids[entry.id]}")
            seen_ids[entry.id] = path.name
            if len(set(entry.responses)) != len(entry.responses):
                raise CorpusError(f"{where}: the same response appears twice")
            for pattern in entry.patterns:
                key = normalise(pattern)
                if key in seen_patterns:
                    other_file, other_id = seen_patterns[key]
                    same = "this entry" if other_id == entry.id else f"{other_id!r} ({other_file})"
                    raise CorpusError(
                        f"{where}: pattern {pattern!r} duplicates a pattern of {same} "
                        f"(both normalise to {key!r})"
                    )
                seen_patterns[key] = (path.name, entry.id)
            entries.append(entry)
    return SmallTalkCorpus(topics, entries, min_score=min_score)


@cache
def load_corpus() -> SmallTalkCorpus:
    """The shipped corpus, loaded once per process."""
    return load_corpus_from(DATA_DIR)
