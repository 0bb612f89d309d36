"""Trivia end to end around the games: options, autocomplete, leaderboards, stats, packs,
a restart in the middle of a game, and `hearth play`."""

from __future__ import annotations

import io
import json

import pytest

from bot.emulator.harness import interaction_messages
from bot.emulator.server import EmulatorError
from bot.playground import run_playground
from bot.storage.trivia_repo import NewTriviaGame, PlayerTotals, TriviaAnswerRecord
from tests.test_trivia_e2e_support import (
    description,
    embeds_titled,
    field_values,
    next_question,
    private_reply,
    questions,
    right_option,
    speed_up,
    start_game,
    trivia,
    until,
)

GOOD_PACK = """\
category = "space"

[[questions]]
id = "club-001"
difficulty = "easy"
question = "Which planet did our club's telescope first look at?"
answer = "Saturn"
wrong = ["Mars", "Venus", "Jupiter"]
fact = "Its rings were the reason the club was founded."

[[questions]]
id = "club-002"
difficulty = "medium"
question = "How many moons did we count on our first night out?"
answer = "4"
wrong = ["2", "7", "12"]
"""

BROKEN_PACK = """\
[[questions]]
id = "bad-001"
category = "space"
difficulty = "easy"
question = "Which planet is the red planet?"
answer = "Mars"
wrong = ["Mars", "Venus", "Jupiter"]

[[questions]]
id = "bad-002"
category = "spcae"
difficulty = "extreme"
question = "Which is the largest planet?"
answer = "Jupiter"
wrong = ["Saturn", "Neptune"]

[[questions]]
id = "bad-003"
category = "space"
difficulty = "easy"
question = "Hey @everyone, which planet is closest to the Sun?"
answer = "Mercury"
wrong = ["Venus", "Earth", "Mars"]
"""


# --- options --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"rounds": 0}, "Rounds must be between 1 and 50 (got 0)"),
        ({"rounds": 10_000}, "Rounds must be between 1 and 50 (got 10000)"),
        ({"timer": 1}, "Timer must be between 10 and 120 seconds (got 1)"),
        ({"timer": 86_400}, "Timer must be between 10 and 120 seconds (got 86400)"),
        ({"category": "spcae"}, "Unknown category 'spcae'. Did you mean space?"),
        ({"mode": "shouting"}, "Mode must be 'buttons' or 'typed'"),
    ],
)
async def test_bad_options_get_a_clear_bound_or_suggestions(
    world, alice, options, expected
) -> None:
    games = world.channel("games")
    # raw: a stale or hand-made client that skips the app's own checks
    interaction = await alice.slash(games, "trivia start", raw=True, **options)
    note = await private_reply(world, interaction)
    assert note.ephemeral and note.content.startswith("I can't start that game")
    assert expected in note.content
    assert not trivia(world).is_running(games.id)
    assert questions(world, games) == []


async def test_the_discord_app_refuses_out_of_range_options(world, alice) -> None:
    games = world.channel("games")
    with pytest.raises(EmulatorError, match="rounds must be at least 1"):
        await alice.slash(games, "trivia start", rounds=0)
    with pytest.raises(EmulatorError, match="timer must be at most 120"):
        await alice.slash(games, "trivia start", timer=86_400)
    with pytest.raises(EmulatorError, match="must be one of: buttons, typed"):
        await alice.slash(games, "trivia start", mode="shouting")


async def test_category_autocomplete_matches_and_fuzzy_suggestions(world, alice) -> None:
    games = world.channel("games")
    everything = await alice.autocomplete(games, "trivia start", "category", "")
    assert everything[0]["value"] == "any"
    assert {"space", "history", "film_tv"} <= {c["value"] for c in everything}
    assert len(everything) <= 25
    typo = await alice.autocomplete(games, "trivia start", "category", "spcae")
    assert typo[0]["value"] == "space" and "questions" in typo[0]["name"]
    alias = await alice.autocomplete(games, "trivia start", "category", "movie")
    assert alias[0]["value"] == "film_tv"
    assert await alice.autocomplete(games, "trivia start", "category", "qqqqqq") == []


