"""Adventures: /adventure start|resume|quit, choices as buttons, party votes on a timer.

Choice buttons are dynamic items carrying (run id, step, choice), so they keep working
after a restart; the run itself is in the database. In party mode the first vote on a scene
starts its timer; when it runs out the majority wins (ties broken at random, announced) and
the next scene is posted. Timers still counting at shutdown are picked up again at start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import HearthBot
from bot.content.adventures_service import (
    AdventureRequestError,
    AdventureService,
    RunView,
    VoteClosed,
)
from cogs import outbox
from cogs.checks import is_moderator

log = logging.getLogger(__name__)

COLOUR = discord.Colour.from_rgb(46, 160, 120)
ENDING_MARKS = {
    "good": "\U0001f31f",
    "bad": "\U0001f300",
    "funny": "\U0001f923",
    "secret": "\U0001f5dd",
}


class ChoiceButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"hearth:adv:(?P<run>\d{1,19}):(?P<step>\d{1,6}):(?P<choice>[0-3])",
):
    """One choice of a scene."""

    def __init__(self, run_id: int, step: int, choice: int, label: str = "?") -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:80],
                style=discord.ButtonStyle.primary,
                custom_id=f"hearth:adv:{run_id}:{step}:{choice}",
            )
        )
        self.run_id, self.step, self.choice = run_id, step, choice

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> ChoiceButton:
        return cls(int(match["run"]), int(match["step"]), int(match["choice"]), item.label or "?")

    async def callback(self, interaction: discord.Interaction) -> None:
        cog = interaction.client.get_cog("Adventures")  # type: ignore[attr-defined]
        await cog.pressed(interaction, self.run_id, self.step, self.choice)


def choices_view(view: RunView) -> discord.ui.View | None:
    """The scene's choices as buttons; None at an ending."""
    if view.over:
        return None
    buttons = discord.ui.View(timeout=None)
    for index, choice in enumerate(view.scene.choices):
        buttons.add_item(ChoiceButton(view.record.id, view.step, index, choice.label))
    return buttons


def scene_embed(
    view: RunView, *, vote_seconds: float, deadline: float | None = None
) -> discord.Embed:
    """The scene as an embed: text, (party) the votes so far, and whose adventure it is."""
    scene = view.scene
    embed = discord.Embed(title=view.adventure.title, description=scene.text, colour=COLOUR)
    record = view.record
    if scene.ending is not None:
        mark = ENDING_MARKS.get(scene.ending.kind, "\U0001f3c1")
        embed.add_field(name="The End", value=f"{mark} **{scene.ending.title}**", inline=False)
        embed.set_footer(text="Play again, or try another one, with /adventure start.")
        return embed
    if record.mode == "party":
        if view.votes and any(view.votes):
            tally = " \u00b7 ".join(
                f"{c.label}: {n}" for c, n in zip(scene.choices, view.votes, strict=True)
            )
            closes = f"\nVoting closes <t:{int(deadline)}:R>." if deadline else ""
            embed.add_field(name="Votes", value=tally + closes, inline=False)
        embed.set_footer(
            text=f"Party adventure started by {record.starter_name}. Everyone votes; the first "
            f"vote starts a {vote_seconds:g}-second timer, then the majority wins."
        )
    else:
        embed.set_footer(
            text=f"{record.starter_name}'s solo adventure \u00b7 /adventure quit stops it"
        )
    return embed


def announce(closed: VoteClosed) -> str:
    """What the party chose, and how (a tie is broken at random, and said so)."""
    result = closed.result
    if result.tie:
        tied = " and ".join(f"**{closed.labels[i]}**" for i in result.tied_choices)
        each = result.counts[result.tied_choices[0]]
        return (
            f"\U0001f3b2 A tie between {tied} ({each} vote{'s' if each != 1 else ''} each): "
            f"the dice chose **{closed.chosen}**."
        )
    votes = result.counts[result.winner]
    return (
        f"\U0001f5f3 The party chose **{closed.chosen}** ({votes} of {result.total} "
        f"vote{'s' if result.total != 1 else ''})."
    )


