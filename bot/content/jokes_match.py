"""Text normalisation and topic relevance for jokes ("tell me a joke about cats").

Relevance is deliberately simple and explainable: the topic is cut into content words, each
word is matched exactly or (for longer words) with a small typo allowance against the bank's
vocabulary, and a joke scores higher when the word is one of its tags than when it merely
appears in its text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from bot.content.jokes_model import CATEGORY_BY_KEY, Joke

_WORD = re.compile(r"[a-z0-9]+")

# Words that say nothing about a topic ("a joke about the cats" is about "cats").
STOPWORDS: frozenset[str] = frozenset(
    """
    a an the and or but if of to in on at by for with from into onto about as is are was were be
    been being am do does did done have has had it its this that these those there here what
    which who whom whose why how when where me my mine you your yours we our us they them their
    he him his she her i im ive id ill youre dont doesnt didnt cant wont isnt not no yes so too
    very just any some something anything one ones please tell give say share know got get
    joke jokes funny fun pun puns another more other kind sort type thing things really
    """.split()
)

TAG_WEIGHT = 1.0  # the topic word is one of the joke's tags (or its category)
TEXT_WEIGHT = 0.6  # the topic word only appears in the joke's text
FUZZY_FACTOR = 0.8  # a typo-tolerant match counts for a bit less than an exact one
MATCH_THRESHOLD = 0.55  # below this a joke is not "about" the topic


def normalize_text(text: str) -> str:
    """Lower-case, strip accents, apostrophes and punctuation, collapse spaces."""
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    # Apostrophes are dropped rather than split on, so "who's" becomes "whos", not "who s".
    plain = plain.replace("'", "").replace("\u2019", "").replace("\u2018", "")
    return " ".join(_WORD.findall(plain))


def stem(word: str) -> str:
    """Fold common English plurals so "cats" meets "cat" and "berries" meets "berry"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith(("ches", "shes", "sses", "xes", "zes", "oes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def content_words(text: str) -> list[str]:
    """The stemmed words of `text` that can carry a topic (no stopwords, no single letters)."""
    words = []
    for word in normalize_text(text).split():
        if len(word) < 2 or word in STOPWORDS:
            continue
        stemmed = stem(word)
        if stemmed not in STOPWORDS:
            words.append(stemmed)
    return words


def _max_edits(word: str) -> int:
    # Short words get no typo allowance: "cat" must not become "bat" or "car".
    if len(word) <= 4:
        return 0
    return 1 if len(word) <= 7 else 2


@dataclass(frozen=True, slots=True)
class _JokeWords:
    tags: frozenset[str]
    text: frozenset[str]


class TopicIndex:
    """Precomputed words of every joke, to score jokes against a free-text topic."""

    def __init__(self, jokes: Iterable[Joke]) -> None:
        self._words: dict[str, _JokeWords] = {}
        vocabulary: set[str] = set()
        for joke in jokes:
            category = CATEGORY_BY_KEY[joke.category]
            tag_words = set(content_words(" ".join(joke.tags)))
            tag_words.update(content_words(" ".join((category.key, *category.aliases))))
            text_words = set(content_words(joke.text)) - tag_words
            self._words[joke.id] = _JokeWords(frozenset(tag_words), frozenset(text_words))
            vocabulary |= tag_words | text_words
        self._vocabulary = sorted(vocabulary)
        self._known = frozenset(vocabulary)

    def expand(self, word: str) -> dict[str, float]:
        """Bank words that `word` may mean, each with a confidence in (0, 1]."""
        if word in self._known:
            return {word: 1.0}
        edits = _max_edits(word)
        if edits == 0:
            return {}
        found = process.extract(
            word,
            self._vocabulary,
            scorer=DamerauLevenshtein.distance,
            score_cutoff=edits,
            limit=None,
        )
        return {candidate: FUZZY_FACTOR for candidate, _distance, _index in found}

    def query(self, topic: str) -> list[dict[str, float]]:
        """The topic's content words, each expanded to bank words; empty if none carry meaning."""
        return [self.expand(word) for word in dict.fromkeys(content_words(topic))]

    def score(self, joke_id: str, query: list[dict[str, float]]) -> float:
        """Relevance of a joke to a prepared query, in [0, 1].

        Half comes from the best single word (so "cats and dogs" still finds a cat joke), half
        from the mean over all words, which rewards covering more of the topic and keeps one
        typo-tolerant hit in a long topic from counting as a match on its own.
        """
        if not query:
            return 0.0
        words = self._words[joke_id]
        per_word = []
        for expansions in query:
            best = 0.0
            for candidate, confidence in expansions.items():
                if candidate in words.tags:
                    best = max(best, confidence * TAG_WEIGHT)
                elif candidate in words.text:
                    best = max(best, confidence * TEXT_WEIGHT)
            per_word.append(best)
        return 0.5 * max(per_word) + 0.5 * (sum(per_word) / len(per_word))
