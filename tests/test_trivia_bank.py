"""The shipped question bank, the pack loader's per-question errors, and QuestionBank."""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import pytest

from bot.games.trivia.bank import (
    NoQuestionsError,
    QuestionBank,
    UnknownCategoryError,
    load_bank,
    load_bank_from,
)
from bot.games.trivia.categories import CATEGORIES
from bot.games.trivia.cli import register
from bot.games.trivia.judge import judge
from bot.games.trivia.loader import MAX_PACK_QUESTIONS, QuestionFileError, load_pack
from bot.games.trivia.models import Question
from bot.games.trivia.scoring import letter_hint

REQUIRED = {
    "general",
    "science",
    "nature",
    "geography",
    "history",
    "space",
    "food",
    "music",
    "film_tv",
    "books",
    "sports",
    "technology",
    "language",
    "art",
}


def _entry(qid: str, **overrides: object) -> dict[str, object]:
    entry: dict[str, object] = {
        "id": qid,
        "category": "geography",
        "difficulty": "easy",
        "question": f"Question text for {qid}?",
        "answer": "Paris",
        "wrong": ["Lyon", "Marseille", "Nice"],
    }
    entry.update(overrides)
    return {k: v for k, v in entry.items() if v is not None}


def _toml_pack(entries: list[dict[str, object]]) -> str:
    blocks = []
    for entry in entries:
        lines = ["[[questions]]"]
        lines += [f"{key} = {json.dumps(value)}" for key, value in entry.items()]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


# --- the shipped bank ---------------------------------------------------------------------


def test_shipped_bank_size_and_categories() -> None:
    bank = load_bank()
    assert len(bank) >= 600
    stats = bank.categories()
    assert len(stats) >= 12
    assert REQUIRED <= {c.key for c in stats}
    for cat in stats:
        assert all(cat.by_difficulty[d] > 0 for d in ("easy", "medium", "hard")), cat.key
        assert cat.total >= 30, cat.key


def test_shipped_bank_is_cached() -> None:
    assert load_bank() is load_bank()


def test_shipped_ids_are_prefixed_per_file() -> None:
    bank = load_bank()
    prefixes: dict[str, set[str]] = {}
    for q in bank.questions:
        prefixes.setdefault(q.category, set()).add(q.id.rsplit("-", 1)[0])
    assert all(len(p) == 1 for p in prefixes.values()), prefixes
    assert len({next(iter(p)) for p in prefixes.values()}) == len(prefixes)


def test_shipped_questions_judge_consistently() -> None:
    for q in load_bank().questions:
        for accepted in q.accepted_answers:
            assert judge(accepted, q.answer, q.alternatives, q.kind).accepted, (q.id, accepted)
        for wrong in q.wrong:
            assert not judge(wrong, q.answer, q.alternatives, q.kind).accepted, (q.id, wrong)
        assert letter_hint(q.answer).strip(), q.id
        assert q.question.rstrip().endswith("?"), q.id


