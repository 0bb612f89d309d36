"""The trivia game state machine: full games in both modes, scoring, hints, skip, stop, bounds."""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest

from bot.games.trivia.bank import load_bank
from bot.games.trivia.events import (
    ActionRejected,
    AnswerRecorded,
    Event,
    GameOver,
    GameStarted,
    HintGiven,
    QuestionAsked,
    QuestionRevealed,
    ScoreboardSnapshot,
    WrongGuess,
)
from bot.games.trivia.game import GameStateError, TriviaGame
from bot.games.trivia.models import Question
from bot.games.trivia.scoring import Points, letter_hint, score
from bot.games.trivia.settings import GameSettings, SettingsError, make_settings

ALICE, BOB, CARA = 1, 2, 3

_ANSWERS = [
    ("Jupiter", ("Saturn", "Neptune", "Uranus"), "space", "easy"),
    ("Canberra", ("Sydney", "Melbourne", "Perth"), "geography", "medium"),
    ("Pacific Ocean", ("Atlantic Ocean", "Indian Ocean", "Arctic Ocean"), "geography", "hard"),
    ("Mercury", ("Venus", "Mars", "Earth"), "space", "easy"),
    ("Photosynthesis", ("Respiration", "Digestion", "Osmosis"), "science", "medium"),
    ("Everest", ("K2", "Kangchenjunga", "Lhotse"), "geography", "easy"),
]


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def _questions(count: int) -> list[Question]:
    out = []
    for i in range(count):
        answer, wrong, category, difficulty = _ANSWERS[i % len(_ANSWERS)]
        out.append(
            Question(
                id=f"t-{i:03d}",
                category=category,
                difficulty=difficulty,
                question=f"Test question number {i}?",
                answer=answer,
                wrong=wrong,
                fact=f"Fact {i}.",
            )
        )
    return out


def _game(
    count: int = 3, clock: FakeClock | None = None, **settings: object
) -> tuple[TriviaGame, FakeClock]:
    clock = clock or FakeClock()
    options: dict[str, object] = {"rounds": count, "timer": 30, "scoreboard_every": 0}
    options.update(settings)
    game = TriviaGame(
        GameSettings(**options),  # type: ignore[arg-type]
        _questions(count),
        clock=clock,
        rng=random.Random(5),
    )
    return game, clock


def _only(events: Sequence[Event], kind: type) -> list:
    return [e for e in events if isinstance(e, kind)]


def _asked(events: Sequence[Event]) -> QuestionAsked:
    (asked,) = _only(events, QuestionAsked)
    return asked


def _letters(asked: QuestionAsked, answer: str) -> tuple[str, str]:
    """The letter of the correct option and of one wrong option."""
    right = asked.options.index(answer)
    wrong = (right + 1) % 4
    return "ABCD"[right], "ABCD"[wrong]


# --- scoring rules ------------------------------------------------------------------------


def test_score_rules() -> None:
    assert score("easy", 0, 30, 1, False) == Points(100, 50, 0, 0, 150)
    assert score("easy", 30, 30, 1, False) == Points(100, 0, 0, 0, 100)
    assert score("medium", 15, 30, 1, False).speed_bonus == 38  # round(150 * 0.5 * 0.5)
    assert score("hard", 0, 30, 2, False).streak_bonus == 20
    assert score("hard", 0, 30, 6, False).streak_bonus == 100
    assert score("hard", 0, 30, 20, False).streak_bonus == 100  # capped at 50% of base
    hinted = score("easy", 0, 30, 1, True)
    assert hinted.total == 75 and hinted.hint_penalty == 75


def test_letter_hint() -> None:
    assert letter_hint("Pacific Ocean") == "P _ _ _ _ _ _  O _ _ _ _"
    assert letter_hint("Hadrian's Wall") == "H _ _ _ _ _ _ ' _  W _ _ _"
    assert letter_hint("1969") == "1 _ _ _"
    assert letter_hint("yo-yo") == "Y _ - _ _"
    # Too short to show a letter: the hint is only the length.
    assert letter_hint("2") == "_"
    assert letter_hint("Au") == "_ _"
    assert letter_hint("Mt Fuji") == "_ _  F _ _ _"


# --- buttons mode -------------------------------------------------------------------------


