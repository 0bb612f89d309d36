"""Rendering a streamed reply into Discord messages: first words at once, then throttled edits.

The renderer knows nothing about discord.py: it talks to a :class:`MessageSink` (the chat cog
implements one with real messages). Its promises:

- the first text becomes visible as soon as it arrives (a send, not an edit), on the next
  turn of the event loop, so a reply that arrives whole is sent once, already final;
- after that, each message is edited at most once per ``interval`` (Discord rate-limits
  edits, and readers cannot follow faster), with a timer so text that arrives during a
  quiet spell still shows up one interval later;
- at the end the final text is flushed at once, without waiting out the edit clock;
- text over Discord's limit continues in a new message, split on word and code-block
  boundaries; a message that has been left behind is sealed with its final piece;
- every text passes through ``render`` (the output chokepoint) before it is shown;
- feeding never waits for Discord: the brain's stream is never slowed by a slow edit.

The sink is told each message's state: ``"streaming"`` while it grows (the chat cog shows
a Stop button), ``"sealed"`` once the text has moved on to the next message, and
``"final"`` for the last message of a finished reply (the cog shows Regenerate).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from bot.text_split import DISCORD_LIMIT, take_piece

log = logging.getLogger(__name__)

EDIT_INTERVAL = 1.0

PieceState = Literal["streaming", "sealed", "final"]


class MessageSink(Protocol):
    """Where rendered text goes: send a new message, or edit one sent before."""

    async def send(self, text: str, *, state: PieceState) -> Any:
        """Post a new message; returns a handle for later edits."""
        ...

    async def edit(self, handle: Any, text: str, *, state: PieceState) -> None:
        """Replace the text of a message sent before."""
        ...


@dataclass
class _Slot:
    handle: Any
    shown: str
    state: PieceState
    last_edit: float


@dataclass
class StreamRenderer:
    """Turns a stream of text chunks into a few messages with throttled edits."""

    sink: MessageSink
    render: Callable[[str], str] = lambda text: text
    interval: float = EDIT_INTERVAL
    limit: int = DISCORD_LIMIT
    clock: Callable[[], float] = time.monotonic
    text: str = ""
    edits: int = 0
    _sealed: int = 0  # characters of ``text`` already committed to finished messages
    _n_sealed: int = 0  # how many messages are finished
    _code_lang: str | None = None
    _slots: list[_Slot] = field(default_factory=list)
    _timer: asyncio.TimerHandle | None = None
    _finished: bool = False
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    @property
    def handles(self) -> list[Any]:
        """The messages written so far, in order."""
        return [slot.handle for slot in self._slots]

    def feed(self, chunk: str) -> None:
        """Add streamed text; it is shown as soon as the edit clock allows."""
        if not chunk:
            return
        self.text += chunk
        current = self._slots[self._n_sealed] if len(self._slots) > self._n_sealed else None
        delay = 0.0 if current is None else current.last_edit + self.interval - self.clock()
        self._schedule(max(0.0, delay))

    def restart(self) -> None:
        """Start the text again from nothing, writing over the messages already shown
        (a reply that is being rewritten)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.text, self._sealed, self._n_sealed, self._code_lang = "", 0, 0, None
        self._finished = False

    async def finish(self) -> list[Any]:
        """Show the final text immediately; returns the message handles."""
        self._finished = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        await self._flush(final=True)
        return self.handles

    async def _flush(self, *, final: bool) -> None:
        async with self._lock:
            if self._finished and not final:
                return  # a timer that fired just before finish(): the final text is shown
            await self._seal_overflow()
            tail = self.text[self._sealed :]
            piece = take_piece(tail, code_lang=self._code_lang, limit=self.limit)
            visible = self.render(piece.text)
            if not visible.strip():
                return
            await self._show(self._n_sealed, visible, "final" if final else "streaming")

    async def _seal_overflow(self) -> None:
        """Finish every message that the text has outgrown, then move on to the next."""
        while True:
            tail = self.text[self._sealed :]
            piece = take_piece(tail, code_lang=self._code_lang, limit=self.limit)
            if piece.consumed >= len(tail):
                return
            await self._show(self._n_sealed, self.render(piece.text), "sealed")
            self._sealed += piece.consumed
            self._code_lang = piece.code_lang
            self._n_sealed += 1

    async def _show(self, index: int, visible: str, state: PieceState) -> None:
        if len(self._slots) <= index:
            handle = await self.sink.send(visible, state=state)
            self._slots.append(_Slot(handle, visible, state, self.clock()))
            return
        slot = self._slots[index]
        if slot.shown == visible and slot.state == state:
            return
        await self.sink.edit(slot.handle, visible, state=state)
        slot.shown, slot.state, slot.last_edit = visible, state, self.clock()
        self.edits += 1

    def _flushed(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            # The final flush retries with the full text; an intermediate edit may fail.
            log.warning("an intermediate streaming edit failed: %r", task.exception())

    def _schedule(self, delay: float) -> None:
        if self._timer is not None:
            return
        loop = asyncio.get_running_loop()

        def fire() -> None:
            self._timer = None
            task = loop.create_task(self._flush(final=False))
            self._tasks.add(task)
            task.add_done_callback(self._flushed)

        self._timer = loop.call_later(delay, fire)
