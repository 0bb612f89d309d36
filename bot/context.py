"""Fitting a conversation into a model's context window.

Token counts are estimated, not computed with a model's tokenizer (Hearth talks to any
model, and tokenizers are heavy): about 3.5 characters per token plus a per-message
overhead. The estimate is deliberately generous, so a context that fits here fits the model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from bot.brain.base import ChatMessage

CHARS_PER_TOKEN = 3.5
MESSAGE_OVERHEAD = 4  # role markers and separators


def estimate_tokens(text: str) -> int:
    """A generous estimate of how many tokens ``text`` takes."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def message_tokens(message: ChatMessage) -> int:
    """The estimated cost of one message in the context, name prefix included."""
    name = len(message.name) + 3 if message.name else 0
    return estimate_tokens(message.content) + MESSAGE_OVERHEAD + math.ceil(name / CHARS_PER_TOKEN)


def fit_to_budget(
    system_prompt: str,
    history: Sequence[ChatMessage],
    latest: ChatMessage,
    *,
    budget: int,
    reserve: int,
) -> tuple[ChatMessage, ...]:
    """The newest history that fits beside the system prompt, the latest message and
    ``reserve`` tokens for the reply; oldest turns are dropped first, the latest never."""
    available = budget - reserve - estimate_tokens(system_prompt) - message_tokens(latest)
    kept: list[ChatMessage] = []
    for message in reversed(history):
        cost = message_tokens(message)
        if cost > available:
            break
        available -= cost
        kept.append(message)
    kept.reverse()
    # A context should not open with the bot talking to nobody.
    while kept and kept[0].role == "assistant":
        kept.pop(0)
    return (*kept, latest)
