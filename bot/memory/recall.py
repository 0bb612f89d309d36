"""Recall: the few memories worth putting in front of the brain for one turn.

Always the core facts (name, nickname, pronouns); then the memories that share words with
the message, ranked by bm25 relevance, recency and how often they proved useful; and, when
there is room, one recent thing that is going on in the user's life (an exam, a trip) or a
pet, so that the brain can ask about it now and then. All within a small token budget.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.context import estimate_tokens
from bot.memory.model import CORE_KINDS, render
from bot.storage.memory_repo import Memory, MemoryHit, MemoryRepository, Visibility

DAY = 86_400.0


@dataclass(frozen=True, slots=True)
class RecallConfig:
    """How much recall may bring, and how it weighs relevance against freshness."""

    token_budget: int = 120
    max_items: int = 6
    candidates: int = 20
    half_life_days: float = 30.0  # a memory's recency weight halves every this many days
    callback_days: float = 14.0  # situations older than this are not brought up again
    relevance_weight: float = 0.7
    recency_weight: float = 0.2
    usage_weight: float = 0.1

    def __post_init__(self) -> None:
        if self.token_budget < 1 or self.max_items < 1 or self.candidates < 1:
            raise ValueError("token_budget, max_items and candidates must be at least 1")
        if self.half_life_days <= 0:
            raise ValueError("half_life_days must be above 0")


def score(hit: MemoryHit, best_rank: float, now: float, config: RecallConfig) -> float:
    """A hit's worth: relevance (bm25, scaled to the best hit) + recency + past usefulness."""
    relevance = hit.rank / best_rank if best_rank < 0 else 0.0  # bm25: negative, lower is better
    age_days = max(0.0, now - hit.memory.updated_at) / DAY
    recency = 0.5 ** (age_days / config.half_life_days)
    usage = min(1.0, math.log1p(hit.memory.recall_count) / math.log1p(20))
    return (
        config.relevance_weight * relevance
        + config.recency_weight * recency
        + config.usage_weight * usage
    )


class Recaller:
    """Finds the memories for one turn and counts them as recalled."""

    def __init__(
        self,
        repo: MemoryRepository,
        *,
        config: RecallConfig | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._repo = repo
        self.config = config or RecallConfig()
        self._clock = clock

    async def recall(self, user_id: int, text: str, visibility: Visibility) -> list[Memory]:
        """Core facts first, then the most useful memories for ``text``, within budget."""
        config = self.config
        now = self._clock()
        core = _newest_per_kind(
            await self._repo.list(user_id, visibility=visibility, kinds=CORE_KINDS, limit=30)
        )
        hits = await self._repo.search(
            user_id, text, visibility=visibility, limit=config.candidates
        )
        best = min((h.rank for h in hits), default=0.0)
        ranked = sorted(hits, key=lambda h: score(h, best, now, config), reverse=True)
        chosen: list[Memory] = []
        spent = 0
        for memory in [*core, *(h.memory for h in ranked)]:
            if any(m.id == memory.id for m in chosen) or len(chosen) >= config.max_items:
                continue
            cost = estimate_tokens(render(memory)) + 1
            if spent + cost > config.token_budget and memory not in core:
                continue
            chosen.append(memory)
            spent += cost
        callback = await self._callback(user_id, visibility, now, chosen)
        if callback is not None:
            cost = estimate_tokens(render(callback)) + 1
            if spent + cost <= config.token_budget and len(chosen) < config.max_items:
                chosen.append(callback)
        if chosen:
            await self._repo.mark_recalled(user_id, [m.id for m in chosen])
        return chosen

    async def _callback(
        self, user_id: int, visibility: Visibility, now: float, chosen: Sequence[Memory]
    ) -> Memory | None:
        """A recent situation (or else a pet) the brain may ask about."""
        if any(m.kind in ("situation", "pet") for m in chosen):
            return None
        found = await self._repo.list(
            user_id, visibility=visibility, kinds=["situation", "pet"], limit=200
        )
        recent = [
            m
            for m in found
            if m.kind == "pet" or now - m.updated_at <= self.config.callback_days * DAY
        ]
        if not recent:
            return None
        # Situations first (they go stale), then the newest; ties broken by id.
        return max(recent, key=lambda m: (m.kind == "situation", m.updated_at, m.id))


def _newest_per_kind(memories: Sequence[Memory]) -> list[Memory]:
    newest: dict[str, Memory] = {}
    for memory in memories:
        current = newest.get(memory.kind)
        if current is None or (memory.updated_at, memory.id) > (current.updated_at, current.id):
            newest[memory.kind] = memory
    return [newest[kind] for kind in CORE_KINDS if kind in newest]


def prompt_block(lines: Sequence[str], user_name: str) -> str:
    """The recalled memories as a paragraph for a system prompt ("" when there are none)."""
    if not lines:
        return ""
    facts = "\n".join(f"- {line}" for line in lines)
    return (
        f"What you remember about {user_name} (they told you themselves; use it naturally "
        "and only when it helps, never share it with anyone else, and if it seems wrong, "
        f"ask):\n{facts}"
    )
