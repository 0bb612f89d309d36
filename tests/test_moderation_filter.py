"""The filter: verdicts, masked excerpts, obfuscation and allowlist properties, and the
fast paths agreeing with the full analysis."""

from __future__ import annotations

import dataclasses
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.moderation import ModerationFilter, Policy, Severity, Verdict
from bot.moderation.entries import SEVERE_CATEGORIES
from bot.moderation.lexicon import default_lexicon

# Words are taken from the shipped lexicon so that no offensive word is written here.
_LEXICON = default_lexicon()
SEVERE_WORDS = sorted(
    {
        pattern.body
        for pattern, entries in (
            (p, _LEXICON.terms.words.match((p.body,), ())) for p in _LEXICON.terms.words.patterns
        )
        if pattern.kind in ("exact", "prefix")
        and pattern.body.isalpha()
        and len(pattern.body) >= 3
        and any(e.category in SEVERE_CATEGORIES for e in entries)
    }
)
SAFE_WORDS = (
    "hey", "lol", "look", "that", "is", "so", "really", "today", "ok", "wow", "the", "my",
    "friend", "said", "pizza", "music", "game", "sunny", "quiet", "happy", "later", "cool",
)  # fmt: skip
TRAPS = (
    "Scunthorpe", "assassin", "cocktail", "Essex", "Sussex", "grape", "therapist", "shiitake",
    "analysis", "Dickens", "Dick Van Dyke", "homo sapiens", "cockpit", "bass", "class", "pass",
    "Matsushita", "Penistone", "hello", "sextet", "sextant", "Middlesex", "titmouse",
    "scrapbook", "kill time", "killer app", "shoot a photo", "drug store", "snigger",
    "fire retardant", "Maine Coon", "magna cum laude", "spick and span", "cock-a-doodle-doo",
)  # fmt: skip
CONFUSABLE = {
    "a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у", "i": "і", "s": "ѕ",
    "j": "ј", "k": "к", "h": "һ", "m": "м", "t": "т", "n": "п", "w": "ԝ", "d": "ԁ", "q": "ԛ",
    "g": "ɡ", "r": "г", "u": "υ", "v": "ν", "z": "ᴢ", "f": "ꜰ", "l": "ӏ", "b": "ь",
}  # fmt: skip
INVISIBLE = ("\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff", "\ufe0f")


@pytest.fixture(scope="module")
def moderation() -> ModerationFilter:
    return ModerationFilter()


def test_there_are_severe_words_to_test_with() -> None:
    assert len(SEVERE_WORDS) >= 40


# --- verdicts -------------------------------------------------------------------------


def test_clean_text_is_allowed_with_nothing_to_report(moderation: ModerationFilter) -> None:
    verdict = moderation.check_input("what a lovely day for a picnic")
    assert verdict == Verdict("allow")
    assert (verdict.category, verdict.term, verdict.severity, verdict.span) == (
        None,
        None,
        Severity.NONE,
        None,
    )
    assert verdict.allowed


def test_a_block_reports_category_term_severity_and_span(moderation: ModerationFilter) -> None:
    text = "honestly, I will kill you"
    verdict = moderation.check_input(text)
    assert verdict.verdict == "block"
    assert verdict.category == "threat"
    assert verdict.severity == Severity.HIGH
    assert verdict.term is not None and "kill" in verdict.term
    assert verdict.span is not None
    assert text[verdict.span[0] : verdict.span[1]] == "I will kill you"


def test_verdicts_are_frozen() -> None:
    verdict = Verdict("allow")
    with pytest.raises(dataclasses.FrozenInstanceError):
        verdict.verdict = "block"  # type: ignore[misc]


def test_masked_excerpt_masks_the_match(moderation: ModerationFilter) -> None:
    verdict = moderation.check_input("you are a fucking idiot")
    assert verdict.masked_excerpt() == "you are a f****** idiot"


