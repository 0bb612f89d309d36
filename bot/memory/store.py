"""Applying memory operations: single-valued facts updated in place, near-duplicates merged
(rapidfuzz), contradictions undone, secrets refused, and a per-user cap.

Every operation acts only on the memories the user has *in this place* (see
:class:`~bot.storage.memory_repo.Visibility`): what someone shared in one server is neither
merged with nor deleted by what they say in another, unless they chose global scope.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, utils

from bot.memory import sensitive
from bot.memory.model import OPPOSITE_KINDS, RELATED_KINDS, MemoryOp
from bot.storage.memory_repo import (
    Memory,
    MemoryKind,
    MemoryRepository,
    MemorySource,
    NewMemory,
    Visibility,
)

DEFAULT_MAX_PER_USER = 500
# similarity(): 100 when one wording's words contain the other's ("jazz" / "jazz music"),
# ~97 for a typo ("dog called Biscut" / "...Biscuit"), ~77 for two different pets of one kind
# ("cat called Mochi" / "cat called Luna"), and 0 when their numbers differ.
DUPLICATE_SCORE = 90.0
WORD_SCORE = 85.0  # a word of a "forget X" target matching a word of a memory ("Bisquit")
_TARGET_STOPWORDS = frozenset("a an the my our of to".split())
CANDIDATES = 500  # a user's memories of one kind that are compared (the cap bounds it)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a change comes from: the place (guild or DMs), channel and message."""

    guild_id: int | None
    channel_id: int | None = None
    message_id: int | None = None


@dataclass
class StoreResult:
    """What applying some operations changed."""

    added: list[Memory] = field(default_factory=list)
    updated: list[Memory] = field(default_factory=list)
    removed: list[Memory] = field(default_factory=list)
    refused: list[sensitive.SensitiveKind] = field(default_factory=list)
    evicted: int = 0

    @property
    def changed(self) -> bool:
        """True when anything was stored, changed or deleted."""
        return bool(self.added or self.updated or self.removed)


def similarity(a: str, b: str) -> float:
    """How alike two wordings of a fact are, 0-100 (case, punctuation, order ignored)."""
    words_a, words_b = _words(a), _words(b)
    if not words_a or not words_b:
        return 0.0
    if words_a <= words_b or words_b <= words_a:
        return 100.0
    if {w for w in words_a if w.isdigit()} != {w for w in words_b if w.isdigit()}:
        return 0.0  # "exam on 3 May" and "exam on 4 May" are two things
    return fuzz.ratio(" ".join(sorted(words_a)), " ".join(sorted(words_b)))


def matches(target: str, text: str) -> bool:
    """True when a "forget this" ``target`` names ``text``: every word of the target is
    (nearly) a word of the text ("Bisquit" names "dog called Biscuit")."""
    wanted = _words(target) - _TARGET_STOPWORDS
    have = _words(text)
    if not wanted or not have:
        return False
    return all(w in have or max(fuzz.ratio(w, h) for h in have) >= WORD_SCORE for w in wanted)


def _words(text: str) -> set[str]:
    return set(utils.default_process(text).split())


class MemoryStore:
    """Applies :class:`~bot.memory.model.MemoryOp` lists to one user's memories."""

    def __init__(self, repo: MemoryRepository, *, max_per_user: int = DEFAULT_MAX_PER_USER) -> None:
        if max_per_user < 1:
            raise ValueError(f"max_per_user must be at least 1, got {max_per_user}")
        self._repo = repo
        self.max_per_user = max_per_user

    async def apply(
        self,
        user_id: int,
        ops: Sequence[MemoryOp],
        *,
        visibility: Visibility,
        origin: Origin,
        source: MemorySource,
        is_global: bool = False,
    ) -> StoreResult:
        """Apply ``ops`` in order; secrets in an ``add`` are refused, never stored."""
        result = StoreResult()
        for op in ops:
            if op.action == "remove":
                result.removed.extend(await self._remove(user_id, op, visibility))
                continue
            found = sensitive.find(op.content)
            if found:
                result.refused.extend(k for k in found if k not in result.refused)
                continue
            await self._add(user_id, op, visibility, origin, source, is_global, result)
        if result.added:
            result.evicted = await self._repo.evict(
                user_id, self.max_per_user, protect=[m.id for m in result.added]
            )
        return result

    async def _add(
        self,
        user_id: int,
        op: MemoryOp,
        visibility: Visibility,
        origin: Origin,
        source: MemorySource,
        is_global: bool,
        result: StoreResult,
    ) -> None:
        opposite = OPPOSITE_KINDS.get(op.kind)
        if opposite is not None:
            # "I hate olives" after "I like olives": the newer statement wins.
            contradicted = [
                m
                for m in await self._visible(user_id, (opposite,), visibility)
                if similarity(op.content, m.content) >= DUPLICATE_SCORE
            ]
            if contradicted:
                await self._repo.delete(user_id, [m.id for m in contradicted])
                result.removed.extend(contradicted)
        if op.key:
            same = await self._repo.list(
                user_id, visibility=visibility, key=op.key, limit=CANDIDATES
            )
        else:
            same = [
                m
                for m in await self._visible(user_id, (op.kind,), visibility)
                if m.key is None and similarity(op.content, m.content) >= DUPLICATE_SCORE
            ]
        if not same:
            memory = await self._repo.add(
                NewMemory(
                    user_id=user_id,
                    kind=op.kind,
                    key=op.key,
                    content=op.content,
                    guild_id=origin.guild_id,
                    is_global=is_global,
                    source=source,
                    source_channel_id=origin.channel_id,
                    source_message_id=origin.message_id,
                )
            )
            result.added.append(memory)
            return
        # Update the most recent in place; any older copies of a single-valued fact go.
        keep = max(same, key=lambda m: (m.updated_at, m.id))
        content = _merged(keep.content, op.content) if not op.key else op.content
        updated = await self._repo.update(
            user_id,
            keep.id,
            content=content,
            kind=op.kind,
            source_channel_id=origin.channel_id,
            source_message_id=origin.message_id,
        )
        if updated is not None:
            result.updated.append(updated)
        stale = [m.id for m in same if m.id != keep.id]
        if stale and op.key:
            await self._repo.delete(user_id, stale)
            result.removed.extend(m for m in same if m.id != keep.id)

    async def _remove(self, user_id: int, op: MemoryOp, visibility: Visibility) -> list[Memory]:
        kinds = RELATED_KINDS.get(op.kind, (op.kind,))
        candidates = await self._visible(user_id, kinds, visibility)
        if op.key:
            candidates = [m for m in candidates if m.key == op.key]
        if op.content:
            candidates = [m for m in candidates if matches(op.content, m.content)]
        if candidates:
            await self._repo.delete(user_id, [m.id for m in candidates])
        return candidates

    async def _visible(
        self, user_id: int, kinds: Iterable[MemoryKind], visibility: Visibility
    ) -> list[Memory]:
        return await self._repo.list(
            user_id, visibility=visibility, kinds=list(kinds), limit=CANDIDATES
        )


def _merged(old: str, new: str) -> str:
    """The wording to keep when two memories say the same thing.

    The one with more to say wins ("dog called Biscuit" over "dog"); otherwise the newer
    wording, which is how a typo gets fixed.
    """
    old_words, new_words = _words(old), _words(new)
    if new_words < old_words:
        return old
    return new