async def test_a_chosen_category_and_difficulty_are_used(world, alice) -> None:
    games = world.channel("games")
    speed_up(world)
    first = await start_game(world, alice, games, category="Space", difficulty="hard", rounds=2)
    assert field_values(first) == {"🚀 Space": "hard · 200 points"}


async def test_categories_lists_every_category_privately(world, alice) -> None:
    interaction = await alice.slash(world.channel("games"), "trivia categories")
    note = await private_reply(world, interaction)
    assert note.ephemeral
    text = description(note)
    assert "**Space** (`space`)" in text and "**History** (`history`)" in text
    assert text.count("\n") >= 11  # at least 12 categories


# --- leaderboard and stats ------------------------------------------------------------------


async def _seed(world, scores: dict[int, tuple[str, int, int]]) -> None:
    """One finished game where each user scored `points` with `correct` right answers."""
    repo = world.bot.services.db.trivia
    game_id = await repo.create_game(
        NewTriviaGame(
            guild_id=world.guild.id,
            channel_id=world.channel("general").id,
            starter_id=next(iter(scores)),
            starter_name="Seeder",
            total=5,
        )
    )
    answers = []
    totals = []
    for user_id, (name, points, correct) in scores.items():
        answers.extend(
            TriviaAnswerRecord(user_id, i < correct, points if i == 0 else 0) for i in range(5)
        )
        totals.append(PlayerTotals(user_id, name, points, correct, 5, correct))
    await repo.record_question(game_id, "space-001", "space", answers, totals)
    winner = max(scores, key=lambda u: scores[u][1])
    await repo.finish_game(game_id, "completed", winner, totals)


async def test_leaderboard_orders_by_points_and_shows_the_callers_own_rank(world, alice) -> None:
    players = {10_000 + i: (f"Player{i:02d}", 1000 - 50 * i, 5 - i % 5) for i in range(12)}
    players[alice.user.id] = ("Alice", 20, 1)
    await _seed(world, players)
    interaction = await alice.slash(world.channel("games"), "trivia leaderboard", period="week")
    [board] = await _answers(world, interaction)
    assert not board.ephemeral
    embed = board.embeds[0]
    assert embed["title"] == "🏆 Trivia leaderboard — the last 7 days"
    lines = description(board).splitlines()
    assert lines[0].startswith("🥇 **Player00** — 1,000 pts")
    assert lines[1].startswith("🥈 **Player01**") and lines[2].startswith("🥉 **Player02**")
    assert lines[9].startswith("**10.** **Player09**")
    assert lines[10] == "⋯"
    assert lines[11].startswith("**13.** __Alice__ — 20 pts")
    assert embed["footer"]["text"] == "You're #13 of 13 players."


async def test_leaderboard_in_the_top_ten_marks_the_caller(world, alice, bob) -> None:
    await _seed(world, {bob.user.id: ("Bob", 300, 3), alice.user.id: ("Alice", 500, 4)})
    interaction = await bob.slash(world.channel("games"), "trivia leaderboard")
    [board] = await _answers(world, interaction)
    lines = description(board).splitlines()
    assert lines == [
        "🥇 **Alice** — 500 pts · 4/5 right",
        "🥈 **__Bob__** — 300 pts · 3/5 right",
    ]
    assert board.embeds[0]["footer"]["text"] == "You're #2 of 2 players."


async def test_empty_leaderboard_invites_a_game(world, alice) -> None:
    interaction = await alice.slash(world.channel("games"), "trivia leaderboard", period="month")
    [board] = await _answers(world, interaction)
    assert "Nobody has answered a question here" in description(board)


