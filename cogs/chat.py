"""Chat: answers mentions, replies to Hearth, DMs, and every message in "always" channels."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import uuid
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import HearthBot
from bot.conversation import Turn
from bot.storage import StorageError
from bot.triggers import MessageFacts, reason_to_answer
from cogs import outbox
from cogs.checks import is_moderator, moderator_only

log = logging.getLogger(__name__)

STOP_ID_PREFIX = "hearth:stop:"  # the emulator's waits treat such a button as "still writing"
STOP_BUTTON_LIFETIME = 900.0
TYPING_DELAY = 0.3  # replies faster than this need no typing indicator
TYPING_REFRESH = 8.0  # Discord shows "typing…" for 10 s; refresh before it lapses


class StopView(discord.ui.View):
    """The Stop button under a reply that is still being written."""

    def __init__(self, asker: discord.abc.User, stop: asyncio.Event) -> None:
        super().__init__(timeout=STOP_BUTTON_LIFETIME)
        self._asker = asker
        self._stop = stop
        button: discord.ui.Button[StopView] = discord.ui.Button(
            label="Stop",
            style=discord.ButtonStyle.danger,
            custom_id=f"{STOP_ID_PREFIX}{uuid.uuid4().hex}",
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


class DiscordSink:
    """A MessageSink writing into a channel: the first message replies to the user's."""

    def __init__(self, bot: HearthBot, source: discord.Message, stop: asyncio.Event) -> None:
        self._bot = bot
        self._source = source
        self._stop_view = StopView(source.author, stop)
        self._messages: dict[int, discord.Message] = {}
        self._typing: asyncio.Task[None] | None = None
        self._typing_post: asyncio.Future[None] | None = None

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
            await self._source.channel.typing()

    async def stop_typing(self) -> None:
        """Stop refreshing "typing…", after any request already on its way has landed."""
        if self._typing is not None:
            self._typing.cancel()
            self._typing = None
        if self._typing_post is not None and not self._typing_post.done():
            await self._typing_post

    async def send(self, text: str, *, streaming: bool) -> int:
        await self.stop_typing()
        reference = self._source if not self._messages and self._source.guild else None
        message = await outbox.send(
            self._bot,
            self._source.channel,
            text,
            reference=reference,
            view=self._stop_view if streaming else None,
            rendered=True,
        )
        self._messages[message.id] = message
        return message.id

    async def edit(self, handle: int, text: str, *, streaming: bool) -> None:
        self._messages[handle] = await outbox.edit(
            self._bot,
            self._messages[handle],
            text,
            view=self._stop_view if streaming else None,
            rendered=True,
        )


MODE_HELP = {
    "off": "I won't chat here (slash commands still work).",
    "mention": "I'll answer when someone mentions me or replies to me.",
    "always": "I'll join every conversation here.",
}


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

    @chat.command(name="mode", description="Choose when I chat in this channel")
    @app_commands.describe(
        mode="off: never; mention: when mentioned or replied to; always: every message"
    )
    @moderator_only()
    async def chat_mode(
        self, interaction: discord.Interaction, mode: Literal["off", "mention", "always"]
    ) -> None:
        assert interaction.guild is not None and interaction.channel is not None
        db = self.bot.services.db
        await db.channels.set_chat_mode(interaction.guild.id, interaction.channel.id, mode)
        await db.audit.record(
            interaction.guild.id,
            interaction.user.id,
            "chat.mode",
            {"channel_id": interaction.channel.id, "mode": mode},
        )
        await outbox.respond(
            interaction, f"Chat mode for this channel is now **{mode}**: {MODE_HELP[mode]}"
        )

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or message.is_system() or self.bot.user is None:
            return
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
        mode = None
        if not is_dm:
            settings = await self.bot.services.db.channels.get(message.channel.id)
            mode = settings.chat_mode if settings else None
        text = strip_bot_mention(message, me)
        facts = MessageFacts(
            author_is_bot=message.author.bot,
            is_system=message.is_system(),
            is_dm=is_dm,
            mentions_bot=any(u.id == me.id for u in message.mentions),
            replies_to_bot=_replies_to(message, me.id),
            has_text=bool(text.strip()),
        )
        if reason_to_answer(facts, mode) is None:
            return
        turn = Turn(
            user_id=message.author.id,
            user_name=message.author.display_name,
            channel_id=message.channel.id,
            guild_id=message.guild.id if message.guild else None,
            content=text,
            message_id=message.id,
            reply_to_message_id=message.reference.message_id if message.reference else None,
        )
        stop = asyncio.Event()
        sink = DiscordSink(self.bot, message, stop)
        sink.start_typing()
        try:
            await self.bot.services.conversation.respond(turn, sink, stop=stop)
        finally:
            await sink.stop_typing()

    async def _apologise(self, message: discord.Message, text: str) -> None:
        with contextlib.suppress(discord.HTTPException):
            await outbox.send(self.bot, message.channel, text)


def strip_bot_mention(message: discord.Message, me: discord.abc.User) -> str:
    """The message's text with mentions of Hearth removed and other mentions readable."""
    text = re.sub(rf"<@!?{me.id}>", "", message.content)
    for user in message.mentions:
        if user.id != me.id:
            text = re.sub(rf"<@!?{user.id}>", "@" + user.display_name, text)
    return text.strip()


def _replies_to(message: discord.Message, user_id: int) -> bool:
    resolved = message.reference.resolved if message.reference else None
    return isinstance(resolved, discord.Message) and resolved.author.id == user_id


async def setup(bot: HearthBot) -> None:
    await bot.add_cog(Chat(bot))