def test_full_buttons_game_with_three_players() -> None:
    game, clock = _game(3, scoreboard_every=2, close_early=False)
    events = game.start()
    assert isinstance(events[0], GameStarted) and events[0].total == 3
    asked = _asked(events)
    assert asked.number == 1 and sorted(asked.options) == sorted(["Jupiter", *_ANSWERS[0][1]])
    assert asked.deadline == clock.now + 30 and asked.base_points == 100
    right, wrong = _letters(asked, "Jupiter")

    clock.advance(3)
    assert _only(game.choose(ALICE, "Alice", right), AnswerRecorded)[0].answered_count == 1
    clock.advance(3)
    game.choose(BOB, "Bob", right)
    game.choose(CARA, "Cara", wrong)
    rejected = game.choose(ALICE, "Alice", wrong)
    assert rejected == [ActionRejected(ALICE, "you have already answered this question")]
    clock.advance(30)
    (reveal,) = _only(game.tick(), QuestionRevealed)
    assert reveal.closed_by == "timeout" and reveal.answer == "Jupiter"
    assert reveal.correct_option == asked.options.index("Jupiter") and reveal.fact == "Fact 0."
    assert [(a.name, a.elapsed) for a in reveal.correct] == [("Alice", 3.0), ("Bob", 6.0)]
    assert reveal.correct[0].points == Points(100, 45, 0, 0, 145)
    assert reveal.correct[1].points == Points(100, 40, 0, 0, 140)
    assert [a.name for a in reveal.wrong] == ["Cara"] and reveal.wrong[0].points is None

    asked = _asked(game.next_question())
    right, wrong = _letters(asked, "Canberra")
    game.choose(ALICE, "Alice", right)  # instant, second in a row: streak bonus
    game.choose(BOB, "Bob", wrong)
    events = game.choose(CARA, "Cara", right.lower())
    assert not _only(events, QuestionRevealed)
    clock.advance(30)
    events = game.tick()
    reveal = _only(events, QuestionRevealed)[0]
    assert reveal.correct[0].points == Points(150, 75, 15, 0, 240)
    assert reveal.correct[0].streak == 2
    (board,) = _only(events, ScoreboardSnapshot)
    assert not board.final and board.after_question == 2
    assert [(s.rank, s.name, s.points) for s in board.standings] == [
        (1, "Alice", 385),
        (2, "Cara", 225),
        (3, "Bob", 140),
    ]

    asked = _asked(game.next_question())
    right, _ = _letters(asked, "Pacific Ocean")
    clock.advance(10)
    game.choose(BOB, "Bobby", right)
    clock.advance(30)
    events = game.tick()
    assert [type(e) for e in events] == [QuestionRevealed, ScoreboardSnapshot, GameOver]
    over = events[-1]
    assert over.reason == "completed" and game.is_over
    result = over.result
    assert result.questions_asked == 3 and result.question_ids == ("t-000", "t-001", "t-002")
    assert result.duration == pytest.approx(106)
    by_name = {p.name: p for p in result.players}
    assert by_name["Bobby"].points == 140 + 267
    assert (by_name["Alice"].correct, by_name["Alice"].answered) == (2, 2)
    assert by_name["Alice"].best_streak == 2
    assert by_name["Alice"].categories["geography"].correct == 1
    assert by_name["Alice"].categories["space"].answered == 1
    assert by_name["Bobby"].categories["geography"].answered == 2
    assert result.winner is not None and result.winner.name == "Bobby"
    with pytest.raises(GameStateError):
        game.next_question()
    assert game.stop(ALICE) == [ActionRejected(ALICE, "the game is already over")]


def test_buttons_close_early_when_known_players_answered() -> None:
    game, clock = _game(3)
    asked = _asked(game.start())
    right, _ = _letters(asked, "Jupiter")
    game.choose(ALICE, "Alice", right)
    game.choose(BOB, "Bob", right)
    assert game.state == "asking"  # nobody is known on the first question
    clock.advance(30)
    game.tick()
    asked = _asked(game.next_question())
    right, _ = _letters(asked, "Canberra")
    assert not _only(game.choose(ALICE, "Alice", right), QuestionRevealed)
    events = game.choose(BOB, "Bob", right)
    (reveal,) = _only(events, QuestionRevealed)
    assert reveal.closed_by == "all_answered"


