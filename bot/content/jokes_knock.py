"""A knock-knock joke told as a conversation: a pure state machine, no I/O, no Discord.

    kk = KnockKnock(joke)
    kk.start()              -> "Knock, knock!"
    kk.hear("who's there?") -> "Lettuce."
    kk.hear("lettuce who?") -> "Lettuce in, it's cold out here!"   (kk.done is now True)

People type loosely, so the expected lines are matched tolerantly. An off-script reply gets one
playful nudge per joke; after that the joke finishes anyway rather than stalling the channel.
"""

from __future__ import annotations

import enum
import re

from rapidfuzz import fuzz

from bot.content.jokes_match import normalize_text
from bot.content.jokes_model import Joke

KNOCK_LINE = "Knock, knock!"

_FILLER = r"(?:(?:ok|okay|oh|ooh|um|uh|hmm|yes|yeah|sure|alright|fine|hi|hello)\s+)*"
_WHOS_THERE = re.compile(
    rf"^{_FILLER}who+(?:s|se|z|\s+s|\s+is|\s+are)?\s+(?:there+|their|theyre|dere|it|that)$"
)
_NAME_WHO = re.compile(r"^(?P<name>.*?)\s*\bwho+$")


class Stage(enum.Enum):
    """Where the exchange stands."""

    NOT_STARTED = "not_started"
    AWAIT_WHOS_THERE = "await_whos_there"
    AWAIT_NAME_WHO = "await_name_who"
    DONE = "done"


def is_whos_there(text: str) -> bool:
    """True for "Who's there?" and its common loose spellings ("whos there", "who is there")."""
    said = normalize_text(text)
    if _WHOS_THERE.match(said):
        return True
    return fuzz.ratio(said, "whos there") >= 85


def is_name_who(text: str, name: str) -> bool:
    """True for "<name> who?", tolerating typos in the name or leaving the name out."""
    match = _NAME_WHO.match(normalize_text(text))
    if match is None:
        return False
    said_name = match.group("name")
    if not said_name:
        return True
    expected = normalize_text(name)
    return fuzz.ratio(said_name, expected) >= 60 or fuzz.partial_ratio(said_name, expected) >= 85


def _as_line(text: str) -> str:
    return text if text.endswith((".", "!", "?", "\u2026")) else f"{text}."


class KnockKnock:
    """One knock-knock joke told turn by turn; see the module docstring for the exchange."""

    def __init__(self, joke: Joke) -> None:
        if joke.kind != "knockknock" or not joke.name:
            raise ValueError(f"joke {joke.id!r} is not a knock-knock joke (kind {joke.kind!r})")
        self._joke = joke
        self._stage = Stage.NOT_STARTED
        self._nudged = False

    @property
    def joke(self) -> Joke:
        """The joke being told."""
        return self._joke

    @property
    def stage(self) -> Stage:
        """The current stage of the exchange."""
        return self._stage

    @property
    def done(self) -> bool:
        """True once the punchline has been delivered."""
        return self._stage is Stage.DONE

    def start(self) -> str:
        """Open the joke; may be called once."""
        if self._stage is not Stage.NOT_STARTED:
            raise RuntimeError("this knock-knock joke has already started")
        self._stage = Stage.AWAIT_WHOS_THERE
        return KNOCK_LINE

    def hear(self, user_text: str) -> str | None:
        """React to the user's reply; None once the joke is over (nothing left to say)."""
        name = self._joke.name or ""
        if self._stage is Stage.NOT_STARTED:
            raise RuntimeError("call start() before hear()")
        if self._stage is Stage.DONE:
            return None
        if self._stage is Stage.AWAIT_WHOS_THERE:
            if is_whos_there(user_text):
                self._stage = Stage.AWAIT_NAME_WHO
                return _as_line(name)
            if not self._nudged:
                self._nudged = True
                return "Psst, this is the part where you ask \u201cWho's there?\u201d Knock, knock!"
            self._stage = Stage.DONE
            return (
                f"I'll play both parts, then! Who's there? {_as_line(name)} "
                f"{name} who? {self._joke.punchline}"
            )
        if is_name_who(user_text, name):
            self._stage = Stage.DONE
            return self._joke.punchline
        if not self._nudged:
            self._nudged = True
            return f"Go on, ask \u201c{name} who?\u201d"
        self._stage = Stage.DONE
        return f"Okay, I'll ask for you: {name} who? {self._joke.punchline}"
