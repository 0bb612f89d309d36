"""The OpenAI-compatible brain against a real local HTTP server speaking the same protocol."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import AsyncIterator

import pytest

from bot.brain.base import ChatMessage, ChatRequest
from bot.brain.errors import (
    MIDWAY_USER_MESSAGE,
    AuthFailed,
    ConnectFailed,
    MalformedResponse,
    ModelNotFound,
    RateLimited,
    ReadTimedOut,
    RemoteBrainError,
    RetryPolicy,
    ServerOverloaded,
    StreamBroken,
)
from bot.brain.fakes import FakeOpenAIServer, Scenario, chat_request
from bot.brain.openai import OpenAICompatibleBrain, with_usage
from bot.settings import ConfigError, Settings
from persona import get_preset

KEY = "sk-test-SECRETKEY0123456789"


class Sleeps:
    """A RetryPolicy sleep that records the waits instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
async def server() -> AsyncIterator[FakeOpenAIServer]:
    async with FakeOpenAIServer(models=["test-model", "other-model"]) as fake:
        yield fake


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def make_brain(
    server: FakeOpenAIServer, sleeps: Sleeps | None = None, **kwargs: object
) -> OpenAICompatibleBrain:
    kwargs.setdefault("model", "test-model")
    kwargs.setdefault("retry_policy", RetryPolicy(max_retries=2, sleep=sleeps or Sleeps()))
    return OpenAICompatibleBrain(server.base_url, **kwargs)  # type: ignore[arg-type]


async def collect(brain: OpenAICompatibleBrain, request: ChatRequest | None = None) -> str:
    try:
        return "".join([chunk async for chunk in brain.stream(request or chat_request())])
    finally:
        await brain.aclose()


async def test_streams_tokens_and_captures_usage(server: FakeOpenAIServer) -> None:
    server.script(Scenario(tokens=("The", " sky", " is", " blue."), usage=(12, 4)))
    brain = make_brain(server)
    request, usage = with_usage(chat_request("What colour is the sky?"))
    assert await collect(brain, request) == "The sky is blue."
    assert (usage.prompt_tokens, usage.completion_tokens) == (12, 4)
    assert usage.finish_reason == "stop" and usage.model == "test-model"
    assert usage.attempts == 1 and usage.brain == "openai"
    assert brain.last_usage is usage


async def test_body_carries_prompt_names_and_sampling(server: FakeOpenAIServer) -> None:
    persona = get_preset("shannon")
    persona = persona.with_changes(llm={"top_p": 0.9})
    request = chat_request(
        "and you?",
        history=(ChatMessage("user", "hi", name="Ana"), ChatMessage("assistant", "Hello Ana!")),
        name="Ben",
        system_prompt="Be kind.",
        temperature=0.3,
        max_tokens=50,
        model="other-model",
        persona=persona,
    )
    await collect(make_brain(server), request)
    body = server.chats[0].body
    assert body["messages"] == [
        {"role": "system", "content": "Be kind."},
        {"role": "user", "content": "[Ana] hi"},
        {"role": "assistant", "content": "Hello Ana!"},
        {"role": "user", "content": "[Ben] and you?"},
    ]
    assert body["model"] == "other-model"
    assert (body["temperature"], body["max_tokens"], body["top_p"]) == (0.3, 50, 0.9)
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}


async def test_a_message_without_a_name_has_no_prefix(server: FakeOpenAIServer) -> None:
    await collect(make_brain(server), chat_request("plain", name=None))
    assert server.chats[0].last_user_text == "plain"


async def test_no_authorization_header_without_a_key(server: FakeOpenAIServer) -> None:
    await collect(make_brain(server))
    assert "Authorization" not in server.chats[0].headers


async def test_the_key_is_sent_as_a_bearer_token() -> None:
    async with FakeOpenAIServer(models=["test-model"], api_key=KEY) as server:
        assert await collect(make_brain(server, api_key=KEY)) == "Hello there!"
        assert server.chats[0].headers["Authorization"] == "<redacted>"


async def test_extra_headers_and_body_are_merged(server: FakeOpenAIServer) -> None:
    brain = make_brain(
        server,
        extra_headers={"X-Title": "Hearth"},
        extra_body={"options": {"num_ctx": 4096}, "temperature": 1.5, "stream": False},
    )
    await collect(brain, chat_request(temperature=0.2))
    sent = server.chats[0]
    assert sent.headers["X-Title"] == "Hearth"
    assert sent.body["options"] == {"num_ctx": 4096}
    assert sent.body["temperature"] == 0.2  # the request's own value wins
    assert sent.body["stream"] is True  # never turned off


async def test_include_usage_can_be_switched_off(server: FakeOpenAIServer) -> None:
    await collect(make_brain(server, include_usage=False))
    assert "stream_options" not in server.chats[0].body


async def test_a_slow_stream_arrives_piece_by_piece(server: FakeOpenAIServer) -> None:
    server.script(Scenario(tokens=tuple(f"w{i} " for i in range(10)), interval=0.02))
    brain = make_brain(server)
    received: list[float] = []
    text = ""
    async for chunk in brain.stream(chat_request()):
        received.append(time.perf_counter())
        text += chunk
    await brain.aclose()
    assert text == "".join(f"w{i} " for i in range(10))
    sent = server.chats[0].token_times
    assert len(sent) == 10
    assert received[0] < sent[-1]  # the first word was read before the last was written


