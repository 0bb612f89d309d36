"""/persona: who Hearth is in this server. show, use, edit (a form), set, import, export,
reset, and per-channel overrides.

Every change is validated by the persona model, screened by the moderation filter (a persona
cannot smuggle in rules or words the bot won't say), audited, and followed by dropping the
server's cached personas. The server persona's name becomes the bot's nickname here when it
may change it. (Speaking through a webhook with the persona's avatar is not implemented.)
"""

from __future__ import annotations

import io
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import HearthBot
from bot.moderation.admin import AdminError, shorten
from bot.moderation.persona_admin import (
    SETTABLE_FIELDS,
    PersonaAdmin,
    PersonaChange,
    format_style,
)
from cogs import outbox
from cogs.checks import moderator_only
from persona import MAX_PERSONA_BYTES, Persona

log = logging.getLogger(__name__)

EMBED_COLOUR = discord.Colour.from_rgb(232, 121, 52)
FIELD_CHOICES = [app_commands.Choice(name=f, value=f) for f in SETTABLE_FIELDS]
NO_NICK_PERMISSION = (
    "I couldn't change my nickname to **{name}**: I need the **Change Nickname** permission "
    "in this server."
)


class PersonaEditModal(discord.ui.Modal, title="Edit the persona"):
    """Name, description, style and system prompt of the server persona, pre-filled."""

    def __init__(self, cog: PersonaCog, persona: Persona) -> None:
        super().__init__(custom_id="hearth:persona:edit", timeout=900)
        self.cog = cog
        self.name_input: discord.ui.TextInput[PersonaEditModal] = discord.ui.TextInput(
            label="Name", custom_id="name", default=persona.name, max_length=32
        )
        self.description_input: discord.ui.TextInput[PersonaEditModal] = discord.ui.TextInput(
            label="Description",
            custom_id="description",
            default=persona.description,
            max_length=200,
            style=discord.TextStyle.paragraph,
        )
        self.style_input: discord.ui.TextInput[PersonaEditModal] = discord.ui.TextInput(
            label="Style (formality, emoji, verbosity)",
            custom_id="style",
            default=format_style(persona),
            max_length=120,
            required=False,
        )
        self.prompt_input: discord.ui.TextInput[PersonaEditModal] = discord.ui.TextInput(
            label="System prompt",
            custom_id="system_prompt",
            default=persona.system_prompt[:4000],
            max_length=4000,
            style=discord.TextStyle.paragraph,
        )
        for item in (self.name_input, self.description_input, self.style_input, self.prompt_input):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.cog.apply_edit(
            interaction,
            name=self.name_input.value,
            description=self.description_input.value,
            style=self.style_input.value,
            system_prompt=self.prompt_input.value,
        )


def persona_embed(persona: Persona, *, title: str) -> discord.Embed:
    """A persona's card."""
    embed = discord.Embed(title=title, description=persona.description, colour=EMBED_COLOUR)
    embed.add_field(name="Name", value=f"{persona.name} (`{persona.id}`)")
    style = persona.style
    embed.add_field(
        name="Style", value=f"{style.formality}, {style.emoji} emoji, {style.verbosity}"
    )
    embed.add_field(name="Rating", value=persona.content_rating.replace("_", " "))
    if persona.traits:
        embed.add_field(name="Traits", value=shorten(", ".join(persona.traits), 1000), inline=False)
    if persona.avatar_url:
        embed.set_thumbnail(url=persona.avatar_url)
    return embed


