"""The Anthropic brain against a real local HTTP server speaking the Messages API."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest

from bot.brain.anthropic import AnthropicBrain
from bot.brain.base import ChatMessage, ChatRequest
from bot.brain.errors import (
    AuthFailed,
    BadRequest,
    ModelNotFound,
    RateLimited,
    RetryPolicy,
    ServerOverloaded,
    StreamBroken,
)
from bot.brain.fakes import FakeAnthropicServer, Scenario, chat_request
from bot.brain.openai import with_usage
from bot.settings import ConfigError, Settings

KEY = "sk-ant-api03-SECRETKEY0123456789"


class Sleeps:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
async def server() -> AsyncIterator[FakeAnthropicServer]:
    async with FakeAnthropicServer(models=["claude-test"], api_key=KEY) as fake:
        yield fake


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def make_brain(
    server: FakeAnthropicServer, sleeps: Sleeps | None = None, **kwargs: object
) -> AnthropicBrain:
    kwargs.setdefault("model", "claude-test")
    kwargs.setdefault("api_key", KEY)
    kwargs.setdefault("retry_policy", RetryPolicy(max_retries=2, sleep=sleeps or Sleeps()))
    return AnthropicBrain(server.base_url, **kwargs)  # type: ignore[arg-type]


async def collect(brain: AnthropicBrain, request: ChatRequest | None = None) -> str:
    try:
        return "".join([chunk async for chunk in brain.stream(request or chat_request())])
    finally:
        await brain.aclose()


async def test_streams_text_deltas_and_usage(server: FakeAnthropicServer) -> None:
    server.script(Scenario(tokens=("Tea", " is", " ready."), usage=(30, 3)))
    request, usage = with_usage(chat_request())
    assert await collect(make_brain(server), request) == "Tea is ready."
    assert (usage.prompt_tokens, usage.completion_tokens) == (30, 3)
    assert usage.finish_reason == "end_turn" and usage.model == "claude-test"


async def test_headers_carry_key_and_version(server: FakeAnthropicServer) -> None:
    await collect(make_brain(server, extra_headers={"anthropic-beta": "test-1"}))
    headers = server.chats[0].headers
    assert headers["x-api-key"] == "<redacted>"  # accepted by the server, not recorded
    assert headers["anthropic-version"] == "2023-06-01"
    assert headers["anthropic-beta"] == "test-1"
    assert "Authorization" not in headers


async def test_conversation_is_reshaped_for_the_messages_api(server: FakeAnthropicServer) -> None:
    history = (
        ChatMessage("assistant", "Welcome, everyone!"),  # the first message must be the user's
        ChatMessage("user", "hi", name="Ana"),
        ChatMessage("user", "hello", name="Ben"),
        ChatMessage("system", "Ben is new here."),
        ChatMessage("assistant", "Hi both!"),
        ChatMessage("assistant", ""),
    )
    request = chat_request("how are you?", history=history, name="Ana", system_prompt="Be kind.")
    await collect(make_brain(server), request)
    body = server.chats[0].body
    assert body["system"] == "Be kind.\n\nBen is new here."
    assert body["messages"] == [
        {"role": "user", "content": "[Ana] hi\n\n[Ben] hello"},
        {"role": "assistant", "content": "Hi both!"},
        {"role": "user", "content": "[Ana] how are you?"},
    ]
    assert body["max_tokens"] == 1024 and body["stream"] is True


async def test_request_fields_override_defaults(server: FakeAnthropicServer) -> None:
    request = chat_request(max_tokens=20, temperature=0.5, system_prompt="")
    await collect(
        make_brain(server, max_tokens=300, extra_body={"metadata": {"user_id": "u1"}}), request
    )
    body = server.chats[0].body
    assert (body["max_tokens"], body["temperature"]) == (20, 0.5)
    assert body["metadata"] == {"user_id": "u1"} and "system" not in body


async def test_nothing_to_send_is_a_clear_error(server: FakeAnthropicServer) -> None:
    request = chat_request("   ")
    with pytest.raises(BadRequest, match="no user message"):
        await collect(make_brain(server), request)
    assert server.chats == []


async def test_base_url_ending_in_v1_still_works(server: FakeAnthropicServer) -> None:
    brain = AnthropicBrain(server.base_url + "/v1/", model="claude-test", api_key=KEY)
    assert await collect(brain) == "Hello there!"


async def test_overloaded_529_then_success(server: FakeAnthropicServer, sleeps: Sleeps) -> None:
    server.script(Scenario.error(529), Scenario(tokens=("ok",)))
    assert await collect(make_brain(server, sleeps)) == "ok"
    assert len(server.chats) == 2 and len(sleeps.waits) == 1


async def test_error_event_before_text_is_retried(
    server: FakeAnthropicServer, sleeps: Sleeps
) -> None:
    server.script(Scenario(error_after=0), Scenario(tokens=("second", " try")))
    assert await collect(make_brain(server, sleeps)) == "second try"


async def test_error_event_midway_keeps_partial_text(server: FakeAnthropicServer) -> None:
    server.script(Scenario(tokens=("One", " two", " three"), error_after=2))
    with pytest.raises(ServerOverloaded) as caught:
        await collect(make_brain(server))
    assert caught.value.partial_text == "One two"
    assert "overloaded_error" in str(caught.value)
    assert len(server.chats) == 1


async def test_wrong_key_is_auth_failed(server: FakeAnthropicServer) -> None:
    with pytest.raises(AuthFailed, match="HEARTH_LLM_API_KEY"):
        await collect(make_brain(server, api_key="sk-ant-wrong-key-000000"))


async def test_missing_version_header_is_refused(server: FakeAnthropicServer) -> None:
    brain = make_brain(server)
    brain.headers = lambda: {"x-api-key": KEY}  # type: ignore[method-assign]
    with pytest.raises(BadRequest, match="anthropic-version"):
        await collect(brain)


async def test_unknown_model_is_model_not_found(server: FakeAnthropicServer) -> None:
    with pytest.raises(ModelNotFound, match="claude-nope"):
        await collect(make_brain(server, model="claude-nope"))


async def test_rate_limit_honours_retry_after(server: FakeAnthropicServer, sleeps: Sleeps) -> None:
    server.script(Scenario.error(429, retry_after=3), Scenario())
    await collect(make_brain(server, sleeps))
    assert sleeps.waits == [3.0]


async def test_rate_limit_beyond_the_cap_fails_fast(
    server: FakeAnthropicServer, sleeps: Sleeps
) -> None:
    server.script(Scenario.error(429, retry_after=45))
    with pytest.raises(RateLimited):
        await collect(make_brain(server, sleeps))
    assert sleeps.waits == []


async def test_cut_midway(server: FakeAnthropicServer) -> None:
    server.script(Scenario(tokens=("A", "B", "C"), cut_after=1))
    with pytest.raises(StreamBroken) as caught:
        await collect(make_brain(server))
    assert caught.value.partial_text == "A"


async def test_tricky_framing(server: FakeAnthropicServer) -> None:
    server.script(
        Scenario(tokens=("é", "\n", "🫖"), keepalive=True, multiline=True, line_ending="\r")
    )
    assert await collect(make_brain(server)) == "é\n🫖"


async def test_key_is_redacted_everywhere(
    server: FakeAnthropicServer, caplog: pytest.LogCaptureFixture, sleeps: Sleeps
) -> None:
    caplog.set_level(logging.DEBUG)
    server.script(Scenario.error(500, f"key {KEY} broke"), Scenario.error(403, f"no: {KEY}"))
    brain = make_brain(server, sleeps)
    with pytest.raises(AuthFailed) as caught:
        await collect(brain)
    assert KEY not in str(caught.value) and KEY not in caplog.text and KEY not in repr(brain)
    assert "retry 1 of 2" in caplog.text


def test_from_settings_needs_a_key() -> None:
    with pytest.raises(ConfigError, match="HEARTH_LLM_API_KEY"):
        AnthropicBrain.from_settings(Settings(brain="anthropic", llm_model="c", _env_file=None))
    brain = AnthropicBrain.from_settings(
        Settings(brain="anthropic", llm_model="c", llm_api_key=KEY, _env_file=None)
    )
    assert brain.url == "https://api.anthropic.com/v1/messages"
