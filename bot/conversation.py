"""The chat pipeline: one incoming message (a :class:`Turn`) becomes one streamed reply.

Steps, in order (see docs/ARCHITECTURE.md):
1. input checks: oversized input is clipped; the moderation filter answers distress with
   care and declines (kindly, briefly) what the server's policy blocks; memory requests made
   in chat ("forget that I like cats") are answered by the memory service
2. limits: per-user and per-guild reply rates (a short notice, once per window), and the
   guild's daily token budget for remote brains (when spent, the offline brain answers)
3. context: the active persona (channel > guild > default) and the conversation so far,
   either the reply chain the user is answering or the recent turns between this user and
   the bot in this channel, trimmed to the model's token budget (newest kept)
   plus what the bot remembers about this user (memory recall, into the prompt)
4. the brain streams the reply into a :class:`~bot.streaming.StreamRenderer`, whose every
   visible text passes the output gate and the output filter; a flagged reply is written
   again once with a stricter instruction, then replaced with a safe line
5. the turn and the reply are stored, new memories extracted, remote token use counted

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
from typing import TYPE_CHECKING

from bot.brain.base import Brain, BrainError, ChatMessage, ChatRequest, Speaker
from bot.brain.openai import Usage, with_usage
from bot.context import estimate_tokens, fit_to_budget
from bot.limits import ChatLimiter
from bot.memory.recall import prompt_block
from bot.moderation import care_message
from bot.moderation.service import ModerationEvent, ModerationService
from bot.output import OutputGate
from bot.personas import PersonaService
from bot.storage import NewMessage, Storage, StoredMessage
from bot.streaming import MessageSink, StreamRenderer
from persona import Persona

if TYPE_CHECKING:
    from bot.memory.service import MemoryService

log = logging.getLogger(__name__)

MAX_INPUT_CHARS = 4000  # Discord's own ceiling (with Nitro); longer text is cut, not refused
HISTORY_TURNS = 20
OFFLINE_NAME = "offline"
STOPPED_NOTE = " … *(stopped)*"
HOLD_LINE = "…"
SAFE_LINE = (
    "I started writing something I shouldn't say here, so I've stopped. "
    "Could you ask me in a different way?"
)
STRICTER = (
    "\n\nYour previous draft broke the content rules. Write the answer again: kind, "
    "no profanity, nothing sexual or violent, no dangerous instructions."
)
DECLINE = (
    "I'd rather not go there, {user}. {name} keeps things friendly here. "
    "Want to talk about something else?"
)
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
        moderation: ModerationService | None = None,
        memory: MemoryService | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._db = db
        self._personas = personas
        self.brain = brain
        self._offline = offline or brain
        self._gate = gate
        self.limiter = limiter or ChatLimiter()
        self.config = config or ChatConfig()
        self.moderation = moderation
        self.memory = memory
        self._clock = clock
        self._background: set[asyncio.Task[object]] = set()

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
    async def build_request(
        self, turn: Turn, *, before: float | None = None, memories: list[str] | None = None
    ) -> ChatRequest:
        """The persona, rules, memories and conversation the brain answers from."""
        persona = await self._personas.active(turn.guild_id, turn.channel_id)
        if turn.thread is not None:
            history: tuple[ChatMessage, ...] | list[ChatMessage] = turn.thread
        else:
            stored = await self._db.messages.recent(
                turn.channel_id, limit=HISTORY_TURNS, user_id=turn.user_id, before=before
            )
            history = [self._as_chat_message(m) for m in stored]
        system_prompt = f"{persona.render_system_prompt()}\n\n{SYSTEM_RULES}"
        if memories:
            system_prompt += "\n\n" + prompt_block(memories, turn.user_name)
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
            extra={"memories": tuple(memories or ())},
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
        if regenerating is None:
            direct = await self._direct_answer(turn)
            if direct is not None:
                return await self._say(turn, sink, direct)
            notice = await self._observe(turn)
        else:
            notice = None
        memories = await self._recall(turn)
        request, usage = with_usage(
            await self.build_request(turn, before=history_before, memories=memories)
        )
        brain, prefix = await self._brain_for(turn, request.persona)
        policy = await self.moderation.policy_for(turn.guild_id) if self.moderation else None
        flagged = asyncio.Event()

        def render(text: str) -> str:
            visible = self._gate.render(text)
            if self.moderation is not None and policy is not None and visible.strip():
                if not self.moderation.check_output(visible, policy).allowed:
                    flagged.set()
                    return HOLD_LINE
            return visible

        renderer = StreamRenderer(sink, render=render)
        if prefix:
            renderer.feed(prefix)
        stopped = await self._stream(brain, request, renderer, stop, flagged)
        if flagged.is_set():
            await self._report_output(turn)
            stopped = await self._rewrite(brain, request, renderer, stop, flagged)
        if notice:
            renderer.feed(f"\n\n-# {notice}")
            await renderer.finish()
        handles = renderer.handles
        if regenerating is not None:
            await self._db.messages.update_content(regenerating, renderer.text)
        else:
            await self._store(turn, renderer.text, handles)
        spent = _tokens_spent(brain is not self._offline, usage, request, renderer.text)
        if spent and turn.guild_id is not None:
            await self._db.usage.add_tokens(turn.guild_id, self._today(), spent)
        self._learn_after(turn, renderer.text, remote=brain is not self._offline)
        return ReplyOutcome(renderer.text, tuple(handles), brain.name, stopped)

    async def _stream(
        self,
        brain: Brain,
        request: ChatRequest,
        renderer: StreamRenderer,
        stop: asyncio.Event | None,
        flagged: asyncio.Event,
    ) -> bool:
        """Run the brain into the renderer until it ends, Stop is pressed or the output
        filter flags it; returns True when stopped by the user."""
        consume = asyncio.create_task(self._consume(brain, request, renderer))
        waiters: list[asyncio.Future[object]] = [asyncio.ensure_future(flagged.wait())]
        if stop is not None:
            waiters.append(asyncio.ensure_future(stop.wait()))
        try:
            await asyncio.wait({consume, *waiters}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
        if consume.done():
            consume.result()  # re-raise what went wrong (not brain errors: handled inside)
            return False
        consume.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await consume
        if flagged.is_set():
            return False
        renderer.feed(STOPPED_NOTE)
        await renderer.finish()
        return True

    async def _rewrite(
        self,
        brain: Brain,
        request: ChatRequest,
        renderer: StreamRenderer,
        stop: asyncio.Event | None,
        flagged: asyncio.Event,
    ) -> bool:
        """One more try with a stricter instruction, over the same messages; then a safe line."""
        flagged.clear()
        renderer.restart()
        stricter = replace(request, system_prompt=request.system_prompt + STRICTER)
        stopped = await self._stream(brain, stricter, renderer, stop, flagged)
        if flagged.is_set():
            renderer.restart()
            renderer.feed(SAFE_LINE)
            await renderer.finish()
        return stopped

    async def _direct_answer(self, turn: Turn) -> str | None:
        """An answer that needs no brain: care, a kind decline, or a memory request."""
        if self.moderation is not None:
            verdict = await self.moderation.check_input(
                turn.content,
                guild_id=turn.guild_id,
                channel_id=turn.channel_id,
                user_id=turn.user_id,
                message_id=turn.message_id,
            )
            if verdict.verdict != "allow":
                persona = await self._personas.active(turn.guild_id, turn.channel_id)
                if verdict.verdict == "care":
                    return care_message(persona.name)
                return DECLINE.format(user=turn.user_name, name=persona.name)
        if self.memory is not None:
            return await self.memory.handle_chat_command(turn.user_id, turn.guild_id, turn.content)
        return None

    async def _say(self, turn: Turn, sink: MessageSink, text: str) -> ReplyOutcome:
        renderer = StreamRenderer(sink, render=self._gate.render)
        renderer.feed(text)
        await renderer.finish()
        await self._store(turn, renderer.text, renderer.handles)
        return ReplyOutcome(renderer.text, tuple(renderer.handles), "hearth")

    async def _observe(self, turn: Turn) -> str | None:
        if self.memory is None:
            return None
        notice = await self.memory.observe(
            turn.user_id, turn.guild_id, turn.channel_id, turn.content, turn.message_id
        )
        return notice.text if notice else None

    async def _recall(self, turn: Turn) -> list[str]:
        if self.memory is None:
            return []
        return await self.memory.recall(turn.user_id, turn.guild_id, turn.content)

    async def _report_output(self, turn: Turn) -> None:
        if self.moderation is not None:
            await self.moderation.announce(
                ModerationEvent(
                    "output_blocked",
                    turn.guild_id,
                    turn.channel_id,
                    turn.user_id,
                    None,
                    "(a draft reply was withheld)",
                    turn.message_id,
                )
            )

    def _learn_after(self, turn: Turn, reply: str, *, remote: bool) -> None:
        """LLM memory extraction, after the reply is shown (it never delays the reply)."""
        if self.memory is None or not remote or not self.memory.llm_enabled:
            return
        task = asyncio.create_task(
            self.memory.after_reply(
                turn.user_id,
                turn.guild_id,
                turn.channel_id,
                turn.content,
                reply,
                turn.message_id,
                turn.user_name,
            )
        )
        self._background.add(task)
        task.add_done_callback(self._background.discard)

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
