"""End to end with a remote brain: Discord (the emulator) <- HearthBot -> a local LLM server.

The LLM servers are real HTTP servers on 127.0.0.1 speaking the OpenAI and Anthropic wire
protocols with real SSE framing (bot/brain/fakes.py); every test asserts what the user sees
in Discord, and, where it matters, what the model was sent.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.brain.errors import MIDWAY_USER_MESSAGE
from bot.brain.fakes import FakeAnthropicServer, FakeOpenAIServer, Scenario
from bot.brain.fallback import DEFAULT_NOTICE
from bot.emulator.harness import (
    IdleRules,
    bot_messages,
    interaction_messages,
    wait_idle,
    wait_until,
)
from bot.emulator.world import LocalWorld
from bot.settings import Settings
from tests.test_e2e_chat import FINISHED_BUTTONS

SLOW = IdleRules(timeout=30)


def reply_requests(server: FakeOpenAIServer | FakeAnthropicServer) -> list:
    """The chat requests that produce replies (not the memory extractor's, which follow)."""
    return [c for c in server.chats if "Rules that always apply" in str(c.body)]


@pytest.fixture
async def openai_server() -> AsyncIterator[FakeOpenAIServer]:
    async with FakeOpenAIServer(models=["test-model"]) as server:
        yield server


async def start_world(tmp_path: Path, **settings: object) -> LocalWorld:
    base = Settings(
        database_path=tmp_path / "hearth.db",
        _env_file=None,
        llm_read_timeout=1.0,
        llm_connect_timeout=1.0,
        **settings,
    )
    world = await LocalWorld.create(base, guild_name="LLM Server")
    await world.start_bot()
    return world


@pytest.fixture
async def llm_world(tmp_path: Path, openai_server: FakeOpenAIServer) -> AsyncIterator[LocalWorld]:
    world = await start_world(
        tmp_path, brain="openai", llm_base_url=openai_server.base_url, llm_model="test-model"
    )
    try:
        yield world
    finally:
        await world.close()


async def test_normal_stream_reaches_discord_and_the_model_gets_the_context(
    llm_world: LocalWorld, openai_server: FakeOpenAIServer
) -> None:
    alice = await llm_world.person("Alice")
    openai_server.script(Scenario(tokens=("Hi", " Alice", ", nice", " to meet", " you!")))
    [reply] = await alice.ask(llm_world.channel("general"), "hello!", mention=True)
    assert reply.content == "Hi Alice, nice to meet you!"
    assert reply.button_labels == FINISHED_BUTTONS
    body = reply_requests(openai_server)[-1].body
    assert body["stream"] is True and body["model"] == "test-model"
    assert body["messages"][0]["role"] == "system"
    assert "You are an AI" in body["messages"][0]["content"]
    assert body["messages"][-1] == {"role": "user", "content": "[Alice] hello!"}


async def test_slow_stream_is_shown_growing_then_final(
    llm_world: LocalWorld, openai_server: FakeOpenAIServer
) -> None:
    alice = await llm_world.person("Alice")
    tokens = tuple(f" word{i}" for i in range(40))
    openai_server.script(Scenario(tokens=tokens, interval=0.06))  # ~2.4 s
    [reply] = await alice.ask(alice.dm, "tell me slowly", rules=SLOW)
    assert reply.content == "".join(tokens).strip()
    assert 2 <= len(reply.edits) <= 5  # grew in place, about once a second
    assert any("word" in h and "word39" not in h for h in reply.history)  # partial was visible


async def test_stream_cut_midway_keeps_the_text_and_says_so(
    llm_world: LocalWorld, openai_server: FakeOpenAIServer
) -> None:
    alice = await llm_world.person("Alice")
    openai_server.script(Scenario(tokens=("The", " answer", " is", " forty"), cut_after=2))
    [reply] = await alice.ask(alice.dm, "what is it?", rules=SLOW)
    assert reply.content.startswith("The answer")
    assert MIDWAY_USER_MESSAGE in reply.content


@pytest.mark.parametrize(
    "scenario",
    [
        Scenario.error(401, "invalid api key"),
        Scenario.error(404, "model not found"),
        Scenario(tokens=("x",), malformed_after=0),
        Scenario(hang=True),
    ],
    ids=["401", "404", "malformed", "timeout"],
)
async def test_failures_before_any_text_fall_back_to_the_offline_brain_with_a_notice(
    llm_world: LocalWorld, openai_server: FakeOpenAIServer, scenario: Scenario
) -> None:
    alice = await llm_world.person("Alice")
    openai_server.script(scenario)
    [reply] = await alice.ask(alice.dm, "are you a real person?", rules=SLOW)
    assert reply.content.startswith(DEFAULT_NOTICE)
    answer = reply.content.removeprefix(DEFAULT_NOTICE).strip()
    assert answer and "AI" in answer  # the offline brain's honest answer


async def test_rate_limit_with_retry_after_is_waited_out_then_answered(
    llm_world: LocalWorld, openai_server: FakeOpenAIServer
) -> None:
    alice = await llm_world.person("Alice")
    openai_server.script(Scenario.error(429, retry_after=1), Scenario(tokens=("made", " it")))
    [reply] = await alice.ask(alice.dm, "hello", rules=SLOW)
    assert reply.content == "made it"
    chats = reply_requests(openai_server)
    assert len(chats) == 2
    gap = chats[1].received_at - chats[0].received_at
    assert gap >= 0.9


async def test_server_error_then_success_is_retried_before_any_text(
    llm_world: LocalWorld, openai_server: FakeOpenAIServer
) -> None:
    alice = await llm_world.person("Alice")
    openai_server.script(Scenario.error(500), Scenario(tokens=("second", " try")))
    [reply] = await alice.ask(alice.dm, "hello", rules=SLOW)
    assert reply.content == "second try"


async def test_a_dead_server_opens_the_circuit_and_is_left_alone(
    llm_world: LocalWorld, openai_server: FakeOpenAIServer
) -> None:
    alice = await llm_world.person("Alice")
    openai_server.default = Scenario.error(401)
    for i in range(3):
        [reply] = await alice.ask(alice.dm, f"hello {i}", rules=SLOW)
        assert reply.content.startswith(DEFAULT_NOTICE)
    asked = len(reply_requests(openai_server))
    [reply] = await alice.ask(alice.dm, "hello again", rules=SLOW)
    assert reply.content.startswith(DEFAULT_NOTICE)
    assert len(reply_requests(openai_server)) == asked  # the breaker kept us off the dead server
    interaction = await alice.slash(llm_world.channel("general"), "about")
    await wait_idle(llm_world.emu)
    [about] = interaction_messages(llm_world.emu, interaction)
    brain = {f["name"]: f["value"] for f in about.embeds[0]["fields"]}["Brain"]
    assert "open" in brain and "test-model" in brain


async def test_stop_button_ends_an_llm_stream(
    llm_world: LocalWorld, openai_server: FakeOpenAIServer
) -> None:
    alice = await llm_world.person("Alice")
    openai_server.script(Scenario(tokens=tuple(f" t{i}" for i in range(200)), interval=0.05))
    sent = await alice.say(alice.dm, "go on forever")
    assert await wait_until(
        llm_world.emu, lambda: bot_messages(llm_world.emu, alice.dm, after=sent.id)
    )
    [growing] = bot_messages(llm_world.emu, alice.dm, after=sent.id)
    await alice.click(growing, "Stop")
    await wait_idle(llm_world.emu, SLOW)
    assert growing.content.endswith("*(stopped)*") and "t199" not in growing.content


async def test_anthropic_stream_reaches_discord(tmp_path: Path) -> None:
    async with FakeAnthropicServer(api_key="sk-test") as server:
        world = await start_world(
            tmp_path,
            brain="anthropic",
            llm_base_url=server.base_url,
            llm_model="claude-test",
            llm_api_key="sk-test",
        )
        try:
            alice = await world.person("Alice")
            server.script(Scenario(tokens=("Hello", " from", " Claude")))
            [reply] = await alice.ask(alice.dm, "hi")
            assert reply.content == "Hello from Claude"
            body = reply_requests(server)[-1].body
            assert body["messages"][-1]["role"] == "user" and body["stream"] is True
            assert "sk-test" not in str(server.chats[-1].headers)
        finally:
            await world.close()
