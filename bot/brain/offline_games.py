"""Jokes, knock-knock jokes, trivia questions and stories for the offline brain's chat.

Each function takes the conversation's state and returns the text to say, updating the state
(jokes seen, the pending question, the knock-knock joke in progress). The banks are the shipped
ones, loaded once per process by their own cached loaders. ``pick`` chooses one of a group of
lines while avoiding the user's recent replies (see ``OfflineBrain``).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Collection, Sequence
from functools import cache

from bot.brain import offline_lines as L
from bot.brain.offline_intents import topic_after
from bot.brain.offline_state import ConversationState, QuizState
from bot.brain.offline_text import echoable, join, reflect
from bot.content.jokes import (
    JokeBank,
    JokeBankError,
    KnockKnock,
    NoJokeAvailableError,
    UnknownCategoryError,
    as_plain,
    load_joke_bank,
)
from bot.games.trivia import NoQuestionsError, QuestionBank, QuestionFileError, judge, load_bank
from bot.games.trivia.categories import BY_KEY, exact_category

try:  # the story generator is another module's work; chat must survive without it
    from bot.content.stories import GENRE_IDS, StoryError, generate_story
except ImportError:  # pragma: no cover - only while that module is missing
    GENRE_IDS = ()
    generate_story = None  # type: ignore[assignment]

    class StoryError(ValueError):  # type: ignore[no-redef]
        """Stand-in so that the except clauses below stay valid."""


Pick = Callable[..., str]

MAX_STORY_CHARS = 1600
_SKIP = re.compile(
    r"^(?:skip|pass|next|i do not know|idk|no idea|i give up|give up|not sure|i am not sure|"
    r"no clue|tell me|reveal|reveal it|show me|what is it|what is the answer|i have no idea|"
    r"just tell me|answer|the answer|skip it|skip this one|do not know|i do not know it|"
    r"i do not know sorry|sorry i do not know|no|nope|i forgot|i cannot remember|"
    r"next question|skip please|please skip|i pass)$"
)
_STOP_QUIZ = re.compile(
    r"^(?:stop|quit|cancel|end|exit|enough|no more|stop the quiz|stop quiz|end quiz|"
    r"end the quiz|quit quiz|never mind|nevermind|forget it|i am done|done|that is enough|"
    r"stop it|stop please|please stop|i do not want to play)$"
)
_JOKE_CATEGORY_HINTS = (
    ("knock knock", "knock-knock"),
    ("dad joke", "dad-jokes"),
    ("one liner", "one-liners"),
    ("riddle", "riddles"),
    ("pun", "puns"),
)
_DIFFICULTY_WORDS = {
    "easy": "easy",
    "simple": "easy",
    "medium": "medium",
    "hard": "hard",
    "difficult": "hard",
    "tricky": "hard",
    "tough": "hard",
}
_STORY_PROMPT = re.compile(
    r"\b(?:about|featuring|starring|where|in which|involving|with|of(?= (?:a|an|the|my|two|"
    r"three|some) ))\s+(?P<prompt>.+)$",
    re.IGNORECASE | re.DOTALL,
)
_LONG_STORY = re.compile(r"\b(?:long|longer|epic|very long|medium)\b")


def is_skip(text: str) -> bool:
    """ "skip", "I don't know", "pass": reveal the answer (canonical text)."""
    return bool(_SKIP.match(text))


def is_stop_quiz(text: str) -> bool:
    """ "stop", "quit", "enough": end the quiz (canonical text)."""
    return bool(_STOP_QUIZ.match(text))


# --- jokes -------------------------------------------------------------------------------------


def joke_bank() -> JokeBank | None:
    """The shipped joke bank, or None when it cannot be read."""
    try:
        return load_joke_bank()
    except (JokeBankError, OSError):
        return None


def _joke_category(text: str, bank: JokeBank) -> str | None:
    for phrase, key in _JOKE_CATEGORY_HINTS:
        if phrase in text:
            return key
    match = re.search(r"\b(\w+(?: \w+)?) (?:jokes?|puns?)\b", text)
    if match:
        words = match.group(1).split()
        for candidate in (" ".join(words), words[-1]):
            if candidate in ("a", "an", "the", "me", "some", "any", "another", "good", "funny"):
                continue
            try:
                return bank.find_category(candidate)
            except UnknownCategoryError:
                continue
    return None


def tell_joke(
    state: ConversationState,
    text: str,
    rng: random.Random,
    pick: Pick,
    ratings: Collection[str],
) -> tuple[str, str] | None:
    """(reply, route) for a joke request, or None if no joke can be told.

    Route "knock" means a knock-knock joke has started and waits for "Who's there?".
    """
    bank = joke_bank()
    if bank is None:
        return None
    category = _joke_category(text, bank)
    about = topic_after(text, ("about", "on", "involving", "with"))
    if about and category is None:
        try:
            category = bank.find_category(about)
            about = None
        except UnknownCategoryError:
            pass
    try:
        chosen = bank.pick(
            category=category,
            about=about,
            seen_ids=state.seen_jokes,
            allow_ratings=ratings,
            rng=rng,
        )
    except (NoJokeAvailableError, UnknownCategoryError, ValueError):
        return None
    if chosen.cycle_restarted:
        if chosen.scope is None:
            state.seen_jokes.clear()
        else:
            state.seen_jokes.difference_update({j.id for j in bank.jokes(chosen.scope, ratings)})
    joke = chosen.joke
    state.seen_jokes.add(joke.id)
    lead = ""
    if about and not chosen.about_matched:
        lead = pick(L.JOKE_NOT_ABOUT, x=echoable(reflect(about)) or "that")
    if joke.kind == "knockknock":
        knock = KnockKnock(joke)
        state.knock = knock
        return join((lead, pick(L.KNOCK_OPENERS), knock.start())), "knock"
    return "\n".join(part for part in (lead, as_plain(joke)) if part), "joke"


def continue_knock(state: ConversationState, raw: str) -> str:
    """The next line of the knock-knock joke in progress (the punchline ends it)."""
    knock = state.knock
    if knock is None:
        return ""
    line = knock.hear(raw) or ""
    if knock.done:
        state.knock = None
    return line


# --- trivia ------------------------------------------------------------------------------------


def trivia_bank() -> QuestionBank | None:
    """The shipped question bank, or None when it cannot be read."""
    try:
        return load_bank()
    except (QuestionFileError, OSError, ValueError):
        return None


def _quiz_category(text: str, bank: QuestionBank) -> tuple[str | None, str | None]:
    """(category key, unknown topic the user asked for) from a quiz request."""
    available = bank.category_keys()
    asked = topic_after(text, ("on", "about", "in"))
    if asked:
        key = exact_category(asked) or exact_category(asked.removesuffix(" questions"))
        if key in available:
            return key, None
    words = text.split()
    for size in (2, 1):
        for start in range(len(words) - size + 1):
            phrase = " ".join(words[start : start + size])
            if phrase in ("trivia", "quiz", "all", "any", "random"):
                continue
            key = exact_category(phrase)
            if key in available:
                return key, None
    if asked:
        return None, echoable(reflect(asked), max_words=4) or "that topic"
    return None, None


def ask_question(state: ConversationState, text: str, rng: random.Random, pick: Pick) -> str | None:
    """Ask one trivia question and remember it; None if the bank is unavailable."""
    bank = trivia_bank()
    if bank is None:
        return None
    category, missing = _quiz_category(text, bank)
    difficulty = next((_DIFFICULTY_WORDS[w] for w in text.split() if w in _DIFFICULTY_WORDS), None)
    exclude = set(state.asked_ids)
    question = None
    for cat, diff in ((category, difficulty), (category, None), (None, None)):
        try:
            question = bank.pick(cat, diff, exclude_ids=exclude, rng=rng)  # type: ignore[arg-type]
            break
        except NoQuestionsError:
            continue
    if question is None:
        return None
    state.quiz = QuizState(question)
    state.asked_ids.append(question.id)
    state.quiz_asked += 1
    lead = pick(L.QUIZ_NO_CATEGORY, x=missing) if missing else ""
    label = BY_KEY[question.category].name if question.category in BY_KEY else question.category
    return (
        f"{join((lead, pick(L.QUIZ_INTRO)))} ({label}, {question.difficulty})\n"
        f"**{question.question}**\n"
        'Type your answer, or say "skip".'
    )


def repeat_question(state: ConversationState, pick: Pick) -> str:
    """The pending question again, for "what?" or "huh?"."""
    assert state.quiz is not None
    question = state.quiz.question.question
    return f'{pick(L.QUIZ_REPEAT)}\n**{question}**\nType your answer, or say "skip".'


def answer_question(state: ConversationState, raw: str, text: str, pick: Pick) -> str:
    """Judge the user's answer to the pending question (or reveal it on "skip")."""
    assert state.quiz is not None
    question = state.quiz.question
    state.quiz = None
    if is_skip(text):
        lead = pick(L.QUIZ_REVEAL)
    else:
        try:
            verdict = judge(raw, question.answer, question.alternatives, question.kind)
        except ValueError:
            verdict = None
        if verdict is not None and verdict.accepted:
            state.quiz_right += 1
            lead = pick(L.QUIZ_RIGHT)
        else:
            lead = pick(L.QUIZ_WRONG)
    answer = f"The answer is **{question.answer}**."
    score = ""
    if state.quiz_asked >= 2 and state.quiz_right:
        score = f"(That's {state.quiz_right} out of {state.quiz_asked} so far.)"
    return join((lead, answer, question.fact or "", score, pick(L.QUIZ_MORE)))


