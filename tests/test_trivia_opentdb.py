"""The Open Trivia DB client against a small local fake of its JSON API (never the real site)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from bot.games.trivia.opentdb import OpenTDBClient, OpenTDBError


def _item(**overrides: Any) -> dict[str, Any]:
    item = {
        "type": "multiple",
        "difficulty": "medium",
        "category": "Science &amp; Nature",
        "question": "What is the chemical symbol for &quot;gold&quot;?",
        "correct_answer": "Au",
        "incorrect_answers": ["Ag", "Gd", "Go"],
    }
    item.update(overrides)
    return item


@dataclass
class FakeOpenTDB:
    """Scripted responses: `question_replies` are served in order, then the last repeats."""

    question_replies: list[Any] = field(default_factory=list)
    token_replies: list[Any] = field(default_factory=list)
    status: int = 200
    delay: float = 0.0
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    tokens_issued: int = 0

    async def api(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(("api", dict(request.query)))
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.status != 200:
            return web.Response(status=self.status, text="oops")
        reply = self.question_replies.pop(0) if len(self.question_replies) > 1 else None
        reply = reply if reply is not None else self.question_replies[0]
        if isinstance(reply, str):
            return web.Response(text=reply, content_type="text/html")
        return web.json_response(reply)

    async def token(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(("token", dict(request.query)))
        if request.query.get("command") == "reset":
            return web.json_response({"response_code": 0, "token": request.query["token"]})
        if self.token_replies:
            return web.json_response(self.token_replies.pop(0))
        self.tokens_issued += 1
        return web.json_response(
            {"response_code": 0, "response_message": "ok", "token": f"tok{self.tokens_issued}"}
        )


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeOpenTDB, str]]:
    state = FakeOpenTDB()
    app = web.Application()
    app.router.add_get("/api.php", state.api)
    app.router.add_get("/api_token.php", state.token)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield state, f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def test_fetch_decodes_maps_and_uses_a_token(fake: tuple[FakeOpenTDB, str]) -> None:
    state, url = fake
    state.question_replies = [
        {
            "response_code": 0,
            "results": [
                _item(),
                _item(
                    category="Entertainment: Film",
                    difficulty="easy",
                    question="In which year was &#039;Jaws&#039; released?",
                    correct_answer="1975",
                    incorrect_answers=["1977", "1973", "1980"],
                ),
                _item(type="boolean", question="True or false?"),
            ],
        }
    ]
    async with OpenTDBClient(url + "/") as client:
        questions = await client.fetch(3)
        again = await client.fetch(1, category="science", difficulty="hard")
    assert [q.question for q in questions] == [
        'What is the chemical symbol for "gold"?',
        "In which year was 'Jaws' released?",
    ]
    assert [q.category for q in questions] == ["science", "film_tv"]
    assert [q.kind for q in questions] == ["text", "number"]
    assert questions[0].wrong == ("Ag", "Gd", "Go") and questions[0].id.startswith("otdb-")
    assert again[0].category == "science"
    token_calls = [r for r in state.requests if r[0] == "token"]
    assert token_calls == [("token", {"command": "request"})]
    api_calls = [q for kind, q in state.requests if kind == "api"]
    assert api_calls[0] == {"amount": "3", "type": "multiple", "token": "tok1"}
    assert api_calls[1] == {
        "amount": "1",
        "type": "multiple",
        "token": "tok1",
        "category": "17",
        "difficulty": "hard",
    }


async def test_missing_token_is_renewed(fake: tuple[FakeOpenTDB, str]) -> None:
    state, url = fake
    state.question_replies = [
        {"response_code": 3, "results": []},
        {"response_code": 0, "results": [_item()]},
    ]
    async with OpenTDBClient(url) as client:
        client.token = "stale"
        questions = await client.fetch(1)
        assert client.token == "tok1"
    assert len(questions) == 1
    assert [q.get("token") for kind, q in state.requests if kind == "api"] == ["stale", "tok1"]


async def test_exhausted_token_is_reset(fake: tuple[FakeOpenTDB, str]) -> None:
    state, url = fake
    state.question_replies = [
        {"response_code": 4, "results": []},
        {"response_code": 0, "results": [_item()]},
    ]
    async with OpenTDBClient(url) as client:
        assert len(await client.fetch(1)) == 1
    assert ("token", {"command": "reset", "token": "tok1"}) in state.requests


async def test_invalid_questions_are_skipped(fake: tuple[FakeOpenTDB, str]) -> None:
    state, url = fake
    state.question_replies = [
        {
            "response_code": 0,
            "results": [
                _item(incorrect_answers=["AU", "Ag", "Gd"]),  # an option equals the answer
                _item(incorrect_answers=["Ag", "Gd"]),  # only two options
                _item(question="Fine?", correct_answer="Paris", incorrect_answers=["A", "B", "C"]),
            ],
        }
    ]
    async with OpenTDBClient(url) as client:
        assert [q.answer for q in await client.fetch(3)] == ["Paris"]


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        ({"response_code": 1, "results": []}, "no questions available"),
        ({"response_code": 2, "results": []}, "rejected the request parameters"),
        ({"response_code": 5, "results": []}, "rate limited"),
        ({"response_code": 99, "results": []}, "unknown error"),
        ({"results": "nope"}, "unexpected question response"),
        ("<html>not json</html>", "not JSON"),
    ],
)
async def test_service_errors_raise(
    fake: tuple[FakeOpenTDB, str], reply: Any, message: str
) -> None:
    state, url = fake
    state.question_replies = [reply]
    async with OpenTDBClient(url) as client:
        with pytest.raises(OpenTDBError, match=message):
            await client.fetch(5)


async def test_token_renewal_gives_up_after_one_retry(fake: tuple[FakeOpenTDB, str]) -> None:
    state, url = fake
    state.question_replies = [{"response_code": 3, "results": []}]
    async with OpenTDBClient(url) as client:
        with pytest.raises(OpenTDBError, match="session token not found"):
            await client.fetch(1)


async def test_token_refused(fake: tuple[FakeOpenTDB, str]) -> None:
    state, url = fake
    state.token_replies = [{"response_code": 2}]
    async with OpenTDBClient(url) as client:
        with pytest.raises(OpenTDBError, match="could not get a session token"):
            await client.fetch(1)


@pytest.mark.parametrize(("status", "message"), [(500, "HTTP 500"), (429, "rate limited")])
async def test_http_errors_raise(fake: tuple[FakeOpenTDB, str], status: int, message: str) -> None:
    state, url = fake
    state.question_replies = [{"response_code": 0, "results": []}]
    state.status = status
    async with OpenTDBClient(url) as client:
        with pytest.raises(OpenTDBError, match=message):
            await client.fetch(1)


async def test_timeout_raises(fake: tuple[FakeOpenTDB, str]) -> None:
    state, url = fake
    state.question_replies = [{"response_code": 0, "results": [_item()]}]
    state.delay = 1.0
    async with OpenTDBClient(url, timeout=0.2) as client:
        with pytest.raises(OpenTDBError, match=r"timed out after 0\.2 s"):
            await client.fetch(1)


async def test_unreachable_server_raises() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with OpenTDBClient(f"http://127.0.0.1:{port}", timeout=1) as client:
        with pytest.raises(OpenTDBError, match="cannot reach Open Trivia DB"):
            await client.fetch(1)


async def test_unsupported_category_and_amount() -> None:
    async with OpenTDBClient("http://127.0.0.1:9") as client:
        with pytest.raises(OpenTDBError, match="no category for 'space'"):
            await client.fetch(1, category="space")
        with pytest.raises(ValueError, match="between 1 and 50"):
            await client.fetch(0)
