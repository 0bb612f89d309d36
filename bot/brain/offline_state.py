"""Per-conversation state of the offline brain, kept in a bounded LRU map.

One brain serves every user at once, so everything it remembers between turns lives here,
keyed by (user id, channel id): recent replies (for the no-repeat rule), the current small-talk
topic, a pending quiz question, a knock-knock joke in progress, and what the user told it in
this conversation. Nothing is persisted; the least recently active conversations are dropped
first when the map is full.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from bot.content.jokes import KnockKnock
from bot.content.smalltalk import SmallTalkEntry
from bot.games.trivia import Question

RECENT_REPLIES_KEPT = 10
MAX_CONVERSATIONS = 10_000
TOPIC_TURNS = 4  # how many turns a small-talk topic keeps its retrieval boost
MAX_TOLD = 8  # facts the user shared in this conversation
MAX_ASKED = 200  # trivia question ids remembered, so questions do not come back soon

K = TypeVar("K")
V = TypeVar("V")


class LRUMap(Generic[K, V]):
    """A dict with a size cap that forgets the least recently used key first."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        self.capacity = capacity
        self._data: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        """The value for ``key`` (marking it recently used), or None."""
        value = self._data.get(key)
        if value is not None:
            self._data.move_to_end(key)
        return value

    def discard(self, key: K) -> None:
        """Forget ``key`` if present."""
        self._data.pop(key, None)

    def put(self, key: K, value: V) -> None:
        """Store ``value``, evicting the least recently used key when over capacity."""
        self._data[key] = value
        self._data.move_to_end(key)
        while len(self._data) > self.capacity:
            self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data


@dataclass
class QuizState:
    """A trivia question waiting for the user's answer."""

    question: Question


@dataclass
class ConversationState:
    """What the brain remembers about one user in one channel."""

    recent: deque[str] = field(default_factory=lambda: deque(maxlen=RECENT_REPLIES_KEPT))
    turns: int = 0
    last_route: str | None = None
    # small talk
    topic: str | None = None
    topic_turns_left: int = 0
    entry: SmallTalkEntry | None = None
    entry_turn: int = -10
    # games and offers
    quiz: QuizState | None = None
    quiz_right: int = 0
    quiz_asked: int = 0
    asked_ids: deque[str] = field(default_factory=lambda: deque(maxlen=MAX_ASKED))
    knock: KnockKnock | None = None
    user_knock: int = 0  # 1: we said "Who's there?", 2: we said "<name> who?"
    user_knock_name: str = ""
    seen_jokes: set[str] = field(default_factory=set)
    offer: str | None = None  # what "yes" / "another" would start: joke, quiz, story
    offer_turn: int = -10
    wyr: tuple[str, str] | None = None  # a would-you-rather question we asked
    asked_mood: bool = False  # our last reply asked how the user is
    greetings: int = 0
    fallbacks: int = 0
    # what the user told us in this conversation
    user_name: str | None = None
    told: deque[str] = field(default_factory=lambda: deque(maxlen=MAX_TOLD))

    def clear_games(self) -> None:
        """Forget any game in progress (a quiz question, a knock-knock joke, an offer)."""
        self.quiz = None
        self.knock = None
        self.user_knock = 0
        self.offer = None
        self.wyr = None

    def set_topic(self, topic: str | None) -> None:
        """Follow ``topic`` for the next few turns."""
        self.topic = topic
        self.topic_turns_left = TOPIC_TURNS if topic else 0

    def age_topic(self) -> None:
        """One more turn passed; the topic fades after a few turns without small talk."""
        if self.topic_turns_left > 0:
            self.topic_turns_left -= 1
        if self.topic_turns_left == 0:
            self.topic = None

    def remember(self, fact: str) -> None:
        """Note something the user told us (in second person: "you're a nurse")."""
        if fact in self.told:
            self.told.remove(fact)
        self.told.append(fact)
