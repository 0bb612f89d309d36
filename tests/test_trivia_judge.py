"""The trivia answer judge: the shared table of cases, reasons, properties and the CLI."""

from __future__ import annotations

import argparse

import pytest
from hypothesis import given
from hypothesis import strategies as st
from trivia_judge_cases import CASES, Case

from bot.games.trivia.cli import register
from bot.games.trivia.judge import MAX_GUESS_CHARS, judge, typo_budget
from bot.games.trivia.text import normalise, tokens


def test_table_is_large_and_balanced() -> None:
    assert len(CASES) >= 150
    accepted = sum(case.accepted for case in CASES)
    assert 50 <= accepted <= len(CASES) - 50
    assert len({(c.guess, c.answer, c.alternatives, c.kind) for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.guess!r}->{c.answer!r}")
def test_judge_table(case: Case) -> None:
    verdict = judge(case.guess, case.answer, case.alternatives, case.kind)  # type: ignore[arg-type]
    assert verdict.accepted is case.accepted, verdict.reason
    assert (verdict.matched is not None) is case.accepted


@pytest.mark.parametrize(
    ("guess", "answer", "alts", "kind", "reason"),
    [
        ("paris or london", "Paris", (), "text", "several candidates"),
        ("paris, london", "Paris", (), "text", "several candidates"),
        ("not paris", "Paris", (), "text", "other words besides the answer: not"),
        ("ocean", "Pacific Ocean", (), "text", "only part of the answer"),
        ("8", "7", (), "number", "a different number"),
        ("apollo 12", "Apollo 11", (), "text", "a different number"),
        ("7 or 8", "7", (), "number", "several numbers"),
        ("lots", "7", (), "number", "no number"),
        ("", "Paris", (), "text", "empty guess"),
        ("london", "Paris", (), "text", "does not match"),
        ("Newton", "Isaac Newton", (), "person", "'Newton' is the surname of 'Isaac Newton'"),
        ("usa", "United States", ("USA",), "text", "accepted alternative 'USA'"),
        ("Pacifc Ocean", "Pacific Ocean", (), "text", "allowing 1 typo"),
        ("seven", "7", (), "number", "same number"),
    ],
)
def test_reasons(guess: str, answer: str, alts: tuple[str, ...], kind: str, reason: str) -> None:
    assert reason in judge(guess, answer, alts, kind).reason  # type: ignore[arg-type]


def test_matched_names_the_form_that_matched() -> None:
    assert judge("usa", "United States", ("USA", "America")).matched == "USA"
    assert judge("united states", "United States", ("USA",)).matched == "United States"


def test_overlong_guess_is_rejected() -> None:
    verdict = judge("paris " * (MAX_GUESS_CHARS // 6 + 1), "Paris")
    assert not verdict.accepted
    assert str(MAX_GUESS_CHARS) in verdict.reason


def test_bad_kind_and_empty_answer_raise() -> None:
    with pytest.raises(ValueError, match="kind must be one of"):
        judge("x", "x", (), "colour")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no letters or digits"):
        judge("x", "!!!")


def test_typo_budget_grows_with_length() -> None:
    assert [typo_budget(n) for n in (1, 4, 5, 8, 9, 20)] == [0, 0, 1, 1, 2, 2]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("twenty-one", ["21"]),
        ("one thousand nine hundred and sixty-nine", ["1969"]),
        ("nineteen eighty-four", ["1984"]),
        ("a hundred", ["100"]),
        ("1,000,000", ["1000000"]),
        ("the 21st", ["the", "21"]),
        ("one two three", ["1", "2", "3"]),
        ("Simon & Garfunkel", ["simon", "and", "garfunkel"]),
        ("C++", ["c", "plus", "plus"]),
        ("It's", ["its"]),
        ("Œuvre", ["oeuvre"]),
    ],
)
def test_tokens(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéüø0123456789 -'&", min_size=1, max_size=30)


@given(_words)
def test_any_answer_accepts_itself(answer: str) -> None:
    if not normalise(answer):
        return
    assert judge(answer, answer).accepted
    assert judge(answer.upper(), answer, (), "person").accepted


@given(_words, _words)
def test_judge_never_crashes(guess: str, answer: str) -> None:
    if not normalise(answer):
        return
    verdict = judge(guess, answer)
    assert isinstance(verdict.reason, str) and verdict.reason


def _run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="hearth")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_accepts(capsys: pytest.CaptureFixture[str]) -> None:
    code = _run_cli(["trivia", "judge", "--answer", "Pacific Ocean", "it's the pacific"])
    assert (code, capsys.readouterr().out) == (1, "rejected: only part of the answer\n")
    code = _run_cli(
        ["trivia", "judge", "--answer", "Pacific Ocean", "--alt", "Pacific", "it's the pacific"]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("accepted: ") and "'Pacific'" in out


def test_cli_kind_person(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run_cli(["trivia", "judge", "--answer", "Isaac Newton", "Newton"]) == 1
    capsys.readouterr()
    code = _run_cli(["trivia", "judge", "--answer", "Isaac Newton", "--kind", "person", "Newton"])
    assert code == 0
    assert capsys.readouterr().out.startswith("accepted: ")


def test_cli_rejects_unknown_kind(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        _run_cli(["trivia", "judge", "--answer", "7", "--kind", "colour", "7"])
    assert "invalid choice" in capsys.readouterr().err
