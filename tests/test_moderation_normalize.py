"""Normalisation: Unicode folding, invisible characters, look-alikes, leetspeak, repeats,
separators, and the map back to the original text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.moderation.normalize import (
    collapse_runs,
    decode_leet,
    fold,
    fold_char,
    normalize,
    pieces,
    token_forms,
)

INVISIBLE = {
    "zero width space": "\u200b",
    "zero width non-joiner": "\u200c",
    "zero width joiner": "\u200d",
    "word joiner": "\u2060",
    "soft hyphen": "\u00ad",
    "byte order mark": "\ufeff",
    "variation selector 16": "\ufe0f",
    "variation selector supplement": "\U000e0100",
    "tag latin small a": "\U000e0061",
    "right-to-left override": "\u202e",
    "left-to-right isolate": "\u2066",
    "left-to-right mark": "\u200e",
    "hangul filler": "\u3164",
    "combining grapheme joiner": "\u034f",
}


@pytest.mark.parametrize("name", sorted(INVISIBLE))
def test_invisible_characters_are_removed(name: str) -> None:
    mark = INVISIBLE[name]
    assert fold(f"he{mark}llo")[0] == "hello"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("ＨＥＬＬＯ", "hello"),  # fullwidth
        ("𝐡𝐞𝐥𝐥𝐨", "hello"),  # mathematical bold
        ("𝔥𝔢𝔩𝔩𝔬", "hello"),  # fraktur
        ("ⓗⓔⓛⓛⓞ", "hello"),  # circled
        ("🅷🅴🅻🅻🅾", "hello"),  # negative squared
        ("🄷🄴🄻🄻🄾", "hello"),  # squared
        ("🇭🇪🇱🇱🇴", "hello"),  # regional indicators
        ("һеllо", "hello"),  # Cyrillic shha, ie, o
        ("ΗΕLLΟ", "hello"),  # Greek capital eta, epsilon, omicron
        ("ʜᴇʟʟᴏ", "hello"),  # small capitals
        ("héllö", "hello"),  # accents
        ("Straße", "strasse"),  # casefold
        ("ϲat", "cat"),  # lunate sigma looks like c
        ("don’t", "don't"),  # typographic apostrophe
    ],
)
def test_look_alikes_fold_to_ascii(text: str, expected: str) -> None:
    assert fold(text)[0] == expected


def test_whitespace_of_any_kind_becomes_a_space() -> None:
    assert fold("a\u00a0b\u3000c\td\ne")[0] == "a b c d e"


def test_origin_maps_each_folded_character_back() -> None:
    text = "ＨＩ\u200b there"
    folded, origin = fold(text)
    assert folded == "hi there"
    assert [text[i] for i in origin[:2]] == ["Ｈ", "Ｉ"]
    assert text[origin[3]] == "t"


def test_ligatures_expand_and_keep_their_origin() -> None:
    folded, origin = fold("ﬁne")
    assert folded == "fine"
    assert origin == (0, 0, 1, 2)


@pytest.mark.parametrize(
    "piece,expected",
    [
        ("sh1t", "shit"),
        ("h3ll0", "hello"),
        ("$hit", "shit"),
        ("@ss", "ass"),
        ("5h17", "shit"),
        ("k!ll", "kill"),
        ("hello!", "hello!"),  # edge punctuation stays punctuation
        ("2", "2"),
        ("42", "42"),
        ("10am", "10am"),  # a number with a unit
        ("2nd", "2nd"),
        ("gr8", "gr8"),  # text-speak
        ("@bob", "@bob"),  # a mention, not an "a"
    ],
)
def test_leet_is_decoded_only_where_it_makes_a_word(piece: str, expected: str) -> None:
    assert decode_leet(piece) == expected


def test_arithmetic_stays_numeric() -> None:
    assert normalize("2 + 2 = 4").text == "2 + 2 = 4"
    assert normalize("I have 3 cats and 10 dogs").text == "i have 3 cats and 10 dogs"


def test_leet_words_are_decoded_in_context() -> None:
    assert normalize("you are a l0s3r").text == "you are a loser"


@pytest.mark.parametrize(
    "text,expected",
    [("s.h.i.t", "shit"), ("f u c k", "fuck"), ("k-i-l-l", "kill"), ("$ h 1 t", "shit")],
)
def test_single_letters_with_separators_are_joined(text: str, expected: str) -> None:
    assert normalize(text).text == expected


def test_two_single_letters_are_not_a_run() -> None:
    assert normalize("a b").text == "a b"
    assert normalize("u r cool").text == "u r cool"


def test_repeated_letters_have_two_reductions() -> None:
    shouting = normalize("shiiiiit so goood")
    assert shouting.single == "shit so god"
    assert shouting.double == "shiit so good"
    assert collapse_runs("good", 2) == "good"
    assert collapse_runs("balloon", 1) == "balon"
    assert collapse_runs("1000", 1) == "1000"  # digits are not letters


def test_normalized_maps_spans_back_to_the_original() -> None:
    original = "what the ｆ\u200bｕｃｋ"
    result = normalize(original)
    start = result.text.index("fuck")
    assert result.text == "what the fuck"
    span = result.original_span(start, start + 4)
    assert original[span[0] : span[1]] == "ｆ\u200bｕｃｋ"


def test_pieces_drop_apostrophes_and_keep_spans() -> None:
    folded = fold("don't k1ll!")[0]
    found = pieces(folded)
    assert [p.text for p in found] == ["dont", "k1ll!"]
    assert folded[found[1].start : found[1].end] == "k1ll!"


def test_token_forms_cover_leet_readings_and_repeats() -> None:
    forms, collapsed = token_forms("k1lll!")
    assert "kilo" not in forms
    assert "killl" in forms or "kiill" in forms
    assert "kil" in collapsed
    assert "k1lll!" in forms  # the raw piece, for terms with digits


@given(st.text())
@settings(max_examples=400)
def test_normalisation_never_crashes(text: str) -> None:
    folded, origin = fold(text)
    assert len(folded) == len(origin)
    assert all(0 <= i < len(text) for i in origin)
    result = normalize(text)
    assert len(result.text) == len(result.origin)
    span = result.original_span(0, len(result.text))
    assert 0 <= span[0] <= span[1] <= len(text)
    for ch in text[:50]:
        fold_char(ch)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_folding_is_lower_case_and_free_of_invisibles(text: str) -> None:
    folded = fold(text)[0]
    assert folded == folded.lower() or not folded.isascii()
    assert not any(mark in folded for mark in INVISIBLE.values())
