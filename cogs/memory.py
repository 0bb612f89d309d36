"""/memory: see, fix and erase what Hearth remembers about you. Every answer is ephemeral.

``/memory show`` (pages with buttons), ``/memory forget item:`` (a number, some words, or
``all`` with a confirmation button that also deletes the stored conversations),
``/memory remember``, ``/memory export`` (a JSON file), ``/memory off`` / ``/memory on``,
``/memory scope``. Nobody but the owner can use these on their data: every command acts on
the person who runs it, and every button checks who pressed it. Moderators get no view of
anyone's memories.

The cog also prunes old conversation history in the background (setting
``history_retention_days``, default 30; 0 keeps history forever).
"""

from __future__ import annotations

import io
import logging
import re
import time
from datetime import UTC, datetime
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.client import HearthBot
from bot.memory.model import render
from bot.memory.service import MemoryPage, MemoryService, describe_remember
from bot.storage import StorageError
from bot.storage.memory_repo import Memory
from cogs import outbox

log = logging.getLogger(__name__)

EMBED_COLOUR = discord.Colour.from_rgb(232, 121, 52)
DEFAULT_RETENTION_DAYS = 30
PRUNE_INTERVAL_HOURS = 1.0
CONFIRM_WINDOW = 600  # seconds a "forget everything" button stays valid
ALL_WORDS = frozenset({"all", "everything", "*", "all of it"})
NOT_YOURS = "These buttons belong to someone else's memory list; use /memory show for yours."


class PageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"hearth:mem:page:(?P<user>\d+):(?P<page>\d+):(?P<dir>[pn])",
):
    """Previous / Next under /memory show. Carries the owner and the page it leads to."""

    def __init__(self, user_id: int, page: int, direction: str, *, disabled: bool = False) -> None:
        label = "◀ Previous" if direction == "p" else "Next ▶"
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"hearth:mem:page:{user_id}:{page}:{direction}",
                disabled=disabled,
            )
        )
        self.user_id = user_id
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> PageButton:
        return cls(int(match["user"]), int(match["page"]), match["dir"])

    async def callback(self, interaction: discord.Interaction) -> None:
        cog: MemoryCog = interaction.client.get_cog("Memory")  # type: ignore[attr-defined]
        await cog.turn_page(interaction, self.user_id, self.page)


class ForgetAllButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"hearth:mem:wipe:(?P<user>\d+):(?P<at>\d+)",
):
    """The confirmation of /memory forget all; valid for CONFIRM_WINDOW seconds."""

    def __init__(self, user_id: int, offered_at: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Yes, forget everything",
                style=discord.ButtonStyle.danger,
                custom_id=f"hearth:mem:wipe:{user_id}:{offered_at}",
            )
        )
        self.user_id = user_id
        self.offered_at = offered_at

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> ForgetAllButton:
        return cls(int(match["user"]), int(match["at"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        cog: MemoryCog = interaction.client.get_cog("Memory")  # type: ignore[attr-defined]
        await cog.confirm_forget_all(interaction, self.user_id, self.offered_at)


class KeepButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"hearth:mem:keep:(?P<user>\d+)",
):
    """Cancel under the /memory forget all confirmation."""

    def __init__(self, user_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Cancel",
                style=discord.ButtonStyle.secondary,
                custom_id=f"hearth:mem:keep:{user_id}",
            )
        )
        self.user_id = user_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> KeepButton:
        return cls(int(match["user"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        if interaction.user.id != self.user_id:
            await outbox.respond(interaction, NOT_YOURS, ephemeral=True)
            return
        await outbox.update(interaction, "Okay, I haven't deleted anything.", view=None)


class MemoryCog(commands.Cog, name="Memory"):
    """What Hearth remembers about you, under your control."""

    memory = app_commands.Group(
        name="memory", description="What I remember about you (only you see the answers)"
    )

    def __init__(self, bot: HearthBot) -> None:
        self.bot = bot
        self.confirm_window = CONFIRM_WINDOW  # seconds; tests shorten it

    async def cog_load(self) -> None:
        hours = float(getattr(self.bot.settings, "history_prune_interval_hours", 0) or 0)
        if hours > 0:
            self.prune_history.change_interval(hours=hours)
        self.prune_history.start()

    async def cog_unload(self) -> None:
        self.prune_history.cancel()

    @property
    def service(self) -> MemoryService:
        return self.bot.services.memory  # type: ignore[attr-defined,no-any-return]

    # ----------------------------------------------------------------- history retention
    @property
    def retention_days(self) -> float:
        """Days of conversation history kept (0: forever)."""
        value = getattr(self.bot.settings, "history_retention_days", DEFAULT_RETENTION_DAYS)
        return float(value)

    @tasks.loop(hours=PRUNE_INTERVAL_HOURS)
    async def prune_history(self) -> None:
        """Delete conversation turns older than the retention period (first run at start)."""
        await self.prune_now()

    async def prune_now(self) -> int:
        """One pruning pass; returns how many turns were deleted."""
        days = self.retention_days
        if days <= 0:
            return 0
        try:
            removed = await self.bot.services.db.messages.prune_older_than(
                time.time() - days * 86_400
            )
        except StorageError as error:
            log.warning("could not prune old conversation history: %s", error)
            return 0
        if removed:
            log.info("pruned %d conversation turns older than %g days", removed, days)
        return removed

    # ----------------------------------------------------------------- /memory show
    @memory.command(name="show", description="List what I remember about you, with numbers")
    @app_commands.describe(page="Which page to open (8 memories a page)")
    async def show(
        self, interaction: discord.Interaction, page: app_commands.Range[int, 1, 1000] = 1
    ) -> None:
        embed, view = await self._page(interaction.user.id, page)
        await outbox.respond(interaction, embed=embed, view=view, ephemeral=True)

    async def turn_page(self, interaction: discord.Interaction, owner: int, page: int) -> None:
        """A Previous/Next press: only the owner of the list may turn its pages."""
        if interaction.user.id != owner:
            await outbox.respond(interaction, NOT_YOURS, ephemeral=True)
            return
        embed, view = await self._page(owner, page)
        await outbox.update(interaction, embed=embed, view=view)

    async def _page(self, user_id: int, page: int) -> tuple[discord.Embed, discord.ui.View | None]:
        result = await self.service.page(user_id, page)
        enabled, scope = await self.service.preferences(user_id)
        embed = discord.Embed(title="What I remember about you", colour=EMBED_COLOUR)
        if result.total == 0:
            embed.description = (
                "Nothing yet. I remember things you tell me about yourself (your name, what "
                "you like, your pets...), or you can use **/memory remember**."
            )
        else:
            embed.description = "\n".join(self._line(m) for m in result.memories)
        state = "on" if enabled else "off (nothing new is kept or used)"
        embed.set_footer(
            text=f"Page {result.page}/{result.pages} · {result.total} "
            f"{'memory' if result.total == 1 else 'memories'} · memory {state} · scope {scope}"
            " · /memory forget <number> removes one"
        )
        return embed, self._pager(user_id, result)

    def _pager(self, user_id: int, result: MemoryPage) -> discord.ui.View | None:
        if result.pages <= 1:
            return None
        view = discord.ui.View(timeout=None)
        view.add_item(PageButton(user_id, max(1, result.page - 1), "p", disabled=result.page <= 1))
        view.add_item(
            PageButton(
                user_id,
                min(result.pages, result.page + 1),
                "n",
                disabled=result.page >= result.pages,
            )
        )
        return view

    def _line(self, memory: Memory) -> str:
        return f"`#{memory.id}` {render(memory)}\n-# {self._origin(memory)}"

    def _origin(self, memory: Memory) -> str:
        if memory.guild_id is None:
            where = "in our DMs"
        else:
            guild = self.bot.get_guild(memory.guild_id)
            where = f"in {guild.name}" if guild else "in a server"
            if memory.source_channel_id:
                where += f" (<#{memory.source_channel_id}>)"
        how = {
            "chat": "you told me",
            "llm": "I noted from our chat",
            "command": "you asked me to remember",
        }[memory.source]
        when = discord.utils.format_dt(datetime.fromtimestamp(memory.updated_at, UTC), "R")
        scope = " · used everywhere" if memory.is_global else ""
        return f"{how} {where}, {when}{scope}"

    # ----------------------------------------------------------------- /memory forget
    @memory.command(
        name="forget", description="Forget one memory (its number or some words), or all"
    )
    @app_commands.describe(
        item="A number from /memory show, some words from the memory, or all (asks to confirm)"
    )
    async def forget(
        self, interaction: discord.Interaction, item: app_commands.Range[str, 1, 200]
    ) -> None:
        user_id = interaction.user.id
        if item.strip().casefold() in ALL_WORDS:
            view = discord.ui.View(timeout=None)
            view.add_item(ForgetAllButton(user_id, int(time.time())))
            view.add_item(KeepButton(user_id))
            await outbox.respond(
                interaction,
                "This deletes **everything** I remember about you **and** our stored "
                "conversations, in every server and in DMs. It can't be undone. Sure?",
                view=view,
                ephemeral=True,
            )
            return
        try:
            outcome = await self.service.forget(user_id, item)
        except ValueError as error:
            await outbox.respond(interaction, str(error).capitalize() + ".", ephemeral=True)
            return
        if outcome.forgotten:
            lines = "\n".join(f"- ~~{render(m)}~~" for m in outcome.forgotten)
            text = f"Forgotten:\n{lines}"
        elif outcome.candidates:
            lines = "\n".join(f"- `#{m.id}` {render(m)}" for m in outcome.candidates)
            text = (
                f"Several memories match {item!r}, so I haven't deleted any:\n{lines}\n"
                "Use **/memory forget** with the number of the one you mean."
            )
        else:
            text = (
                f"I couldn't find a memory matching {item!r}. **/memory show** lists them "
                "with their numbers."
            )
        await outbox.respond(interaction, text, ephemeral=True)

    @forget.autocomplete("item")
    async def forget_suggestions(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """The user's own memories matching what they typed (nobody else's), and "all"."""
        user_id = interaction.user.id
        typed = current.strip()
        if typed:
            hits = await self.bot.services.db.memories.search(user_id, typed, limit=20)
            found = [h.memory for h in hits]
        else:
            found = (await self.service.page(user_id, 1, per_page=20)).memories
        choices = [
            app_commands.Choice(name=f"#{m.id} {render(m)}"[:100], value=str(m.id))
            for m in found[:24]
        ]
        choices.append(
            app_commands.Choice(name="all: forget everything (asks to confirm)", value="all")
        )
        return choices

    async def confirm_forget_all(
        self, interaction: discord.Interaction, owner: int, offered_at: int
    ) -> None:
        """The confirmation button of /memory forget all."""
        if interaction.user.id != owner:
            await outbox.respond(interaction, NOT_YOURS, ephemeral=True)
            return
        if time.time() - offered_at > self.confirm_window:
            await outbox.update(
                interaction,
                "That confirmation has expired, so nothing was deleted. Run "
                "**/memory forget** `item: all` again if you still want to.",
                view=None,
            )
            return
        counts = await self.service.forget_everything(owner)
        await outbox.update(
            interaction,
            f"Done. I deleted {counts.memories} "
            f"{'memory' if counts.memories == 1 else 'memories'} and {counts.messages} stored "
            f"conversation {'message' if counts.messages == 1 else 'messages'}. Your settings "
            "(memory on/off, scope) are unchanged.",
            view=None,
        )

    # ----------------------------------------------------------------- /memory remember
    @memory.command(name="remember", description="Ask me to remember something about you")
    @app_commands.describe(
        text="What to remember, e.g. 'my dog is called Biscuit' or 'I have an exam on Friday'",
        everywhere="Use it in every server and in DMs, not only where you said it",
    )
    async def remember(
        self,
        interaction: discord.Interaction,
        text: app_commands.Range[str, 1, 300],
        everywhere: bool = False,
    ) -> None:
        try:
            outcome = await self.service.remember(
                interaction.user.id,
                interaction.guild_id,
                interaction.channel_id,
                text,
                everywhere=everywhere,
            )
        except ValueError as error:
            await outbox.respond(interaction, str(error).capitalize() + ".", ephemeral=True)
            return
        reply = describe_remember(outcome)
        if outcome.stored and not everywhere:
            where = "in this server" if interaction.guild_id else "in our DMs"
            reply += f" I'll use it {where} (set `everywhere` to use it anywhere)."
        await outbox.respond(interaction, reply, ephemeral=True)

    # ----------------------------------------------------------------- /memory export
    @memory.command(name="export", description="Download everything I store about you (JSON)")
    async def export(self, interaction: discord.Interaction) -> None:
        user_id = interaction.user.id
        data = await self.service.export_json(user_id)
        file = discord.File(io.BytesIO(data), filename=f"hearth-data-{user_id}.json")
        await outbox.respond(
            interaction,
            "Here's everything I store about you: your settings, memories and our stored "
            "conversations.",
            file=file,
            ephemeral=True,
        )

    # ----------------------------------------------------------------- on / off / scope
    @memory.command(name="off", description="Stop remembering things about you")
    async def off(self, interaction: discord.Interaction) -> None:
        await self.service.set_enabled(interaction.user.id, False)
        await outbox.respond(
            interaction,
            "Memory is **off**: I won't store anything new about you or use what I know. "
            "Existing memories stay until you delete them (**/memory forget**).",
            ephemeral=True,
        )

    @memory.command(name="on", description="Let me remember things about you again")
    async def on(self, interaction: discord.Interaction) -> None:
        await self.service.set_enabled(interaction.user.id, True)
        await outbox.respond(
            interaction,
            "Memory is **on**: I'll remember what you tell me about yourself. "
            "**/memory show** lists it any time.",
            ephemeral=True,
        )

    @memory.command(
        name="scope", description="Use your memories only where you shared them, or everywhere"
    )
    @app_commands.describe(
        scope="local: each server (and DMs) keeps its own; global: use them in every server and DM"
    )
    async def scope(
        self, interaction: discord.Interaction, scope: Literal["local", "global"]
    ) -> None:
        await self.service.set_scope(interaction.user.id, scope)
        text = (
            "Scope is **global**: I'll use what I remember about you in every server and in DMs."
            if scope == "global"
            else "Scope is **local**: what you tell me in a server stays in that server, and "
            "what you tell me in DMs stays in DMs."
        )
        await outbox.respond(interaction, text, ephemeral=True)


async def setup(bot: HearthBot) -> None:
    bot.add_dynamic_items(PageButton, ForgetAllButton, KeepButton)
    await bot.add_cog(MemoryCog(bot))