def reveal_answer(state: ConversationState) -> str:
    """End the pending question, returning a short note of its answer."""
    assert state.quiz is not None
    answer = state.quiz.question.answer
    state.quiz = None
    return f"(The answer was **{answer}**, by the way.)"


# --- stories -----------------------------------------------------------------------------------


@cache
def _genre_names() -> dict[str, str]:
    """Every genre id, name and alias (folded), mapped to the genre id; read-only shipped data."""
    try:
        from bot.content.story_grammar import grammars

        _common, _lexicon, genres = grammars()
    except (ImportError, ValueError, OSError):
        return {}
    names: dict[str, str] = {}
    for genre in genres.values():
        for alias in (genre.id, genre.name, *genre.aliases):
            names[_fold(alias)] = genre.id
    return names


def _fold(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text.strip().lower())


def _genre(phrase: str) -> str | None:
    """The story genre a word or two names ("spooky", "sci fi", "pirates"), or None."""
    return _genre_names().get(_fold(phrase))


def _story_genre(text: str) -> str | None:
    words = [w for w in text.split() if w not in ("story", "stories", "tale", "a", "me", "tell")]
    for size in (2, 1):
        for start in range(len(words) - size + 1):
            phrase = " ".join(words[start : start + size])
            if len(phrase) > 2:
                found = _genre(phrase)
                if found:
                    return found
    return None


