"""End to end through the emulator with the real bot: /memory remember, show (pages), forget
(one, by words, all with confirmation), export, off/on, scope; restarts; a second server;
other users and moderators trying to reach someone's memories; history retention.

Chat-level memory ("what's my name?" answered in a channel) needs the conversation pipeline's
hooks; those hooks are exercised here through the running bot's MemoryService, exactly as the
pipeline calls them."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from bot.emulator.harness import (
    Person,
    bot_messages,
    interaction_messages,
    wait_idle,
    wait_until,
)
from bot.emulator.server import EmulatorError
from bot.emulator.state import Channel, Guild, Message
from bot.emulator.world import LocalWorld
from bot.memory.service import MemoryService
from bot.storage import Database, NewMessage
from bot.storage.sqlite.memory import match_expression


def services(world: LocalWorld) -> Any:
    assert world.bot is not None
    return world.bot.services


def memory(world: LocalWorld) -> MemoryService:
    return services(world).memory  # type: ignore[no-any-return]


def db(world: LocalWorld) -> Database:
    return services(world).db  # type: ignore[no-any-return]


async def run(
    world: LocalWorld, person: Person, channel: Channel, command: str, **options: Any
) -> Message:
    """Run a slash command and return its single reply, checking it is private."""
    interaction = await person.slash(channel, command, **options)
    await wait_idle(world.emu)
    [reply] = interaction_messages(world.emu, interaction)
    assert reply.ephemeral and reply.visible_to == person.user.id, command
    return reply


def shown(message: Message) -> str:
    embed = message.embeds[0]
    return f"{embed.get('description', '')}\n{embed.get('footer', {}).get('text', '')}"


async def fts_finds(world: LocalWorld, user_id: int, word: str) -> list[int]:
    expression = match_expression(user_id, word)
    async with db(world).connection() as conn:
        rows = await conn.execute_fetchall(
            "SELECT rowid FROM memories_fts WHERE memories_fts MATCH ?", (expression,)
        )
    return [row[0] for row in rows]


async def second_server(world: LocalWorld, *people: Person) -> Guild:
    """A new server the bot joins while running."""
    owner = world.people["Owner"].user
    guild = world.emu.create_guild("Other Server", owner, ("lobby",))
    for person in people:
        await world.emu.add_member(guild, person.user)
    await world.emu.gateway.dispatch("GUILD_CREATE", world.emu.state.guild_json(guild))
    bot = world.bot
    assert bot is not None
    assert await wait_until(world.emu, lambda: bot.get_guild(guild.id) is not None)
    return guild


async def add_history(world: LocalWorld, person: Person, text: str, *, age_days: float = 0) -> None:
    await db(world).messages.add(
        NewMessage(
            channel_id=world.channel("general").id,
            guild_id=world.guild.id,
            user_id=person.user.id,
            author_name=person.name,
            role="user",
            content=text,
            created_at=time.time() - age_days * 86_400,
        )
    )


# --- the commands -------------------------------------------------------------------------------


async def test_remember_show_forget_and_the_index_no_longer_finds_it(world, alice) -> None:
    general = world.channel("general")
    reply = await run(world, alice, general, "memory remember", text="my dog is called Biscuit")
    assert "pet: dog called Biscuit" in reply.content and "in this server" in reply.content
    listing = await run(world, alice, general, "memory show")
    [stored] = await db(world).memories.list(alice.user.id)
    assert f"`#{stored.id}` pet: dog called Biscuit" in shown(listing)
    assert "you asked me to remember in Test Server" in shown(listing)
    assert await fts_finds(world, alice.user.id, "biscuit") == [stored.id]

    gone = await run(world, alice, general, "memory forget", item=str(stored.id))
    assert "~~pet: dog called Biscuit~~" in gone.content
    assert "Nothing yet" in shown(await run(world, alice, general, "memory show"))
    assert await fts_finds(world, alice.user.id, "biscuit") == []
    async with db(world).connection() as conn:
        rows = await conn.execute_fetchall("SELECT COUNT(*) FROM memories_fts_docsize")
    assert rows[0][0] == 0


async def test_forget_by_words_and_when_it_is_ambiguous(world, alice) -> None:
    general = world.channel("general")
    for text in ("I like green tea", "I like black tea", "I have a cat called Mochi"):
        await run(world, alice, general, "memory remember", text=text)
    several = await run(world, alice, general, "memory forget", item="tea")
    assert "Several memories match" in several.content and "green tea" in several.content
    one = await run(world, alice, general, "memory forget", item="Mochi")
    assert "~~pet: cat called Mochi~~" in one.content
    none = await run(world, alice, general, "memory forget", item="giraffes")
    assert "couldn't find" in none.content
    assert len(await db(world).memories.list(alice.user.id)) == 2


async def test_forget_suggestions_are_the_users_own(world, alice, bob) -> None:
    general = world.channel("general")
    await run(world, alice, general, "memory remember", text="I like jazz")
    await run(world, bob, general, "memory remember", text="I like jazz piano")
    mine = await alice.autocomplete(general, "memory forget", "item", "jazz")
    theirs = await bob.autocomplete(general, "memory forget", "item", "jazz")
    assert mine[0]["name"].endswith("likes: jazz")
    assert all("piano" not in c["name"] for c in mine)
    assert all("piano" in c["name"] or c["value"] == "all" for c in theirs)
    assert mine[-1]["value"] == "all"


async def test_show_pages_with_buttons_only_the_owner_can_turn(world, alice, bob) -> None:
    general = world.channel("general")
    for i in range(10):
        await memory(world).remember(alice.user.id, world.guild.id, general.id, f"I like hobby{i}")
    first = await run(world, alice, general, "memory show")
    assert "Page 1/2" in shown(first) and "hobby0" in shown(first) and "hobby9" not in shown(first)
    assert first.button_labels == ["◀ Previous", "Next ▶"]
    assert first.buttons[0].get("disabled") is True
    refused = await bob.click(first, "Next ▶")  # raw: as if Bob had the message
    await wait_idle(world.emu)
    [note] = interaction_messages(world.emu, refused)
    assert note.ephemeral and "someone else's" in note.content and "hobby9" not in note.content
    await alice.click(first, "Next ▶")
    await wait_idle(world.emu)
    assert "Page 2/2" in shown(first) and "hobby9" in shown(first)


async def test_forget_all_asks_to_confirm_and_deletes_memories_and_history(
    world, alice, bob
) -> None:
    general = world.channel("general")
    for person in (alice, bob):
        await run(world, person, general, "memory remember", text="I like chess")
        await add_history(world, person, f"hello from {person.name}")
    question = await run(world, alice, general, "memory forget", item="all")
    assert question.button_labels == ["Yes, forget everything", "Cancel"]
    assert await db(world).memories.count(alice.user.id) == 1  # nothing yet

    await bob.click(question, "Yes, forget everything")  # raw: not his button
    await wait_idle(world.emu)
    assert await db(world).memories.count(alice.user.id) == 1

    await alice.click(question, "Yes, forget everything")
    await wait_idle(world.emu)
    assert "I deleted 1 memory and 1 stored conversation message" in question.content
    assert question.button_labels == []
    export = json.loads(await memory(world).export_json(alice.user.id))
    assert export["memories"] == [] and export["conversation_history"] == []
    assert await db(world).memories.count(bob.user.id) == 1
    bob_history = json.loads(await memory(world).export_json(bob.user.id))
    assert [m["content"] for m in bob_history["conversation_history"]] == ["hello from Bob"]


async def test_forget_all_can_be_cancelled(world, alice) -> None:
    general = world.channel("general")
    await run(world, alice, general, "memory remember", text="I like chess")
    question = await run(world, alice, general, "memory forget", item="everything")
    await alice.click(question, "Cancel")
    await wait_idle(world.emu)
    assert "haven't deleted anything" in question.content
    assert await db(world).memories.count(alice.user.id) == 1


async def test_an_expired_forget_all_confirmation_deletes_nothing(world, alice) -> None:
    general = world.channel("general")
    await run(world, alice, general, "memory remember", text="I like chess")
    world.bot.get_cog("Memory").confirm_window = -1.0  # every offer is already too old
    again = await run(world, alice, general, "memory forget", item="all")
    await alice.click(again, "Yes, forget everything")
    await wait_idle(world.emu)
    assert "expired" in again.content
    assert await db(world).memories.count(alice.user.id) == 1


async def test_export_contains_exactly_the_users_data(world, alice, bob) -> None:
    general = world.channel("general")
    await run(world, alice, general, "memory remember", text="my cat is called Mochi")
    await run(world, bob, general, "memory remember", text="my dog is called Rex")
    await add_history(world, alice, "alice says hi")
    await add_history(world, bob, "bob says hi")
    reply = await run(world, alice, general, "memory export")
    [attachment] = reply.attachments
    assert attachment["filename"] == f"hearth-data-{alice.user.id}.json"
    raw = world.emu.attachment_bytes(attachment)
    data = json.loads(raw)
    assert data["user_id"] == str(alice.user.id) and data["format"] == "hearth-user-data/1"
    stored = await db(world).memories.list(alice.user.id)
    assert [m["id"] for m in data["memories"]] == [m.id for m in stored]
    assert [m["text"] for m in data["memories"]] == ["pet: cat called Mochi"]
    assert [m["content"] for m in data["conversation_history"]] == ["alice says hi"]
    assert b"Rex" not in raw and b"bob says hi" not in raw and str(bob.user.id).encode() not in raw


async def test_memory_off_and_on(world, alice) -> None:
    general = world.channel("general")
    service = memory(world)
    off = await run(world, alice, general, "memory off")
    assert "off" in off.content
    await service.observe(alice.user.id, world.guild.id, general.id, "I'm Priya", None)
    refused = await run(world, alice, general, "memory remember", text="I like jazz")
    assert "switched off" in refused.content
    assert await db(world).memories.count(alice.user.id) == 0
    assert "memory off" in shown(await run(world, alice, general, "memory show"))
    await run(world, alice, general, "memory on")
    await service.observe(alice.user.id, world.guild.id, general.id, "I'm Priya", None)
    assert await service.recall(alice.user.id, world.guild.id, "what's my name?") == ["name: Priya"]
    await run(world, alice, general, "memory off")
    assert await service.recall(alice.user.id, world.guild.id, "what's my name?") == []


async def test_memories_survive_a_restart(world, alice) -> None:
    general = world.channel("general")
    await memory(world).observe(alice.user.id, world.guild.id, general.id, "Hi, I'm Priya!", 1)
    await run(world, alice, general, "memory remember", text="my birthday is on 3 May")
    await world.stop_bot()
    await world.start_bot()
    lines = await memory(world).recall(alice.user.id, world.guild.id, "what's my name?")
    assert lines[0] == "name: Priya"
    listing = shown(await run(world, alice, general, "memory show"))
    assert "name: Priya" in listing and "birthday: 3 May" in listing


async def test_server_memories_stay_in_their_server_unless_scope_is_global(world, alice) -> None:
    general = world.channel("general")
    other = await second_server(world, alice)
    lobby = world.emu.channel(other, "lobby")
    service = memory(world)
    await run(world, alice, general, "memory remember", text="my dog is called Biscuit")
    await service.observe(alice.user.id, None, alice.dm.id, "I love jazz", None)
    assert await service.recall(alice.user.id, other.id, "how is Biscuit? jazz?") == []
    assert await service.recall(alice.user.id, world.guild.id, "Biscuit") == [
        "pet: dog called Biscuit"
    ]
    assert await service.recall(alice.user.id, None, "Biscuit jazz") == ["likes: jazz"]
    in_other = await service.handle_chat_command(
        alice.user.id, other.id, "what do you remember about me?"
    )
    assert in_other is not None and "Biscuit" not in in_other and "jazz" not in in_other

    reply = await run(world, alice, lobby, "memory scope", scope="global")
    assert "global" in reply.content
    assert sorted(await service.recall(alice.user.id, other.id, "Biscuit jazz")) == [
        "likes: jazz",
        "pet: dog called Biscuit",
    ]
    await run(world, alice, lobby, "memory scope", scope="local")
    assert await service.recall(alice.user.id, other.id, "Biscuit jazz") == []
    # /memory show is private, so it lists everything, with where each came from.
    listing = shown(await run(world, alice, lobby, "memory show"))
    assert "in Test Server" in listing and "in our DMs" in listing


async def test_nobody_else_reaches_a_users_memories(world, alice, bob) -> None:
    general = world.channel("general")
    await run(world, alice, general, "memory remember", text="my dog is called Biscuit")
    [alices] = await db(world).memories.list(alice.user.id)
    await world.emu.set_moderator(world.guild, bob.user, True)  # moderators get no view either

    assert "Nothing yet" in shown(await run(world, bob, general, "memory show"))
    for item in (str(alices.id), f"#{alices.id}", "Biscuit", "dog called Biscuit"):
        reply = await run(world, bob, general, "memory forget", item=item)
        assert "couldn't find" in reply.content and "Biscuit" not in reply.content.replace(
            repr(item), ""
        )
    bob_export = world.emu.attachment_bytes(
        (await run(world, bob, general, "memory export")).attachments[0]
    )
    assert b"Biscuit" not in bob_export
    choices = await bob.autocomplete(general, "memory forget", "item", "Biscuit")
    assert [c["value"] for c in choices] == ["all"]
    service = memory(world)
    for text in ("what do you remember about me?", "forget that my dog is called Biscuit"):
        reply = await service.handle_chat_command(bob.user.id, world.guild.id, text)
        assert reply is not None and "Biscuit" not in reply
    assert await service.recall(bob.user.id, world.guild.id, "Biscuit? what's my dog called?") == []
    # Bob pressing the buttons of Alice's own messages changes nothing.
    question = await run(world, alice, general, "memory forget", item="all")
    press = await bob.click(question, "Yes, forget everything")
    await wait_idle(world.emu)
    [note] = interaction_messages(world.emu, press)
    assert note.ephemeral and note.visible_to == bob.user.id and "Biscuit" not in note.content
    assert await db(world).memories.count(alice.user.id) == 1
    # No memory command is public, and none of Alice's data appeared anywhere in the channel.
    assert all("Biscuit" not in m.content for m in bot_messages(world.emu, general))


async def test_every_memory_command_answers_privately(world, alice) -> None:
    general = world.channel("general")
    commands_to_try: list[tuple[str, dict[str, Any]]] = [
        ("memory remember", {"text": "I like kites"}),
        ("memory show", {}),
        ("memory forget", {"item": "kites"}),
        ("memory export", {}),
        ("memory off", {}),
        ("memory on", {}),
        ("memory scope", {"scope": "local"}),
    ]
    for command, options in commands_to_try:
        await run(world, alice, general, command, **options)  # run() checks ephemeral
    assert bot_messages(world.emu, general) == []


async def test_bad_options_get_clear_answers(world, alice) -> None:
    general = world.channel("general")
    with pytest.raises(EmulatorError, match="at most 300 characters"):
        await alice.slash(general, "memory remember", text="x" * 301)
    with pytest.raises(EmulatorError, match="must be one of: local, global"):
        await alice.slash(general, "memory scope", scope="everywhere")
    # A raw interaction that skipped the app's checks is still refused by the service.
    interaction = await alice.slash(general, "memory remember", raw=True, text="y" * 900)
    await wait_idle(world.emu)
    [reply] = interaction_messages(world.emu, interaction)
    assert reply.ephemeral and "at most 300 characters" in reply.content
    interaction = await alice.slash(general, "memory forget", raw=True, item="   ")
    await wait_idle(world.emu)
    [reply] = interaction_messages(world.emu, interaction)
    assert "which memory to forget" in reply.content.lower()
    assert await db(world).memories.count(alice.user.id) == 0


async def test_help_lists_the_memory_commands(world, alice) -> None:
    interaction = await alice.slash(world.channel("general"), "help")
    await wait_idle(world.emu)
    [message] = interaction_messages(world.emu, interaction)
    fields = {f["name"]: f["value"] for f in message.embeds[0]["fields"]}
    assert "/memory show" in fields["Memory"] and "/memory forget item" in fields["Memory"]


async def test_old_conversation_history_is_pruned_in_the_background(world, alice) -> None:
    await add_history(world, alice, "from long ago", age_days=45)
    await add_history(world, alice, "from yesterday", age_days=1)
    await world.stop_bot()
    await world.start_bot()  # the pruning loop runs once at start, then hourly
    database = db(world)

    async def history() -> list[str]:
        data = await database.user_data.export(alice.user.id)
        return [m.content for m in data.messages]

    deadline = time.monotonic() + 5
    while await history() != ["from yesterday"] and time.monotonic() < deadline:
        await wait_until(world.emu, lambda: False, timeout=0.1)
    assert await history() == ["from yesterday"]
    cog = world.bot.get_cog("Memory")
    assert cog is not None and cog.prune_history.is_running()
    assert cog.retention_days == 30