def test_buttons_hint_removes_two_wrong_options_and_halves_points() -> None:
    game, clock = _game(2, close_early=False)
    asked = _asked(game.start())
    right, _ = _letters(asked, "Jupiter")
    (hint,) = game.hint(ALICE)
    assert isinstance(hint, HintGiven) and hint.text is None and hint.points_now == 50
    assert len(hint.removed_options) == 2
    assert asked.options.index("Jupiter") not in hint.removed_options
    assert game.hint(BOB) == [ActionRejected(BOB, "the hint for this question was already given")]
    removed = "ABCD"[hint.removed_options[0]]
    assert game.choose(BOB, "Bob", removed) == [
        ActionRejected(BOB, "that option was removed by the hint")
    ]
    game.choose(ALICE, "Alice", right)
    clock.advance(30)
    reveal = _only(game.tick(), QuestionRevealed)[0]
    assert reveal.hint_used and reveal.correct[0].points == Points(100, 50, 0, 75, 75)


def test_buttons_bad_choices() -> None:
    game, _ = _game(1)
    game.start()
    assert game.choose(ALICE, "Alice", "E") == [ActionRejected(ALICE, "pick one of A, B, C, D")]
    assert game.choose(ALICE, "Alice", 7) == [ActionRejected(ALICE, "pick one of A, B, C, D")]
    assert _only(game.choose(ALICE, "Alice", "2"), AnswerRecorded)
    assert game.guess(BOB, "Bob", "Jupiter") == [
        ActionRejected(BOB, "this game uses buttons: pick A, B, C or D")
    ]


def test_answer_after_deadline_closes_and_is_rejected() -> None:
    game, clock = _game(2)
    asked = _asked(game.start())
    clock.advance(31)
    events = game.choose(ALICE, "Alice", _letters(asked, "Jupiter")[0])
    assert [type(e) for e in events] == [QuestionRevealed, ActionRejected]
    assert events[0].closed_by == "timeout"
    assert events[1] == ActionRejected(ALICE, "no question is open right now")


# --- typed mode ---------------------------------------------------------------------------


def test_full_typed_game_first_correct_wins() -> None:
    game, clock = _game(3, mode="typed", scoreboard_every=1)
    asked = _asked(game.start())
    assert asked.options == ()
    clock.advance(2)
    (wrong,) = game.guess(BOB, "Bob", "saturn")
    assert isinstance(wrong, WrongGuess) and wrong.guesses_left == 2
    clock.advance(4)
    events = game.guess(ALICE, "Alice", "is it jupiter?")
    reveal = _only(events, QuestionRevealed)[0]
    assert reveal.closed_by == "answered"
    assert [a.name for a in reveal.correct] == ["Alice"] and [a.name for a in reveal.wrong] == [
        "Bob"
    ]
    assert reveal.correct[0].points == Points(100, 40, 0, 0, 140)
    assert _only(events, ScoreboardSnapshot)[0].standings[0].name == "Alice"
    assert game.guess(BOB, "Bob", "jupiter") == [
        ActionRejected(BOB, "no question is open right now")
    ]

    game.next_question()
    clock.advance(1)
    game.guess(CARA, "Cara", "sydney or canberra")  # lists several: not accepted
    events = game.guess(BOB, "Bob", "Canbera")  # one typo is fine
    assert _only(events, QuestionRevealed)[0].correct[0].name == "Bob"

    game.next_question()
    (hint,) = game.hint(CARA)
    assert hint.text == "P _ _ _ _ _ _  O _ _ _ _" and hint.removed_options == ()
    clock.advance(15)
    events = game.guess(CARA, "Cara", "the pacific ocean")
    reveal = _only(events, QuestionRevealed)[0]
    assert reveal.correct[0].points == Points(200, 50, 0, 125, 125)
    over = events[-1]
    assert isinstance(over, GameOver) and over.reason == "completed"
    players = {p.name: p for p in over.result.players}
    assert players["Alice"].points == 140
    assert (players["Bob"].correct, players["Bob"].answered) == (1, 2)
    assert (players["Cara"].correct, players["Cara"].answered) == (1, 2)
    assert over.result.winner is not None and over.result.winner.name == "Bob"


