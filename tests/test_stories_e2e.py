"""End to end through the emulator: /story tell|list|show|delete and /story circle."""

from __future__ import annotations

import pytest

from bot.content.stories import GENRE_IDS
from bot.emulator.harness import IdleRules, interaction_messages, wait_idle
from bot.emulator.server import EmulatorError
from bot.emulator.state import Message

FAST = IdleRules(stream_quiet=0.25)  # nothing here streams


async def run(world, person, command: str, channel: str = "games", **options) -> list[Message]:  # type: ignore[no-untyped-def]
    interaction = await person.slash(world.channel(channel), command, **options)
    await wait_idle(world.emu, FAST)
    return interaction_messages(world.emu, interaction)


def public(messages: list[Message]) -> list[Message]:
    return [m for m in messages if not m.ephemeral]


async def test_every_genre_is_told_with_the_prompts_names(world, alice) -> None:
    for genre in GENRE_IDS:
        messages = await run(
            world, alice, "story tell", genre=genre, prompt="Ravi and his cat Moss", length="short"
        )
        [story] = public(messages)
        assert story.content.startswith("\U0001f4d6 **")
        assert "Ravi" in story.content and "{" not in story.content
        assert f"told for {alice.name}" in story.content
        assert "Saved as story #" in story.content
    stored = await world.bot.services.db.stories.count(world.guild.id)
    assert stored == len(GENRE_IDS)


async def test_a_long_story_is_split_between_paragraphs(world, alice) -> None:
    messages = await run(world, alice, "story tell", genre="adventure", length="long")
    pages = public(messages)
    assert len(pages) >= 2 and all(len(p.content) <= 2000 for p in pages)
    assert "Saved as story #1" in pages[-1].content and "Saved as" not in pages[0].content
    body = "\n\n".join(p.content for p in pages)
    [saved] = await world.bot.services.db.stories.list(world.guild.id)
    for paragraph in saved.body.split("\n\n"):
        assert paragraph in body  # no paragraph was cut


async def test_save_list_show_delete_and_permissions(world, alice, bob) -> None:
    await run(world, alice, "story tell", genre="mystery", length="short")
    await run(world, bob, "story tell", genre="bedtime", length="short")
    [listing] = await run(world, bob, "story list")
    text = listing.embeds[0]["description"]
    assert "`#2`" in text.split("\n")[0] and "for Bob" in text and "for Alice" in text
    [mine] = await run(world, bob, "story list", mine=True)
    assert "Alice" not in mine.embeds[0]["description"]
    [shown] = await run(world, bob, "story show", id=1)
    assert "told for Alice" in shown.content and "Story #1" in shown.content
    [refused] = await run(world, bob, "story delete", id=1)
    assert refused.ephemeral and "belongs to Alice" in refused.content
    assert await world.bot.services.db.stories.get(world.guild.id, 1) is not None
    [deleted] = await run(world, alice, "story delete", id=1)
    assert deleted.ephemeral and "Deleted story #1" in deleted.content
    [gone] = await run(world, alice, "story show", id=1)
    assert gone.ephemeral and "There is no story #1 here" in gone.content
    await world.emu.set_moderator(world.guild, alice.user, True)
    [by_mod] = await run(world, alice, "story delete", id=2)
    assert "Deleted story #2" in by_mod.content
    [empty] = await run(world, alice, "story list")
    assert "No stories saved here yet" in empty.content


async def test_stories_are_per_server_and_private_in_dms(world, alice, bob) -> None:
    interaction = await alice.slash(alice.dm, "story tell", genre="funny", length="short")
    await wait_idle(world.emu, FAST)
    [told] = interaction_messages(world.emu, interaction)
    story_id = told.content.rsplit("#", 1)[1].split()[0]
    # not visible from the server, nor to Bob in his DMs
    [missing] = await run(world, alice, "story show", id=int(story_id))
    assert "There is no story" in missing.content
    interaction = await bob.slash(bob.dm, "story show", id=int(story_id))
    await wait_idle(world.emu, FAST)
    [hidden] = interaction_messages(world.emu, interaction)
    assert "There is no story" in hidden.content


