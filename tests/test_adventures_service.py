"""The adventures service and its SQLite repository: solo, party votes, ties, resume, quit."""

from __future__ import annotations

import dataclasses
import random
from collections import deque
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.content.adventures import Adventure, load_adventures
from bot.content.adventures_service import AdventureRequestError, AdventureService
from bot.storage import Database, open_database
from bot.storage.entertainment_repo import NewAdventureRun

GUILD = 111
CHANNEL, OTHER_CHANNEL = 555, 556
ALICE, BOB, CAROL = 1001, 1002, 1003


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

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
def service(db: Database, clock: Clock) -> AdventureService:
    return AdventureService(db.adventures, rng=random.Random(2), clock=clock, vote_seconds=20)


def path_to_ending(adventure: Adventure) -> list[int]:
    """Choice indexes of a shortest path from the start to any ending."""
    queue = deque([(adventure.start, [])])
    seen = {adventure.start}
    while queue:
        scene_id, path = queue.popleft()
        scene = adventure.scenes[scene_id]
        if scene.is_ending:
            return path
        for index, choice in enumerate(scene.choices):
            if choice.goto not in seen:
                seen.add(choice.goto)
                queue.append((choice.goto, [*path, index]))
    raise AssertionError("no ending")


async def start(service: AdventureService, mode: str = "solo", user: int = ALICE) -> object:
    return await service.start(
        guild_id=GUILD,
        channel_id=CHANNEL,
        user_id=user,
        user_name="Alice" if user == ALICE else "Bob",
        name="lighthouse",
        mode=mode,
    )


def test_catalogue_find_and_suggestions(service: AdventureService) -> None:
    assert [a for _, a in service.choices("")] == ["marmalade", "pie", "lighthouse"]  # by title
    assert service.choices("MYST") == [("The Great Pie Mystery of Puddlewick", "pie")]
    assert service.find("The Lighthouse at Gull's End").id == "lighthouse"
    assert service.find("  PIE ").id == "pie"
    assert service.find("starship").id == "marmalade"
    assert service.find(None).id in {"lighthouse", "marmalade", "pie"}
    with pytest.raises(AdventureRequestError, match="Did you mean The Lighthouse"):
        service.find("lighthose")
    with pytest.raises(AdventureRequestError, match="need a remote brain"):
        service.find("improvised")
    with pytest.raises(AdventureRequestError) as info:
        service.find("<@123> **x**" * 50)
    assert "<@" not in str(info.value) and "**" not in str(info.value)


async def test_solo_play_to_an_ending(service: AdventureService, db: Database) -> None:
    view = await start(service)
    await service.shown_in(view.record.id, 42)  # type: ignore[attr-defined]
    adventure = load_adventures()["lighthouse"]
    for step, index in enumerate(path_to_ending(adventure)):
        press = await service.press(
            run_id=view.record.id,
            step=step,
            choice=index,
            user_id=ALICE,
            message_id=42,  # type: ignore[attr-defined]
        )
        assert press.kind == "advanced" and press.view is not None
    assert press.view.over and press.view.record.status == "finished"
    stored = await db.adventures.get(view.record.id)  # type: ignore[attr-defined]
    assert stored is not None and stored.status == "finished"
    late = await service.press(run_id=stored.id, step=0, choice=0, user_id=ALICE, message_id=42)
    assert late.kind == "over"
    # a finished run frees the slot for a new one
    assert (await start(service)).record.id != stored.id  # type: ignore[attr-defined]


async def test_solo_refuses_others_stale_and_old_messages(service: AdventureService) -> None:
    view = await start(service)
    run_id = view.record.id  # type: ignore[attr-defined]
    await service.shown_in(run_id, 42)
    assert (
        await service.press(run_id=run_id, step=0, choice=0, user_id=BOB, message_id=42)
    ).kind == "not_yours"
    assert (
        await service.press(run_id=run_id, step=0, choice=0, user_id=ALICE, message_id=41)
    ).kind == "elsewhere"
    assert (
        await service.press(run_id=run_id, step=0, choice=0, user_id=ALICE, message_id=42)
    ).kind == "advanced"
    assert (
        await service.press(run_id=run_id, step=0, choice=1, user_id=ALICE, message_id=42)
    ).kind == "stale"
    assert (
        await service.press(run_id=run_id, step=1, choice=3, user_id=ALICE, message_id=42)
    ).kind == "stale"
    assert (
        await service.press(run_id=999, step=0, choice=0, user_id=ALICE, message_id=None)
    ).kind == "over"


async def test_one_live_run_per_player_and_one_party_per_channel(
    service: AdventureService,
) -> None:
    await start(service)
    with pytest.raises(AdventureRequestError, match="already playing"):
        await start(service)
    await start(service, user=BOB)  # Bob's own solo run in the same channel
    await start(service, mode="party")
    with pytest.raises(AdventureRequestError, match="already has a party adventure"):
        await start(service, mode="party", user=BOB)
    with pytest.raises(AdventureRequestError, match="Party adventures need a server"):
        await service.start(
            guild_id=None, channel_id=OTHER_CHANNEL, user_id=ALICE, user_name="A", mode="party"
        )
    with pytest.raises(AdventureRequestError, match="solo or party"):
        await start(service, mode="duo")


