"""Short human descriptions of the bot's own state, for /about and the CLI."""

from __future__ import annotations

from bot.settings import Settings


def describe_brain(settings: Settings, brain: object | None = None) -> str:
    """Which brain answers chat (and, for remote ones, whether the circuit is open),
    without revealing secrets such as keys."""
    if settings.brain == "offline":
        return "offline (embedded, no language model)"
    model = settings.llm_model or "default model"
    describe = getattr(brain, "describe", None)
    state = f"; {describe()}" if callable(describe) else ""
    return f"{settings.brain}: {model}{state}"


def describe_uptime(seconds: float) -> str:
    """ "3 d 4 h", "12 min", "40 s"."""
    seconds = int(seconds)
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min"
    return f"{secs} s"