class Adventures(commands.Cog):
    """Choose-your-own adventures, alone or as a party."""

    adventure = app_commands.Group(name="adventure", description="Choose-your-own adventures")

    def __init__(self, bot: HearthBot) -> None:
        self.bot = bot
        self._timers: dict[tuple[int, int], asyncio.Task[None]] = {}

    @property
    def service(self) -> AdventureService:
        return self.bot.services.adventures

    async def cog_load(self) -> None:
        # Votes that were counting down when the bot stopped: finish them.
        for record in await self.service.open_votes():
            if record.vote_deadline is not None:
                self._schedule(record.id, record.step, record.vote_deadline)

    async def cog_unload(self) -> None:
        for task in self._timers.values():
            task.cancel()
        self._timers.clear()

    # ----------------------------------------------------------------- commands
    @adventure.command(name="start", description="Start a choose-your-own adventure")
    @app_commands.describe(
        name="which adventure (leave empty for a surprise)",
        mode="solo: only you choose; party: everyone here votes on each choice",
    )
    async def start(
        self,
        interaction: discord.Interaction,
        name: str | None = None,
        mode: Literal["solo", "party"] = "solo",
    ) -> None:
        assert interaction.channel_id is not None
        try:
            view = await self.service.start(
                guild_id=interaction.guild_id,
                channel_id=interaction.channel_id,
                user_id=interaction.user.id,
                user_name=interaction.user.display_name,
                name=name,
                mode=mode,
            )
        except AdventureRequestError as exc:
            await outbox.respond(interaction, str(exc), ephemeral=True)
            return
        intro = f"*{view.adventure.description}*"
        await self._show(interaction, view, intro)

    @start.autocomplete("name")
    async def _name_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=title, value=value)
            for title, value in self.service.choices(current)[:25]
        ]

    @adventure.command(name="resume", description="Show your adventure here again")
    async def resume(self, interaction: discord.Interaction) -> None:
        assert interaction.channel_id is not None
        view = await self.service.find_run(
            channel_id=interaction.channel_id, user_id=interaction.user.id
        )
        if view is None:
            await outbox.respond(
                interaction,
                "You have no adventure going in this channel. /adventure start begins one.",
                ephemeral=True,
            )
            return
        await self._retire(view.record.channel_id, view.record.message_id)
        await self._show(interaction, view, "*The adventure continues\u2026*")
        if view.record.vote_deadline is not None:
            self._schedule(view.record.id, view.step, view.record.vote_deadline)

    @adventure.command(name="quit", description="Stop your adventure here")
    async def quit(self, interaction: discord.Interaction) -> None:
        assert interaction.channel_id is not None
        try:
            view = await self.service.quit(
                channel_id=interaction.channel_id,
                user_id=interaction.user.id,
                is_moderator=await is_moderator(interaction),
            )
        except AdventureRequestError as exc:
            await outbox.respond(interaction, str(exc), ephemeral=True)
            return
        await self._retire(view.record.channel_id, view.record.message_id)
        await outbox.respond(
            interaction,
            f"\U0001f6aa {interaction.user.display_name} stopped "
            f"\u201c{view.adventure.title}\u201d. /adventure start begins a new one.",
        )

    async def _show(self, interaction: discord.Interaction, view: RunView, content: str) -> None:
        embed = scene_embed(view, vote_seconds=self.service.vote_seconds)
        await outbox.respond(interaction, content, embed=embed, view=choices_view(view))
        message = await interaction.original_response()
        await self.service.shown_in(view.record.id, message.id)

    async def _retire(self, channel_id: int, message_id: int | None) -> None:
        """Take the buttons off an older message of the run (best effort)."""
        if message_id is None:
            return
        partial = self.bot.get_partial_messageable(channel_id).get_partial_message(message_id)
        with contextlib.suppress(discord.HTTPException):
            await partial.edit(view=None)

    # ----------------------------------------------------------------- buttons
    async def pressed(
        self, interaction: discord.Interaction, run_id: int, step: int, choice: int
    ) -> None:
        """A choice button: solo moves on at once, party records the vote."""
        message_id = interaction.message.id if interaction.message else None
        press = await self.service.press(
            run_id=run_id,
            step=step,
            choice=choice,
            user_id=interaction.user.id,
            message_id=message_id,
        )
        if press.kind == "advanced" and press.view is not None:
            embed = scene_embed(press.view, vote_seconds=self.service.vote_seconds)
            await outbox.update(
                interaction,
                f"You chose **{press.chosen}**.",
                embed=embed,
                view=choices_view(press.view),
            )
        elif press.kind == "voted" and press.view is not None:
            embed = scene_embed(
                press.view, vote_seconds=self.service.vote_seconds, deadline=press.deadline
            )
            await outbox.update(interaction, embed=embed)
            assert press.deadline is not None
            self._schedule(run_id, step, press.deadline)
        else:
            await outbox.respond(interaction, self._refusal(press.kind, press.view), ephemeral=True)

    @staticmethod
    def _refusal(kind: str, view: RunView | None) -> str:
        if kind == "not_yours" and view is not None:
            return (
                f"This is {view.record.starter_name}'s solo adventure, so only they choose. "
                "Start your own with /adventure start (mode:party lets everyone vote)."
            )
        if kind == "elsewhere":
            return "This adventure has moved on to a newer message; use the buttons there."
        if kind == "stale":
            return "That choice was already made; the adventure has moved on."
        return "This adventure is over. /adventure start begins a new one."

    # ----------------------------------------------------------------- party timers
    def _schedule(self, run_id: int, step: int, deadline: float) -> None:
        key = (run_id, step)
        if key in self._timers and not self._timers[key].done():
            return
        self._timers[key] = asyncio.create_task(self._close_later(run_id, step, deadline))

    async def _close_later(self, run_id: int, step: int, deadline: float) -> None:
        try:
            await asyncio.sleep(max(0.0, deadline - time.time()))
            await self.bot.wait_until_ready()
            if self.bot.is_closed():
                return
            closed = await self.service.close_vote(run_id, step)
            if closed is not None:
                await self._post_result(closed)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("closing the vote of adventure run %s failed", run_id)
        finally:
            self._timers.pop((run_id, step), None)

    async def _post_result(self, closed: VoteClosed) -> None:
        record = closed.view.record
        await self._retire(record.channel_id, closed.previous_message_id)
        channel = self.bot.get_partial_messageable(record.channel_id)
        embed = scene_embed(closed.view, vote_seconds=self.service.vote_seconds)
        message = await outbox.send(
            self.bot, channel, announce(closed), embed=embed, view=choices_view(closed.view)
        )
        await self.service.shown_in(record.id, message.id)


async def setup(bot: HearthBot) -> None:
    bot.add_dynamic_items(ChoiceButton)
    await bot.add_cog(Adventures(bot))
