"""MemoryService: what Hearth remembers about each user, and the user's control over it.

Hooks for the chat pipeline (bot/conversation.py):

- :meth:`MemoryService.handle_chat_command` first: "what do you remember about me?",
  "forget that I like cats", "forget everything about me", "remember that ..."; a returned
  text is the whole reply (no brain needed).
- :meth:`MemoryService.observe` before the reply: the offline extractor stores what the user
  shared; returns a short notice when something was refused (a phone number, a password).
- :meth:`MemoryService.recall` for the prompt and the offline brain (``extra["memories"]``).
- :meth:`MemoryService.after_reply` as a background task when a remote brain is configured.

Privacy rules enforced here (and by the repositories taking the owner's id everywhere): one
user's memories are never recalled for, shown to or exported to anyone else; what a user
shares in a server is used in that server, in DMs in DMs, everywhere only with global scope;
with memory off nothing new is stored and nothing is recalled.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol

from rapidfuzz import utils

from bot.brain.base import Brain, Speaker
from bot.memory import commands, sensitive
from bot.memory.extract import extract, extract_explicit
from bot.memory.llm_extract import (
    AddOperation,
    DeleteOperation,
    LLMExtractor,
    Proposal,
    UpdateOperation,
)
from bot.memory.model import CORE_KINDS, DEFAULT_KEYS, MemoryOp, remove, render
from bot.memory.recall import RecallConfig, Recaller
from bot.memory.sensitive import SensitiveKind
from bot.memory.store import DEFAULT_MAX_PER_USER, MemoryStore, Origin, matches
from bot.storage.memory_repo import (
    DeletedCounts,
    Memory,
    MemoryRepository,
    UserDataRepository,
    Visibility,
)
from bot.storage.repositories import MEMORY_SCOPES, MemoryScope, UserRecord, UserRepository

log = logging.getLogger(__name__)

EXPORT_FORMAT = "hearth-user-data/1"
PER_PAGE = 8
MAX_REMEMBER_CHARS = 300
FORGET_ALL_HINT = (
    "I can forget everything I remember about you and delete our stored conversations, "
    "but I want to be sure it's really you and on purpose. Use **/memory forget** with "
    "`item: all`: it asks you to confirm with a button (only you will see it)."
)
_WORDS = re.compile(r"[^\W_]+")
_TARGET_STOPWORDS = frozenset(
    "a an the my me i that this about of to and is am are was were it its".split()
)


class MemoryStorage(Protocol):
    """What the memory service needs from the database."""

    @property
    def users(self) -> UserRepository: ...
    @property
    def memories(self) -> MemoryRepository: ...
    @property
    def user_data(self) -> UserDataRepository: ...


@dataclass(frozen=True, slots=True)
class MemoryNotice:
    """A short note for the user about what memory did not keep (shown with the reply)."""

    text: str
    refused: tuple[SensitiveKind, ...]


@dataclass(frozen=True, slots=True)
class MemoryPage:
    """One page of a user's memories (``page`` is 1-based)."""

    memories: tuple[Memory, ...]
    page: int
    pages: int
    total: int


@dataclass(frozen=True, slots=True)
class RememberOutcome:
    """What an explicit "remember this" did."""

    stored: tuple[Memory, ...] = ()
    removed: tuple[Memory, ...] = ()
    refused: tuple[SensitiveKind, ...] = ()
    disabled: bool = False  # memory is off for the user: nothing was stored


@dataclass(frozen=True, slots=True)
class ForgetOutcome:
    """What a "forget this" did; ``candidates``: several close matches, none deleted."""

    forgotten: tuple[Memory, ...] = ()
    candidates: tuple[Memory, ...] = ()


