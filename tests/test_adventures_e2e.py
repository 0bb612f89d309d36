"""End to end through the emulator: /adventure start|resume|quit, solo clicks, party votes."""

from __future__ import annotations

import random

import pytest

from bot.content.adventures import load_adventures
from bot.emulator.harness import (
    IdleRules,
    bot_messages,
    interaction_messages,
    wait_idle,
    wait_until,
)
from bot.emulator.server import EmulatorError
from bot.emulator.state import Message
from tests.test_adventures_service import path_to_ending

FAST = IdleRules(stream_quiet=0.25)  # buttons edit messages in place; nothing streams
VOTE_SECONDS = 0.4


async def run(world, person, command: str, **options) -> list[Message]:  # type: ignore[no-untyped-def]
    interaction = await person.slash(world.channel("games"), command, **options)
    await wait_idle(world.emu, FAST)
    return interaction_messages(world.emu, interaction)


async def click(world, person, message: Message, which: int | str) -> list[Message]:  # type: ignore[no-untyped-def]
    interaction = await person.click(message, which)
    await wait_idle(world.emu, FAST)
    return interaction_messages(world.emu, interaction)


async def vote(world, person, message: Message, which: int) -> None:  # type: ignore[no-untyped-def]
    """Press a choice and wait only for the answer (votes race the party timer)."""
    interaction = await person.click(message, which)
    assert await wait_until(world.emu, lambda: interaction.responded, timeout=3)


def party_timer(world, seconds: float = VOTE_SECONDS, seed: int = 0) -> None:  # type: ignore[no-untyped-def]
    service = world.bot.services.adventures
    service.vote_seconds = seconds
    service.rng = random.Random(seed)


async def next_scene(world, after: Message) -> Message:  # type: ignore[no-untyped-def]
    """The scene message the party timer posts after ``after``."""
    games = world.channel("games")

    def posted() -> list[Message]:
        return [m for m in bot_messages(world.emu, games, after=after.id) if m.embeds]

    assert await wait_until(world.emu, posted, timeout=5)
    await wait_idle(world.emu, FAST)
    [message] = posted()
    return message


async def test_solo_adventure_plays_to_an_ending(world, alice, bob) -> None:
    [scene] = await run(world, alice, "adventure start", name="lighthouse")
    adventure = load_adventures()["lighthouse"]
    assert scene.embeds[0]["title"] == adventure.title
    assert scene.embeds[0]["description"] == adventure.scenes[adventure.start].text
    assert scene.button_labels == [c.label for c in adventure.scenes[adventure.start].choices]
    [refused] = await click(world, bob, scene, 1)
    assert refused.ephemeral and "Alice's solo adventure" in refused.content
    assert scene.embeds[0]["description"] == adventure.scenes[adventure.start].text
    current = adventure.start
    for index in path_to_ending(adventure):
        label = adventure.scenes[current].choices[index].label
        await click(world, alice, scene, index + 1)
        current = adventure.scenes[current].choices[index].goto
        assert scene.content == f"You chose **{label}**."
        assert scene.embeds[0]["description"] == adventure.scenes[current].text
    ending = adventure.scenes[current].ending
    assert ending is not None and not scene.buttons
    assert scene.embeds[0]["fields"][0]["name"] == "The End"
    assert ending.title in scene.embeds[0]["fields"][0]["value"]
    [none] = await run(world, alice, "adventure resume")
    assert "no adventure going" in none.content


async def test_party_majority_wins_and_is_announced(world, alice, bob) -> None:
    carol = await world.person("Carol")
    party_timer(world)
    [scene] = await run(world, alice, "adventure start", name="pie", mode="party")
    labels = scene.button_labels
    await vote(world, alice, scene, 1)
    assert "Votes" in scene.embeds[0]["fields"][0]["name"]
    await vote(world, bob, scene, 2)
    await vote(world, carol, scene, 2)
    await vote(world, alice, scene, 2)  # Alice changes her vote: 0 / 3 / 0
    assert f"{labels[1]}: 3" in scene.embeds[0]["fields"][0]["value"]
    following = await next_scene(world, scene)
    assert following.content == f"\U0001f5f3 The party chose **{labels[1]}** (3 of 3 votes)."
    assert not scene.buttons  # the old scene's buttons are gone
    run_record = await world.bot.services.adventures.find_run(
        channel_id=world.channel("games").id, user_id=bob.user.id
    )
    assert run_record is not None and run_record.step == 1
    assert run_record.record.message_id == following.id