async def test_bad_input(world, alice) -> None:
    [unknown] = await run(world, alice, "story tell", genre="scary")
    assert unknown.ephemeral and "Unknown story genre" in unknown.content
    assert "Available genres: fantasy" in unknown.content
    with pytest.raises(EmulatorError, match="must be one of: short, medium, long"):
        await alice.slash(world.channel("games"), "story tell", length="epic")
    huge = "Odile the otter " + "paddles along the river " * 420
    messages = await run(world, alice, "story tell", genre="bedtime", prompt=huge, length="short")
    [story] = public(messages)
    [note] = [m for m in messages if m.ephemeral]
    assert "Odile" in story.content
    assert f"Your prompt was {len(huge):,} characters; I read the first 300." == note.content
    pings = "<@&1> @everyone @here <@" + str(alice.user.id) + "> Zo\u00eb \u202e\u200b\U0001f409"
    [safe] = public(await run(world, alice, "story tell", prompt=pings, length="short"))
    assert "@everyone" not in safe.content and "@here" not in safe.content
    assert "<@" not in safe.content and "\u202e" not in safe.content
    assert safe.allowed_mentions is not None and safe.allowed_mentions.get("parse") == []


async def test_genre_autocomplete(world, alice) -> None:
    choices = await alice.autocomplete(world.channel("games"), "story tell", "genre", "sp")
    assert [c["value"] for c in choices] == ["spooky"]
    assert len(await alice.autocomplete(world.channel("games"), "story tell", "genre", "")) == 8


async def test_story_circle(world, alice, bob) -> None:
    carol = await world.person("Carol")
    [opened] = await run(world, alice, "story circle start", genre="scifi")
    assert opened.content.startswith("\U0001f4dd **Story circle: ")
    assert "started by Alice" in opened.content
    [again] = await run(world, bob, "story circle start")
    assert again.ephemeral and "already going here" in again.content
    [line] = await run(world, alice, "story circle add", line="The ship hummed.")
    assert line.content == "**Alice:** The ship hummed."
    [twice] = await run(world, alice, "story circle add", line="And hummed.")
    assert twice.ephemeral and "You wrote the last line" in twice.content
    with pytest.raises(EmulatorError, match="at most 300 characters"):
        await bob.slash(world.channel("games"), "story circle add", line="x" * 301)
    [long] = await run(world, bob, "story circle add", line="y" * 5000, raw=True)
    assert long.ephemeral and "at most 300 characters; yours has 5,000" in long.content
    await run(world, bob, "story circle add", line="A hatch opened.")
    # the circle is stored: it survives a restart
    await world.stop_bot()
    await world.start_bot()
    third = await run(world, carol, "story circle add", line="Out floated a cat.")
    assert [m.content.split(" ")[0] for m in third] == ["**Carol:**", "\u2728"]
    [early] = await run(world, bob, "story circle end")
    assert early.ephemeral and "Only Alice" in early.content
    pages = await run(world, alice, "story circle end")
    whole = "\n".join(p.content for p in pages)
    assert "A story circle by Alice, Bob, Carol (and Hearth)" in whole
    assert "The ship hummed. A hatch opened. Out floated a cat." in whole
    story_id = int(whole.rsplit("/story show id:", 1)[1].split()[0])
    saved = await world.bot.services.db.stories.get(world.guild.id, story_id)
    assert saved is not None and saved.kind == "circle" and saved.credits == "Alice, Bob, Carol"
    [none] = await run(world, bob, "story circle add", line="More?")
    assert "no story circle in this channel" in none.content


async def test_circles_need_a_server(world, alice) -> None:
    interaction = await alice.slash(alice.dm, "story circle start", raw=True)
    await wait_idle(world.emu, FAST)
    [answer] = interaction_messages(world.emu, interaction)
    assert answer.ephemeral and "private messages" in answer.content
    assert await world.bot.services.db.stories.circle(alice.dm.id) is None
