"""Rate limits and cooldowns for chat, kept in memory (they protect the bot, not history).

- per user and per guild: at most N replies in a sliding minute; the first refusal in a
  window gets a short notice, later ones stay silent so a spammer cannot make the bot spam;
- per channel in "always" mode: a cooldown between unprompted replies, so the bot joins a
  conversation without flooding it (being mentioned or replied to is never cooled down).
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

WINDOW = 60.0


@dataclass
class SlidingWindow:
    """At most ``limit`` events per ``window`` seconds for each key."""

    limit: int
    window: float = WINDOW
    clock: Callable[[], float] = time.monotonic
    _events: dict[int, deque[float]] = field(default_factory=dict)

    def try_acquire(self, key: int) -> float:
        """Record an event and return 0, or return the seconds until one is allowed."""
        if self.limit <= 0:
            return 0.0  # 0 means unlimited
        now = self.clock()
        events = self._events.setdefault(key, deque())
        while events and now - events[0] >= self.window:
            events.popleft()
        if len(events) >= self.limit:
            return events[0] + self.window - now
        events.append(now)
        return 0.0

    def forget_idle(self) -> None:
        """Drop keys with no recent events (keeps memory flat on big servers)."""
        now = self.clock()
        for key in [k for k, ev in self._events.items() if not ev or now - ev[-1] >= self.window]:
            del self._events[key]


@dataclass(frozen=True, slots=True)
class LimitDecision:
    """Whether to answer; when not, whether to say so (only once per window) and when."""

    allowed: bool
    notify: bool = False
    retry_after: float = 0.0
    scope: str = ""  # "user" or "server"

    @property
    def retry_seconds(self) -> int:
        return max(1, math.ceil(self.retry_after))


@dataclass
class ChatLimiter:
    """Per-user and per-guild reply limits, and per-channel cooldowns for "always" mode."""

    per_user_per_minute: int = 12
    per_guild_per_minute: int = 60
    clock: Callable[[], float] = time.monotonic
    _users: SlidingWindow = field(init=False)
    _guilds: SlidingWindow = field(init=False)
    _notified_until: dict[tuple[str, int], float] = field(default_factory=dict)
    _last_unprompted: dict[int, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._users = SlidingWindow(self.per_user_per_minute, clock=self.clock)
        self._guilds = SlidingWindow(self.per_guild_per_minute, clock=self.clock)

    def check(self, user_id: int, guild_id: int | None) -> LimitDecision:
        """Count a reply for the user (and guild) if allowed."""
        wait = self._users.try_acquire(user_id)
        scope, key = "user", user_id
        if not wait and guild_id is not None:
            wait = self._guilds.try_acquire(guild_id)
            scope, key = "server", guild_id
        if not wait:
            return LimitDecision(True)
        now = self.clock()
        notify = self._notified_until.get((scope, key), 0.0) <= now
        if notify:
            self._notified_until[(scope, key)] = now + wait
        return LimitDecision(False, notify=notify, retry_after=wait, scope=scope)

    def cooled_down(self, channel_id: int, cooldown: float) -> bool:
        """True when an unprompted reply in this channel is allowed now."""
        last = self._last_unprompted.get(channel_id)
        return last is None or self.clock() - last >= cooldown

    def mark_unprompted(self, channel_id: int) -> None:
        """Start the channel's cooldown (call when answering an unprompted message)."""
        self._last_unprompted[channel_id] = self.clock()
