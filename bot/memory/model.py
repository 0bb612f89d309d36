"""What memory operations look like, and how a memory reads as one short line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.storage.memory_repo import Memory, MemoryKind

OpAction = Literal["add", "remove"]

# Keys of single-valued facts: a new value replaces the old one in place.
DEFAULT_KEYS: dict[str, str] = {
    "name": "name",
    "nickname": "nickname",
    "pronouns": "pronouns",
    "birthday": "birthday",
    "work": "job",
    "study": "studies",
}
# The facts recalled on every turn, whatever was said.
CORE_KINDS: tuple[MemoryKind, ...] = ("name", "nickname", "pronouns")

KIND_LABELS: dict[str, str] = {
    "name": "name",
    "nickname": "goes by",
    "pronouns": "pronouns",
    "like": "likes",
    "dislike": "dislikes",
    "hobby": "hobby",
    "pet": "pet",
    "family": "family",
    "place": "place",
    "work": "work",
    "study": "studies",
    "birthday": "birthday",
    "goal": "goal",
    "situation": "going on",
    "note": "asked me to remember",
}
KEY_LABELS: dict[str, str] = {"home": "lives in", "origin": "is from"}

# Removing a fact of one kind also looks at kinds that say the same thing differently
# ("I don't play chess anymore" undoes "likes chess" as well as "hobby: chess").
RELATED_KINDS: dict[str, tuple[MemoryKind, ...]] = {
    "like": ("like", "hobby"),
    "hobby": ("hobby", "like"),
    "dislike": ("dislike",),
    "situation": ("situation", "goal"),
    "goal": ("goal", "situation"),
}
# Adding one of these removes a matching memory of the other ("I hate olives now").
OPPOSITE_KINDS: dict[str, MemoryKind] = {"like": "dislike", "dislike": "like"}


@dataclass(frozen=True, slots=True)
class MemoryOp:
    """One change a turn asks for.

    ``add``: remember ``content`` as a ``kind`` fact (``key``: single-valued, replaces).
    ``remove``: forget the ``kind`` facts matching ``content`` (empty content with a key:
    forget that key's value, whatever it is).
    """

    action: OpAction
    kind: MemoryKind
    content: str
    key: str | None = None

    def __str__(self) -> str:
        sign = "+" if self.action == "add" else "-"
        key = f"[{self.key}]" if self.key and self.key != DEFAULT_KEYS.get(self.kind) else ""
        value = f"={self.content}" if self.content else ""
        return f"{sign}{self.kind}{key}{value}"


def add(kind: MemoryKind, content: str, key: str | None = None) -> MemoryOp:
    """An ``add`` op; single-valued kinds get their default key."""
    return MemoryOp("add", kind, content, key or DEFAULT_KEYS.get(kind))


def remove(kind: MemoryKind, content: str = "", key: str | None = None) -> MemoryOp:
    """A ``remove`` op."""
    return MemoryOp("remove", kind, content, key or (None if content else DEFAULT_KEYS.get(kind)))


def label(kind: str, key: str | None) -> str:
    """How a memory's kind reads in a line ("likes", "lives in", "favourite colour")."""
    if key and key in KEY_LABELS:
        return KEY_LABELS[key]
    if key and key.startswith("favourite "):
        return key
    return KIND_LABELS.get(kind, kind)


def render(memory: Memory) -> str:
    """The memory as one line for prompts and lists: "likes: jazz", "name: Priya"."""
    return f"{label(memory.kind, memory.key)}: {memory.content}"
