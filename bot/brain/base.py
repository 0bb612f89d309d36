"""The Brain protocol: whatever produces the bot's words, streamed as text chunks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:
    from persona import Persona

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One message of the context sent to a brain.

    ``name`` is the speaker's display name; remote brains show it to the model as a
    "[name] " prefix so that multi-person channels make sense.
    """

    role: Role
    content: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Speaker:
    """Who the bot is answering, and where (so replies and memory stay per user and place)."""

    user_id: int
    display_name: str
    guild_id: int | None
    channel_id: int


@dataclass(frozen=True)
class ChatRequest:
    """Everything a brain needs for one reply."""

    system_prompt: str
    messages: tuple[ChatMessage, ...]
    speaker: Speaker
    persona: Persona
    temperature: float | None = None
    max_tokens: int | None = None
    model: str | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def last_user_text(self) -> str:
        """The text the bot is answering."""
        for message in reversed(self.messages):
            if message.role == "user":
                return message.content
        return ""


class BrainError(Exception):
    """A brain could not answer; ``user_message`` is safe to show in Discord."""

    def __init__(self, message: str, *, user_message: str | None = None) -> None:
        super().__init__(message)
        self.user_message = user_message or "I couldn't think of an answer just now, sorry."


@runtime_checkable
class Brain(Protocol):
    """Produces a reply as a stream of text chunks."""

    name: str

    def stream(self, request: ChatRequest) -> AsyncIterator[str]:
        """Yield the reply, chunk by chunk."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...
