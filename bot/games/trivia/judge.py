"""Judging a typed trivia answer.

`judge(guess, answer, alternatives, kind)` decides whether a chat message answers a question.

Rules, in order:

1. Both sides are normalised (see `bot.games.trivia.text`): case, Unicode and diacritics,
   punctuation, "&" = "and", extra spaces, a leading "the"/"a"/"an"; digits and number words
   compare alike ("7" = "seven", "twenty-one" = "21", "one thousand and one" = "1001").
2. Accepted forms are the canonical answer, every listed alternative and, for ``kind="person"``,
   the surname of each multi-word form ("Newton" for "Isaac Newton", "van Gogh" and "Gogh" for
   "Vincent van Gogh") and the name without a trailing "Jr"/"Sr"/"II"/"III"/"IV".
3. Numbers (``kind="number"``, or an answer that is a single number): the guess must contain
   exactly one distinct number and it must be equal. No typo tolerance: "1968" is not "1969",
   and "1969 or 1970" lists several candidates.
4. Text: the guess (or a window of its words, see 5) must match a form within a typo budget that
   grows with the form's length in letters: none up to 4 letters, 1 edit for 5-8 letters,
   2 edits beyond (optimal string alignment: a swap of two neighbouring letters is one edit),
   with at most one letter missing or extra overall ("Austria" is not "Australia").
   When the word counts agree, every word must also be within its own budget (3 letters or
   fewer: exact; 4-8: 1 edit; longer: 2), so "North Korea" never passes for "South Korea".
   Numbers inside a text answer must match exactly ("Apollo 11" is not "Apollo 12").
5. A message with other words around the answer still counts ("is it paris?", "I think it's
   the Pacific Ocean!") when every word outside the matching window is conversational filler
   ("i", "think", "its", "maybe", ...). Any other leftover word rejects the guess: "paris or
   london" lists several candidates and "not paris" is not an answer.
6. A guess that is only a part of a multi-word form is rejected ("ocean" for "Pacific Ocean",
   "new" for "New Zealand"); matching is by whole words, so "air" never matches "chair".
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz.distance import OSA

from bot.games.trivia.text import (
    is_number_token,
    number_value,
    strip_leading_article,
    tokens,
)

Kind = Literal["text", "person", "number"]
KINDS: tuple[Kind, ...] = ("text", "person", "number")

MAX_GUESS_CHARS = 300
"""Longer messages are rejected outright: nobody types an essay as a trivia answer."""

# Words that may surround an answer without making the guess a different answer.
FILLER_WORDS = frozenset(
    """
    i im id ive me my mine its it is was be been the a an this that thats there theres
    think thinks thought guess guessing reckon believe bet suppose say said would could should
    must might may maybe perhaps probably possibly definitely surely sure certainly obviously
    clearly totally pretty quite really very just so well ok okay oh ah uh um umm er erm hmm
    hm yes yeah yep yup lol haha please pls hey answer final going gonna go with for of course
    right correct easy know knew has have to am are you
    """.split()
)
# Words that join several candidates into one guess.
LIST_WORDS = frozenset({"or", "and", "nor", "either", "vs", "versus"})
_LIST_PUNCTUATION = re.compile(r"[,;/|]")
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_NAME_PARTICLES = frozenset(
    {"da", "de", "di", "del", "della", "der", "du", "la", "le", "van", "von", "ten", "ter", "bin"}
)


@dataclass(frozen=True, slots=True)
class Judgement:
    """The verdict on one guess: whether it counts, why, and which accepted form it matched."""

    accepted: bool
    reason: str
    matched: str | None = None


@dataclass(frozen=True, slots=True)
class _Form:
    """One accepted spelling of the answer, pre-normalised."""

    label: str
    words: tuple[str, ...]
    via: str  # "answer", "alternative" or "surname"


def typo_budget(letters: int) -> int:
    """Edits allowed for a whole answer with this many letters."""
    if letters <= 4:
        return 0
    if letters <= 8:
        return 1
    return 2


def _word_budget(letters: int) -> int:
    if letters <= 3:
        return 0
    if letters <= 8:
        return 1
    return 2


def _letters(words: Sequence[str]) -> int:
    return sum(1 for word in words for ch in word if not ch.isdigit())


def _numbers(words: Sequence[str]) -> list[str]:
    return sorted(word for word in words if is_number_token(word))


def _surnames(words: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Surname forms of a multi-word person's name."""
    parts = list(words)
    while len(parts) > 1 and parts[-1] in _NAME_SUFFIXES:
        parts.pop()
    if len(parts) < 2:
        return []
    found = [(parts[-1],)]
    start = len(parts) - 1
    while start > 1 and parts[start - 1] in _NAME_PARTICLES:
        start -= 1
    if start < len(parts) - 1:
        found.append(tuple(parts[start:]))
    return found


def _forms(answer: str, alternatives: Sequence[str], kind: Kind) -> list[_Form]:
    forms: list[_Form] = []
    seen: set[tuple[str, ...]] = set()

    def add(label: str, words: Sequence[str], via: str) -> None:
        key = tuple(words)
        if key and key not in seen:
            seen.add(key)
            forms.append(_Form(label, key, via))

    full = [(answer, "answer")] + [(alt, "alternative") for alt in alternatives]
    for label, via in full:
        add(label, strip_leading_article(tokens(label)), via)
    if kind == "person":
        for label, via in full:
            words = strip_leading_article(tokens(label))
            while len(words) > 1 and words[-1] in _NAME_SUFFIXES:
                words = words[:-1]
                add(label, words, via)
        for label, _via in full:
            for surname in _surnames(tuple(strip_leading_article(tokens(label)))):
                add(label, surname, "surname")
    return forms


