"""End to end through the emulator with the real discord.py client: chat."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator

import pytest

from bot.brain.base import ChatRequest
from bot.emulator.harness import IdleRules, bot_messages, wait_idle, wait_until
from bot.emulator.server import EmulatorError
from bot.emulator.world import LocalWorld


class ScriptedBrain:
    """A brain that streams given chunks with a pause between them (stands in for an LLM
    in these Discord-side tests; the real HTTP brains are tested against local servers)."""

    name = "scripted"

    def __init__(self, chunks: list[str], pause: float = 0.0) -> None:
        self.chunks = chunks
        self.pause = pause
        self.requests: list[ChatRequest] = []

    async def stream(self, request: ChatRequest) -> AsyncIterator[str]:
        self.requests.append(request)
        for chunk in self.chunks:
            if self.pause:
                await asyncio.sleep(self.pause)
            yield chunk

    async def aclose(self) -> None:
        pass


# The buttons under a finished reply.
FINISHED_BUTTONS = ["Regenerate", "👍", "👎"]


def pings_nobody(allowed: dict | None) -> bool:
    """True when the message's allowed_mentions let it ping no user, role or everyone."""
    return (
        allowed is not None
        and allowed.get("parse") == []
        and not allowed.get("users")
        and not allowed.get("roles")
        and not allowed.get("replied_user")
    )


def use_brain(world: LocalWorld, brain: ScriptedBrain) -> None:
    assert world.bot is not None
    world.bot.services.conversation.brain = brain


async def test_bot_logs_in_and_is_ready(world: LocalWorld) -> None:
    bot = world.bot
    assert bot is not None and bot.is_ready()
    assert bot.user is not None and bot.user.id == world.emu.state.bot.id
    assert [g.id for g in bot.guilds] == [world.guild.id]
    names = {c["name"] for c in world.emu.state.global_commands}
    assert {"about", "help", "chat"} <= names


async def test_mention_gets_a_reply_that_references_the_message(world, alice) -> None:
    general = world.channel("general")
    sent = await alice.say(general, "hello!", mention=True)
    await wait_idle(world.emu)
    replies = bot_messages(world.emu, general, after=sent.id)
    assert len(replies) == 1
    assert "Alice" in replies[0].content or replies[0].content
    assert replies[0].reference_id == sent.id
    assert pings_nobody(replies[0].allowed_mentions)


async def test_plain_message_without_mention_gets_no_reply(world, alice) -> None:
    replies = await alice.ask(world.channel("general"), "just chatting with friends")
    assert replies == []


async def test_reply_to_the_bot_is_answered(world, alice) -> None:
    general = world.channel("general")
    first = await alice.ask(general, "hi", mention=True)
    sent = await alice.reply(first[0], "thanks!")
    await wait_idle(world.emu)
    assert bot_messages(world.emu, general, after=sent.id)


async def test_dm_gets_a_reply_and_says_it_is_an_ai(world, alice) -> None:
    replies = await alice.ask(alice.dm, "are you a real person?")
    assert len(replies) == 1
    assert "AI" in replies[0].content
    assert replies[0].reference_id is None  # no reply arrow needed in a DM


async def test_bots_are_never_answered(world) -> None:
    other_bot = world.emu.create_user("OtherBot", bot=True)
    await world.emu.add_member(world.guild, other_bot)
    general = world.channel("general")
    sent = await world.emu.user_message(other_bot, general, f"<@{world.emu.state.bot.id}> hi")
    await wait_idle(world.emu)
    assert bot_messages(world.emu, general, after=sent.id) == []


async def test_mass_mentions_are_defused_and_never_ping(world, alice) -> None:
    brain = ScriptedBrain(["Hey @everyone and @here, look at <@&123456789012345678>!"])
    use_brain(world, brain)
    replies = await alice.ask(alice.dm, "say something loud")
    text = replies[0].content
    assert "@everyone" not in text and "@here" not in text and "<@&" not in text
    assert pings_nobody(replies[0].allowed_mentions)


async def test_long_reply_is_split_on_word_boundaries(world, alice) -> None:
    words = [f"word{i}" for i in range(900)]  # about 7,000 characters
    use_brain(world, ScriptedBrain([" ".join(words)]))
    replies = await alice.ask(alice.dm, "tell me everything")
    assert len(replies) >= 4
    assert all(len(m.content) <= 2000 for m in replies)
    assert " ".join(m.content for m in replies).split() == words