def test_masked_excerpt_covers_disguised_characters(moderation: ModerationFilter) -> None:
    text = "what the ｆ\u200bｕｃｋ"
    verdict = moderation.check_input(text)
    assert verdict.span is not None
    assert text[verdict.span[0] : verdict.span[1]] == "ｆ\u200bｕｃｋ"
    assert verdict.masked_excerpt() == "what the ｆ" + "*" * 4


def test_masked_excerpt_cuts_long_text(moderation: ModerationFilter) -> None:
    text = "a" * 100 + " damn " + "b" * 100
    excerpt = moderation.check_input(text).masked_excerpt(width=10)
    assert excerpt == "…" + "a" * 9 + " d*** " + "b" * 9 + "…"


def test_masked_excerpt_without_a_match_is_the_text() -> None:
    assert Verdict("allow", text="hello").masked_excerpt() == "hello"
    assert Verdict("allow", text="x" * 100).masked_excerpt(width=5) == "x" * 10 + "…"


def test_the_most_severe_match_decides(moderation: ModerationFilter) -> None:
    verdict = moderation.check_input("damn, I will kill you")
    assert (verdict.verdict, verdict.category) == ("block", "threat")


def test_the_more_specific_match_decides_a_tie(moderation: ModerationFilter) -> None:
    # A sexual proposition that contains an insult-shaped phrase reads as sexual.
    assert moderation.check_input("I want to fuck you").category == "sexual"


def test_no_policy_means_standard(moderation: ModerationFilter) -> None:
    text = "this is shit"
    assert moderation.check_input(text) == moderation.check_input(text, Policy())
    assert moderation.check_input(text).verdict == "allow"


# --- obfuscation ----------------------------------------------------------------------


@st.composite
def disguised(draw: st.DrawFn) -> tuple[str, str]:
    word = draw(st.sampled_from(SEVERE_WORDS))
    style = draw(st.sampled_from(["invisible", "confusable", "fullwidth", "mixed"]))
    out = []
    for ch in word:
        if style in ("confusable", "mixed") and draw(st.booleans()):
            ch = CONFUSABLE.get(ch, ch)
        if style == "fullwidth" or (style == "mixed" and draw(st.booleans())):
            ch = chr(ord(ch) + 0xFEE0) if ch.isascii() else ch
        if style in ("invisible", "mixed") and draw(st.booleans()):
            ch += draw(st.sampled_from(INVISIBLE))
        out.append(ch)
    if draw(st.booleans()):
        out[0] = out[0].upper() if out[0].isascii() else out[0]
    return word, "".join(out)


@given(disguised(), st.sampled_from(SAFE_WORDS), st.sampled_from(SAFE_WORDS))
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_disguising_a_blocked_word_never_lets_it_through(
    case: tuple[str, str], before: str, after: str
) -> None:
    moderation = ModerationFilter()
    _, text = case
    assert moderation.check_input(text).verdict == "block"
    assert moderation.check_input(f"{before} {text} {after}").verdict == "block"
    assert moderation.check_output(f"{before}, {text}!").verdict == "block"


@pytest.mark.parametrize(
    "text",
    [
        "k y s", "k.y.s", "k-y-s", "k_y_s", "kyyyys", "KYS!!", "k\u200by\u200bs", "кys", "ｋｙｓ",
        "k1ll y0urself", "kill yourselfff", "y0u are w0rthless", "I w1ll k1ll y0u",
    ],
)  # fmt: skip
def test_obfuscated_abuse_is_blocked(moderation: ModerationFilter, text: str) -> None:
    assert moderation.check_input(text).verdict == "block"


# --- allowlist ------------------------------------------------------------------------


@given(
    st.sampled_from(TRAPS),
    st.lists(st.sampled_from(SAFE_WORDS), max_size=5),
    st.lists(st.sampled_from(SAFE_WORDS), max_size=5),
    st.sampled_from([" ", ", ", "! ", " - ", "... "]),
)
@settings(max_examples=300)
def test_allowlisted_words_stay_allowed_in_any_safe_context(
    trap: str, before: list[str], after: list[str], separator: str
) -> None:
    moderation = ModerationFilter()
    text = separator.join([*before, trap, *after])
    strict = Policy(strictness="strict")
    verdict = moderation.check_input(text, strict)
    assert (verdict.verdict, verdict.category) == ("allow", None), text
    assert moderation.check_output(text, strict).verdict == "allow", text


