"""`hearth db status` and `hearth db migrate`.

The lead's CLI puts the database path (from settings) in `args.database`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from bot.storage.database import MEMORY, open_database
from bot.storage.errors import StorageError
from bot.storage.migrator import Migration, load_migrations, pending


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `db` command with its `status` and `migrate` subcommands."""
    db = subparsers.add_parser("db", help="inspect or migrate Hearth's database")
    actions = db.add_subparsers(dest="db_command", metavar="{status,migrate}")
    actions.required = True
    status = actions.add_parser(
        "status", help="show the path, schema version, pending migrations and row counts"
    )
    status.set_defaults(func=status_command)
    migrate = actions.add_parser("migrate", help="apply pending migrations")
    migrate.set_defaults(func=migrate_command)


def status_command(args: argparse.Namespace) -> int:
    """Print the database's path, schema version, pending migrations and row counts."""
    path = _database_path(args)
    if path is None:
        return 2
    if path != MEMORY and not Path(path).expanduser().exists():
        # Opening would create the file; a status check should not.
        try:
            waiting = pending(set(), load_migrations())
        except StorageError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        print(f"database: {path} (does not exist yet; `hearth db migrate` creates it)")
        print("schema version: 0")
        print(f"pending migrations: {_names(waiting)}")
        return 0
    return _run(_status(path))


def migrate_command(args: argparse.Namespace) -> int:
    """Apply pending migrations and print what was applied."""
    path = _database_path(args)
    if path is None:
        return 2
    return _run(_migrate(path))


async def _status(path: str) -> int:
    db = await open_database(path, migrate=False)
    async with db:
        version = await db.schema_version()
        known = db.known_migrations()
        highest = known[-1].version if known else 0
        print(f"database: {db.path}")
        print(f"journal mode: {db.journal_mode}")
        print(f"schema version: {version} (this Hearth knows up to {highest})")
        if version > highest:
            print(
                f"error: database schema version {version} is newer than this Hearth "
                f"understands (up to {highest}); upgrade Hearth or use another "
                "HEARTH_DATABASE_PATH",
                file=sys.stderr,
            )
            return 1
        print(f"pending migrations: {_names(await db.pending_migrations())}")
        counts = await db.table_counts()
        print("rows:")
        width = max((len(name) for name in counts), default=0)
        for name, count in counts.items():
            print(f"  {name:<{width}}  {count}")
    return 0


async def _migrate(path: str) -> int:
    db = await open_database(path, migrate=False)
    async with db:
        applied = await db.migrate()
        version = await db.schema_version()
    if applied:
        for migration in applied:
            print(f"applied {migration.file_name}")
    else:
        print("nothing to apply: the database is up to date")
    print(f"schema version: {version}")
    return 0


def _names(migrations: list[Migration]) -> str:
    return ", ".join(m.file_name for m in migrations) if migrations else "none"


def _database_path(args: argparse.Namespace) -> str | None:
    path = getattr(args, "database", None)
    if not path:
        print(
            "error: no database path; set HEARTH_DATABASE_PATH (or pass it as args.database)",
            file=sys.stderr,
        )
        return None
    return str(path)


def _run(coroutine: Coroutine[Any, Any, int]) -> int:
    try:
        return asyncio.run(coroutine)
    except StorageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
