"""The jokes service and its SQLite repository: history, votes, top list, teen gate, knocks."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.content.jokes import CATEGORIES, JokeBank, NoJokeAvailableError, read_joke_bank
from bot.content.jokes_service import (
    REVEAL_HINT,
    JokeError,
    JokeService,
    joke_noun,
    render_joke,
    render_tally,
)
from bot.storage import ConstraintError, Database, open_database
from bot.storage.entertainment_repo import JokeTally

GUILD, OTHER_GUILD = 111, 222
ALICE, BOB = 1001, 1002
CHANNEL = 555

TINY_BANK = {
    "puns.toml": """
category = "puns"
[[jokes]]
id = "pun-001"
setup = "Why did the kettle sing?"
punchline = "It was full of steam and ready to whistle."
tags = ["kettle"]
[[jokes]]
id = "pun-002"
setup = "What do you call a sleepy bull?"
punchline = "A bulldozer."
tags = ["bull", "cow"]
[[jokes]]
id = "pun-003"
setup = "Why are cats good at video games?"
punchline = "They have nine lives to spare."
tags = ["cat"]
[[jokes]]
id = "pun-004"
rating = "teen"
setup = "Why did the clock go on a second date?"
punchline = "The first one was a great time."
tags = ["dating"]
""",
    "knock-knock.toml": """
category = "knock-knock"
[[jokes]]
id = "kk-001"
name = "Lettuce"
punchline = "Lettuce in, it's chilly out here!"
""",
    "one-liners.toml": """
