"""The ``hearth`` command: run the bot, play with it offline, and look after its data."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

import discord

import bot
from bot.brain import doctor
from bot.games.trivia import cli as trivia_cli
from bot.memory import cli as memory_cli
from bot.moderation import cli as moderation_cli
from bot.settings import ConfigError, Settings, load_settings
from bot.storage import StorageError
from bot.storage import cli as storage_cli
from persona import cli as persona_cli

log = logging.getLogger("hearth")

MISSING_TOKEN = """\
HEARTH_DISCORD_TOKEN is not set, so Hearth cannot log in to Discord.

To get a token: open https://discord.com/developers/applications, create an application,
open its "Bot" tab, press "Reset Token" and copy it. On the same tab, switch on
"Message Content Intent". Then set it, for example:

    export HEARTH_DISCORD_TOKEN=your-token-here     (or put it in a .env file)

Want to try Hearth first? `hearth play` runs it locally with no token and no network."""

INVALID_TOKEN = """\
Discord rejected the token in HEARTH_DISCORD_TOKEN (401 Unauthorized).
Copy a fresh one from the "Bot" tab of your application at
https://discord.com/developers/applications (Reset Token), and check that no quotes or
spaces were pasted with it."""

INTENTS_NEEDED = """\
Discord refused the connection because the "Message Content Intent" is not enabled.
Switch it on in the "Bot" tab of your application at https://discord.com/developers/applications,
then start Hearth again."""


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {}
    if getattr(args, "database", None):
        overrides["database_path"] = args.database
    return load_settings(**overrides)


def _setup_logging(settings: Settings) -> None:
    discord.utils.setup_logging(level=settings.log_level_number, root=True)


def cmd_run(args: argparse.Namespace) -> int:
    """Connect to Discord (or the Discord-compatible server in the settings) and serve."""
    from bot.client import HearthBot, configure_endpoints

    settings = _settings(args)
    if settings.discord_token is None:
        print(MISSING_TOKEN, file=sys.stderr)
        return 2
    _setup_logging(settings)
    configure_endpoints(settings.discord_api_url, settings.discord_gateway_url)

    async def serve() -> None:
        async with HearthBot(settings) as client:
            await client.start(settings.discord_token.get_secret_value())  # type: ignore[union-attr]

    try:
        asyncio.run(serve())
    except discord.LoginFailure:
        print(INVALID_TOKEN, file=sys.stderr)
        return 1
    except discord.PrivilegedIntentsRequired:
        print(INTENTS_NEEDED, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        log.info("stopped")
    return 0


def cmd_play(args: argparse.Namespace) -> int:
    """Chat with the real bot in this terminal, on a local emulated Discord."""
    from bot.playground import run_playground

    settings = _settings(args)
    if not args.database:
        settings = settings.model_copy(update={"database_path": args.playground_database})
    logging.basicConfig(
        level=logging.WARNING if not args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not args.verbose:
        # Voice support is irrelevant to a chat bot; its missing-library warnings are noise.
        logging.getLogger("discord.client").setLevel(logging.ERROR)
    try:
        return asyncio.run(run_playground(settings, as_json=args.json, user_name=args.name))
    except KeyboardInterrupt:
        return 0


def build_parser() -> argparse.ArgumentParser:
    """The ``hearth`` argument parser, with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="hearth",
        description="Hearth: a warm, witty, honest Discord companion.",
        epilog="Settings come from HEARTH_* environment variables or a .env file (see README).",
    )
    parser.add_argument("--version", action="version", version=f"hearth {bot.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = sub.add_parser("run", help="connect to Discord and serve (needs HEARTH_DISCORD_TOKEN)")
    run.add_argument("--database", help="database file (default: HEARTH_DATABASE_PATH)")
    run.set_defaults(func=cmd_run)

    play = sub.add_parser(
        "play",
        help="chat with Hearth in this terminal: no token, no model, no network",
        description="Runs a local Discord emulator and the real bot, and lets you chat with it. "
        "When input is not a terminal, each line is run as a script step.",
    )
    play.add_argument(
        "--json", action="store_true", help="script mode: print one JSON object per bot message"
    )
    play.add_argument("--name", default="You", help="your display name (default: You)")
    play.add_argument("--database", help="database file (default: ./data/playground.db)")
    play.add_argument("--verbose", action="store_true", help="show the bot's log")
    play.set_defaults(func=cmd_play, playground_database="./data/playground.db")

    persona_cli.register(sub)
    storage_cli.register(sub)
    trivia_cli.register(sub)
    doctor.register(sub)
    moderation_cli.register(sub)
    memory_cli.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``hearth`` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "db" and not getattr(args, "database", None):
            args.database = str(load_settings().database_path)
        return int(args.func(args))
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    except StorageError as exc:
        print(f"Database problem: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