def _close_enough(window: Sequence[str], form: tuple[str, ...]) -> int | None:
    """Edit distance between a window of guess words and a form, or None if too far."""
    if _numbers(window) != _numbers(form):
        return None
    budget = typo_budget(_letters(form))
    got, want = "".join(window), "".join(form)
    # At most one letter missing or extra: "Austria" is a different word from "Australia".
    if abs(len(got) - len(want)) > 1:
        return None
    distance = OSA.distance(got, want, score_cutoff=budget)
    if distance > budget:
        return None
    if len(window) == len(form):
        for got, want in zip(window, form, strict=True):
            if got != want and OSA.distance(got, want) > _word_budget(_letters([want])):
                return None
    return distance


def _accepted(form: _Form, distance: int, answer: str) -> Judgement:
    typo = "" if distance == 0 else f" (allowing {distance} typo{'s' if distance > 1 else ''})"
    if form.via == "answer":
        reason = f"matches the answer '{answer}'{typo}"
    elif form.via == "alternative":
        reason = f"matches the accepted alternative '{form.label}'{typo}"
    else:
        surname = " ".join(form.words).title()
        reason = f"'{surname}' is the surname of '{form.label}'{typo}"
    return Judgement(True, reason, form.label)


def _judge_number(guess_words: list[str], answer: str, forms: list[_Form]) -> Judgement:
    wanted = {number_value(w) for f in forms for w in f.words if number_value(w) is not None}
    found = {number_value(w) for w in guess_words if is_number_token(w)}
    if not found:
        return Judgement(False, "no number in the guess")
    if len(found) > 1:
        return Judgement(False, "the guess lists several numbers")
    if found <= wanted:
        return Judgement(True, f"same number as the answer '{answer}'", answer)
    return Judgement(False, "a different number")


def judge(
    guess: str,
    answer: str,
    alternatives: Sequence[str] = (),
    kind: Kind = "text",
) -> Judgement:
    """Decide whether `guess` answers a question whose answer is `answer` (rules: module doc)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)} (got {kind!r})")
    if not guess.strip():
        return Judgement(False, "empty guess")
    if len(guess) > MAX_GUESS_CHARS:
        return Judgement(False, f"guess longer than {MAX_GUESS_CHARS} characters")
    forms = _forms(answer, alternatives, kind)
    if not forms:
        raise ValueError("the answer has no letters or digits to compare against")
    guess_words = strip_leading_article(tokens(guess))
    if not guess_words:
        return Judgement(False, "the guess has no letters or digits")

    numeric = kind == "number" or all(
        len(f.words) == 1 and is_number_token(f.words[0]) for f in forms if f.via == "answer"
    )
    if numeric:
        return _judge_number(guess_words, answer, forms)

    # The whole guess against each form first: the common case, and the clearest reason.
    for form in forms:
        distance = _close_enough(guess_words, form.words)
        if distance is not None:
            return _accepted(form, distance, answer)

    # Then windows of the guess's words, for answers wrapped in a sentence.
    blocked: list[str] | None = None
    for form in forms:
        size = len(form.words)
        for width in range(max(1, size - 1), size + 2):
            for start in range(0, len(guess_words) - width + 1):
                window = guess_words[start : start + width]
                distance = _close_enough(window, form.words)
                if distance is None:
                    continue
                outside = guess_words[:start] + guess_words[start + width :]
                extra = [w for w in outside if w not in FILLER_WORDS and w not in form.words]
                if not extra:
                    return _accepted(form, distance, answer)
                if blocked is None:
                    blocked = extra
    if blocked is not None:
        if any(w in LIST_WORDS for w in blocked) or _LIST_PUNCTUATION.search(guess):
            return Judgement(False, "the guess lists several candidates")
        return Judgement(False, f"other words besides the answer: {' '.join(blocked[:3])}")

    content = {w for w in guess_words if w not in FILLER_WORDS}
    for form in forms:
        if len(form.words) > 1 and content and content < set(form.words):
            return Judgement(False, "only part of the answer")
    if _numbers(guess_words) and any(_numbers(f.words) for f in forms):
        return Judgement(False, "a different number")
    return Judgement(False, "does not match the answer")


def _handle_judge(args: argparse.Namespace) -> int:
    verdict = judge(args.guess, args.answer, args.alt or (), args.kind)
    print(f"{'accepted' if verdict.accepted else 'rejected'}: {verdict.reason}")
    return 0 if verdict.accepted else 1


def add_judge_parser(subparsers: argparse._SubParsersAction) -> None:
    """Add the `judge` subcommand to a `trivia` command group."""
    parser = subparsers.add_parser(
        "judge",
        help="judge a typed trivia answer",
        description="Judge GUESS against an answer the way the trivia game does.",
    )
    parser.add_argument("guess", metavar="GUESS", help="the typed answer to judge")
    parser.add_argument("--answer", required=True, help="the canonical answer")
    parser.add_argument(
        "--alt", action="append", metavar="ALTERNATIVE", help="an accepted alternative (repeat)"
    )
    parser.add_argument("--kind", choices=KINDS, default="text", help="answer kind (text)")
    parser.set_defaults(func=_handle_judge)
