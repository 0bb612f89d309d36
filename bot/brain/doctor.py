"""`hearth doctor`: check that the configured brain can answer, and say how to fix it if not.

Checks, in order, stopping at the first one that makes the rest meaningless:

- offline: nothing to check (the embedded brain needs no model, key or network);
- openai: the base URL and model are set; the server is reachable (``GET {base}/models``;
  a 404 there is fine, not every server lists models); the model is in that list (with
  close names suggested when it is not); a one-token test completion;
- anthropic: the key and model are set; a one-token test message (close model names are
  suggested from ``GET /v1/models`` when the model is unknown).

Every failed check carries a "fix" line naming the command or setting to change.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from rapidfuzz import fuzz, process

from bot.brain.anthropic import ANTHROPIC_API_URL, AnthropicBrain
from bot.brain.base import ChatMessage, ChatRequest, Speaker
from bot.brain.errors import (
    AuthFailed,
    BadRequest,
    ConnectFailed,
    MalformedResponse,
    ModelNotFound,
    RateLimited,
    ReadTimedOut,
    RemoteBrainError,
    ServerOverloaded,
    StreamBroken,
    redact,
)
from bot.brain.openai import OpenAICompatibleBrain, with_usage
from bot.settings import ConfigError, Settings, load_settings
from persona import DEFAULT_PERSONA_ID, get_preset

KEY_FIX = "check HEARTH_LLM_API_KEY (local servers such as Ollama need none: leave it empty)"


@dataclass(frozen=True, slots=True)
class DoctorCheck:
    """One check: what was checked, whether it passed, what was found, how to fix it."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


async def run_doctor(settings: Settings, *, timeout: float = 15.0) -> list[DoctorCheck]:
    """Check the brain ``settings`` configure; ``timeout`` bounds each network step."""
    if settings.brain == "openai":
        return await _check_openai(settings, timeout)
    if settings.brain == "anthropic":
        return await _check_anthropic(settings, timeout)
    return [
        DoctorCheck(
            "brain",
            True,
            "offline: the embedded brain needs no model, key or network "
            "(set HEARTH_BRAIN=openai or anthropic to use a language model)",
        )
    ]


# --------------------------------------------------------------------------- openai
async def _check_openai(settings: Settings, timeout: float) -> list[DoctorCheck]:
    base = settings.llm_base_url
    model = settings.llm_model
    if not base:
        return [
            DoctorCheck(
                "base URL",
                False,
                "HEARTH_LLM_BASE_URL is not set",
                "set HEARTH_LLM_BASE_URL, e.g. http://localhost:11434/v1 for Ollama or "
                "https://api.openai.com/v1",
            )
        ]
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    checks = [DoctorCheck("base URL", True, base)]
    listing = await _list_models(f"{base}/models", _bearer(key), timeout)
    checks.append(_server_check(base, listing, key))
    if not checks[-1].ok:
        return checks
    if not model:
        checks.append(
            DoctorCheck(
                "model",
                False,
                "HEARTH_LLM_MODEL is not set",
                _choose_model_fix(base, listing.models, None),
            )
        )
        return checks
    if listing.models is not None:
        checks.append(_model_check(base, model, listing.models))
        if not checks[-1].ok:
            return checks
    brain = OpenAICompatibleBrain.from_settings(
        settings, max_retries=0, connect_timeout=min(5.0, timeout), read_timeout=timeout
    )
    checks.append((await _test_reply(brain, base, model, key))[0])
    return checks


@dataclass(frozen=True, slots=True)
class _Listing:
    models: list[str] | None  # None: the server has no usable list
    status: int | None = None  # None: no HTTP answer at all
    problem: str = ""


async def _list_models(url: str, headers: dict[str, str], timeout: float) -> _Listing:
    limits = httpx.Timeout(timeout, connect=min(5.0, timeout))
    try:
        async with httpx.AsyncClient(timeout=limits) as client:
            response = await client.get(url, headers=headers)
    except httpx.HTTPError as exc:
        return _Listing(None, None, f"{type(exc).__name__}: {exc}".rstrip(": "))
    if response.status_code != 200:
        return _Listing(None, response.status_code, response.text[:200])
    try:
        data = response.json().get("data")
        models = [str(m["id"]) for m in data if isinstance(m, dict) and "id" in m]
    except (ValueError, AttributeError, TypeError):
        return _Listing(None, 200, "the model list is not the expected JSON")
    return _Listing(models, 200)


