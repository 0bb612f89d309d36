"""The stories service and its SQLite repository: telling, saving, circles, permissions."""

from __future__ import annotations

import random
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.content.stories import GENRE_IDS, StoryParts
from bot.content.stories_service import (
    MAX_CIRCLE_LINE_CHARS,
    TWIST_EVERY,
    StoryRequestError,
    StoryService,
    clean_line,
    story_pages,
)
from bot.storage import Database, open_database
from bot.storage.entertainment_repo import NewStory

GUILD, OTHER_GUILD = 111, 222
CHANNEL, OTHER_CHANNEL = 555, 556
ALICE, BOB, CAROL = 1001, 1002, 1003


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await open_database(tmp_path / "hearth.db")
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
def service(db: Database) -> StoryService:
    return StoryService(db.stories, rng=random.Random(5))


async def tell(service: StoryService, **options: object) -> object:
    defaults: dict[str, object] = {
        "guild_id": GUILD,
        "channel_id": CHANNEL,
        "author_id": ALICE,
        "author_name": "Alice",
    }
    return await service.tell(**(defaults | options))  # type: ignore[arg-type]


# --- telling and saving ---------------------------------------------------------------------


@pytest.mark.parametrize("genre", GENRE_IDS)
async def test_every_genre_is_told_and_saved(
    service: StoryService, db: Database, genre: str
) -> None:
    told = await service.tell(
        guild_id=GUILD,
        channel_id=CHANNEL,
        author_id=ALICE,
        author_name="Alice",
        genre=genre,
        prompt="Zora and her dragon Pip",
        length="short",
    )
    assert told.story.genre == genre and "Zora" in told.story.text
    assert "{" not in told.story.text and "}" not in told.story.text
    saved = await db.stories.get(GUILD, told.story_id)
    assert saved is not None and saved.body == told.story.text and saved.title == told.story.title
    assert saved.kind == "told" and saved.length == "short" and saved.author_name == "Alice"
    assert saved.prompt == "Zora and her dragon Pip"


async def test_same_prompt_twice_gives_different_stories(service: StoryService) -> None:
    first = await tell(service, genre="fantasy", prompt="Mina and a map")
    second = await tell(service, genre="fantasy", prompt="Mina and a map")
    assert first.story.text != second.story.text  # type: ignore[attr-defined]


async def test_defaults_and_bad_options(service: StoryService) -> None:
    told = await tell(service)
    assert told.story.length == "medium" and told.story.genre in GENRE_IDS  # type: ignore[attr-defined]
    with pytest.raises(StoryRequestError, match="Did you mean 'mystery'"):
        await tell(service, genre="mistery")
    with pytest.raises(StoryRequestError, match="choose short, medium, long"):
        await tell(service, length="epic")


async def test_a_huge_prompt_is_clipped_with_a_note(service: StoryService, db: Database) -> None:
    told = await tell(service, genre="funny", prompt="Nadia " + "bakes bread " * 900)
    assert told.notes == ("Your prompt was 10,806 characters; I read the first 300.",)  # type: ignore[attr-defined]
    saved = await db.stories.get(GUILD, told.story_id)  # type: ignore[attr-defined]
    assert saved is not None and len(saved.prompt) <= 300


async def test_mentions_and_odd_unicode_never_reach_the_story(service: StoryService) -> None:
    prompt = "<@123> @everyone Zo\u00eb\u200b and her \U0001f409 dragon <#9> \u202eevil"
    told = await tell(service, genre="fairytale", prompt=prompt)
    text = told.story.title + told.story.text  # type: ignore[attr-defined]
    assert "<@" not in text and "@everyone" not in text and "<#" not in text
    assert "\u202e" not in text and "\u200b" not in text
    empty = await tell(service, genre="bedtime", prompt="\U0001f409\U0001f409 <@1>")
    assert empty.notes == ("I couldn't find any words in your prompt, so I made everything up.",)  # type: ignore[attr-defined]


async def test_list_pages_and_dm_privacy(service: StoryService) -> None:
    for _ in range(12):
        await tell(service, length="short")
    await tell(service, author_id=BOB, author_name="Bob", length="short")
    await tell(service, guild_id=OTHER_GUILD, length="short")
    first = await service.browse(GUILD, viewer_id=ALICE)
    assert (first.total, first.pages, len(first.stories)) == (13, 2, 10)
    assert first.stories[0].author_name == "Bob"  # newest first
    second = await service.browse(GUILD, viewer_id=ALICE, page=2)
    assert len(second.stories) == 3
    mine = await service.browse(GUILD, viewer_id=BOB, mine=True)
    assert mine.total == 1
    with pytest.raises(StoryRequestError, match="are 2 pages; ask for page 1 to 2"):
        await service.browse(GUILD, viewer_id=ALICE, page=3)
    # in DMs a person sees only their own
    await tell(service, guild_id=None, author_id=CAROL, author_name="Carol", length="short")
    await tell(service, guild_id=None, author_id=BOB, author_name="Bob", length="short")
    dms = await service.browse(None, viewer_id=CAROL)
    assert [s.author_id for s in dms.stories] == [CAROL]
    carols = dms.stories[0].id
    with pytest.raises(StoryRequestError, match=f"no story #{carols}"):
        await service.get(None, carols, viewer_id=BOB)


