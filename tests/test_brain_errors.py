"""Error classification, retry-after parsing, redaction and the retry policy."""

from __future__ import annotations

import email.utils
import json
import time

import httpx
import pytest

from bot.brain.errors import (
    MIDWAY_USER_MESSAGE,
    AuthFailed,
    BadRequest,
    ConnectFailed,
    ErrorContext,
    MalformedResponse,
    ModelNotFound,
    RateLimited,
    ReadTimedOut,
    RetryPolicy,
    ServerOverloaded,
    StreamBroken,
    describe_error_body,
    error_from_status,
    error_from_stream_payload,
    error_from_transport,
    parse_retry_after,
    redact,
)

CTX = ErrorContext("http://llm.local/v1/chat/completions", "tiny", ("hunter2-token",), True)


def test_redact_removes_configured_secrets_and_key_shapes() -> None:
    text = "bad key hunter2-token, also sk-proj-abcdef123456 and sk-ant-api03-XYZxyz987"
    cleaned = redact(text, ["hunter2-token"])
    assert "hunter2" not in cleaned and "abcdef123456" not in cleaned and "XYZxyz" not in cleaned
    assert cleaned.startswith("bad key ***")
    assert redact("short ab", ["ab"]) == "short ab"  # too short to be a secret


@pytest.mark.parametrize(
    ("headers", "body", "expected"),
    [
        ({"retry-after-ms": "1500"}, None, 1.5),
        ({"Retry-After": "7"}, None, 7.0),
        ({"retry-after": "0.5"}, None, 0.5),
        ({}, {"error": {"retry_after": 3}}, 3.0),
        ({}, {"retry_after": 2.5}, 2.5),
        ({}, None, None),
    ],
)
def test_retry_after_sources(headers: dict[str, str], body: object, expected: float | None) -> None:
    assert parse_retry_after(headers, body) == expected


def test_retry_after_as_an_http_date() -> None:
    when = email.utils.formatdate(time.time() + 20, usegmt=True)
    assert parse_retry_after({"Retry-After": when}) == pytest.approx(20, abs=1.5)


@pytest.mark.parametrize(
    ("message", "expected"),
    [("Please try again in 1.2s.", 1.2), ("retry after 350ms", 0.35), ("nothing", None)],
)
def test_retry_after_in_a_message(message: str, expected: float | None) -> None:
    assert parse_retry_after({}, None, message) == expected


NOT_FOUND = '{"error": {"message": "no such model", "type": "not_found_error"}}'
OVERLOADED = '{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}'
HTML = "<html><body>502 Bad Gateway</body></html>"


@pytest.mark.parametrize(
    ("body", "message", "kind"),
    [
        (NOT_FOUND, "no such model", "not_found_error"),
        (OVERLOADED, "Overloaded", "overloaded_error"),
        ('{"error": "model \\"x\\" not found"}', 'model "x" not found', ""),
        (HTML, HTML, ""),
        ("", "(empty body)", ""),
    ],
)
def test_error_bodies_in_every_shape(body: str, message: str, kind: str) -> None:
    assert describe_error_body(body.encode())[:2] == (message, kind)


@pytest.mark.parametrize(
    ("status", "cls", "retryable"),
    [
        (400, BadRequest, False),
        (401, AuthFailed, False),
        (403, AuthFailed, False),
        (404, ModelNotFound, False),
        (408, ServerOverloaded, True),
        (413, BadRequest, False),
        (429, RateLimited, True),
        (500, ServerOverloaded, True),
        (503, ServerOverloaded, True),
        (529, ServerOverloaded, True),
    ],
)
def test_status_classification(status: int, cls: type, retryable: bool) -> None:
    error = error_from_status(status, {}, b'{"error": {"message": "m"}}', CTX)
    assert type(error) is cls and error.retryable is retryable and error.status == status
    assert "llm.local" in str(error)


def test_secrets_in_error_bodies_are_redacted() -> None:
    error = error_from_status(401, {}, b'{"error": {"message": "key hunter2-token"}}', CTX)
    assert "hunter2" not in str(error)


@pytest.mark.parametrize(
    ("kind", "cls"),
    [
        ("overloaded_error", ServerOverloaded),
        ("rate_limit_error", RateLimited),
        ("authentication_error", AuthFailed),
        ("invalid_request_error", BadRequest),
        ("something_new", ServerOverloaded),
    ],
)
def test_stream_error_payloads(kind: str, cls: type) -> None:
    payload = {"type": "error", "error": {"type": kind, "message": "x"}}
    assert type(error_from_stream_payload(payload, CTX)) is cls


def test_openai_style_stream_error_uses_its_code() -> None:
    payload = {"error": {"message": "slow down", "code": 429}}
    assert isinstance(error_from_stream_payload(json.loads(json.dumps(payload)), CTX), RateLimited)


@pytest.mark.parametrize(
    ("exc", "cls"),
    [
        (httpx.ConnectError("refused"), ConnectFailed),
        (httpx.ConnectTimeout("slow"), ConnectFailed),
        (httpx.ReadTimeout("silent"), ReadTimedOut),
        (httpx.RemoteProtocolError("peer closed"), StreamBroken),
        (httpx.ReadError("reset"), StreamBroken),
        (httpx.DecodingError("gzip"), MalformedResponse),
    ],
)
def test_transport_classification(exc: httpx.HTTPError, cls: type) -> None:
    assert type(error_from_transport(exc, CTX)) is cls


def test_partial_text_makes_an_error_final() -> None:
    error = ServerOverloaded("boom")
    assert error.retryable
    error.mark_partial("Hello")
    assert not error.retryable and error.user_message == MIDWAY_USER_MESSAGE
    assert StreamBroken("x", partial_text="Hi").retryable is False


def test_retry_policy() -> None:
    policy = RetryPolicy(max_retries=3, base_delay=1, max_delay=3, max_retry_after=10, jitter=0)
    overloaded = ServerOverloaded("x")
    assert [policy.delay(overloaded, n) for n in range(4)] == [1, 2, 3, None]
    assert policy.delay(RateLimited("x", retry_after=9.5), 0) == 9.5
    assert policy.delay(RateLimited("x", retry_after=10.5), 0) is None
    assert policy.delay(RateLimited("x"), 1) == 2  # no retry-after: plain backoff
    assert policy.delay(AuthFailed("x"), 0) is None
    assert policy.delay(ServerOverloaded("x", partial_text="shown"), 0) is None


def test_jitter_stays_within_bounds() -> None:
    policy = RetryPolicy(base_delay=1, jitter=0.2)
    delays = [policy.delay(ServerOverloaded("x"), 0) for _ in range(200)]
    assert all(d is not None and 0.8 <= d <= 1.2 for d in delays)
    assert len(set(delays)) > 1