class PersonaCog(commands.Cog, name="Persona"):
    """Moderators choose and shape the persona Hearth speaks as."""

    persona = app_commands.Group(
        name="persona",
        description="Moderators: who I am in this server",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )

    def __init__(self, bot: HearthBot) -> None:
        self.bot = bot
        services = bot.services
        self.admin = PersonaAdmin(services.db, services.personas, services.moderation)

    # ----------------------------------------------------------------- reading
    @persona.command(name="show", description="The persona here, and this channel's override")
    async def show(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        status = await self.admin.status(interaction.guild_id, interaction.channel_id)
        origin = {
            "default": "the default persona",
            "chosen": "this server's choice" + (" (edited here)" if status.edited else ""),
        }[status.source]
        embed = persona_embed(status.server, title=f"🎭 {status.server.name}: {origin}")
        if status.channel is not None:
            embed.add_field(
                name="In this channel",
                value=f"{status.channel.name} (`{status.channel.id}`) overrides it here",
                inline=False,
            )
        embed.set_footer(text="Moderators: /persona use, edit, set, import, export, reset")
        await outbox.respond(interaction, embed=embed, ephemeral=True)

    # ----------------------------------------------------------------- changing
    @persona.command(name="use", description="Speak as a preset or one of this server's personas")
    @app_commands.describe(preset="The persona's id (start typing to see them)")
    @moderator_only()
    async def use(
        self, interaction: discord.Interaction, preset: app_commands.Range[str, 1, 64]
    ) -> None:
        assert interaction.guild is not None
        try:
            change = await self.admin.use(interaction.guild.id, interaction.user.id, preset)
        except AdminError as error:
            await outbox.respond(interaction, str(error), ephemeral=True)
            return
        await self._changed(interaction, change, f"I'm now **{change.persona.name}** here.")

    @use.autocomplete("preset")
    async def _preset_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        found = await self.admin.choices(interaction.guild_id, current)
        return [app_commands.Choice(name=c.label[:100], value=c.id) for c in found]

    @persona.command(name="edit", description="Edit name, description, style and system prompt")
    @moderator_only()
    async def edit(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        persona = await self.admin.server_persona(interaction.guild_id)
        await interaction.response.send_modal(PersonaEditModal(self, persona))

    async def apply_edit(
        self,
        interaction: discord.Interaction,
        *,
        name: str,
        description: str,
        style: str,
        system_prompt: str,
    ) -> None:
        """The edit form was submitted."""
        assert interaction.guild is not None
        try:
            change = await self.admin.edit(
                interaction.guild.id,
                interaction.user.id,
                name=name,
                description=description,
                style=style,
                system_prompt=system_prompt,
            )
        except AdminError as error:
            await outbox.respond(interaction, shorten(str(error), 1900), ephemeral=True)
            return
        changed = ", ".join(change.fields) or "nothing (saved as it was)"
        await self._changed(interaction, change, f"✅ Saved **{change.persona.name}**: {changed}.")

    @persona.command(name="set", description="Change one field of the server persona")
    @app_commands.describe(
        field="Which field (lists: traits by commas, boundaries by semicolons)",
        value="The new value ('none' clears avatar_url)",
    )
    @app_commands.choices(field=FIELD_CHOICES)
    @moderator_only()
    async def set_field(
        self,
        interaction: discord.Interaction,
        field: str,
        value: app_commands.Range[str, 1, 4000],
    ) -> None:
        assert interaction.guild is not None
        try:
            change = await self.admin.set_field(
                interaction.guild.id, interaction.user.id, field, value
            )
        except AdminError as error:
            await outbox.respond(interaction, shorten(str(error), 1900), ephemeral=True)
            return
        await self._changed(interaction, change, f"✅ Set `{field}` of **{change.persona.name}**.")

    @persona.command(name="import", description="Load a persona from a TOML file and use it")
    @app_commands.describe(file="A persona .toml file (see /persona export for the format)")
    @moderator_only()
    async def import_file(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        assert interaction.guild is not None
        if file.size > MAX_PERSONA_BYTES:
            await outbox.respond(
                interaction,
                f"`{file.filename}` is {file.size / 1024:.0f} KiB; a persona file can be at "
                f"most {MAX_PERSONA_BYTES // 1024} KiB.",
                ephemeral=True,
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            data = await file.read()
        except discord.HTTPException:
            await outbox.respond(
                interaction,
                "I couldn't download that file; try uploading it again.",
                ephemeral=True,
            )
            return
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            await outbox.respond(
                interaction,
                f"`{file.filename}` isn't UTF-8 text (line {line}); save it as UTF-8 and "
                "try again.",
                ephemeral=True,
            )
            return
        try:
            change = await self.admin.import_toml(
                interaction.guild.id, interaction.user.id, text, file.filename
            )
        except AdminError as error:
            await outbox.respond(interaction, shorten(str(error), 1900), ephemeral=True)
            return
        await self._changed(
            interaction,
            change,
            f"✅ Imported **{change.persona.name}** (`{change.persona.id}`); I'm speaking as "
            "it now.",
        )

    @persona.command(name="export", description="Download the server persona as a TOML file")
    @moderator_only()
    async def export(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        filename, text = await self.admin.export(interaction.guild_id)
        file = discord.File(io.BytesIO(text.encode("utf-8")), filename=filename)
        await outbox.respond(
            interaction,
            f"Here's `{filename}`. Edit it and load it back with `/persona import`.",
            file=file,
            ephemeral=True,
        )

    @persona.command(name="reset", description="Back to the default persona")
    @moderator_only()
    async def reset(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        change = await self.admin.reset(interaction.guild.id, interaction.user.id)
        await self._changed(
            interaction,
            change,
            f"↩️ Back to the default persona, **{change.persona.name}**. Channel overrides "
            "stay until you clear them with `/persona channel`.",
        )

    @persona.command(name="channel", description="Give a channel its own persona (or clear it)")
    @app_commands.describe(
        preset="The persona for the channel; leave empty to use the server's again",
        where="Which channel (default: this one)",
    )
    @moderator_only()
    async def channel(
        self,
        interaction: discord.Interaction,
        preset: app_commands.Range[str, 1, 64] | None = None,
        where: discord.TextChannel | None = None,
    ) -> None:
        assert interaction.guild_id is not None and interaction.channel_id is not None
        target = where.id if where is not None else interaction.channel_id
        try:
            persona = await self.admin.set_channel(
                interaction.guild_id, target, interaction.user.id, preset
            )
        except AdminError as error:
            await outbox.respond(interaction, str(error), ephemeral=True)
            return
        if persona is None:
            text = f"<#{target}> uses the server's persona again."
        else:
            text = (
                f"In <#{target}> I'm now **{persona.name}** (`{persona.id}`). My nickname stays "
                "the server persona's: Discord nicknames are per server, not per channel."
            )
        await outbox.respond(interaction, text, ephemeral=True)

    @channel.autocomplete("preset")
    async def _channel_preset_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self._preset_autocomplete(interaction, current)

    # ----------------------------------------------------------------- helpers
    async def _changed(
        self, interaction: discord.Interaction, change: PersonaChange, headline: str
    ) -> None:
        assert interaction.guild is not None
        lines = [headline]
        if change.note:
            lines.append(change.note)
        nickname = await self._sync_nickname(interaction.guild, change.persona.name)
        if nickname:
            lines.append(nickname)
        await outbox.respond(interaction, "\n".join(lines), ephemeral=True)

    async def _sync_nickname(self, guild: discord.Guild, name: str) -> str:
        """Take the persona's name as the bot's nickname here; says what happened."""
        me = guild.me
        if me is None or me.display_name == name:
            return ""
        permissions = me.guild_permissions
        if not (permissions.change_nickname or permissions.manage_nicknames):
            return NO_NICK_PERMISSION.format(name=name)
        try:
            await me.edit(nick=name)
        except discord.Forbidden:
            return NO_NICK_PERMISSION.format(name=name)
        except discord.HTTPException:
            log.warning("could not change the nickname in guild %s", guild.id, exc_info=True)
            return "Discord didn't let me change my nickname just now; the persona is saved."
        return f"My nickname here is now **{name}**."


async def setup(bot: HearthBot) -> None:
    await bot.add_cog(PersonaCog(bot))
