"""What can go wrong with a remote LLM brain, and whether trying again is safe.

Every failure is a :class:`RemoteBrainError` (a :class:`~bot.brain.base.BrainError`) of one
precise kind, with two audiences: ``str(error)`` is the operator's message (what failed,
where, which setting to check; the API key is always redacted), ``user_message`` is a
friendly line that is safe to show in Discord. Each error also says whether it is
``retryable`` and carries ``partial_text``, the reply text already shown before it happened.

Retries (:func:`stream_with_retries`) happen only while nothing has been shown: for rate
limits (honouring the server's retry-after up to a cap; longer waits fail at once), server
errors and connection failures. Once text has been shown, an error is final.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import json
import logging
import random
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import httpx

from bot.brain.base import BrainError

MIDWAY_USER_MESSAGE = (
    "(My connection to my language model dropped partway through, sorry — that's as far as I got.)"
)
_DETAIL_LIMIT = 300


class RemoteBrainError(BrainError):
    """A remote brain failed. ``str()`` is for operators; ``user_message`` is for Discord."""

    default_retryable: ClassVar[bool] = False
    default_user_message: ClassVar[str] = "My language model ran into a problem. Try again soon?"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retryable: bool | None = None,
        partial_text: str = "",
        user_message: str | None = None,
    ) -> None:
        super().__init__(message, user_message=user_message or self.default_user_message)
        self.status = status
        self.retryable = self.default_retryable if retryable is None else retryable
        self.partial_text = partial_text
        if partial_text:
            self.mark_partial(partial_text)

    def mark_partial(self, text: str) -> None:
        """Record that ``text`` was already shown: never retry, and say the reply was cut."""
        self.partial_text = text
        if text:
            self.retryable = False
            self.user_message = MIDWAY_USER_MESSAGE


class AuthFailed(RemoteBrainError):
    """401/403: the API key was refused (or is missing)."""

    default_user_message = (
        "I can't use my language model right now: it turned down my credentials. "
        "An operator needs to check my settings."
    )


class ModelNotFound(RemoteBrainError):
    """404: the server does not know the model (or the URL is wrong)."""

    default_user_message = (
        "My language model isn't set up correctly right now. "
        "An operator needs to check which model I use."
    )

    def __init__(self, message: str, *, model: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.model = model


class RateLimited(RemoteBrainError):
    """429: too many requests; ``retry_after`` (seconds) when the server said how long."""

    default_retryable = True
    default_user_message = (
        "Lots of people are talking to me right now. Give me a moment and ask again?"
    )

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerOverloaded(RemoteBrainError):
    """5xx (including Anthropic's 529 overloaded_error), 408 and 409: the server is struggling."""

    default_retryable = True
    default_user_message = "My language model is overloaded right now. Try again in a little while?"


class ConnectFailed(RemoteBrainError):
    """The server could not be reached (refused, DNS, connect timeout)."""

    default_retryable = True
    default_user_message = "I can't reach my language model right now. Try again in a little while?"


class ReadTimedOut(RemoteBrainError):
    """The server went silent for longer than the read timeout.

    Not retried: the user has already waited a full timeout.
    """

    default_user_message = "My language model is taking far too long to answer. Try again soon?"


class StreamBroken(RemoteBrainError):
    """The connection closed before the reply was complete.

    Retryable only when nothing had been shown yet.
    """

    default_retryable = True
    default_user_message = "My connection to my language model dropped. Try again?"


class MalformedResponse(RemoteBrainError):
    """The server sent something that is not the expected wire format (e.g. bad JSON)."""

    default_user_message = "My language model sent back something garbled. Try again in a moment?"


class BadRequest(RemoteBrainError):
    """400/413/422 and other 4xx: the server refused the request itself (e.g. too long)."""

    default_user_message = (
        "My language model couldn't take that request (it may be too long). Try something shorter?"
    )


# --------------------------------------------------------------------------- redaction
_KEY_LIKE = re.compile(r"\b(sk-(?:ant-|proj-)?)[A-Za-z0-9_\-*.]{6,}")


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` with every secret, and anything shaped like an API key, replaced by ``***``."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return _KEY_LIKE.sub(r"\1***", text)


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _DETAIL_LIMIT else text[:_DETAIL_LIMIT] + "…"


# --------------------------------------------------------------------------- classification
def describe_error_body(body: bytes | str) -> tuple[str, str, Any]:
    """(message, error type, parsed JSON or None) from an error body in any common shape.

    Handles OpenAI/llama.cpp ``{"error": {"message", "type"}}``, Anthropic
    ``{"type": "error", "error": {...}}``, ``{"error": "text"}`` and plain text or HTML.
    """
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        payload = json.loads(text)
    except ValueError:
        return _clip(text) or "(empty body)", "", None
    return (*_message_and_type(payload), payload)


def _message_and_type(payload: Any) -> tuple[str, str]:
    if not isinstance(payload, dict):
        return _clip(str(payload)), ""
    error = payload.get("error", payload)
    if isinstance(error, str):
        return _clip(error), ""
    if isinstance(error, dict):
        message = error.get("message") or error.get("detail") or json.dumps(error)
        kind = error.get("type") or error.get("code") or ""
        return _clip(str(message)), str(kind)
    return _clip(json.dumps(payload)), ""


_RETRY_IN_TEXT = re.compile(
    r"(?:try again|retry)\s+(?:in|after)\s+(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?)\b",
    re.IGNORECASE,
)


def parse_retry_after(
    headers: Mapping[str, str], payload: Any = None, message: str = ""
) -> float | None:
    """Seconds to wait, from ``retry-after-ms``, ``retry-after`` (seconds or HTTP date),
    a ``retry_after`` number in the JSON body, or "try again in 2.5s" in its message."""
    lowered = {k.lower(): v for k, v in headers.items()}
    with contextlib.suppress(ValueError):
        if "retry-after-ms" in lowered:
            return max(0.0, float(lowered["retry-after-ms"]) / 1000)
    raw = lowered.get("retry-after")
    if raw:
        try:
            return max(0.0, float(raw))
        except ValueError:
            with contextlib.suppress(TypeError, ValueError):
                when = email.utils.parsedate_to_datetime(raw)
                return max(0.0, when.timestamp() - time.time())
    if isinstance(payload, dict):
        for holder in (payload, payload.get("error")):
            if isinstance(holder, dict):
                value = holder.get("retry_after")
                if isinstance(value, int | float) and not isinstance(value, bool):
                    return max(0.0, float(value))
    match = _RETRY_IN_TEXT.search(message)
    if match:
        amount = float(match.group(1))
        return amount / 1000 if match.group(2).lower().startswith("m") else amount
    return None


@dataclass(frozen=True, slots=True)
class ErrorContext:
    """What the classifiers need to write a precise, redacted operator message."""

    url: str
    model: str
    secrets: tuple[str | None, ...] = ()
    key_configured: bool = False


def error_from_status(
    status: int, headers: Mapping[str, str], body: bytes, ctx: ErrorContext
) -> RemoteBrainError:
    """The error for an HTTP error response."""
    # Redact before anything is cut short, so no fragment of a key can survive.
    message, kind, payload = describe_error_body(
        redact(body.decode("utf-8", "replace"), ctx.secrets)
    )
    detail = redact(f"{status} {kind + ': ' if kind else ''}{message}", ctx.secrets)
    where = redact(ctx.url, ctx.secrets)
    if status in (401, 403):
        missing = "" if ctx.key_configured else " (no key is set)"
        return AuthFailed(
            f"the LLM server rejected the API key (HEARTH_LLM_API_KEY){missing} at {where}: "
            f"{detail}",
            status=status,
        )
    if status == 404:
        return ModelNotFound(
            f"the LLM server at {where} answered 404 for model {ctx.model!r}: {detail} "
            "(check HEARTH_LLM_MODEL, and that HEARTH_LLM_BASE_URL is the API root, "
            "e.g. ending in /v1 for Ollama)",
            model=ctx.model,
            status=status,
        )
    if status == 429:
        retry_after = parse_retry_after(headers, payload, message)
        quota = "quota" in kind.lower() or "quota" in message.lower()
        wait = f"; retry after {retry_after:g} s" if retry_after is not None else ""
        return RateLimited(
            f"the LLM server at {where} is rate limiting Hearth: {detail}{wait}",
            status=status,
            retry_after=retry_after,
            retryable=not quota,  # an exhausted quota does not come back in seconds
        )
    if status >= 500 or status in (408, 409):
        return ServerOverloaded(f"the LLM server at {where} failed: {detail}", status=status)
    return BadRequest(f"the LLM server at {where} refused the request: {detail}", status=status)


_ERROR_TYPE_STATUS = {
    "authentication_error": 401,
    "permission_error": 403,
    "not_found_error": 404,
    "rate_limit_error": 429,
    "request_too_large": 413,
    "invalid_request_error": 400,
    "overloaded_error": 529,
    "api_error": 500,
    "server_error": 500,
    "timeout_error": 504,
}


def error_from_stream_payload(payload: Any, ctx: ErrorContext) -> RemoteBrainError:
    """The error for an error *inside* a stream (Anthropic ``event: error``, or a
    ``{"error": ...}`` chunk that some OpenAI-compatible servers send mid-stream)."""
    _, kind = _message_and_type(payload)
    status = _ERROR_TYPE_STATUS.get(kind.lower())
    error = payload.get("error") if isinstance(payload, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    if status is None and isinstance(code, int) and 400 <= code <= 599:
        status = code
    body = json.dumps(payload).encode()
    return error_from_status(status or 500, {}, body, ctx)


def error_for_content_type(content_type: str, ctx: ErrorContext) -> RemoteBrainError | None:
    """An error when a 200 answer is clearly not an API reply (an HTML page: the base URL
    points at a web UI or a proxy's login page rather than at the API)."""
    if "text/html" in content_type.lower():
        return MalformedResponse(
            f"{redact(ctx.url, ctx.secrets)} answered with a web page, not an API stream; "
            "check that HEARTH_LLM_BASE_URL points at the API root (e.g. ending in /v1)"
        )
    return None


def error_from_transport(exc: httpx.HTTPError, ctx: ErrorContext) -> RemoteBrainError:
    """The error for a failure below HTTP (connect, timeouts, dropped connections)."""
    where = redact(ctx.url, ctx.secrets)
    reason = redact(str(exc) or type(exc).__name__, ctx.secrets)
    if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
        return ConnectFailed(f"timed out connecting to the LLM server at {where}")
    if isinstance(exc, httpx.ConnectError):
        return ConnectFailed(f"could not connect to the LLM server at {where}: {reason}")
    if isinstance(exc, httpx.ReadTimeout):
        return ReadTimedOut(f"the LLM server at {where} went silent past the read timeout")
    if isinstance(exc, httpx.WriteError | httpx.WriteTimeout):
        return ConnectFailed(f"could not send the request to the LLM server at {where}: {reason}")
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError):
        return StreamBroken(f"the LLM server at {where} closed the connection early: {reason}")
    if isinstance(exc, httpx.DecodingError):
        return MalformedResponse(f"the LLM server at {where} sent an undecodable body: {reason}")
    return RemoteBrainError(f"request to the LLM server at {where} failed: {reason}")


# --------------------------------------------------------------------------- retries
@dataclass(frozen=True)
class RetryPolicy:
    """When and how long to wait before trying again (only before any text was shown).

    ``max_retries`` retries after the first attempt; exponential backoff from
    ``base_delay`` up to ``max_delay`` with ±``jitter`` (a fraction); a server's
    retry-after is honoured up to ``max_retry_after`` seconds and fails at once beyond it.
    ``sleep`` is injectable so tests can see the waits without waiting.
    """

    max_retries: int = 2
    base_delay: float = 0.5
    max_delay: float = 4.0
    max_retry_after: float = 10.0
    jitter: float = 0.2
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, repr=False)

    def delay(self, error: RemoteBrainError, retries_done: int) -> float | None:
        """Seconds to wait before retry number ``retries_done + 1``, or None: give up."""
        if not error.retryable or error.partial_text or retries_done >= self.max_retries:
            return None
        if isinstance(error, RateLimited) and error.retry_after is not None:
            return error.retry_after if error.retry_after <= self.max_retry_after else None
        backoff = min(self.max_delay, self.base_delay * 2**retries_done)
        return backoff * (1 + self.jitter * (2 * random.random() - 1))


async def stream_with_retries(
    attempt: Callable[[int], AsyncIterator[str]],
    policy: RetryPolicy,
    *,
    log: logging.Logger,
    name: str,
) -> AsyncIterator[str]:
    """Run ``attempt(n)`` (n = 0, 1, ...) until one streams to the end or a retry is unsafe.

    Text is passed on as it comes; after the first piece of text, errors are final and
    carry the shown text as ``partial_text``.
    """
    retries = 0
    while True:
        shown: list[str] = []
        try:
            async with contextlib.aclosing(attempt(retries)) as chunks:
                async for text in chunks:
                    shown.append(text)
                    yield text
            return
        except RemoteBrainError as exc:
            if shown:
                exc.mark_partial("".join(shown))
                raise
            wait = policy.delay(exc, retries)
            if wait is None:
                raise
            retries += 1
            log.warning(
                "%s: %s; retry %d of %d in %.2f s", name, exc, retries, policy.max_retries, wait
            )
            await policy.sleep(wait)
