"""`hearth data purge USER_ID` and `hearth data export USER_ID`: owners' tools for a user's data.

Purge deletes everything Hearth stores about one Discord user (memories, conversation history
and their user record, with whatever other features keep under it); export prints it as JSON,
for answering a data request. The database is `--database` or HEARTH_DATABASE_PATH.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.memory.service import MemoryService
from bot.settings import ConfigError, load_settings
from bot.storage import StorageError, open_database

_MAX_ID = 2**63 - 1


def _user_id(text: str) -> int:
    cleaned = text.strip().removeprefix("<@").removesuffix(">").lstrip("!")
    if not cleaned.isdigit() or not 0 < int(cleaned) <= _MAX_ID:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a Discord user id; expected the numeric id, e.g. 123456789012345678 "
            "(Discord: Settings > Advanced > Developer Mode, then right-click the user > Copy "
            "User ID)"
        )
    return int(cleaned)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `data purge` and `data export` to the `hearth` command."""
    data = subparsers.add_parser(
        "data",
        help="look after one user's stored data (purge, export)",
        description="Owners' tools for one user's data: everything Hearth stores about them.",
    )
    actions = data.add_subparsers(dest="data_command", metavar="{purge,export}", required=True)
    purge = actions.add_parser(
        "purge",
        help="delete everything stored about a user (memories, history, record)",
        description="Delete everything Hearth stores about one Discord user. Cannot be undone.",
    )
    purge.add_argument("user_id", type=_user_id, metavar="USER_ID", help="numeric Discord user id")
    purge.add_argument("--database", help="database file (default: HEARTH_DATABASE_PATH)")
    purge.set_defaults(func=purge_command)
    export = actions.add_parser(
        "export",
        help="print everything stored about a user as JSON",
        description="Print everything Hearth stores about one Discord user, as JSON.",
    )
    export.add_argument("user_id", type=_user_id, metavar="USER_ID", help="numeric Discord user id")
    export.add_argument("--database", help="database file (default: HEARTH_DATABASE_PATH)")
    export.set_defaults(func=export_command)


def purge_command(args: argparse.Namespace) -> int:
    """Delete a user's data and print what was deleted."""
    return _run(args, _purge)


def export_command(args: argparse.Namespace) -> int:
    """Print a user's data as JSON."""
    return _run(args, _export)


async def _purge(service: MemoryService, user_id: int) -> int:
    counts = await service.purge(user_id)
    if not (counts.memories or counts.messages or counts.user_record):
        print(f"nothing stored about user {user_id}: nothing to purge")
        return 0
    print(
        f"purged user {user_id}: {counts.memories} memories, {counts.messages} conversation "
        f"messages, user record {'deleted' if counts.user_record else 'absent'}"
    )
    return 0


async def _export(service: MemoryService, user_id: int) -> int:
    sys.stdout.write((await service.export_json(user_id)).decode() + "\n")
    return 0


Action = Callable[[MemoryService, int], Awaitable[int]]


def _run(args: argparse.Namespace, action: Action) -> int:
    try:
        path = args.database or str(load_settings().database_path)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    if str(path) != ":memory:" and not Path(path).expanduser().exists():
        print(f"error: no database at {path}; nothing is stored there", file=sys.stderr)
        return 1

    async def run() -> int:
        db = await open_database(path)
        async with db:
            return int(await action(MemoryService(db), args.user_id))

    try:
        return asyncio.run(run())
    except StorageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
