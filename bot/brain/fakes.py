"""Local LLM servers for tests and benchmarks: real HTTP on 127.0.0.1, real SSE framing.

:class:`FakeOpenAIServer` speaks the OpenAI chat-completions API (``base_url`` ends in
``/v1``, like Ollama's); :class:`FakeAnthropicServer` speaks the Anthropic Messages API.
Both answer with the same wire format as the real services, so the real brains (and
anything above them) can be tested and timed without a model or a network::

    async with FakeOpenAIServer(models=["llama3.2"]) as server:
        server.script(Scenario.error(500), Scenario(tokens=("Hi", " there")))
        brain = OpenAICompatibleBrain(server.base_url, model="llama3.2")
        ...                                      # first call: 500, retried, then "Hi there"
        server.chats[-1].body["messages"]        # what the model was sent

API
- ``Server(models=("test-model",), api_key=None, default=Scenario(), models_endpoint=True)``
  (the Anthropic server's default model is "claude-test");
  ``await server.start()`` (a free port) / ``await server.stop()``, or ``async with``.
- ``server.base_url``: ``http://127.0.0.1:PORT/v1`` (OpenAI) or ``http://127.0.0.1:PORT``
  (Anthropic, whose paths already start with /v1).
- ``server.script(*scenarios)``: queue scenarios, one per chat request that passes the
  checks below; when the queue is empty, ``server.default`` answers. ``Scenario()`` streams
  "Hello there!"; ``Scenario.error(429, retry_after=2)`` is an error response.
- ``chat_request("hi")``: a ready-made :class:`~bot.brain.base.ChatRequest` to send.
- ``server.requests``: every request received (:class:`RecordedRequest`: method, path,
  headers with credential values replaced by ``"<redacted>"``, JSON body, arrival time,
  the scenario used, and ``token_times``: when each token was written, on the
  :func:`time.perf_counter` clock). ``server.chats``: only the chat requests.

Checks made before a scenario is used, like the real services: with ``api_key`` set, a
missing or wrong key gets 401; the Anthropic server wants an ``anthropic-version`` header
(400); a body that is not JSON gets 400; with ``models`` non-empty, an unknown model gets
404 in the API's own error shape. ``GET /v1/models`` lists ``models`` (404 when
``models_endpoint=False``, like servers that lack it).

A :class:`Scenario` scripts one reply: tokens and their timing (absolute schedule, so 100
tokens every 20 ms do not drift), error statuses (with ``retry-after``), a cut connection,
a stall or a hang (for read timeouts), a malformed chunk, an in-stream error event,
keep-alive comments, multi-line ``data:`` fields, CRLF or CR line endings, and bodies
written a few bytes at a time. Handlers waiting on time end promptly at ``stop()``.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal, Self

from aiohttp import web

from bot.brain.base import ChatMessage, ChatRequest, Speaker

_CREDENTIAL_HEADERS = {"authorization", "x-api-key", "api-key", "proxy-authorization"}

FrameKind = Literal["plain", "token", "cut", "stall", "malformed", "error"]


@dataclass(frozen=True)
class Scenario:
    """How the server answers one chat request. Token counts ("after N") start at 0."""

    tokens: Sequence[str] = ("Hello", " there", "!")
    interval: float = 0.0  # seconds between tokens
    first_token_delay: float = 0.0  # after the headers, before the first token
    status: int = 200  # other than 200: an error response in the API's own shape
    error_type: str | None = None  # for errors (HTTP or in-stream); a default per status
    message: str | None = None  # the error's message
    retry_after: float | None = None  # sent as retry-after (seconds, rounded up) + retry-after-ms
    headers: Mapping[str, str] = field(default_factory=dict)  # extra response headers
    cut_after: int | None = None  # close the connection after N tokens
    stall_after: int | None = None  # after N tokens go silent, connection open, until stop()
    malformed_after: int | None = None  # after N tokens send a chunk that is not JSON
    error_after: int | None = None  # after N tokens send an in-stream error and end
    hang: bool = False  # send nothing at all (not even headers) until stop()
    keepalive: bool = False  # a ": keep-alive" comment before every token but the first
    multiline: bool = False  # every JSON payload spread over several data: lines
    line_ending: str = "\n"  # "\r\n" or "\r" to exercise framing
    write_size: int | None = None  # write the stream N bytes at a time
    finish_reason: str | None = None  # default "stop" (OpenAI) / "end_turn" (Anthropic)
    usage: tuple[int, int] | None = None  # (prompt, completion) tokens; default: counted
    send_done: bool = True  # OpenAI: end with "data: [DONE]"

    @classmethod
    def error(
        cls,
        status: int,
        message: str | None = None,
        *,
        retry_after: float | None = None,
        error_type: str | None = None,
    ) -> Scenario:
        """An HTTP error response (e.g. 401, 404, 429 with retry-after, 500, 529)."""
        return cls(status=status, message=message, retry_after=retry_after, error_type=error_type)


@dataclass
class RecordedRequest:
    """One request as the server saw it."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    received_at: float  # time.perf_counter()
    status: int = 200
    scenario: Scenario | None = None
    token_times: list[float] = field(default_factory=list)  # perf_counter per token written

    @property
    def last_user_text(self) -> str:
        """The content of the last user message sent (for quick assertions)."""
        messages = self.body.get("messages", []) if isinstance(self.body, dict) else []
        for message in reversed(messages):
            if message.get("role") == "user":
                content = message.get("content")
                return content if isinstance(content, str) else json.dumps(content)
        return ""


