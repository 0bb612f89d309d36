"""Trivia games end to end: the real bot in the emulator, several people racing, both modes.

Timers are injected (`ScaledTime`) so a 10-second question lasts a fraction of a second.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.emulator.harness import bot_messages, interaction_messages
from bot.emulator.server import EmulatorError
from bot.games.trivia.scoring import letter_hint
from tests.test_trivia_e2e_support import (
    description,
    embeds_titled,
    field_values,
    next_question,
    private_reply,
    questions,
    right_option,
    speed_up,
    start_game,
    titles,
    trivia,
    until,
    wrong_option,
)


async def test_buttons_game_with_three_players_racing(world, alice, bob) -> None:
    cara = await world.person("Cara")
    games = world.channel("games")
    speed_up(world, speed=5)  # a 10 s question lasts 2 s
    first = await start_game(world, alice, games, rounds=2, mode="buttons", timer=10)
    [intro] = embeds_titled(world, games, "🎲 Trivia time")
    assert "2 questions" in description(intro) and "Started by Alice" in description(intro)
    assert len(first.buttons) == 4 and first.button_labels[0].startswith("A · ")

    right, answer = await right_option(world, games)
    wrong = await wrong_option(world, games)
    clicks = [await alice.click(first, right), await bob.click(first, right)]
    clicks.append(await cara.click(first, wrong))
    for click in clicks:
        note = await private_reply(world, click)
        assert note.ephemeral and "Locked in" in note.content
    again = await bob.click(first, wrong)
    note = await private_reply(world, again)
    assert note.ephemeral and "already answered" in note.content

    # Question 1 closes at its deadline (nobody is known yet); the reveal ranks by speed.
    [reveal] = await _reveals(world, games, 1)
    assert answer in reveal.embeds[0]["title"]
    fields = field_values(reveal)
    assert fields["Right"].index("Alice") < fields["Right"].index("Bob")
    assert "🥇 Alice" in fields["Right"] and "Cara" in fields["Not this time"]
    assert "⚡ Fastest: Alice" in description(reveal)
    assert first.buttons[right - 1].get("disabled") and first.buttons[right - 1]["style"] == 3

    # Question 2: every known player answers, so it closes at once.
    second = await next_question(world, games, 2)
    right, _ = await right_option(world, games)
    wrong = await wrong_option(world, games)
    await asyncio.gather(
        alice.click(second, right), bob.click(second, wrong), cara.click(second, wrong)
    )
    await until(world, lambda: embeds_titled(world, games, "🏆 "))
    [final] = embeds_titled(world, games, "🏆 ")
    assert final.embeds[0]["title"].startswith("🏆 Winner: Alice, with ")
    lines = description(final).splitlines()
    assert [i for i, line in enumerate(lines) if "Alice" in line] < [
        i for i, line in enumerate(lines) if "Bob" in line
    ]
    assert not trivia(world).is_running(games.id)

    stats = await trivia(world).stats(world.guild.id, alice.user.id)
    assert stats is not None and (stats.correct, stats.answered, stats.games, stats.wins) == (
        2,
        2,
        1,
        1,
    )
    assert stats.best_streak == 2
    bob_stats = await trivia(world).stats(world.guild.id, bob.user.id)
    assert bob_stats is not None and (bob_stats.correct, bob_stats.answered) == (1, 2)


async def _reveals(world, channel, count: int):
    await until(world, lambda: len(_reveal_messages(world, channel)) >= count)
    return _reveal_messages(world, channel)


def _reveal_messages(world, channel):
    return [
        m
        for m in bot_messages(world.emu, channel)
        if m.embeds
        and m.embeds[0].get("footer", {}).get("text", "").startswith("Question ")
        and not m.embeds[0]["title"].startswith("Question ")
    ]


async def test_typed_game_first_right_message_wins(world, alice, bob) -> None:
    games = world.channel("games")
    speed_up(world)
    first = await start_game(world, alice, games, rounds=1, mode="typed", timer=60)
    assert first.buttons == []
    assert trivia(world).claims_message(games.id)
    _, answer = await right_option(world, games)

    miss = await bob.say(games, "zzzz definitely not it")
    await until(world, lambda: "❌" in miss.reactions)
    hit = await alice.say(games, f"is it {answer}?")
    await until(world, lambda: "✅" in hit.reactions)
    late = await bob.say(games, answer)
    [reveal] = await _reveals(world, games, 1)
    assert reveal.embeds[0]["title"].startswith("🎉 Alice got it")
    assert "Bob" in field_values(reveal)["Not this time"]
    await until(world, lambda: embeds_titled(world, games, "🏆 Winner: Alice"))
    await asyncio.sleep(0.2)
    assert "✅" not in late.reactions  # the question was already won
    # Chat never answered the guesses: every bot message here is a trivia card.
    assert all(m.embeds for m in bot_messages(world.emu, games) if not m.interaction_id)
    assert not trivia(world).claims_message(games.id)


async def test_questions_time_out_and_silence_ends_the_game(world, alice) -> None:
    games = world.channel("games")
    speed_up(world, speed=40)
    await start_game(world, alice, games, rounds=10, mode="buttons", timer=10)
    await until(world, lambda: embeds_titled(world, games, "🏁 Game over"))
    [end] = embeds_titled(world, games, "🏁 Game over")
    assert "Nobody answered for 3 questions" in description(end)
    assert len(questions(world, games)) == 3
    timeouts = [t for t in titles(world, games) if t.startswith("⏱️ Time's up!")]
    assert len(timeouts) == 3
    assert not trivia(world).is_running(games.id)
    await until(world, lambda: not trivia(world).is_running(games.id))
    record = await world.bot.services.db.trivia.get_game(1)
    assert record is not None and record.status == "silence" and len(record.question_ids) == 3


async def test_hint_removes_two_options_once_and_halves_points(world, alice, bob) -> None:
    games = world.channel("games")
    speed_up(world)
    first = await start_game(world, alice, games, rounds=2, mode="buttons", timer=60)
    hint = await bob.slash(games, "trivia hint")
    [said] = await _answers(world, hint)
    assert not said.ephemeral and "Bob asked for a hint: it's not" in said.content
    assert "score half" in said.content
    await until(world, lambda: sum(bool(b.get("disabled")) for b in first.buttons) == 2)
    right, _ = await right_option(world, games)
    assert not first.buttons[right - 1].get("disabled")
    assert description(first).count("~~") == 4  # two options struck through
    with pytest.raises(EmulatorError, match="disabled"):
        removed = next(i for i, b in enumerate(first.buttons, 1) if b.get("disabled"))
        await alice.click(first, removed)
    again = await alice.slash(games, "trivia hint")
    note = await private_reply(world, again)
    assert note.ephemeral and "already given" in note.content
    await alice.click(first, right)
    skip = await alice.slash(games, "trivia skip")  # closes Q1 with Alice's answer discarded
    await private_reply(world, skip)
    second = await next_question(world, games, 2)
    assert second.id != first.id


async def test_typed_hint_shows_first_letters(world, alice) -> None:
    games = world.channel("games")
    speed_up(world)
    await start_game(world, alice, games, rounds=1, mode="typed", timer=60)
    _, answer = await right_option(world, games)
    hint = await alice.slash(games, "trivia hint")
    [said] = await _answers(world, hint)
    assert f"`{letter_hint(answer)}`" in said.content and "_" in said.content
    await until(world, lambda: "💡 Hint" in description(questions(world, games)[-1]))
    await alice.say(games, answer)
    [reveal] = await _reveals(world, games, 1)
    assert "💡 half" in field_values(reveal)["Right"]
    assert "A hint was used" in description(reveal)


async def _answers(world, interaction):
    await until(world, lambda: interaction_messages(world.emu, interaction))
    return interaction_messages(world.emu, interaction)


async def test_skip_needs_the_starter_or_a_moderator(world, alice, bob) -> None:
    games = world.channel("games")
    speed_up(world)
    await start_game(world, alice, games, rounds=2, mode="buttons", timer=60)
    refused = await bob.slash(games, "trivia skip")
    note = await private_reply(world, refused)
    assert note.ephemeral and "Only Alice" in note.content
    assert len(questions(world, games)) == 1
    skipped = await alice.slash(games, "trivia skip")
    [said] = await _answers(world, skipped)
    assert said.content == "⏭️ Alice skipped question 1."
    await until(world, lambda: any(t.startswith("⏭️ Skipped!") for t in titles(world, games)))
    await next_question(world, games, 2)


async def test_stop_needs_the_starter_or_a_moderator(world, alice, bob) -> None:
    cara = await world.person("Cara")
    await world.emu.set_moderator(world.guild, cara.user, True)
    games = world.channel("games")
    speed_up(world)
    await start_game(world, alice, games, rounds=5, mode="buttons", timer=60)
    refused = await bob.slash(games, "trivia stop")
    note = await private_reply(world, refused)
    assert note.ephemeral and "Only Alice (who started the game) or a moderator" in note.content
    assert trivia(world).is_running(games.id)
    stopped = await cara.slash(games, "trivia stop")
    [said] = await _answers(world, stopped)
    assert "Cara stopped the game" in said.content
    await until(world, lambda: embeds_titled(world, games, "🏁 Game over"))
    [end] = embeds_titled(world, games, "🏁 Game over")
    assert "Stopped by Cara after 1 of 5 questions" in description(end)
    await until(world, lambda: not trivia(world).is_running(games.id))
    none = await bob.slash(games, "trivia stop")
    note = await private_reply(world, none)
    assert "no trivia game running" in note.content


async def test_a_second_game_is_refused_with_a_link_to_the_first(world, alice, bob) -> None:
    games, general = world.channel("games"), world.channel("general")
    speed_up(world)
    first = await start_game(world, alice, games, rounds=3, timer=60)
    second = await bob.slash(games, "trivia start", mode="typed")
    note = await private_reply(world, second)
    assert note.ephemeral and "already running here (question 1 of 3, started by Alice)" in (
        note.content
    )
    assert f"/{games.id}/{first.id}" in note.content
    assert len(questions(world, games)) == 1
    # Another channel is free.
    elsewhere = await start_game(world, bob, general, rounds=1, timer=60)
    assert elsewhere.channel_id == general.id
    assert trivia(world).is_running(games.id) and trivia(world).is_running(general.id)


async def test_old_buttons_get_a_clear_answer(world, alice) -> None:
    games = world.channel("games")
    speed_up(world)
    first = await start_game(world, alice, games, rounds=2, timer=60)
    await alice.slash(games, "trivia skip")
    await next_question(world, games, 2)
    # Press a button of question 1 as it looked before the reveal disabled it.
    late = await alice.emu.user_interaction(
        alice.user,
        games,
        3,
        {"custom_id": first.buttons[0]["custom_id"], "component_type": 2},
        message=first,
    )
    note = await private_reply(world, late)
    assert note.ephemeral and note.content == "That question is closed; answer the newest one."


async def test_help_lists_the_trivia_commands(world, alice) -> None:
    interaction = await alice.slash(world.channel("general"), "help")
    [message] = await _answers(world, interaction)
    text = " ".join(f["name"] + " " + f["value"] for f in message.embeds[0]["fields"])
    for command in ("/trivia start", "/trivia leaderboard", "/trivia pack add", "/about"):
        assert command in text
