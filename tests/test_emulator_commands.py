"""Emulator conformance: command sync, and slash commands built and checked like the app does."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest
from discord import app_commands
from test_emulator_probe import Probe, running_probe

from bot.emulator.harness import interaction_messages, wait_until
from bot.emulator.server import EmulatorError
from bot.emulator.state import Interaction, Message


@pytest.fixture
async def probe() -> AsyncIterator[Probe]:
    async with running_probe() as running:
        yield running


async def answer(probe: Probe, interaction: Interaction) -> list[Message]:
    """The interaction's messages once the client has answered it."""
    assert await wait_until(probe.emu, lambda: interaction.responded, timeout=5)
    return interaction_messages(probe.emu, interaction)


def last_call(probe: Probe, name: str) -> dict[str, Any]:
    calls = [args for called, args in probe.bot.calls if called == name]
    assert calls, f"/{name} never ran; calls: {probe.bot.calls}"
    return calls[-1]


async def test_global_sync_registers_every_command(probe: Probe) -> None:
    stored = {c["name"]: c for c in probe.emu.state.global_commands}
    assert {"echo", "kinds", "calc", "panel", "fruit"} <= set(stored)
    fetched = await probe.bot.tree.fetch_commands()
    assert {c.name: c.id for c in fetched} == {n: int(c["id"]) for n, c in stored.items()}
    calc = next(c for c in fetched if c.name == "calc")
    (group,) = calc.options
    assert isinstance(group, app_commands.AppCommandGroup) and group.name == "math"
    assert [o.name for o in group.options] == ["add"]
    app_id = probe.emu.state.bot.id
    assert ("PUT", f"/applications/{app_id}/commands") in [
        (r.method, r.path) for r in probe.emu.requests
    ]


