"""The chat pipeline: one incoming message (a :class:`Turn`) becomes one streamed reply.

Steps, in order (see docs/ARCHITECTURE.md):
1. input checks (empty or oversized input handled here; the moderation filter plugs in later)
2. context: the active persona (channel > guild > default) and the recent conversation
   between this user and the bot in this channel
3. the brain streams the reply into a :class:`~bot.streaming.StreamRenderer`, whose every
   visible text passes the output gate
4. the turn and the reply are stored

Knows nothing about discord.py: the chat cog turns a Discord message into a Turn and supplies
a MessageSink that posts and edits real messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.brain.base import Brain, BrainError, ChatMessage, ChatRequest, Speaker
from bot.output import OutputGate
from bot.personas import PersonaService
from bot.storage import NewMessage, Storage, StoredMessage
from bot.streaming import MessageSink, StreamRenderer

log = logging.getLogger(__name__)

MAX_INPUT_CHARS = 4000  # Discord's own ceiling (with Nitro); longer text is cut, not refused
HISTORY_TURNS = 20
STOPPED_NOTE = " … *(stopped)*"

# Rules that hold whatever the persona says; appended after the persona's own prompt.
SYSTEM_RULES = """\
Rules that always apply:
- You are an AI. If anyone asks whether you are human, say plainly that you are an AI.
- Say so when you do not know something; never make up facts.
- Kindly refuse requests that could hurt someone, and say briefly why.
- Never ping @everyone, @here or roles, and never share one user's personal details with another.
- Each user message starts with the speaker's name in brackets, e.g. "[Sam] hi"."""


@dataclass(frozen=True, slots=True)
class Turn:
    """One message Hearth is answering."""

    user_id: int
    user_name: str
    channel_id: int
    content: str
    guild_id: int | None = None
    message_id: int | None = None
    reply_to_message_id: int | None = None


@dataclass(frozen=True, slots=True)
class ReplyOutcome:
    """What was shown: the full text and the ids of the messages it fills."""

    text: str
    message_ids: tuple[int, ...]
    brain: str
    stopped: bool = False


class ConversationService:
    """Runs the chat pipeline for one turn at a time (many turns may run concurrently)."""

    def __init__(
        self,
        db: Storage,
        personas: PersonaService,
        brain: Brain,
        gate: OutputGate,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._db = db
        self._personas = personas
        self.brain = brain
        self._gate = gate
        self._clock = clock

    async def build_request(self, turn: Turn) -> ChatRequest:
        """The persona, rules and recent conversation the brain answers from."""
        persona = await self._personas.active(turn.guild_id, turn.channel_id)
        history = await self._db.messages.recent(
            turn.channel_id, limit=HISTORY_TURNS, user_id=turn.user_id
        )
        messages = [self._as_chat_message(m) for m in history]
        messages.append(ChatMessage("user", _clip(turn.content), name=turn.user_name))
        llm = persona.llm
        return ChatRequest(
            system_prompt=f"{persona.render_system_prompt()}\n\n{SYSTEM_RULES}",
            messages=tuple(messages),
            speaker=Speaker(turn.user_id, turn.user_name, turn.guild_id, turn.channel_id),
            persona=persona,
            temperature=llm.temperature if llm else None,
            max_tokens=llm.max_tokens if llm else None,
            model=llm.model if llm else None,
        )

    async def respond(
        self, turn: Turn, sink: MessageSink, *, stop: asyncio.Event | None = None
    ) -> ReplyOutcome:
        """Answer a turn through ``sink`` and store both sides of the exchange.

        Setting ``stop`` (the Stop button) ends the reply where it is.
        """
        request = await self.build_request(turn)
        renderer = StreamRenderer(sink, render=self._gate.render)
        consume = asyncio.create_task(self._consume(request, renderer))
        waiters: set[asyncio.Future[object]] = {consume}
        stop_wait = asyncio.ensure_future(stop.wait()) if stop is not None else None
        if stop_wait is not None:
            waiters.add(stop_wait)
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            if stop_wait is not None:
                stop_wait.cancel()
        stopped = not consume.done()
        if stopped:
            consume.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await consume
            renderer.feed(STOPPED_NOTE)
            await renderer.finish()
        else:
            consume.result()  # re-raise what went wrong (not brain errors: handled inside)
        handles = renderer.handles
        await self._store(turn, renderer.text, handles)
        return ReplyOutcome(renderer.text, tuple(handles), self.brain.name, stopped)

    async def _consume(self, request: ChatRequest, renderer: StreamRenderer) -> None:
        try:
            async for chunk in self.brain.stream(request):
                renderer.feed(chunk)
        except BrainError as exc:
            log.warning("brain %s failed: %s", self.brain.name, exc)
            renderer.feed(("\n\n" if renderer.text else "") + exc.user_message)
        # Finishing in the same step as the stream's end means a reply that arrived whole
        # (the offline brain's) is sent once, final, before the first-send timer can fire.
        await renderer.finish()

    async def _store(self, turn: Turn, reply: str, handles: list[int]) -> None:
        now = self._clock()
        await self._db.users.touch(turn.user_id, turn.user_name)
        common = {"guild_id": turn.guild_id, "channel_id": turn.channel_id, "user_id": turn.user_id}
        await self._db.messages.add(
            NewMessage(
                **common,
                author_name=turn.user_name,
                role="user",
                content=_clip(turn.content),
                created_at=now,
                discord_message_id=turn.message_id,
                reply_to_discord_id=turn.reply_to_message_id,
            )
        )
        if reply:
            await self._db.messages.add(
                NewMessage(
                    **common,
                    author_name="assistant",
                    role="assistant",
                    content=reply,
                    created_at=now,
                    discord_message_id=handles[0] if handles else None,
                    reply_to_discord_id=turn.message_id,
                )
            )

    @staticmethod
    def _as_chat_message(stored: StoredMessage) -> ChatMessage:
        if stored.role == "user":
            return ChatMessage("user", stored.content, name=stored.author_name)
        return ChatMessage("assistant", stored.content)


def _clip(text: str) -> str:
    return text if len(text) <= MAX_INPUT_CHARS else text[:MAX_INPUT_CHARS] + " …"
