"""`hearth trivia ...`: judge an answer, check a question pack, list the bank's categories."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.games.trivia.bank import load_bank
from bot.games.trivia.judge import add_judge_parser
from bot.games.trivia.loader import QuestionFileError, load_pack


def _handle_check_pack(args: argparse.Namespace) -> int:
    path: Path = args.file
    fmt = "json" if path.suffix.lower() == ".json" else "toml"
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"error: cannot read {path}: {exc.strerror}")
        return 2
    try:
        questions = load_pack(data, fmt=fmt, source=path.name)
    except QuestionFileError as exc:
        print(exc)
        return 1
    print(f"ok: {len(questions)} valid questions in {path.name}")
    return 0


def _handle_categories(args: argparse.Namespace) -> int:
    bank = load_bank()
    for cat in bank.categories():
        counts = ", ".join(f"{n} {d}" for d, n in cat.by_difficulty.items())
        print(f"{cat.key:<12} {cat.name:<18} {cat.total:>4} ({counts})")
    print(f"total: {len(bank)} questions")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `trivia judge`, `trivia check-pack` and `trivia categories` to the CLI."""
    parser = subparsers.add_parser("trivia", help="trivia tools", description="Trivia tools.")
    commands = parser.add_subparsers(dest="trivia_command", metavar="COMMAND", required=True)
    add_judge_parser(commands)
    check = commands.add_parser(
        "check-pack",
        help="validate a moderator's question pack (TOML or JSON)",
        description="Validate a question pack and list every problem, question by question.",
    )
    check.add_argument("file", type=Path, metavar="FILE", help="a .toml or .json pack")
    check.set_defaults(func=_handle_check_pack)
    cats = commands.add_parser("categories", help="list the shipped categories and counts")
    cats.set_defaults(func=_handle_categories)