async def test_guild_sync_registers_guild_commands_usable_only_there(probe: Probe) -> None:
    guild = discord.Object(probe.guild.id)

    @app_commands.command(name="local", description="Only in the probe guild")
    async def local(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("local answer")

    probe.bot.tree.add_command(local, guild=guild)
    synced = await probe.bot.tree.sync(guild=guild)
    assert [c.name for c in synced] == ["local"] and synced[0].guild_id == probe.guild.id
    assert [c["name"] for c in probe.emu.state.guild_commands[probe.guild.id]] == ["local"]
    (reply,) = await answer(probe, await probe.alice.slash(probe.general, "local"))
    assert reply.content == "local answer"
    with pytest.raises(EmulatorError, match="no /local command"):
        await probe.alice.slash(probe.alice.dm, "local")


async def test_resync_replaces_the_registered_commands(probe: Probe) -> None:
    probe.bot.tree.remove_command("fruit")
    await probe.bot.tree.sync()
    assert "fruit" not in {c["name"] for c in probe.emu.state.global_commands}
    with pytest.raises(EmulatorError, match="no /fruit command"):
        await probe.alice.slash(probe.general, "fruit", name="x")


async def test_nested_group_command_reaches_its_leaf(probe: Probe) -> None:
    interaction = await probe.alice.slash(probe.general, "calc math add", a=2, b="40")
    (reply,) = await answer(probe, interaction)
    assert reply.content == "42"
    (group,) = interaction.data["options"]
    assert (group["name"], group["type"]) == ("math", 2)
    assert group["options"][0]["name"] == "add" and group["options"][0]["type"] == 1


@pytest.mark.parametrize(
    ("command", "message"),
    [("calc", "needs a subcommand: math"), ("calc math", "needs a subcommand: add")],
)
async def test_group_without_a_leaf_is_refused(probe: Probe, command: str, message: str) -> None:
    with pytest.raises(EmulatorError, match=message):
        await probe.alice.slash(probe.general, command)


async def test_unknown_subcommand_is_refused_naming_the_real_ones(probe: Probe) -> None:
    with pytest.raises(EmulatorError, match="has no subcommand 'sub'; it has: add"):
        await probe.alice.slash(probe.general, "calc math sub", a=1, b=1)


async def test_every_option_type_arrives_typed_at_the_client(probe: Probe) -> None:
    upload = probe.emu.add_attachment("notes.txt", b"attached words")
    interaction = await probe.alice.slash(
        probe.general,
        "kinds",
        count="3",
        ratio=0.25,
        loud="yes",
        who="Bob",
        colour="blue",
        note="short",
        attachments={"upload": upload},
    )
    await answer(probe, interaction)
    call = last_call(probe, "kinds")
    assert call["count"] == 3 and isinstance(call["count"], int)
    assert call["ratio"] == 0.25 and call["loud"] is True
    assert isinstance(call["who"], discord.Member) and call["who"].id == probe.bob.user.id
    assert call["colour"] == "blue" and call["note"] == "short"
    assert call["upload"] == b"attached words"


async def test_channel_role_and_mentionable_options_resolve(probe: Probe) -> None:
    interaction = await probe.alice.slash(
        probe.general, "where", place="#other", role="Moderator", anyone="Bob"
    )
    (reply,) = await answer(probe, interaction)
    assert reply.content == "other Moderator bob"
    call = last_call(probe, "where")
    assert call["place"].id == probe.emu.channel(probe.guild, "other").id
    assert isinstance(call["role"], discord.Role)
    assert isinstance(call["anyone"], discord.Member)
    await answer(
        probe,
        await probe.alice.slash(
            probe.general, "where", place="general", role="@everyone", anyone="Moderator"
        ),
    )
    assert isinstance(last_call(probe, "where")["anyone"], discord.Role)


KINDS_OK: dict[str, Any] = {"count": 5, "ratio": 0.5, "loud": False, "who": "Bob", "colour": "red"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"count": 0}, "count must be at least 1"),
        ({"count": 11}, "count must be at most 10"),
        ({"ratio": 1.5}, "ratio must be at most 1.0"),
        ({"note": "x"}, "note must be at least 2 characters"),
        ({"note": "far too long"}, "note must be at most 8 characters"),
        ({"colour": "green"}, "colour must be one of: red, blue"),
        ({"count": "many"}, "count must be a whole number, got 'many'"),
        ({"loud": "perhaps"}, "loud must be true or false"),
        ({"who": "Nobody"}, "no user called 'Nobody'"),
        ({"volume": 3}, "has no option 'volume'"),
    ],
)
async def test_out_of_bounds_options_are_refused_like_the_app(
    probe: Probe, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(EmulatorError, match=message):
        await probe.alice.slash(probe.general, "kinds", **{**KINDS_OK, **changes})
    assert not probe.emu.state.interactions


async def test_missing_required_options_are_refused_naming_them(probe: Probe) -> None:
    with pytest.raises(EmulatorError, match="needs the option\\(s\\): loud, who"):
        await probe.alice.slash(probe.general, "kinds", count=1, ratio=0.1, colour="red")
    assert not probe.emu.state.interactions


async def test_unknown_command_is_refused_listing_the_real_ones(probe: Probe) -> None:
    with pytest.raises(EmulatorError, match=r"no /nope command here\. Commands: .*/echo"):
        await probe.alice.slash(probe.general, "nope")


async def test_raw_bypasses_the_app_checks_and_reaches_the_client(probe: Probe) -> None:
    interaction = await probe.alice.slash(probe.general, "calc math add", raw=True, a=500, b=1)
    (reply,) = await answer(probe, interaction)
    assert reply.content == "501"  # discord.py trusts Discord to enforce min/max


async def test_valid_options_pass_the_checks_unchanged(probe: Probe) -> None:
    interaction = await probe.alice.slash(probe.general, "kinds", **KINDS_OK, note="ok")
    await answer(probe, interaction)
    assert last_call(probe, "kinds")["count"] == 5
    assert {o["name"]: o["type"] for o in interaction.data["options"]} == {
        "count": 4,
        "ratio": 10,
        "loud": 5,
        "who": 6,
        "colour": 3,
        "note": 3,
    }
