"""The offline brain: Hearth's embedded default, with no model and no network.

It recognises what the user is doing (greeting, thanking, leaving, asking who or what the bot
is, asking what it can do) and answers in the persona's own lines. Everything else gets an
honest answer: it says plainly that it cannot look things up without a language model,
instead of inventing something. It never repeats one of its last ten replies to a user.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass

from bot.brain.base import ChatRequest

RECENT_REPLIES_KEPT = 10

# Zero-width, bidi and other invisible format characters, and control characters.
_INVISIBLE = re.compile(
    r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u180e"
    r"\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff]"
)


def normalise(text: str) -> str:
    """Lower-case, invisible characters removed, punctuation to spaces, spaces collapsed."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).casefold()
    text = text.replace("’", "'")
    text = re.sub(r"<@!?&?\d+>", " ", text)  # mentions of the bot are not words
    text = re.sub(r"[^\w\s']", " ", text)
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Intent:
    """A thing people say, recognised by patterns over the normalised text."""

    name: str
    patterns: tuple[re.Pattern[str], ...]

    def matches(self, text: str) -> bool:
        return any(p.search(text) for p in self.patterns)


def _intent(name: str, *patterns: str) -> Intent:
    return Intent(name, tuple(re.compile(p) for p in patterns))


# Order matters: the first intent that matches wins, so specific ones come first.
INTENTS: tuple[Intent, ...] = (
    _intent(
        "are_you_human",
        r"\bare (you|u) (a )?(real|human|person|alive|a bot|a robot|an ai|ai)\b",
        r"\b(is this|am i talking to) (a )?(real person|human|bot|robot|an ai)\b",
        r"\bare (you|u) (real|sentient|conscious)\b",
    ),
    _intent(
        "who_are_you",
        r"\bwho (are|r) (you|u)\b",
        r"\bwhat (are|r) (you|u)\b(?! (doing|up to|saying))",
        r"\bwhat('s| is) your name\b",
        r"\bintroduce yourself\b",
        r"\btell me about yourself\b",
    ),
    _intent(
        "capabilities",
        r"\bwhat can (you|u) do\b",
        r"\bwhat do (you|u) do\b",
        r"\b(help|commands)\b\s*$",
        r"^help\b",
        r"\bhow do i use (you|this bot)\b",
        r"\bwhat are (you|u) good at\b",
    ),
    _intent(
        "how_are_you",
        r"\bhow (are|r) (you|u)( doing| today| feeling)?\b",
        r"\bhow('s| is) it going\b",
        r"\bhow have you been\b",
        r"\bwhat'?s up\b",
        r"\bsup\b",
    ),
    _intent("thanks", r"\b(thanks|thank you|thank u|thx|ty|cheers|much appreciated)\b"),
    _intent(
        "farewell",
        r"\b(bye|goodbye|good bye|see (you|ya|u)|good ?night|gotta go|g2g|"
        r"talk (to you )?later|ttyl|farewell|later)\b",
    ),
    _intent(
        "greeting",
        r"^(hi|hello|hey|heya|hiya|howdy|yo|greetings|good (morning|afternoon|evening)|"
        r"hallo|hola|bonjour|salut|ciao|hei)\b",
    ),
)


def detect_intent(text: str) -> str | None:
    """The name of the first intent the text matches, or None."""
    clean = normalise(text)
    if not clean:
        return "empty"
    for intent in INTENTS:
        if intent.matches(clean):
            return intent.name
    return None


_STOCK: dict[str, tuple[str, ...]] = {
    "are_you_human": (
        "No, I'm not a person: I'm {name}, an AI, a bot running on this server. "
        "I'm still happy to chat, though!",
        "Honest answer: I'm an AI called {name}, not a human. No typing fingers here, just code. "
        "What's on your mind?",
    ),
    "who_are_you": (
        "I'm {name}, an AI companion bot. I chat, tell jokes and stories and run trivia. "
        "Right now I'm running offline, without a big language model, so I keep things simple.",
        "{name} here: a friendly AI bot. I'm not a person, but I like a good conversation. "
        "Try /help to see what I can do.",
    ),
    "capabilities": (
        "I can chat with you (mention me, reply to me, or DM me), and I have slash commands: "
        "try /help for the full list and /about to see how I'm set up.",
        "Talk to me here, or use my slash commands: /help lists them all. "
        "I'm offline right now, so I can't look things up on the internet.",
    ),
    "how_are_you": (
        "I'm running smoothly, thanks for asking, {user}! How are you doing?",
        "All my circuits are cheerful today. How about you, {user}?",
        "Doing well, as far as a bot can! What have you been up to?",
    ),
    "thanks": (
        "You're very welcome, {user}!",
        "Any time! That's what I'm here for.",
        "Happy to help, {user}.",
    ),
    "empty": (
        "I see a message, but no words I can read. What would you like to talk about?",
        "That one came through without any words I understand. Want to try again in text?",
    ),
}

_CAPABILITIES_HINT = " (Try /help for my commands.)"


class OfflineBrain:
    """The embedded brain: intent routing over the persona's own lines, honest otherwise."""

    name = "offline"

    def __init__(self, rng: random.Random | None = None) -> None:
        self._rng = rng or random.Random()
        self._recent: dict[int, deque[str]] = {}

    async def stream(self, request: ChatRequest) -> AsyncIterator[str]:
        """Yield the whole reply at once: there is nothing to wait for offline."""
        yield self.reply(request)

    def reply(self, request: ChatRequest) -> str:
        """Choose the reply to the last user message."""
        persona = request.persona
        intent = detect_intent(request.last_user_text)
        lines: Sequence[str]
        if intent == "greeting":
            lines = persona.greetings
        elif intent == "farewell":
            lines = persona.farewells
        elif intent is not None and intent in _STOCK:
            lines = _STOCK[intent]
        else:
            lines = [line + _CAPABILITIES_HINT for line in persona.dont_know]
        render: Callable[[str], str] = lambda line: persona.render_line(  # noqa: E731
            line, user=request.speaker.display_name
        )
        return self._pick(request.speaker.user_id, [render(line) for line in lines])

    def _pick(self, user_id: int, candidates: list[str]) -> str:
        recent = self._recent.setdefault(user_id, deque(maxlen=RECENT_REPLIES_KEPT))
        fresh = [c for c in candidates if c not in recent] or candidates
        choice = self._rng.choice(fresh)
        recent.append(choice)
        return choice

    async def aclose(self) -> None:
        """Nothing to release."""
