"""Emulator conformance: injected 429s and 5xx, rate-limit headers, gateway drops and RESUME."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable

import aiohttp
import discord
import pytest
from test_emulator_probe import Probe, running_probe

from bot.emulator.harness import bot_messages


@pytest.fixture
async def probe() -> AsyncIterator[Probe]:
    async with running_probe(sync=False) as running:
        yield running


def text_channel(probe: Probe) -> discord.TextChannel:
    channel = probe.bot.get_channel(probe.general.id)
    assert isinstance(channel, discord.TextChannel)
    return channel


async def poll(condition: Callable[[], object], timeout: float = 5.0) -> None:
    """Wait for something the emulator does not announce (client-side state, fault hits)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition never became true"
        await asyncio.sleep(0.005)


async def test_route_429_is_retried_after_retry_after_and_succeeds(probe: Probe) -> None:
    fault = probe.emu.faults.rate_limit("/messages", method="POST", retry_after=0.2)
    started = time.monotonic()
    sent = await text_channel(probe).send("after the limit")
    assert fault.hits == 1 and fault in probe.emu.faults.fired
    assert time.monotonic() - started >= 0.2
    assert [m.id for m in bot_messages(probe.emu, probe.general)] == [sent.id]


async def test_route_429_does_not_hold_up_other_routes(probe: Probe) -> None:
    said = await probe.alice.say(probe.general, "fetch me meanwhile")
    fault = probe.emu.faults.rate_limit("/messages", method="POST", retry_after=0.6)
    sending = asyncio.create_task(text_channel(probe).send("limited"))
    await poll(lambda: fault.hits == 1)
    started = time.monotonic()
    await text_channel(probe).fetch_message(said.id)
    assert time.monotonic() - started < 0.3
    await sending


async def test_global_429_holds_every_request_until_it_is_over(probe: Probe) -> None:
    said = await probe.alice.say(probe.general, "fetch me later")
    fault = probe.emu.faults.rate_limit("/messages", method="POST", retry_after=0.6, is_global=True)
    sending = asyncio.create_task(text_channel(probe).send("globally limited"))
    await poll(lambda: not probe.bot.http._global_over.is_set())  # the client saw the 429
    started = time.monotonic()
    fetched = await text_channel(probe).fetch_message(said.id)  # another route entirely
    assert time.monotonic() - started >= 0.3
    assert fetched.content == "fetch me later"
    sent = await sending
    assert fault.hits == 1 and probe.emu.state.messages[sent.id].content == "globally limited"


async def test_server_error_is_retried_and_then_succeeds(probe: Probe) -> None:
    fault = probe.emu.faults.server_error("/messages", method="POST", status=500)
    sent = await text_channel(probe).send("second time lucky")  # discord.py waits 1 s
    assert fault.hits == 1
    assert probe.emu.state.messages[sent.id].content == "second time lucky"


async def test_exhausted_fault_stops_firing(probe: Probe) -> None:
    fault = probe.emu.faults.rate_limit("/typing", times=2, retry_after=0.05)
    await text_channel(probe).typing()
    await text_channel(probe).typing()
    assert fault.hits == 2 and fault.remaining == 0


async def test_normal_responses_carry_rate_limit_headers(probe: Probe) -> None:
    headers = {"Authorization": f"Bot {probe.emu.token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{probe.emu.api_url}/users/@me", headers=headers) as response,
    ):
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/json"
        for name in ("Limit", "Remaining", "Reset", "Reset-After", "Bucket"):
            assert response.headers[f"X-RateLimit-{name}"], name
        assert int(response.headers["X-RateLimit-Remaining"]) < int(
            response.headers["X-RateLimit-Limit"]
        )
        assert float(response.headers["X-RateLimit-Reset-After"]) <= 1.0


async def test_requests_without_the_bot_token_get_401(probe: Probe) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{probe.emu.api_url}/users/@me") as response,
    ):
        assert response.status == 401
        assert (await response.json())["message"] == "401: Unauthorized"


async def test_gateway_drop_resumes_and_replays_missed_events(probe: Probe) -> None:
    assert await probe.emu.drop_gateway() == 1
    said = await probe.alice.say(probe.general, "said while you were away")
    await probe.bot.wait_event("resumed")
    (message,) = await probe.bot.wait_event("message", lambda m: m.id == said.id)
    assert message.content == "said while you were away"
    await asyncio.sleep(0.05)  # room for a duplicate, if the replay sent one
    assert sum(1 for (m,) in probe.bot.seen("message") if m.id == said.id) == 1
    ops = probe.emu.gateway.opcodes_seen
    assert ops.count(6) == 1 and ops.count(2) == 1  # resumed, not identified again
    (session,) = probe.emu.gateway.sessions.values()
    assert session.resumes == 1
    assert probe.bot.seen("ready") == [()]  # on_ready fired once


async def test_reconnect_request_makes_the_client_resume(probe: Probe) -> None:
    assert await probe.emu.gateway.request_reconnect() == 1
    await probe.bot.wait_event("resumed")
    said = await probe.alice.say(probe.general, "after the reconnect")
    await probe.bot.wait_event("message", lambda m: m.id == said.id)
    assert probe.emu.gateway.opcodes_seen.count(2) == 1


async def test_unknown_session_is_invalidated_and_the_client_identifies_again(
    probe: Probe,
) -> None:
    (session,) = probe.emu.gateway.sessions.values()
    socket = session.ws
    assert socket is not None
    probe.emu.gateway.sessions.clear()  # the session expired on Discord's side
    await socket.close(code=4000)
    await poll(lambda: probe.emu.gateway.opcodes_seen.count(2) == 2)
    assert 6 in probe.emu.gateway.opcodes_seen
    said = await probe.alice.say(probe.general, "after a fresh session")
    await probe.bot.wait_event("message", lambda m: m.id == said.id)
