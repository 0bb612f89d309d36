"""Argument checks shared by every storage backend.

Repositories check values before they reach the database so that a bad value gets a
message naming the argument and what is expected (the schema's CHECK constraints are the
second line of defence).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

# Discord snowflakes are unsigned 64-bit in theory but stay below 2**63 in practice,
# which is exactly what a signed SQLite/PostgreSQL BIGINT holds.
_MAX_ID = 2**63 - 1


def discord_id(name: str, value: object) -> int:
    """A Discord id: a non-negative int that fits a signed 64-bit column."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an integer Discord id, got {value!r}")
    if not 0 <= value <= _MAX_ID:
        raise ValueError(f"{name} must be between 0 and 2**63-1, got {value}")
    return value


def optional_discord_id(name: str, value: object) -> int | None:
    """A Discord id or None."""
    return None if value is None else discord_id(name, value)


def choice(name: str, value: object, allowed: Iterable[str]) -> str:
    """One of a fixed set of strings."""
    options = tuple(allowed)
    if not isinstance(value, str) or value not in options:
        expected = ", ".join(repr(option) for option in options)
        raise ValueError(f"{name} must be one of {expected}; got {value!r}")
    return value


def text(
    name: str, value: object, *, max_length: int | None = None, allow_empty: bool = True
) -> str:
    """A string, optionally non-empty and bounded."""
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, got {type(value).__name__}")
    if not allow_empty and not value.strip():
        raise ValueError(f"{name} must not be empty")
    if max_length is not None and len(value) > max_length:
        raise ValueError(f"{name} must be at most {max_length} characters, got {len(value)}")
    return value


def identifier(name: str, value: object, *, max_length: int) -> str:
    """A short id such as a persona id: non-empty, no surrounding spaces, bounded."""
    checked = text(name, value, max_length=max_length, allow_empty=False)
    if checked != checked.strip():
        raise ValueError(f"{name} must not start or end with spaces, got {checked!r}")
    return checked


def timestamp(name: str, value: object) -> float:
    """Unix seconds (UTC) as a finite number."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be unix seconds (a finite number), got {value!r}")
    return float(value)


def limit(name: str, value: object) -> int:
    """A row limit: an int >= 0."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be an integer >= 0, got {value!r}")
    return value


def flag(name: str, value: object) -> bool:
    """A real bool (not 0/1 or "yes")."""
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return value
