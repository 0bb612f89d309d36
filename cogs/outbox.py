"""The single door out: every text or embed Hearth shows in Discord is sent from here.

Each function passes the text through the services' :class:`~bot.output.OutputGate` (output
filter, defused mass mentions) and sends with ``AllowedMentions.none()``, so no code path can
ping anyone or skip the filter by accident.
"""

from __future__ import annotations

from typing import Any

import discord

from bot.output import OutputGate

NO_MENTIONS = discord.AllowedMentions.none()
MISSING: Any = discord.utils.MISSING


def gate_of(client: discord.Client) -> OutputGate:
    """The output gate of a running HearthBot."""
    return client.services.gate  # type: ignore[attr-defined]


def clean_embed(embed: discord.Embed, gate: OutputGate) -> discord.Embed:
    """A copy of ``embed`` with every text passed through the gate."""
    data = embed.to_dict()
    for key in ("title", "description"):
        if data.get(key):
            data[key] = gate.render(data[key])  # type: ignore[literal-required]
    for field in data.get("fields", []):
        field["name"] = gate.render(field["name"])
        field["value"] = gate.render(field["value"])
    if data.get("footer", {}).get("text"):
        data["footer"]["text"] = gate.render(data["footer"]["text"])
    if data.get("author", {}).get("name"):
        data["author"]["name"] = gate.render(data["author"]["name"])
    return discord.Embed.from_dict(data)


def _prepare(
    gate: OutputGate, content: str | None, embed: discord.Embed | None, rendered: bool = False
) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"allowed_mentions": NO_MENTIONS}
    if content is not None:
        kwargs["content"] = content if rendered else gate.render(content)
    if embed is not None:
        kwargs["embed"] = clean_embed(embed, gate)
    return kwargs


async def send(
    client: discord.Client,
    destination: discord.abc.Messageable,
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
    reference: discord.Message | None = None,
    file: discord.File | None = None,
    rendered: bool = False,
) -> discord.Message:
    """Post a new message (``rendered``: the text already passed the gate, e.g. streamed)."""
    kwargs = _prepare(gate_of(client), content, embed, rendered)
    if view is not None:
        kwargs["view"] = view
    if reference is not None:
        kwargs["reference"] = reference
        kwargs["mention_author"] = False
    if file is not None:
        kwargs["file"] = file
    return await destination.send(**kwargs)


async def edit(
    client: discord.Client,
    message: discord.Message,
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = MISSING,
    rendered: bool = False,
) -> discord.Message:
    """Change a message Hearth sent."""
    kwargs = _prepare(gate_of(client), content, embed, rendered)
    if view is not MISSING:
        kwargs["view"] = view
    return await message.edit(**kwargs)


async def respond(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
    ephemeral: bool = False,
    file: discord.File | None = None,
) -> None:
    """Answer an interaction (or follow up, when it was answered or deferred already)."""
    kwargs = _prepare(gate_of(interaction.client), content, embed)
    kwargs["ephemeral"] = ephemeral
    if view is not None:
        kwargs["view"] = view
    if file is not None:
        kwargs["file"] = file
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)


async def update(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = MISSING,
) -> None:
    """Answer a button press by changing the message the button is on."""
    kwargs = _prepare(gate_of(interaction.client), content, embed)
    if view is not MISSING:
        kwargs["view"] = view
    if interaction.response.is_done():
        await interaction.edit_original_response(**kwargs)
    else:
        await interaction.response.edit_message(**kwargs)