@dataclass(frozen=True, slots=True)
class _Frame:
    kind: FrameKind
    text: str = ""


class _FakeLLMServer:
    """What both fake servers share: lifecycle, scripting, recording, timing, faults."""

    chat_path: str = ""

    def __init__(
        self,
        *,
        models: Sequence[str] = ("test-model",),
        api_key: str | None = None,
        default: Scenario | None = None,
        models_endpoint: bool = True,
    ) -> None:
        self.models = list(models)
        self.api_key = api_key
        self.default = default or Scenario()
        self.models_endpoint = models_endpoint
        self.requests: list[RecordedRequest] = []
        self.port = 0
        self._queue: deque[Scenario] = deque()
        self._stopping = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._ids = 0

    # ------------------------------------------------------------------ lifecycle
    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """What to give the brain as its base URL."""
        return self.origin

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        self._stopping = asyncio.Event()
        app = web.Application()
        app.router.add_post(self.chat_path, self._chat)
        app.router.add_get("/v1/models", self._list_models)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        """End waiting handlers and close every connection."""
        self._stopping.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # ------------------------------------------------------------------ scripting
    def script(self, *scenarios: Scenario) -> None:
        """Queue scenarios for the next chat requests, in order."""
        self._queue.extend(scenarios)

    @property
    def chats(self) -> list[RecordedRequest]:
        """The chat requests received (every request is in ``requests``)."""
        return [r for r in self.requests if r.method == "POST" and r.path == self.chat_path]

    # ------------------------------------------------------------------ per-API parts
    def _auth_ok(self, request: web.Request) -> bool:
        raise NotImplementedError

    def _error_body(self, status: int, error_type: str | None, message: str) -> dict[str, Any]:
        raise NotImplementedError

    def _precheck(self, request: web.Request, body: Any) -> web.Response | None:
        return None

    def _stream_frames(self, scenario: Scenario, body: dict[str, Any]) -> list[_Frame]:
        raise NotImplementedError

    def _whole_reply(self, scenario: Scenario, body: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def _models_body(self) -> dict[str, Any]:
        raise NotImplementedError

    # ------------------------------------------------------------------ handlers
    async def _list_models(self, request: web.Request) -> web.Response:
        self._record(request, None, time.perf_counter())
        if not self.models_endpoint:
            return web.Response(status=404, text="404 page not found")
        if not self._auth_ok(request):
            return self._error(401, None, "invalid API key")
        return web.json_response(self._models_body())

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        arrived = time.perf_counter()
        raw = await request.read()
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = None
        record = self._record(request, body, arrived)
        rejection = self._reject(request, body)
        if rejection is not None:
            record.status = rejection.status
            return rejection
        scenario = self._queue.popleft() if self._queue else self.default
        record.scenario = scenario
        record.status = scenario.status
        if scenario.hang:
            await self._stopping.wait()
            return web.Response(status=503)
        if scenario.status != 200:
            headers = dict(scenario.headers)
            if scenario.retry_after is not None:
                headers["retry-after"] = str(math.ceil(scenario.retry_after))
                headers["retry-after-ms"] = str(round(scenario.retry_after * 1000))
            message = scenario.message or _default_message(scenario.status)
            return self._error(scenario.status, scenario.error_type, message, headers)
        if not body.get("stream"):
            return web.json_response(self._whole_reply(scenario, body))
        frames = self._stream_frames(scenario, body)
        return await self._send_stream(request, scenario, frames, record)

    def _record(self, request: web.Request, body: Any, arrived: float) -> RecordedRequest:
        headers = {
            k: ("<redacted>" if k.lower() in _CREDENTIAL_HEADERS else v)
            for k, v in request.headers.items()
        }
        record = RecordedRequest(request.method, request.path, headers, body, arrived)
        self.requests.append(record)
        return record

    def _reject(self, request: web.Request, body: Any) -> web.Response | None:
        if not self._auth_ok(request):
            return self._error(401, None, "invalid API key")
        early = self._precheck(request, body)
        if early is not None:
            return early
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            return self._error(400, None, "the request body must be a JSON object with messages")
        model = body.get("model")
        if self.models and model not in self.models:
            return self._error(404, None, f"model '{model}' not found")
        return None

    def _error(
        self,
        status: int,
        error_type: str | None,
        message: str,
        headers: Mapping[str, str] | None = None,
    ) -> web.Response:
        return web.json_response(
            self._error_body(status, error_type, message), status=status, headers=headers
        )

    async def _send_stream(
        self,
        request: web.Request,
        scenario: Scenario,
        frames: list[_Frame],
        record: RecordedRequest,
    ) -> web.StreamResponse:
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream; charset=utf-8",
                "Cache-Control": "no-cache",
                **scenario.headers,
            }
        )
        await response.prepare(request)
        start = time.perf_counter() + scenario.first_token_delay
        sent = 0
        try:
            for frame in frames:
                if frame.kind == "cut":
                    if request.transport is not None:
                        request.transport.close()
                    return response
                if frame.kind == "stall":
                    await self._stopping.wait()
                    return response
                if frame.kind == "token":
                    if not await self._sleep_until(start + sent * scenario.interval):
                        return response
                    if scenario.keepalive and sent:
                        comment = ": keep-alive" + scenario.line_ending * 2
                        await self._write(response, comment, scenario)
                await self._write(response, frame.text, scenario)
                if frame.kind == "token":
                    record.token_times.append(time.perf_counter())
                    sent += 1
                if frame.kind == "error":
                    break
            await response.write_eof()
        except (ConnectionError, RuntimeError):
            pass  # the client went away (e.g. it timed out); nothing more to do
        return response

    async def _write(self, response: web.StreamResponse, text: str, scenario: Scenario) -> None:
        data = text.encode()
        size = scenario.write_size
        if not size:
            await response.write(data)
            return
        for offset in range(0, len(data), size):
            await response.write(data[offset : offset + size])
            await asyncio.sleep(0.001)  # separate writes, so the client sees separate pieces

    async def _sleep_until(self, deadline: float) -> bool:
        """Wait until ``deadline`` (perf_counter); False when the server is stopping."""
        delay = deadline - time.perf_counter()
        if delay > 0:
            try:
                await asyncio.wait_for(self._stopping.wait(), timeout=delay)
            except TimeoutError:
                return True
        return not self._stopping.is_set()

    # ------------------------------------------------------------------ frame helpers
    def _sse(self, scenario: Scenario, payload: Any, event: str | None = None) -> str:
        """One SSE event carrying ``payload`` (JSON unless it is a str)."""
        if isinstance(payload, str):
            data = payload
        elif scenario.multiline:
            data = json.dumps(payload, indent=1)
        else:
            data = json.dumps(payload)
        lines = [f"event: {event}"] if event else []
        lines.extend(f"data: {line}" for line in data.split("\n"))
        end = scenario.line_ending
        return end.join(lines) + end + end

    @staticmethod
    def _with_faults(
        scenario: Scenario,
        head: list[_Frame],
        tokens: list[_Frame],
        tail: list[_Frame],
        malformed: str,
        error: str,
    ) -> list[_Frame]:
        """head, tokens and tail, with the scenario's faults placed after N tokens."""
        faults: list[tuple[int, _Frame]] = []
        for after, frame in (
            (scenario.cut_after, _Frame("cut")),
            (scenario.stall_after, _Frame("stall")),
            (scenario.malformed_after, _Frame("malformed", malformed)),
            (scenario.error_after, _Frame("error", error)),
        ):
            if after is not None:
                faults.append((min(after, len(tokens)), frame))
        frames = list(head)
        for index in range(len(tokens) + 1):
            frames.extend(frame for after, frame in faults if after == index)
            if index < len(tokens):
                frames.append(tokens[index])
        frames.extend(tail)
        return frames

    def _next_id(self, prefix: str) -> str:
        self._ids += 1
        return f"{prefix}{self._ids:06d}"

    @staticmethod
    def _counted_usage(scenario: Scenario, body: dict[str, Any]) -> tuple[int, int]:
        if scenario.usage is not None:
            return scenario.usage
        words = sum(len(str(m.get("content", "")).split()) for m in body.get("messages", []))
        words += len(str(body.get("system", "")).split())
        return max(1, words), len(scenario.tokens)


