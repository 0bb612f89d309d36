"""The moderation service the chat pipeline and cogs use: policies per server, checks, events.

One :class:`~bot.moderation.filter.ModerationFilter` (compiled once) serves every server;
each server's :class:`~bot.moderation.policy.Policy` (strictness plus its own terms) is built
from storage on first use and cached until :meth:`ModerationService.invalidate`. Flagged
inputs, flagged outputs and manipulation attempts are announced to ``listeners`` (the
moderation cog stores them and posts them to the mod log), never with the raw text.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from bot.moderation.filter import ModerationFilter, Verdict
from bot.moderation.manipulation import detect_manipulation
from bot.moderation.policy import Policy
from bot.storage import Storage

log = logging.getLogger(__name__)

EventKind = Literal["input_blocked", "input_care", "output_blocked", "manipulation"]
TermsLoader = Callable[[int], Awaitable[tuple[list[str], list[str]]]]


@dataclass(frozen=True, slots=True)
class ModerationEvent:
    """Something moderators may want to know about; ``excerpt`` is already masked."""

    kind: EventKind
    guild_id: int | None
    channel_id: int
    user_id: int
    category: str | None
    excerpt: str
    message_id: int | None = None


Listener = Callable[[ModerationEvent], Awaitable[None]]


class ModerationService:
    """Policies per server, the input/output checks, and the event fan-out."""

    def __init__(self, db: Storage, moderation_filter: ModerationFilter | None = None) -> None:
        self._db = db
        self._filter = moderation_filter
        self._building: asyncio.Future[ModerationFilter] | None = None
        self._policies: dict[int, Policy] = {}
        self.listeners: list[Listener] = []
        # Server terms live in the moderation cog's storage; it plugs its loader in here.
        self.terms_loader: TermsLoader | None = None

    @property
    def filter(self) -> ModerationFilter:
        """The compiled filter (built on first use if :meth:`ready` was not awaited)."""
        if self._filter is None:
            self._filter = shared_filter()
        return self._filter

    async def ready(self) -> ModerationFilter:
        """Compile the lexicons in a thread (about half a second), once; start-up does not
        wait for it, the first check does."""
        if self._filter is not None:
            return self._filter
        if self._building is None:
            self._building = asyncio.ensure_future(asyncio.to_thread(shared_filter))
        self._filter = await self._building
        return self._filter

    async def policy_for(self, guild_id: int | None) -> Policy:
        """The server's policy (DMs: the default, standard strictness); also makes sure the
        filter is compiled, so the synchronous checks that follow never wait."""
        await self.ready()
        if guild_id is None:
            return Policy()
        policy = self._policies.get(guild_id)
        if policy is None:
            settings = await self._db.guilds.get(guild_id)
            blocked, allowed = await self.terms_loader(guild_id) if self.terms_loader else ([], [])
            try:
                policy = Policy(
                    strictness=settings.strictness, blocked_terms=blocked, allowed_terms=allowed
                )
            except ValueError:
                # Terms were validated when added; if the rules tightened since, keep the
                # strictness and skip the terms rather than stop moderating.
                log.warning("guild %s has terms that no longer validate; ignoring them", guild_id)
                policy = Policy(strictness=settings.strictness)
            self._policies[guild_id] = policy
        return policy

    def invalidate(self, guild_id: int) -> None:
        """Forget a cached policy (call after changing strictness or terms)."""
        self._policies.pop(guild_id, None)

    def check_output(self, text: str, policy: Policy) -> Verdict:
        """What the bot is about to show."""
        return self.filter.check_output(text, policy)

    async def check_input(
        self,
        text: str,
        *,
        guild_id: int | None,
        channel_id: int,
        user_id: int,
        message_id: int | None = None,
    ) -> Verdict:
        """What a user said; announces blocks, care and manipulation attempts."""
        policy = await self.policy_for(guild_id)
        verdict = self.filter.check_input(text, policy)
        event: EventKind | None = None
        if verdict.verdict == "block":
            event = "input_blocked"
        elif verdict.verdict == "care":
            event = "input_care"
        if event is not None:
            await self.announce(
                ModerationEvent(
                    event,
                    guild_id,
                    channel_id,
                    user_id,
                    verdict.category,
                    verdict.masked_excerpt(),
                    message_id,
                )
            )
        manipulation = detect_manipulation(text)
        if manipulation is not None:
            await self.announce(
                ModerationEvent(
                    "manipulation",
                    guild_id,
                    channel_id,
                    user_id,
                    manipulation,
                    _short(text),
                    message_id,
                )
            )
        return verdict

    async def announce(self, event: ModerationEvent) -> None:
        """Tell every listener; a failing listener never breaks the chat."""
        log.info(
            "moderation event %s (%s) in channel %s", event.kind, event.category, event.channel_id
        )
        for listener in list(self.listeners):
            try:
                await listener(event)
            except Exception:
                log.exception("moderation listener failed")


@functools.cache
def shared_filter() -> ModerationFilter:
    """The filter compiled from the shipped lexicons, once per process (read-only data;
    every bot and service in the process shares it)."""
    return ModerationFilter()


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
