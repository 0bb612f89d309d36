"""The offline brain's basic intents, honesty and no-repeat rule."""

from __future__ import annotations

import random

import pytest

from bot.brain.base import ChatMessage, ChatRequest, Speaker
from bot.brain.offline import OfflineBrain, detect_intent, normalise
from persona import get_preset

SHANNON = get_preset("shannon")


def request(text: str, user_id: int = 1) -> ChatRequest:
    return ChatRequest(
        system_prompt="",
        messages=(ChatMessage("user", text, name="Sam"),),
        speaker=Speaker(user_id, "Sam", None, 10),
        persona=SHANNON,
    )


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("hi", "greeting"),
        ("Hello there!", "greeting"),
        ("hey hearth", "greeting"),
        ("good morning", "greeting"),
        ("yo", "greeting"),
        ("bonjour", "greeting"),
        ("thanks!", "thanks"),
        ("thank you so much", "thanks"),
        ("ty", "thanks"),
        ("bye", "farewell"),
        ("good night", "farewell"),
        ("gotta go, see ya", "farewell"),
        ("who are you?", "who_are_you"),
        ("what's your name", "who_are_you"),
        ("tell me about yourself", "who_are_you"),
        ("are you a real person?", "are_you_human"),
        ("are you human", "are_you_human"),
        ("am I talking to a bot?", "are_you_human"),
        ("r u real", None),
        ("what can you do?", "capabilities"),
        ("help", "capabilities"),
        ("how are you?", "how_are_you"),
        ("how's it going", "how_are_you"),
        ("what's the capital of Peru?", None),
        ("quantum chromodynamics", None),
        ("😀🎉", "empty"),
        ("\u200b\u200d", "empty"),
        ("", "empty"),
        ("ＨＥＬＬＯ", "greeting"),  # fullwidth letters
        ("h\u200bi", "greeting"),  # zero-width space inside the word
    ],
)
def test_intents(text: str, intent: str | None) -> None:
    assert detect_intent(text) == intent


def test_normalise_removes_mentions_and_punctuation() -> None:
    assert normalise("<@123456789012345678> Hello, World!!") == "hello world"


def test_human_question_always_gets_an_honest_ai_answer() -> None:
    brain = OfflineBrain(random.Random(1))
    for _ in range(5):
        reply = brain.reply(request("are you a real person?"))
        assert "AI" in reply


def test_unknown_question_is_answered_honestly_not_invented() -> None:
    reply = OfflineBrain(random.Random(2)).reply(request("what's the capital of Peru?"))
    assert any(line.split("{")[0][:20] in reply for line in SHANNON.dont_know)
    assert "/help" in reply


def test_greeting_uses_the_persona_lines_and_the_users_name() -> None:
    reply = OfflineBrain(random.Random(3)).reply(request("hello"))
    rendered = {SHANNON.render_line(line, user="Sam") for line in SHANNON.greetings}
    assert reply in rendered


def test_does_not_repeat_a_recent_reply_while_alternatives_remain() -> None:
    brain = OfflineBrain(random.Random(4))
    replies = [brain.reply(request("hello")) for _ in range(len(SHANNON.greetings))]
    assert len(set(replies)) == len(replies)


def test_recent_replies_are_tracked_per_user() -> None:
    brain = OfflineBrain(random.Random(5))
    first = brain.reply(request("thanks", user_id=1))
    other = [brain.reply(request("thanks", user_id=2)) for _ in range(3)]
    assert first in other or len(set(other)) == 3