def test_typed_streak_bonus_and_streak_broken_by_a_miss() -> None:
    game, _ = _game(4, mode="typed")
    game.start()
    points = []
    for answer, who in [("Jupiter", ALICE), ("Canberra", ALICE), ("Pacific Ocean", BOB)]:
        events = game.guess(who, str(who), answer)
        points.append(_only(events, QuestionRevealed)[0].correct[0].points)
        game.next_question()
    assert points[0].streak_bonus == 0 and points[1].streak_bonus == 15
    assert points[2].streak_bonus == 0  # Bob's first
    events = game.guess(ALICE, "1", "Mercury")  # Alice's streak was broken by question 3
    assert _only(events, QuestionRevealed)[0].correct[0].points.streak_bonus == 0
    result = _only(events, GameOver)[0].result
    assert {p.user_id: p.best_streak for p in result.players} == {ALICE: 2, BOB: 1}


def test_typed_guess_limit() -> None:
    game, _ = _game(1, mode="typed", max_guesses=2)
    game.start()
    assert _only(game.guess(ALICE, "Alice", "saturn"), WrongGuess)
    assert _only(game.guess(ALICE, "Alice", "neptune"), WrongGuess)[0].guesses_left == 0
    assert game.guess(ALICE, "Alice", "jupiter") == [
        ActionRejected(ALICE, "no guesses left for this question")
    ]
    assert _only(game.guess(BOB, "Bob", "jupiter"), QuestionRevealed)
    assert game.choose(BOB, "Bob", "A") == [
        ActionRejected(BOB, "this game is in typed mode: type answers")
    ]


# --- skip, stop, silence ------------------------------------------------------------------


def test_skip_awards_nothing_and_keeps_streaks() -> None:
    game, _ = _game(3, mode="typed")
    game.start()
    game.guess(ALICE, "Alice", "jupiter")
    game.next_question()
    game.guess(BOB, "Bob", "perth")
    (reveal,) = game.skip(BOB)
    assert reveal.closed_by == "skipped" and reveal.answer == "Canberra"
    assert reveal.wrong[0].points is None
    assert game.skip(BOB) == [ActionRejected(BOB, "no question is open to skip")]
    game.next_question()
    events = game.guess(ALICE, "Alice", "pacific ocean")
    assert _only(events, QuestionRevealed)[0].correct[0].streak == 2
    players = {p.name: p for p in _only(events, GameOver)[0].result.players}
    assert players["Bob"].answered == 0  # the skipped question does not count
    assert players["Alice"].answered == 2


def test_stop_mid_question_reveals_and_ends() -> None:
    game, clock = _game(5, close_early=False)
    asked = _asked(game.start())
    game.choose(ALICE, "Alice", _letters(asked, "Jupiter")[0])
    clock.advance(5)
    events = game.stop(BOB)
    assert [type(e) for e in events] == [QuestionRevealed, ScoreboardSnapshot, GameOver]
    assert events[0].closed_by == "stopped" and events[1].final
    over = events[2]
    assert over.reason == "stopped" and over.result.questions_asked == 1
    assert over.result.players[0].points == 150
    assert game.hint() == [ActionRejected(None, "no question is open right now")]


def test_stop_between_questions() -> None:
    game, _ = _game(5, mode="typed")
    game.start()
    game.skip()
    events = game.stop()
    assert [type(e) for e in events] == [ScoreboardSnapshot, GameOver]
    assert events[1].result.winner is None and events[1].result.players == ()


def test_auto_stop_after_silent_questions() -> None:
    game, clock = _game(10, silence_limit=3)
    game.start()
    for _ in range(2):
        clock.advance(30)
        events = game.tick()
        assert [type(e) for e in events] == [QuestionRevealed]
        assert game.tick() == []
        game.next_question()
        assert game.deadline == clock.now + 30
    clock.advance(29)
    assert game.tick() == []
    clock.advance(1)
    events = game.tick()
    assert [type(e) for e in events] == [QuestionRevealed, ScoreboardSnapshot, GameOver]
    assert events[-1].reason == "silence" and events[-1].result.questions_asked == 3
    assert game.deadline is None


