"""A remote brain with the offline brain behind it, and a circuit breaker between them.

:class:`FallbackBrain` asks the primary (remote) brain first. What happens when it fails:

- before any text was shown: one short notice line, then the fallback's (offline) reply;
- midway, after some text was shown: the text stays, followed by a short note that the
  connection dropped. The offline brain is *not* started mid-sentence: its canned lines
  would read as a non sequitur glued onto half an answer, and the person can simply ask
  again. The stream then ends normally, so callers never see the primary's errors (they
  are logged here as warnings);
- while the breaker is open (after ``failure_threshold`` consecutive failures): straight to
  the fallback with the notice, without calling the primary, until ``reset_after``
  seconds have passed; then one trial call goes through (half-open): success closes the
  breaker, failure opens it again for another ``reset_after``.

Any exception from the primary counts (not just BrainError: a bug in a remote brain must
not silence the bot). A call that is stopped (the Stop button closes the stream) gives no
verdict: it neither opens nor closes the breaker, and frees the half-open trial slot.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Literal

from bot.brain.base import Brain, BrainError, ChatRequest
from bot.brain.errors import MIDWAY_USER_MESSAGE
from bot.brain.openai import USAGE_KEY, Usage

log = logging.getLogger(__name__)

BreakerState = Literal["closed", "open", "half-open"]

DEFAULT_NOTICE = "(My language model isn't answering right now, so here's my simpler offline self.)"


class CircuitBreaker:
    """closed → open after N consecutive failures → half-open after ``reset_after`` seconds
    (one trial call) → closed on success, open again on failure."""

    def __init__(
        self,
        failure_threshold: int = 3,
        reset_after: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError(f"failure_threshold must be at least 1, got {failure_threshold}")
        if reset_after < 0:
            raise ValueError(f"reset_after must be 0 or more seconds, got {reset_after}")
        self.failure_threshold = failure_threshold
        self.reset_after = reset_after
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_running = False

    @property
    def state(self) -> BreakerState:
        """ "closed" (calls go through), "open" (calls skipped) or "half-open" (a trial)."""
        if self._opened_at is None:
            return "closed"
        if self._trial_running or self._clock() - self._opened_at >= self.reset_after:
            return "half-open"
        return "open"

    @property
    def consecutive_failures(self) -> int:
        """Failures since the last success."""
        return self._failures

    def retry_in(self) -> float:
        """Seconds until the next trial call is allowed (0 unless open)."""
        if self.state != "open" or self._opened_at is None:
            return 0.0
        return max(0.0, self._opened_at + self.reset_after - self._clock())

    def allow(self) -> bool:
        """Whether to call the primary now. In half-open, lets exactly one trial through."""
        state = self.state
        if state == "closed":
            return True
        if state == "half-open" and not self._trial_running:
            self._trial_running = True
            return True
        return False

    def record_success(self) -> None:
        """The primary answered: close the breaker."""
        self._failures = 0
        self._opened_at = None
        self._trial_running = False

    def record_failure(self) -> None:
        """The primary failed: count it, and (re)open when the threshold is reached or a
        failure arrives while not closed (e.g. the half-open trial failed)."""
        self._failures += 1
        if self._opened_at is not None or self._failures >= self.failure_threshold:
            self._opened_at = self._clock()
        self._trial_running = False

    def release(self) -> None:
        """A call ended without a verdict (stopped by the user): free the trial slot."""
        self._trial_running = False

    def describe(self) -> str:
        """One line for /about and the doctor."""
        state = self.state
        if state == "open":
            return f"open: using the offline brain, next try in {self.retry_in():.0f} s"
        if state == "half-open":
            return "half-open: trying the language model again"
        return "closed: the language model is answering"


class FallbackBrain:
    """``primary`` with ``fallback`` behind it (see the module docstring for the rules)."""

    def __init__(
        self,
        primary: Brain,
        fallback: Brain,
        *,
        breaker: CircuitBreaker | None = None,
        notice: str = DEFAULT_NOTICE,
        dropped_note: str = MIDWAY_USER_MESSAGE,
    ) -> None:
        self.primary = primary
        self.fallback = fallback
        self.breaker = breaker or CircuitBreaker()
        self.notice = notice
        self.dropped_note = dropped_note
        self.name = f"{primary.name}→{fallback.name}"

    async def stream(self, request: ChatRequest) -> AsyncIterator[str]:
        """The primary's reply, or the fallback's with a notice (never raises for the
        primary's failures)."""
        if not self.breaker.allow():
            log.info("%s: circuit %s, answering offline", self.name, self.breaker.state)
            async for chunk in self._fall_back(request):
                yield chunk
            return
        shown = False
        completed = False
        failure: Exception | None = None
        try:
            async with contextlib.aclosing(self.primary.stream(request)) as chunks:
                async for chunk in chunks:
                    shown = shown or bool(chunk)
                    yield chunk
            completed = True
        except Exception as exc:  # any failure of the primary, bugs included (see above)
            failure = exc
        finally:
            if completed:
                self.breaker.record_success()
            elif failure is not None:
                self.breaker.record_failure()
            else:
                self.breaker.release()
        if failure is None:
            return
        log.warning(
            "%s: %s failed (%s; circuit %s): %s",
            self.name,
            self.primary.name,
            type(failure).__name__,
            self.breaker.state,
            failure,
            exc_info=None if isinstance(failure, BrainError) else failure,  # bugs: traceback
        )
        if shown:
            yield "\n\n" + self.dropped_note
            return
        async for chunk in self._fall_back(request):
            yield chunk

    async def _fall_back(self, request: ChatRequest) -> AsyncIterator[str]:
        usage = request.extra.get(USAGE_KEY)
        if isinstance(usage, Usage):
            usage.brain = self.fallback.name
        yield self.notice + "\n"
        async with contextlib.aclosing(self.fallback.stream(request)) as chunks:
            async for chunk in chunks:
                yield chunk

    def describe(self) -> str:
        """Which brains, and the breaker's state (for /about)."""
        return f"{self.name} (circuit {self.breaker.describe()})"

    async def aclose(self) -> None:
        """Close both brains."""
        try:
            await self.primary.aclose()
        finally:
            await self.fallback.aclose()