async def test_show_and_delete_permissions(service: StoryService, db: Database) -> None:
    told = await tell(service, length="short")
    story_id = told.story_id  # type: ignore[attr-defined]
    assert (await service.get(GUILD, story_id, viewer_id=BOB)).id == story_id
    with pytest.raises(StoryRequestError, match="no story"):
        await service.get(OTHER_GUILD, story_id, viewer_id=ALICE)
    with pytest.raises(StoryRequestError, match="belongs to Alice; only they or a moderator"):
        await service.delete(GUILD, story_id, user_id=BOB, is_moderator=False)
    assert await db.stories.get(GUILD, story_id) is not None
    await service.delete(GUILD, story_id, user_id=ALICE, is_moderator=False)
    assert await db.stories.get(GUILD, story_id) is None
    other = await tell(service, length="short")
    await service.delete(GUILD, other.story_id, user_id=BOB, is_moderator=True)  # type: ignore[attr-defined]
    with pytest.raises(StoryRequestError, match="whole numbers from 1"):
        await service.get(GUILD, 0, viewer_id=ALICE)
    with pytest.raises(StoryRequestError, match="no story #99"):
        await service.delete(GUILD, 99, user_id=ALICE, is_moderator=True)


# --- circles --------------------------------------------------------------------------------


async def test_circle_turns_twists_and_ending(service: StoryService, db: Database) -> None:
    circle = await service.start_circle(
        guild_id=GUILD, channel_id=CHANNEL, user_id=ALICE, user_name="Alice", genre="fantasy"
    )
    assert len(circle.lines) == 1 and circle.lines[0].is_twist  # Hearth's opening
    hero = StoryParts("fantasy", f"circle:{CHANNEL}:{circle.started_at!r}").entities["hero"]
    assert hero.get("") in circle.lines[0].text
    with pytest.raises(StoryRequestError, match="already going here"):
        await service.start_circle(guild_id=GUILD, channel_id=CHANNEL, user_id=BOB, user_name="Bob")
    one = await service.add_line(channel_id=CHANNEL, user_id=ALICE, user_name="Alice", text="A.")
    assert one.twist is None
    with pytest.raises(StoryRequestError, match="You wrote the last line"):
        await service.add_line(channel_id=CHANNEL, user_id=ALICE, user_name="Alice", text="B.")
    await service.add_line(channel_id=CHANNEL, user_id=BOB, user_name="Bob", text="B.")
    third = await service.add_line(channel_id=CHANNEL, user_id=CAROL, user_name="Carol", text="C.")
    assert TWIST_EVERY == 3 and third.twist is not None and third.twist.author_name == "Hearth"
    assert hero.get("") in third.twist.text  # the twist is about the same hero
    # after a twist, the last human author still may not go twice in a row
    with pytest.raises(StoryRequestError, match="You wrote the last line"):
        await service.add_line(channel_id=CHANNEL, user_id=CAROL, user_name="Carol", text="D.")
    await service.add_line(channel_id=CHANNEL, user_id=ALICE, user_name="Alice", text="D.")
    with pytest.raises(StoryRequestError, match=r"Only Alice .* or a moderator"):
        await service.end_circle(channel_id=CHANNEL, user_id=BOB, is_moderator=False)
    ended = await service.end_circle(channel_id=CHANNEL, user_id=ALICE, is_moderator=False)
    assert ended.authors == ("Alice", "Bob", "Carol")
    assert "A. B. C." in ended.text and ended.text.count("\n\n") >= 3
    assert await service.circle(CHANNEL) is None
    saved = await db.stories.get(GUILD, ended.story_id or 0)
    assert saved is not None and saved.kind == "circle" and saved.credits == "Alice, Bob, Carol"
    assert saved.body == ended.text and saved.author_id == ALICE


async def test_circle_lines_are_checked(service: StoryService) -> None:
    with pytest.raises(StoryRequestError, match="no story circle in this channel"):
        await service.add_line(channel_id=CHANNEL, user_id=ALICE, user_name="A", text="hi")
    await service.start_circle(guild_id=GUILD, channel_id=CHANNEL, user_id=ALICE, user_name="A")
    with pytest.raises(StoryRequestError, match="empty"):
        await service.add_line(channel_id=CHANNEL, user_id=ALICE, user_name="A", text=" \u200b ")
    too_long = "x" * (MAX_CIRCLE_LINE_CHARS + 1)
    with pytest.raises(StoryRequestError, match="at most 300 characters; yours has 301"):
        await service.add_line(channel_id=CHANNEL, user_id=ALICE, user_name="A", text=too_long)
    # circles are per channel
    assert await service.circle(OTHER_CHANNEL) is None


async def test_an_empty_circle_ends_without_saving(service: StoryService, db: Database) -> None:
    await service.start_circle(guild_id=GUILD, channel_id=CHANNEL, user_id=ALICE, user_name="A")
    ended = await service.end_circle(channel_id=CHANNEL, user_id=BOB, is_moderator=True)
    assert ended.story_id is None and await db.stories.count(GUILD) == 0


async def test_finish_circle_is_atomic(db: Database) -> None:
    bad = NewStory(
        guild_id=GUILD,
        channel_id=CHANNEL,
        author_id=ALICE,
        author_name="A",
        kind="circle",
        genre="fantasy",
        title="",
        body="x",
        created_at=1.0,
    )
    with pytest.raises(ValueError, match="title must not be empty"):
        await db.stories.finish_circle(CHANNEL, bad)


def test_clean_line_and_pages() -> None:
    assert clean_line("  a\u200b\tb\n\nc \u202e ") == "a b c"
    pages = story_pages("T", "\n\n".join(["word " * 150] * 12), header="h", footer="f")
    assert len(pages) >= 3 and all(len(p) <= 1900 for p in pages)
    assert pages[0].startswith("\U0001f4d6 **T**\n-# h") and pages[-1].endswith("-# f")
    assert not any(re.search(r"\bwo$", p) for p in pages)  # cut between words
