"""Splitting long text into Discord-sized messages without breaking words or code blocks.

Discord refuses messages over 2,000 characters. A cut prefers a paragraph break, then a line
break, then a space; a code block cut in two is closed at the end of one message and reopened,
with its language, at the start of the next, so both halves still render as code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DISCORD_LIMIT = 2000
_FENCE = re.compile(r"^[ \t]*```([^\s`]*)", re.MULTILINE)
_CLOSE = "\n```"


@dataclass(frozen=True, slots=True)
class Piece:
    """One message's worth of text, and how much of the source it consumed."""

    text: str
    consumed: int
    code_lang: str | None  # the code block still open after this piece (None: none open)


def _fence_state(text: str, lang: str | None) -> str | None:
    """The open code block's language after ``text``, given the state before it."""
    for match in _FENCE.finditer(text):
        lang = None if lang is not None else match.group(1)
    return lang


def _cut_point(window: str, minimum: int) -> int:
    for separator in ("\n\n", "\n", " "):
        at = window.rfind(separator, minimum)
        if at > 0:
            return at
    return len(window)


def take_piece(text: str, *, code_lang: str | None = None, limit: int = DISCORD_LIMIT) -> Piece:
    """The first message's worth of ``text``, which starts inside ``code_lang`` if not None."""
    prefix = f"```{code_lang}\n" if code_lang is not None else ""
    room = limit - len(prefix)
    if len(text) <= room and _fence_state(text, code_lang) is None:
        return Piece(prefix + text, len(text), None)
    if len(text) <= room - len(_CLOSE):
        state = _fence_state(text, code_lang)
        return Piece(prefix + text + (_CLOSE if state is not None else ""), len(text), state)
    window = text[: room - len(_CLOSE)]
    cut = _cut_point(window, minimum=len(window) // 2)
    body = text[:cut].rstrip()
    state = _fence_state(body, code_lang)
    chunk = prefix + body + (_CLOSE if state is not None else "")
    consumed = cut
    while consumed < len(text) and text[consumed] in " \n":
        consumed += 1
    return Piece(chunk, consumed, state)


def split_message(text: str, limit: int = DISCORD_LIMIT) -> list[str]:
    """Split text into pieces of at most ``limit`` characters (see the module docstring)."""
    pieces: list[str] = []
    rest, lang = text, None
    while rest:
        piece = take_piece(rest, code_lang=lang, limit=limit)
        if piece.text.strip():
            pieces.append(piece.text)
        rest, lang = rest[piece.consumed :], piece.code_lang
        if piece.consumed == 0:  # cannot happen with a sane limit; never loop forever
            break
    return pieces or [""]