def test_shipped_bank_has_a_sensible_mix() -> None:
    bank = load_bank()
    counts = {d: len(bank.pool(difficulty=d)) for d in ("easy", "medium", "hard")}  # type: ignore[arg-type]
    assert all(n >= len(bank) // 10 for n in counts.values()), counts
    assert sum(q.kind == "person" for q in bank.questions) >= 50
    assert sum(q.kind == "number" for q in bank.questions) >= 50


# --- loading packs ------------------------------------------------------------------------


def test_good_toml_pack_with_default_category() -> None:
    text = 'category = "space"\n\n' + _toml_pack(
        [_entry("p-1", category=None, answer="Mars", wrong=["Venus", "Jupiter", "Saturn"])]
    )
    (question,) = load_pack(text, fmt="toml", source="mine.toml")
    assert question.category == "space"
    assert question.kind == "text" and question.alternatives == ()


def test_good_json_packs_list_and_object() -> None:
    as_list = json.dumps([_entry("p-1"), _entry("p-2", question="Another?")])
    assert [q.id for q in load_pack(as_list, fmt="json")] == ["p-1", "p-2"]
    as_object = json.dumps({"category": "history", "questions": [_entry("p-3", category=None)]})
    assert load_pack(as_object.encode(), fmt="json")[0].category == "history"


def test_broken_pack_reports_every_problem_by_question() -> None:
    entries = [
        _entry("ok-1"),
        _entry("dup-id", question="First?"),
        _entry("dup-id", question="Second?"),
        _entry("same-text", question="Question text for ok-1?"),
        _entry("answer-in-wrong", wrong=["Lyon", "paris!", "Nice"]),
        _entry("alt-in-wrong", alternatives=["Paname"], wrong=["Lyon", "Paname", "Nice"]),
        _entry("dup-wrong", wrong=["Lyon", "LYON", "Nice"]),
        _entry("too-few", wrong=["Lyon", "Nice"]),
        _entry("no-answer", answer=None),
        _entry("empty-question", question="   "),
        _entry("bad-cat", category="geografy"),
        _entry("bad-diff", difficulty="impossible"),
        _entry("bad-kind", kind="colour"),
        _entry("typo-field", anwser="Paris"),
        _entry("Bad Id!"),
        _entry("number-kind", kind="number"),
        _entry("near-wrong", answer="Canberra", wrong=["Canbera", "Sydney", "Perth"]),
    ]
    with pytest.raises(QuestionFileError) as info:
        load_pack(_toml_pack(entries), fmt="toml", source="broken.toml")
    problems = info.value.problems
    text = "\n".join(problems)
    expectations = {
        "'dup-id': duplicate id": 1,
        "'same-text': same question text as 'ok-1'": 1,
        "'answer-in-wrong': wrong option 'paris!' is the same as the accepted answer 'Paris'": 1,
        "'alt-in-wrong': wrong option 'Paname' is the same as the accepted answer 'Paname'": 1,
        "'dup-wrong': wrong: wrong options 'Lyon' and 'LYON' are the same": 1,
        "'too-few': wrong: needs exactly 3 wrong options (got 2)": 1,
        "'no-answer': missing required field 'answer'": 1,
        "'empty-question': 'question' is empty": 1,
        "'bad-cat': category: unknown category 'geografy'. Did you mean geography": 1,
        "'bad-diff': difficulty must be easy, medium or hard (got 'impossible')": 1,
        "'bad-kind': kind must be text, person or number (got 'colour')": 1,
        "'typo-field': unknown field 'anwser'": 1,
        "'Bad Id!': id must be": 1,
        "'number-kind': kind is 'number' but the answer 'Paris' is not a number": 1,
        "'near-wrong': wrong option 'Canbera' would be judged correct": 1,
    }
    for fragment, count in expectations.items():
        assert text.count(fragment) == count, (fragment, problems)
    assert all(p.startswith("broken.toml: question ") for p in problems)
    assert "ok-1'" not in text.replace("as 'ok-1'", "")
    assert len(problems) == len(expectations)
    assert str(info.value).startswith(f"broken.toml: {len(problems)} problems:")


def test_entry_that_is_not_a_table() -> None:
    with pytest.raises(QuestionFileError, match=r"question #2: expected a table/object, got str"):
        load_pack(json.dumps([_entry("a-1"), "oops"]), fmt="json", source="p.json")


@pytest.mark.parametrize(
    ("text", "fmt", "message"),
    [
        ("questions = [", "toml", "not valid TOML"),
        ("{", "json", "not valid JSON"),
        ('"just a string"', "json", "expected a table/object"),
        ("title = 'x'\n", "toml", "unknown top-level key(s) title"),
        ("category = 'space'\n", "toml", "missing 'questions' list"),
        ('{"questions": []}', "json", "pack has no questions"),
        ("category = 3\nquestions = []\n", "toml", "top-level 'category' must be a string"),
    ],
)
def test_malformed_documents(text: str, fmt: str, message: str) -> None:
    with pytest.raises(QuestionFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_pack(text, fmt=fmt, source="x")  # type: ignore[arg-type]


def test_pack_limits() -> None:
    many = [_entry(f"q-{i}", question=f"Question number {i}?") for i in range(501)]
    with pytest.raises(
        QuestionFileError, match=f"501 questions; the limit is {MAX_PACK_QUESTIONS}"
    ):
        load_pack(json.dumps(many), fmt="json")
    big = json.dumps([_entry("q-1", fact="x" * 200)]) + " " * (256 * 1024)
    with pytest.raises(QuestionFileError, match="the limit is 256 KiB"):
        load_pack(big, fmt="json")
    with pytest.raises(QuestionFileError, match="not UTF-8"):
        load_pack(b"\xff\xfe\x00", fmt="json")


# --- loading a folder ---------------------------------------------------------------------


def test_load_bank_from_folder_names_files(tmp_path: Path) -> None:
    (tmp_path / "space.toml").write_text(
        _toml_pack([_entry("s-1", category=None, answer="Mars", wrong=["Venus", "Earth", "Io"])])
    )
    (tmp_path / "geography.toml").write_text(
        _toml_pack([_entry("s-1", category=None, question="Other?")])
    )
    with pytest.raises(QuestionFileError) as info:
        load_bank_from(tmp_path)
    assert info.value.problems == [
        "space.toml: question 's-1': duplicate id (already used in geography.toml)"
    ]
    (tmp_path / "geography.toml").write_text(_toml_pack([_entry("g-1", category=None)]))
    bank = load_bank_from(tmp_path)
    assert bank.by_id("s-1").category == "space"
    assert bank.by_id("g-1").category == "geography"
    (tmp_path / "broken.toml").write_text("[[questions]\n")
    with pytest.raises(QuestionFileError, match=r"broken\.toml: not valid TOML"):
        load_bank_from(tmp_path)


def test_load_bank_from_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(QuestionFileError, match=r"no \*.toml question files"):
        load_bank_from(tmp_path)


# --- QuestionBank -------------------------------------------------------------------------


def _bank() -> QuestionBank:
    questions = []
    for i, (cat, diff) in enumerate(
        [("science", "easy"), ("science", "hard"), ("space", "easy"), ("space", "easy")]
    ):
        questions.append(Question.model_validate(_entry(f"b-{i}", category=cat, difficulty=diff)))
    return QuestionBank(questions)


def test_pick_filters_and_excludes() -> None:
    bank = _bank()
    rng = random.Random(3)
    assert bank.pick("science", "hard", rng=rng).id == "b-1"
    for _ in range(20):
        assert bank.pick("space", exclude_ids={"b-2"}, rng=rng).id == "b-3"
    # When everything is excluded the bank repeats rather than failing.
    assert bank.pick("science", "easy", exclude_ids={"b-0"}, rng=rng).id == "b-0"
    with pytest.raises(NoQuestionsError, match="only 0 questions for Space, hard"):
        bank.pick("space", "hard")
    assert {q.id for q in bank.sample(4, rng=rng)} == {"b-0", "b-1", "b-2", "b-3"}
    with pytest.raises(NoQuestionsError, match="asked for 5"):
        bank.sample(5)


def test_pick_is_random_with_the_rng() -> None:
    bank = load_bank()
    first = [bank.pick(rng=random.Random(7)).id for _ in range(3)]
    assert len(set(first)) == 1
    assert len({bank.pick(rng=random.Random(seed)).id for seed in range(30)}) > 20


def test_by_id_and_categories() -> None:
    bank = _bank()
    assert bank.by_id("b-2").category == "space"
    assert "b-2" in bank and "nope" not in bank
    with pytest.raises(KeyError, match="no trivia question with id 'nope'"):
        bank.by_id("nope")
    stats = {c.key: c for c in bank.categories()}
    assert set(stats) == {"science", "space"}
    assert stats["space"].by_difficulty == {"easy": 2, "medium": 0, "hard": 0}


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("science", "science"),
        ("Science", "science"),
        ("film", "film_tv"),
        ("Film and TV", "film_tv"),
        ("film & tv", "film_tv"),
        ("movies", "film_tv"),
        ("maths", "maths"),
        ("math", "maths"),
        ("Geo", "geography"),
        ("any", None),
        ("", None),
        (None, None),
    ],
)
def test_resolve_category(typed: str | None, key: str | None) -> None:
    assert load_bank().resolve_category(typed) == key


