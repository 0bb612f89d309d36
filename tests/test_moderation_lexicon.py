"""Lexicon files and the pattern syntax."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.moderation import ModerationFilter, Policy
from bot.moderation.entries import CATEGORIES
from bot.moderation.lexicon import LexiconError, default_lexicon, load_lexicon
from bot.moderation.patterns import common_words, parse_phrase, parse_word

ALIASES = """
[aliases]
you = ["you", "u", "you all"]
"""


def write_lexicon(directory: Path, body: str, aliases: str = ALIASES) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "aliases.toml").write_text(aliases, encoding="utf-8")
    (directory / "test.toml").write_text(body, encoding="utf-8")
    return directory


def mini_filter(tmp_path: Path, words: list[str], phrases: list[str]) -> ModerationFilter:
    body = (
        'category = "threat"\n[[group]]\nseverity = "high"\n'
        f"words = {words!r}\nphrases = {phrases!r}\n".replace("'", '"')
    )
    return ModerationFilter(load_lexicon(write_lexicon(tmp_path / "lex", body)))


def blocked(moderation: ModerationFilter, text: str) -> bool:
    return moderation.check_input(text, Policy()).verdict == "block"


# --- the shipped lexicons -------------------------------------------------------------


def test_every_category_has_a_file_and_entries() -> None:
    lexicon = default_lexicon()
    categories = {e.category for _, e in lexicon.terms.phrases.items}
    categories |= {
        e.category
        for pattern in lexicon.terms.words.patterns
        for e in lexicon.terms.words.match((pattern.body,), ())
    }
    assert categories == set(CATEGORIES) - {"custom"}


def test_no_phrase_is_anchored_on_a_very_common_word() -> None:
    # Keeps the pre-screen and the analysis fast: every phrase has a rarer anchor.
    tiers = common_words()
    for phrase, _ in default_lexicon().terms.phrases.items:
        for sequence in phrase.anchor:
            rarest = min(sequence, key=lambda w: tiers.get(w.body, 0))
            assert tiers.get(rarest.body, 0) < 2, phrase.source


# --- word patterns --------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw,kind,body",
    [
        ("word", "exact", "word"),
        ("word*", "prefix", "word"),
        ("*word", "suffix", "word"),
        ("*word*", "contains", "word"),
        ("  ＷＯＲＤ ", "exact", "word"),
        ("don't", "exact", "dont"),
    ],
)
def test_word_patterns(raw: str, kind: str, body: str) -> None:
    pattern = parse_word(raw)
    assert (pattern.kind, pattern.body) == (kind, body)


@pytest.mark.parametrize("raw", ["", "*", "**", "a b", "wo.rd", "w[o]rd", "a|b", "a*b"])
def test_invalid_word_patterns(raw: str) -> None:
    with pytest.raises(ValueError, match="not a word pattern"):
        parse_word(raw)


def test_word_pattern_kinds_in_a_filter(tmp_path: Path) -> None:
    moderation = mini_filter(tmp_path, ["zorp", "blim*", "*quax", "*vrek*"], [])
    assert blocked(moderation, "a zorp here")
    assert not blocked(moderation, "zorping")
    assert blocked(moderation, "blimey")
    assert blocked(moderation, "bigquax")
    assert not blocked(moderation, "quaxes")
    assert blocked(moderation, "unvrekable")


# --- phrase patterns ------------------------------------------------------------------


def test_phrase_syntax(tmp_path: Path) -> None:
    moderation = mini_filter(
        tmp_path,
        [],
        [
            "i (zap|zonk) <you>",
            "[really] flob the (blarg|big blarg)",
            "snib _ snab",
            "wibble ... wobble",
            "# gronks",
            "^ hurk now",
            "plink* it",
        ],
    )
    assert blocked(moderation, "i zap u")
    assert blocked(moderation, "I ZONK YOU ALL")
    assert not blocked(moderation, "i zap them")
    assert blocked(moderation, "flob the big blarg")
    assert blocked(moderation, "really flob the blarg")
    assert blocked(moderation, "snib xyz snab") and not blocked(moderation, "snib snab")
    assert blocked(moderation, "wibble one two three wobble")
    assert not blocked(moderation, "wibble one two three four wobble")
    assert blocked(moderation, "12 gronks") and not blocked(moderation, "many gronks")
    assert blocked(moderation, "hurk now") and not blocked(moderation, "so hurk now")
    assert blocked(moderation, "plinking it")


def test_phrases_see_through_disguises(tmp_path: Path) -> None:
    moderation = mini_filter(tmp_path, [], ["i (zap|zonk) <you>"])
    for text in ["i z4p u", "i zaaap you", "I ｚａｐ you", "i z.a.p u", "i za\u200bp you"]:
        assert blocked(moderation, text), text


@pytest.mark.parametrize(
    "raw,message",
    [
        ("(a|b", "unbalanced brackets"),
        ("a <nope>", "unknown alias <nope>"),
        ("(a|) b", "empty alternative"),
        ("[a] [b]", "needs at least one required word"),
        ("a wo.rd", "not a word pattern"),
    ],
)
def test_invalid_phrases(raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_phrase(raw, {})


# --- loading errors name the file -----------------------------------------------------


@pytest.mark.parametrize(
    "body,message",
    [
        ("category = [", "cannot read TOML"),
        ('category = "nonsense"\n[[group]]\nseverity = "high"\n', "category"),
        ('category = "threat"\n[[group]]\nseverity = "extreme"\n', "severity"),
        ('category = "threat"\n[[group]]\nseverity = "high"\nwords = ["a.b"]\n', "not a word"),
        ('category = "threat"\n[[group]]\nseverity = "high"\nphrases = ["<nope>"]\n', "nope"),
        ('category = "threat"\nextra = 1\n[[group]]\nseverity = "high"\n', "extra"),
        ('category = "threat"\n', "group"),
    ],
)
def test_bad_lexicon_files_are_reported(tmp_path: Path, body: str, message: str) -> None:
    directory = write_lexicon(tmp_path / "bad", body)
    with pytest.raises(LexiconError, match=message) as raised:
        load_lexicon(directory)
    assert "test.toml" in str(raised.value)


def test_an_empty_directory_is_reported(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match="no lexicon files"):
        load_lexicon(tmp_path)


def test_an_allowlist_file_is_honoured(tmp_path: Path) -> None:
    directory = write_lexicon(
        tmp_path / "lex",
        'category = "threat"\n[[group]]\nseverity = "high"\nwords = ["zorp*"]\n',
    )
    (directory / "allowlist.toml").write_text(
        'words = ["zorpington"]\nphrases = ["zorp (tea|cake)"]\n', encoding="utf-8"
    )
    moderation = ModerationFilter(load_lexicon(directory))
    assert blocked(moderation, "zorps")
    assert not blocked(moderation, "Zorpington is a town")
    assert not blocked(moderation, "some zorp cake")
