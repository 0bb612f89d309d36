"""End to end through the pipeline: care, declines, a flagged LLM reply, and memory in chat."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.brain.fakes import FakeOpenAIServer, Scenario
from bot.conversation import SAFE_LINE, STRICTER
from bot.emulator.harness import IdleRules
from bot.emulator.world import LocalWorld
from bot.settings import Settings
from tests.test_e2e_chat import ScriptedBrain, use_brain
from tests.test_e2e_llm import reply_requests

SLOW = IdleRules(timeout=30)


async def test_distress_gets_care_not_a_refusal_and_the_brain_is_not_asked(world, alice) -> None:
    brain = ScriptedBrain(["something else entirely"])
    use_brain(world, brain)
    [reply] = await alice.ask(alice.dm, "i don't want to be here anymore, i want to end it all")
    assert "988" in reply.content and "findahelpline.com" in reply.content
    assert brain.requests == []


async def test_blocked_message_gets_a_short_kind_decline(world, alice) -> None:
    brain = ScriptedBrain(["never shown"])
    use_brain(world, brain)
    await world.bot.services.db.guilds.update(world.guild.id, strictness="strict")
    world.bot.services.moderation.invalidate(world.guild.id)
    [reply] = await alice.ask(world.channel("general"), "this shit is broken", mention=True)
    assert "rather not" in reply.content and "Alice" in reply.content
    assert brain.requests == []


async def test_ordinary_sadness_is_just_conversation(world, alice) -> None:
    brain = ScriptedBrain(["Oh no, sorry about the match!"])
    use_brain(world, brain)
    [reply] = await alice.ask(alice.dm, "I'm sad my team lost today")
    assert reply.content == "Oh no, sorry about the match!"


@pytest.fixture
async def llm(tmp_path: Path) -> AsyncIterator[tuple[LocalWorld, FakeOpenAIServer]]:
    async with FakeOpenAIServer(models=["m"]) as server:
        settings = Settings(
            database_path=tmp_path / "h.db",
            _env_file=None,
            brain="openai",
            llm_base_url=server.base_url,
            llm_model="m",
        )
        world = await LocalWorld.create(settings)
        await world.start_bot()
        try:
            yield world, server
        finally:
            await world.close()


async def test_a_flagged_llm_reply_is_rewritten_with_a_stricter_instruction(llm) -> None:
    world, server = llm
    alice = await world.person("Alice")
    server.script(
        Scenario(tokens=("Well", " damn", " that", " shit", " is", " wild")),
        Scenario(tokens=("Well,", " that", " is", " wild!")),
    )
    [reply] = await alice.ask(alice.dm, "what do you think?", rules=SLOW)
    assert reply.content == "Well, that is wild!"
    requests = reply_requests(server)
    assert len(requests) == 2
    assert STRICTER.strip() in requests[1].body["messages"][0]["content"]
    assert all("shit" not in shown for shown in reply.history)  # never visible, not even briefly


async def test_a_reply_flagged_twice_is_replaced_with_a_safe_line(llm) -> None:
    world, server = llm
    alice = await world.person("Alice")
    server.default = Scenario(tokens=("oh", " shit", " really"))
    [reply] = await alice.ask(alice.dm, "say it", rules=SLOW)
    assert reply.content == SAFE_LINE
    assert all("shit" not in shown for shown in reply.history)


async def test_memory_survives_a_restart_and_is_used_in_chat(world, alice) -> None:
    general = world.channel("general")
    await alice.ask(general, "Hi! My name is Priya and I have a dog called Biscuit", mention=True)
    await world.stop_bot()
    await world.start_bot()
    [reply] = await alice.ask(general, "what's my name?", mention=True)
    assert "Priya" in reply.content
    bob = await world.person("Bob")
    [other] = await bob.ask(general, "what's my name?", mention=True)
    assert "Priya" not in other.content  # never another user's memories


async def test_forget_in_chat_and_secrets_refused(world, alice) -> None:
    [reply] = await alice.ask(alice.dm, "my password is hunter2, remember it")
    exported = await world.bot.services.memory.export(alice.user.id)
    assert "hunter2" not in str(exported.get("memories"))
    assert reply.content
    await alice.ask(alice.dm, "I like cats")
    assert any(
        "cat" in line
        for line in await world.bot.services.memory.recall(alice.user.id, None, "cats")
    )
    await alice.ask(alice.dm, "forget that I like cats")
    assert not any(
        "cat" in line
        for line in await world.bot.services.memory.recall(alice.user.id, None, "cats")
    )