async def test_party_majority_wins(service: AdventureService, clock: Clock, db: Database) -> None:
    view = await start(service, mode="party")
    run_id = view.record.id  # type: ignore[attr-defined]
    first = await service.press(run_id=run_id, step=0, choice=1, user_id=ALICE, message_id=None)
    assert first.kind == "voted" and first.deadline == clock.now + 20
    assert first.view is not None and first.view.votes == (0, 1, 0)
    clock.now += 5
    second = await service.press(run_id=run_id, step=0, choice=2, user_id=BOB, message_id=None)
    assert second.deadline == first.deadline  # the timer started with the first vote
    await service.press(run_id=run_id, step=0, choice=2, user_id=CAROL, message_id=None)
    changed = await service.press(run_id=run_id, step=0, choice=2, user_id=ALICE, message_id=None)
    assert changed.view is not None and changed.view.votes == (0, 0, 3)  # one vote per person
    assert [r.id for r in await service.open_votes()] == [run_id]
    closed = await service.close_vote(run_id, 0)
    assert closed is not None and not closed.result.tie
    assert closed.chosen == "Take a quick look around the island"
    assert closed.view.step == 1 and closed.view.scene.id == "shore"
    assert await service.open_votes() == []
    assert await service.close_vote(run_id, 0) is None  # decided once only
    assert await db.adventures.votes(run_id, 0) == {}


async def test_party_ties_are_broken_at_random_and_reported(service: AdventureService) -> None:
    winners = set()
    for _ in range(12):
        view = await start(service, mode="party")
        run_id = view.record.id  # type: ignore[attr-defined]
        await service.press(run_id=run_id, step=0, choice=0, user_id=ALICE, message_id=None)
        await service.press(run_id=run_id, step=0, choice=2, user_id=BOB, message_id=None)
        closed = await service.close_vote(run_id, 0)
        assert closed is not None and closed.result.tie
        assert closed.result.tied_choices == (0, 2) and closed.result.winner in (0, 2)
        winners.add(closed.result.winner)
        await service.quit(channel_id=CHANNEL, user_id=ALICE, is_moderator=False)
    assert winners == {0, 2}


async def test_no_votes_means_no_decision(service: AdventureService) -> None:
    view = await start(service, mode="party")
    assert await service.close_vote(view.record.id, 0) is None  # type: ignore[attr-defined]


async def test_find_run_and_quit(service: AdventureService, db: Database) -> None:
    assert await service.find_run(channel_id=CHANNEL, user_id=ALICE) is None
    party = await start(service, mode="party")
    assert (await service.find_run(channel_id=CHANNEL, user_id=BOB)).record.id == party.record.id  # type: ignore[union-attr, attr-defined]
    solo = await start(service)
    # your own solo run comes first
    assert (await service.find_run(channel_id=CHANNEL, user_id=ALICE)).record.id == solo.record.id  # type: ignore[union-attr, attr-defined]
    with pytest.raises(AdventureRequestError, match=r"Only Alice \(who started"):
        await service.quit(channel_id=CHANNEL, user_id=BOB, is_moderator=False)
    await service.quit(channel_id=CHANNEL, user_id=BOB, is_moderator=True)  # party, by a mod
    assert (await db.adventures.get(party.record.id)).status == "quit"  # type: ignore[union-attr, attr-defined]
    await service.quit(channel_id=CHANNEL, user_id=ALICE, is_moderator=False)  # her solo run
    with pytest.raises(AdventureRequestError, match="no adventure going"):
        await service.quit(channel_id=CHANNEL, user_id=ALICE, is_moderator=False)


async def test_a_run_that_no_longer_fits_its_adventure_is_dropped(
    service: AdventureService, db: Database
) -> None:
    record = await db.adventures.create(
        NewAdventureRun(
            guild_id=GUILD,
            channel_id=CHANNEL,
            starter_id=ALICE,
            starter_name="Alice",
            adventure_id="lighthouse",
            mode="solo",
            state='{"version": 1, "adventure": "lighthouse", "scene": "nowhere", "history": []}',
        )
    )
    assert record is not None
    assert await service.find_run(channel_id=CHANNEL, user_id=ALICE) is None
    assert (await db.adventures.get(record.id)).status == "quit"  # type: ignore[union-attr]


async def test_repository_guards(db: Database) -> None:
    new = NewAdventureRun(
        guild_id=GUILD,
        channel_id=CHANNEL,
        starter_id=ALICE,
        starter_name="Alice",
        adventure_id="pie",
        mode="party",
        state="{}",
    )
    record = await db.adventures.create(new)
    assert record is not None and record.step == 0 and record.status == "active"
    assert await db.adventures.create(new) is None
    assert await db.adventures.advance(record.id, from_step=1, state="{}", finished=False) is None
    assert await db.adventures.vote(record.id, 1, BOB, 0, deadline=5.0) is None
    with pytest.raises(ValueError, match="'finished' or 'quit'"):
        await db.adventures.set_status(record.id, "active")
    with pytest.raises(ValueError, match="adventure mode"):
        await db.adventures.create(
            dataclasses.replace(new, mode="duo")  # type: ignore[arg-type]
        )