async def test_stats_for_yourself_and_another_member(world, alice, bob) -> None:
    await _seed(world, {alice.user.id: ("Alice", 450, 3), bob.user.id: ("Bob", 200, 2)})
    mine = await alice.slash(world.channel("games"), "trivia stats")
    note = await private_reply(world, mine)
    assert note.ephemeral and note.embeds[0]["title"] == "📈 Trivia stats — Alice"
    fields = field_values(note)
    assert fields["Points"] == "450" and fields["Rank"] == "#1 of 2"
    assert fields["Correct"] == "3/5 (60%)" and fields["Games"] == "1" and fields["Wins"] == "1"
    assert fields["Best streak"] == "3"
    assert fields["Accuracy by category"] == "🚀 Space: 3/5 (60%)"
    theirs = await alice.slash(world.channel("games"), "trivia stats", member=bob.user)
    note = await private_reply(world, theirs)
    assert note.embeds[0]["title"] == "📈 Trivia stats — Bob" and field_values(note)["Wins"] == "0"
    cara = await world.person("Cara")
    nobody = await alice.slash(world.channel("games"), "trivia stats", member=cara.user)
    note = await private_reply(world, nobody)
    assert note.content == "Cara hasn't answered any trivia questions in this server yet."


async def _answers(world, interaction):
    await until(world, lambda: interaction_messages(world.emu, interaction))
    return interaction_messages(world.emu, interaction)


# --- packs ----------------------------------------------------------------------------------


async def _upload(world, person, filename: str, text: str, **options):
    upload = world.emu.add_attachment(filename, text.encode())
    interaction = await person.slash(
        world.channel("games"), "trivia pack add", attachments={"file": upload}, **options
    )
    return await private_reply(world, interaction)


async def test_pack_commands_are_for_moderators_only(world, alice) -> None:
    note = await _upload(world, alice, "club.toml", GOOD_PACK)
    assert note.ephemeral and "Manage Server" in note.content
    assert await trivia(world).list_packs(world.guild.id) == []


async def test_a_broken_pack_lists_each_problem_by_question(world, alice) -> None:
    await world.emu.set_moderator(world.guild, alice.user, True)
    note = await _upload(world, alice, "club.toml", BROKEN_PACK)
    text = note.content
    assert note.ephemeral and "`club.toml` has" in text and "so I didn't add it" in text
    assert "question 'bad-001': wrong option 'Mars' is the same as the accepted answer" in text
    assert "question 'bad-002': category: unknown category 'spcae'. Did you mean space?" in text
    assert "question 'bad-002': difficulty must be easy, medium or hard" in text
    assert "question 'bad-002': wrong: needs exactly 3 wrong options (got 2)" in text
    assert await trivia(world).list_packs(world.guild.id) == []
    assert await world.bot.services.db.audit.list(world.guild.id) == []
    # Only the mention left: the gate check names it.
    fixed = BROKEN_PACK.split("[[questions]]")[-1]
    note = await _upload(world, alice, "club.toml", "[[questions]]" + fixed)
    assert "question 'bad-003': its question" in note.content
    assert "can't show as written" in note.content
    # A clash with the shipped bank, and a file that is not a pack at all.
    clash = GOOD_PACK.replace("club-001", "spc-001")
    assert "duplicate id" in (await _upload(world, alice, "club.toml", clash)).content
    assert "neither" in (await _upload(world, alice, "club.txt", GOOD_PACK)).content
    note = await _upload(world, alice, "club.json", "{not json")
    assert "not valid JSON" in note.content


async def test_a_valid_pack_joins_the_pool_and_can_be_removed(world, alice) -> None:
    await world.emu.set_moderator(world.guild, alice.user, True)
    before = len(await trivia(world).pool(world.guild.id))
    note = await _upload(world, alice, "Club Night.toml", GOOD_PACK)
    assert note.content.startswith("✅ Added pack **club-night**: 2 questions (space)")
    assert len(await trivia(world).pool(world.guild.id)) == before + 2
    [entry] = await world.bot.services.db.audit.list(world.guild.id)
    assert entry.action == "trivia.pack.add"
    assert entry.detail == {"name": "club-night", "questions": 2, "replaced": False}
    again = await _upload(
        world, alice, "other.json", json.dumps(_as_json(GOOD_PACK)), name="club-night"
    )
    assert again.content.startswith("✅ Replaced pack **club-night**")

    listing = await alice.slash(world.channel("games"), "trivia pack list")
    note = await private_reply(world, listing)
    assert "**club-night** — 2 questions (space)" in description(note)
    suggestions = await alice.autocomplete(
        world.channel("games"), "trivia pack remove", "name", "club"
    )
    assert [s["value"] for s in suggestions] == ["club-night"]

    removed = await alice.slash(world.channel("games"), "trivia pack remove", name=" Club-Night")
    note = await private_reply(world, removed)
    assert "Removed pack **club-night**" in note.content
    latest = (await world.bot.services.db.audit.list(world.guild.id))[0]
    assert (latest.action, latest.detail) == ("trivia.pack.remove", {"name": "club-night"})
    assert len(await trivia(world).pool(world.guild.id)) == before
    missing = await alice.slash(world.channel("games"), "trivia pack remove", name="club-night")
    assert "There's no pack called 'club-night'" in (await private_reply(world, missing)).content


