"""HearthBot: the discord.py client that opens the services, loads the cogs and syncs commands."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.ext import commands

from bot.services import Services
from bot.settings import Settings
from cogs import outbox

log = logging.getLogger(__name__)

EXTENSIONS = (
    "cogs.chat",
    "cogs.info",
    "cogs.jokes",
    "cogs.stories",
    "cogs.adventures",
    "cogs.trivia",
    "cogs.memory",
    "cogs.moderation",
    "cogs.persona",
)
GUILD_READY_TIMEOUT = 0.5


def configure_endpoints(api_url: str, gateway_url: str | None) -> Callable[[], None]:
    """Point discord.py at a Discord-compatible server; returns a function that undoes it.

    discord.py keeps both addresses process-wide (``Route.BASE`` and the websocket's
    ``DEFAULT_GATEWAY``), so this is the one piece of global state Hearth touches.
    """
    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = api_url.rstrip("/")
    if gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)

    def restore() -> None:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway

    return restore


def hearth_intents() -> discord.Intents:
    """Default intents plus message content (privileged: enable it in the Developer Portal)."""
    intents = discord.Intents.default()
    intents.message_content = True
    return intents


class HearthBot(commands.AutoShardedBot):
    """The bot. Everything it knows lives in :attr:`services`, opened in :meth:`setup_hook`."""

    services: Services

    def __init__(self, settings: Settings, **options: Any) -> None:
        # With an explicit gateway URL there is nothing to ask /gateway/bot for.
        if settings.discord_gateway_url:
            options.setdefault("shard_count", 1)
        # Discord streams a shard's guilds right after READY; discord.py's default 2 s wait
        # for stragglers only delays on_ready (late guilds are still handled when they come).
        options.setdefault("guild_ready_timeout", GUILD_READY_TIMEOUT)
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=hearth_intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            chunk_guilds_at_startup=False,
            **options,
        )
        self.settings = settings
        self.commands_synced = 0

    async def setup_hook(self) -> None:
        """Open services, load cogs and register the slash commands with Discord."""
        self.services = await Services.open(self.settings)
        self._warm_up = self.services.warm_up()
        self.tree.on_error = self.on_app_command_error
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        await self.sync_commands()

    async def warmed_up(self) -> None:
        """Wait for the background warm-up started in :meth:`setup_hook`."""
        await self._warm_up

    async def sync_commands(self) -> None:
        """Sync to the development guild (instant) when set, else globally."""
        guild_id = self.settings.dev_guild_id
        if guild_id is not None:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
        else:
            synced = await self.tree.sync()
        self.commands_synced = len(synced)
        log.info(
            "synced %d application commands%s",
            len(synced),
            f" to guild {guild_id}" if guild_id else "",
        )

    async def on_message(self, message: discord.Message, /) -> None:
        """Hearth has no prefix commands; chat is handled by the chat cog's listener."""

    async def on_ready(self) -> None:
        log.info("ready as %s in %d server(s)", self.user, len(self.guilds))

    async def close(self) -> None:
        await super().close()
        services = getattr(self, "services", None)
        if services is not None:
            await services.close()

    async def on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """Every slash-command failure gets a clear, private answer instead of silence."""
        original = getattr(error, "original", error)
        if isinstance(error, app_commands.CommandSignatureMismatch):
            text = (
                f"The /{error.command.qualified_name} command arrived with missing or "
                "unexpected options; your Discord app probably has an old copy of it. "
                "Reload Discord (Ctrl+R) and try again."
            )
        elif isinstance(error, app_commands.TransformerError):
            text = f"I couldn't understand {error.value!r} for that option: {error}"
        elif isinstance(error, app_commands.MissingPermissions):
            needed = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
            text = f"You need the {needed} permission to use this."
        elif isinstance(error, app_commands.CommandOnCooldown):
            text = f"Slow down a little: try again in {error.retry_after:.0f} s."
        elif isinstance(error, app_commands.CheckFailure):
            text = str(error) or "You can't use this command here."
        else:
            log.error(
                "slash command %s failed",
                interaction.command and interaction.command.name,
                exc_info=original,
            )
            text = "Sorry, something went wrong on my side. It has been logged."
        await send_private(interaction, text)


async def send_private(interaction: discord.Interaction, text: str) -> None:
    """An ephemeral answer, whether or not the interaction was already answered."""
    try:
        await outbox.respond(interaction, text, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not tell the user about an error", exc_info=True)