async def test_code_block_split_across_messages_is_closed_and_reopened(world, alice) -> None:
    code = "\n".join(f"print({i})  # line {i}" for i in range(200))
    use_brain(world, ScriptedBrain([f"Here you go:\n```python\n{code}\n```\nDone."]))
    replies = await alice.ask(alice.dm, "write code")
    assert len(replies) >= 2
    for message in replies:
        assert message.content.count("```") % 2 == 0, message.content[-50:]
    assert replies[1].content.startswith("```python\n")


async def test_streamed_reply_edits_are_throttled_and_final_text_is_complete(world, alice) -> None:
    chunks = [f"tok{i} " for i in range(60)]
    use_brain(world, ScriptedBrain(chunks, pause=0.05))  # ~3 s of streaming
    replies = await alice.ask(alice.dm, "stream please", rules=IdleRules(timeout=30))
    assert len(replies) == 1
    message = replies[0]
    assert message.content == "".join(chunks).strip()
    assert len(message.edits) >= 2  # it really streamed
    stamps = [message.created_mono, *message.edits]
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    # every edit but the final flush waits out the one-second clock
    assert all(gap >= 0.9 for gap in gaps[:-1]), gaps
    assert len(message.edits) <= 5


async def test_typing_indicator_is_shown_while_a_slow_reply_starts(world, alice) -> None:
    use_brain(world, ScriptedBrain(["slow", " answer"], pause=0.6))
    await alice.ask(alice.dm, "take your time")
    typing = [r for r in world.emu.requests if r.path.endswith("/typing")]
    assert typing, "no typing indicator was sent"


async def test_instant_reply_sends_no_typing_request(world, alice) -> None:
    await alice.ask(alice.dm, "hi")
    assert not [r for r in world.emu.requests if r.path.endswith("/typing")]


async def test_rate_limited_send_is_retried_and_the_reply_arrives(world, alice) -> None:
    fault = world.emu.faults.rate_limit("/messages", method="POST", retry_after=0.3)
    replies = await alice.ask(alice.dm, "hello")
    assert fault.hits == 1
    assert len(replies) == 1


async def test_server_error_on_send_is_retried(world, alice) -> None:
    fault = world.emu.faults.server_error("/messages", method="POST", status=502)
    sent = await alice.say(alice.dm, "hello")
    # discord.py waits a second before retrying a 5xx; nothing is visible meanwhile.
    assert await wait_until(world.emu, lambda: bot_messages(world.emu, alice.dm, after=sent.id))
    assert fault.hits == 1


async def test_gateway_drop_is_resumed_and_missed_events_replayed(world, alice) -> None:
    assert await world.emu.drop_gateway() == 1
    # Said while the bot is disconnected: the event waits in the session's backlog.
    sent = await alice.say(alice.dm, "hello again")
    for _ in range(100):
        if 6 in world.emu.gateway.opcodes_seen:
            break
        await asyncio.sleep(0.05)
    await wait_idle(world.emu)
    session = next(iter(world.emu.gateway.sessions.values()))
    assert session.resumes == 1
    assert world.emu.gateway.opcodes_seen.count(2) == 1  # resumed, not re-identified
    assert bot_messages(world.emu, alice.dm, after=sent.id)


async def test_four_thousand_character_message_is_answered(world, alice) -> None:
    replies = await alice.ask(alice.dm, "why " * 1000)
    assert len(replies) == 1 and replies[0].content


async def test_ten_thousand_character_message_is_refused_like_discord_does(world, alice) -> None:
    with pytest.raises(EmulatorError, match="4,000"):
        await alice.say(alice.dm, "x" * 10_000)


@pytest.mark.parametrize("text", ["😀🎉🔥", "\u200b\u200b\u200d", "\u200b 🙂 \ufeff"])
async def test_emoji_or_invisible_only_message_gets_a_clear_reply(world, alice, text) -> None:
    replies = await alice.ask(alice.dm, text)
    assert len(replies) == 1
    assert "words" in replies[0].content


async def test_conversation_history_is_stored_and_sent_as_context(world, alice) -> None:
    brain = ScriptedBrain(["ok"])
    use_brain(world, brain)
    await alice.ask(alice.dm, "first message")
    await alice.ask(alice.dm, "second message")
    texts = [(m.role, m.content) for m in brain.requests[-1].messages]
    assert texts == [("user", "first message"), ("assistant", "ok"), ("user", "second message")]
    assert brain.requests[-1].messages[0].name == "Alice"
