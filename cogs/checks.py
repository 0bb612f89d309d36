"""Permission checks done in the command handler itself, never only by Discord's UI.

Discord's ``default_permissions`` only hides a command in the app; server admins can change
that, and a stale client can still send it. Every moderator command therefore checks here,
on the server side, from the permissions Discord sent with the interaction.
"""

from __future__ import annotations

import discord
from discord import app_commands

NOT_A_MODERATOR = (
    "You need the **Manage Server** permission (or this server's moderator role) to change that."
)


async def is_moderator(interaction: discord.Interaction) -> bool:
    """Manage Server, Administrator, or the guild's configured moderator role."""
    if interaction.guild is None:
        return False
    perms = interaction.permissions
    if perms.manage_guild or perms.administrator:
        return True
    settings = await interaction.client.services.db.guilds.get(interaction.guild.id)  # type: ignore[attr-defined]
    member = interaction.user
    return (
        settings.mod_role_id is not None
        and isinstance(member, discord.Member)
        and any(role.id == settings.mod_role_id for role in member.roles)
    )


def moderator_only() -> app_commands.Check:  # type: ignore[type-arg]
    """An app-command check that fails with a clear message for non-moderators."""

    async def predicate(interaction: discord.Interaction) -> bool:
        if interaction.guild is None:
            raise app_commands.CheckFailure("That only works in a server, not in DMs.")
        if not await is_moderator(interaction):
            raise app_commands.CheckFailure(NOT_A_MODERATOR)
        return True

    return app_commands.check(predicate)
