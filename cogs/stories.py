"""Stories: /story tell|list|show|delete, and /story circle start|add|end.

Long stories are posted over several messages, cut between paragraphs (Discord allows 2,000
characters per message). Every story told or written together is saved for the server.
"""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import HearthBot
from bot.content.stories import list_genres
from bot.content.stories_service import (
    MAX_CIRCLE_LINE_CHARS,
    TWIST_EVERY,
    StoryRequestError,
    StoryService,
    story_pages,
)
from bot.storage.entertainment_repo import StoredStory
from cogs import outbox
from cogs.checks import is_moderator

COLOUR = discord.Colour.from_rgb(120, 94, 240)
MAX_ID = 2**53  # the largest whole number Discord's integer options carry


def genre_name(genre_id: str) -> str:
    """The display name of a genre id ("scifi" -> "Sci-fi")."""
    return next((g.name for g in list_genres() if g.id == genre_id), genre_id)


async def send_pages(interaction: discord.Interaction, pages: list[str]) -> None:
    """The first page answers the interaction; the rest follow it."""
    for page in pages:
        await outbox.respond(interaction, page)


async def in_a_server(interaction: discord.Interaction) -> bool:
    """Story circles are for a server channel; say so in DMs. (Discord only honours
    guild_only on top-level commands, so subcommands check it here.)"""
    if interaction.guild_id is not None:
        return True
    await outbox.respond(
        interaction,
        "Story circles happen in a server channel, where people can take turns; "
        "they don't work in private messages. /story tell works here.",
        ephemeral=True,
    )
    return False


def _story_header(story: StoredStory) -> str:
    if story.kind == "circle":
        return f"{genre_name(story.genre)} \u00b7 a story circle by {story.credits}"
    return f"{genre_name(story.genre)} \u00b7 {story.length} \u00b7 told for {story.author_name}"


