"""Policies: strictness semantics, input vs output, and a server's own terms."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.moderation import ModerationFilter, Policy, Severity, care_message
from bot.moderation.policy import MAX_TERM_LENGTH, MAX_TERMS

STRICTNESS = ("relaxed", "standard", "strict")
MILD = "this level is so damn hard"  # low-severity profanity
STRONG = "stop being such a twat"  # medium-severity profanity
THREAT = "I will kill you"
DISTRESS = "I want to end it all"


@pytest.fixture(scope="module")
def moderation() -> ModerationFilter:
    return ModerationFilter()


def verdict(moderation: ModerationFilter, text: str, strictness: str, **kwargs: object) -> str:
    direction = kwargs.pop("direction", "input")
    policy = Policy(strictness=strictness, **kwargs)  # type: ignore[arg-type]
    if direction == "output":
        persona = bool(kwargs.get("persona", False))
        return moderation.check_output(text, policy, persona_allows_profanity=persona).verdict
    return moderation.check_input(text, policy).verdict


# --- strictness semantics -------------------------------------------------------------


@pytest.mark.parametrize(
    "strictness,expected", [("relaxed", "allow"), ("standard", "allow"), ("strict", "block")]
)
def test_users_mild_swearing(moderation: ModerationFilter, strictness: str, expected: str) -> None:
    result = moderation.check_input(MILD, Policy(strictness=strictness))  # type: ignore[arg-type]
    assert result.verdict == expected
    assert result.category == "profanity"
    assert result.severity == Severity.LOW


@pytest.mark.parametrize(
    "strictness,expected", [("relaxed", "allow"), ("standard", "block"), ("strict", "block")]
)
def test_users_strong_swearing(
    moderation: ModerationFilter, strictness: str, expected: str
) -> None:
    result = moderation.check_input(STRONG, Policy(strictness=strictness))  # type: ignore[arg-type]
    assert result.verdict == expected
    assert result.severity == Severity.MEDIUM


@pytest.mark.parametrize("strictness", STRICTNESS)
@pytest.mark.parametrize(
    "text,category",
    [
        (THREAT, "threat"),
        ("go kill yourself", "harassment"),
        ("send nudes", "sexual"),
        ("how do I make a pipe bomb", "dangerous"),
    ],
)
def test_severe_categories_are_blocked_at_every_strictness(
    moderation: ModerationFilter, strictness: str, text: str, category: str
) -> None:
    policy = Policy(strictness=strictness)  # type: ignore[arg-type]
    assert moderation.check_input(text, policy).verdict == "block"
    assert moderation.check_input(text, policy).category == category
    assert moderation.check_output(text, policy, persona_allows_profanity=True).verdict == "block"


@pytest.mark.parametrize("strictness", STRICTNESS)
def test_distress_is_care_at_every_strictness_never_block(
    moderation: ModerationFilter, strictness: str
) -> None:
    policy = Policy(strictness=strictness)  # type: ignore[arg-type]
    assert moderation.check_input(DISTRESS, policy).verdict == "care"
    # Even with swearing in it, and at strict, distress is met with care.
    assert moderation.check_input("fuck this, I want to end it all", policy).verdict == "care"


# --- output is stricter ---------------------------------------------------------------


@pytest.mark.parametrize("strictness", STRICTNESS)
def test_the_bot_never_swears_by_default(moderation: ModerationFilter, strictness: str) -> None:
    policy = Policy(strictness=strictness)  # type: ignore[arg-type]
    assert moderation.check_output(MILD, policy).verdict == "block"


def test_the_bot_may_swear_mildly_only_when_relaxed_and_its_persona_allows(
    moderation: ModerationFilter,
) -> None:
    relaxed = Policy(strictness="relaxed")
    standard = Policy(strictness="standard")
    assert moderation.check_output(MILD, relaxed, persona_allows_profanity=True).verdict == "allow"
    assert moderation.check_output(MILD, standard, persona_allows_profanity=True).verdict == "block"
    assert moderation.check_output(MILD, relaxed, persona_allows_profanity=False).verdict == "block"
    # Strong swearing: never from the bot.
    assert (
        moderation.check_output(STRONG, relaxed, persona_allows_profanity=True).verdict == "block"
    )


def test_the_bot_never_says_self_harm_phrases(moderation: ModerationFilter) -> None:
    assert moderation.check_output("you should just end it all").verdict == "block"
    assert moderation.check_output("I want to die").category == "self_harm"


@pytest.mark.parametrize("strictness", STRICTNESS)
def test_the_caring_reply_passes_the_output_filter(
    moderation: ModerationFilter, strictness: str
) -> None:
    policy = Policy(strictness=strictness)  # type: ignore[arg-type]
    assert moderation.check_output(care_message("Shannon"), policy).verdict == "allow"


def test_input_and_output_agree_on_clean_text(moderation: ModerationFilter) -> None:
    text = "Here's a fun fact: octopuses have three hearts!"
    assert moderation.check_input(text).verdict == "allow"
    assert moderation.check_output(text).verdict == "allow"
    assert moderation.check_output(text).category is None


# --- server terms: wildcards ----------------------------------------------------------


@pytest.mark.parametrize(
    "term,blocked,allowed",
    [
        ("grapefruit", ["I love grapefruit", "GRAPEFRUIT!", "gr4p3fru1t"], ["grapefruits"]),
        ("spoiler*", ["spoilers ahead", "spoiler alert"], ["no spoiling"]),
        ("*coin", ["buy my dogecoin", "bitcoin"], ["coins", "coinage"]),
        ("*nitro*", ["free nitro", "nitrogen", "supernitrous"], ["ni tro"]),
        ("free nitro", ["get FREE NITRO now", "free n1tro"], ["free pizza", "nitro free"]),
    ],
)
def test_blocked_terms_with_wildcards(  # the shipped allowlist has grapefruit and bitcoin
    moderation: ModerationFilter, term: str, blocked: list[str], allowed: list[str]
) -> None:
    policy = Policy(blocked_terms=[term])
    for text in blocked:
        result = moderation.check_input(text, policy)
        assert (result.verdict, result.category, result.term) == ("block", "custom", term), text
        assert moderation.check_output(text, policy).verdict == "block", text
    for text in allowed:
        assert moderation.check_input(text, policy).verdict == "allow", text


def test_blocked_terms_are_normalised_when_validated() -> None:
    policy = Policy(blocked_terms=["  ＳＰＡＭ  ", "Don't-Panic", "spam"])
    assert policy.blocked_terms == ("spam", "dont panic")


def test_allowed_terms_exempt_users_but_never_severe_output(
    moderation: ModerationFilter,
) -> None:
    policy = Policy(strictness="strict", allowed_terms=["damn", "bitch*"])
    assert moderation.check_input(MILD, policy).verdict == "allow"
    assert moderation.check_input("stop bitching about it", policy).verdict == "allow"
    # For the bot's own output, allowed terms still only exempt profanity...
    relaxed = Policy(strictness="relaxed", allowed_terms=["damn"])
    assert moderation.check_output(MILD, relaxed).verdict == "allow"
    # ...and never a severe category.
    reclaimed = Policy(allowed_terms=["homo"])
    assert moderation.check_input("so homo of you", reclaimed).verdict == "allow"
    assert moderation.check_input("so homo of you").verdict == "block"
    assert moderation.check_output("so homo of you", reclaimed).verdict == "block"


def test_allowed_words_do_not_switch_off_phrases(moderation: ModerationFilter) -> None:
    policy = Policy(allowed_terms=["kill*", "you"])
    assert moderation.check_input(THREAT, policy).verdict == "block"


def test_allowed_terms_do_not_hide_distress_elsewhere(moderation: ModerationFilter) -> None:
    policy = Policy(allowed_terms=["damn"])
    assert moderation.check_input("damn, I want to end it all", policy).verdict == "care"


# --- server terms: validation ---------------------------------------------------------


@pytest.mark.parametrize(
    "term,message",
    [
        ("f.ck", "not allowed"),
        ("[abc]", "not allowed"),
        ("a|b", "not allowed"),
        ("(word)", "not allowed"),
        ("wo?rd", "not allowed"),
        ("^start", "not allowed"),
        ("end$", "not allowed"),
        ("\\bword", "not allowed"),
        ("a*b", "only allowed as the first and/or last"),
        ("**word", "only allowed as the first and/or last"),
        ("*", "only allowed as the first and/or last"),
        ("", "empty term"),
        ("   ", "empty term"),
        ("-word-", "must start and end with a letter or digit"),
        ("x" * (MAX_TERM_LENGTH + 1), "longer than"),
    ],
)
def test_invalid_terms_are_rejected_with_a_clear_message(term: str, message: str) -> None:
    with pytest.raises(ValidationError) as raised:
        Policy(blocked_terms=[term])
    text = str(raised.value)
    assert message in text
    assert "blocked_terms[0]" in text


def test_regular_expressions_are_refused_explicitly() -> None:
    with pytest.raises(ValidationError, match="Regular expressions are not supported"):
        Policy(allowed_terms=["fo+"])


def test_too_many_terms_are_rejected() -> None:
    with pytest.raises(ValidationError, match=f"at most {MAX_TERMS}"):
        Policy(blocked_terms=[f"word{i}" for i in range(MAX_TERMS + 1)])


@pytest.mark.parametrize("value", ["just a string", 42, None])
def test_terms_must_be_a_list(value: object) -> None:
    with pytest.raises(ValidationError, match="expected a list of terms"):
        Policy(blocked_terms=value)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [42, None, ["nested"]])
def test_each_term_must_be_text(value: object) -> None:
    with pytest.raises(ValidationError, match="must be text"):
        Policy(blocked_terms=[value])  # type: ignore[list-item]


def test_unknown_strictness_and_fields_are_rejected() -> None:
    with pytest.raises(ValidationError):
        Policy(strictness="lenient")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Policy(blocked_words=["x"])  # type: ignore[call-arg]


def test_policies_are_immutable_values() -> None:
    first = Policy(strictness="strict", blocked_terms=["spam*"])
    assert first == Policy(strictness="strict", blocked_terms=["SPAM*"])
    assert hash(first) == hash(Policy(strictness="strict", blocked_terms=["spam*"]))
    assert first != Policy(strictness="strict")
    with pytest.raises(ValidationError):
        first.strictness = "relaxed"  # type: ignore[misc]
