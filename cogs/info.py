"""/about and /help: who Hearth is here, how it runs, and what it can do."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

import bot
from bot.client import HearthBot
from bot.describe import describe_brain, describe_uptime
from cogs import outbox

EMBED_COLOUR = discord.Colour.from_rgb(232, 121, 52)  # hearth-fire orange

CHAT_HELP = (
    "Mention me, reply to one of my messages, or DM me, and I'll answer. "
    "Moderators can let me join every conversation in a channel."
)


PRIVACY = """\
**What I keep, and why**
- Our recent conversation in each channel, so my replies make sense. Old history is pruned.
- Your display name, and when I last saw you.
- Facts you tell me about yourself (memories), kept per server unless you choose otherwise.
  See, correct, export or erase them with /memory, or turn memory off.
- Server settings moderators choose (persona, chat mode), with an audit log of changes.

**What I never do**
- Show one person's data to anyone else, or ping @everyone.
- Pretend to be a human: I'm an AI.

Questions about this server's copy of me? Ask its moderators."""


class AboutView(discord.ui.View):
    """The button under /about. Persistent (fixed custom id, no timeout) so it keeps working
    after a restart."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(
        label="Privacy & data",
        style=discord.ButtonStyle.secondary,
        custom_id="hearth:about:privacy",
        emoji="🔒",
    )
    async def privacy(self, interaction: discord.Interaction, _button: discord.ui.Button) -> None:  # type: ignore[type-arg]
        await outbox.respond(interaction, PRIVACY, ephemeral=True)


class Info(commands.Cog):
    """Commands that explain the bot itself."""

    def __init__(self, bot: HearthBot) -> None:
        self.bot = bot
        bot.add_view(AboutView())

    @app_commands.command(name="about", description="Who I am, how I'm running, and for how long")
    async def about(self, interaction: discord.Interaction) -> None:
        services = self.bot.services
        persona = await services.personas.active(interaction.guild_id, interaction.channel_id)
        embed = discord.Embed(
            title=f"About {persona.name}", description=persona.description, colour=EMBED_COLOUR
        )
        embed.add_field(name="Persona", value=f"{persona.name} (`{persona.id}`)")
        embed.add_field(name="Brain", value=describe_brain(services.settings, services.brain))
        embed.add_field(name="Uptime", value=describe_uptime(services.uptime))
        embed.add_field(name="Version", value=f"Hearth {bot.__version__}")
        embed.add_field(name="Servers", value=str(len(self.bot.guilds)))
        embed.set_footer(text="I'm an AI, not a person. /help lists what I can do.")
        await outbox.respond(interaction, embed=embed, view=AboutView())

    @app_commands.command(name="help", description="What I can do, and the commands for it")
    async def help(self, interaction: discord.Interaction) -> None:
        embed = discord.Embed(title="What I can do", description=CHAT_HELP, colour=EMBED_COLOUR)
        for cog_name, lines in command_groups(self.bot):
            embed.add_field(name=cog_name, value="\n".join(lines), inline=False)
        embed.set_footer(text="Options in [brackets] are optional.")
        await outbox.respond(interaction, embed=embed, ephemeral=True)


def command_groups(client: commands.Bot) -> list[tuple[str, list[str]]]:
    """Slash commands grouped by cog, each as "/name [options] — description"."""
    groups = []
    for cog_name, cog in sorted(client.cogs.items()):
        lines = []
        for command in cog.walk_app_commands():
            if isinstance(command, app_commands.Command):
                lines.append(
                    f"`/{command.qualified_name}{_usage(command)}` — {command.description}"
                )
        if lines:
            groups.append((cog_name, lines))
    return groups


def _usage(command: app_commands.Command) -> str:  # type: ignore[type-arg]
    parts = [p.name if p.required else f"[{p.name}]" for p in command.parameters]
    return (" " + " ".join(parts)) if parts else ""


async def setup(bot: HearthBot) -> None:
    await bot.add_cog(Info(bot))
