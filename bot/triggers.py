"""When Hearth speaks in chat: the rule, kept apart from Discord so it can be tested alone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.storage import ChatMode

DEFAULT_CHAT_MODE: ChatMode = "mention"

Reason = Literal["dm", "mention", "reply", "name", "always"]
_GREETING_WORDS = r"(?:(?:hey|hi|hello|ok|okay|oh|yo|dear)[,!]?\s+)?"


@dataclass(frozen=True, slots=True)
class MessageFacts:
    """What the chat cog knows about an incoming message."""

    author_is_bot: bool
    is_system: bool
    is_dm: bool
    mentions_bot: bool
    replies_to_bot: bool
    has_text: bool
    addresses_by_name: bool = False


def reason_to_answer(facts: MessageFacts, mode: ChatMode | None) -> Reason | None:
    """Why Hearth should answer this message, or None when it should stay quiet.

    Never bots (itself included, so two bots cannot loop) nor system messages. In DMs it
    always answers. In a server the channel's mode decides: ``off`` silences chat entirely,
    ``mention`` (the default) answers mentions, replies to Hearth and messages that start by
    calling its persona's name ("Shannon, ..."), ``always`` also answers every other message
    (the caller applies the channel's cooldown to those).
    """
    if facts.author_is_bot or facts.is_system:
        return None
    if facts.is_dm:
        return "dm"
    mode = mode or DEFAULT_CHAT_MODE
    if mode == "off":
        return None
    if facts.mentions_bot:
        return "mention"
    if facts.replies_to_bot:
        return "reply"
    if facts.addresses_by_name:
        return "name"
    if mode == "always" and facts.has_text:
        return "always"
    return None


def _name_pattern(name: str) -> re.Pattern[str]:
    return re.compile(
        rf"^\s*{_GREETING_WORDS}{re.escape(name)}(?![\w'])[\s,:;!?.-]*", re.IGNORECASE
    )


def addressed_by_name(text: str, name: str) -> bool:
    """True when the message starts by calling the bot: "Shannon, ...", "hey shannon!"."""
    return bool(name.strip()) and _name_pattern(name.strip()).match(text) is not None


def strip_name_address(text: str, name: str) -> str:
    """The message without the leading call ("Shannon, what's up?" -> "what's up?")."""
    stripped = _name_pattern(name.strip()).sub("", text, count=1).strip()
    return stripped or text
