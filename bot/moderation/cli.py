"""``hearth moderation check``: try the filter from the command line.

    hearth moderation check [--strictness relaxed|standard|strict] [--output] TEXT
    hearth moderation check [--strictness ...] [--output] --jsonl FILE   (FILE may be -)

With TEXT it prints the verdict, category and matched term. With ``--jsonl`` it reads one
``{"text": ...}`` object per line (an optional ``"strictness"`` overrides the option for
that line; other keys are ignored) and writes one JSON object per input line, in order,
with ``verdict``, ``category`` and ``term``; a malformed line gives an object with the
``line`` number and an ``error`` and processing continues. Both modes exit 0; a missing
or unreadable file exits 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import Any, Literal, TextIO

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.moderation.filter import ModerationFilter, Verdict
from bot.moderation.policy import Policy, Strictness

STRICTNESS_CHOICES = ("relaxed", "standard", "strict")


class _Line(BaseModel):
    """One JSONL input line."""

    model_config = ConfigDict(extra="ignore")
    text: str
    strictness: Literal["relaxed", "standard", "strict"] | None = None


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``moderation check`` to the ``hearth`` command line."""
    moderation = subparsers.add_parser("moderation", help="the moderation filter")
    commands = moderation.add_subparsers(dest="moderation_command", required=True)
    check = commands.add_parser(
        "check", help="check a text (or a JSONL file of texts) with the moderation filter"
    )
    check.add_argument("text", nargs="?", help="the text to check")
    check.add_argument(
        "--strictness",
        choices=STRICTNESS_CHOICES,
        default="standard",
        help="server strictness (default: standard)",
    )
    check.add_argument(
        "--output",
        action="store_true",
        help="check as the bot's own output (stricter) instead of a user's message",
    )
    check.add_argument(
        "--jsonl",
        metavar="FILE",
        help='read {"text": ...} objects, one per line, from FILE ("-" for stdin)',
    )
    check.set_defaults(func=handle_check)


def _describe(verdict: Verdict) -> dict[str, Any]:
    return {"verdict": verdict.verdict, "category": verdict.category, "term": verdict.term}


def _check(
    moderation: ModerationFilter, text: str, strictness: Strictness, output: bool
) -> Verdict:
    policy = Policy(strictness=strictness)
    if output:
        return moderation.check_output(text, policy)
    return moderation.check_input(text, policy)


def check_lines(
    lines: Iterable[bytes | str],
    strictness: Strictness = "standard",
    output: bool = False,
    moderation: ModerationFilter | None = None,
) -> Iterable[dict[str, Any]]:
    """One result object per JSONL input line (see the module docstring)."""
    moderation = moderation or ModerationFilter()
    for number, raw in enumerate(lines, start=1):
        try:
            line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        except UnicodeDecodeError as error:
            yield {"line": number, "error": f"not valid UTF-8 ({error.reason})"}
            continue
        line = line.rstrip("\r\n")
        if not line.strip():
            yield {"line": number, "error": 'empty line; expected a JSON object {"text": ...}'}
            continue
        try:
            item = _Line.model_validate_json(line)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "line"
            message = (
                f"invalid JSON: {first['msg']}"
                if first["type"] == "json_invalid"
                else f"{where}: {first['msg']}"
            )
            yield {"line": number, "error": message + ' (expected {"text": "..."})'}
            continue
        verdict = _check(moderation, item.text, item.strictness or strictness, output)
        yield {"line": number, **_describe(verdict)}


def _open(path: str) -> TextIO | Any:
    if path == "-":
        return sys.stdin.buffer
    return open(path, "rb")  # closed by the caller


def handle_check(args: argparse.Namespace) -> int:
    """Run ``moderation check``; returns the exit code."""
    if args.jsonl is None and args.text is None:
        print("moderation check: give a TEXT or --jsonl FILE", file=sys.stderr)
        return 2
    if args.jsonl is not None and args.text is not None:
        print("moderation check: give either a TEXT or --jsonl FILE, not both", file=sys.stderr)
        return 2
    moderation = ModerationFilter()
    if args.jsonl is None:
        verdict = _check(moderation, args.text, args.strictness, args.output)
        print(f"verdict: {verdict.verdict}")
        print(f"category: {verdict.category or '-'}")
        print(f"term: {verdict.term or '-'}")
        return 0
    try:
        source = _open(args.jsonl)
    except OSError as error:
        print(f"moderation check: cannot read {args.jsonl}: {error.strerror}", file=sys.stderr)
        return 2
    try:
        for result in check_lines(source, args.strictness, args.output, moderation):
            print(json.dumps(result, ensure_ascii=False), flush=False)
    finally:
        if source is not sys.stdin.buffer:
            source.close()
    return 0
