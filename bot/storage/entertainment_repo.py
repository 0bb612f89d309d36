"""Storage interfaces for jokes, stories and adventures: record dataclasses and protocols.

Services depend on these protocols only; the SQLite implementations are in
``bot.storage.sqlite.jokes``, ``.stories`` and ``.adventures``. As elsewhere in storage,
timestamps are unix seconds (UTC) and Discord ids are ints. ``guild_id`` 0 stands for
direct messages, which belong to no guild.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol, get_args

StoryKind = Literal["told", "circle"]
AdventureMode = Literal["solo", "party"]
RunStatus = Literal["active", "finished", "quit"]

STORY_KINDS: tuple[str, ...] = get_args(StoryKind)
ADVENTURE_MODES: tuple[str, ...] = get_args(AdventureMode)
RUN_STATUSES: tuple[str, ...] = get_args(RunStatus)

DM_GUILD_ID = 0  # the "guild" of direct messages
TWIST_AUTHOR_ID = 0  # author of the lines Hearth adds to a story circle

# Limits shared by every backend (the SQLite schema enforces the same ones).
MAX_JOKE_ID_LENGTH = 40
MAX_STORY_TITLE_LENGTH = 200
MAX_STORY_PROMPT_LENGTH = 1000
MAX_STORY_BODY_LENGTH = 30_000
MAX_CIRCLE_LINE_LENGTH = 2000
MAX_NAME_LENGTH = 100


# --- jokes ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class JokeTally:
    """The votes a joke got in one guild."""

    joke_id: str
    up: int = 0
    down: int = 0

    @property
    def score(self) -> int:
        """Up-votes minus down-votes."""
        return self.up - self.down


class JokeRepository(Protocol):
    """Per-user joke history, per-guild votes and the per-guild "teen jokes" setting."""

    async def seen(self, user_id: int, category: str | None = None) -> set[str]:
        """Ids of the jokes the user heard in the current cycle (of one category, or all)."""
        ...

    async def record_seen(
        self,
        user_id: int,
        joke_id: str,
        category: str,
        *,
        restart: bool = False,
        scope: str | None = None,
    ) -> None:
        """Remember that the user heard the joke; with ``restart``, first forget the history
        of ``scope`` (a category, or the whole bank when None): a new cycle begins."""
        ...

    async def vote(self, guild_id: int, joke_id: str, user_id: int, vote: int) -> JokeTally:
        """Record (or change) the user's vote, +1 or -1; returns the joke's new tally."""
        ...

    async def tally(self, guild_id: int, joke_id: str) -> JokeTally:
        """The joke's votes in the guild (zeros when it has none)."""
        ...

    async def user_vote(self, guild_id: int, joke_id: str, user_id: int) -> int | None:
        """The user's vote on the joke (+1 or -1), or None."""
        ...

    async def top(self, guild_id: int, *, limit: int = 10) -> list[JokeTally]:
        """The guild's voted jokes, best first (score, then up-votes, then id)."""
        ...

    async def allows_teen(self, guild_id: int) -> bool:
        """Whether a moderator allowed teen-rated jokes in the guild (False by default)."""
        ...

    async def set_allows_teen(self, guild_id: int, allow: bool) -> None:
        """Allow or forbid teen-rated jokes in the guild."""
        ...


# --- stories -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class NewStory:
    """A story to save."""

    guild_id: int
    channel_id: int
    author_id: int
    author_name: str
    kind: StoryKind
    genre: str
    title: str
    body: str
    created_at: float
    length: str | None = None
    prompt: str = ""
    credits: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredStory:
    """A saved story; ``id`` is what /story show and /story delete take."""

    id: int
    guild_id: int
    channel_id: int
    author_id: int
    author_name: str
    kind: StoryKind
    genre: str
    title: str
    body: str
    created_at: float
    length: str | None = None
    prompt: str = ""
    credits: str = ""


@dataclass(frozen=True, slots=True)
class CircleLine:
    """One line of a story circle; Hearth's twists have ``author_id`` 0."""

    seq: int
    author_id: int
    author_name: str
    text: str
    is_twist: bool
    created_at: float


