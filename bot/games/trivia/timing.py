"""Game time for trivia sessions: a clock and a sleeper that can be swapped together.

Sessions read the time and wait only through a `GameTime`, so tests and the playground can
run games faster than real time (`ScaledTime(50)`: a 20-second question lasts 0.4 s) while
the game still sees its usual timers, speed bonuses and pauses.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Protocol


class GameTime(Protocol):
    """Where a trivia session gets the time, and how it waits."""

    def now(self) -> float:
        """Monotonic game seconds."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` of game time."""
        ...


class RealTime:
    """Wall-clock time: the default."""

    def now(self) -> float:
        """Monotonic seconds."""
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        """Wait for real."""
        await asyncio.sleep(max(seconds, 0.0))


@dataclass(frozen=True)
class ScaledTime:
    """Game time running `speed` times faster than real time (for tests and demos)."""

    speed: float

    def __post_init__(self) -> None:
        if not self.speed > 0:
            raise ValueError(f"speed must be above 0 (got {self.speed})")

    def now(self) -> float:
        """Monotonic seconds, sped up."""
        return time.monotonic() * self.speed

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds / speed` real seconds."""
        await asyncio.sleep(max(seconds, 0.0) / self.speed)
