"""The trivia cards: names are escaped, long lists are capped, bonuses are announced."""

from __future__ import annotations

from bot.games.trivia.events import PlayerAnswer, QuestionRevealed
from bot.games.trivia.present import escape, reveal_card
from bot.games.trivia.scoring import Points


def _answer(i: int, *, correct: bool = True, streak: int = 1) -> PlayerAnswer:
    points = Points(100, 40, 10 if streak > 1 else 0, 0, 150) if correct else None
    return PlayerAnswer(i, f"Player {i}", 1.0 + i / 10, correct, "B", points, streak)


def _reveal(
    correct: list[PlayerAnswer], wrong: list[PlayerAnswer], **kw: object
) -> QuestionRevealed:
    fields: dict[str, object] = {
        "number": 2,
        "total": 5,
        "question_id": "spc-001",
        "category": "space",
        "text": "Which planet has the Great Red Spot?",
        "answer": "Jupiter",
        "correct_option": 1,
        "fact": "The storm is wider than Earth.",
        "correct": tuple(correct),
        "wrong": tuple(wrong),
        "closed_by": "timeout",
        "hint_used": False,
    }
    fields.update(kw)
    return QuestionRevealed(**fields)  # type: ignore[arg-type]


def test_names_cannot_restyle_a_card() -> None:
    assert escape("*star*_x_`y`|z|") == r"\*star\*\_x\_\`y\`\|z\|"


def test_a_crowd_is_capped_and_the_card_stays_small() -> None:
    card = reveal_card(
        _reveal(
            [_answer(i) for i in range(40)], [_answer(100 + i, correct=False) for i in range(40)]
        ),
        typed=False,
    )
    fields = dict(card.fields)
    assert fields["Right"].count("\n") == 15 and fields["Right"].endswith("…and 25 more")
    assert fields["Not this time"].endswith("…and 20 more")
    assert all(len(value) <= 1024 for value in fields.values())
    assert card.title == "✅ The answer: B · Jupiter"


def test_speed_and_streaks_are_announced() -> None:
    card = reveal_card(_reveal([_answer(1, streak=4), _answer(2)], []), typed=False)
    assert "⚡ Fastest: Player 1 in 1.1 s" in card.description
    assert "🔥 Player 1 is on a streak of 4!" in card.description
    assert "Player 2 is on a streak" not in card.description
    assert "(⚡+40, 🔥+10)" in dict(card.fields)["Right"]


def test_a_lone_right_answer_has_no_race_to_announce() -> None:
    card = reveal_card(_reveal([_answer(1)], [], closed_by="answered"), typed=True)
    assert card.title == "🎉 Player 1 got it: B · Jupiter"
    assert "Fastest" not in card.description


def test_nobody_answering_and_skips_read_differently() -> None:
    silent = reveal_card(_reveal([], [], correct_option=None), typed=True)
    assert silent.title == "⏱️ Time's up! The answer was Jupiter"
    assert "Nobody answered this one." in silent.description
    skipped = reveal_card(_reveal([_answer(1)], [], closed_by="skipped"), typed=False)
    assert skipped.title.startswith("⏭️ Skipped!") and skipped.fields == ()