@dataclass(frozen=True, slots=True, kw_only=True)
class StoryCircle:
    """A story circle in progress in a channel, with its lines in order."""

    channel_id: int
    guild_id: int
    starter_id: int
    starter_name: str
    genre: str
    title: str
    started_at: float
    lines: tuple[CircleLine, ...] = ()


class StoryRepository(Protocol):
    """Saved stories per guild, and story circles in progress per channel."""

    async def add(self, story: NewStory) -> int:
        """Save a story; returns its id."""
        ...

    async def get(self, guild_id: int, story_id: int) -> StoredStory | None:
        """The guild's story with this id, or None (also for another guild's story)."""
        ...

    async def list(
        self, guild_id: int, *, author_id: int | None = None, limit: int = 10, offset: int = 0
    ) -> list[StoredStory]:
        """The guild's stories (optionally one author's), newest first."""
        ...

    async def count(self, guild_id: int, *, author_id: int | None = None) -> int:
        """How many stories the guild (or one author in it) has."""
        ...

    async def delete(self, guild_id: int, story_id: int) -> bool:
        """Delete the story; False when the guild has no such story."""
        ...

    async def start_circle(self, circle: StoryCircle) -> bool:
        """Open a circle in its channel; False when one is already open there."""
        ...

    async def circle(self, channel_id: int) -> StoryCircle | None:
        """The channel's open circle with its lines, or None."""
        ...

    async def add_circle_line(
        self, channel_id: int, author_id: int, author_name: str, text: str, *, is_twist: bool
    ) -> CircleLine:
        """Append a line to the channel's circle (ValueError when none is open)."""
        ...

    async def finish_circle(self, channel_id: int, story: NewStory | None) -> int | None:
        """Close the channel's circle, saving ``story`` in the same transaction (when given);
        returns the saved story's id."""
        ...


# --- adventures ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class AdventureRunRecord:
    """A stored adventure play-through; ``state`` is ``AdventureRun.to_json()``."""

    id: int
    guild_id: int
    channel_id: int
    starter_id: int
    starter_name: str
    adventure_id: str
    mode: AdventureMode
    state: str
    step: int
    status: RunStatus
    message_id: int | None
    vote_deadline: float | None
    created_at: float
    updated_at: float


@dataclass(frozen=True, slots=True, kw_only=True)
class NewAdventureRun:
    """A play-through to store."""

    guild_id: int
    channel_id: int
    starter_id: int
    starter_name: str
    adventure_id: str
    mode: AdventureMode
    state: str


class AdventureRepository(Protocol):
    """Adventure runs and their party votes."""

    async def create(self, run: NewAdventureRun) -> AdventureRunRecord | None:
        """Store a new active run; None when the player (solo) or the channel (party)
        already has one."""
        ...

    async def get(self, run_id: int) -> AdventureRunRecord | None:
        """The run with this id, or None."""
        ...

    async def active(
        self, channel_id: int, *, starter_id: int | None = None
    ) -> AdventureRunRecord | None:
        """The channel's active party run (``starter_id`` None) or the player's solo run."""
        ...

    async def advance(
        self, run_id: int, *, from_step: int, state: str, finished: bool
    ) -> AdventureRunRecord | None:
        """Save a choice: only if the run is active and still at ``from_step`` (else None).
        Clears the vote deadline and that step's votes."""
        ...

    async def set_message(self, run_id: int, message_id: int | None) -> None:
        """Remember which message shows the run's current scene."""
        ...

    async def set_status(self, run_id: int, status: RunStatus) -> bool:
        """Mark an active run finished or quit; False when it was not active."""
        ...

    async def vote(
        self, run_id: int, step: int, user_id: int, choice: int, *, deadline: float
    ) -> tuple[dict[int, int], float] | None:
        """Record (or change) a party vote for the run's current ``step``; the first vote
        sets the deadline. Returns all votes of the step and the deadline, or None when the
        run is no longer at that step (or not active)."""
        ...

    async def votes(self, run_id: int, step: int) -> dict[int, int]:
        """user id -> chosen index for one step."""
        ...

    async def open_votes(self) -> list[AdventureRunRecord]:
        """Active runs with a vote deadline (to close them after a restart)."""
        ...