def _as_json(toml_text: str) -> dict[str, object]:
    import tomllib

    return tomllib.loads(toml_text)


async def test_pack_questions_are_asked_in_games(world, alice) -> None:
    await world.emu.set_moderator(world.guild, alice.user, True)
    await _upload(world, alice, "club.toml", GOOD_PACK)
    pool = await trivia(world).pool(world.guild.id)
    assert pool.by_id("club-001").answer == "Saturn"
    speed_up(world)
    # A game that uses every space question must include the pack's two.
    count = len(pool.pool("space"))
    first = await start_game(world, alice, world.channel("games"), category="space", rounds=count)
    assert first.embeds[0]["title"] == f"Question 1/{count}"
    session = trivia(world).session(world.channel("games").id)
    assert session is not None
    assert {"club-001", "club-002"} <= {q.id for q in session.game.questions}


# --- restart --------------------------------------------------------------------------------


async def test_a_restart_mid_game_ends_it_cleanly_and_keeps_the_points(world, alice, bob) -> None:
    games = world.channel("games")
    speed_up(world, speed=4)  # 2.5 s per question: time to restart before question 2 ends
    first = await start_game(world, alice, games, rounds=5, mode="buttons", timer=10)
    right, _ = await right_option(world, games)
    await alice.click(first, right)
    await bob.click(first, (right % 4) + 1)
    await next_question(world, games, 2)  # question 1 was revealed and stored
    stored = await trivia(world).stats(world.guild.id, alice.user.id)
    assert stored is not None and stored.correct == 1
    points = stored.points

    await world.stop_bot()
    await world.start_bot()
    await until(world, lambda: embeds_titled(world, games, "⚠️ Trivia game interrupted"))
    [notice] = embeds_titled(world, games, "⚠️ Trivia game interrupted")
    text = description(notice)
    assert "I restarted while a trivia game was running here (started by Alice)" in text
    record = await world.bot.services.db.trivia.get_game(1)
    assert record is not None and record.status == "interrupted"
    assert f"({len(record.question_ids)} of 5 questions played)" in text
    assert f"🥇 **Alice** — {points:,} pts" in text
    assert not trivia(world).is_running(games.id)

    after = await trivia(world).stats(world.guild.id, alice.user.id)
    assert after is not None and (after.points, after.games, after.wins) == (points, 1, 1)
    # Its old buttons answer clearly, and a new game can start in the same channel.
    late = await alice.click(questions(world, games)[-1], 1)
    assert "that game is over" in (await private_reply(world, late)).content.lower()
    speed_up(world)
    await start_game(world, bob, games, rounds=1, timer=60)
    # The notice is posted once, not again on a later restart.
    await world.stop_bot()
    await world.start_bot()
    await until(world, lambda: len(embeds_titled(world, games, "⚠️")) == 2)
    assert len(embeds_titled(world, games, "⚠️")) == 2  # the second game's own notice


# --- hearth play ----------------------------------------------------------------------------


async def test_hearth_play_can_start_and_answer_a_buttons_game(settings) -> None:
    script = io.StringIO("/trivia start rounds:3 mode:buttons\n:click 2\n/trivia stop\n")
    out = io.StringIO()
    assert await run_playground(settings, stdin=script, stdout=out) == 0
    text = out.getvalue()
    assert "🎲 Trivia time!" in text and "Question 1/3" in text
    assert "[1: A · " in text and "[4: D · " in text
    assert "Locked in" in text
    assert "You stopped the game" in text and "Stopped by You after 1 of 3 questions" in text