class FakeOpenAIServer(_FakeLLMServer):
    """An OpenAI-compatible server: ``POST /v1/chat/completions`` and ``GET /v1/models``."""

    chat_path = "/v1/chat/completions"

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1``, as for Ollama."""
        return f"{self.origin}/v1"

    def _auth_ok(self, request: web.Request) -> bool:
        return self.api_key is None or request.headers.get("Authorization") == (
            f"Bearer {self.api_key}"
        )

    def _error_body(self, status: int, error_type: str | None, message: str) -> dict[str, Any]:
        types = {
            400: "invalid_request_error",
            401: "invalid_api_key",
            404: "model_not_found",
            429: "rate_limit_exceeded",
        }
        kind = error_type or types.get(status, "server_error")
        return {"error": {"message": message, "type": kind, "param": None, "code": kind}}

    def _models_body(self) -> dict[str, Any]:
        return {
            "object": "list",
            "data": [
                {"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in self.models
            ],
        }

    def _chunk(self, ident: str, body: dict[str, Any], **fields: Any) -> dict[str, Any]:
        return {
            "id": ident,
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": body.get("model"),
            **fields,
        }

    def _stream_frames(self, scenario: Scenario, body: dict[str, Any]) -> list[_Frame]:
        ident = self._next_id("chatcmpl-")
        role = {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}
        head = [_Frame("plain", self._sse(scenario, self._chunk(ident, body, choices=[role])))]
        tokens = [
            _Frame(
                "token",
                self._sse(
                    scenario,
                    self._chunk(
                        ident,
                        body,
                        choices=[{"index": 0, "delta": {"content": t}, "finish_reason": None}],
                    ),
                ),
            )
            for t in scenario.tokens
        ]
        reason = scenario.finish_reason or "stop"
        last = {"index": 0, "delta": {}, "finish_reason": reason}
        tail = [_Frame("plain", self._sse(scenario, self._chunk(ident, body, choices=[last])))]
        options = body.get("stream_options")
        if isinstance(options, dict) and options.get("include_usage"):
            prompt, completion = self._counted_usage(scenario, body)
            counts = {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
            }
            usage_chunk = self._chunk(ident, body, choices=[], usage=counts)
            tail.append(_Frame("plain", self._sse(scenario, usage_chunk)))
        if scenario.send_done:
            tail.append(_Frame("plain", self._sse(scenario, "[DONE]")))
        error = {
            "error": {
                "message": scenario.message or "The server had an error",
                "type": scenario.error_type or "server_error",
                "code": 500,
            }
        }
        return self._with_faults(
            scenario,
            head,
            tokens,
            tail,
            malformed=self._sse(scenario, '{"choices": [{"delta": {"content": "oo'),
            error=self._sse(scenario, error),
        )

    def _whole_reply(self, scenario: Scenario, body: dict[str, Any]) -> dict[str, Any]:
        prompt, completion = self._counted_usage(scenario, body)
        return {
            "id": self._next_id("chatcmpl-"),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": "".join(scenario.tokens)},
                    "finish_reason": scenario.finish_reason or "stop",
                }
            ],
            "usage": {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
            },
        }


class FakeAnthropicServer(_FakeLLMServer):
    """The Anthropic Messages API: ``POST /v1/messages`` and ``GET /v1/models``."""

    chat_path = "/v1/messages"

    def __init__(self, *, models: Sequence[str] = ("claude-test",), **kwargs: Any) -> None:
        super().__init__(models=models, **kwargs)

    def _auth_ok(self, request: web.Request) -> bool:
        return self.api_key is None or request.headers.get("x-api-key") == self.api_key

    def _precheck(self, request: web.Request, body: Any) -> web.Response | None:
        if "anthropic-version" not in request.headers:
            return self._error(400, None, "anthropic-version: header is required")
        if isinstance(body, dict) and not isinstance(body.get("max_tokens"), int):
            return self._error(400, None, "max_tokens: Field required")
        return None

    def _error_body(self, status: int, error_type: str | None, message: str) -> dict[str, Any]:
        types = {
            400: "invalid_request_error",
            401: "authentication_error",
            403: "permission_error",
            404: "not_found_error",
            413: "request_too_large",
            429: "rate_limit_error",
            529: "overloaded_error",
        }
        kind = error_type or types.get(status, "api_error")
        return {"type": "error", "error": {"type": kind, "message": message}}

    def _models_body(self) -> dict[str, Any]:
        data = [
            {"type": "model", "id": m, "display_name": m, "created_at": "2025-01-01T00:00:00Z"}
            for m in self.models
        ]
        first, last = (data[0]["id"], data[-1]["id"]) if data else (None, None)
        return {"data": data, "has_more": False, "first_id": first, "last_id": last}

    def _stream_frames(self, scenario: Scenario, body: dict[str, Any]) -> list[_Frame]:
        prompt, completion = self._counted_usage(scenario, body)

        def event(name: str, payload: dict[str, Any]) -> str:
            return self._sse(scenario, {"type": name, **payload}, event=name)

        def text_delta(text: str) -> dict[str, str]:
            return {"type": "text_delta", "text": text}

        message = {
            "id": self._next_id("msg_"),
            "type": "message",
            "role": "assistant",
            "content": [],
            "model": body.get("model"),
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": prompt, "output_tokens": 1},
        }
        block = {"type": "text", "text": ""}
        head = [
            _Frame("plain", event("message_start", {"message": message})),
            _Frame("plain", event("content_block_start", {"index": 0, "content_block": block})),
            _Frame("plain", event("ping", {})),
        ]
        tokens = [
            _Frame("token", event("content_block_delta", {"index": 0, "delta": text_delta(t)}))
            for t in scenario.tokens
        ]
        delta = {"stop_reason": scenario.finish_reason or "end_turn", "stop_sequence": None}
        counts = {"output_tokens": completion}
        tail = [
            _Frame("plain", event("content_block_stop", {"index": 0})),
            _Frame("plain", event("message_delta", {"delta": delta, "usage": counts})),
            _Frame("plain", event("message_stop", {})),
        ]
        kind = scenario.error_type or "overloaded_error"
        error = {"error": {"type": kind, "message": scenario.message or "Overloaded"}}
        return self._with_faults(
            scenario,
            head,
            tokens,
            tail,
            malformed=self._sse(scenario, '{"type": "content_block_delta", "delta": {"te'),
            error=event("error", error),
        )

    def _whole_reply(self, scenario: Scenario, body: dict[str, Any]) -> dict[str, Any]:
        prompt, completion = self._counted_usage(scenario, body)
        return {
            "id": self._next_id("msg_"),
            "type": "message",
            "role": "assistant",
            "content": [{"type": "text", "text": "".join(scenario.tokens)}],
            "model": body.get("model"),
            "stop_reason": scenario.finish_reason or "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": prompt, "output_tokens": completion},
        }


def chat_request(
    text: str = "Hello!",
    *,
    history: Sequence[ChatMessage] = (),
    name: str | None = "Sam",
    system_prompt: str = "You are Hearth, a friendly bot.",
    **fields: Any,
) -> ChatRequest:
    """A request as the conversation service builds one: ``history`` then ``text`` from
    ``name``, with the default persona; ``fields`` set temperature, max_tokens, model..."""
    from persona import DEFAULT_PERSONA_ID, get_preset

    fields.setdefault("persona", get_preset(DEFAULT_PERSONA_ID))
    return ChatRequest(
        system_prompt=system_prompt,
        messages=(*history, ChatMessage("user", text, name=name)),
        speaker=Speaker(1, name or "someone", None, 1),
        **fields,
    )


def _default_message(status: int) -> str:
    return {
        400: "Bad request",
        401: "Invalid API key",
        403: "Forbidden",
        404: "Not found",
        429: "Rate limit reached, please slow down",
        500: "The server had an error while processing your request",
        502: "Bad gateway",
        503: "Service unavailable",
        529: "Overloaded",
    }.get(status, f"HTTP {status}")
