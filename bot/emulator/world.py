"""A whole local Discord in one process: the emulator, a server with people, and the real bot.

The tests, ``hearth play`` and the benchmarks all start Hearth this way, so they exercise the
very code path a real deployment runs: discord.py's client logging in over HTTP and a
websocket, receiving gateway events, and calling the REST API.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.client import HearthBot, configure_endpoints
from bot.emulator.harness import Person
from bot.emulator.server import EmulatorServer
from bot.emulator.state import Channel, Guild
from bot.settings import Settings

READY_TIMEOUT = 15.0


def stable_id(key: str) -> int:
    """A snowflake-sized id derived from a name: the same on every run."""
    digest = hashlib.sha256(key.encode()).digest()
    return 10**17 + int.from_bytes(digest[:7], "big") % (9 * 10**17)


class BotFailedToStart(RuntimeError):
    """The bot stopped before it became ready; the cause is chained."""


@dataclass
class LocalWorld:
    """The emulator, one guild with channels, the people in it, and a running HearthBot."""

    emu: EmulatorServer
    guild: Guild
    settings: Settings
    bot: HearthBot | None = None
    people: dict[str, Person] = field(default_factory=dict)
    stable_ids: bool = False
    _bot_task: asyncio.Task[None] | None = None
    _restore: Callable[[], None] | None = None

    @classmethod
    async def create(
        cls,
        settings: Settings,
        *,
        guild_name: str = "Hearth Playground",
        channels: tuple[str, ...] = ("general", "games"),
        owner: str = "Owner",
        bot_name: str = "Hearth",
        stable_ids: bool = False,
    ) -> LocalWorld:
        """Start the emulator with one guild (the bot is not started yet).

        ``stable_ids``: guild, channel and user ids derive from their names, so a database
        kept between runs (the playground's) still recognises the same people and places.
        """
        emu = EmulatorServer(bot_name=bot_name)
        await emu.start()
        ids = stable_id if stable_ids else None
        owner_user = emu.create_user(owner, user_id=stable_id(f"user:{owner}") if ids else None)
        guild = emu.create_guild(guild_name, owner_user, channels, ids=ids)
        bot_settings = settings.model_copy(
            update={
                "discord_api_url": emu.api_url,
                "discord_gateway_url": emu.gateway_url,
                "discord_token": None,
            }
        )
        world = cls(emu=emu, guild=guild, settings=bot_settings, stable_ids=stable_ids)
        world.people[owner] = Person(emu, owner_user, guild)
        return world

    def channel(self, name: str) -> Channel:
        """A channel of the guild by name."""
        return self.emu.channel(self.guild, name)

    async def person(self, name: str) -> Person:
        """The person called ``name``, created and added to the guild on first use."""
        person = self.people.get(name)
        if person is None:
            fixed = stable_id(f"user:{name}") if self.stable_ids else None
            user = self.emu.create_user(name, user_id=fixed)
            if fixed is not None:
                self.emu.dm_channel(user, channel_id=stable_id(f"dm:{name}"))
            await self.emu.add_member(self.guild, user)
            person = self.people[name] = Person(self.emu, user, self.guild)
        return person

    async def start_bot(self) -> HearthBot:
        """Start HearthBot against the emulator and wait until it is ready."""
        self._restore = configure_endpoints(self.emu.api_url, self.emu.gateway_url)
        bot = HearthBot(self.settings, guild_ready_timeout=0.05)
        self.bot = bot
        self._bot_task = asyncio.create_task(bot.start(self.emu.token))
        ready = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait(
            {ready, self._bot_task}, timeout=READY_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
        )
        if ready not in done:
            ready.cancel()
            error = self._bot_task.exception() if self._bot_task.done() else None
            await self.stop_bot()
            if error is not None:
                raise error  # e.g. ConfigError or StorageError: already clear for a person
            raise BotFailedToStart(f"the bot did not become ready in {READY_TIMEOUT:.0f} s")
        # Let the background warm-up (corpus, banks, moderation filter) finish, so the first
        # message of a test or a playground session is answered at full speed.
        await bot.warmed_up()
        return bot

    async def stop_bot(self) -> None:
        """Close the bot (as a shutdown would) and wait for it to finish."""
        if self.bot is not None:
            await self.bot.close()
        if self._bot_task is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(self._bot_task, 5)
        self.bot, self._bot_task = None, None
        if self._restore is not None:
            self._restore()
            self._restore = None

    async def close(self) -> None:
        """Stop the bot and the emulator."""
        await self.stop_bot()
        await self.emu.stop()