def _server_check(base: str, listing: _Listing, key: str | None) -> DoctorCheck:
    if listing.status is None:
        return DoctorCheck(
            "server",
            False,
            f"cannot reach {base}: {redact(listing.problem, [key])}",
            _start_server_fix(base),
        )
    if listing.status in (401, 403):
        return DoctorCheck(
            "server", False, f"{base} rejected the API key ({listing.status})", KEY_FIX
        )
    if listing.models is not None:
        return DoctorCheck("server", True, f"reachable, {len(listing.models)} models listed")
    if listing.status == 404:
        hint = "" if base.endswith("/v1") else " (Ollama and llama.cpp serve it under /v1)"
        return DoctorCheck(
            "server", True, f"reachable; no model list at {base}/models (not required){hint}"
        )
    problem = f": {listing.problem}" if listing.problem else ""
    return DoctorCheck(
        "server",
        True,
        f"reachable; {base}/models answered {listing.status}{problem} (not required)",
    )


def _model_check(base: str, model: str, models: list[str]) -> DoctorCheck:
    if _has_model(model, models):
        return DoctorCheck("model", True, f"{model} is available")
    close = _close_names(model, models)
    detail = f"{base} has no model {model!r}"
    if close:
        detail += f"; did you mean {', '.join(close)}?"
    return DoctorCheck("model", False, detail, _choose_model_fix(base, models, model))


def _has_model(model: str, models: list[str]) -> bool:
    # Ollama lists "llama3.2:latest" for a model asked for as "llama3.2".
    bare = model.removesuffix(":latest")
    return any(m == model or m.removesuffix(":latest") == bare for m in models)


def _close_names(model: str, models: list[str]) -> list[str]:
    found = process.extract(model, models, scorer=fuzz.WRatio, limit=3, score_cutoff=60)
    return [name for name, _score, _index in found]


def _choose_model_fix(base: str, models: list[str] | None, model: str | None) -> str:
    if model and _is_ollama(base):
        return f"pull the model with `ollama pull {model}`, or set HEARTH_LLM_MODEL to one you have"
    if models:
        shown = ", ".join(models[:8]) + (", …" if len(models) > 8 else "")
        return f"set HEARTH_LLM_MODEL to one of: {shown}"
    if _is_ollama(base):
        return "pull a model (e.g. `ollama pull llama3.2`) and set HEARTH_LLM_MODEL to its name"
    return "set HEARTH_LLM_MODEL to a model name the server offers"


def _is_ollama(base: str) -> bool:
    parts = urlsplit(base)
    return parts.port == 11434 or "ollama" in (parts.hostname or "")


def _start_server_fix(base: str) -> str:
    host = urlsplit(base).hostname or ""
    if _is_ollama(base):
        return "start Ollama with `ollama serve`, and check HEARTH_LLM_BASE_URL"
    if host in ("localhost", "127.0.0.1", "::1", "0.0.0.0"):
        return (
            "start your local LLM server (e.g. `llama-server -m model.gguf --port 8080`) "
            "and check that HEARTH_LLM_BASE_URL points at it"
        )
    return "check HEARTH_LLM_BASE_URL and this machine's network connection"


