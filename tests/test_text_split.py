"""Splitting long replies into Discord-sized messages."""

from __future__ import annotations

import random

import pytest

from bot.text_split import DISCORD_LIMIT, split_message


def test_short_text_is_one_piece() -> None:
    assert split_message("hello") == ["hello"]


def test_exactly_the_limit_is_one_piece() -> None:
    text = "a" * DISCORD_LIMIT
    assert split_message(text) == [text]


def test_words_are_never_cut() -> None:
    words = [f"w{i:04d}" for i in range(1500)]
    pieces = split_message(" ".join(words))
    assert all(len(p) <= DISCORD_LIMIT for p in pieces)
    assert " ".join(pieces).split() == words


def test_paragraph_breaks_are_preferred() -> None:
    para = ("word " * 150).strip()  # 749 characters
    text = "\n\n".join([para] * 4)
    pieces = split_message(text)
    assert pieces[0] == "\n\n".join([para] * 2)


def test_a_single_huge_word_is_cut_hard() -> None:
    pieces = split_message("x" * 5000)
    assert [len(p) for p in pieces] == [DISCORD_LIMIT - 4, DISCORD_LIMIT - 4, 5000 - 2 * 1996]


def test_code_block_is_closed_and_reopened_with_its_language() -> None:
    code = "\n".join(f"x = {i}" for i in range(600))
    pieces = split_message(f"Intro\n```python\n{code}\n```\nOutro")
    assert len(pieces) >= 3
    for piece in pieces:
        assert len(piece) <= DISCORD_LIMIT
        assert piece.count("```") % 2 == 0
    for piece in pieces[1:]:
        assert piece.startswith("```python\n")
    joined = "\n".join(pieces)
    for i in range(600):
        assert f"x = {i}\n" in joined + "\n"


@pytest.mark.parametrize("seed", range(20))
def test_random_texts_keep_every_word_and_respect_the_limit(seed: int) -> None:
    rng = random.Random(seed)
    tokens = []
    for _ in range(rng.randint(200, 1500)):
        roll = rng.random()
        tokens.append(
            "\n```js\n" if roll < 0.01 else "\n" if roll < 0.1 else "x" * rng.randint(1, 30)
        )
    text = " ".join(tokens)
    pieces = split_message(text, limit=500)
    assert all(len(p) <= 500 for p in pieces)
    words = [t for t in text.split() if not t.startswith("```")]
    got = [t for t in " ".join(pieces).split() if not t.startswith("```")]
    assert got == words
