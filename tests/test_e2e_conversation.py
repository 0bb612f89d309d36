"""End to end: when Hearth speaks, what context it sends, Regenerate, limits and budgets."""

from __future__ import annotations

import pytest

from bot.brain.base import ChatMessage
from bot.context import estimate_tokens, fit_to_budget
from bot.emulator.harness import bot_messages, interaction_messages, wait_idle
from bot.limits import ChatLimiter, SlidingWindow
from tests.test_e2e_chat import FINISHED_BUTTONS, ScriptedBrain, use_brain


async def test_calling_the_persona_by_name_gets_an_answer(world, alice) -> None:
    brain = ScriptedBrain(["hi!"])
    use_brain(world, brain)
    games = world.channel("games")
    assert await alice.ask(games, "Shannon, are you around?")
    assert brain.requests[-1].last_user_text == "are you around?"
    assert await alice.ask(games, "I told shannon about it") == []
    assert await alice.ask(games, "shannonigans all round") == []


async def test_always_mode_joins_in_but_respects_the_cooldown(world, alice, bob) -> None:
    use_brain(world, ScriptedBrain(["mm-hm"]))
    games = world.channel("games")
    await world.bot.services.db.channels.set_chat_mode(world.guild.id, games.id, "always")
    assert await alice.ask(games, "lovely weather")
    assert await bob.ask(games, "isn't it") == []  # within the 20 s cooldown
    # being addressed directly is never cooled down
    assert await bob.ask(games, "what do you think?", mention=True)
    await world.bot.services.db.channels.set_chat_cooldown(world.guild.id, games.id, 0)
    assert await bob.ask(games, "and now?")


async def test_reply_chain_is_the_context_and_parents_are_fetched(world, alice, bob) -> None:
    brain = ScriptedBrain(["noted"])
    use_brain(world, brain)
    general = world.channel("general")
    first = await alice.say(general, "Pancakes or waffles, everyone?")
    second = await bob.reply(first, "waffles, obviously")
    # Parents the bot never saw in this process: it must fetch them through the API.
    await wait_idle(world.emu)
    world.bot.get_cog("Chat")._seen.clear()
    third = await alice.reply(second, "what do you think?")
    await alice.say(general, "unrelated chatter")
    asked = await alice.reply(third, f"<@{world.emu.state.bot.id}> settle this for us")
    await wait_idle(world.emu)
    assert bot_messages(world.emu, general, after=asked.id)
    received = brain.requests[-1].messages
    assert [(m.role, m.name, m.content) for m in received] == [
        ("user", "Alice", "Pancakes or waffles, everyone?"),
        ("user", "Bob", "waffles, obviously"),
        ("user", "Alice", "what do you think?"),
        ("user", "Alice", "settle this for us"),
    ]
    fetched = [r for r in world.emu.requests if r.method == "GET" and "/messages/" in r.path]
    assert fetched, "the missing parent was not fetched"


async def test_replying_to_the_bot_keeps_its_own_words_as_assistant_turns(world, alice) -> None:
    brain = ScriptedBrain(["Pancakes, with lemon."])
    use_brain(world, brain)
    general = world.channel("general")
    [answer] = await alice.ask(general, "pancakes or waffles?", mention=True)
    await alice.reply(answer, "why lemon?")
    await wait_idle(world.emu)
    roles = [(m.role, m.content) for m in brain.requests[-1].messages]
    assert roles[-2:] == [("assistant", "Pancakes, with lemon."), ("user", "why lemon?")]


async def test_token_budget_keeps_the_newest_turns(world, alice) -> None:
    brain = ScriptedBrain(["ok"])
    use_brain(world, brain)
    conversation = world.bot.services.conversation
    conversation.config = type(conversation.config)(context_tokens=1300, reply_reserve=100)
    for i in range(12):
        await alice.ask(alice.dm, f"message {i} " + "blah " * 60)
    sent = brain.requests[-1]
    used = estimate_tokens(sent.system_prompt) + sum(
        estimate_tokens(m.content) for m in sent.messages
    )
    assert used <= 1300 - 100
    assert sent.messages[-1].content.startswith("message 11")
    assert not any(m.content.startswith("message 0 ") for m in sent.messages)
    assert len(sent.messages) >= 3


def test_fit_to_budget_never_drops_the_latest_message_nor_opens_with_the_bot() -> None:
    history = [
        ChatMessage("user", "a" * 400, name="A"),
        ChatMessage("assistant", "b" * 400),
        ChatMessage("user", "c" * 40, name="A"),
        ChatMessage("assistant", "d" * 40),
    ]
    latest = ChatMessage("user", "z" * 20000, name="A")
    assert fit_to_budget("sys", history, latest, budget=100, reserve=50) == (latest,)
    kept = fit_to_budget("sys", history, ChatMessage("user", "hi"), budget=200, reserve=50)
    assert kept[0].role == "user" and kept[-1].content == "hi"