def _bearer(key: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"} if key else {}


# --------------------------------------------------------------------------- anthropic
async def _check_anthropic(settings: Settings, timeout: float) -> list[DoctorCheck]:
    base = settings.llm_base_url or ANTHROPIC_API_URL
    if settings.llm_api_key is None:
        return [
            DoctorCheck(
                "API key",
                False,
                "HEARTH_LLM_API_KEY is not set",
                "create a key in the Anthropic console (API keys) and set HEARTH_LLM_API_KEY",
            )
        ]
    checks = [DoctorCheck("API key", True, "set (not shown)")]
    if not settings.llm_model:
        checks.append(
            DoctorCheck(
                "model",
                False,
                "HEARTH_LLM_MODEL is not set",
                "set HEARTH_LLM_MODEL, e.g. claude-3-5-haiku-latest",
            )
        )
        return checks
    key = settings.llm_api_key.get_secret_value()
    brain = AnthropicBrain.from_settings(
        settings, max_retries=0, connect_timeout=min(5.0, timeout), read_timeout=timeout
    )
    result, error = await _test_reply(brain, base, settings.llm_model, key)
    if isinstance(error, ModelNotFound):
        headers = {"x-api-key": key, "anthropic-version": brain.anthropic_version}
        listing = await _list_models(f"{brain.base_url}/v1/models", headers, timeout)
        close = _close_names(settings.llm_model, listing.models or [])
        if close:
            result = DoctorCheck(
                result.name,
                False,
                f"{result.detail}; did you mean {', '.join(close)}?",
                f"set HEARTH_LLM_MODEL to one of: {', '.join(close)}",
            )
    checks.append(result)
    return checks


# --------------------------------------------------------------------------- both
async def _test_reply(
    brain: OpenAICompatibleBrain | AnthropicBrain, base: str, model: str, key: str | None
) -> tuple[DoctorCheck, RemoteBrainError | None]:
    """Ask for a one-token reply; success means the whole path works."""
    request, usage = with_usage(
        ChatRequest(
            system_prompt="Answer in one word.",
            messages=(ChatMessage("user", "Say hello."),),
            speaker=Speaker(0, "hearth doctor", None, 0),
            persona=get_preset(DEFAULT_PERSONA_ID),
            max_tokens=1,
        )
    )
    started = time.perf_counter()
    try:
        text = "".join([chunk async for chunk in brain.stream(request)])
    except RemoteBrainError as exc:
        detail = redact(str(exc), [key])
        return DoctorCheck("test reply", False, detail, _fix_for(exc, base, model)), exc
    finally:
        await brain.aclose()
    took = time.perf_counter() - started
    said = f", said {text.strip()!r}" if text.strip() else ""
    detail = f"{usage.model or model} answered in {took:.2f} s{said}"
    return DoctorCheck("test reply", True, detail), None


def _fix_for(exc: RemoteBrainError, base: str, model: str) -> str:
    if isinstance(exc, AuthFailed):
        return KEY_FIX
    if isinstance(exc, ModelNotFound):
        return _choose_model_fix(base, None, model)
    if isinstance(exc, ConnectFailed):
        if base == ANTHROPIC_API_URL:
            return "check this machine's network connection (and any proxy settings)"
        return _start_server_fix(base)
    if isinstance(exc, ReadTimedOut):
        return "the model is slow to load or answer: try again, or choose a smaller model"
    if isinstance(exc, RateLimited):
        return "wait a minute and try again, or check the rate limits and quota of your plan"
    if isinstance(exc, ServerOverloaded | StreamBroken):
        return "the server is failing or overloaded: check its logs, then try again"
    if isinstance(exc, MalformedResponse):
        return (
            "the server does not speak the expected streaming format: check that "
            "HEARTH_LLM_BASE_URL points at its API root (e.g. ending in /v1), not a web UI"
        )
    if isinstance(exc, BadRequest):
        return "the server refused the request: check HEARTH_LLM_MODEL and any extra body settings"
    return "see the message above"


# --------------------------------------------------------------------------- CLI
def format_checks(checks: list[DoctorCheck]) -> str:
    """One line per check (✓/✗), with an indented fix line under each failure."""
    lines: list[str] = []
    for check in checks:
        lines.append(f"{'✓' if check.ok else '✗'} {check.name}: {check.detail}")
        if not check.ok and check.fix:
            lines.append(f"    fix: {check.fix}")
    problems = sum(not c.ok for c in checks)
    lines.append("all good" if not problems else f"{problems} problem(s) found")
    return "\n".join(lines)


def _handle(args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(exc)
        return 2
    checks = asyncio.run(run_doctor(settings, timeout=args.timeout))
    print(f"brain: {settings.brain}")
    print(format_checks(checks))
    return 0 if all(c.ok for c in checks) else 1


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `hearth doctor` to the CLI."""
    parser = subparsers.add_parser(
        "doctor",
        help="check that the configured brain (LLM server, model, key) works",
        description="Check the configured brain step by step and say how to fix what fails.",
    )
    parser.add_argument(
        "--timeout",
        type=_positive,
        default=15.0,
        metavar="SECONDS",
        help="how long to wait for each network step (default 15)",
    )
    parser.set_defaults(func=_handle)


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value
