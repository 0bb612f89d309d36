"""The chat pipeline: one incoming message (a :class:`Turn`) becomes one streamed reply.

Steps, in order (see docs/ARCHITECTURE.md):
1. input checks (oversized input is clipped; the moderation filter plugs in here)
2. limits: per-user and per-guild reply rates (a short notice, once per window), and the
   guild's daily token budget for remote brains (when spent, the offline brain answers)
3. context: the active persona (channel > guild > default) and the conversation so far,
   either the reply chain the user is answering or the recent turns between this user and
   the bot in this channel, trimmed to the model's token budget (newest kept)
4. the brain streams the reply into a :class:`~bot.streaming.StreamRenderer`, whose every
   visible text passes the output gate
5. the turn and the reply are stored, and remote token use is counted

Knows nothing about discord.py: the chat cog turns a Discord message into a Turn and supplies
a MessageSink that posts and edits real messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from bot.brain.base import Brain, BrainError, ChatMessage, ChatRequest, Speaker
from bot.brain.openai import Usage, with_usage
from bot.context import estimate_tokens, fit_to_budget
from bot.limits import ChatLimiter
from bot.output import OutputGate
from bot.personas import PersonaService
from bot.storage import NewMessage, Storage, StoredMessage
from bot.streaming import MessageSink, StreamRenderer
from persona import Persona

log = logging.getLogger(__name__)

MAX_INPUT_CHARS = 4000  # Discord's own ceiling (with Nitro); longer text is cut, not refused
HISTORY_TURNS = 20
OFFLINE_NAME = "offline"
STOPPED_NOTE = " … *(stopped)*"
BUDGET_NOTICE = (
    "*({name} has used today's thinking budget for this server, so this is my simpler "
    "offline self until midnight UTC.)*\n\n"
)

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
    """One message Hearth is answering.

    ``thread`` is the reply chain the message answers (oldest first, without the message
    itself), when there is one; otherwise the stored conversation is used.
    """

    user_id: int
    user_name: str
    channel_id: int
    content: str
    guild_id: int | None = None
    message_id: int | None = None
    reply_to_message_id: int | None = None
    thread: tuple[ChatMessage, ...] | None = None


@dataclass(frozen=True, slots=True)
class ChatConfig:
    """Budgets of the pipeline (from settings)."""

    context_tokens: int = 8192
    reply_reserve: int = 1024
    guild_daily_tokens: int = 0  # 0: unlimited


@dataclass(frozen=True, slots=True)
class Admission:
    """Whether a turn may be answered now; ``notice`` is what to say if it may not."""

    allowed: bool
    notice: str | None = None


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
        offline: Brain | None = None,
        limiter: ChatLimiter | None = None,
        config: ChatConfig | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._db = db
        self._personas = personas
        self.brain = brain
        self._offline = offline or brain
        self._gate = gate
        self.limiter = limiter or ChatLimiter()
        self.config = config or ChatConfig()
        self._clock = clock

    @property
    def remote(self) -> bool:
        """True when the brain spends tokens on a remote model."""
        return self.brain is not self._offline

    # ----------------------------------------------------------------- step 2: limits
    async def admit(self, turn: Turn) -> Admission:
        """Apply the per-user and per-guild reply limits to a turn."""
        decision = self.limiter.check(turn.user_id, turn.guild_id)
        if decision.allowed:
            return Admission(True)
        if not decision.notify:
            return Admission(False)
        persona = await self._personas.active(turn.guild_id, turn.channel_id)
        who = "you" if decision.scope == "user" else "everyone here"
        return Admission(
            False,
            f"Phew, {turn.user_name}, {persona.name} needs a little "
            f"breather: {who} sent a lot just now. Try me again in "
            f"{decision.retry_seconds} s.",
        )

    # ----------------------------------------------------------------- step 3: context
    async def build_request(self, turn: Turn, *, before: float | None = None) -> ChatRequest:
        """The persona, rules and conversation the brain answers from."""
        persona = await self._personas.active(turn.guild_id, turn.channel_id)
        if turn.thread is not None:
            history: tuple[ChatMessage, ...] | list[ChatMessage] = turn.thread
        else:
            stored = await self._db.messages.recent(
                turn.channel_id, limit=HISTORY_TURNS, user_id=turn.user_id, before=before
            )
            history = [self._as_chat_message(m) for m in stored]
        system_prompt = f"{persona.render_system_prompt()}\n\n{SYSTEM_RULES}"
        llm = persona.llm
        reserve = (llm.max_tokens if llm and llm.max_tokens else None) or self.config.reply_reserve
        messages = fit_to_budget(
            system_prompt,
            history,
            ChatMessage("user", _clip(turn.content), name=turn.user_name),
            budget=self.config.context_tokens,
            reserve=reserve,
        )
        return ChatRequest(
            system_prompt=system_prompt,
            messages=messages,
            speaker=Speaker(turn.user_id, turn.user_name, turn.guild_id, turn.channel_id),
            persona=persona,
            temperature=llm.temperature if llm else None,
            max_tokens=llm.max_tokens if llm else None,
            model=llm.model if llm else None,
        )

    # ----------------------------------------------------------------- steps 4 and 5
    async def respond(
        self,
        turn: Turn,
        sink: MessageSink,
        *,
        stop: asyncio.Event | None = None,
        regenerating: int | None = None,
        history_before: float | None = None,
    ) -> ReplyOutcome:
        """Answer a turn through ``sink`` and store both sides of the exchange.

        Setting ``stop`` (the Stop button) ends the reply where it is. ``regenerating``:
        the Discord id of the stored reply this one replaces (Regenerate button).
        """
        request, usage = with_usage(await self.build_request(turn, before=history_before))
        brain, prefix = await self._brain_for(turn, request.persona)
        renderer = StreamRenderer(sink, render=self._gate.render)
        if prefix:
            renderer.feed(prefix)
        consume = asyncio.create_task(self._consume(brain, request, renderer))
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
        if regenerating is not None:
            await self._db.messages.update_content(regenerating, renderer.text)
        else:
            await self._store(turn, renderer.text, handles)
        spent = _tokens_spent(brain is not self._offline, usage, request, renderer.text)
        if spent and turn.guild_id is not None:
            await self._db.usage.add_tokens(turn.guild_id, self._today(), spent)
        return ReplyOutcome(renderer.text, tuple(handles), brain.name, stopped)

    async def turn_for_regenerate(self, user_message_id: int) -> tuple[Turn, float] | None:
        """The stored turn a reply answered, and the time its history ends, or None."""
        stored = await self._db.messages.get_by_discord_id(user_message_id)
        if stored is None or stored.role != "user":
            return None
        turn = Turn(
            user_id=stored.user_id,
            user_name=stored.author_name,
            channel_id=stored.channel_id,
            content=stored.content,
            guild_id=stored.guild_id,
            message_id=user_message_id,
            reply_to_message_id=stored.reply_to_discord_id,
        )
        return turn, stored.created_at

    async def _brain_for(self, turn: Turn, persona: Persona) -> tuple[Brain, str]:
        budget = self.config.guild_daily_tokens
        if not self.remote or not budget or turn.guild_id is None:
            return self.brain, ""
        spent = await self._db.usage.tokens_on(turn.guild_id, self._today())
        if spent < budget:
            return self.brain, ""
        return self._offline, BUDGET_NOTICE.format(name=persona.name)

    async def _consume(self, brain: Brain, request: ChatRequest, renderer: StreamRenderer) -> None:
        try:
            async for chunk in brain.stream(request):
                renderer.feed(chunk)
        except BrainError as exc:
            log.warning("brain %s failed: %s", brain.name, exc)
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

    def _today(self) -> str:
        return datetime.fromtimestamp(self._clock(), UTC).strftime("%Y-%m-%d")

    @staticmethod
    def _as_chat_message(stored: StoredMessage) -> ChatMessage:
        if stored.role == "user":
            return ChatMessage("user", stored.content, name=stored.author_name)
        return ChatMessage("assistant", stored.content)


def with_thread(turn: Turn, thread: tuple[ChatMessage, ...] | None) -> Turn:
    """The same turn answering a reply chain."""
    return replace(turn, thread=thread)


def _tokens_spent(remote: bool, usage: Usage, request: ChatRequest, reply: str) -> int:
    """Tokens a remote model spent on this reply: as reported by the server, else estimated;
    0 when the offline brain produced the text (including a fallback)."""
    if not remote or usage.brain == OFFLINE_NAME:
        return 0
    if usage.prompt_tokens is not None and usage.completion_tokens is not None:
        return usage.prompt_tokens + usage.completion_tokens
    prompt = estimate_tokens(request.system_prompt) + sum(
        estimate_tokens(m.content) for m in request.messages
    )
    return prompt + estimate_tokens(reply)


def _clip(text: str) -> str:
    return text if len(text) <= MAX_INPUT_CHARS else text[:MAX_INPUT_CHARS] + " …"