class Stories(commands.Cog):
    """Stories told by Hearth (offline, from its own story grammars) or written together."""

    story = app_commands.Group(name="story", description="Stories told by me or written together")
    circle = app_commands.Group(
        name="circle", description="Write a story together, a line each", parent=story
    )

    def __init__(self, bot: HearthBot) -> None:
        self.bot = bot

    @property
    def service(self) -> StoryService:
        return self.bot.services.stories

    async def _genre_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=name, value=value)
            for name, value in self.service.genre_choices(current)[:25]
        ]

    # ----------------------------------------------------------------- tell
    @story.command(name="tell", description="I tell you a story (saved for this server)")
    @app_commands.describe(
        genre="fantasy, scifi, mystery, fairytale, bedtime, adventure, funny, spooky",
        prompt="names and things to weave in, e.g. Mina and her robot Bolt find a map",
        length="short, medium (default) or long",
    )
    async def tell(
        self,
        interaction: discord.Interaction,
        genre: str | None = None,
        prompt: str | None = None,
        length: Literal["short", "medium", "long"] | None = None,
    ) -> None:
        assert interaction.channel_id is not None
        try:
            told = await self.service.tell(
                guild_id=interaction.guild_id,
                channel_id=interaction.channel_id,
                author_id=interaction.user.id,
                author_name=interaction.user.display_name,
                genre=genre,
                prompt=prompt,
                length=length,
            )
        except StoryRequestError as exc:
            await outbox.respond(interaction, str(exc), ephemeral=True)
            return
        story = told.story
        header = (
            f"{genre_name(story.genre)} \u00b7 {story.length} \u00b7 "
            f"told for {interaction.user.display_name}"
        )
        footer = f"Saved as story #{told.story_id} \u00b7 /story show id:{told.story_id}"
        await send_pages(
            interaction, story_pages(story.title, story.text, header=header, footer=footer)
        )
        for note in told.notes:
            await outbox.respond(interaction, note, ephemeral=True)

    tell.autocomplete("genre")(_genre_autocomplete)

    # ----------------------------------------------------------------- saved stories
    @story.command(name="list", description="Stories saved in this server, newest first")
    @app_commands.describe(page="which page (10 stories each)", mine="only the ones you started")
    async def list_stories(
        self,
        interaction: discord.Interaction,
        page: app_commands.Range[int, 1, 100_000] = 1,
        mine: bool = False,
    ) -> None:
        try:
            found = await self.service.browse(
                interaction.guild_id, viewer_id=interaction.user.id, page=page, mine=mine
            )
        except StoryRequestError as exc:
            await outbox.respond(interaction, str(exc), ephemeral=True)
            return
        if not found.stories:
            await outbox.respond(
                interaction,
                "No stories saved here yet. /story tell or /story circle start makes one!",
                ephemeral=True,
            )
            return
        lines = [
            f"`#{s.id}` **{s.title}** \u2014 {genre_name(s.genre)}, "
            f"{'by ' + s.credits if s.kind == 'circle' else 'for ' + s.author_name} "
            f"\u00b7 <t:{int(s.created_at)}:d>"
            for s in found.stories
        ]
        embed = discord.Embed(title="Saved stories", description="\n".join(lines), colour=COLOUR)
        embed.set_footer(
            text=f"Page {found.page} of {found.pages} \u00b7 {found.total} stories \u00b7 "
            "/story show id:<number> reads one"
        )
        await outbox.respond(interaction, embed=embed, ephemeral=interaction.guild is None)

    @story.command(name="show", description="Read a saved story")
    @app_commands.rename(story_id="id")
    @app_commands.describe(story_id="the story's number, from /story list")
    async def show(
        self, interaction: discord.Interaction, story_id: app_commands.Range[int, 1, MAX_ID]
    ) -> None:
        try:
            story = await self.service.get(
                interaction.guild_id, story_id, viewer_id=interaction.user.id
            )
        except StoryRequestError as exc:
            await outbox.respond(interaction, str(exc), ephemeral=True)
            return
        footer = f"Story #{story.id}"
        await send_pages(
            interaction,
            story_pages(story.title, story.body, header=_story_header(story), footer=footer),
        )

    @story.command(name="delete", description="Delete a story you started (moderators: any)")
    @app_commands.rename(story_id="id")
    @app_commands.describe(story_id="the story's number, from /story list")
    async def delete(
        self, interaction: discord.Interaction, story_id: app_commands.Range[int, 1, MAX_ID]
    ) -> None:
        try:
            story = await self.service.delete(
                interaction.guild_id,
                story_id,
                user_id=interaction.user.id,
                is_moderator=await is_moderator(interaction),
            )
        except StoryRequestError as exc:
            await outbox.respond(interaction, str(exc), ephemeral=True)
            return
        await outbox.respond(
            interaction, f"Deleted story #{story.id}, \u201c{story.title}\u201d.", ephemeral=True
        )

    # ----------------------------------------------------------------- circles
    @circle.command(name="start", description="Start a story circle in this channel")
    @app_commands.describe(genre="the kind of story (I write the opening)")
    async def circle_start(
        self, interaction: discord.Interaction, genre: str | None = None
    ) -> None:
        if not await in_a_server(interaction):
            return
        assert interaction.guild_id is not None and interaction.channel_id is not None
        try:
            circle = await self.service.start_circle(
                guild_id=interaction.guild_id,
                channel_id=interaction.channel_id,
                user_id=interaction.user.id,
                user_name=interaction.user.display_name,
                genre=genre,
            )
        except StoryRequestError as exc:
            await outbox.respond(interaction, str(exc), ephemeral=True)
            return
        opening = circle.lines[0].text if circle.lines else ""
        text = (
            f"\U0001f4dd **Story circle: {circle.title}** ({genre_name(circle.genre)}), "
            f"started by {circle.starter_name}.\n\n{opening}\n\n"
            f"-# Take turns with /story circle add (one line each, up to "
            f"{MAX_CIRCLE_LINE_CHARS} characters). I'll add a twist every {TWIST_EVERY} lines; "
            "/story circle end finishes it."
        )
        await outbox.respond(interaction, text)

    circle_start.autocomplete("genre")(_genre_autocomplete)

    @circle.command(name="add", description="Add the next line to this channel's story circle")
    @app_commands.describe(line="your line of the story")
    async def circle_add(
        self,
        interaction: discord.Interaction,
        line: app_commands.Range[str, 1, MAX_CIRCLE_LINE_CHARS],
    ) -> None:
        if not await in_a_server(interaction):
            return
        assert interaction.channel_id is not None
        try:
            added = await self.service.add_line(
                channel_id=interaction.channel_id,
                user_id=interaction.user.id,
                user_name=interaction.user.display_name,
                text=line,
            )
        except StoryRequestError as exc:
            await outbox.respond(interaction, str(exc), ephemeral=True)
            return
        await outbox.respond(interaction, f"**{added.line.author_name}:** {added.line.text}")
        if added.twist is not None:
            await outbox.respond(interaction, f"\u2728 *Twist!* {added.twist.text}")

    @circle.command(name="end", description="Finish this channel's story circle and save it")
    async def circle_end(self, interaction: discord.Interaction) -> None:
        if not await in_a_server(interaction):
            return
        assert interaction.channel_id is not None
        try:
            ended = await self.service.end_circle(
                channel_id=interaction.channel_id,
                user_id=interaction.user.id,
                is_moderator=await is_moderator(interaction),
            )
        except StoryRequestError as exc:
            await outbox.respond(interaction, str(exc), ephemeral=True)
            return
        if ended.story_id is None:
            await outbox.respond(
                interaction,
                f"The story circle \u201c{ended.title}\u201d ended before anyone "
                "added a line, so there was nothing to save.",
            )
            return
        header = f"A story circle by {', '.join(ended.authors)} (and Hearth)"
        footer = f"Saved as story #{ended.story_id} \u00b7 /story show id:{ended.story_id}"
        await send_pages(
            interaction, story_pages(ended.title, ended.text, header=header, footer=footer)
        )


async def setup(bot: HearthBot) -> None:
    await bot.add_cog(Stories(bot))
