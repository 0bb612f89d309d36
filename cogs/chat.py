"""Chat: answers mentions, replies, DMs, its name, and every message in "always" channels.

Under a reply that is being written there is a Stop button; under a finished reply, a
Regenerate button. Only the person who asked (or a moderator) may press either.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections import OrderedDict
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.brain.base import ChatMessage
from bot.client import HearthBot
from bot.conversation import Turn
from bot.storage import StorageError
from bot.streaming import PieceState
from bot.triggers import MessageFacts, addressed_by_name, reason_to_answer, strip_name_address
from cogs import outbox
from cogs.checks import is_moderator, moderator_only
from cogs.moderation import feedback_buttons

log = logging.getLogger(__name__)

STOP_ID_PREFIX = "hearth:stop:"  # the emulator's waits treat such a button as "still writing"
STOP_BUTTON_LIFETIME = 900.0
TYPING_DELAY = 0.3  # replies faster than this need no typing indicator
TYPING_REFRESH = 8.0  # Discord shows "typing…" for 10 s; refresh before it lapses
REPLY_CHAIN_DEPTH = 15
CACHE_SIZE = 2000

MODE_HELP = {
    "off": "I won't chat here (slash commands still work).",
    "mention": "I'll answer when someone mentions me, replies to me or starts with my name.",
    "always": "I'll join the conversation here, pausing {cooldown} between unprompted replies.",
}


class StopView(discord.ui.View):
    """The Stop button under a reply that is still being written."""

    def __init__(self, asker: discord.abc.User, stop: asyncio.Event) -> None:
        super().__init__(timeout=STOP_BUTTON_LIFETIME)
        self._asker = asker
        self._stop = stop
        button: discord.ui.Button[StopView] = discord.ui.Button(
            label="Stop",
            style=discord.ButtonStyle.danger,
            custom_id=f"{STOP_ID_PREFIX}{id(stop):x}",
        )
        button.callback = self._pressed
        self.add_item(button)

    async def _pressed(self, interaction: discord.Interaction) -> None:
        if interaction.user.id != self._asker.id and not await is_moderator(interaction):
            await outbox.respond(
                interaction,
                f"Only {self._asker.display_name} (who asked) or a moderator can stop this reply.",
                ephemeral=True,
            )
            return
        self._stop.set()
        await interaction.response.defer()  # the reply's own final edit removes the button


class RegenerateButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"hearth:regen:(?P<asked>\d+)"
):
    """Regenerate under a finished reply. Dynamic, so it works after a restart: everything
    it needs is found from the id of the message that was answered."""

    def __init__(self, asked: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Regenerate",
                style=discord.ButtonStyle.secondary,
                custom_id=f"hearth:regen:{asked}",
            )
        )
        self.asked = asked

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> RegenerateButton:
        return cls(int(match["asked"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        chat = interaction.client.get_cog("Chat")  # type: ignore[attr-defined]
        await chat.regenerate(interaction, self.asked)


def regenerate_view(asked: int) -> discord.ui.View:
    """Regenerate and thumbs up/down under a finished reply (keyed by what was asked)."""
    view = discord.ui.View(timeout=None)
    view.add_item(RegenerateButton(asked))
    for button in feedback_buttons(asked):
        view.add_item(button)
    return view


class DiscordSink:
    """A MessageSink writing into a channel: the first message replies to the user's.

    ``reuse``: messages of an earlier reply to overwrite in order (Regenerate); whatever the
    new reply does not need is deleted at the end.
    """

    def __init__(
        self,
        bot: HearthBot,
        channel: discord.abc.Messageable,
        asker: discord.abc.User,
        stop: asyncio.Event,
        *,
        reference: discord.Message | None = None,
        asked: int | None = None,
        reuse: list[discord.PartialMessage] | None = None,
    ) -> None:
        self._bot = bot
        self._channel = channel
        self._reference = reference
        self._asked = asked
        self._reuse = list(reuse or [])
        self._messages: dict[int, discord.Message | discord.PartialMessage] = {}
        self._stop_view = StopView(asker, stop)
        self._typing: asyncio.Task[None] | None = None
        self._typing_post: asyncio.Future[None] | None = None

    def _view(self, state: PieceState) -> discord.ui.View | None:
        if state == "streaming":
            return self._stop_view
        if state == "final" and self._asked is not None:
            return regenerate_view(self._asked)
        return None

    def start_typing(self) -> None:
        """Show "typing…" while the reply is slow to start (instant replies need none)."""
        self._typing = asyncio.create_task(self._keep_typing())

    async def _keep_typing(self) -> None:
        await asyncio.sleep(TYPING_DELAY)
        while True:
            # Shielded so that stopping never aborts a request halfway: a typing request
            # that lands after the reply would show "typing…" under a finished answer.
            self._typing_post = asyncio.ensure_future(self._trigger_typing())
            await asyncio.shield(self._typing_post)
            await asyncio.sleep(TYPING_REFRESH)

    async def _trigger_typing(self) -> None:
        with contextlib.suppress(discord.HTTPException):
            await self._channel.typing()

    async def stop_typing(self) -> None:
        """Stop refreshing "typing…", after any request already on its way has landed."""
        if self._typing is not None:
            self._typing.cancel()
            self._typing = None
        if self._typing_post is not None and not self._typing_post.done():
            await self._typing_post

    async def send(self, text: str, *, state: PieceState) -> int:
        await self.stop_typing()
        if self._reuse:
            old = self._reuse.pop(0)
            self._messages[old.id] = old
            await self.edit(old.id, text, state=state)
            return old.id
        reference = self._reference if not self._messages else None
        message = await outbox.send(
            self._bot,
            self._channel,
            text,
            reference=reference,
            view=self._view(state),
            rendered=True,
        )
        self._messages[message.id] = message
        return message.id

    async def edit(self, handle: int, text: str, *, state: PieceState) -> None:
        self._messages[handle] = await outbox.edit(
            self._bot, self._messages[handle], text, view=self._view(state), rendered=True
        )

    async def discard_unused(self) -> None:
        """Delete messages of an earlier reply that the new one did not need."""
        for message in self._reuse:
            with contextlib.suppress(discord.HTTPException):
                await message.delete()
        self._reuse.clear()


class Chat(commands.Cog):
    """Turns Discord messages into conversation turns and streams the replies back."""

    chat = app_commands.Group(
        name="chat",
        description="Where and when I chat",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )

    def __init__(self, bot: HearthBot) -> None:
        self.bot = bot
        # Reply chains walk up through parents; keep the ones seen recently.
        self._seen: OrderedDict[int, tuple[int, str, str, int | None]] = OrderedDict()
        # Which messages hold the reply to an asked message (for Regenerate); after a
        # restart the stored first message and the button's own message are used.
        self._replies: OrderedDict[int, list[int]] = OrderedDict()
        self._regenerating: set[int] = set()

    @property
    def services(self):  # type: ignore[no-untyped-def]
        return self.bot.services

    # ----------------------------------------------------------------- slash commands
    @chat.command(name="mode", description="Choose when I chat in this channel")
    @app_commands.describe(
        mode="off: never; mention: when mentioned, replied to or called by name; always: "
        "join the conversation",
        cooldown="always mode: seconds between unprompted replies (0-3600)",
    )
    @moderator_only()
    async def chat_mode(
        self,
        interaction: discord.Interaction,
        mode: Literal["off", "mention", "always"],
        cooldown: app_commands.Range[int, 0, 3600] | None = None,
    ) -> None:
        assert interaction.guild is not None and interaction.channel is not None
        db = self.services.db
        guild_id, channel_id = interaction.guild.id, interaction.channel.id
        await db.channels.set_chat_mode(guild_id, channel_id, mode)
        if cooldown is not None:
            await db.channels.set_chat_cooldown(guild_id, channel_id, cooldown)
        await db.audit.record(
            guild_id,
            interaction.user.id,
            "chat.mode",
            {
                "channel_id": channel_id,
                "mode": mode,
                **({"cooldown": cooldown} if cooldown is not None else {}),
            },
        )
        settings = await db.channels.get(channel_id)
        pause = self._cooldown(settings.chat_cooldown if settings else None)
        text = MODE_HELP[mode].format(cooldown=f"{pause:g} s")
        await outbox.respond(interaction, f"Chat mode for this channel is now **{mode}**: {text}")

    # ----------------------------------------------------------------- chat
    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        self._remember(message)
        if message.author.bot or message.is_system() or self.bot.user is None:
            return
        if self.services.jokes.claims(message.channel.id, message.author.id, message.id):
            return  # the next line of a knock-knock joke: the jokes cog answers it
        try:
            await self._maybe_answer(message)
        except StorageError as exc:
            log.error("storage failed while answering %s: %s", message.id, exc)
            await self._apologise(
                message,
                "I couldn't reach my memory just now (a storage "
                "problem on my side). Please try again in a moment.",
            )
        except Exception:
            log.exception("failed to answer message %s", message.id)
            await self._apologise(
                message,
                "Sorry, something went wrong on my side while answering. It has been logged.",
            )

    async def _maybe_answer(self, message: discord.Message) -> None:
        me = self.bot.user
        assert me is not None
        is_dm = message.guild is None
        if not is_dm and self.services.trivia.claims_message(message.channel.id):
            return  # a typed trivia game is running here: its answers are not chat
        settings = None if is_dm else await self.services.db.channels.get(message.channel.id)
        text = strip_bot_mention(message, me)
        persona_name = None
        if not is_dm:
            persona = await self.services.personas.active(message.guild.id, message.channel.id)  # type: ignore[union-attr]
            persona_name = persona.name
        facts = MessageFacts(
            author_is_bot=message.author.bot,
            is_system=message.is_system(),
            is_dm=is_dm,
            mentions_bot=any(u.id == me.id for u in message.mentions),
            replies_to_bot=_replies_to(message, me.id),
            has_text=bool(text.strip()),
            addresses_by_name=bool(persona_name) and addressed_by_name(text, persona_name),
        )
        reason = reason_to_answer(facts, settings.chat_mode if settings else None)
        if reason is None:
            return
        if reason == "name" and persona_name:
            text = strip_name_address(text, persona_name)
        if reason == "always":
            cooldown = self._cooldown(settings.chat_cooldown if settings else None)
            if not self.services.conversation.limiter.cooled_down(message.channel.id, cooldown):
                return
            self.services.conversation.limiter.mark_unprompted(message.channel.id)
        turn = Turn(
            user_id=message.author.id,
            user_name=message.author.display_name,
            channel_id=message.channel.id,
            guild_id=message.guild.id if message.guild else None,
            content=text,
            message_id=message.id,
            reply_to_message_id=message.reference.message_id if message.reference else None,
            thread=await self._reply_chain(message),
        )
        admission = await self.services.conversation.admit(turn)
        if not admission.allowed:
            if admission.notice:
                await outbox.send(
                    self.bot,
                    message.channel,
                    admission.notice,
                    reference=message if message.guild else None,
                )
            return
        stop = asyncio.Event()
        sink = DiscordSink(
            self.bot,
            message.channel,
            message.author,
            stop,
            reference=message if message.guild else None,
            asked=message.id,
        )
        sink.start_typing()
        try:
            outcome = await self.services.conversation.respond(turn, sink, stop=stop)
        finally:
            await sink.stop_typing()
        self._keep_reply(message.id, list(outcome.message_ids))

    def _cooldown(self, configured: float | None) -> float:
        return configured if configured is not None else self.services.settings.chat_cooldown

    async def _apologise(self, message: discord.Message, text: str) -> None:
        with contextlib.suppress(discord.HTTPException):
            await outbox.send(self.bot, message.channel, text)

    # ----------------------------------------------------------------- reply chains
    def _remember(self, message: discord.Message) -> None:
        parent = message.reference.message_id if message.reference else None
        self._seen[message.id] = (
            message.author.id,
            message.author.display_name,
            message.content,
            parent,
        )
        self._seen.move_to_end(message.id)
        while len(self._seen) > CACHE_SIZE:
            self._seen.popitem(last=False)

    async def _reply_chain(self, message: discord.Message) -> tuple[ChatMessage, ...] | None:
        """The messages this one answers, oldest first; None when it is not a reply."""
        reference = message.reference
        if reference is None or reference.message_id is None:
            return None
        me = self.bot.user
        assert me is not None
        chain: list[ChatMessage] = []
        current: int | None = reference.message_id
        resolved = reference.resolved if isinstance(reference.resolved, discord.Message) else None
        while current is not None and len(chain) < REPLY_CHAIN_DEPTH:
            node = self._seen.get(current)
            if node is None:
                parent = resolved if resolved is not None and resolved.id == current else None
                if parent is None:
                    try:
                        parent = await message.channel.fetch_message(current)
                    except discord.HTTPException:
                        break  # deleted, or no access: the chain ends here
                self._remember(parent)
                node = self._seen[current]
            author_id, author_name, content, current = node
            if author_id == me.id:
                chain.append(ChatMessage("assistant", content))
            else:
                chain.append(
                    ChatMessage("user", strip_mentions_text(content, me.id), name=author_name)
                )
        chain.reverse()
        return tuple(chain)

    # ----------------------------------------------------------------- regenerate
    def _keep_reply(self, asked: int, message_ids: list[int]) -> None:
        self._replies[asked] = message_ids
        self._replies.move_to_end(asked)
        while len(self._replies) > CACHE_SIZE:
            self._replies.popitem(last=False)

    async def regenerate(self, interaction: discord.Interaction, asked: int) -> None:
        """Answer the same question again, in place of the old reply."""
        conversation = self.services.conversation
        found = await conversation.turn_for_regenerate(asked)
        old = await self.services.db.messages.reply_to(asked)
        if found is None or old is None or old.discord_message_id is None:
            await outbox.respond(
                interaction,
                "I can't find what this reply answered any more "
                "(old conversations are pruned). Ask me again?",
                ephemeral=True,
            )
            return
        turn, asked_at = found
        if interaction.user.id != turn.user_id and not await is_moderator(interaction):
            await outbox.respond(
                interaction,
                f"Only {turn.user_name} (who asked) or a moderator can regenerate this reply.",
                ephemeral=True,
            )
            return
        if asked in self._regenerating:
            await outbox.respond(interaction, "I'm already rewriting that one.", ephemeral=True)
            return
        admission = await conversation.admit(turn)
        if not admission.allowed:
            await outbox.respond(
                interaction, admission.notice or "Give me a moment.", ephemeral=True
            )
            return
        await interaction.response.defer()
        channel = interaction.channel
        assert channel is not None
        ids = self._replies.get(asked) or [old.discord_message_id]
        if interaction.message is not None and interaction.message.id not in ids:
            ids.append(interaction.message.id)
        reuse = [channel.get_partial_message(i) for i in ids]  # type: ignore[union-attr]
        stop = asyncio.Event()
        sink = DiscordSink(
            self.bot,
            channel,
            interaction.user,
            stop,
            asked=asked,  # type: ignore[arg-type]
            reuse=reuse,
        )
        self._regenerating.add(asked)
        try:
            outcome = await conversation.respond(
                turn, sink, stop=stop, regenerating=old.discord_message_id, history_before=asked_at
            )
            await sink.discard_unused()
        finally:
            self._regenerating.discard(asked)
        self._keep_reply(asked, list(outcome.message_ids))


def strip_bot_mention(message: discord.Message, me: discord.abc.User) -> str:
    """The message's text with mentions of Hearth removed and other mentions readable."""
    text = strip_mentions_text(message.content, me.id)
    for user in message.mentions:
        if user.id != me.id:
            text = re.sub(rf"<@!?{user.id}>", "@" + user.display_name, text)
    return text.strip()


def strip_mentions_text(content: str, bot_id: int) -> str:
    """A message's text without mentions of Hearth."""
    return re.sub(rf"<@!?{bot_id}>", "", content).strip()


def _replies_to(message: discord.Message, user_id: int) -> bool:
    resolved = message.reference.resolved if message.reference else None
    return isinstance(resolved, discord.Message) and resolved.author.id == user_id


async def setup(bot: HearthBot) -> None:
    bot.add_dynamic_items(RegenerateButton)
    await bot.add_cog(Chat(bot))