# --- the fast paths agree with the full analysis --------------------------------------

_FRAGMENTS = sorted(
    {p.body for p in _LEXICON.terms.words.patterns}
    | {w.body for phrase, _ in _LEXICON.terms.phrases.items for s in phrase.anchor for w in s}
    | set(SAFE_WORDS)
    | {"you", "i", "will", "want", "to", "it", "all", "end", "your", "self", "my", "die"}
)


@st.composite
def messy(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(_FRAGMENTS), min_size=1, max_size=6))
    out = []
    for word in words:
        mode = draw(st.integers(0, 6))
        if mode == 1:
            word = draw(st.sampled_from([" ", ".", "-", "_", "*"])).join(word)
        elif mode == 2:
            word = word.translate(str.maketrans("aeiost", "4310$7"))
        elif mode == 3:
            index = draw(st.integers(0, max(0, len(word) - 1)))
            word = (
                word[:index] + word[index : index + 1] * draw(st.integers(2, 4)) + word[index + 1 :]
            )
        elif mode == 4:
            word = "".join(CONFUSABLE.get(c, c) for c in word)
        elif mode == 5:
            word = word + draw(st.sampled_from(["!", "!!", "?", "'s", "…", "😂"]))
        out.append(word)
    return draw(st.sampled_from([" ", "  ", ", ", " . "])).join(out)


@given(messy())
@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
def test_the_prescreen_never_misses_what_the_analysis_finds(text: str) -> None:
    moderation = ModerationFilter()
    found, _ = moderation.hits(text)
    if found:
        assert moderation.screen(text), text


@given(messy(), st.sampled_from(["relaxed", "standard", "strict"]))
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_shortcuts_give_the_same_verdict_as_the_full_analysis(text: str, strictness: str) -> None:
    moderation = ModerationFilter()
    policy = Policy(strictness=strictness)  # type: ignore[arg-type]
    for _ in range(2):  # cold, then with the words it has learned
        assert moderation.check_input(text, policy) == moderation.check_thoroughly(text, policy)
        assert moderation.check_output(text, policy) == moderation.check_thoroughly(
            text, policy, direction="output"
        )


def test_learned_words_do_not_change_later_verdicts(moderation: ModerationFilter) -> None:
    rng = random.Random(11)
    texts = [
        " ".join(rng.choice((*SAFE_WORDS, "shoot", "you", "a", "message", "kill", "watch"))
                 for _ in range(rng.randint(1, 7)))
        for _ in range(300)
    ]  # fmt: skip
    first = [moderation.check_input(t) for t in texts]
    assert [moderation.check_input(t) for t in texts] == first
    assert [moderation.check_thoroughly(t) for t in texts] == first


@given(st.text(max_size=300))
@settings(max_examples=300)
def test_checking_never_crashes(text: str) -> None:
    moderation = ModerationFilter()
    for strictness in ("relaxed", "strict"):
        policy = Policy(strictness=strictness)  # type: ignore[arg-type]
        verdict = moderation.check_input(text, policy)
        assert verdict.verdict in ("allow", "block", "care")
        verdict.masked_excerpt()
        moderation.check_output(text, policy, persona_allows_profanity=True)


@pytest.mark.parametrize(
    "text",
    [
        "a" * 20_000,
        "!" * 20_000,
        "k" + "1" * 20_000 + "ll",
        "f u " * 5_000,
        "as.s " * 4_000,
        "*" * 10_000 + "f*ck",
        "kill you " * 2_000,
        "\u200b" * 10_000 + "kys",
    ],
    ids=["letters", "bangs", "ones", "spaced", "joins", "stars", "phrases", "invisible"],
)
def test_long_adversarial_texts_are_handled(moderation: ModerationFilter, text: str) -> None:
    # Completes (the regexes are linear); the verdict is whatever the content says.
    assert moderation.check_input(text).verdict in ("allow", "block")