def story_prompt(raw: str) -> str | None:
    """What the story should be about, from the user's own words (case kept for names)."""
    match = _STORY_PROMPT.search(raw)
    if not match:
        return None
    prompt = re.sub(r"\b(?:please|pls|thanks|thank you)\b[.!?]*\s*$", "", match.group("prompt"))
    prompt = prompt.strip(" .,!?")
    return prompt if re.search(r"[^\W\d_]{2}", prompt) else None


def _fit(paragraphs: Sequence[str]) -> str:
    kept: list[str] = []
    size = 0
    for paragraph in paragraphs:
        if kept and size + len(paragraph) > MAX_STORY_CHARS:
            break
        kept.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(kept)


def tell_story(text: str, raw: str, rng: random.Random, pick: Pick) -> str | None:
    """A short story woven from the request, or None if the generator is unavailable."""
    if generate_story is None:
        return None
    genre = _story_genre(text) or rng.choice(GENRE_IDS or ("fantasy",))
    try:
        story = generate_story(genre, story_prompt(raw), "short", rng)
    except (StoryError, ValueError, KeyError, OSError):
        return None
    lead = pick(L.STORY_SHORT_ONLY) if _LONG_STORY.search(text) else ""
    parts = (lead, f"**{story.title}**", _fit(story.paragraphs), pick(L.STORY_OUTRO))
    return "\n\n".join(part for part in parts if part)
