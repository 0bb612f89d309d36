"""Distress detection and the caring reply."""

from __future__ import annotations

import re

import pytest

from bot.moderation import ModerationFilter, Policy, care_message
from bot.moderation.care import RESOURCES, is_distress

# Words that would describe a means of self-harm; the reply must never contain any.
METHOD_WORDS = (
    "pill", "pills", "overdose", "rope", "hang", "noose", "bridge", "jump", "cut", "cutting",
    "blade", "razor", "knife", "gun", "shoot", "poison", "bleach", "drown", "train", "roof",
    "suffocate", "starve", "method", "methods", "how to", "dose",
)  # fmt: skip


@pytest.fixture(scope="module")
def moderation() -> ModerationFilter:
    return ModerationFilter()


def test_the_reply_gives_the_resources() -> None:
    message = care_message("Shannon")
    assert "988" in message
    assert "Samaritans" in message and "116 123" in message
    assert "findahelpline.com" in message
    assert "emergency number" in message
    for line in RESOURCES:
        assert line in message


def test_the_reply_is_warm_and_encourages_reaching_out() -> None:
    message = care_message("Shannon")
    assert "I'm Shannon" in message
    assert "someone you trust" in message
    assert "keep talking" in message
    assert "glad you told me" in message
    # Not a lecture: short, and no "you should"/"you must" commands.
    assert len(message) < 900
    assert not re.search(r"\byou (should|must|need to)\b", message, re.IGNORECASE)


def test_the_reply_never_mentions_a_method() -> None:
    message = care_message("Shannon").lower()
    for word in METHOD_WORDS:
        assert not re.search(rf"\b{re.escape(word)}\b", message), word


@pytest.mark.parametrize("name", ["  Shannon  ", "Captain\nBeard", ""])
def test_the_persona_name_is_tidied(name: str) -> None:
    message = care_message(name)
    assert "\nBeard" not in message
    assert "I'm ," not in message and "I'm  " not in message


@pytest.mark.parametrize("strictness", ["relaxed", "standard", "strict"])
def test_the_reply_is_not_itself_flagged(moderation: ModerationFilter, strictness: str) -> None:
    policy = Policy(strictness=strictness)  # type: ignore[arg-type]
    message = care_message("Shannon")
    assert moderation.check_output(message, policy).verdict == "allow"
    assert moderation.check_input(message, policy).verdict == "allow"


@pytest.mark.parametrize(
    "text",
    [
        "I want to end it all",
        "kms",
        "I don't want to be here anymore",
        "there's no reason to live",
        "everyone would be better off without me",
        "i wish i was never born",
        "k m s",
        "I w4nt to d1e",
        "thinking about unaliving myself",
        "nobody would even notice if I was gone",
    ],
)
def test_distress_is_recognised(moderation: ModerationFilter, text: str) -> None:
    assert is_distress(text, moderation)
    verdict = moderation.check_input(text)
    assert (verdict.verdict, verdict.category) == ("care", "self_harm")


@pytest.mark.parametrize(
    "text",
    [
        "I'm sad my team lost",
        "this exam is killing me",
        "I could die of embarrassment",
        "my phone died again",
        "I'm dead 💀 that meme",
        "I'd kill for a coffee",
        "this cake is to die for",
        "I'm dying to see the sequel",
        "I don't want to die in this game again",
        "suicide squad was fun",
        "I ran 10 kms today",
    ],
)
def test_ordinary_sadness_and_idioms_are_not_care(moderation: ModerationFilter, text: str) -> None:
    assert not is_distress(text, moderation)