category = "one-liners"
[[jokes]]
id = "one-001"
setup = "I used to collect clocks, but it took up too much of my time."
""",
}


def tiny_bank(tmp_path: Path) -> JokeBank:
    folder = tmp_path / "jokes"
    folder.mkdir()
    for name, text in TINY_BANK.items():
        (folder / name).write_text(text, encoding="utf-8")
    return read_joke_bank(folder)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await open_database(tmp_path / "hearth.db")
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(db: Database, tmp_path: Path, clock: Clock) -> JokeService:
    return JokeService(db.jokes, db.audit, tiny_bank(tmp_path), rng=random.Random(3), clock=clock)


# --- telling --------------------------------------------------------------------------------


async def test_a_category_cycle_has_no_repeats_and_then_starts_over(service: JokeService) -> None:
    told = [await service.tell(user_id=ALICE, guild_id=GUILD, category="puns") for _ in range(3)]
    assert sorted(t.joke.id for t in told) == ["pun-001", "pun-002", "pun-003"]
    assert all(t.note is None for t in told)
    again = await service.tell(user_id=ALICE, guild_id=GUILD, category="Puns")
    assert again.note == "You've heard all my puns, so I'm starting over!"
    # the new cycle starts from the one joke just told
    rest = [await service.tell(user_id=ALICE, guild_id=GUILD, category="puns") for _ in range(2)]
    assert {again.joke.id, *(t.joke.id for t in rest)} == {"pun-001", "pun-002", "pun-003"}


async def test_history_is_per_user_and_stored(db: Database, service: JokeService) -> None:
    first = await service.tell(user_id=ALICE, guild_id=GUILD, category="puns")
    assert await db.jokes.seen(ALICE, "puns") == {first.joke.id}
    assert await db.jokes.seen(BOB) == set()
    for _ in range(3):
        await service.tell(user_id=BOB, guild_id=GUILD, category="puns")
    assert len(await db.jokes.seen(BOB, "puns")) == 3


async def test_teen_jokes_only_where_a_moderator_allowed_them(
    db: Database, service: JokeService
) -> None:
    ids = {(await service.tell(user_id=ALICE, guild_id=GUILD)).joke.id for _ in range(12)}
    assert "pun-004" not in ids
    assert await service.set_edgy(GUILD, BOB, True) is True
    assert await service.set_edgy(GUILD, BOB, True) is False  # no change, still audited
    ids = {(await service.tell(user_id=ALICE, guild_id=GUILD)).joke.id for _ in range(12)}
    assert "pun-004" in ids
    # other guilds and DMs keep the default
    ids = {(await service.tell(user_id=BOB, guild_id=OTHER_GUILD)).joke.id for _ in range(12)}
    ids |= {(await service.tell(user_id=BOB, guild_id=None)).joke.id for _ in range(12)}
    assert "pun-004" not in ids
    entries = await db.audit.list(GUILD)
    assert [e.action for e in entries] == ["jokes.edgy", "jokes.edgy"]
    assert entries[0].detail == {"edgy": True} and entries[0].actor_id == BOB


async def test_a_plain_joke_always_has_a_punchline_to_reveal(service: JokeService) -> None:
    kinds = {(await service.tell(user_id=ALICE, guild_id=GUILD)).joke.kind for _ in range(10)}
    assert kinds == {"qa"}
    # asked for by category, the other kinds come too
    told = await service.tell(user_id=ALICE, guild_id=GUILD, category="one-liners")
    assert told.joke.kind == "oneliner"


async def test_engine_kinds_filter(tmp_path: Path) -> None:
    bank = tiny_bank(tmp_path)
    rng = random.Random(0)
    picks = {bank.pick(kinds=("knockknock",), rng=rng).joke.id for _ in range(5)}
    assert picks == {"kk-001"}
    with pytest.raises(NoJokeAvailableError, match="kind \\(oneliner\\)"):
        bank.pick(category="puns", kinds=("oneliner",), rng=rng)


async def test_about_is_honest_when_nothing_matches(service: JokeService) -> None:
    cat = await service.tell(user_id=ALICE, guild_id=GUILD, about="cats")
    assert cat.joke.id == "pun-003" and cat.note is None
    none = await service.tell(user_id=ALICE, guild_id=GUILD, category="puns", about="volcanoes")
    assert none.note is not None
    assert none.note.startswith("I don't have one about \u201cvolcanoes\u201d")
    assert none.note.endswith("here's a pun.")
    again = await service.tell(user_id=ALICE, guild_id=GUILD, category="puns", about="cats")
    assert again.note is not None and "heard all my jokes about" in again.note
    assert again.note.endswith("here's a pun instead.")


def test_joke_nouns_read_naturally() -> None:
    nouns = {c.key: joke_noun(c.key) for c in CATEGORIES}
    assert nouns["science"] == "science joke" and nouns["riddles"] == "riddle"
    assert nouns["one-liners"] == "one-liner" and nouns["dad-jokes"] == "dad joke"
    assert all(n.endswith(("joke", "pun", "riddle", "one-liner")) for n in nouns.values())


async def test_about_markup_is_cleaned_before_it_is_echoed(service: JokeService) -> None:
    told = await service.tell(
        user_id=ALICE, guild_id=GUILD, about="<@123> @everyone zqxv " + "y" * 5000
    )
    assert told.note is not None
    assert "<@" not in told.note and "@everyone" not in told.note
    assert len(told.note) < 200


async def test_unknown_category_gets_suggestions(service: JokeService) -> None:
    with pytest.raises(JokeError, match="Did you mean puns") as info:
        await service.tell(user_id=ALICE, guild_id=GUILD, category="punz")
    assert "Categories: puns" in str(info.value)
    with pytest.raises(JokeError, match="don't know the joke category"):
        await service.tell(user_id=ALICE, guild_id=GUILD, category="\u202e<@1>" * 300)


async def test_a_category_with_only_teen_jokes_is_explained(tmp_path: Path, db: Database) -> None:
    folder = tmp_path / "teen"
    folder.mkdir()
    (folder / "music.toml").write_text(
        'category = "music"\n[[jokes]]\nid = "music-001"\nrating = "teen"\n'
        'setup = "Why did the drummer text twice?"\npunchline = "Bad timing."\n',
        encoding="utf-8",
    )
    service = JokeService(db.jokes, db.audit, read_joke_bank(folder), rng=random.Random(1))
    with pytest.raises(JokeError, match="no music jokes that are allowed here"):
        await service.tell(user_id=ALICE, guild_id=GUILD, category="music")


# --- votes and the top list -----------------------------------------------------------------


async def test_one_vote_per_user_changeable(service: JokeService) -> None:
    assert await service.vote(GUILD, "pun-001", ALICE, up=True) == JokeTally("pun-001", 1, 0)
    assert await service.vote(GUILD, "pun-001", ALICE, up=True) == JokeTally("pun-001", 1, 0)
    assert await service.vote(GUILD, "pun-001", BOB, up=True) == JokeTally("pun-001", 2, 0)
    assert await service.vote(GUILD, "pun-001", ALICE, up=False) == JokeTally("pun-001", 1, 1)
    # votes are per guild
    assert await service.tally(OTHER_GUILD, "pun-001") == JokeTally("pun-001", 0, 0)
    with pytest.raises(JokeError, match="isn't in my joke bank"):
        await service.vote(GUILD, "pun-999", ALICE, up=True)


async def test_top_orders_by_score_then_up_votes(service: JokeService, db: Database) -> None:
    for user in range(1, 4):
        await service.vote(GUILD, "pun-002", user, up=True)  # +3
    await service.vote(GUILD, "pun-001", 1, up=True)  # +1 (1 up)
    await service.vote(GUILD, "pun-003", 1, up=True)
    await service.vote(GUILD, "pun-003", 2, up=True)
    await service.vote(GUILD, "pun-003", 3, up=False)  # +1 (2 up)
    await service.vote(GUILD, "one-001", 1, up=False)  # -1
    for user in range(1, 6):
        await service.vote(GUILD, "pun-004", user, up=True)  # teen: hidden by default
    top = await service.top(GUILD)
    assert [j.id for j, _ in top] == ["pun-002", "pun-003", "pun-001", "one-001"]
    assert top[0][1].score == 3
    assert [j.id for j, _ in await service.top(GUILD, limit=2)] == ["pun-002", "pun-003"]
    await service.set_edgy(GUILD, 9, True)
    assert (await service.top(GUILD))[0][0].id == "pun-004"
    assert await service.top(OTHER_GUILD) == []
    with pytest.raises(JokeError, match="1 to 25"):
        await service.top(GUILD, limit=0)


async def test_repository_rejects_bad_values(db: Database) -> None:
    with pytest.raises(ConstraintError, match="1 \\(up\\) or -1"):
        await db.jokes.vote(GUILD, "pun-001", ALICE, 2)
    with pytest.raises(ValueError, match="joke_id"):
        await db.jokes.vote(GUILD, "", ALICE, 1)
    with pytest.raises(ValueError, match="True or False"):
        await db.jokes.set_allows_teen(GUILD, 1)  # type: ignore[arg-type]


# --- knock-knock ----------------------------------------------------------------------------


async def test_knock_knock_exchange_and_claims(service: JokeService, clock: Clock) -> None:
    joke = service.joke("kk-001")
    assert service.start_knock(CHANNEL, ALICE, joke) == "Knock, knock!"
    assert service.claims(CHANNEL, ALICE) and not service.claims(CHANNEL, BOB)
    assert not service.claims(CHANNEL + 1, ALICE)
    reply = service.hear(CHANNEL, ALICE, "who's there?", message_id=1)
    assert reply is not None and reply.text == "Lettuce." and not reply.done
    reply = service.hear(CHANNEL, ALICE, "lettuce who?", message_id=2)
    assert reply is not None and reply.done and reply.text.startswith("Lettuce in")
    # finished: no longer pending, but the messages it answered stay claimed
    assert service.pending_knock(CHANNEL, ALICE) is None
    assert service.claims(CHANNEL, ALICE, 2) and not service.claims(CHANNEL, ALICE, 3)
    assert service.hear(CHANNEL, ALICE, "who's there?") is None


async def test_an_unanswered_knock_lapses(service: JokeService, clock: Clock) -> None:
    service.start_knock(CHANNEL, ALICE, service.joke("kk-001"))
    clock.now += 299
    assert service.pending_knock(CHANNEL, ALICE) is not None
    clock.now += 2
    assert service.pending_knock(CHANNEL, ALICE) is None
    assert not service.claims(CHANNEL, ALICE)


async def test_telling_a_knock_knock_is_marked(service: JokeService) -> None:
    told = await service.tell(user_id=ALICE, guild_id=GUILD, category="knock knock")
    assert told.is_knock_knock and told.joke.id == "kk-001"


# --- rendering ------------------------------------------------------------------------------


def test_render_hides_then_shows_the_punchline(tmp_path: Path) -> None:
    bank = tiny_bank(tmp_path)
    joke = bank.by_id("pun-002")
    hidden = render_joke(joke, revealed=False, tally=JokeTally("pun-002", 2, 1))
    assert "A bulldozer." not in hidden and REVEAL_HINT in hidden
    assert hidden.endswith(render_tally(JokeTally("pun-002", 2, 1)))
    assert "\U0001f44d 2" in hidden and "\U0001f44e 1" in hidden
    shown = render_joke(joke, revealed=True, tally=JokeTally("pun-002"))
    assert "**A bulldozer.**" in shown and REVEAL_HINT not in shown
    one = render_joke(bank.by_id("one-001"), revealed=False, tally=JokeTally("one-001"))
    assert "too much of my time" in one and REVEAL_HINT not in one
