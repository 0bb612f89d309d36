"""The OpenAI-compatible brain: any ``/chat/completions`` server, streamed over SSE.

Works with Ollama (``http://localhost:11434/v1``), the llama.cpp server, vLLM, LM Studio,
OpenRouter and OpenAI itself. ``Authorization: Bearer`` is sent only when a key is set.

Usage (token counts, finish reason) is reported per call, so concurrent replies never
overwrite each other's figures: put a :class:`Usage` collector into the request with
:func:`with_usage` (it travels in ``ChatRequest.extra["usage"]``, so wrappers such as
:class:`~bot.brain.fallback.FallbackBrain` pass it on untouched), and read it once the
stream ends. ``brain.last_usage`` is a convenience for single-caller tools (doctor,
benchmarks): the figures of whichever call finished last.

This module also holds the two small pieces both remote brains share (:class:`Usage` and
:func:`speaker_text`).
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from bot.brain.base import ChatMessage, ChatRequest
from bot.brain.errors import (
    ErrorContext,
    MalformedResponse,
    RetryPolicy,
    StreamBroken,
    error_for_content_type,
    error_from_status,
    error_from_stream_payload,
    error_from_transport,
    redact,
    stream_with_retries,
)
from bot.brain.sse import aiter_sse
from bot.settings import ConfigError

log = logging.getLogger(__name__)

USAGE_KEY = "usage"
_SECRET_HEADER_WORDS = ("key", "auth", "token", "secret")


@dataclass
class Usage:
    """How one reply went: token counts (None when the server did not say), why it ended
    (``finish_reason``: e.g. "stop", "length"; Anthropic's stop_reason), the model that
    answered, how many HTTP attempts it took, and which brain produced the text."""

    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    finish_reason: str | None = None
    model: str | None = None
    attempts: int = 0
    brain: str | None = None


def with_usage(request: ChatRequest) -> tuple[ChatRequest, Usage]:
    """A copy of ``request`` carrying a fresh :class:`Usage` collector, and the collector."""
    usage = Usage()
    return dataclasses.replace(request, extra={**request.extra, USAGE_KEY: usage}), usage


def usage_of(request: ChatRequest) -> Usage:
    """The request's collector, or a throwaway one when the caller did not ask for usage."""
    found = request.extra.get(USAGE_KEY)
    return found if isinstance(found, Usage) else Usage()


def speaker_text(message: ChatMessage) -> str:
    """What the model sees: user messages as "[name] text" so it can tell people apart."""
    if message.role == "user" and message.name:
        return f"[{message.name}] {message.content}"
    return message.content


def http_client(connect_timeout: float, read_timeout: float) -> httpx.AsyncClient:
    """An httpx client for streaming: a short connect timeout and a per-read timeout
    (the longest silence allowed between two pieces of the stream)."""
    return httpx.AsyncClient(timeout=httpx.Timeout(read_timeout, connect=connect_timeout))


def secret_header_values(headers: Mapping[str, str]) -> list[str]:
    """Values of headers whose names suggest a credential (redacted from every message)."""
    return [v for k, v in headers.items() if any(w in k.lower() for w in _SECRET_HEADER_WORDS)]


def parse_json_event(data: str, ctx: ErrorContext) -> dict[str, Any]:
    """One SSE data field as a JSON object, or :class:`MalformedResponse`."""
    try:
        payload = json.loads(data)
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        shown = redact(data[:120], ctx.secrets)
        raise MalformedResponse(
            f"the LLM server at {redact(ctx.url, ctx.secrets)} sent a stream chunk that is "
            f"not a JSON object: {shown!r}"
        )
    return payload


class RetryingStream:
    """The streaming loop both remote brains share: build the body, then run attempts with
    retries (only before any text was shown), recording usage. Subclasses provide
    ``build_body``, ``url``, ``name``, ``_attempt`` and the key/policy attributes."""

    name: str
    url: str
    last_usage: Usage | None
    _secrets: Any
    _api_key: str | None
    _policy: Any

    def build_body(self, request: ChatRequest) -> dict[str, Any]:
        raise NotImplementedError

    def _attempt(self, body: dict[str, Any], usage: Usage, ctx: ErrorContext) -> AsyncIterator[str]:
        raise NotImplementedError

    async def stream(self, request: ChatRequest) -> AsyncIterator[str]:
        """Yield the reply's text as it arrives; raise a RemoteBrainError on failure."""
        body = self.build_body(request)
        usage = usage_of(request)
        usage.brain = self.name
        ctx = ErrorContext(self.url, body["model"], self._secrets, self._api_key is not None)

        def attempt(number: int) -> AsyncIterator[str]:
            usage.attempts = number + 1
            return self._attempt(body, usage, ctx)

        try:
            async for text in stream_with_retries(attempt, self._policy, log=log, name=self.name):
                yield text
        finally:
            self.last_usage = usage


class OpenAICompatibleBrain(RetryingStream):
    """Streams replies from ``POST {base_url}/chat/completions``."""

    def __init__(
        self,
        base_url: str,
        *,
        model: str,
        api_key: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 60.0,
        max_retries: int = 2,
        retry_policy: RetryPolicy | None = None,
        include_usage: bool = True,
        client: httpx.AsyncClient | None = None,
        name: str = "openai",
    ) -> None:
        """``extra_body`` fields are defaults that the request's own fields override;
        ``include_usage=False`` drops ``stream_options`` for servers that reject it;
        ``retry_policy`` replaces ``max_retries``; a given ``client`` is not closed by us."""
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.model = model
        self._api_key = api_key or None
        self._extra_headers = dict(extra_headers or {})
        self._extra_body = dict(extra_body or {})
        self._include_usage = include_usage
        self._policy = retry_policy or RetryPolicy(max_retries=max_retries)
        self._owns_client = client is None
        self._client = client or http_client(connect_timeout, read_timeout)
        self._secrets = (self._api_key, *secret_header_values(self._extra_headers))
        self.last_usage: Usage | None = None

    @classmethod
    def from_settings(cls, settings: Any, **overrides: Any) -> OpenAICompatibleBrain:
        """Built from Hearth's settings (HEARTH_LLM_*); ``overrides`` win."""
        if not settings.llm_base_url:
            raise ConfigError(
                "HEARTH_BRAIN=openai needs HEARTH_LLM_BASE_URL, "
                "e.g. http://localhost:11434/v1 for Ollama"
            )
        if not settings.llm_model:
            raise ConfigError("HEARTH_BRAIN=openai needs HEARTH_LLM_MODEL, e.g. llama3.2")
        kwargs: dict[str, Any] = {
            "model": settings.llm_model,
            "api_key": settings.llm_api_key.get_secret_value() if settings.llm_api_key else None,
            **optional_llm_settings(settings),
            **overrides,
        }
        return cls(settings.llm_base_url, **kwargs)

    def __repr__(self) -> str:  # never shows the key
        return f"OpenAICompatibleBrain({self.base_url!r}, model={self.model!r})"

    @property
    def url(self) -> str:
        """The endpoint replies are streamed from."""
        return f"{self.base_url}/chat/completions"

    def build_body(self, request: ChatRequest) -> dict[str, Any]:
        """The JSON body for ``request`` (extra_body first, the request's fields over it)."""
        messages: list[dict[str, str]] = []
        if request.system_prompt:
            messages.append({"role": "system", "content": request.system_prompt})
        messages.extend({"role": m.role, "content": speaker_text(m)} for m in request.messages)
        body: dict[str, Any] = dict(self._extra_body)
        body.update(model=request.model or self.model, messages=messages, stream=True)
        if self._include_usage:
            options = body.get("stream_options")
            options = options if isinstance(options, dict) else {}
            body["stream_options"] = {**options, "include_usage": True}
        if request.temperature is not None:
            body["temperature"] = request.temperature
        if request.max_tokens is not None:
            body["max_tokens"] = request.max_tokens
        llm = getattr(request.persona, "llm", None)
        if llm is not None and llm.top_p is not None:
            body["top_p"] = llm.top_p
        return body

    def headers(self) -> dict[str, str]:
        """Request headers; Authorization only when a key is set."""
        headers = {"Accept": "text/event-stream", **self._extra_headers}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
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
                content_type = response.headers.get("content-type", "")
                wrong = error_for_content_type(content_type, ctx)
                if wrong is not None:
                    raise wrong
                if "application/json" in content_type:
                    # A server that ignored stream=true and answered in one piece.
                    payload = parse_json_event(
                        (await response.aread()).decode(errors="replace"), ctx
                    )
                    text, finished = self._read_chunk(payload, usage, ctx, whole=True)
                    if text:
                        yield text
                else:
                    async for event in aiter_sse(response.aiter_bytes()):
                        if event.data.strip() == "[DONE]":
                            finished = True
                            break
                        payload = parse_json_event(event.data, ctx)
                        if event.event == "error":
                            raise error_from_stream_payload(payload, ctx)
                        text, done = self._read_chunk(payload, usage, ctx)
                        finished = finished or done
                        if text:
                            yield text
        except httpx.HTTPError as exc:
            raise error_from_transport(exc, ctx) from exc
        if not finished:
            raise StreamBroken(
                f"the LLM server at {redact(ctx.url, ctx.secrets)} ended the stream before "
                "the reply was finished (no finish_reason and no [DONE])"
            )

    @staticmethod
    def _read_chunk(
        payload: dict[str, Any], usage: Usage, ctx: ErrorContext, *, whole: bool = False
    ) -> tuple[str, bool]:
        """(text, finished) from one chunk (or from a whole non-streamed completion)."""
        if payload.get("error"):
            raise error_from_stream_payload(payload, ctx)
        if isinstance(payload.get("model"), str):
            usage.model = payload["model"]
        counts = payload.get("usage")
        if isinstance(counts, dict):
            usage.prompt_tokens = _int(counts.get("prompt_tokens"), usage.prompt_tokens)
            usage.completion_tokens = _int(counts.get("completion_tokens"), usage.completion_tokens)
        choices = payload.get("choices")
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            return "", False
        choice = choices[0]
        part = choice.get("message" if whole else "delta")
        content = part.get("content") if isinstance(part, dict) else None
        reason = choice.get("finish_reason")
        if isinstance(reason, str) and reason:
            usage.finish_reason = reason
        return (content if isinstance(content, str) else ""), bool(reason) or whole

    async def aclose(self) -> None:
        """Close the HTTP client (unless it was handed to us)."""
        if self._owns_client:
            await self._client.aclose()


def _int(value: Any, default: int | None) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def optional_llm_settings(settings: Any) -> dict[str, Any]:
    """Constructor arguments from the optional HEARTH_LLM_* settings, when Settings has them
    (timeouts, retries, extra headers/body)."""
    names = {
        "llm_connect_timeout": "connect_timeout",
        "llm_read_timeout": "read_timeout",
        "llm_max_retries": "max_retries",
        "llm_extra_headers": "extra_headers",
        "llm_extra_body": "extra_body",
    }
    found: dict[str, Any] = {}
    for setting, argument in names.items():
        value = getattr(settings, setting, None)
        if value is not None:
            found[argument] = value
    return found
