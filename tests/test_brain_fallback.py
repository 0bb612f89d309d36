"""FallbackBrain and its circuit breaker: the notice, mid-stream drops, open/half-open/closed."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator

import pytest

from bot.brain.base import BrainError, ChatRequest
from bot.brain.errors import MIDWAY_USER_MESSAGE, ConnectFailed, RetryPolicy, StreamBroken
from bot.brain.fakes import FakeOpenAIServer, Scenario, chat_request
from bot.brain.fallback import DEFAULT_NOTICE, CircuitBreaker, FallbackBrain
from bot.brain.offline import OfflineBrain
from bot.brain.openai import OpenAICompatibleBrain, with_usage


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class ScriptedBrain:
    """A primary whose next calls succeed or fail as scripted."""

    name = "remote"

    def __init__(self) -> None:
        self.calls = 0
        self.plan: list[str] = []  # "ok", "fail", "midway", "bug"
        self.closed = False

    async def stream(self, request: ChatRequest) -> AsyncIterator[str]:
        self.calls += 1
        step = self.plan.pop(0) if self.plan else "ok"
        if step == "fail":
            raise ConnectFailed("could not connect to the LLM server at http://x")
        if step == "bug":
            raise KeyError("oops")
        yield "Remote"
        if step == "midway":
            raise StreamBroken("closed early", partial_text="Remote")
        yield " answer."

    async def aclose(self) -> None:
        self.closed = True


class CannedBrain:
    name = "offline"

    async def stream(self, request: ChatRequest) -> AsyncIterator[str]:
        yield "Offline answer."

    async def aclose(self) -> None:
        pass


def make(
    threshold: int = 3, reset_after: float = 30.0
) -> tuple[FallbackBrain, ScriptedBrain, Clock]:
    clock = Clock()
    primary = ScriptedBrain()
    breaker = CircuitBreaker(threshold, reset_after, clock=clock)
    return FallbackBrain(primary, CannedBrain(), breaker=breaker), primary, clock


async def reply(brain: FallbackBrain, request: ChatRequest | None = None) -> str:
    return "".join([c async for c in brain.stream(request or chat_request())])


async def test_success_passes_the_primary_through() -> None:
    brain, primary, _ = make()
    assert brain.name == "remote→offline"
    assert await reply(brain) == "Remote answer."
    assert brain.breaker.state == "closed" and primary.calls == 1


async def test_failure_before_text_gives_notice_then_fallback() -> None:
    brain, primary, _ = make()
    primary.plan = ["fail"]
    request, usage = with_usage(chat_request())
    assert await reply(brain, request) == f"{DEFAULT_NOTICE}\nOffline answer."
    assert brain.breaker.consecutive_failures == 1 and brain.breaker.state == "closed"
    assert usage.brain == "offline"


async def test_a_bug_in_the_primary_also_falls_back(caplog: pytest.LogCaptureFixture) -> None:
    brain, primary, _ = make()
    primary.plan = ["bug"]
    assert (await reply(brain)).endswith("Offline answer.")
    assert "KeyError" in caplog.text


async def test_failure_midway_keeps_the_text_and_adds_a_note() -> None:
    brain, primary, _ = make()
    primary.plan = ["midway"]
    text = await reply(brain)
    assert text == f"Remote\n\n{MIDWAY_USER_MESSAGE}"
    assert "Offline" not in text and DEFAULT_NOTICE not in text
    assert brain.breaker.consecutive_failures == 1


async def test_breaker_opens_and_skips_the_primary() -> None:
    brain, primary, _ = make(threshold=3)
    primary.plan = ["fail", "fail", "fail"]
    for _ in range(3):
        await reply(brain)
    assert brain.breaker.state == "open" and primary.calls == 3
    assert await reply(brain) == f"{DEFAULT_NOTICE}\nOffline answer."
    assert primary.calls == 3  # not called while open
    assert "next try in 30 s" in brain.describe()


async def test_half_open_allows_one_trial_and_success_closes() -> None:
    brain, primary, clock = make(threshold=1, reset_after=10)
    primary.plan = ["fail"]
    await reply(brain)
    assert brain.breaker.state == "open"
    clock.now += 9.9
    assert brain.breaker.state == "open" and brain.breaker.retry_in() == pytest.approx(0.1)
    clock.now += 0.1
    assert brain.breaker.state == "half-open"
    trial = brain.stream(chat_request())
    assert await anext(trial) == "Remote"  # the trial is under way...
    assert await reply(brain) == f"{DEFAULT_NOTICE}\nOffline answer."  # ...others go offline
    assert primary.calls == 2
    assert [c async for c in trial] == [" answer."]
    assert brain.breaker.state == "closed" and brain.breaker.consecutive_failures == 0
    assert await reply(brain) == "Remote answer."


async def test_a_failed_trial_opens_the_breaker_again() -> None:
    brain, primary, clock = make(threshold=2, reset_after=5)
    primary.plan = ["fail", "fail", "fail"]
    await reply(brain)
    await reply(brain)
    clock.now += 5
    await reply(brain)  # the trial fails
    assert brain.breaker.state == "open" and primary.calls == 3
    clock.now += 4.9
    await reply(brain)
    assert primary.calls == 3


async def test_a_stopped_call_gives_no_verdict_and_frees_the_trial() -> None:
    brain, primary, clock = make(threshold=1, reset_after=5)
    primary.plan = ["fail"]
    await reply(brain)
    clock.now += 5
    stream = brain.stream(chat_request())
    assert await anext(stream) == "Remote"
    await stream.aclose()  # the Stop button
    assert brain.breaker.state == "half-open"
    assert await reply(brain) == "Remote answer."  # a new trial was allowed
    assert brain.breaker.state == "closed"


async def test_success_resets_the_failure_count() -> None:
    brain, primary, _ = make(threshold=2)
    primary.plan = ["fail", "ok", "fail"]
    for _ in range(3):
        await reply(brain)
    assert brain.breaker.state == "closed" and brain.breaker.consecutive_failures == 1


async def test_aclose_closes_both() -> None:
    brain, primary, _ = make()
    await brain.aclose()
    assert primary.closed


def test_breaker_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="failure_threshold"):
        CircuitBreaker(0)
    with pytest.raises(ValueError, match="reset_after"):
        CircuitBreaker(3, -1)


async def test_a_real_dead_server_falls_back_to_the_offline_brain() -> None:
    async with FakeOpenAIServer(models=["m"]) as server:
        server.default = Scenario.error(401)
        remote = OpenAICompatibleBrain(server.base_url, model="m", retry_policy=RetryPolicy(0))
        brain = FallbackBrain(remote, OfflineBrain(random.Random(1)), breaker=CircuitBreaker(2, 60))
        assert brain.name == "openai→offline"
        for _ in range(3):
            text = await reply(brain, chat_request("hello there"))
            assert text.startswith(DEFAULT_NOTICE + "\n")
            assert len(text) > len(DEFAULT_NOTICE) + 5  # an offline reply follows
        assert len(server.chats) == 2  # the third call skipped the open breaker
        await brain.aclose()


async def test_fallback_failure_propagates() -> None:
    class Broken(CannedBrain):
        async def stream(self, request: ChatRequest) -> AsyncIterator[str]:
            raise BrainError("offline broke")
            yield ""

    primary = ScriptedBrain()
    primary.plan = ["fail"]
    brain = FallbackBrain(primary, Broken())
    with pytest.raises(BrainError, match="offline broke"):
        await reply(brain)


async def test_cancelling_a_real_stream_gives_no_verdict() -> None:
    async with FakeOpenAIServer(models=["m"]) as server:
        server.script(Scenario(tokens=("Thinking", " hard"), stall_after=1))
        remote = OpenAICompatibleBrain(server.base_url, model="m", read_timeout=30)
        brain = FallbackBrain(remote, CannedBrain(), breaker=CircuitBreaker(1, 60))
        first = asyncio.Event()
        shown: list[str] = []

        async def consume() -> None:
            async for chunk in brain.stream(chat_request()):
                shown.append(chunk)
                first.set()

        task = asyncio.create_task(consume())
        await asyncio.wait_for(first.wait(), timeout=5)
        task.cancel()  # what the Stop button does
        with pytest.raises(asyncio.CancelledError):
            await task
        assert shown == ["Thinking"]
        assert brain.breaker.state == "closed" and brain.breaker.consecutive_failures == 0
        await brain.aclose()
