"""What the offline brain knows about a user, and how it answers "what do you know about me?".

The memory feature (elsewhere) may pass ``request.extra["memories"]``: short strings such as
"name: Priya" or "has a dog called Biscuit", and ``request.extra["memory_enabled"]``. The brain
also notes what the user said in this conversation (``ConversationState.told``). Answers are
honest about which is which: saved memories, things said in this chat, or nothing at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from bot.brain import offline_lines as L
from bot.brain.offline_state import ConversationState
from bot.brain.offline_text import clean, tidy_name

MAX_MEMORIES = 20
MAX_MEMORIES_SHOWN = 10
MAX_MEMORY_CHARS = 150

_NAME_QUESTION = re.compile(r"\b(?:what is my name|do you (?:know|remember) my name|who am i)\b")
_RECALL = re.compile(
    r"\b(?:remember|know about|what is|do you know) my (?P<thing>[a-z][a-z ]{1,40})$"
)
_MEMORY_NAME = re.compile(
    r"^(?:name|preferred name|first name|nickname|my name is|name is|called|goes by|"
    r"prefers to be called)\s*[:=\-]?\s*(?P<name>[^\W\d_][\w' -]{0,30})$",
    re.IGNORECASE,
)
_STOPWORDS = frozenset("a an the my your of to and or in on at for with is are was be".split())


def read_memories(value: object) -> tuple[str, ...]:
    """The memory strings of ``request.extra["memories"]``, cleaned and bounded.

    Anything that is not a sequence of strings is ignored rather than trusted; braces are
    replaced so that a memory can never look like an unfilled template slot.
    """
    if value is None or isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        return ()
    out: list[str] = []
    for item in value:
        if not isinstance(item, str):
            continue
        text = re.sub(r"\s+", " ", clean(item).replace("{", "(").replace("}", ")")).strip()
        if text:
            out.append(text[:MAX_MEMORY_CHARS])
        if len(out) >= MAX_MEMORIES:
            break
    return tuple(out)


def memory_name(memories: Sequence[str]) -> str | None:
    """The user's name from a memory such as "name: Priya", if there is one."""
    for memory in memories:
        match = _MEMORY_NAME.match(memory)
        if match:
            return tidy_name(match.group("name"))
    return None


def _mentions(text: str, words: Sequence[str]) -> bool:
    lowered = text.lower()
    return any(len(w) >= 3 and w[:4] in lowered for w in words)


def and_list(items: Iterable[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def answer(
    text: str,
    memories: Sequence[str],
    *,
    enabled: bool,
    state: ConversationState,
    pick: Callable[..., str],
) -> tuple[str, bool]:
    """(reply, styled) for a question about what the bot knows about the user.

    ``text`` is the canonical question; ``pick(lines, x=...)`` chooses and fills a line.
    """
    if not enabled:
        return pick(L.MEMORY_DISABLED), True
    if _NAME_QUESTION.search(text):
        known = state.user_name or memory_name(memories)
        if known:
            return pick(L.YOUR_NAME_KNOWN, x=known), True
        return pick(L.YOUR_NAME_UNKNOWN), True
    recall = _RECALL.search(text)
    if recall:
        words = [w for w in recall.group("thing").split() if w not in _STOPWORDS]
        found = [m for m in memories if _mentions(m, words)]
        if found:
            return pick(L.MEMORY_FOUND, x="; ".join(found[:3])), True
        told = [fact for fact in state.told if _mentions(fact, words)]
        if told:
            return pick(L.TOLD_FOUND, x=told[-1]), True
        return pick(L.MEMORY_NOTHING_ON_THAT), True
    if memories:
        shown = memories[:MAX_MEMORIES_SHOWN]
        lines = [pick(L.MEMORY_HEADER), *(f"- {m}" for m in shown)]
        if len(memories) > len(shown):
            lines.append(f"...and {len(memories) - len(shown)} more.")
        return "\n".join(lines), False
    if state.told:
        return pick(L.MEMORY_NONE_BUT_CHAT, x=and_list(state.told)), True
    return pick(L.MEMORY_NONE), True
