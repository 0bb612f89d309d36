"""``hearth play``: chat with the real bot in a terminal, on a local emulated Discord.

The emulator and HearthBot run in this process; you are a member of the "Hearth
Playground" server with #general and #games (and a DM with the bot). #general and DMs are a
direct conversation: every plain message gets an answer. With a terminal you get a prompt
and live updates; with piped input every line is a script step and each bot message is
printed once, in its final form (``--json``: one JSON object per message).
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

from bot.emulator.harness import IdleRules, Person, wait_idle
from bot.emulator.server import EmulatorError
from bot.emulator.state import Channel, Message
from bot.emulator.world import LocalWorld
from bot.settings import Settings

HELP = """\
Type a message and press Enter to say it in the current channel.
  /command option:value ...   run a slash command, e.g. /help  or  /about
  :click N | :click Label     press a button of the latest bot message that has buttons
  :in CHANNEL                 move to another channel (#general, #games)
  :dm                         talk to the bot in a direct message
  :as NAME                    become another person (created on first use)
  :mod / :unmod               give / take Manage Server from the current person
  :wait SECONDS               let time pass (timers run), e.g. :wait 5
  :help                       this help
  :quit                       leave (Ctrl+D works too)
#general and DMs answer every message; in other channels, mention the bot with @Hearth."""

_OPTION = re.compile(r"(?:^|\s)([A-Za-z_][\w-]*):")
_MENTION_BOT = re.compile(r"^@(hearth|bot)\b", re.IGNORECASE)


class PlaygroundError(Exception):
    """Something the person typed cannot be done; the message says what to do instead."""


def parse_slash(line: str) -> tuple[str, dict[str, str]]:
    """``/trivia start rounds:5 category:space cats`` -> ("trivia start", {...})."""
    body = line.strip()[1:]
    # An option name inside double quotes is part of a value: prompt:"a dragon: who bakes"
    matches = [m for m in _OPTION.finditer(body) if body.count('"', 0, m.start()) % 2 == 0]
    command = (body[: matches[0].start()] if matches else body).strip()
    options: dict[str, str] = {}
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(body)
        value = body[match.end() : end].strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        options[match.group(1)] = value
    if not command:
        raise PlaygroundError("type a command name after the slash, e.g. /help")
    return command, options


@dataclass
class Transcript:
    """Prints bot messages: each once in its final form, or live with in-place edits."""

    world: LocalWorld
    out: TextIO
    as_json: bool = False
    live: bool = False
    printed: dict[int, str] = field(default_factory=dict)
    _last_block: tuple[int, int] | None = None  # (message id, lines) of the latest print

    def channel_label(self, channel: Channel) -> str:
        if channel.is_dm:
            return "DM"
        return f"#{channel.name}"

    def bot_name(self, channel: Channel) -> str:
        bot_user = self.world.emu.state.bot
        if channel.guild_id is not None:
            member = self.world.emu.state.guilds[channel.guild_id].members.get(bot_user.id)
            if member is not None and member.nick:
                return member.nick
        return bot_user.display_name

    def flush(self) -> None:
        """Print every bot message that is new or changed since it was last printed."""
        state = self.world.emu.state
        for message in list(state.messages.values()):
            if message.author.id != state.bot.id or message.deleted:
                continue
            rendered = self.render(message)
            if self.printed.get(message.id) == rendered:
                continue
            rewrite = (
                self.live
                and self._last_block is not None
                and self._last_block[0] == message.id
                and self.out.isatty()
            )
            if rewrite:
                assert self._last_block is not None
                self.out.write(f"\x1b[{self._last_block[1]}F\x1b[J")
            self.out.write(rendered + "\n")
            self.out.flush()
            self.printed[message.id] = rendered
            self._last_block = (message.id, rendered.count("\n") + 1)

    def render(self, message: Message) -> str:
        state = self.world.emu.state
        channel = state.channels[message.channel_id]
        if self.as_json:
            return json.dumps(
                {
                    "channel": channel.name if not channel.is_dm else "dm",
                    "author": self.bot_name(channel),
                    "content": message.content,
                    "embeds": message.embeds,
                    "buttons": message.button_labels,
                    "ephemeral": message.ephemeral,
                },
                ensure_ascii=False,
            )
        head = f"[{self.channel_label(channel)}] {self.bot_name(channel)}:"
        if message.ephemeral and message.interaction_user is not None:
            head += f" (only {message.interaction_user.display_name} can see this)"
        lines = [f"{head} {message.content}".rstrip()]
        for embed in message.embeds:
            lines.extend(render_embed(embed))
        for select in message.selects:
            options = ", ".join(o.get("label", "?") for o in select.get("options", []))
            lines.append(f"  [menu: {select.get('placeholder') or 'choose'}: {options}]")
        if message.buttons:
            lines.append(
                "  "
                + " ".join(f"[{i}: {label}]" for i, label in enumerate(message.button_labels, 1))
            )
        return "\n".join(lines)


def render_embed(embed: dict[str, Any]) -> list[str]:
    """An embed as indented, readable text lines."""
    lines = []
    if embed.get("author", {}).get("name"):
        lines.append(embed["author"]["name"])
    if embed.get("title"):
        lines.append(f"**{embed['title']}**")
    if embed.get("description"):
        lines.extend(embed["description"].splitlines())
    for item in embed.get("fields", []):
        value_lines = str(item.get("value", "")).splitlines() or [""]
        lines.append(f"{item.get('name')}: {value_lines[0]}")
        lines.extend(f"  {extra}" for extra in value_lines[1:])
    if embed.get("footer", {}).get("text"):
        lines.append(f"— {embed['footer']['text']}")
    return ["  │ " + line for line in lines] if lines else []


class Playground:
    """One terminal session: who you are, where you are, and what you type."""

    def __init__(self, world: LocalWorld, person: Person, transcript: Transcript) -> None:
        self.world = world
        self.person = person
        self.channel = world.channel("general")
        self.transcript = transcript

    @property
    def prompt(self) -> str:
        return f"{self.person.name} in {self.transcript.channel_label(self.channel)}> "

    def notice(self, text: str) -> None:
        """A message from the playground itself (not the bot)."""
        if self.transcript.as_json:
            print(text, file=sys.stderr)
        else:
            self.transcript.out.write(f"! {text}\n")
            self.transcript.out.flush()

    async def handle(self, line: str) -> bool:
        """Run one input line; False when the session should end."""
        line = line.strip()
        if not line:
            return True
        try:
            if line.startswith(":"):
                return await self._meta(line)
            if line.startswith("/"):
                command, options = parse_slash(line)
                await self.person.slash(self.channel, command, **options)
            else:
                mention = bool(_MENTION_BOT.match(line))
                text = _MENTION_BOT.sub("", line).strip() if mention else line
                await self.person.say(self.channel, text, mention=mention)
        except (EmulatorError, PlaygroundError) as exc:
            self.notice(str(exc))
        return True

    async def _meta(self, line: str) -> bool:
        word, _, arg = line[1:].partition(" ")
        word, arg = word.lower(), arg.strip()
        if word in ("quit", "q", "exit"):
            return False
        if word == "help":
            self.notice(HELP) if self.transcript.as_json else print(HELP, file=self.transcript.out)
        elif word == "as":
            if not arg:
                raise PlaygroundError("say who: :as NAME")
            self.person = await self.world.person(arg)
            if self.channel.is_dm:
                self.channel = self.person.dm
            self.notice(f"you are now {self.person.name}")
        elif word in ("mod", "unmod"):
            await self.world.emu.set_moderator(self.world.guild, self.person.user, word == "mod")
            self.notice(
                f"{self.person.name} {'now has' if word == 'mod' else 'no longer has'} "
                "Manage Server"
            )
        elif word == "in":
            self.channel = self.world.channel(arg or "general")
        elif word == "dm":
            self.channel = self.person.dm
        elif word == "wait":
            await asyncio.sleep(_seconds(arg))
        elif word == "click":
            await self._click(arg)
        else:
            raise PlaygroundError(f"unknown :{word}; type :help for the list")
        return True

    async def _click(self, arg: str) -> None:
        if not arg:
            raise PlaygroundError("which button? :click 1  or  :click Label")
        message = self._latest_with_buttons()
        which: int | str = int(arg) if arg.isdigit() else arg
        await self.person.click(message, which)

    def _latest_with_buttons(self) -> Message:
        emu = self.world.emu
        for message in reversed(emu.state.channel_history(self.channel.id)):
            visible = message.visible_to in (None, self.person.user.id)
            if (
                message.author.id == emu.state.bot.id
                and message.buttons
                and visible
                and not message.deleted
            ):
                return message
        raise PlaygroundError("no bot message with buttons here yet")


def _seconds(arg: str) -> float:
    try:
        seconds = float(arg)
    except ValueError:
        raise PlaygroundError(f"{arg!r} is not a number of seconds, e.g. :wait 5") from None
    if not 0 <= seconds <= 600:
        raise PlaygroundError("wait between 0 and 600 seconds")
    return seconds


async def _settle(world: LocalWorld, transcript: Transcript) -> None:
    """Wait for the bot to finish, printing live updates when in a terminal."""
    if not transcript.live:
        await wait_idle(world.emu, IdleRules())
        return
    done = asyncio.create_task(wait_idle(world.emu, IdleRules()))
    while not done.done():
        transcript.flush()
        await asyncio.wait({done}, timeout=0.1)


async def run_script(session: Playground, lines: Iterable[str]) -> None:
    """Each line in order, each after the bot has finished answering the one before."""
    for line in lines:
        if not await session.handle(line):
            break
        await _settle(session.world, session.transcript)
        session.transcript.flush()


async def run_interactive(session: Playground) -> None:
    """A prompt, live updates, until :quit or end of input."""
    print(
        f"Hearth playground. You are {session.person.name} in #general. "
        "Type :help for commands, :quit to leave.",
        file=session.transcript.out,
    )
    while True:
        try:
            line = await asyncio.to_thread(input, session.prompt)
        except EOFError:
            break
        if not await session.handle(line):
            break
        await _settle(session.world, session.transcript)
        session.transcript.flush()


async def run_playground(
    settings: Settings,
    *,
    as_json: bool = False,
    user_name: str = "You",
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Start the world and the bot, run the session, shut down; returns the exit status."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    world = await LocalWorld.create(settings, channels=("general", "games"), stable_ids=True)
    try:
        bot = await world.start_bot()
        # #general is a direct conversation: every message answered, no cooldown.
        general = world.channel("general").id
        await bot.services.db.channels.set_chat_mode(world.guild.id, general, "always")
        await bot.services.db.channels.set_chat_cooldown(world.guild.id, general, 0)
        person = await world.person(user_name)
        interactive = stdin.isatty() and not as_json
        transcript = Transcript(world, stdout, as_json=as_json, live=interactive)
        session = Playground(world, person, transcript)
        if interactive:
            await run_interactive(session)
        else:
            await run_script(session, stdin)
    finally:
        await world.close()
    return 0
