"""Storage interfaces for memory: what Hearth remembers about each user, and their data.

Every method takes the owner's ``user_id`` and only ever touches that user's rows: a memory
id alone never reaches another user's memory, whoever passes it. The SQLite implementations
are in :mod:`bot.storage.sqlite.memory`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, get_args

from bot.storage.repositories import StoredMessage, UserRecord

MemoryKind = Literal[
    "name",
    "nickname",
    "pronouns",
    "like",
    "dislike",
    "hobby",
    "pet",
    "family",
    "place",
    "work",
    "study",
    "birthday",
    "goal",
    "situation",
    "note",
]
# chat: the pattern extractor, from what the user said; llm: proposed by the remote model
# after a reply; command: the user asked explicitly (/memory remember, "remember that ...").
MemorySource = Literal["chat", "llm", "command"]

MEMORY_KINDS: tuple[str, ...] = get_args(MemoryKind)
MEMORY_SOURCES: tuple[str, ...] = get_args(MemorySource)

MAX_MEMORY_CONTENT_LENGTH = 300
MAX_MEMORY_KEY_LENGTH = 64


@dataclass(frozen=True, slots=True)
class Visibility:
    """Which of a user's memories may be used in one place.

    ``guild_id`` is the place (None: direct messages). A memory is visible there when it was
    shared there, when it is marked global, or when ``everywhere`` is set (the user chose
    ``/memory scope global``).
    """

    guild_id: int | None
    everywhere: bool = False

    def allows(self, memory: Memory) -> bool:
        """True when ``memory`` may be used in this place."""
        return self.everywhere or memory.is_global or memory.guild_id == self.guild_id


@dataclass(frozen=True, slots=True, kw_only=True)
class NewMemory:
    """A memory to store. ``guild_id`` None: shared in direct messages."""

    user_id: int
    kind: MemoryKind
    content: str
    key: str | None = None
    guild_id: int | None = None
    is_global: bool = False
    source: MemorySource = "chat"
    source_channel_id: int | None = None
    source_message_id: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Memory:
    """A stored memory."""

    id: int
    user_id: int
    kind: MemoryKind
    key: str | None
    content: str
    guild_id: int | None
    is_global: bool
    source: MemorySource
    source_channel_id: int | None
    source_message_id: int | None
    created_at: float
    updated_at: float
    last_recalled_at: float | None
    recall_count: int


@dataclass(frozen=True, slots=True)
class MemoryHit:
    """A memory found by a search; ``rank`` is bm25 (more negative: more relevant)."""

    memory: Memory
    rank: float


@dataclass(frozen=True, slots=True)
class UserDataExport:
    """Everything stored about one user (for /memory export and owners' data requests)."""

    user: UserRecord | None
    memories: list[Memory]
    messages: list[StoredMessage]


@dataclass(frozen=True, slots=True)
class DeletedCounts:
    """What a wipe removed."""

    memories: int
    messages: int
    user_record: bool = False


class MemoryRepository(Protocol):
    """Per-user memories with a full-text index."""

    async def add(self, memory: NewMemory) -> Memory:
        """Store a memory; returns it with its id."""
        ...

    async def update(
        self,
        user_id: int,
        memory_id: int,
        *,
        content: str,
        kind: MemoryKind | None = None,
        source_channel_id: int | None = None,
        source_message_id: int | None = None,
    ) -> Memory | None:
        """Replace a memory's content (and kind); None when the user has no such memory."""
        ...

    async def get(self, user_id: int, memory_id: int) -> Memory | None:
        """The user's memory with that id, or None (also when it belongs to someone else)."""
        ...

    async def list(
        self,
        user_id: int,
        *,
        visibility: Visibility | None = None,
        kinds: Sequence[MemoryKind] | None = None,
        key: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Memory]:
        """The user's memories, oldest first (optionally only those visible in a place, of
        some kinds, or with one key)."""
        ...

    async def count(self, user_id: int, *, visibility: Visibility | None = None) -> int:
        """How many memories the user has (optionally only those visible in a place)."""
        ...

    async def search(
        self,
        user_id: int,
        text: str,
        *,
        visibility: Visibility | None = None,
        limit: int = 10,
    ) -> list[MemoryHit]:
        """The user's memories sharing words with ``text``, most relevant first (bm25)."""
        ...

    async def mark_recalled(self, user_id: int, memory_ids: Sequence[int]) -> None:
        """Count one more recall of each memory, now."""
        ...

    async def delete(self, user_id: int, memory_ids: Sequence[int]) -> int:
        """Delete some of the user's memories; returns how many were deleted."""
        ...

    async def delete_all(self, user_id: int) -> int:
        """Delete every memory of the user; returns how many."""
        ...

    async def evict(self, user_id: int, keep: int, *, protect: Sequence[int] = ()) -> int:
        """Delete the user's least useful memories until at most ``keep`` remain.

        Least useful first: not a core fact (name, nickname, pronouns), not asked for
        explicitly, fewest recalls, longest unused. ``protect``: ids never evicted.
        """
        ...

    async def total(self) -> int:
        """How many memories are stored, for every user."""
        ...


class UserDataRepository(Protocol):
    """Everything stored about one user, across tables: export and erasure."""

    async def export(self, user_id: int) -> UserDataExport:
        """The user's record, memories and conversation history."""
        ...

    async def forget(self, user_id: int) -> DeletedCounts:
        """Delete the user's memories and conversation history in one transaction (their
        preferences, such as memory off, stay)."""
        ...

    async def purge(self, user_id: int) -> DeletedCounts:
        """Delete everything about the user, their record included (owners' erasure)."""
        ...