async def test_keep_alive_comments_multi_line_data_and_tiny_writes(
    server: FakeOpenAIServer,
) -> None:
    server.script(
        Scenario(
            tokens=("Grüße", ", ", "👋", "\nnew line"),
            keepalive=True,
            multiline=True,
            line_ending="\r\n",
            write_size=13,
        )
    )
    assert await collect(make_brain(server)) == "Grüße, 👋\nnew line"


async def test_concurrent_calls_keep_their_own_usage(server: FakeOpenAIServer) -> None:
    server.default = Scenario(tokens=("a", "b"), interval=0.01)
    brain = make_brain(server)
    short, short_usage = with_usage(chat_request("one", system_prompt=""))
    long, long_usage = with_usage(chat_request("one two three four five", system_prompt=""))

    async def run(request: ChatRequest) -> str:
        return "".join([c async for c in brain.stream(request)])

    await asyncio.gather(run(short), run(long))
    await brain.aclose()
    assert short_usage.prompt_tokens == 2  # "[Sam] one"
    assert long_usage.prompt_tokens == 6


async def test_cut_midway_keeps_the_partial_text(server: FakeOpenAIServer, sleeps: Sleeps) -> None:
    server.script(Scenario(tokens=("Once", " upon", " a", " time"), cut_after=2))
    brain = make_brain(server, sleeps)
    shown: list[str] = []
    with pytest.raises(StreamBroken) as caught:
        async for chunk in brain.stream(chat_request()):
            shown.append(chunk)
    await brain.aclose()
    assert "".join(shown) == caught.value.partial_text == "Once upon"
    assert caught.value.retryable is False
    assert caught.value.user_message == MIDWAY_USER_MESSAGE
    assert len(server.chats) == 1 and sleeps.waits == []  # never retried after text


async def test_cut_before_any_text_is_retried(server: FakeOpenAIServer, sleeps: Sleeps) -> None:
    server.script(Scenario(cut_after=0), Scenario(tokens=("ok",)))
    assert await collect(make_brain(server, sleeps)) == "ok"
    assert len(server.chats) == 2 and len(sleeps.waits) == 1


async def test_401_names_the_key_setting(server: FakeOpenAIServer, sleeps: Sleeps) -> None:
    server.script(Scenario.error(401, "Incorrect API key provided"))
    with pytest.raises(AuthFailed) as caught:
        await collect(make_brain(server, sleeps))
    assert "the LLM server rejected the API key (HEARTH_LLM_API_KEY)" in str(caught.value)
    assert "no key is set" in str(caught.value)
    assert "credentials" in caught.value.user_message
    assert len(server.chats) == 1 and sleeps.waits == []


async def test_404_names_the_model(server: FakeOpenAIServer) -> None:
    with pytest.raises(ModelNotFound) as caught:
        await collect(make_brain(server, model="llama9"))
    assert "'llama9'" in str(caught.value) and caught.value.model == "llama9"
    assert caught.value.status == 404 and not caught.value.retryable


async def test_429_waits_for_retry_after_then_succeeds(
    server: FakeOpenAIServer, sleeps: Sleeps
) -> None:
    server.script(Scenario.error(429, retry_after=0.25), Scenario(tokens=("back",)))
    request, usage = with_usage(chat_request())
    assert await collect(make_brain(server, sleeps), request) == "back"
    assert sleeps.waits == [0.25]  # from retry-after-ms, honoured exactly
    assert usage.attempts == 2


async def test_429_retry_after_in_whole_seconds(server: FakeOpenAIServer, sleeps: Sleeps) -> None:
    server.script(Scenario(status=429, headers={"Retry-After": "2"}), Scenario())
    await collect(make_brain(server, sleeps))
    assert sleeps.waits == [2.0]


async def test_429_retry_after_in_the_message(server: FakeOpenAIServer, sleeps: Sleeps) -> None:
    server.script(Scenario.error(429, "Rate limit reached. Please try again in 1.5s."), Scenario())
    await collect(make_brain(server, sleeps))
    assert sleeps.waits == [1.5]


async def test_429_with_a_long_retry_after_fails_at_once(
    server: FakeOpenAIServer, sleeps: Sleeps
) -> None:
    server.script(Scenario.error(429, retry_after=60))
    with pytest.raises(RateLimited) as caught:
        await collect(make_brain(server, sleeps))
    assert caught.value.retry_after == 60
    assert len(server.chats) == 1 and sleeps.waits == []


async def test_an_exhausted_quota_is_not_retried(server: FakeOpenAIServer, sleeps: Sleeps) -> None:
    server.script(
        Scenario.error(429, "You exceeded your current quota", error_type="insufficient_quota")
    )
    with pytest.raises(RateLimited):
        await collect(make_brain(server, sleeps))
    assert len(server.chats) == 1