def test_an_answer_resets_the_silence_count() -> None:
    game, clock = _game(6, silence_limit=2, close_early=False)
    game.start()
    clock.advance(30)
    game.tick()
    asked = _asked(game.next_question())
    game.choose(ALICE, "Alice", _letters(asked, "Canberra")[1])  # wrong, but someone is here
    clock.advance(30)
    game.tick()
    game.next_question()
    clock.advance(30)
    assert not _only(game.tick(), GameOver)
    game.next_question()
    clock.advance(30)
    assert _only(game.tick(), GameOver)[0].reason == "silence"


def test_state_errors() -> None:
    game, _ = _game(2)
    with pytest.raises(GameStateError, match="needs a revealed question"):
        game.next_question()
    game.start()
    with pytest.raises(GameStateError, match="already started"):
        game.start()
    with pytest.raises(GameStateError, match="state: asking"):
        game.next_question()
    with pytest.raises(ValueError, match="at least one question"):
        TriviaGame(GameSettings(), [])


def test_standings_list_only_players_who_played() -> None:
    game, clock = _game(2, mode="typed")
    game.start()
    clock.advance(30)
    game.tick()
    game.next_question()
    assert game.standings() == ()
    game.guess(BOB, "Bob", "canberra")
    assert [s.name for s in game.standings()] == ["Bob"]


# --- settings and the bank ----------------------------------------------------------------


def test_make_settings_defaults_and_normalisation() -> None:
    bank = load_bank()
    settings = make_settings(bank, category="Science", difficulty="Medium")
    assert settings == GameSettings(category="science", difficulty="medium")
    small = len(bank.pool("science", "hard"))
    assert small < 10
    assert make_settings(bank, category="science", difficulty="hard").rounds == small
    assert make_settings(bank, category="any", mode="TYPED", timer=120, rounds=50).mode == "typed"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"rounds": 0}, "rounds must be between 1 and 50 (got 0)"),
        ({"rounds": 51}, "rounds must be between 1 and 50 (got 51)"),
        ({"timer": 9}, "timer must be between 10 and 120 seconds (got 9)"),
        ({"timer": 121}, "timer must be between 10 and 120 seconds (got 121)"),
        ({"mode": "voice"}, "mode must be 'buttons' or 'typed' (got 'voice')"),
        ({"difficulty": "brutal"}, "difficulty must be easy, medium, hard or any"),
        ({"silence_limit": 0}, "silence_limit must be between 1 and 10 (got 0)"),
        ({"max_guesses": 11}, "max_guesses must be between 1 and 10 (got 11)"),
        ({"speed": 3}, "unknown option 'speed'"),
        ({"rounds": "many"}, "rounds: Input should be a valid integer"),
    ],
)
def test_make_settings_bounds(options: dict[str, object], message: str) -> None:
    with pytest.raises(SettingsError) as info:
        make_settings(load_bank(), **options)
    assert message in str(info.value)


def test_make_settings_collects_all_problems_and_suggests() -> None:
    with pytest.raises(SettingsError) as info:
        make_settings(load_bank(), category="histroy", rounds=99, timer=1)
    assert len(info.value.problems) == 3
    assert info.value.suggestions == ["history"]
    assert "Did you mean history?" in info.value.problems[0]


def test_make_settings_checks_the_pool_size() -> None:
    bank = load_bank()
    hard_art = len(bank.pool("art", "hard"))
    with pytest.raises(SettingsError, match=f"choose at most {hard_art} rounds"):
        make_settings(bank, category="art", difficulty="hard", rounds=hard_art + 1)


def test_game_from_bank_avoids_recent_questions() -> None:
    bank = load_bank()
    settings = make_settings(bank, category="space", rounds=5, mode="typed")
    recent = [q.id for q in bank.pool("space")][:30]
    game = TriviaGame.from_bank(bank, settings, exclude_ids=recent, rng=random.Random(1))
    asked = _asked(game.start())
    assert asked.category == "space" and asked.category_name == "Space"
    ids = set()
    while not game.is_over:
        ids.add(_only(game.skip(), QuestionRevealed)[0].question_id)
        if not game.is_over:
            game.next_question()
    assert len(ids) == 5 and not ids & set(recent)