async def test_party_tie_is_broken_at_random_and_announced(world, alice, bob) -> None:
    party_timer(world, seed=1)
    [scene] = await run(world, alice, "adventure start", name="marmalade", mode="party")
    labels = scene.button_labels
    await vote(world, alice, scene, 1)
    await vote(world, bob, scene, 2)
    following = await next_scene(world, scene)
    assert following.content.startswith(
        f"\U0001f3b2 A tie between **{labels[0]}** and **{labels[1]}** (1 vote each): "
        "the dice chose **"
    )
    chosen = following.content.split("the dice chose **")[1].rstrip("*.")
    assert chosen in labels[:2]
    # stale buttons of the old scene are refused politely
    with pytest.raises(EmulatorError, match="no buttons"):
        await bob.click(scene, 1)


async def test_buttons_and_state_survive_a_restart_and_resume(world, alice) -> None:
    [scene] = await run(world, alice, "adventure start", name="lighthouse")
    await click(world, alice, scene, 1)
    after_first = scene.embeds[0]["description"]
    await world.stop_bot()
    await world.start_bot()
    await click(world, alice, scene, 1)  # the old message's buttons still work
    assert scene.embeds[0]["description"] != after_first
    here = scene.embeds[0]["description"]
    [resumed] = await run(world, alice, "adventure resume")
    assert resumed.content == "*The adventure continues\u2026*"
    assert resumed.embeds[0]["description"] == here
    assert not scene.buttons  # only the newest message carries the choices
    await click(world, alice, resumed, 1)
    assert resumed.embeds[0]["description"] != here


async def test_a_party_vote_finishes_after_a_restart(world, alice, bob) -> None:
    party_timer(world, seconds=1.5)
    [scene] = await run(world, alice, "adventure start", name="pie", mode="party")
    label = scene.button_labels[2]
    await click(world, bob, scene, 3)
    await world.stop_bot()
    await world.start_bot()
    following = await next_scene(world, scene)
    assert following.content.startswith(f"\U0001f5f3 The party chose **{label}**")


async def test_quit_resume_and_permissions(world, alice, bob) -> None:
    [party] = await run(world, alice, "adventure start", name="pie", mode="party")
    [busy] = await run(world, bob, "adventure start", mode="party")
    assert busy.ephemeral and "already has a party adventure" in busy.content
    [solo] = await run(world, bob, "adventure start", name="marmalade")  # his own, alongside
    assert solo.embeds[0]["title"].startswith("Stowaway")
    [quit_solo] = await run(world, bob, "adventure quit")
    assert "stopped \u201cStowaway" in quit_solo.content and not solo.buttons
    [refused] = await run(world, bob, "adventure quit")  # now the party run: not his
    assert refused.ephemeral and "Only Alice" in refused.content
    [resumed] = await run(world, bob, "adventure resume")  # anyone may show the party again
    assert resumed.embeds[0]["title"].startswith("The Great Pie") and not party.buttons
    [done] = await run(world, alice, "adventure quit")
    assert "stopped \u201cThe Great Pie" in done.content and not resumed.buttons
    assert (
        await world.bot.services.adventures.find_run(
            channel_id=world.channel("games").id, user_id=alice.user.id
        )
        is None
    )


async def test_names_autocomplete_and_suggestions(world, alice) -> None:
    choices = await alice.autocomplete(world.channel("games"), "adventure start", "name", "star")
    assert choices == [{"name": "Stowaway on the Starship Marmalade", "value": "marmalade"}]
    [unknown] = await run(world, alice, "adventure start", name="lighthose")
    assert unknown.ephemeral
    assert "Did you mean The Lighthouse at Gull's End?" in unknown.content
    [improv] = await run(world, alice, "adventure start", name="improvised")
    assert "need a remote brain" in improv.content
    with pytest.raises(EmulatorError, match="must be one of: solo, party"):
        await alice.slash(world.channel("games"), "adventure start", mode="duo")


async def test_solo_in_dms_and_no_party_there(world, alice) -> None:
    interaction = await alice.slash(alice.dm, "adventure start", name="pie")
    await wait_idle(world.emu, FAST)
    [scene] = interaction_messages(world.emu, interaction)
    await click(world, alice, scene, 1)
    assert scene.content.startswith("You chose **")
    interaction = await alice.slash(alice.dm, "adventure start", name="pie", mode="party")
    await wait_idle(world.emu, FAST)
    [refused] = interaction_messages(world.emu, interaction)
    assert "Party adventures need a server" in refused.content