async def test_regenerate_replaces_the_reply_in_place(world, alice) -> None:
    brain = ScriptedBrain(["first answer"])
    use_brain(world, brain)
    general = world.channel("general")
    [reply] = await alice.ask(general, "give me a name for a cat", mention=True)
    assert reply.button_labels == FINISHED_BUTTONS
    brain.chunks = ["second answer"]
    await alice.click(reply, "Regenerate")
    await wait_idle(world.emu)
    assert reply.content == "second answer"
    assert bot_messages(world.emu, general, after=reply.id) == []  # replaced, not added
    stored = await world.bot.services.db.messages.get_by_discord_id(reply.id)
    assert stored is not None and stored.content == "second answer"
    # the same question, with the history from before it
    assert brain.requests[-1].last_user_text == "give me a name for a cat"


async def test_regenerate_of_a_long_reply_reuses_and_trims_its_messages(world, alice) -> None:
    words = " ".join(f"w{i}" for i in range(900))
    brain = ScriptedBrain([words])
    use_brain(world, brain)
    replies = await alice.ask(alice.dm, "long please")
    assert len(replies) >= 3 and replies[-1].button_labels == FINISHED_BUTTONS
    brain.chunks = ["short now"]
    await alice.click(replies[-1], "Regenerate")
    await wait_idle(world.emu)
    live = bot_messages(world.emu, alice.dm)
    assert [m.content for m in live] == ["short now"]
    assert live[0].id == replies[0].id


async def test_only_the_asker_or_a_moderator_can_regenerate(world, alice, bob) -> None:
    brain = ScriptedBrain(["an answer"])
    use_brain(world, brain)
    general = world.channel("general")
    [reply] = await alice.ask(general, "question", mention=True)
    click = await bob.click(reply, "Regenerate")
    await wait_idle(world.emu)
    [refusal] = interaction_messages(world.emu, click)
    assert refusal.ephemeral and "Only Alice" in refusal.content
    await world.emu.set_moderator(world.guild, bob.user, True)
    assert len(brain.requests) == 1
    click = await bob.click(reply, "Regenerate")
    await wait_idle(world.emu)
    assert not any(m.ephemeral for m in interaction_messages(world.emu, click))
    assert len(brain.requests) == 2


async def test_regenerate_still_works_after_a_restart(world, alice) -> None:
    use_brain(world, ScriptedBrain(["before restart"]))
    [reply] = await alice.ask(alice.dm, "hello there")
    await world.stop_bot()
    await world.start_bot()
    use_brain(world, ScriptedBrain(["after restart"]))
    await alice.click(reply, "Regenerate")
    await wait_idle(world.emu)
    assert reply.content == "after restart"


async def test_user_rate_limit_says_so_once_then_stays_quiet(world, alice, bob) -> None:
    use_brain(world, ScriptedBrain(["ok"]))
    world.bot.services.conversation.limiter = ChatLimiter(per_user_per_minute=3)
    answers = [await alice.ask(alice.dm, f"msg {i}") for i in range(5)]
    assert [len(a) for a in answers] == [1, 1, 1, 1, 0]
    assert "breather" in answers[3][0].content and "Shannon" in answers[3][0].content
    assert "Try me again in" in answers[3][0].content
    assert await bob.ask(bob.dm, "hi")  # others are not affected


async def test_daily_token_budget_hands_over_to_the_offline_brain(world, alice) -> None:
    remote = ScriptedBrain(["remote words " * 50])
    use_brain(world, remote)
    conversation = world.bot.services.conversation
    conversation.config = type(conversation.config)(guild_daily_tokens=100)
    general = world.channel("general")
    [first] = await alice.ask(general, "hello", mention=True)
    assert "remote words" in first.content
    assert await world.bot.services.db.usage.tokens_on(world.guild.id, conversation._today()) > 100
    [second] = await alice.ask(general, "hello again", mention=True)
    assert "today's thinking budget" in second.content
    assert "remote words" not in second.content
    assert len(remote.requests) == 1


def test_sliding_window() -> None:
    now = [0.0]
    window = SlidingWindow(2, window=10, clock=lambda: now[0])
    assert window.try_acquire(1) == 0 and window.try_acquire(1) == 0
    assert window.try_acquire(1) == pytest.approx(10)
    now[0] = 10.0
    assert window.try_acquire(1) == 0
    assert SlidingWindow(0).try_acquire(1) == 0  # 0 means unlimited
