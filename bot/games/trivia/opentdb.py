"""Optional online questions from the Open Trivia Database (opentdb.com), over httpx.

`OpenTDBClient.fetch(amount, category, difficulty)` returns validated `Question`s in our
categories. It keeps a session token so the service does not repeat questions (a fresh token
is requested when the service reports it missing, and the token is reset when it is used up),
and decodes the HTML entities the service puts in its text. On any failure (network, timeout,
HTTP status, malformed JSON, an error code from the service, rate limit) it raises
`OpenTDBError` with a clear message, so the caller can fall back to the local bank.
"""

from __future__ import annotations

import hashlib
import html
from typing import Any

import httpx
from pydantic import BaseModel, ValidationError

from bot.games.trivia.categories import unknown_category_message
from bot.games.trivia.models import Difficulty, Question
from bot.games.trivia.text import is_number_token, normalise

DEFAULT_BASE_URL = "https://opentdb.com"
MAX_AMOUNT = 50

# Our category -> the Open Trivia DB category id asked for. Categories it lacks are absent.
CATEGORY_IDS: dict[str, int] = {
    "general": 9,
    "books": 10,
    "film_tv": 11,
    "music": 12,
    "nature": 27,
    "science": 17,
    "technology": 18,
    "maths": 19,
    "mythology": 20,
    "sports": 21,
    "geography": 22,
    "history": 23,
    "art": 25,
}
# The service's category names (as returned with each question) -> our category.
CATEGORY_NAMES: dict[str, str] = {
    "General Knowledge": "general",
    "Entertainment: Books": "books",
    "Entertainment: Film": "film_tv",
    "Entertainment: Television": "film_tv",
    "Entertainment: Music": "music",
    "Entertainment: Musicals & Theatres": "music",
    "Science & Nature": "science",
    "Science: Computers": "technology",
    "Science: Gadgets": "technology",
    "Science: Mathematics": "maths",
    "Mythology": "mythology",
    "Sports": "sports",
    "Geography": "geography",
    "History": "history",
    "Politics": "history",
    "Art": "art",
    "Animals": "nature",
    "Vehicles": "technology",
}

_RESPONSE_MESSAGES = {
    1: "no questions available for these options",
    2: "the service rejected the request parameters",
    3: "session token not found",
    4: "session token has returned every question",
    5: "rate limited by the service (at most one request every 5 seconds)",
}


class OpenTDBError(RuntimeError):
    """Fetching from Open Trivia DB failed; fall back to the local bank."""


class _Item(BaseModel):
    type: str
    difficulty: str
    category: str
    question: str
    correct_answer: str
    incorrect_answers: list[str]


class _QuestionsResponse(BaseModel):
    response_code: int
    results: list[_Item] = []


class _TokenResponse(BaseModel):
    response_code: int
    token: str | None = None


class OpenTDBClient:
    """A small async client; give it an `httpx.AsyncClient` to share connections (optional)."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        http: httpx.AsyncClient | None = None,
        timeout: float = 5.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = http
        self._owns_http = http is None
        self._timeout = timeout
        self.token: str | None = None

    async def __aenter__(self) -> OpenTDBClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client if this object created it."""
        if self._http is not None and self._owns_http:
            await self._http.aclose()
            self._http = None

    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=self._timeout)
        return self._http

    async def _get_json(self, path: str, params: dict[str, Any]) -> Any:
        url = f"{self.base_url}/{path}"
        try:
            response = await self._client().get(url, params=params, timeout=self._timeout)
        except httpx.TimeoutException as exc:
            raise OpenTDBError(f"Open Trivia DB timed out after {self._timeout:g} s") from exc
        except httpx.HTTPError as exc:
            raise OpenTDBError(f"cannot reach Open Trivia DB: {exc}") from exc
        if response.status_code == 429:
            raise OpenTDBError(_RESPONSE_MESSAGES[5])
        if response.status_code != 200:
            raise OpenTDBError(f"Open Trivia DB answered HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError as exc:
            raise OpenTDBError("Open Trivia DB sent a response that is not JSON") from exc

    async def _request_token(self) -> str:
        data = await self._get_json("api_token.php", {"command": "request"})
        try:
            parsed = _TokenResponse.model_validate(data)
        except ValidationError as exc:
            raise OpenTDBError("unexpected token response from Open Trivia DB") from exc
        if parsed.response_code != 0 or not parsed.token:
            raise OpenTDBError(f"could not get a session token (code {parsed.response_code})")
        self.token = parsed.token
        return parsed.token

    async def _reset_token(self, token: str) -> None:
        data = await self._get_json("api_token.php", {"command": "reset", "token": token})
        code = data.get("response_code") if isinstance(data, dict) else None
        if code != 0:
            raise OpenTDBError(f"could not reset the session token (code {code})")

    async def fetch(
        self,
        amount: int = 10,
        category: str | None = None,
        difficulty: Difficulty | None = None,
    ) -> list[Question]:
        """Up to `amount` multiple-choice questions; OpenTDBError on any failure.

        Questions that fail our validation (e.g. an option equal to the answer) are dropped.
        """
        if not 1 <= amount <= MAX_AMOUNT:
            raise ValueError(f"amount must be between 1 and {MAX_AMOUNT} (got {amount})")
        params: dict[str, Any] = {"amount": amount, "type": "multiple"}
        if category is not None:
            if category not in CATEGORY_IDS:
                raise OpenTDBError(
                    f"Open Trivia DB has no category for {category!r}: "
                    + unknown_category_message(category, frozenset(CATEGORY_IDS))
                )
            params["category"] = CATEGORY_IDS[category]
        if difficulty is not None:
            params["difficulty"] = difficulty
        token = self.token or await self._request_token()
        for attempt in range(2):
            data = await self._get_json("api.php", {**params, "token": token})
            try:
                parsed = _QuestionsResponse.model_validate(data)
            except ValidationError as exc:
                raise OpenTDBError("unexpected question response from Open Trivia DB") from exc
            if parsed.response_code == 0:
                return _convert(parsed.results, category)
            if attempt == 0 and parsed.response_code == 3:
                token = await self._request_token()
                continue
            if attempt == 0 and parsed.response_code == 4:
                await self._reset_token(token)
                continue
            message = _RESPONSE_MESSAGES.get(parsed.response_code, "unknown error")
            raise OpenTDBError(f"Open Trivia DB: {message} (code {parsed.response_code})")
        raise OpenTDBError("Open Trivia DB kept rejecting the session token")


def _convert(items: list[_Item], category: str | None) -> list[Question]:
    questions: list[Question] = []
    for item in items:
        if item.type != "multiple":
            continue
        text = html.unescape(item.question)
        answer = html.unescape(item.correct_answer)
        wrong = [html.unescape(w) for w in item.incorrect_answers]
        ours = category or CATEGORY_NAMES.get(html.unescape(item.category), "general")
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]
        try:
            questions.append(
                Question(
                    id=f"otdb-{digest}",
                    category=ours,
                    difficulty=item.difficulty,  # type: ignore[arg-type]
                    question=text,
                    answer=answer,
                    wrong=tuple(wrong),
                    kind="number" if is_number_token(normalise(answer)) else "text",
                )
            )
        except ValidationError:
            # The service's data does not always meet our rules (a wrong option equal to
            # the answer after normalisation, for instance); such a question is skipped.
            continue
    return questions
