"""Trivia in Discord: /trivia start|stop|skip|hint|categories|leaderboard|stats|pack ...

Thin adapter over `bot.games.trivia.service`: commands become service calls, a game's
events are drawn by a `DiscordTable` (one per game), and text comes from
`bot.games.trivia.present`. Answer buttons are dynamic items whose custom id names the game
and the question, so a press after a restart or on an old question gets a clear answer
instead of "interaction failed". In typed mode this cog's listener reads the channel's
messages as answers; the chat cog stays quiet there (it asks `trivia.claims_message`).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import re
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import HearthBot
from bot.games.trivia.events import (
    ActionRejected,
    AnswerRecorded,
    Event,
    GameOver,
    GameStarted,
    HintGiven,
    QuestionAsked,
    QuestionRevealed,
    ScoreboardSnapshot,
    WrongGuess,
)
from bot.games.trivia.loader import MAX_PACK_BYTES
from bot.games.trivia.packs import PackError
from bot.games.trivia.present import (
    Card,
    QuestionView,
    categories_card,
    game_over_card,
    hint_text,
    interrupted_card,
    intro_card,
    leaderboard_card,
    option_label,
    question_card,
    reveal_card,
    scoreboard_card,
    stats_card,
)
from bot.games.trivia.service import (
    PERIOD_NAMES,
    StartRequest,
    TriviaError,
    TriviaService,
)
from bot.games.trivia.session import SessionInfo
from bot.games.trivia.settings import ROUNDS_BOUNDS, TIMER_BOUNDS
from cogs import outbox
from cogs.checks import is_moderator, moderator_only

log = logging.getLogger(__name__)

COLOURS = {
    "info": discord.Colour.from_rgb(88, 101, 242),
    "good": discord.Colour.from_rgb(67, 181, 129),
    "bad": discord.Colour.from_rgb(240, 71, 71),
    "final": discord.Colour.from_rgb(250, 166, 26),
}
ANSWER_ID = "hearth:trivia:{game}:{number}:{option}"
COUNT_EDIT_DELAY = 0.5  # answer-count edits of a question message are batched this long
MAX_AUTOCOMPLETE = 25

_KIND_REASONS = {
    "you have already answered this question": (
        "You've already answered this one, and answers are final. Hang on for the reveal!"
    ),
    "that option was removed by the hint": "That option was ruled out by the hint; pick another.",
    "no question is open right now": "The question has closed; wait for the next one!",
}


def card_embed(card: Card) -> discord.Embed:
    """A present.Card as a Discord embed (the outbox passes every text through the gate)."""
    embed = discord.Embed(title=card.title, description=card.description or None)
    embed.colour = COLOURS[card.tone]
    for name, value in card.fields:
        embed.add_field(name=name, value=value or "—", inline=len(card.fields) > 2)
    if card.footer:
        embed.set_footer(text=card.footer)
    return embed


def kindly(reason: str) -> str:
    """An engine refusal, phrased for the player."""
    if reason in _KIND_REASONS:
        return _KIND_REASONS[reason]
    return reason[:1].upper() + reason[1:] + ("" if reason.endswith((".", "!", "?")) else ".")


class AnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"hearth:trivia:(?P<game>\d+):(?P<number>\d+):(?P<option>[0-3])",
):
    """One of the A-D buttons under a question; works for any game, even after a restart."""

    def __init__(
        self,
        game: int,
        number: int,
        option: int,
        *,
        label: str = "?",
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
        disabled: bool = False,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=style,
                disabled=disabled,
                custom_id=ANSWER_ID.format(game=game, number=number, option=option),
            )
        )
        self.game = game
        self.number = number
        self.option = option

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> AnswerButton:
        return cls(int(match["game"]), int(match["number"]), int(match["option"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        cog = interaction.client.get_cog("Trivia")  # type: ignore[attr-defined]
        await cog.answer(interaction, self.game, self.number, self.option)


def answer_view(client: discord.Client, game_id: int, view: QuestionView) -> discord.ui.View | None:
    """The A-D buttons for a question in its current state (None in typed mode)."""
    asked = view.asked
    if not asked.options:
        return None
    gate = outbox.gate_of(client)
    buttons = discord.ui.View(timeout=None)
    revealed = view.revealed
    for index, option in enumerate(asked.options):
        style = discord.ButtonStyle.secondary
        if revealed is not None and revealed.correct_option == index:
            style = discord.ButtonStyle.success
        buttons.add_item(
            AnswerButton(
                game_id,
                asked.number,
                index,
                # Button labels do not pass through the outbox, so through the gate here.
                label=gate.render(option_label(index, option))[:80],
                style=style,
                disabled=revealed is not None or index in view.removed,
            )
        )
    return buttons


class DiscordTable:
    """Shows one game in one channel (implements `TriviaTable`)."""

    def __init__(
        self,
        bot: HearthBot,
        channel: discord.abc.Messageable,
        interaction: discord.Interaction | None = None,
    ) -> None:
        self._bot = bot
        self._channel = channel
        self._interaction = interaction
        self._message: discord.Message | None = None
        self._view: QuestionView | None = None
        self._count_task: asyncio.Task[None] | None = None
        self._silence_limit = 3

    @property
    def asked(self) -> QuestionAsked | None:
        """The latest question."""
        return self._view.asked if self._view else None

    def pointer(self) -> str | None:
        """A link to the latest question message."""
        return self._message.jump_url if self._message is not None else None

    async def show(self, event: Event, info: SessionInfo) -> None:
        """Draw one event."""
        if isinstance(event, GameStarted):
            self._silence_limit = event.settings.silence_limit
            await self._intro(intro_card(event, info.starter_name, info.notice))
        elif isinstance(event, QuestionAsked):
            self._view = QuestionView(event)
            self._message = await self._send(
                question_card(self._view), answer_view(self._bot, info.game_id, self._view)
            )
        elif isinstance(event, AnswerRecorded):
            if self._view is not None and self._view.asked.number == event.number:
                self._view = dataclasses.replace(self._view, answered=event.answered_count)
                self._schedule_count_edit(info)
        elif isinstance(event, HintGiven):
            if self._view is not None and self._view.asked.number == event.number:
                self._view = dataclasses.replace(
                    self._view, removed=event.removed_options, hint=event.text
                )
                await self._edit_question(info)
        elif isinstance(event, QuestionRevealed):
            if self._view is not None and self._view.asked.number == event.number:
                answered = len(event.correct) + len(event.wrong)
                self._view = dataclasses.replace(self._view, revealed=event, answered=answered)
                await self._edit_question(info)
            await self._send(reveal_card(event, typed=info.mode == "typed"))
        elif isinstance(event, ScoreboardSnapshot):
            if not event.final:  # the final scores are part of the game-over message
                await self._send(scoreboard_card(event))
        elif isinstance(event, GameOver):
            card = game_over_card(
                event, stopped_by=info.stopped_by, silence_limit=self._silence_limit
            )
            await self._send(card)

    async def _intro(self, card: Card) -> None:
        interaction = self._interaction
        if interaction is None:
            await self._send(card)
        elif interaction.response.is_done():
            await outbox.update(interaction, embed=card_embed(card))
        else:
            await outbox.respond(interaction, embed=card_embed(card))

    async def _send(self, card: Card, view: discord.ui.View | None = None) -> discord.Message:
        return await outbox.send(self._bot, self._channel, embed=card_embed(card), view=view)

    def _schedule_count_edit(self, info: SessionInfo) -> None:
        # A rush of answers becomes one edit, not one per press.
        if self._count_task is None or self._count_task.done():
            self._count_task = asyncio.create_task(self._delayed_count_edit(info))

    async def _delayed_count_edit(self, info: SessionInfo) -> None:
        await asyncio.sleep(COUNT_EDIT_DELAY)
        if self._view is not None and self._view.revealed is None:
            await self._edit_question(info)

    async def _edit_question(self, info: SessionInfo) -> None:
        if self._message is None or self._view is None:
            return
        try:
            self._message = await outbox.edit(
                self._bot,
                self._message,
                embed=card_embed(question_card(self._view)),
                view=answer_view(self._bot, info.game_id, self._view),
            )
        except discord.HTTPException:
            log.warning("could not update a trivia question message", exc_info=True)


class Trivia(commands.Cog):
    """Trivia games, stats and question packs."""

    trivia = app_commands.Group(
        name="trivia", description="Play trivia with everyone here", guild_only=True
    )

    def __init__(self, bot: HearthBot) -> None:
        self.bot = bot
        self._announcer: asyncio.Task[None] | None = None

    @property
    def service(self) -> TriviaService:
        return self.bot.services.trivia

    async def cog_load(self) -> None:
        self._announcer = asyncio.create_task(self._announce_interrupted())

    async def cog_unload(self) -> None:
        if self._announcer is not None:
            self._announcer.cancel()
        await self.service.close()

    async def _announce_interrupted(self) -> None:
        """After a restart: tell each channel whose game was cut short."""
        await self.bot.wait_until_ready()
        for ended in self.service.take_interrupted():
            channel_id = ended.game.channel_id
            channel = self.bot.get_channel(channel_id) or self.bot.get_partial_messageable(
                channel_id, guild_id=ended.game.guild_id
            )
            try:
                await outbox.send(
                    self.bot,
                    channel,  # type: ignore[arg-type]
                    embed=card_embed(interrupted_card(ended)),
                )
            except discord.HTTPException:
                log.warning("could not announce the end of trivia game %s", ended.game.id)

    # ----------------------------------------------------------------- playing
    @trivia.command(name="start", description="Start a trivia game in this channel")
    @app_commands.describe(
        category="A category (leave empty for a mix); start typing for suggestions",
        difficulty="easy, medium, hard, or any",
        rounds=f"How many questions ({ROUNDS_BOUNDS[0]}-{ROUNDS_BOUNDS[1]}, default 10)",
        mode="buttons: pick A-D; typed: type the answer, first right answer wins",
        timer=f"Seconds per question ({TIMER_BOUNDS[0]}-{TIMER_BOUNDS[1]}, default 20)",
    )
    async def start(
        self,
        interaction: discord.Interaction,
        category: str | None = None,
        difficulty: Literal["easy", "medium", "hard", "any"] | None = None,
        rounds: app_commands.Range[int, ROUNDS_BOUNDS[0], ROUNDS_BOUNDS[1]] | None = None,
        mode: Literal["buttons", "typed"] | None = None,
        timer: app_commands.Range[int, TIMER_BOUNDS[0], TIMER_BOUNDS[1]] | None = None,
    ) -> None:
        assert interaction.guild is not None and interaction.channel is not None
        request = StartRequest(
            guild_id=interaction.guild.id,
            channel_id=interaction.channel.id,
            user_id=interaction.user.id,
            user_name=interaction.user.display_name,
            category=category,
            difficulty=difficulty,
            rounds=rounds,
            mode=mode,
            timer=timer,
        )
        if self.service.online is not None:
            await interaction.response.defer()  # fetching questions online can take seconds
        table = DiscordTable(self.bot, interaction.channel, interaction)  # type: ignore[arg-type]
        try:
            await self.service.start(request, table)
        except TriviaError as exc:
            if interaction.response.is_done():
                with contextlib.suppress(discord.HTTPException):
                    await interaction.delete_original_response()
            await outbox.respond(interaction, str(exc), ephemeral=True)

    @start.autocomplete("category")
    async def _category_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        choices = await self.service.category_choices(interaction.guild_id, current)
        return [
            app_commands.Choice(name=c.label[:100], value=c.value)
            for c in choices[:MAX_AUTOCOMPLETE]
        ]

    async def answer(
        self, interaction: discord.Interaction, game_id: int, number: int, option: int
    ) -> None:
        """An A-D button was pressed."""
        assert interaction.channel_id is not None
        user = interaction.user
        events = self.service.choose(
            interaction.channel_id, game_id, number, user.id, user.display_name, option
        )
        for event in events:
            if isinstance(event, AnswerRecorded) and event.user_id == user.id:
                session = self.service.session(interaction.channel_id)
                asked = session.table.asked if session is not None else None  # type: ignore[attr-defined]
                picked = (
                    option_label(option, asked.options[option])
                    if asked is not None and asked.number == number
                    else "ABCD"[option]
                )
                await outbox.respond(
                    interaction,
                    f"🔒 Locked in **{picked}**. The answer is revealed when the question closes.",
                    ephemeral=True,
                )
                return
            if isinstance(event, ActionRejected):
                await outbox.respond(interaction, kindly(event.reason), ephemeral=True)
                return
        await outbox.respond(interaction, "That didn't count; try again.", ephemeral=True)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Typed mode: every message in the game's channel is a guess."""
        if message.author.bot or message.guild is None or not message.content.strip():
            return
        if not self.service.claims_message(message.channel.id):
            return
        me = self.bot.user
        # "@Hearth Paris" is an answer too: the mention is not part of it.
        text = re.sub(rf"<@!?{me.id}>", "", message.content).strip() if me else message.content
        if not text:
            return
        events = self.service.guess(
            message.channel.id, message.author.id, message.author.display_name, text
        )
        mark: str | None = None
        for event in events:
            if isinstance(event, WrongGuess):
                mark = "❌"
            elif isinstance(event, QuestionRevealed) and any(
                a.user_id == message.author.id for a in event.correct
            ):
                mark = "✅"
        if mark is not None:
            with contextlib.suppress(discord.HTTPException):
                await message.add_reaction(mark)

    @trivia.command(name="hint", description="A hint for the open question (points halve)")
    async def hint(self, interaction: discord.Interaction) -> None:
        assert interaction.channel_id is not None
        try:
            events = self.service.hint(interaction.channel_id, interaction.user.id)
        except TriviaError as exc:
            await outbox.respond(interaction, str(exc), ephemeral=True)
            return
        for event in events:
            if isinstance(event, HintGiven):
                session = self.service.session(interaction.channel_id)
                asked = session.table.asked if session is not None else None  # type: ignore[attr-defined]
                options = asked.options if asked is not None else ()
                text = hint_text(event, options, interaction.user.display_name)
                await outbox.respond(interaction, text)
                return
            if isinstance(event, ActionRejected):
                await outbox.respond(interaction, kindly(event.reason), ephemeral=True)
                return
        await outbox.respond(interaction, "The question has just closed.", ephemeral=True)

    @trivia.command(name="skip", description="Reveal the open question without points")
    async def skip(self, interaction: discord.Interaction) -> None:
        assert interaction.channel_id is not None
        try:
            events = self.service.skip(
                interaction.channel_id,
                interaction.user.id,
                moderator=await is_moderator(interaction),
            )
        except TriviaError as exc:
            await outbox.respond(interaction, str(exc), ephemeral=True)
            return
        revealed = next((e for e in events if isinstance(e, QuestionRevealed)), None)
        if revealed is not None:
            await outbox.respond(
                interaction,
                f"⏭️ {interaction.user.display_name} skipped question {revealed.number}.",
            )
            return
        rejected = next((e for e in events if isinstance(e, ActionRejected)), None)
        reason = rejected.reason if rejected else "no question is open to skip"
        await outbox.respond(interaction, kindly(reason), ephemeral=True)

    @trivia.command(name="stop", description="End the game here (its starter or a moderator)")
    async def stop(self, interaction: discord.Interaction) -> None:
        assert interaction.channel_id is not None
        try:
            self.service.stop(
                interaction.channel_id,
                interaction.user.id,
                interaction.user.display_name,
                moderator=await is_moderator(interaction),
            )
        except TriviaError as exc:
            await outbox.respond(interaction, str(exc), ephemeral=True)
            return
        await outbox.respond(
            interaction, f"🛑 {interaction.user.display_name} stopped the game. Final scores…"
        )

    # ----------------------------------------------------------------- information
    @trivia.command(name="categories", description="The categories and how many questions each")
    async def categories(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        pool = await self.service.pool(interaction.guild_id)
        card = categories_card(pool.categories(), len(pool))
        await outbox.respond(interaction, embed=card_embed(card), ephemeral=True)

    @trivia.command(name="leaderboard", description="This server's best trivia players")
    @app_commands.describe(period="week: last 7 days; month: last 30 days; all: all time")
    async def leaderboard(
        self,
        interaction: discord.Interaction,
        period: Literal["week", "month", "all"] = "all",
    ) -> None:
        assert interaction.guild_id is not None
        try:
            page = await self.service.leaderboard(
                interaction.guild_id, period, user_id=interaction.user.id
            )
        except TriviaError as exc:
            await outbox.respond(interaction, str(exc), ephemeral=True)
            return
        card = leaderboard_card(page, PERIOD_NAMES[period], interaction.user.id)
        await outbox.respond(interaction, embed=card_embed(card))

    @trivia.command(name="stats", description="Trivia stats for you or another member")
    @app_commands.describe(member="Whose stats (default: yours)")
    async def stats(
        self, interaction: discord.Interaction, member: discord.Member | None = None
    ) -> None:
        assert interaction.guild_id is not None
        who = member or interaction.user
        stats = await self.service.stats(interaction.guild_id, who.id)
        if stats is None:
            whom = "You haven't" if who.id == interaction.user.id else f"{who.display_name} hasn't"
            await outbox.respond(
                interaction,
                f"{whom} answered any trivia questions in this server yet.",
                ephemeral=True,
            )
            return
        await outbox.respond(interaction, embed=card_embed(stats_card(stats)), ephemeral=True)

    # ----------------------------------------------------------------- packs (moderators)
    # Defined here, after the players' commands, so /help lists those first. Discord applies
    # default permissions to top-level commands only, so moderator_only() guards each one.
    pack = app_commands.Group(
        name="pack", description="Moderators: this server's own question packs", parent=trivia
    )

    @pack.command(name="add", description="Add or replace a question pack (TOML or JSON file)")
    @app_commands.describe(
        file="A .toml or .json question file (run `hearth trivia check-pack` to test it)",
        name="The pack's name (default: the file's name)",
    )
    @moderator_only()
    async def pack_add(
        self,
        interaction: discord.Interaction,
        file: discord.Attachment,
        name: app_commands.Range[str, 1, 32] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        if file.size > MAX_PACK_BYTES:
            await outbox.respond(
                interaction,
                f"That file is {file.size / 1024:.0f} KiB; a pack can be at most "
                f"{MAX_PACK_BYTES // 1024} KiB.",
                ephemeral=True,
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            data = await file.read()
            added = await self.service.add_pack(
                interaction.guild_id, interaction.user.id, file.filename, data, name
            )
        except PackError as exc:
            await outbox.respond(interaction, exc.render()[:1900], ephemeral=True)
            return
        except discord.HTTPException:
            await outbox.respond(
                interaction,
                "I couldn't download that file; try uploading it again.",
                ephemeral=True,
            )
            return
        await self.bot.services.db.audit.record(
            interaction.guild_id,
            interaction.user.id,
            "trivia.pack.add",
            {"name": added.name, "questions": added.questions, "replaced": added.replaced},
        )
        verb = "Replaced" if added.replaced else "Added"
        categories = ", ".join(added.categories)
        await outbox.respond(
            interaction,
            f"✅ {verb} pack **{added.name}**: {added.questions} questions ({categories}). "
            "They join this server's games from now on.",
            ephemeral=True,
        )

    @pack.command(name="list", description="This server's question packs")
    @moderator_only()
    async def pack_list(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        packs = await self.service.list_packs(interaction.guild_id)
        if not packs:
            await outbox.respond(
                interaction,
                "This server has no question packs yet. Add one with `/trivia pack add`.",
                ephemeral=True,
            )
            return
        lines = [
            f"**{p.name}** — {p.questions} questions ({', '.join(p.categories)}), "
            f"by <@{p.author_id}>, updated <t:{int(p.updated_at)}:R>"
            for p in packs
        ]
        embed = discord.Embed(
            title="📦 Question packs", description="\n".join(lines), colour=COLOURS["info"]
        )
        await outbox.respond(interaction, embed=embed, ephemeral=True)

    @pack.command(name="remove", description="Remove a question pack")
    @app_commands.describe(name="The pack's name")
    @moderator_only()
    async def pack_remove(self, interaction: discord.Interaction, name: str) -> None:
        assert interaction.guild_id is not None
        name = name.strip().lower()
        if not await self.service.remove_pack(interaction.guild_id, name):
            packs = [p.name for p in await self.service.list_packs(interaction.guild_id)]
            known = ", ".join(packs) if packs else "none yet"
            await outbox.respond(
                interaction,
                f"There's no pack called {name!r}. Packs here: {known}.",
                ephemeral=True,
            )
            return
        await self.bot.services.db.audit.record(
            interaction.guild_id, interaction.user.id, "trivia.pack.remove", {"name": name}
        )
        await outbox.respond(
            interaction,
            f"🗑️ Removed pack **{name}**; its questions are no longer asked.",
            ephemeral=True,
        )

    @pack_remove.autocomplete("name")
    async def _pack_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        typed = current.strip().lower()
        packs = await self.service.list_packs(interaction.guild_id)
        return [
            app_commands.Choice(name=f"{p.name} ({p.questions} questions)", value=p.name)
            for p in packs
            if typed in p.name
        ][:MAX_AUTOCOMPLETE]


async def setup(bot: HearthBot) -> None:
    bot.add_dynamic_items(AnswerButton)
    await bot.add_cog(Trivia(bot))
