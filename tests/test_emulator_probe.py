"""The test-only discord.py client the emulator conformance tests drive, and its login tests.

``ProbeBot`` is a plain ``commands.Bot`` (not HearthBot) with a handful of tree commands,
views and a modal that exercise every kind of interaction response. It records every event
discord.py dispatches, so a test can assert on what the real client saw, not just on what the
emulator stored. The other ``test_emulator_*`` modules import :func:`running_probe` from here.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from bot.client import configure_endpoints
from bot.emulator.harness import STREAMING_MARK, Person
from bot.emulator.server import EmulatorServer
from bot.emulator.state import Channel, Guild

READY_TIMEOUT = 10.0
FRUITS = ("Apple", "Apricot", "Banana", "Blueberry", "Cherry")


class NoteModal(discord.ui.Modal, title="Leave a note"):
    """A form with a one-line field in an action row and a paragraph inside a Label."""

    subject: discord.ui.TextInput[NoteModal] = discord.ui.TextInput(
        label="Subject", custom_id="subject", max_length=20
    )
    body: discord.ui.Label[NoteModal] = discord.ui.Label(
        text="Body",
        component=discord.ui.TextInput(
            custom_id="body", style=discord.TextStyle.paragraph, required=False
        ),
    )

    def __init__(self, bot: ProbeBot) -> None:
        super().__init__(custom_id="probe:note")
        self.bot = bot

    async def on_submit(self, interaction: discord.Interaction) -> None:
        body = self.body.component
        assert isinstance(body, discord.ui.TextInput)
        self.bot.calls.append(("modal", {"subject": self.subject.value, "body": body.value}))
        await interaction.response.send_message(f"noted: {self.subject.value}")


class Panel(discord.ui.View):
    """Buttons and a select menu, one per kind of component response."""

    def __init__(self, bot: ProbeBot) -> None:
        super().__init__(timeout=None)
        self.bot = bot

    @discord.ui.button(label="Update", custom_id="probe:update")
    async def update(self, interaction: discord.Interaction, _button: discord.ui.Button) -> None:
        await interaction.response.edit_message(content="updated by a click", view=self)

    @discord.ui.button(label="Quiet", custom_id="probe:quiet")
    async def quiet(self, interaction: discord.Interaction, _button: discord.ui.Button) -> None:
        await interaction.response.defer()
        await interaction.edit_original_response(content="edited after a deferred update")

    @discord.ui.button(label="Form", custom_id="probe:form")
    async def form(self, interaction: discord.Interaction, _button: discord.ui.Button) -> None:
        await interaction.response.send_modal(NoteModal(self.bot))

    @discord.ui.select(
        custom_id="probe:pick",
        max_values=2,
        options=[
            discord.SelectOption(label="Tea", value="tea"),
            discord.SelectOption(label="Coffee", value="coffee"),
            discord.SelectOption(label="Cocoa", value="cocoa"),
        ],
    )
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await interaction.response.send_message(f"picked {'+'.join(select.values)}")


def stop_view(key: int) -> discord.ui.View:
    """A Stop button like the one Hearth shows while a reply is streaming."""
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label="Stop", custom_id=f"{STREAMING_MARK}{key}"))
    return view


def _calc_group() -> app_commands.Group:
    """``/calc math add``: a subcommand group nested in a group (built fresh for each bot)."""
    calc = app_commands.Group(name="calc", description="Arithmetic")
    calc_math = app_commands.Group(name="math", description="Plain arithmetic", parent=calc)

    @calc_math.command(name="add", description="Add two numbers")
    async def add(
        interaction: discord.Interaction, a: app_commands.Range[int, -100, 100], b: int
    ) -> None:
        await interaction.response.send_message(f"{a + b}")

    return calc


def _probe_commands(bot: ProbeBot) -> list[app_commands.Command[Any, ..., Any]]:
    """Tree commands whose callbacks record what discord.py parsed out of the interaction."""

    @app_commands.command(name="echo", description="Say it back")
    async def echo(interaction: discord.Interaction, text: str, private: bool = False) -> None:
        bot.calls.append(("echo", {"text": text, "private": private}))
        await interaction.response.send_message(text, ephemeral=private)

    @app_commands.command(name="kinds", description="Every option type")
    @app_commands.choices(
        colour=[
            app_commands.Choice(name="Red", value="red"),
            app_commands.Choice(name="Blue", value="blue"),
        ]
    )
    async def kinds(
        interaction: discord.Interaction,
        count: app_commands.Range[int, 1, 10],
        ratio: app_commands.Range[float, 0.0, 1.0],
        loud: bool,
        who: discord.Member,
        colour: app_commands.Choice[str],
        note: app_commands.Range[str, 2, 8] | None = None,
        upload: discord.Attachment | None = None,
    ) -> None:
        data = upload and await upload.read()
        bot.calls.append(
            (
                "kinds",
                {
                    "count": count,
                    "ratio": ratio,
                    "loud": loud,
                    "who": who,
                    "colour": colour.value,
                    "note": note,
                    "upload": data,
                },
            )
        )
        await interaction.response.send_message("ok", ephemeral=True)

    @app_commands.command(name="where", description="Channel, role and mentionable options")
    async def where(
        interaction: discord.Interaction,
        place: discord.TextChannel,
        role: discord.Role,
        anyone: discord.Member | discord.Role,
    ) -> None:
        bot.calls.append(("where", {"place": place, "role": role, "anyone": anyone}))
        await interaction.response.send_message(f"{place.name} {role.name} {anyone.name}")

    @app_commands.command(name="late", description="Answer without deferring, but late")
    async def late(interaction: discord.Interaction, seconds: float) -> None:
        await asyncio.sleep(seconds)
        await interaction.response.send_message("late answer")

    @app_commands.command(name="slow", description="Defer, think, then answer")
    async def slow(interaction: discord.Interaction, seconds: float = 0.5) -> None:
        await interaction.response.defer(thinking=True)
        await asyncio.sleep(seconds)
        await interaction.edit_original_response(content="done thinking")

    @app_commands.command(name="think", description="Think, then answer with followups")
    async def think(interaction: discord.Interaction, private: bool = False) -> None:
        await interaction.response.defer(thinking=True, ephemeral=private)
        await interaction.followup.send("thought it through")
        await interaction.followup.send("one more thing")

    @app_commands.command(name="panel", description="Buttons and a menu")
    async def panel(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("panel", view=Panel(bot))

    @app_commands.command(name="form", description="Open a form")
    async def form(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(NoteModal(bot))

    @app_commands.command(name="follow", description="Answer, then follow up twice")
    async def follow(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("first")
        await interaction.followup.send("for everyone")
        await interaction.followup.send("just for you", ephemeral=True)

    @app_commands.command(name="file", description="Send a file")
    async def file(interaction: discord.Interaction) -> None:
        payload = discord.File(io.BytesIO(b"probe bytes\n"), filename="probe.txt")
        await interaction.response.send_message("here", file=payload)

    @app_commands.command(name="fruit", description="Pick a fruit")
    async def fruit(interaction: discord.Interaction, name: str) -> None:
        await interaction.response.send_message(f"you picked {name}")

    @fruit.autocomplete("name")
    async def fruit_names(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        bot.calls.append(("autocomplete", {"current": current}))
        return [
            app_commands.Choice(name=f, value=f.lower())
            for f in FRUITS
            if current.casefold() in f.casefold()
        ]

    return [echo, kinds, where, late, slow, think, panel, form, follow, file, fruit]


class ProbeBot(commands.Bot):
    """A minimal bot that records every event and every command call it handles."""

    def __init__(self) -> None:
        intents = discord.Intents.default()
        intents.message_content = True
        intents.members = True
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=0.05,
        )
        self.events: list[tuple[str, tuple[Any, ...]]] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.task: asyncio.Task[None] | None = None

    async def setup_hook(self) -> None:
        for command in _probe_commands(self):
            self.tree.add_command(command)
        self.tree.add_command(_calc_group())

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """No 5 s pause before a re-IDENTIFY (discord.py's default, pointless locally)."""

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        self.events.append((event_name, args))
        super().dispatch(event_name, *args, **kwargs)

    async def on_message(self, message: discord.Message) -> None:
        # Answers of every speed and shape, for the wait_idle tests.
        if message.author.bot:
            return
        channel = message.channel
        if message.content == "ping":
            await channel.send("pong")
        elif message.content == "slowtype":
            async with channel.typing():
                await asyncio.sleep(0.8)
            await channel.send("typed")
        elif message.content in ("stream", "stuck"):
            sent = await channel.send("writing…", view=stop_view(message.id))
            if message.content == "stream":
                await asyncio.sleep(1.0)
                await sent.edit(content="written", view=None)

    def seen(self, event: str) -> list[tuple[Any, ...]]:
        """The arguments of every ``event`` dispatched so far."""
        return [args for name, args in self.events if name == event]

    async def wait_event(
        self, event: str, check: Callable[..., bool] = lambda *_: True, timeout: float = 5.0
    ) -> tuple[Any, ...]:
        """The first ``event`` (already seen or still to come) whose arguments pass ``check``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            for args in self.seen(event):
                if check(*args):
                    return args
            await asyncio.sleep(0.01)
        raise AssertionError(f"the client never saw {event!r}; saw {self.seen(event)!r}")


@dataclass
class Probe:
    """The emulator with one guild, two people and a running ProbeBot."""

    emu: EmulatorServer
    guild: Guild
    general: Channel
    bot: ProbeBot
    alice: Person
    bob: Person


@contextlib.asynccontextmanager
async def emulator() -> AsyncIterator[tuple[EmulatorServer, Guild, Person, Person]]:
    """A started emulator with a guild (#general, #other), its owner Alice, and Bob."""
    emu = EmulatorServer(bot_name="Probe")
    await emu.start()
    restore = configure_endpoints(emu.api_url, emu.gateway_url)
    try:
        alice_user = emu.create_user("Alice")
        guild = emu.create_guild("Probe Guild", alice_user, ("general", "other"))
        bob_user = emu.create_user("Bob")
        await emu.add_member(guild, bob_user)
        yield emu, guild, Person(emu, alice_user, guild), Person(emu, bob_user, guild)
    finally:
        restore()
        await emu.stop()


async def start_probe(emu: EmulatorServer, token: str | None = None) -> ProbeBot:
    """Start a ProbeBot against ``emu`` and wait until discord.py fires on_ready."""
    bot = ProbeBot()
    task = asyncio.create_task(bot.start(token or emu.token))
    bot.task = task
    ready = asyncio.create_task(bot.wait_until_ready())
    done, _ = await asyncio.wait(
        {ready, task}, timeout=READY_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
    )
    if ready not in done:
        ready.cancel()
        await stop_probe(bot)
        error = task.exception() if task.done() else None
        raise AssertionError(f"the probe did not become ready: {error!r}")
    return bot


async def stop_probe(bot: ProbeBot) -> None:
    """Close the bot and wait for its task."""
    await bot.close()
    if bot.task is not None:
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await asyncio.wait_for(bot.task, 5)


@contextlib.asynccontextmanager
async def running_probe(*, sync: bool = True) -> AsyncIterator[Probe]:
    """The emulator and a ready ProbeBot whose commands are synced globally (``sync``)."""
    async with emulator() as (emu, guild, alice, bob):
        bot = await start_probe(emu)
        try:
            if sync:
                await bot.tree.sync()
            yield Probe(emu, guild, emu.channel(guild, "general"), bot, alice, bob)
        finally:
            await stop_probe(bot)


# --------------------------------------------------------------------------- login tests


@pytest.fixture
async def probe() -> AsyncIterator[Probe]:
    async with running_probe(sync=False) as running:
        yield running


async def test_login_fetches_the_bot_user_and_application(probe: Probe) -> None:
    paths = [(r.method, r.path) for r in probe.emu.requests]
    assert ("GET", "/users/@me") in paths
    assert ("GET", "/oauth2/applications/@me") in paths
    assert probe.bot.user is not None and probe.bot.user.id == probe.emu.state.bot.id
    assert probe.bot.user.bot
    assert probe.bot.application_id == probe.emu.state.bot.id


async def test_ready_then_guild_create_make_the_guild_visible(probe: Probe) -> None:
    names = [name for name, _ in probe.bot.events]
    assert "ready" in names and "guild_available" in names
    assert names.index("connect") < names.index("ready")
    guild = probe.bot.get_guild(probe.guild.id)
    assert guild is not None and guild.name == "Probe Guild"
    assert guild.owner_id == probe.alice.user.id
    assert sorted(c.name for c in guild.text_channels) == ["general", "other"]
    assert {r.name for r in guild.roles} == {"@everyone", "Moderator"}
    members = {m.id: m for m in guild.members}
    assert set(members) == {probe.alice.user.id, probe.bob.user.id, probe.emu.state.bot.id}
    assert members[probe.bob.user.id].display_name == "Bob"
    assert guild.me.guild_permissions.send_messages
    assert probe.emu.gateway.opcodes_seen.count(2) == 1


async def test_guild_chunk_request_is_answered(probe: Probe) -> None:
    guild = probe.bot.get_guild(probe.guild.id)
    members = await asyncio.wait_for(guild.chunk(), 5)
    assert {m.id for m in members} == set(probe.guild.members)
    assert 8 in probe.emu.gateway.opcodes_seen


async def test_member_joining_later_is_seen_by_the_client(probe: Probe) -> None:
    carol = probe.emu.create_user("Carol")
    await probe.emu.add_member(probe.guild, carol)
    (member,) = await probe.bot.wait_event("member_join")
    assert member.id == carol.id
    assert probe.bot.get_guild(probe.guild.id).get_member(carol.id) is not None


async def test_heartbeats_are_acknowledged(probe: Probe) -> None:
    assert 1 in probe.emu.gateway.opcodes_seen
    assert probe.bot.latency < 1.0  # finite: the heartbeat got its ACK


async def test_moderator_role_change_reaches_the_client(probe: Probe) -> None:
    await probe.emu.set_moderator(probe.guild, probe.bob.user, True)
    _, after = await probe.bot.wait_event("member_update", lambda _b, a: a.id == probe.bob.user.id)
    assert [r.name for r in after.roles] == ["@everyone", "Moderator"]
    assert after.guild_permissions.manage_guild
    member = await probe.bot.get_guild(probe.guild.id).fetch_member(probe.bob.user.id)
    assert [r.name for r in member.roles] == ["@everyone", "Moderator"]


async def test_bot_nickname_change_is_stored_and_seen(probe: Probe) -> None:
    guild = probe.bot.get_guild(probe.guild.id)
    await guild.me.edit(nick="Probie")
    assert probe.guild.members[probe.emu.state.bot.id].nick == "Probie"
    await probe.bot.wait_event("member_update", lambda _b, a: a.nick == "Probie")


async def test_channel_and_user_can_be_fetched(probe: Probe) -> None:
    channel = await probe.bot.fetch_channel(probe.general.id)
    assert isinstance(channel, discord.TextChannel) and channel.name == "general"
    user = await probe.bot.fetch_user(probe.bob.user.id)
    assert user.name == "bob" and user.global_name == "Bob"
    with pytest.raises(discord.NotFound):
        await probe.bot.fetch_user(12345)


async def test_wrong_token_is_refused_at_login() -> None:
    async with emulator() as (emu, *_):
        bot = ProbeBot()
        try:
            with pytest.raises(discord.LoginFailure):
                await bot.login("not-the-token")
        finally:
            await bot.close()
        assert not emu.gateway.sessions


async def test_wrong_token_on_the_gateway_closes_with_4004() -> None:
    async with emulator() as (emu, *_):
        bot = ProbeBot()
        try:
            await bot.login(emu.token)
            bot.http.token = "not-the-token"  # REST logged in; the IDENTIFY carries a bad token
            with pytest.raises(discord.ConnectionClosed) as caught:
                await asyncio.wait_for(bot.connect(reconnect=True), 10)
        finally:
            await bot.close()
        assert caught.value.code == 4004
        assert not emu.gateway.sessions


async def test_raw_gateway_sends_hello_ready_guild_create_and_acks_heartbeats() -> None:
    async with emulator() as (emu, guild, *_), aiohttp.ClientSession() as session:
        async with session.ws_connect(emu.gateway_url) as ws:
            assert json.loads((await ws.receive(timeout=5)).data)["op"] == 10
            identify = {"token": emu.token, "intents": 0, "properties": {}}
            await ws.send_str(json.dumps({"op": 2, "d": identify}))
            ready = json.loads((await ws.receive(timeout=5)).data)
            created = json.loads((await ws.receive(timeout=5)).data)
            assert (ready["op"], ready["t"], ready["s"]) == (0, "READY", 1)
            assert ready["d"]["resume_gateway_url"] == emu.gateway_url
            assert ready["d"]["guilds"] == [{"id": str(guild.id), "unavailable": True}]
            assert (created["t"], created["s"], created["d"]["id"]) == (
                "GUILD_CREATE",
                2,
                str(guild.id),
            )
            await ws.send_str(json.dumps({"op": 1, "d": 2}))
            assert json.loads((await ws.receive(timeout=5)).data)["op"] == 11


async def test_raw_gateway_identify_with_a_wrong_token_gets_close_4004() -> None:
    async with emulator() as (emu, *_), aiohttp.ClientSession() as session:
        async with session.ws_connect(emu.gateway_url) as ws:
            hello = json.loads((await ws.receive(timeout=5)).data)
            assert hello["op"] == 10 and hello["d"]["heartbeat_interval"] > 0
            await ws.send_str(json.dumps({"op": 2, "d": {"token": "nope", "intents": 0}}))
            closing = await ws.receive(timeout=5)
            assert closing.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
            assert ws.close_code == 4004