class MemoryService:
    """Per-user memory: extraction, storage, recall, and the user's controls."""

    def __init__(
        self,
        db: MemoryStorage,
        *,
        max_per_user: int = DEFAULT_MAX_PER_USER,
        llm_brain: Brain | None = None,
        llm_timeout: float = 30.0,
        recall_config: RecallConfig | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._db = db
        self._store = MemoryStore(db.memories, max_per_user=max_per_user)
        self._recaller = Recaller(db.memories, config=recall_config, clock=clock)
        self._llm = LLMExtractor(llm_brain, timeout=llm_timeout) if llm_brain else None
        self._clock = clock
        # One writer per user at a time: de-duplication reads, then writes.
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()

    @property
    def max_per_user(self) -> int:
        """The per-user cap on stored memories."""
        return self._store.max_per_user

    @property
    def llm_enabled(self) -> bool:
        """True when a remote model proposes memories after replies."""
        return self._llm is not None

    # ----------------------------------------------------------------- preferences
    async def preferences(self, user_id: int) -> tuple[bool, MemoryScope]:
        """(memory enabled, scope) for the user; the defaults for someone never seen."""
        record = await self._db.users.get(user_id)
        if record is None:
            return True, "local"
        return record.memory_enabled, record.memory_scope

    async def visibility(self, user_id: int, guild_id: int | None) -> Visibility:
        """Which of the user's memories may be used in this place."""
        _, scope = await self.preferences(user_id)
        return Visibility(guild_id, everywhere=scope == "global")

    async def set_enabled(self, user_id: int, enabled: bool) -> UserRecord:
        """Switch memory on or off for the user (off: nothing stored, nothing recalled)."""
        return await self._db.users.set_memory_enabled(user_id, enabled)

    async def set_scope(self, user_id: int, scope: MemoryScope) -> UserRecord:
        """Set the scope: "local" keeps memories where they were shared, "global" uses them
        everywhere."""
        if scope not in MEMORY_SCOPES:
            raise ValueError(f"memory scope must be 'local' or 'global', got {scope!r}")
        return await self._db.users.set_memory_scope(user_id, scope)

    # ----------------------------------------------------------------- chat hooks
    async def observe(
        self,
        turn_user_id: int,
        guild_id: int | None,
        channel_id: int | None,
        text: str,
        message_id: int | None,
    ) -> MemoryNotice | None:
        """Store what the user just shared (offline extractor); a notice if something was
        refused. Does nothing when memory is off or the text is a memory command."""
        enabled, scope = await self.preferences(turn_user_id)
        if not enabled or commands.parse(text) is not None:
            return None
        extraction = extract(text, today=self._today())
        if extraction.empty:
            return None
        refused = list(extraction.refused)
        if extraction.ops:
            async with self._lock(turn_user_id):
                result = await self._store.apply(
                    turn_user_id,
                    extraction.ops,
                    visibility=Visibility(guild_id, everywhere=scope == "global"),
                    origin=Origin(guild_id, channel_id, message_id),
                    source="chat",
                )
            refused.extend(k for k in result.refused if k not in refused)
        return refusal_notice(refused)

    async def recall(self, user_id: int, guild_id: int | None, text: str) -> list[str]:
        """Short lines ("name: Priya", "likes: jazz") for this turn; [] when memory is off."""
        return [render(m) for m in await self.recall_memories(user_id, guild_id, text)]

    async def recall_memories(self, user_id: int, guild_id: int | None, text: str) -> list[Memory]:
        """The memories behind :meth:`recall`, as records."""
        enabled, scope = await self.preferences(user_id)
        if not enabled:
            return []
        visibility = Visibility(guild_id, everywhere=scope == "global")
        return await self._recaller.recall(user_id, text, visibility)

    async def handle_chat_command(
        self, user_id: int, guild_id: int | None, text: str
    ) -> str | None:
        """The reply to a memory request made in chat, or None for ordinary chat."""
        command = commands.parse(text)
        if command is None:
            return None
        if command.kind == "forget_all":
            return FORGET_ALL_HINT
        if command.kind == "off":
            await self.set_enabled(user_id, False)
            return (
                "Okay: from now on I won't remember anything new about you, and I won't use "
                "what I already know. What's stored stays until you delete it "
                '(**/memory show**, **/memory forget**). Say "turn memory on" or use '
                "**/memory on** to undo this."
            )
        if command.kind == "on":
            await self.set_enabled(user_id, True)
            return (
                "Memory is on again: I'll remember what you tell me about yourself. "
                "**/memory show** lists it, and you can change your mind any time."
            )
        if command.kind == "show":
            return await self._describe_for_chat(user_id, guild_id)
        if command.kind == "forget":
            outcome = await self.forget_text(user_id, command.text)
            if outcome.forgotten:
                count = len(outcome.forgotten)
                return f"Done: I've forgotten that ({count} {_things(count)})."
            if outcome.candidates:
                return (
                    "A few things I remember could match that, so I haven't deleted any. "
                    "**/memory show** lists them with their numbers, and **/memory forget** "
                    "with the number removes exactly the one you mean."
                )
            return "I don't have anything like that saved about you, so there's nothing to forget."
        outcome = await self.remember(user_id, guild_id, None, command.text)
        return describe_remember(outcome)

    async def after_reply(
        self,
        user_id: int,
        guild_id: int | None,
        channel_id: int,
        text: str,
        reply: str,
        message_id: int | None = None,
        user_name: str = "",
    ) -> int:
        """Let the remote model propose memory changes for this exchange; returns how many
        were applied. Meant to run as a background task after the reply was sent."""
        if self._llm is None or not text.strip():
            return 0
        enabled, scope = await self.preferences(user_id)
        if not enabled or commands.parse(text) is not None or sensitive.disclosed(text):
            return 0  # never send a message holding a secret out for extraction
        visibility = Visibility(guild_id, everywhere=scope == "global")
        existing = await self._context_for_llm(user_id, text, visibility)
        speaker = Speaker(user_id, user_name or "user", guild_id, channel_id)
        proposal = await self._llm.propose(speaker, text, reply, existing)
        if proposal is None:
            return 0
        async with self._lock(user_id):
            return await self._apply_proposal(
                user_id, proposal, existing, visibility, Origin(guild_id, channel_id, message_id)
            )

    # ----------------------------------------------------------------- user controls
    async def remember(
        self,
        user_id: int,
        guild_id: int | None,
        channel_id: int | None,
        text: str,
        *,
        everywhere: bool = False,
        message_id: int | None = None,
    ) -> RememberOutcome:
        """Remember what the user explicitly asked to (``everywhere``: in every place)."""
        cleaned = " ".join(text.split()) if isinstance(text, str) else ""
        if not cleaned:
            raise ValueError("the text to remember must not be empty")
        if len(cleaned) > MAX_REMEMBER_CHARS:
            raise ValueError(
                f"the text to remember must be at most {MAX_REMEMBER_CHARS} characters, "
                f"got {len(cleaned)}; try one fact at a time"
            )
        enabled, scope = await self.preferences(user_id)
        if not enabled:
            return RememberOutcome(disabled=True)
        extraction = extract_explicit(cleaned, today=self._today())
        if not extraction.ops:
            return RememberOutcome(refused=extraction.refused)
        async with self._lock(user_id):
            result = await self._store.apply(
                user_id,
                extraction.ops,
                visibility=Visibility(guild_id, everywhere=scope == "global"),
                origin=Origin(guild_id, channel_id, message_id),
                source="command",
                is_global=everywhere,
            )
        refused = tuple(dict.fromkeys([*extraction.refused, *result.refused]))
        return RememberOutcome(
            stored=tuple(result.added + result.updated),
            removed=tuple(result.removed),
            refused=refused,
        )

    async def page(self, user_id: int, page: int = 1, per_page: int = PER_PAGE) -> MemoryPage:
        """One page of everything the user has (every place), oldest first."""
        if per_page < 1:
            raise ValueError(f"per_page must be at least 1, got {per_page}")
        total = await self._db.memories.count(user_id)
        pages = max(1, math.ceil(total / per_page))
        page = min(max(1, page), pages)
        memories = await self._db.memories.list(
            user_id, limit=per_page, offset=(page - 1) * per_page
        )
        return MemoryPage(tuple(memories), page, pages, total)

    async def forget(self, user_id: int, item: str) -> ForgetOutcome:
        """Forget one memory by its number ("12" or "#12"), or by words from it."""
        cleaned = item.strip() if isinstance(item, str) else ""
        if not cleaned:
            raise ValueError(
                "say which memory to forget: its number from /memory show, or words from it"
            )
        number = cleaned.lstrip("#")
        if number.isdigit():
            memory_id = int(number)
            if memory_id <= 0 or memory_id >= 2**63:
                return ForgetOutcome()
            memory = await self._db.memories.get(user_id, memory_id)
            if memory is None:
                return ForgetOutcome()
            await self._db.memories.delete(user_id, [memory.id])
            return ForgetOutcome(forgotten=(memory,))
        return await self.forget_text(user_id, cleaned)

    async def forget_text(self, user_id: int, text: str) -> ForgetOutcome:
        """Forget what ``text`` describes, in every place ("I like cats", "Biscuit")."""
        statement = extract(text, today=self._today())
        removals = [_as_removal(op) for op in statement.ops if op.action == "add"]
        async with self._lock(user_id):
            if removals:
                result = await self._store.apply(
                    user_id,
                    removals,
                    visibility=Visibility(None, everywhere=True),
                    origin=Origin(None),
                    source="command",
                )
                if result.removed:
                    return ForgetOutcome(forgotten=tuple(result.removed))
            target = _target_words(text)
            if not target:
                return ForgetOutcome()
            hits = await self._db.memories.search(user_id, text, limit=20)
            strong = [h.memory for h in hits if matches(target, render(h.memory))]
            if len(strong) == 1:
                await self._db.memories.delete(user_id, [strong[0].id])
                return ForgetOutcome(forgotten=(strong[0],))
            # Several match: the user picks one by number rather than losing them all.
            return ForgetOutcome(candidates=tuple(strong[:5]))

    async def forget_everything(self, user_id: int) -> DeletedCounts:
        """Delete all the user's memories and stored conversation history (after the user
        confirmed); their preferences stay."""
        async with self._lock(user_id):
            counts = await self._db.user_data.forget(user_id)
            await self._forget_feedback(user_id)
            return counts

    async def purge(self, user_id: int) -> DeletedCounts:
        """Delete everything stored about the user, their record included (owners)."""
        async with self._lock(user_id):
            counts = await self._db.user_data.purge(user_id)
            await self._forget_feedback(user_id)
            return counts

    async def _forget_feedback(self, user_id: int) -> None:
        # Votes and filter events about the user go too; reports stay with moderators.
        moderation = getattr(self._db, "moderation", None)
        if moderation is not None:
            await moderation.delete_for_user(user_id)

    async def export(self, user_id: int) -> dict[str, Any]:
        """Everything stored about the user, as a JSON-ready dict."""
        data = await self._db.user_data.export(user_id)
        user = None
        if data.user is not None:
            user = {
                "user_id": str(data.user.user_id),
                "display_name": data.user.display_name,
                "memory_enabled": data.user.memory_enabled,
                "memory_scope": data.user.memory_scope,
                "first_seen_at": _iso(data.user.first_seen_at),
                "last_seen_at": _iso(data.user.last_seen_at),
            }
        return {
            "format": EXPORT_FORMAT,
            "exported_at": _iso(self._clock()),
            "user_id": str(user_id),
            "user": user,
            "memories": [_memory_json(m) for m in data.memories],
            "conversation_history": [
                {
                    "id": m.id,
                    "discord_message_id": _str_id(m.discord_message_id),
                    "guild_id": _str_id(m.guild_id),
                    "channel_id": str(m.channel_id),
                    "role": m.role,
                    "author_name": m.author_name,
                    "content": m.content,
                    "reply_to_discord_id": _str_id(m.reply_to_discord_id),
                    "created_at": _iso(m.created_at),
                }
                for m in data.messages
            ],
        }

    async def export_json(self, user_id: int) -> bytes:
        """:meth:`export` as UTF-8 JSON (ids as strings: JavaScript cannot hold them)."""
        return json.dumps(await self.export(user_id), ensure_ascii=False, indent=2).encode()

    # ----------------------------------------------------------------- internals
    def _lock(self, user_id: int) -> asyncio.Lock:
        lock = self._locks.get(user_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[user_id] = lock
        return lock

    def _today(self) -> date:
        return datetime.fromtimestamp(self._clock(), UTC).date()

    async def _describe_for_chat(self, user_id: int, guild_id: int | None) -> str:
        enabled, scope = await self.preferences(user_id)
        if not enabled:
            return (
                "Memory is switched off for you, so I'm not using anything about you. "
                "**/memory show** lists what's still stored, and **/memory on** switches "
                "memory back on."
            )
        # In a server, only what was said in this server: an answer here is public.
        visibility = Visibility(guild_id, everywhere=scope == "global" and guild_id is None)
        memories = await self._db.memories.list(user_id, visibility=visibility, limit=200)
        if guild_id is not None:
            memories = [m for m in memories if m.guild_id == guild_id]
        where = "here" if guild_id is not None else "in our DMs"
        if not memories:
            return (
                f"I haven't saved anything about you {where} yet. Tell me about yourself if "
                "you like, or use **/memory remember**. **/memory show** lists everything I "
                "keep, privately."
            )
        shown = sorted(memories, key=lambda m: (m.kind not in CORE_KINDS, m.id))[:10]
        lines = "\n".join(f"- {render(m)}" for m in shown)
        more = f"\n…and {len(memories) - len(shown)} more." if len(memories) > len(shown) else ""
        return (
            f"Here's what I remember about you {where}:\n{lines}{more}\n"
            "**/memory show** lists everything (only you see it), and **/memory forget** "
            "removes anything you'd rather I didn't keep."
        )

    async def _context_for_llm(
        self, user_id: int, text: str, visibility: Visibility
    ) -> list[Memory]:
        core = await self._db.memories.list(
            user_id, visibility=visibility, kinds=CORE_KINDS, limit=10
        )
        hits = await self._db.memories.search(user_id, text, visibility=visibility, limit=20)
        chosen = {m.id: m for m in [*core, *(h.memory for h in hits)]}
        return list(chosen.values())

    async def _apply_proposal(
        self,
        user_id: int,
        proposal: Proposal,
        existing: Sequence[Memory],
        visibility: Visibility,
        origin: Origin,
    ) -> int:
        shown = {m.id: m for m in existing}
        adds: list[MemoryOp] = []
        applied = 0
        for operation in proposal.operations:
            if isinstance(operation, AddOperation):
                key = _llm_key(operation.kind, operation.key)
                adds.append(MemoryOp("add", operation.kind, operation.content, key))
            elif isinstance(operation, UpdateOperation):
                # Only ids the model was shown: never another user's, never another place's.
                if operation.id not in shown or sensitive.find(operation.content):
                    continue
                updated = await self._db.memories.update(
                    user_id, operation.id, content=operation.content
                )
                applied += updated is not None
            elif isinstance(operation, DeleteOperation):
                if operation.id in shown:
                    applied += await self._db.memories.delete(user_id, [operation.id])
        if adds:
            result = await self._store.apply(
                user_id, adds, visibility=visibility, origin=origin, source="llm"
            )
            applied += len(result.added) + len(result.updated) + len(result.removed)
        return applied


def refusal_notice(refused: Sequence[SensitiveKind]) -> MemoryNotice | None:
    """The note telling a user what memory did not keep, or None."""
    if not refused:
        return None
    text = f"(Just so you know: I don't keep {sensitive.describe(list(refused))} in my memory"
    text += ", so I've left that out.)"
    if "password" in refused or "secret" in refused:
        text += " If that was a real one, it's safer to change it, since it was posted in chat."
    return MemoryNotice(text, tuple(refused))


def describe_remember(outcome: RememberOutcome) -> str:
    """What to tell the user after an explicit "remember this"."""
    if outcome.disabled:
        return (
            "Memory is switched off for you, so I haven't kept that. **/memory on** switches "
            "it back on."
        )
    parts: list[str] = []
    if outcome.stored:
        facts = "; ".join(render(m) for m in outcome.stored)
        parts.append(f"Got it, I'll remember that ({facts}).")
    if outcome.refused:
        notice = refusal_notice(outcome.refused)
        assert notice is not None
        parts.append(notice.text.strip("()"))
    if not parts:
        return "I couldn't find anything to remember in that. Could you say it another way?"
    return " ".join(parts)


def _things(count: int) -> str:
    return "memory" if count == 1 else "memories"


def _as_removal(op: MemoryOp) -> MemoryOp:
    """The removal matching what a statement would add ("forget that I like cats")."""
    if op.key and op.key not in ("home", "origin") and not op.key.startswith("favourite "):
        return remove(op.kind, op.content, key=op.key)
    return remove(op.kind, op.content)


def _target_words(text: str) -> str:
    words = [w for w in _WORDS.findall(utils.default_process(text)) if w not in _TARGET_STOPWORDS]
    return " ".join(words)


def _llm_key(kind: str, key: str | None) -> str | None:
    if kind in DEFAULT_KEYS:
        return DEFAULT_KEYS[kind]
    if kind == "place":
        return key if key in ("home", "origin") else "home"
    cleaned = " ".join((key or "").lower().split())
    if kind == "like" and cleaned.startswith("favourite ") and len(cleaned) <= 40:
        return cleaned
    return None


def _iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")


def _str_id(value: int | None) -> str | None:
    return None if value is None else str(value)


def _memory_json(memory: Memory) -> dict[str, Any]:
    return {
        "id": memory.id,
        "kind": memory.kind,
        "key": memory.key,
        "content": memory.content,
        "text": render(memory),
        "shared_in": "direct messages" if memory.guild_id is None else "server",
        "guild_id": _str_id(memory.guild_id),
        "channel_id": _str_id(memory.source_channel_id),
        "message_id": _str_id(memory.source_message_id),
        "everywhere": memory.is_global,
        "source": memory.source,
        "created_at": _iso(memory.created_at),
        "updated_at": _iso(memory.updated_at),
        "last_recalled_at": _iso(memory.last_recalled_at),
        "recall_count": memory.recall_count,
    }