@pytest.mark.parametrize(
    ("typed", "suggestion"),
    [
        ("sceince", "science"),
        ("geografy", "geography"),
        ("histroy", "history"),
        ("muisc", "music"),
        ("sprots", "sports"),
        ("tecnology", "technology"),
    ],
)
def test_unknown_category_suggests(typed: str, suggestion: str) -> None:
    with pytest.raises(UnknownCategoryError) as info:
        load_bank().resolve_category(typed)
    assert info.value.suggestions[0] == suggestion
    assert f"unknown category {typed!r}. Did you mean {suggestion}" in str(info.value)
    assert "Valid categories: general, science" in str(info.value)


def test_unknown_category_without_suggestion() -> None:
    with pytest.raises(UnknownCategoryError) as info:
        load_bank().resolve_category("zzzzqqq")
    assert info.value.suggestions == []
    assert "Did you mean" not in str(info.value)


def test_category_of_another_bank_is_unknown_here() -> None:
    with pytest.raises(UnknownCategoryError, match="Valid categories: science, space"):
        _bank().resolve_category("art")


def test_extend_with_pack() -> None:
    bank = _bank()
    pack = load_pack(json.dumps([_entry("new-1", question="A new one?")]), fmt="json")
    bigger = bank.extend(pack, source="pack.json")
    assert len(bigger) == len(bank) + 1 and len(bank) == 4
    with pytest.raises(QuestionFileError, match=r"pack\.json: question 'new-1': duplicate id"):
        bigger.extend(pack, source="pack.json")


def test_every_category_has_a_unique_key_and_name() -> None:
    assert len({c.key for c in CATEGORIES}) == len({c.name for c in CATEGORIES}) == len(CATEGORIES)


# --- CLI ----------------------------------------------------------------------------------


def _run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="hearth")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_check_pack(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps([_entry("g-1")]))
    assert _run_cli(["trivia", "check-pack", str(good)]) == 0
    assert capsys.readouterr().out == "ok: 1 valid questions in good.json\n"
    bad = tmp_path / "bad.toml"
    bad.write_text(_toml_pack([_entry("b-1", difficulty="extreme")]))
    assert _run_cli(["trivia", "check-pack", str(bad)]) == 1
    assert "bad.toml: question 'b-1': difficulty must be" in capsys.readouterr().out
    assert _run_cli(["trivia", "check-pack", str(tmp_path / "missing.toml")]) == 2
    assert "cannot read" in capsys.readouterr().out


def test_cli_categories(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run_cli(["trivia", "categories"]) == 0
    out = capsys.readouterr().out
    assert "geography" in out and f"total: {len(load_bank())} questions" in out
