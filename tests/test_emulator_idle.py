"""Emulator conformance: wait_idle and wait_until decide "the bot is done" correctly."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest
from test_emulator_probe import Probe, running_probe

from bot.emulator.harness import (
    IdleRules,
    bot_messages,
    interaction_messages,
    wait_idle,
    wait_until,
)
from bot.emulator.state import LOADING


@pytest.fixture
async def probe() -> AsyncIterator[Probe]:
    async with running_probe() as running:
        yield running


def contents(probe: Probe, after: int) -> list[str]:
    return [m.content for m in bot_messages(probe.emu, probe.general, after=after)]


async def test_instant_reply_is_waited_for_and_returns_quickly(probe: Probe) -> None:
    said = await probe.alice.say(probe.general, "ping")
    started = time.monotonic()
    assert await wait_idle(probe.emu)
    assert contents(probe, said.id) == ["pong"]
    assert time.monotonic() - started < 1.5  # grace + quiet, not a streaming wait


async def test_typing_indicator_keeps_the_bot_busy_until_it_sends(probe: Probe) -> None:
    said = await probe.alice.say(probe.general, "slowtype")
    assert await wait_idle(probe.emu)
    assert contents(probe, said.id) == ["typed"]


async def test_unanswered_interaction_keeps_the_bot_busy(probe: Probe) -> None:
    interaction = await probe.alice.slash(probe.general, "late", seconds=0.8)
    assert await wait_idle(probe.emu)
    assert interaction.responded
    assert [m.content for m in interaction_messages(probe.emu, interaction)] == ["late answer"]


async def test_deferred_interaction_is_waited_for_until_completed(probe: Probe) -> None:
    interaction = await probe.alice.slash(probe.general, "slow", seconds=1.0)
    assert await wait_idle(probe.emu)
    (message,) = interaction_messages(probe.emu, interaction)
    assert message.content == "done thinking"
    assert not message.flags & LOADING


async def test_stop_button_keeps_the_bot_busy_until_it_is_removed(probe: Probe) -> None:
    said = await probe.alice.say(probe.general, "stream")
    assert await wait_idle(probe.emu)
    (message,) = bot_messages(probe.emu, probe.general, after=said.id)
    assert message.content == "written" and message.buttons == []


async def test_wait_idle_gives_up_at_its_timeout_while_a_stop_button_stays(probe: Probe) -> None:
    said = await probe.alice.say(probe.general, "stuck")
    assert not await wait_idle(probe.emu, IdleRules(timeout=0.8))
    (message,) = bot_messages(probe.emu, probe.general, after=said.id)
    assert message.buttons[0]["custom_id"].startswith("hearth:stop:")


async def test_wait_until_returns_once_the_condition_holds(probe: Probe) -> None:
    said = await probe.alice.say(probe.general, "ping")
    assert await wait_until(probe.emu, lambda: contents(probe, said.id) == ["pong"], timeout=5)


async def test_wait_until_returns_false_at_its_timeout(probe: Probe) -> None:
    started = time.monotonic()
    assert not await wait_until(probe.emu, lambda: False, timeout=0.2)
    assert 0.2 <= time.monotonic() - started < 1.0
