"""Emulator conformance: messages, replies, history, reactions, typing and DMs (real client)."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

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


async def test_bot_message_is_stored_and_echoed_to_the_client(probe: Probe) -> None:
    sent = await text_channel(probe).send("hello <@&1> world")
    stored = probe.emu.state.messages[sent.id]
    assert stored.content == "hello <@&1> world"
    assert stored.author.id == probe.emu.state.bot.id
    assert stored.allowed_mentions == {"parse": []}
    assert sent.author.id == probe.bot.user.id and sent.guild is not None
    (echo,) = await probe.bot.wait_event("message", lambda m: m.id == sent.id)
    assert echo.content == "hello <@&1> world"


async def test_user_message_reaches_the_client_with_author_and_channel(probe: Probe) -> None:
    said = await probe.alice.say(probe.general, "hi there")
    (message,) = await probe.bot.wait_event("message", lambda m: m.id == said.id)
    assert message.content == "hi there"
    assert isinstance(message.author, discord.Member)
    assert message.author.id == probe.alice.user.id
    assert message.channel.id == probe.general.id and message.guild.id == probe.guild.id


async def test_mention_of_the_bot_is_parsed_by_the_client(probe: Probe) -> None:
    said = await probe.alice.say(probe.general, "are you there?", mention=True)
    (message,) = await probe.bot.wait_event("message", lambda m: m.id == said.id)
    assert probe.bot.user in message.mentions


async def test_embed_is_stored_and_parsed_by_the_client(probe: Probe) -> None:
    embed = discord.Embed(title="Score", description="Alice 3, Bob 2", colour=0x3366FF)
    sent = await text_channel(probe).send(embed=embed)
    assert probe.emu.state.messages[sent.id].embeds[0]["title"] == "Score"
    (echo,) = await probe.bot.wait_event("message", lambda m: m.id == sent.id)
    assert echo.embeds[0].description == "Alice 3, Bob 2"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"content": "x" * 2001}, 50035),
        ({"embed": discord.Embed(description="y" * 4097)}, 50035),
        ({"content": "   "}, 50006),
    ],
)
async def test_messages_breaking_discord_limits_are_refused(
    probe: Probe, kwargs: dict[str, object], code: int
) -> None:
    with pytest.raises(discord.HTTPException) as caught:
        await text_channel(probe).send(**kwargs)
    assert caught.value.status == 400 and caught.value.code == code
    assert bot_messages(probe.emu, probe.general) == []


async def test_unimplemented_route_fails_loudly(probe: Probe) -> None:
    sent = await text_channel(probe).send("pin me")
    with pytest.raises(discord.NotFound, match="emulator does not implement PUT /channels/"):
        await sent.pin()


async def test_edit_updates_the_message_and_dispatches_message_edit(probe: Probe) -> None:
    sent = await text_channel(probe).send("first draft")
    await probe.bot.wait_event("message", lambda m: m.id == sent.id)
    edited = await sent.edit(content="final text")
    assert edited.content == "final text" and edited.edited_at is not None
    stored = probe.emu.state.messages[sent.id]
    assert stored.content == "final text" and len(stored.edits) == 1
    before, after = await probe.bot.wait_event("message_edit", lambda b, a: a.id == sent.id)
    assert (before.content, after.content) == ("first draft", "final text")


async def test_edit_can_add_a_file_and_keep_or_drop_old_ones(probe: Probe) -> None:
    sent = await text_channel(probe).send("files", file=discord.File(io.BytesIO(b"one"), "a.txt"))
    stored = probe.emu.state.messages[sent.id]
    assert [a["filename"] for a in stored.attachments] == ["a.txt"]
    second = discord.File(io.BytesIO(b"two"), "b.txt")
    edited = await sent.edit(attachments=[*sent.attachments, second])
    assert [a.filename for a in edited.attachments] == ["a.txt", "b.txt"]
    assert [probe.emu.attachment_bytes(a) for a in stored.attachments] == [b"one", b"two"]
    edited = await edited.edit(attachments=[edited.attachments[1]])
    assert [a["filename"] for a in stored.attachments] == ["b.txt"]


async def test_delete_dispatches_message_delete_and_the_message_is_gone(probe: Probe) -> None:
    said = await probe.alice.say(probe.general, "oops")
    (message,) = await probe.bot.wait_event("message", lambda m: m.id == said.id)
    await message.delete()
    (deleted,) = await probe.bot.wait_event("message_delete", lambda m: m.id == said.id)
    assert deleted.content == "oops"
    assert probe.emu.state.messages[said.id].deleted
    with pytest.raises(discord.NotFound):
        await text_channel(probe).fetch_message(said.id)


async def test_user_reply_carries_a_resolved_reference(probe: Probe) -> None:
    sent = await text_channel(probe).send("question?")
    answer = await probe.alice.reply(probe.emu.state.messages[sent.id], "answer!")
    (message,) = await probe.bot.wait_event("message", lambda m: m.id == answer.id)
    assert message.type is discord.MessageType.reply
    assert message.reference is not None and message.reference.message_id == sent.id
    resolved = message.reference.resolved
    assert isinstance(resolved, discord.Message) and resolved.content == "question?"


async def test_bot_reply_is_stored_as_a_reply(probe: Probe) -> None:
    said = await probe.alice.say(probe.general, "tell me")
    (message,) = await probe.bot.wait_event("message", lambda m: m.id == said.id)
    reply = await message.reply("told")
    assert probe.emu.state.messages[reply.id].reference_id == said.id
    assert reply.reference is not None and reply.reference.message_id == said.id


async def test_reply_to_a_deleted_message_resolves_to_deleted(probe: Probe) -> None:
    sent = await text_channel(probe).send("soon gone")
    stored = probe.emu.state.messages[sent.id]
    await sent.delete()
    answer = await probe.alice.reply(stored, "too late")
    (message,) = await probe.bot.wait_event("message", lambda m: m.id == answer.id)
    assert isinstance(message.reference.resolved, discord.DeletedReferencedMessage)


async def test_history_pages_newest_first_and_honours_before_and_after(probe: Probe) -> None:
    said = [await probe.alice.say(probe.general, f"line {i}") for i in range(6)]
    channel = text_channel(probe)
    newest = [m.content async for m in channel.history(limit=3)]
    assert newest == ["line 5", "line 4", "line 3"]
    everything = [m.content async for m in channel.history(limit=None, oldest_first=True)]
    assert everything == [f"line {i}" for i in range(6)]
    before = [m.content async for m in channel.history(limit=2, before=said[3])]
    assert before == ["line 2", "line 1"]
    after = [m.content async for m in channel.history(limit=2, after=said[1])]
    assert after == ["line 2", "line 3"]


async def test_history_pages_through_more_than_one_request(probe: Probe) -> None:
    for i in range(105):
        await probe.alice.say(probe.general, f"n{i}")
    contents = [m.content async for m in text_channel(probe).history(limit=None)]
    assert contents == [f"n{i}" for i in reversed(range(105))]


async def test_fetch_message_returns_the_stored_message(probe: Probe) -> None:
    said = await probe.alice.say(probe.general, "fetch me")
    fetched = await text_channel(probe).fetch_message(said.id)
    assert fetched.content == "fetch me" and fetched.author.id == probe.alice.user.id
    with pytest.raises(discord.NotFound):
        await text_channel(probe).fetch_message(said.id + 12345)


async def test_user_reaction_reaches_the_client(probe: Probe) -> None:
    sent = await text_channel(probe).send("react to me")
    await probe.bot.wait_event("message", lambda m: m.id == sent.id)
    await probe.emu.user_react(probe.bob.user, probe.emu.state.messages[sent.id], "🎉")
    (raw,) = await probe.bot.wait_event("raw_reaction_add")
    assert (raw.message_id, raw.user_id, str(raw.emoji)) == (sent.id, probe.bob.user.id, "🎉")
    reaction, user = await probe.bot.wait_event("reaction_add")
    assert reaction.message.id == sent.id and user.id == probe.bob.user.id
    assert reaction.count == 1


async def test_bot_adds_and_removes_a_reaction_over_rest(probe: Probe) -> None:
    said = await probe.alice.say(probe.general, "nice")
    (message,) = await probe.bot.wait_event("message", lambda m: m.id == said.id)
    await message.add_reaction("👍")
    stored = probe.emu.state.messages[said.id]
    assert stored.reactions == {"👍": {probe.emu.state.bot.id}}
    fetched = await text_channel(probe).fetch_message(said.id)
    assert [(str(r.emoji), r.count, r.me) for r in fetched.reactions] == [("👍", 1, True)]
    (raw,) = await probe.bot.wait_event("raw_reaction_add")
    assert raw.user_id == probe.bot.user.id
    await message.remove_reaction("👍", probe.bot.user)
    assert not stored.reactions["👍"]
    await probe.bot.wait_event("raw_reaction_remove")


async def test_typing_answers_204_and_is_recorded(probe: Probe) -> None:
    await text_channel(probe).typing()
    assert probe.general.id in probe.emu.state.typing
    assert [r for r in probe.emu.requests if r.path == f"/channels/{probe.general.id}/typing"]


async def test_bot_opens_a_dm_and_sends_into_it(probe: Probe) -> None:
    user = await probe.bot.fetch_user(probe.bob.user.id)
    dm = await user.create_dm()
    assert isinstance(dm, discord.DMChannel)
    assert dm.id == probe.bob.dm.id and dm.recipient.id == probe.bob.user.id
    sent = await user.send("a private hello")
    assert sent.channel.id == probe.bob.dm.id
    assert [m.content for m in bot_messages(probe.emu, probe.bob.dm)] == ["a private hello"]


async def test_user_dm_reaches_the_client_as_a_dm(probe: Probe) -> None:
    said = await probe.bob.say(probe.bob.dm, "psst")
    (message,) = await probe.bot.wait_event("message", lambda m: m.id == said.id)
    assert message.guild is None
    assert isinstance(message.channel, discord.DMChannel)
    assert message.author.id == probe.bob.user.id and message.content == "psst"
    reply = await message.channel.send("hi Bob")
    assert probe.emu.state.messages[reply.id].channel_id == probe.bob.dm.id
