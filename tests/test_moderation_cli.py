"""``hearth moderation check``: one text, and a JSONL file."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest

from bot.moderation.cli import check_lines, register


def run(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="hearth")
    register(parser.add_subparsers(dest="command", required=True))
    namespace = parser.parse_args(args)
    return int(namespace.func(namespace))


def test_checking_one_text_prints_verdict_category_and_term(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["moderation", "check", "I will kill you"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "verdict: block"
    assert lines[1] == "category: threat"
    assert lines[2].startswith("term: ") and "kill" in lines[2]


def test_strictness_and_output_change_the_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["moderation", "check", "damn that was close"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "verdict: allow"
    assert run(["moderation", "check", "--strictness", "strict", "damn that was close"]) == 0
    assert capsys.readouterr().out.splitlines()[:2] == ["verdict: block", "category: profanity"]
    assert run(["moderation", "check", "--output", "damn that was close"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "verdict: block"


def test_a_clean_text_shows_dashes(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["moderation", "check", "hello there"]) == 0
    assert capsys.readouterr().out.splitlines() == ["verdict: allow", "category: -", "term: -"]


def test_an_unknown_strictness_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run(["moderation", "check", "--strictness", "lenient", "hi"])
    assert "invalid choice" in capsys.readouterr().err


def test_text_or_file_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["moderation", "check"]) == 2
    assert "TEXT or --jsonl FILE" in capsys.readouterr().err


def test_jsonl_writes_one_object_per_line_in_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "messages.jsonl"
    rows = [
        {"text": "good morning everyone"},
        {"text": "I want to end it all"},
        {"text": "go kill yourself", "id": 7},
        {"text": "damn it", "strictness": "strict"},
    ]
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    assert run(["moderation", "check", "--jsonl", str(source)]) == 0
    results = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["verdict"] for r in results] == ["allow", "care", "block", "block"]
    assert [r["category"] for r in results] == [None, "self_harm", "harassment", "profanity"]
    assert [r["line"] for r in results] == [1, 2, 3, 4]
    assert results[0]["term"] is None and results[2]["term"]


def test_malformed_lines_get_an_error_and_processing_continues(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "messy.jsonl"
    source.write_bytes(
        b'{"text": "hello"}\n'
        b"this is not json\n"
        b'{"message": "no text key"}\n'
        b'["a", "list"]\n'
        b"\n"
        b'{"text": 42}\n'
        b'{"text": "ok", "strictness": "lenient"}\n'
        b'{"text": "caf\xe9 broken utf-8"}\n'
        b'{"text": "I will kill you"}\n'
    )
    assert run(["moderation", "check", "--jsonl", str(source)]) == 0
    results = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(results) == 9
    assert results[0]["verdict"] == "allow"
    for number in range(2, 9):
        assert results[number - 1]["line"] == number
        assert "error" in results[number - 1] and "verdict" not in results[number - 1]
    assert "invalid JSON" in results[1]["error"]
    assert "text" in results[2]["error"]
    assert "empty line" in results[4]["error"]
    assert "strictness" in results[6]["error"]
    assert "UTF-8" in results[7]["error"]
    assert results[8]["verdict"] == "block"


def test_a_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["moderation", "check", "--jsonl", str(tmp_path / "nope.jsonl")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_jsonl_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = io.TextIOWrapper(io.BytesIO(b'{"text": "kys"}\n'), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", fake)
    assert run(["moderation", "check", "--jsonl", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["category"] == "harassment"


def test_check_lines_accepts_text_lines() -> None:
    results = list(check_lines(['{"text": "hi"}', "{bad"]))
    assert results[0]["verdict"] == "allow"
    assert results[1]["line"] == 2 and "error" in results[1]
