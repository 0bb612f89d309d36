"""One running trivia game in one channel: its timers, its display and its persistence.

A `Session` wraps a `TriviaGame` (the pure state machine) with two tasks:

- the driver waits for the open question's deadline (or for an action that closed it),
  lets the game time out, pauses after each reveal, and asks the next question;
- the renderer takes the events in order, stores what they mean (answers and points after
  each reveal, the result at the end) and hands them to the `TriviaTable` to show.

Player actions (`act`) change the game synchronously and queue the resulting events, so a
button press is answered at once while the channel's messages are still written in order.
Time comes from an injectable `GameTime`, so tests run whole games in a fraction of a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from bot.games.trivia.events import (
    ActionRejected,
    Event,
    GameOver,
    QuestionRevealed,
    Standing,
    WrongGuess,
)
from bot.games.trivia.game import TriviaGame
from bot.games.trivia.timing import GameTime
from bot.storage.trivia_repo import PlayerTotals, TriviaAnswerRecord, TriviaRepository

log = logging.getLogger(__name__)

DEFAULT_REVEAL_PAUSE = 3.0  # game seconds between a reveal and the next question


@dataclass
class SessionInfo:
    """What the table may want to know about the game beyond its events."""

    game_id: int
    guild_id: int
    channel_id: int
    starter_id: int
    starter_name: str
    mode: str
    notice: str | None = None
    stopped_by: str | None = None
    skipped_by: str | None = None


class TriviaTable(Protocol):
    """Where a game is shown; the trivia cog implements it for a Discord channel."""

    async def show(self, event: Event, info: SessionInfo) -> None:
        """Render one public event (player-private ones never reach the table)."""
        ...

    def pointer(self) -> str | None:
        """A link to the game's latest question, for "a game is already running here"."""
        ...


@dataclass
class _Batch:
    events: list[Event]
    standings: tuple[Standing, ...] = field(default_factory=tuple)


# Events that only concern the player who acted: the adapter answers them privately.
_PRIVATE = (ActionRejected, WrongGuess)


class Session:
    """A running game in one channel (see the module docstring)."""

    def __init__(
        self,
        info: SessionInfo,
        game: TriviaGame,
        table: TriviaTable,
        repo: TriviaRepository,
        time: GameTime,
        *,
        reveal_pause: float = DEFAULT_REVEAL_PAUSE,
        on_done: Callable[[Session], None] | None = None,
    ) -> None:
        self.info = info
        self.game = game
        self.table = table
        self._repo = repo
        self._time = time
        self._reveal_pause = reveal_pause
        self._on_done = on_done
        self._queue: asyncio.Queue[_Batch] = asyncio.Queue()
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._finished = asyncio.Event()

    @property
    def finished(self) -> bool:
        """True once the game is over and its end was stored and shown."""
        return self._finished.is_set()

    async def wait_finished(self) -> None:
        """Wait until the game is over, stored and shown."""
        await self._finished.wait()

    def begin(self) -> None:
        """Start the game: the first question is asked right away."""
        if self._tasks:
            raise RuntimeError("this session has already begun")
        self._tasks = [
            asyncio.create_task(self._drive(), name=f"trivia-drive-{self.info.game_id}"),
            asyncio.create_task(self._render(), name=f"trivia-render-{self.info.game_id}"),
        ]

    def act(self, action: Callable[[], list[Event]]) -> list[Event]:
        """Apply a game action now and queue its events for display; returns the events."""
        events = action()
        standings = (
            self.game.standings() if any(isinstance(e, QuestionRevealed) for e in events) else ()
        )
        public = [e for e in events if not isinstance(e, _PRIVATE)]
        if public:
            self._queue.put_nowait(_Batch(public, standings))
        self._wake.set()
        return events

    async def cancel(self) -> None:
        """Stop the timers without ending the game in storage (Hearth is shutting down:
        the next start finds the game still marked running and ends it cleanly)."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # --- driver -----------------------------------------------------------------------------

    async def _drive(self) -> None:
        game = self.game
        try:
            self.act(game.start)
            while not game.is_over:
                if game.state == "asking":
                    deadline = game.deadline
                    if deadline is not None:
                        await self._wait(deadline - self._time.now())
                    self.act(game.tick)
                elif game.state == "revealed":
                    await self._queue.join()  # the reveal is on screen before the pause
                    await self._time.sleep(self._reveal_pause)
                    if game.state == "revealed":  # not stopped during the pause
                        self.act(game.next_question)
                else:
                    raise RuntimeError(f"unexpected trivia game state {game.state!r}")
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("trivia game %s failed; stopping it", self.info.game_id)
            if not game.is_over:
                self.act(game.stop)

    async def _wait(self, seconds: float) -> None:
        """Sleep up to `seconds` of game time, or until an action wakes the driver."""
        self._wake.clear()
        if seconds <= 0:
            return
        sleeper = asyncio.ensure_future(self._time.sleep(seconds))
        woken = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({sleeper, woken}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            woken.cancel()

    # --- renderer ---------------------------------------------------------------------------

    async def _render(self) -> None:
        while True:
            batch = await self._queue.get()
            try:
                for event in batch.events:
                    await self._handle(event, batch)
            finally:
                self._queue.task_done()
            if any(isinstance(e, GameOver) for e in batch.events):
                break
        self._finished.set()
        if self._on_done is not None:
            self._on_done(self)

    async def _handle(self, event: Event, batch: _Batch) -> None:
        try:
            if isinstance(event, QuestionRevealed):
                await self._store_reveal(event, batch.standings)
            elif isinstance(event, GameOver):
                await self._store_end(event)
        except Exception:
            # Storage trouble must not freeze the game for everyone; the points of this
            # question are lost, the game goes on.
            log.exception("could not store trivia game %s", self.info.game_id)
        try:
            await self.table.show(event, self.info)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("could not show a trivia event in channel %s", self.info.channel_id)

    async def _store_reveal(self, event: QuestionRevealed, standings: tuple[Standing, ...]) -> None:
        answers: list[TriviaAnswerRecord] = []
        if event.closed_by != "skipped":
            answers = [
                TriviaAnswerRecord(a.user_id, a.correct, a.points.total if a.points else 0)
                for a in (*event.correct, *event.wrong)
            ]
        players = [
            PlayerTotals(s.user_id, s.name, s.points, s.correct, s.answered, s.best_streak)
            for s in standings
        ]
        await self._repo.record_question(
            self.info.game_id, event.question_id, event.category, answers, players
        )

    async def _store_end(self, event: GameOver) -> None:
        result = event.result
        players = [
            PlayerTotals(p.user_id, p.name, p.points, p.correct, p.answered, p.best_streak)
            for p in result.players
        ]
        winner = result.winner.user_id if result.winner else None
        await self._repo.finish_game(self.info.game_id, event.reason, winner, players)
