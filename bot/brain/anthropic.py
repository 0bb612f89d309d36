"""The Anthropic brain: the Messages API (``POST {base}/v1/messages``), streamed over SSE.

The Messages API is stricter than chat completions about the conversation's shape, so the
request is reshaped first: the system prompt (and any system-role message) goes to the
top-level ``system`` field; consecutive messages of one role are merged (joined by a blank
line); leading assistant messages are dropped, because the first message must be the
user's; empty messages are skipped (the API refuses empty text).

Stream events handled: message_start (model, input tokens), content_block_start /
content_block_delta (text_delta is the reply; thinking and tool deltas are ignored),
content_block_stop, message_delta (stop_reason, output tokens), message_stop (the end),
ping, and error (mapped to the same errors as HTTP statuses, e.g. overloaded_error to
:class:`~bot.brain.errors.ServerOverloaded`). Unknown events are ignored, as Anthropic's
versioning policy asks. Usage is reported as for the OpenAI brain (see
:mod:`bot.brain.openai`): input tokens (cache reads and writes included) as
``prompt_tokens``, output tokens as ``completion_tokens``, stop_reason as ``finish_reason``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx

from bot.brain.base import ChatRequest
from bot.brain.errors import (
    BadRequest,
    ErrorContext,
    RetryPolicy,
    StreamBroken,
    error_for_content_type,
    error_from_status,
    error_from_stream_payload,
    error_from_transport,
    redact,
)
from bot.brain.openai import (
    RetryingStream,
    Usage,
    http_client,
    optional_llm_settings,
    parse_json_event,
    secret_header_values,
    speaker_text,
)
from bot.brain.sse import aiter_sse
from bot.settings import ConfigError

log = logging.getLogger(__name__)

ANTHROPIC_API_URL = "https://api.anthropic.com"


class AnthropicBrain(RetryingStream):
    """Streams replies from Anthropic's Messages API."""

    def __init__(
        self,
        base_url: str = ANTHROPIC_API_URL,
        *,
        model: str,
        api_key: str | None,
        max_tokens: int = 1024,
        anthropic_version: str = "2023-06-01",
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 60.0,
        max_retries: int = 2,
        retry_policy: RetryPolicy | None = None,
        client: httpx.AsyncClient | None = None,
        name: str = "anthropic",
    ) -> None:
        """``max_tokens`` is the default reply cap (the API requires one); a request's own
        ``max_tokens`` wins. ``extra_body``/``extra_headers`` (e.g. ``anthropic-beta``) are
        merged in; a given ``client`` is not closed by us."""
        self.name = name
        self.base_url = base_url.rstrip("/").removesuffix("/v1")
        self.model = model
        self.max_tokens = max_tokens
        self.anthropic_version = anthropic_version
        self._api_key = api_key or None
        self._extra_headers = dict(extra_headers or {})
        self._extra_body = dict(extra_body or {})
        self._policy = retry_policy or RetryPolicy(max_retries=max_retries)
        self._owns_client = client is None
        self._client = client or http_client(connect_timeout, read_timeout)
        self._secrets = (self._api_key, *secret_header_values(self._extra_headers))
        self.last_usage: Usage | None = None

    @classmethod
    def from_settings(cls, settings: Any, **overrides: Any) -> AnthropicBrain:
        """Built from Hearth's settings (HEARTH_LLM_*); ``overrides`` win."""
        if settings.llm_api_key is None:
            raise ConfigError(
                "HEARTH_BRAIN=anthropic needs HEARTH_LLM_API_KEY (create one in the "
                "Anthropic console under API keys)"
            )
        if not settings.llm_model:
            raise ConfigError(
                "HEARTH_BRAIN=anthropic needs HEARTH_LLM_MODEL, e.g. claude-3-5-haiku-latest"
            )
        kwargs: dict[str, Any] = {
            "model": settings.llm_model,
            "api_key": settings.llm_api_key.get_secret_value(),
            **optional_llm_settings(settings),
            **overrides,
        }
        return cls(settings.llm_base_url or ANTHROPIC_API_URL, **kwargs)

    def __repr__(self) -> str:  # never shows the key
        return f"AnthropicBrain({self.base_url!r}, model={self.model!r})"

    @property
    def url(self) -> str:
        """The endpoint replies are streamed from."""
        return f"{self.base_url}/v1/messages"

    def build_body(self, request: ChatRequest) -> dict[str, Any]:
        """The JSON body for ``request``: reshaped as the module docstring describes."""
        system = [request.system_prompt] if request.system_prompt else []
        turns: list[dict[str, str]] = []
        for message in request.messages:
            if message.role == "system":
                system.append(message.content)
                continue
            if not message.content.strip():
                continue
            text = speaker_text(message)
            if turns and turns[-1]["role"] == message.role:
                turns[-1]["content"] += "\n\n" + text
            else:
                turns.append({"role": message.role, "content": text})
        while turns and turns[0]["role"] != "user":
            turns.pop(0)
        if not turns:
            raise BadRequest(
                "nothing to send to the Anthropic API: the conversation has no user message",
                user_message="I didn't catch a message to answer. Could you say that again?",
            )
        body: dict[str, Any] = dict(self._extra_body)
        body.update(
            model=request.model or self.model,
            max_tokens=request.max_tokens or self.max_tokens,
            messages=turns,
            stream=True,
        )
        if system:
            body["system"] = "\n\n".join(system)
        if request.temperature is not None:
            body["temperature"] = request.temperature
        llm = getattr(request.persona, "llm", None)
        if llm is not None and llm.top_p is not None:
            body["top_p"] = llm.top_p
        return body

    def headers(self) -> dict[str, str]:
        """Request headers: x-api-key and anthropic-version (plus any extra headers)."""
        headers = {
            "Accept": "text/event-stream",
            "anthropic-version": self.anthropic_version,
            **self._extra_headers,
        }
        if self._api_key:
            headers["x-api-key"] = self._api_key
        return headers

    async def _attempt(
        self, body: dict[str, Any], usage: Usage, ctx: ErrorContext
    ) -> AsyncIterator[str]:
        finished = False
        try:
            async with self._client.stream(
                "POST", self.url, json=body, headers=self.headers()
            ) as response:
                if response.status_code >= 400:
                    raw = await response.aread()
                    raise error_from_status(response.status_code, response.headers, raw, ctx)
                wrong = error_for_content_type(response.headers.get("content-type", ""), ctx)
                if wrong is not None:
                    raise wrong
                async for event in aiter_sse(response.aiter_bytes()):
                    if event.event == "ping":
                        continue
                    payload = parse_json_event(event.data, ctx)
                    kind = payload.get("type") or event.event
                    if kind == "message_stop":
                        finished = True
                        break
                    text = self._read_event(kind, payload, usage, ctx)
                    if text:
                        yield text
        except httpx.HTTPError as exc:
            raise error_from_transport(exc, ctx) from exc
        if not finished:
            raise StreamBroken(
                f"the Anthropic API at {redact(ctx.url, ctx.secrets)} ended the stream before "
                "message_stop"
            )

    @staticmethod
    def _read_event(kind: str, payload: dict[str, Any], usage: Usage, ctx: ErrorContext) -> str:
        """The text carried by one event (often none), recording usage on the way."""
        if kind == "error":
            raise error_from_stream_payload(payload, ctx)
        if kind == "message_start":
            message = _dict(payload.get("message"))
            if isinstance(message.get("model"), str):
                usage.model = message["model"]
            _record_counts(_dict(message.get("usage")), usage)
        elif kind == "content_block_start":
            block = _dict(payload.get("content_block"))
            if block.get("type") == "text" and isinstance(block.get("text"), str):
                return block["text"]
        elif kind == "content_block_delta":
            delta = _dict(payload.get("delta"))
            if delta.get("type") == "text_delta" and isinstance(delta.get("text"), str):
                return delta["text"]
        elif kind == "message_delta":
            reason = _dict(payload.get("delta")).get("stop_reason")
            if isinstance(reason, str):
                usage.finish_reason = reason
            _record_counts(_dict(payload.get("usage")), usage)
        return ""

    async def aclose(self) -> None:
        """Close the HTTP client (unless it was handed to us)."""
        if self._owns_client:
            await self._client.aclose()


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _record_counts(counts: dict[str, Any], usage: Usage) -> None:
    """Anthropic's counts are cumulative, so the latest figures replace earlier ones."""
    inputs = [
        counts.get(k)
        for k in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
    ]
    numbers = [n for n in inputs if isinstance(n, int) and not isinstance(n, bool)]
    if numbers:
        usage.prompt_tokens = sum(numbers)
    output = counts.get("output_tokens")
    if isinstance(output, int) and not isinstance(output, bool):
        usage.completion_tokens = output
