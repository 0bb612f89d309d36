"""End to end through the emulator: slash commands, buttons, permissions, bad options."""

from __future__ import annotations

import asyncio

import pytest

from bot.emulator.harness import bot_messages, interaction_messages, wait_idle, wait_until
from bot.emulator.server import EmulatorError
from tests.test_e2e_chat import FINISHED_BUTTONS, ScriptedBrain, use_brain


async def test_help_lists_commands_grouped_and_privately(world, alice) -> None:
    interaction = await alice.slash(world.channel("general"), "help")
    await wait_idle(world.emu)
    [message] = interaction_messages(world.emu, interaction)
    assert message.ephemeral and message.visible_to == alice.user.id
    embed = message.embeds[0]
    text = " ".join(f["name"] + " " + f["value"] for f in embed["fields"])
    for command in ("/about", "/help", "/chat mode"):
        assert command in text
    assert {f["name"] for f in embed["fields"]} >= {"Info", "Chat"}
    # nobody else sees it
    assert message not in bot_messages(world.emu, world.channel("general"))


async def test_about_shows_persona_brain_uptime_version(world, alice) -> None:
    interaction = await alice.slash(world.channel("general"), "about")
    await wait_idle(world.emu)
    [message] = interaction_messages(world.emu, interaction)
    fields = {f["name"]: f["value"] for f in message.embeds[0]["fields"]}
    assert fields["Persona"].startswith("Shannon")
    assert fields["Brain"].startswith("offline")
    assert fields["Version"].startswith("Hearth ")
    assert fields["Uptime"].endswith(("s", "min"))
    assert not message.ephemeral


async def test_button_round_trip_privacy(world, alice, bob) -> None:
    general = world.channel("general")
    interaction = await alice.slash(general, "about")
    await wait_idle(world.emu)
    [about] = interaction_messages(world.emu, interaction)
    assert about.button_labels == ["Privacy & data"]
    click = await bob.click(about, "Privacy & data")
    await wait_idle(world.emu)
    [answer] = interaction_messages(world.emu, click)
    assert answer.ephemeral and answer.visible_to == bob.user.id
    assert "What I keep" in answer.content


async def test_about_button_still_works_after_a_restart(world, alice) -> None:
    general = world.channel("general")
    interaction = await alice.slash(general, "about")
    await wait_idle(world.emu)
    [about] = interaction_messages(world.emu, interaction)
    await world.stop_bot()
    await world.start_bot()
    click = await alice.click(about, 1)
    await wait_idle(world.emu)
    assert interaction_messages(world.emu, click)


async def test_chat_mode_needs_manage_server_checked_by_the_bot(world, alice) -> None:
    games = world.channel("games")
    # raw: as if Discord's own permission gate had been changed by the server's admins
    interaction = await alice.slash(games, "chat mode", mode="always")
    await wait_idle(world.emu)
    [denied] = interaction_messages(world.emu, interaction)
    assert denied.ephemeral and "Manage Server" in denied.content
    assert await world.bot.services.db.channels.get(games.id) is None
    assert await world.bot.services.db.audit.list(world.guild.id) == []


async def test_moderator_sets_always_mode_and_the_change_is_audited(world, alice, bob) -> None:
    games = world.channel("games")
    await world.emu.set_moderator(world.guild, alice.user, True)
    interaction = await alice.slash(games, "chat mode", mode="always")
    await wait_idle(world.emu)
    [done] = interaction_messages(world.emu, interaction)
    assert "always" in done.content
    replies = await bob.ask(games, "anyone around?")
    assert len(replies) == 1
    [entry] = await world.bot.services.db.audit.list(world.guild.id)
    assert entry.actor_id == alice.user.id and entry.action == "chat.mode"
    assert entry.detail == {"channel_id": games.id, "mode": "always"}


async def test_chat_mode_off_silences_mentions(world, alice) -> None:
    games = world.channel("games")
    await world.emu.set_moderator(world.guild, alice.user, True)
    await alice.slash(games, "chat mode", mode="off")
    await wait_idle(world.emu)
    assert await alice.ask(games, "hello?", mention=True) == []


async def test_discord_app_refuses_a_missing_required_option(world, alice) -> None:
    with pytest.raises(EmulatorError, match="needs the option"):
        await alice.slash(world.channel("games"), "chat mode")
    with pytest.raises(EmulatorError, match="must be one of: off, mention, always"):
        await alice.slash(world.channel("games"), "chat mode", mode="loud")
    with pytest.raises(EmulatorError, match="no /nope command"):
        await alice.slash(world.channel("games"), "nope")


async def test_a_stale_command_missing_its_option_gets_a_clear_answer(world, alice) -> None:
    await world.emu.set_moderator(world.guild, alice.user, True)
    interaction = await alice.slash(world.channel("games"), "chat mode", raw=True)
    await wait_idle(world.emu)
    [answer] = interaction_messages(world.emu, interaction)
    assert answer.ephemeral
    assert "missing or unexpected options" in answer.content


async def test_stop_button_ends_a_streaming_reply(world, alice, bob) -> None:
    use_brain(world, ScriptedBrain([f"part{i} " for i in range(200)], pause=0.05))
    sent = await alice.say(alice.dm, "go on and on")
    assert await wait_until(world.emu, lambda: bot_messages(world.emu, alice.dm, after=sent.id))
    [growing] = bot_messages(world.emu, alice.dm, after=sent.id)
    assert growing.button_labels == ["Stop"]
    await alice.click(growing, "Stop")
    await wait_idle(world.emu)
    assert growing.content.endswith("*(stopped)*")
    assert growing.button_labels == FINISHED_BUTTONS
    assert "part199" not in growing.content


async def test_only_the_asker_or_a_moderator_can_stop(world, alice, bob) -> None:
    use_brain(world, ScriptedBrain([f"bit{i} " for i in range(60)], pause=0.05))
    general = world.channel("general")
    sent = await alice.say(general, "talk for a while", mention=True)
    assert await wait_until(world.emu, lambda: bot_messages(world.emu, general, after=sent.id))
    [growing] = bot_messages(world.emu, general, after=sent.id)
    refused = await bob.click(growing, "Stop")
    await wait_until(world.emu, lambda: interaction_messages(world.emu, refused))
    [note] = interaction_messages(world.emu, refused)
    assert note.ephemeral and "Only Alice" in note.content
    await wait_idle(world.emu)
    assert "bit59" in growing.content and "stopped" not in growing.content


async def test_many_people_at_once_each_get_their_own_answer(world) -> None:
    people = [await world.person(f"P{i}") for i in range(8)]
    sent = await asyncio.gather(*(p.say(p.dm, "hello") for p in people))
    await wait_idle(world.emu)
    for person, message in zip(people, sent, strict=True):
        replies = bot_messages(world.emu, person.dm, after=message.id)
        assert len(replies) == 1, person.name
