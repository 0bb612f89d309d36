"""Jokes: /joke, the Reveal / Another / 👍 / 👎 buttons, /jokes top and /jokes settings, and
knock-knock jokes played out in chat.

Discord does not let a command with subcommands also run on its own, so telling a joke is
``/joke`` and the rest lives under ``/jokes``. Buttons are dynamic items whose custom ids
carry everything they need, so they keep working after a restart.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import HearthBot
from bot.content.jokes import Joke, as_spoiler_text
from bot.content.jokes_service import (
    REVEAL_HINT,
    JokeError,
    JokeService,
    JokeTelling,
    needs_reveal,
    render_joke,
    render_tally,
)
from bot.storage.entertainment_repo import JokeTally
from cogs import outbox
from cogs.checks import moderator_only

log = logging.getLogger(__name__)

ANY = "any"
KNOCK_HINT = "-# (reply \u201cWho's there?\u201d)"
_MENTION = re.compile(r"<@!?\d+>")
_TALLY_PREFIX = "-# \U0001f44d"

BUTTONS: dict[str, tuple[str, discord.ButtonStyle]] = {
    "reveal": ("Reveal", discord.ButtonStyle.primary),
    "another": ("Another", discord.ButtonStyle.secondary),
    "up": ("\U0001f44d", discord.ButtonStyle.secondary),
    "down": ("\U0001f44e", discord.ButtonStyle.secondary),
}


class JokeButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"hearth:joke:(?P<action>reveal|another|up|down):(?P<arg>[a-z0-9-]{1,40})",
):
    """A button under a joke. ``arg`` is the joke id, or for Another the category (or any)."""

    def __init__(self, action: str, arg: str) -> None:
        label, style = BUTTONS[action]
        super().__init__(
            discord.ui.Button(label=label, style=style, custom_id=f"hearth:joke:{action}:{arg}")
        )
        self.action = action
        self.arg = arg

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> JokeButton:
        return cls(match["action"], match["arg"])

    async def callback(self, interaction: discord.Interaction) -> None:
        cog = interaction.client.get_cog("Jokes")  # type: ignore[attr-defined]
        await cog.pressed(interaction, self.action, self.arg)


def joke_view(joke: Joke, *, revealed: bool, scope: str) -> discord.ui.View:
    """Reveal (while hidden), Another, 👍 and 👎."""
    view = discord.ui.View(timeout=None)
    if needs_reveal(joke) and not revealed:
        view.add_item(JokeButton("reveal", joke.id))
    view.add_item(JokeButton("another", scope))
    view.add_item(JokeButton("up", joke.id))
    view.add_item(JokeButton("down", joke.id))
    return view


def _is_revealed(message: discord.Message | None) -> bool:
    if message is None:
        return True
    for row in message.components:
        for child in getattr(row, "children", []):
            if str(getattr(child, "custom_id", "")).startswith("hearth:joke:reveal:"):
                return False
    return True


def _scope_of(message: discord.Message | None) -> str:
    if message is not None:
        for row in message.components:
            for child in getattr(row, "children", []):
                custom_id = str(getattr(child, "custom_id", ""))
                if custom_id.startswith("hearth:joke:another:"):
                    return custom_id.rsplit(":", 1)[1]
    return ANY


def _rewrite(content: str, joke: Joke, *, reveal: bool, tally: JokeTally) -> str | None:
    """The message text with the punchline shown and/or the tally updated (None if the
    message does not look like one of ours)."""
    lines = content.split("\n")
    if not lines or not lines[-1].startswith(_TALLY_PREFIX):
        return None
    lines[-1] = render_tally(tally)
    if reveal:
        lines = [f"**{joke.punchline}**" if line == REVEAL_HINT else line for line in lines]
    return "\n".join(lines)


class Jokes(commands.Cog):
    """Jokes from Hearth's own bank, with votes and a per-server top list."""

    jokes = app_commands.Group(name="jokes", description="This server's top jokes and settings")

    def __init__(self, bot: HearthBot) -> None:
        self.bot = bot

    @property
    def service(self) -> JokeService:
        return self.bot.services.jokes

    # ----------------------------------------------------------------- /joke
    @app_commands.command(name="joke", description="Tell a joke (optionally from a category)")
    @app_commands.describe(
        category="puns, dad-jokes, animals, food, science, space, programming, music, ...",
        about="a topic, e.g. cats or pizza",
    )
    async def joke(
        self,
        interaction: discord.Interaction,
        category: str | None = None,
        about: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        await self.tell(interaction, category, about)

    @joke.autocomplete("category")
    async def _category_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=title, value=key)
            for title, key in self.service.category_choices(current)[:25]
        ]

    async def tell(
        self, interaction: discord.Interaction, category: str | None, about: str | None
    ) -> None:
        """Pick a joke for the person who asked and show it (or start a knock-knock)."""
        try:
            telling = await self.service.tell(
                user_id=interaction.user.id,
                guild_id=interaction.guild_id,
                category=category,
                about=about,
            )
        except JokeError as exc:
            await outbox.respond(interaction, str(exc), ephemeral=True)
            return
        scope = telling.joke.category if category and category.strip() != ANY else ANY
        if telling.is_knock_knock:
            await self._start_knock(interaction, telling)
            return
        text = render_joke(telling, revealed=False, tally=telling.tally)
        await outbox.respond(
            interaction, text, view=joke_view(telling.joke, revealed=False, scope=scope)
        )

    async def _start_knock(self, interaction: discord.Interaction, telling: JokeTelling) -> None:
        channel_id = interaction.channel_id
        assert channel_id is not None
        first = self.service.start_knock(channel_id, interaction.user.id, telling.joke)
        lines = [telling.note] if telling.note else []
        lines += [first, KNOCK_HINT]
        await outbox.respond(interaction, "\n".join(lines))

    # ----------------------------------------------------------------- buttons
    async def pressed(self, interaction: discord.Interaction, action: str, arg: str) -> None:
        """Route a joke button."""
        if action == "another":
            await self.tell(interaction, None if arg == ANY else arg, None)
            return
        try:
            joke = self.service.joke(arg)
            if action == "reveal":
                tally = await self.service.tally(interaction.guild_id, joke.id)
                await self._redraw(interaction, joke, reveal=True, tally=tally)
                return
            tally = await self.service.vote(
                interaction.guild_id, joke.id, interaction.user.id, up=action == "up"
            )
        except JokeError as exc:
            await outbox.respond(interaction, str(exc), ephemeral=True)
            return
        await self._redraw(interaction, joke, reveal=False, tally=tally)

    async def _redraw(
        self, interaction: discord.Interaction, joke: Joke, *, reveal: bool, tally: JokeTally
    ) -> None:
        message = interaction.message
        revealed = reveal or _is_revealed(message)
        text = _rewrite(message.content, joke, reveal=reveal, tally=tally) if message else None
        if text is None:
            text = render_joke(joke, revealed=revealed, tally=tally)
        view = joke_view(joke, revealed=revealed, scope=_scope_of(message))
        await outbox.update(interaction, text, view=view)

    # ----------------------------------------------------------------- knock-knock
    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """The user's lines of a knock-knock exchange ("Who's there?", "Lettuce who?")."""
        if message.author.bot or message.is_system():
            return
        service = self.service
        if service.pending_knock(message.channel.id, message.author.id) is None:
            return
        text = _MENTION.sub("", message.content).strip()
        reply = service.hear(message.channel.id, message.author.id, text, message.id)
        if reply is None or not reply.text:
            return
        reference = message if message.guild else None
        try:
            if not reply.done:
                await outbox.send(self.bot, message.channel, reply.text, reference=reference)
                return
            tally = await service.tally(message.guild.id if message.guild else None, reply.joke.id)
            text = f"{reply.text}\n{render_tally(tally)}"
            view = joke_view(reply.joke, revealed=True, scope=reply.joke.category)
            await outbox.send(self.bot, message.channel, text, view=view, reference=reference)
        except discord.HTTPException:
            log.warning("could not answer a knock-knock line", exc_info=True)

    # ----------------------------------------------------------------- /jokes ...
    @jokes.command(name="top", description="The best-rated jokes of this server")
    @app_commands.describe(count="how many jokes to show (1-25)")
    async def top(
        self, interaction: discord.Interaction, count: app_commands.Range[int, 1, 25] = 10
    ) -> None:
        try:
            best = await self.service.top(interaction.guild_id, limit=count)
        except JokeError as exc:
            await outbox.respond(interaction, str(exc), ephemeral=True)
            return
        where = interaction.guild.name if interaction.guild else "our chats"
        if not best:
            await outbox.respond(
                interaction,
                f"No jokes have been rated in {where} yet. Try /joke and vote with \U0001f44d!",
            )
            return
        lines = []
        for rank, (joke, tally) in enumerate(best, start=1):
            shown = as_spoiler_text(joke).replace("\n", " / ")
            lines.append(
                f"**{rank}.** {tally.score:+d} (\U0001f44d {tally.up} \u00b7 "
                f"\U0001f44e {tally.down}) \u2014 {shown}"
            )
        embed = discord.Embed(
            title=f"Top jokes in {where}",
            description="\n".join(lines)[:4000],
            colour=discord.Colour.gold(),
        )
        embed.set_footer(text="Vote with the \U0001f44d and \U0001f44e buttons under any joke.")
        await outbox.respond(interaction, embed=embed)

    @jokes.command(name="settings", description="Moderators: allow teen-rated jokes here")
    @app_commands.describe(edgy="allow teen-rated jokes (cheekier, never rude) in this server")
    @moderator_only()
    async def settings(self, interaction: discord.Interaction, edgy: bool) -> None:
        assert interaction.guild is not None
        changed = await self.service.set_edgy(interaction.guild.id, interaction.user.id, edgy)
        state = "on" if edgy else "off"
        detail = (
            "I may now tell teen-rated jokes here (a little cheekier; never rude)."
            if edgy
            else "I'll only tell all-ages jokes here."
        )
        prefix = "" if changed else "No change: "
        await outbox.respond(
            interaction, f"{prefix}Teen-rated jokes are **{state}** for this server. {detail}"
        )


async def setup(bot: HearthBot) -> None:
    bot.add_dynamic_items(JokeButton)
    await bot.add_cog(Jokes(bot))
