"""LLM memory extraction: after a reply, a remote model proposes memory operations as JSON.

The model sees the user's message, the reply, and the user's existing memories in this place
(with their ids), and answers with ``{"operations": [...]}``: ``add`` (kind + content),
``update`` (id + content), ``delete`` (id) or ``none``. The answer is validated by pydantic;
anything that is not exactly that shape is ignored as a whole, and the service then checks
each operation again (ids must be among those shown, content must hold no secret).

It runs after the reply was sent (the lead schedules it as a task), so it never delays chat.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Sequence
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from bot.brain.base import Brain, BrainError, ChatMessage, ChatRequest, Speaker
from bot.storage.memory_repo import Memory, MemoryKind
from persona import DEFAULT_PERSONA_ID, get_preset

log = logging.getLogger(__name__)

MAX_OPERATIONS = 8
MAX_ANSWER_CHARS = 8_000  # a model rambling past this is not answering the question
DEFAULT_TIMEOUT = 30.0

Content = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class _Operation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AddOperation(_Operation):
    """Remember a new fact."""

    op: Literal["add"]
    kind: MemoryKind
    content: Content
    key: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] | None = None


class UpdateOperation(_Operation):
    """Replace the content of an existing memory (by id)."""

    op: Literal["update"]
    id: int = Field(ge=1)
    content: Content


class DeleteOperation(_Operation):
    """Forget an existing memory (by id)."""

    op: Literal["delete"]
    id: int = Field(ge=1)


class NoOperation(_Operation):
    """Nothing worth remembering."""

    op: Literal["none"]


Operation = Annotated[
    AddOperation | UpdateOperation | DeleteOperation | NoOperation, Field(discriminator="op")
]


class Proposal(BaseModel):
    """The whole answer the model must give."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    operations: list[Operation] = Field(max_length=MAX_OPERATIONS)


INSTRUCTIONS = """\
You maintain a small memory of facts a user has shared about THEMSELVES with a chat bot.
Read the user's latest message (and the bot's reply, for context) and decide whether the
memory should change. Answer with ONE JSON object and nothing else:
{"operations": [ ... ]}
Each operation is one of:
  {"op": "add", "kind": KIND, "content": "short fact"}    (a new fact)
  {"op": "update", "id": ID, "content": "short fact"}      (an existing memory changed)
  {"op": "delete", "id": ID}                                (it is no longer true)
  {"op": "none"}                                            (nothing to change)
KIND is one of: name, nickname, pronouns, like, dislike, hobby, pet, family, place, work,
study, birthday, goal, situation, note.
Rules:
- Only facts the user states about themselves, plainly and seriously. Questions,
  hypotheticals ("what if"), role-play, stories, jokes and things about other people
  (except family members' names and pets) are NOT facts.
- Never store passwords, codes, API keys or tokens, card numbers, government ids, phone
  numbers, email addresses, exact addresses, health conditions, or anything the user asks
  you not to remember. A city or country is fine; a street address is not.
- content is short and plain, in the third person without the subject: "jazz",
  "dog called Biscuit", "exam on Friday". At most 200 characters.
- Prefer update or delete of an existing memory (use its id) over adding a near-duplicate.
- Use only ids from the list of existing memories.
- When in doubt, answer {"operations": [{"op": "none"}]}."""

_JSON_OBJECT = re.compile(r"\{.*\}", re.DOTALL)
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.IGNORECASE)


def build_request(
    speaker: Speaker, user_text: str, reply: str, existing: Sequence[Memory]
) -> ChatRequest:
    """The request asking a model for memory operations about one exchange."""
    memories = [{"id": m.id, "kind": m.kind, "content": m.content} for m in existing]
    payload = {
        "existing_memories": memories,
        "user_message": user_text[:2000],
        "bot_reply": reply[:1000],
    }
    return ChatRequest(
        system_prompt=INSTRUCTIONS,
        messages=(ChatMessage("user", json.dumps(payload, ensure_ascii=False)),),
        speaker=speaker,
        persona=get_preset(DEFAULT_PERSONA_ID),
        temperature=0.0,
        max_tokens=400,
        extra={"purpose": "memory-extraction"},
    )


def parse_proposal(answer: str) -> Proposal | None:
    """The model's answer as a validated Proposal, or None when it is anything else."""
    text = _FENCE.sub("", answer.strip())
    found = _JSON_OBJECT.search(text)
    if found is None:
        return None
    try:
        return Proposal.model_validate_json(found.group())
    except ValidationError as error:
        log.info("ignored an invalid memory proposal: %s", error.errors()[:3])
        return None


class LLMExtractor:
    """Asks a brain for a :class:`Proposal`; any failure means "no proposal"."""

    def __init__(self, brain: Brain, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        if timeout <= 0:
            raise ValueError(f"timeout must be above 0 seconds, got {timeout}")
        self.brain = brain
        self.timeout = timeout

    async def propose(
        self, speaker: Speaker, user_text: str, reply: str, existing: Sequence[Memory]
    ) -> Proposal | None:
        """The model's proposal for this exchange, or None (invalid, failed or too slow)."""
        request = build_request(speaker, user_text, reply, existing)
        try:
            async with asyncio.timeout(self.timeout):
                answer = await self._collect(request)
        except (BrainError, TimeoutError) as error:
            log.info("memory extraction by %s failed: %s", self.brain.name, error)
            return None
        if answer is None:
            return None
        return parse_proposal(answer)

    async def _collect(self, request: ChatRequest) -> str | None:
        parts: list[str] = []
        size = 0
        async for chunk in self.brain.stream(request):
            parts.append(chunk)
            size += len(chunk)
            if size > MAX_ANSWER_CHARS:
                return None
        return "".join(parts)
