"""When Hearth answers, and what its output gate does to text."""

from __future__ import annotations

import pytest

from bot.output import OutputGate, defuse_mentions
from bot.triggers import MessageFacts, reason_to_answer


def facts(**overrides: bool) -> MessageFacts:
    base = {
        "author_is_bot": False,
        "is_system": False,
        "is_dm": False,
        "mentions_bot": False,
        "replies_to_bot": False,
        "has_text": True,
    }
    return MessageFacts(**{**base, **overrides})


@pytest.mark.parametrize(
    ("overrides", "mode", "expected"),
    [
        ({"is_dm": True}, None, "dm"),
        ({"is_dm": True, "author_is_bot": True}, None, None),
        ({"mentions_bot": True, "author_is_bot": True}, "always", None),
        ({"mentions_bot": True, "is_system": True}, None, None),
        ({"mentions_bot": True}, None, "mention"),
        ({"mentions_bot": True}, "mention", "mention"),
        ({"replies_to_bot": True}, None, "reply"),
        ({}, None, None),
        ({}, "mention", None),
        ({}, "always", "always"),
        ({"has_text": False}, "always", None),
        ({"mentions_bot": True}, "off", None),
        ({"replies_to_bot": True}, "off", None),
    ],
)
def test_reason_to_answer(overrides: dict, mode: str | None, expected: str | None) -> None:
    assert reason_to_answer(facts(**overrides), mode) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hi @everyone", "hi @\u200beveryone"),
        ("@HERE now", "@\u200bHERE now"),
        ("ping <@&123456789012345678>", "ping @role"),
        ("mail me@example.com", "mail me@example.com"),
        ("<@123456789012345678> hi", "<@123456789012345678> hi"),  # renders, never pings
    ],
)
def test_defuse_mentions(text: str, expected: str) -> None:
    assert defuse_mentions(text) == expected


def test_gate_runs_filters_then_defuses_and_is_idempotent() -> None:
    gate = OutputGate([lambda t: t.replace("bad", "b*d")])
    once = gate.render("bad @everyone")
    assert once == "b*d @\u200beveryone"
    assert gate.render(once) == once
