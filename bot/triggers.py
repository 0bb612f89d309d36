"""When Hearth speaks in chat: the rule, kept apart from Discord so it can be tested alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.storage import ChatMode

DEFAULT_CHAT_MODE: ChatMode = "mention"

Reason = Literal["dm", "mention", "reply", "always"]


@dataclass(frozen=True, slots=True)
class MessageFacts:
    """What the chat cog knows about an incoming message."""

    author_is_bot: bool
    is_system: bool
    is_dm: bool
    mentions_bot: bool
    replies_to_bot: bool
    has_text: bool


def reason_to_answer(facts: MessageFacts, mode: ChatMode | None) -> Reason | None:
    """Why Hearth should answer this message, or None when it should stay quiet.

    Never bots (itself included, so two bots cannot loop) nor system messages. In DMs it
    always answers. In a server the channel's mode decides: ``off`` silences chat entirely,
    ``mention`` (the default) answers mentions and replies to Hearth, ``always`` answers every
    message.
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
    if mode == "always" and facts.has_text:
        return "always"
    return None
