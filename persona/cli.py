"""`hearth persona ...` subcommands (wired into bot/cli.py through :func:`register`)."""

from __future__ import annotations

import argparse

from persona.errors import PersonaError
from persona.loader import load_persona


def _validate(args: argparse.Namespace) -> int:
    """Print "FILE: ok (Name, id)" or the problems for each file; 1 if any file is invalid."""
    failed = 0
    for path in args.files:
        try:
            persona = load_persona(path)
        except PersonaError as exc:
            failed += 1
            print(exc)
        else:
            print(f"{path}: ok ({persona.name}, {persona.id})")
    return 1 if failed else 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``persona validate FILE...`` to a CLI's subcommands."""
    persona = subparsers.add_parser(
        "persona", help="work with persona files", description="Work with persona TOML files."
    )
    actions = persona.add_subparsers(dest="persona_command", metavar="COMMAND", required=True)
    validate = actions.add_parser(
        "validate",
        help="check persona files and explain every problem",
        description="Check persona TOML files; exit 0 if all are valid, else 1.",
    )
    validate.add_argument("files", nargs="+", metavar="FILE", help="persona .toml file(s)")
    validate.set_defaults(func=_validate)
