"""Care for people in distress: detection and the reply the bot gives.

Detection is part of the filter: the ``self_harm`` lexicon (``data/self_harm.toml``)
matches suicidal ideation and self-harm, including obfuscated and indirect phrasing
("kms", "I want to end it all", "I don't want to be here anymore", "no reason to live"),
while everyday hyperbole ("this exam is killing me", "I could die of embarrassment") is
deliberately left out. A match gives the ``care`` verdict at every strictness; it never
blocks the person.

:func:`care_message` is what the bot says then: warm, short, not a lecture; it encourages
reaching out to someone trusted, lists where to get help now, and offers to keep talking.
It never mentions any means or method of self-harm.
"""

from __future__ import annotations

from bot.moderation.filter import ModerationFilter, Verdict
from bot.moderation.policy import Policy

RESOURCES = (
    "If you might be in danger right now, please call your local emergency number.",
    "In the US you can call or text 988 (Suicide & Crisis Lifeline), any time.",
    "In the UK & Ireland, Samaritans are there on 116 123, day or night.",
    "Anywhere else, findahelpline.com lists free, confidential helplines in your country.",
)
"""Where to get help, one line each, in the order the message gives them."""


def care_message(persona_name: str) -> str:
    """The caring reply, spoken as ``persona_name``.

    >>> "988" in care_message("Shannon") and "findahelpline.com" in care_message("Shannon")
    True
    """
    name = " ".join(persona_name.split()) or "your friend here"
    lines = [
        "I'm really glad you told me. It sounds like you're carrying something heavy right "
        "now, and you don't have to carry it on your own.",
        "Could you reach out to someone you trust today, a friend, someone in your family, "
        "or someone nearby? Talking to a real person can help more than it seems.",
        *RESOURCES,
        f"I'm {name}, and I'm still here. If you'd like to keep talking, I'm listening, "
        "no pressure and no judgement.",
    ]
    return "\n".join(lines)


def is_distress(text: str, moderation: ModerationFilter | None = None) -> bool:
    """True when ``text`` gets the ``care`` verdict (convenience for callers and tests)."""
    verdict: Verdict = (moderation or ModerationFilter()).check_input(text, Policy())
    return verdict.verdict == "care"