async def test_500_then_success(server: FakeOpenAIServer, sleeps: Sleeps) -> None:
    server.script(Scenario.error(500), Scenario(tokens=("fine",)))
    assert await collect(make_brain(server, sleeps)) == "fine"
    assert len(server.chats) == 2 and len(sleeps.waits) == 1


async def test_server_errors_give_up_after_max_retries(
    server: FakeOpenAIServer, sleeps: Sleeps
) -> None:
    server.default = Scenario.error(503)
    with pytest.raises(ServerOverloaded):
        await collect(make_brain(server, sleeps))
    assert len(server.chats) == 3
    assert len(sleeps.waits) == 2 and sleeps.waits[1] > sleeps.waits[0]  # backoff grows


async def test_a_malformed_chunk_midway(server: FakeOpenAIServer) -> None:
    server.script(Scenario(tokens=("Hi", " there"), malformed_after=1))
    with pytest.raises(MalformedResponse) as caught:
        await collect(make_brain(server))
    assert caught.value.partial_text == "Hi"
    assert "not a JSON object" in str(caught.value)


async def test_a_malformed_chunk_first_is_not_retried(server: FakeOpenAIServer) -> None:
    server.script(Scenario(malformed_after=0))
    with pytest.raises(MalformedResponse) as caught:
        await collect(make_brain(server))
    assert caught.value.partial_text == "" and len(server.chats) == 1


async def test_an_error_inside_the_stream(server: FakeOpenAIServer) -> None:
    server.script(Scenario(tokens=("Hi", " there"), error_after=1))
    with pytest.raises(ServerOverloaded) as caught:
        await collect(make_brain(server))
    assert caught.value.partial_text == "Hi"


async def test_a_silent_server_hits_the_read_timeout(
    server: FakeOpenAIServer, sleeps: Sleeps
) -> None:
    server.script(Scenario(hang=True))
    with pytest.raises(ReadTimedOut) as caught:
        await collect(make_brain(server, sleeps, read_timeout=0.3))
    assert caught.value.partial_text == ""
    assert len(server.chats) == 1 and sleeps.waits == []  # a full timeout is not repeated


async def test_a_stall_midway_hits_the_read_timeout(server: FakeOpenAIServer) -> None:
    server.script(Scenario(tokens=("Half", " a", " thought"), stall_after=2))
    with pytest.raises(ReadTimedOut) as caught:
        await collect(make_brain(server, read_timeout=0.3))
    assert caught.value.partial_text == "Half a"
    assert caught.value.user_message == MIDWAY_USER_MESSAGE


async def test_a_closed_port_is_a_connect_failure(sleeps: Sleeps) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    brain = OpenAICompatibleBrain(
        f"http://127.0.0.1:{port}/v1",
        model="m",
        retry_policy=RetryPolicy(max_retries=2, sleep=sleeps),
    )
    with pytest.raises(ConnectFailed) as caught:
        await collect(brain)
    assert f"127.0.0.1:{port}" in str(caught.value)
    assert len(sleeps.waits) == 2


async def test_the_key_never_appears_in_errors_or_logs(
    caplog: pytest.LogCaptureFixture, sleeps: Sleeps
) -> None:
    caplog.set_level(logging.DEBUG)
    async with FakeOpenAIServer(models=["test-model"], api_key=KEY) as server:
        server.script(
            Scenario.error(500, f"upstream said: bad key {KEY}"),
            Scenario.error(401, f"Incorrect API key provided: {KEY}"),
        )
        brain = make_brain(server, sleeps, api_key=KEY)
        with pytest.raises(AuthFailed) as caught:
            await collect(brain)
    assert KEY not in str(caught.value) and KEY not in caught.value.user_message
    assert KEY not in repr(brain)
    assert "retry 1 of 2" in caplog.text  # the retry was logged...
    assert KEY not in caplog.text  # ...without the key
    assert "SECRETKEY" not in str(caught.value) + caplog.text


async def test_from_settings_needs_url_and_model() -> None:
    with pytest.raises(ConfigError, match="HEARTH_LLM_BASE_URL"):
        OpenAICompatibleBrain.from_settings(Settings(brain="openai", _env_file=None))
    settings = Settings(
        brain="openai", llm_base_url="http://localhost:1/v1", llm_model="m", _env_file=None
    )
    brain = OpenAICompatibleBrain.from_settings(settings, read_timeout=3)
    assert brain.url == "http://localhost:1/v1/chat/completions" and brain.model == "m"
    await brain.aclose()


def test_errors_are_brain_errors() -> None:
    from bot.brain.base import BrainError

    assert issubclass(RemoteBrainError, BrainError)


async def test_a_missing_done_after_finish_reason_is_fine(server: FakeOpenAIServer) -> None:
    server.script(Scenario(tokens=("done",), send_done=False))
    assert await collect(make_brain(server)) == "done"


async def test_a_web_page_instead_of_a_stream(server: FakeOpenAIServer) -> None:
    server.script(Scenario(headers={"Content-Type": "text/html"}))
    with pytest.raises(MalformedResponse, match="web page"):
        await collect(make_brain(server))
    assert len(server.chats) == 1
