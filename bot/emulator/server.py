"""A local Discord-compatible server: REST under /api/v10 and a gateway websocket.

It speaks enough of Discord's API for an unmodified discord.py client (see
shared/DISCORD_NOTES.md): login, READY/GUILD_CREATE, messages, application commands,
interactions and their callbacks, webhooks followups, reactions, typing, rate-limit headers,
and injected faults. The same server backs the tests and ``hearth play``.

World-building and user actions (create a guild, let a user say something or run a slash
command) are Python methods, because they are what a person does in the Discord app, not
something the bot's API can do.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.emulator.faults import FaultPlan
from bot.emulator.gateway import Gateway
from bot.emulator.state import (
    EPHEMERAL,
    EVERYONE_PERMISSIONS,
    LOADING,
    MANAGE_GUILD,
    Channel,
    EmulatorState,
    Guild,
    Interaction,
    Member,
    Message,
    Role,
    User,
    iso_now,
)

log = logging.getLogger(__name__)

JSON = "application/json"  # exactly this: discord.py only parses an exact match
API_PREFIX = "/api/v10"
MODERATOR_ROLE_NAME = "Moderator"


class EmulatorError(Exception):
    """A user action the emulated Discord refuses (unknown command, missing option...)."""


@dataclass
class RecordedRequest:
    """A REST request the bot made, kept so tests can assert on what was sent."""

    method: str
    path: str
    body: Any
    at: float


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={"Content-Type": JSON, **(headers or {})},
    )


def _error(status: int, message: str, code: int = 0) -> web.Response:
    return _json({"message": message, "code": code}, status=status)


class EmulatorServer:
    """The emulated Discord: state, REST routes, gateway, faults and change notifications."""

    def __init__(self, *, bot_name: str = "Hearth", rate_limit_per_second: int = 50) -> None:
        token = "emulator." + secrets.token_urlsafe(24)
        self.state = EmulatorState(bot=User(id=0, username=bot_name, bot=True), token=token)
        self.state.bot.id = self.state.ids.next()
        self.state.users[self.state.bot.id] = self.state.bot
        self.faults = FaultPlan()
        self.requests: list[RecordedRequest] = []
        self.rate_limit_per_second = rate_limit_per_second
        self._buckets: dict[str, tuple[float, int]] = {}
        self._attachment_data: dict[int, bytes] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.version = 0
        self.changed = asyncio.Condition()
        self.gateway = Gateway(
            token=token,
            ready_payload=self._ready_payload,
            guild_payloads=lambda: [self.state.guild_json(g) for g in self.state.guilds.values()],
            resume_url=lambda: self.gateway_url,
        )

    # ----------------------------------------------------------------- lifecycle
    @property
    def token(self) -> str:
        return self.state.token

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on ``host:port`` (0: any free port)."""
        app = web.Application(middlewares=[self._middleware], client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/attachments/{attachment_id}/{filename}", self._get_attachment)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._route)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        """Close every connection and stop listening."""
        await self.gateway.drop_connections(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def drop_gateway(self) -> int:
        """Drop the bot's gateway connection; it should reconnect and RESUME."""
        return await self.gateway.drop_connections(code=4000)

    # ----------------------------------------------------------------- world building
    def create_user(self, name: str, *, bot: bool = False, user_id: int | None = None) -> User:
        """A new Discord account (``user_id``: a fixed id, so it is the same across runs)."""
        user = User(
            id=user_id or self.state.ids.next(),
            username=name.lower().replace(" ", "_")[:32],
            global_name=name,
            bot=bot,
        )
        self.state.users[user.id] = user
        return user

    def create_guild(
        self,
        name: str,
        owner: User,
        channels: tuple[str, ...] = ("general",),
        *,
        ids: Callable[[str], int] | None = None,
    ) -> Guild:
        """A guild with text channels, its owner and the bot as members (before the bot starts).

        ``ids`` maps "guild", "role:NAME" and "channel:NAME" to fixed ids, for a world that
        must look the same on every run (the playground keeps its database between runs).
        """
        next_id: Callable[[str], int] = ids or (lambda _key: self.state.ids.next())
        guild = Guild(id=next_id("guild"), name=name, owner_id=owner.id)
        guild.roles[guild.id] = Role(
            id=guild.id, name="@everyone", permissions=EVERYONE_PERMISSIONS
        )
        mod_role = Role(
            id=next_id("role:moderator"),
            name=MODERATOR_ROLE_NAME,
            permissions=MANAGE_GUILD,
            position=1,
        )
        guild.roles[mod_role.id] = mod_role
        self.state.guilds[guild.id] = guild
        for position, channel_name in enumerate(channels):
            channel = Channel(
                id=next_id(f"channel:{channel_name}"),
                type=0,
                name=channel_name,
                guild_id=guild.id,
                position=position,
            )
            self.state.channels[channel.id] = channel
            guild.channel_ids.append(channel.id)
        guild.members[owner.id] = Member(user=owner, guild_id=guild.id)
        guild.members[self.state.bot.id] = Member(user=self.state.bot, guild_id=guild.id)
        return guild

    def channel(self, guild: Guild, name: str) -> Channel:
        """A guild channel by name."""
        for channel_id in guild.channel_ids:
            if self.state.channels[channel_id].name == name.lstrip("#"):
                return self.state.channels[channel_id]
        raise EmulatorError(f"no channel #{name} in {guild.name}")

    async def add_member(self, guild: Guild, user: User) -> Member:
        """Add a user to a guild (dispatches GUILD_MEMBER_ADD when the bot is connected)."""
        member = guild.members.get(user.id)
        if member is None:
            member = Member(user=user, guild_id=guild.id)
            guild.members[user.id] = member
            await self.gateway.dispatch(
                "GUILD_MEMBER_ADD", {**member.to_json(), "guild_id": str(guild.id)}
            )
        return member

    async def set_moderator(self, guild: Guild, user: User, on: bool) -> None:
        """Give or take the Manage Server permission (through the Moderator role)."""
        member = await self.add_member(guild, user)
        mod_role = next(r for r in guild.roles.values() if r.name == MODERATOR_ROLE_NAME)
        if on and mod_role.id not in member.roles:
            member.roles.append(mod_role.id)
        elif not on and mod_role.id in member.roles:
            member.roles.remove(mod_role.id)
        await self.gateway.dispatch(
            "GUILD_MEMBER_UPDATE",
            {
                "guild_id": str(guild.id),
                "user": user.to_json(),
                "roles": [str(r) for r in member.roles],
                "nick": member.nick,
                "joined_at": member.joined_at,
                "avatar": None,
                "flags": 0,
                "pending": False,
                "deaf": False,
                "mute": False,
                "premium_since": None,
                "communication_disabled_until": None,
            },
        )

    def dm_channel(self, user: User, *, channel_id: int | None = None) -> Channel:
        """The DM channel between a user and the bot (created on first use)."""
        for channel in self.state.channels.values():
            if channel.is_dm and channel.recipients and channel.recipients[0].id == user.id:
                return channel
        channel = Channel(id=channel_id or self.state.ids.next(), type=1, recipients=[user])
        self.state.channels[channel.id] = channel
        return channel

    def add_attachment(
        self, filename: str, data: bytes, content_type: str = "text/plain"
    ) -> dict[str, Any]:
        """Upload a file as a user would, returning its attachment object."""
        attachment_id = self.state.ids.next()
        self._attachment_data[attachment_id] = data
        url = f"{self.base_url}/attachments/{attachment_id}/{filename}"
        return {
            "id": str(attachment_id),
            "filename": filename,
            "size": len(data),
            "url": url,
            "proxy_url": url,
            "content_type": content_type,
        }

    def attachment_bytes(self, attachment: dict[str, Any]) -> bytes:
        """The content of an attachment (one the bot sent, or one a user uploaded)."""
        return self._attachment_data[int(attachment["id"])]

    # ----------------------------------------------------------------- user actions
    async def user_message(
        self,
        user: User,
        channel: Channel,
        content: str,
        *,
        reply_to: Message | None = None,
        attachments: list[dict[str, Any]] | None = None,
    ) -> Message:
        """A user posts a message; the bot receives MESSAGE_CREATE."""
        if len(content) > 4000:
            raise EmulatorError("Discord refuses messages over 4,000 characters (Nitro limit)")
        message = Message(
            id=self.state.ids.next(),
            channel_id=channel.id,
            author=user,
            content=content,
            guild_id=channel.guild_id,
            reference_id=reply_to.id if reply_to else None,
            attachments=attachments or [],
        )
        await self._store_and_announce(message)
        return message

    async def user_interaction(
        self,
        user: User,
        channel: Channel,
        itype: int,
        data: dict[str, Any],
        *,
        message: Message | None = None,
    ) -> Interaction:
        """A user triggers an interaction (slash command, component, modal submit, autocomplete)."""
        interaction = Interaction(
            id=self.state.ids.next(),
            token="itk." + secrets.token_urlsafe(24),
            type=itype,
            user=user,
            channel_id=channel.id,
            guild_id=channel.guild_id,
            data=data,
            message_id=message.id if message else None,
        )
        self.state.interactions[interaction.id] = interaction
        self.state.interactions_by_token[interaction.token] = interaction
        payload: dict[str, Any] = {
            "id": str(interaction.id),
            "application_id": str(self.state.bot.id),
            "type": itype,
            "data": data,
            "token": interaction.token,
            "version": 1,
            "locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {},
            "attachment_size_limit": 10_485_760,
            "channel_id": str(channel.id),
        }
        if channel.guild_id is not None:
            guild = self.state.guilds[channel.guild_id]
            member = guild.members.get(user.id) or await self.add_member(guild, user)
            payload["guild_id"] = str(guild.id)
            payload["guild_locale"] = "en-US"
            payload["member"] = {
                **member.to_json(),
                "permissions": str(guild.permissions_of(user.id)),
            }
            payload["app_permissions"] = str(guild.permissions_of(self.state.bot.id))
            payload["channel"] = {
                **channel.to_json(),
                "permissions": str(guild.permissions_of(user.id)),
            }
            payload["context"] = 0
        else:
            payload["user"] = user.to_json()
            payload["channel"] = channel.to_json()
            payload["app_permissions"] = str(EVERYONE_PERMISSIONS)
            payload["context"] = 1
        if message is not None:
            payload["message"] = message.to_json(self.state)
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        await self._notify()
        return interaction

    async def user_react(self, user: User, message: Message, emoji: str) -> None:
        """A user adds a reaction."""
        message.reactions.setdefault(emoji, set()).add(user.id)
        await self._reaction_event("MESSAGE_REACTION_ADD", user, message, emoji)
        await self._notify()

    async def _reaction_event(self, event: str, user: User, message: Message, emoji: str) -> None:
        # Discord tells the bot about every reaction change, its own included.
        await self.gateway.dispatch(
            event,
            {
                "user_id": str(user.id),
                "channel_id": str(message.channel_id),
                "message_id": str(message.id),
                "emoji": {"id": None, "name": emoji},
                "burst": False,
                "type": 0,
                **({"guild_id": str(message.guild_id)} if message.guild_id else {}),
            },
        )

    # ----------------------------------------------------------------- observation
    async def _notify(self) -> None:
        async with self.changed:
            self.version += 1
            self.changed.notify_all()

    async def wait_changed(self, since: int, timeout: float) -> int:
        """Wait until anything changes after version ``since``; returns the new version."""
        async with self.changed:
            try:
                await asyncio.wait_for(self.changed.wait_for(lambda: self.version > since), timeout)
            except TimeoutError:
                pass
            return self.version

    # ----------------------------------------------------------------- message plumbing
    async def _store_and_announce(self, message: Message) -> None:
        self.state.messages[message.id] = message
        self.state.channel_messages.setdefault(message.channel_id, []).append(message.id)
        channel = self.state.channels[message.channel_id]
        channel.last_message_id = message.id
        if message.author.id == self.state.bot.id:
            self.state.typing.pop(message.channel_id, None)
        if not message.ephemeral:
            await self.gateway.dispatch("MESSAGE_CREATE", message.to_json(self.state))
        await self._notify()

    async def _bot_message(self, channel_id: int, body: dict[str, Any], **extra: Any) -> Message:
        channel = self.state.channels[channel_id]
        message = Message(
            id=self.state.ids.next(),
            channel_id=channel_id,
            author=self.state.bot,
            guild_id=channel.guild_id,
            **extra,
        )
        self._apply_body(message, body, creating=True)
        ref = body.get("message_reference")
        if ref and ref.get("message_id"):
            message.reference_id = int(ref["message_id"])
        await self._store_and_announce(message)
        return message

    def _apply_body(
        self, message: Message, body: dict[str, Any], *, creating: bool = False
    ) -> None:
        if "content" in body:
            message.content = (body["content"] or "").strip()  # Discord trims content
        if "embeds" in body:
            message.embeds = body["embeds"] or []
        elif body.get("embed"):
            message.embeds = [body["embed"]]
        if "components" in body:
            message.components = body["components"] or []
        if "allowed_mentions" in body:
            message.allowed_mentions = body["allowed_mentions"]
        if "flags" in body and body["flags"] is not None:
            keep = message.flags & EPHEMERAL
            message.flags = (int(body["flags"]) & ~LOADING) | keep
        if "attachments" in body and not creating:
            kept = {str(a.get("id")) for a in body["attachments"] or []}
            message.attachments = [a for a in message.attachments if a["id"] in kept]
        message.history.append(message.content)
        if not creating and message.flags & LOADING:
            message.flags &= ~LOADING  # the deferred answer arrives: not an edit of it
        elif not creating:
            message.edited_timestamp = iso_now()
            message.edits.append(time.monotonic())

    async def _edit(
        self, message: Message, body: dict[str, Any], files: list[dict[str, Any]] | None = None
    ) -> dict[str, Any]:
        self._apply_body(message, body)
        # New uploads come after the attachments the edit kept (those are listed by id;
        # the new ones by upload index, which never matches a stored id).
        message.attachments.extend(files or [])
        data = message.to_json(self.state)
        if not message.ephemeral:
            await self.gateway.dispatch("MESSAGE_UPDATE", data)
        await self._notify()
        return data

    async def _read_body(self, request: web.Request) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """A request's JSON body, and any uploaded files (multipart with payload_json)."""
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            body = json.loads(str(form.get("payload_json") or "{}"))
            files = []
            for key, value in form.items():
                if key.startswith("files[") and hasattr(value, "file"):
                    data = value.file.read()
                    files.append(
                        self.add_attachment(
                            value.filename, data, value.content_type or "application/octet-stream"
                        )
                    )
            return body, files
        if request.can_read_body:
            raw = await request.read()
            return (json.loads(raw) if raw else {}), []
        return {}, []

    # ----------------------------------------------------------------- REST
    def _bucket_headers(self, request: web.Request) -> dict[str, str]:
        parts = request.path.split("/")
        key = f"{request.method} {'/'.join(parts[3:6])}"
        now = time.monotonic()
        window_start, used = self._buckets.get(key, (now, 0))
        if now - window_start >= 1.0:
            window_start, used = now, 0
        used += 1
        self._buckets[key] = (window_start, used)
        reset_after = max(0.0, 1.0 - (now - window_start))
        return {
            "X-RateLimit-Limit": str(self.rate_limit_per_second),
            "X-RateLimit-Remaining": str(max(0, self.rate_limit_per_second - used)),
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Bucket": format(abs(hash(key)), "x"),
        }

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX):
            return await handler(request)
        path = request.path[len(API_PREFIX) :]
        public = path.startswith(("/interactions/", "/webhooks/"))
        if not public and request.headers.get("Authorization") != f"Bot {self.token}":
            return _error(401, "401: Unauthorized")
        fault = self.faults.take(request.method, path)
        if fault is not None:
            if fault.status == 429:
                headers = {
                    "Via": "1.1 google",
                    "Retry-After": str(max(1, round(fault.retry_after))),
                    "X-RateLimit-Scope": "global" if fault.is_global else "user",
                }
                if fault.is_global:
                    headers["X-RateLimit-Global"] = "true"
                else:
                    headers.update(self._bucket_headers(request))
                    headers["X-RateLimit-Remaining"] = "0"
                    headers["X-RateLimit-Reset-After"] = f"{fault.retry_after:.3f}"
                return _json(
                    {
                        "message": "You are being rate limited.",
                        "retry_after": fault.retry_after,
                        "global": fault.is_global,
                        "code": 0,
                    },
                    429,
                    headers,
                )
            return _error(fault.status, f"{fault.status}: Internal Server Error (injected)")
        response = await handler(request)
        response.headers.update(self._bucket_headers(request))
        return response

    async def _route(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        parts = [p for p in path.split("/") if p]
        body, files = (
            await self._read_body(request)
            if request.method in ("POST", "PATCH", "PUT")
            else ({}, [])
        )
        self.requests.append(RecordedRequest(request.method, path, body, time.monotonic()))
        try:
            response = await self._dispatch_rest(request, parts, body, files)
        except KeyError as exc:
            return _error(404, f"Unknown {exc.args[0] if exc.args else 'object'}", 10003)
        if response is None:
            log.warning("emulator: unhandled route %s %s", request.method, path)
            return _error(404, f"emulator does not implement {request.method} {path}")
        return response

    async def _dispatch_rest(
        self,
        request: web.Request,
        parts: list[str],
        body: dict[str, Any],
        files: list[dict[str, Any]],
    ) -> web.StreamResponse | None:
        m = request.method
        st = self.state
        match parts:
            case ["users", "@me"] if m == "GET":
                return _json(
                    {**st.bot.to_json(), "verified": True, "mfa_enabled": False, "flags": 0}
                )
            case ["users", "@me", "channels"] if m == "POST":
                user = st.users[int(body["recipient_id"])]
                return _json(self.dm_channel(user).to_json())
            case ["users", user_id] if m == "GET":
                return _json(st.users[int(user_id)].to_json())
            case ["oauth2", "applications", "@me"] if m == "GET":
                return _json(self._application())
            case ["applications", "@me"] if m == "GET":
                return _json(self._application())
            case ["gateway"] if m == "GET":
                return _json({"url": self.gateway_url})
            case ["gateway", "bot"] if m == "GET":
                return _json(
                    {
                        "url": self.gateway_url,
                        "shards": 1,
                        "session_start_limit": {
                            "total": 1000,
                            "remaining": 999,
                            "reset_after": 0,
                            "max_concurrency": 1,
                        },
                    }
                )
            case ["applications", _app, "commands"]:
                return self._commands(m, st.global_commands, body, None)
            case ["applications", _app, "guilds", guild_id, "commands"]:
                commands = st.guild_commands.setdefault(int(guild_id), [])
                return self._commands(m, commands, body, int(guild_id))
            case ["channels", channel_id] if m == "GET":
                return _json(st.channels[int(channel_id)].to_json())
            case ["channels", channel_id, "typing"] if m == "POST":
                st.typing[int(channel_id)] = time.monotonic()
                await self._notify()
                return web.Response(status=204)
            case ["channels", channel_id, "messages"] if m == "POST":
                return await self._create_message(int(channel_id), body, files)
            case ["channels", channel_id, "messages"] if m == "GET":
                return self._history(int(channel_id), request)
            case ["channels", _channel_id, "messages", message_id]:
                return await self._message(m, st.messages[int(message_id)], body, files)
            case ["channels", _c, "messages", message_id, "reactions", emoji, "@me"]:
                message = st.messages[int(message_id)]
                users = message.reactions.setdefault(emoji, set())
                if m == "PUT" and st.bot.id not in users:
                    users.add(st.bot.id)
                    await self._reaction_event("MESSAGE_REACTION_ADD", st.bot, message, emoji)
                elif m == "DELETE" and st.bot.id in users:
                    users.discard(st.bot.id)
                    await self._reaction_event("MESSAGE_REACTION_REMOVE", st.bot, message, emoji)
                await self._notify()
                return web.Response(status=204)
            case ["guilds", guild_id] if m == "GET":
                return _json(st.guild_json(st.guilds[int(guild_id)]))
            case ["guilds", guild_id, "members", "@me"] if m == "PATCH":
                return await self._set_nick(st.guilds[int(guild_id)], body)
            case ["guilds", guild_id, "members", user_id] if m == "GET":
                member = st.guilds[int(guild_id)].members[int(user_id)]
                return _json(member.to_json())
            case ["interactions", interaction_id, token, "callback"] if m == "POST":
                return await self._interaction_callback(int(interaction_id), token, body, files)
            case ["webhooks", _app, token] if m == "POST":
                return await self._followup(st.interactions_by_token[token], body, files)
            case ["webhooks", _app, token, "messages", target]:
                return await self._webhook_message(
                    m, st.interactions_by_token[token], target, body, files
                )
        return None

    def _application(self) -> dict[str, Any]:
        return {
            "id": str(self.state.bot.id),
            "name": self.state.bot.username,
            "icon": None,
            "description": "Hearth (emulated)",
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.state.bot.to_json(),
            "verify_key": "0" * 64,
            "team": None,
            "flags": 0,
            "summary": "",
            "rpc_origins": [],
        }

    def _commands(
        self, method: str, store: list[dict[str, Any]], body: Any, guild_id: int | None
    ) -> web.Response | None:
        if method == "GET":
            return _json(store)
        if method != "PUT":
            return None
        store.clear()
        for command in body:
            registered = {
                **command,
                "id": str(self.state.ids.next()),
                "application_id": str(self.state.bot.id),
                "version": str(self.state.ids.next()),
                "type": command.get("type", 1),
                "description": command.get("description", ""),
            }
            if guild_id is not None:
                registered["guild_id"] = str(guild_id)
            store.append(registered)
        return _json(store)

    async def _create_message(
        self, channel_id: int, body: dict[str, Any], files: list[dict[str, Any]]
    ) -> web.Response:
        if channel_id not in self.state.channels:
            return _error(404, "Unknown Channel", 10003)
        problem = self._validate_outgoing({**body, "files": files}, creating=True)
        if problem:
            return _error(400, problem, 50006 if "empty" in problem else 50035)
        message = await self._bot_message(channel_id, body, attachments=files)
        return _json(message.to_json(self.state))

    @staticmethod
    def _validate_outgoing(body: dict[str, Any], *, creating: bool = False) -> str | None:
        """Discord's own limits on what a bot may send; breaking one is the bot's bug."""
        content = body.get("content") or ""
        if (
            creating
            and not content.strip()
            and not any(
                body.get(k) for k in ("embeds", "components", "attachments", "sticker_ids", "files")
            )
        ):
            return "Cannot send an empty message"
        if len(content) > 2000:
            return (
                f"Invalid Form Body: content: Must be 2000 or fewer in length (got {len(content)})."
            )
        for embed in body.get("embeds") or []:
            if len(embed.get("description") or "") > 4096:
                return "Invalid Form Body: embeds.description: Must be 4096 or fewer in length."
        return None

    def _history(self, channel_id: int, request: web.Request) -> web.Response:
        query = request.query
        limit = min(100, int(query.get("limit", 50)))
        live = [
            m for m in self.state.channel_history(channel_id) if not m.deleted and not m.ephemeral
        ]
        # Discord answers newest first; "after" pages forward from the oldest match.
        if "after" in query:
            page = [m for m in live if m.id > int(query["after"])][:limit]
        elif "around" in query:
            around = int(query["around"])
            older = [m for m in live if m.id < around][-(limit // 2) :] if limit > 1 else []
            page = [*older, *[m for m in live if m.id >= around][: limit - len(older)]]
        else:
            before = int(query["before"]) if "before" in query else None
            page = [m for m in live if before is None or m.id < before][-limit:]
        return _json([m.to_json(self.state) for m in reversed(page)])

    async def _message(
        self, method: str, message: Message, body: dict[str, Any], files: list[dict[str, Any]]
    ) -> web.Response | None:
        if message.deleted:
            return _error(404, "Unknown Message", 10008)
        if method == "GET":
            return _json(message.to_json(self.state))
        if method == "PATCH":
            problem = self._validate_outgoing(body)
            if problem:
                return _error(400, problem, 50035)
            return _json(await self._edit(message, body, files))
        if method == "DELETE":
            message.deleted = True
            if not message.ephemeral:  # the bot never hears of ephemeral messages
                await self.gateway.dispatch(
                    "MESSAGE_DELETE",
                    {
                        "id": str(message.id),
                        "channel_id": str(message.channel_id),
                        **({"guild_id": str(message.guild_id)} if message.guild_id else {}),
                    },
                )
            await self._notify()
            return web.Response(status=204)
        return None

    async def _set_nick(self, guild: Guild, body: dict[str, Any]) -> web.Response:
        member = guild.members[self.state.bot.id]
        member.nick = body.get("nick") or None
        await self.gateway.dispatch(
            "GUILD_MEMBER_UPDATE", {**member.to_json(), "guild_id": str(guild.id)}
        )
        await self._notify()
        return _json(member.to_json())

    async def _interaction_callback(
        self, interaction_id: int, token: str, body: dict[str, Any], files: list[dict[str, Any]]
    ) -> web.Response:
        interaction = self.state.interactions.get(interaction_id)
        if interaction is None or interaction.token != token:
            return _error(404, "Unknown interaction", 10062)
        if interaction.responded:
            return _error(400, "Interaction has already been acknowledged.", 40060)
        ctype = int(body["type"])
        data = body.get("data") or {}
        if ctype in (4, 7):
            problem = self._validate_outgoing({**data, "files": files}, creating=ctype == 4)
            if problem:
                return _error(400, problem, 50006 if "empty" in problem else 50035)
        interaction.callback_type, interaction.callback_data = ctype, data
        resource: dict[str, Any] = {"type": ctype}
        message: Message | None = None
        if ctype in (4, 5):
            flags = int(data.get("flags") or 0)
            if ctype == 5:
                flags |= LOADING
            message = await self._bot_message(
                interaction.channel_id,
                {**data, "flags": flags & ~LOADING},
                attachments=files,
                interaction_id=interaction.id,
                interaction_user=interaction.user,
                interaction_name=interaction.data.get("name"),
                flags=flags & EPHEMERAL,
            )
            message.flags |= flags & LOADING
            interaction.original_message_id = message.id
        elif ctype in (6, 7) and interaction.message_id is not None:
            message = self.state.messages[interaction.message_id]
            interaction.original_message_id = message.id
            if ctype == 7:
                await self._edit(message, data, files)
        elif ctype == 8:
            interaction.autocomplete_choices = data.get("choices", [])
        elif ctype == 9:
            interaction.modal = data
        if message is not None:
            resource["message"] = message.to_json(self.state)
        await self._notify()
        return _json(
            {
                "interaction": {
                    "id": str(interaction.id),
                    "type": interaction.type,
                    "response_message_id": str(message.id) if message else None,
                    "response_message_loading": ctype == 5,
                    "response_message_ephemeral": bool(message and message.ephemeral),
                },
                "resource": resource,
            }
        )

    async def _followup(
        self, interaction: Interaction, body: dict[str, Any], files: list[dict[str, Any]]
    ) -> web.Response:
        problem = self._validate_outgoing({**body, "files": files}, creating=True)
        if problem:
            return _error(400, problem, 50006 if "empty" in problem else 50035)
        original = self.state.messages.get(interaction.original_message_id or 0)
        loading = original is not None and not original.deleted and original.flags & LOADING
        if interaction.callback_type == 5 and original is not None and loading:
            # Discord turns the first followup after a "thinking" deferral into the answer
            # itself, with the deferral's visibility.
            body = {k: v for k, v in body.items() if k != "flags"}
            return _json(await self._edit(original, body, files))
        flags = int(body.get("flags") or 0)
        message = await self._bot_message(
            interaction.channel_id,
            body,
            attachments=files,
            interaction_id=interaction.id,
            interaction_user=interaction.user,
            interaction_name=interaction.data.get("name"),
            flags=flags & EPHEMERAL,
        )
        interaction.followup_ids.append(message.id)
        return _json(message.to_json(self.state))

    async def _webhook_message(
        self,
        method: str,
        interaction: Interaction,
        target: str,
        body: dict[str, Any],
        files: list[dict[str, Any]],
    ) -> web.Response | None:
        if target == "@original":
            if interaction.original_message_id is None:
                return _error(404, "Unknown Message", 10008)
            message = self.state.messages[interaction.original_message_id]
        else:
            message = self.state.messages[int(target)]
        return await self._message(method, message, body, files)

    async def _get_attachment(self, request: web.Request) -> web.Response:
        data = self._attachment_data.get(int(request.match_info["attachment_id"]))
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data)

    def _ready_payload(self, session_id: str) -> dict[str, Any]:
        return {
            "v": 10,
            "user": {
                **self.state.bot.to_json(),
                "verified": True,
                "mfa_enabled": False,
                "flags": 0,
            },
            "guilds": [{"id": str(g), "unavailable": True} for g in self.state.guilds],
            "session_id": session_id,
            "resume_gateway_url": self.gateway_url,
            "session_type": "normal",
            "application": {"id": str(self.state.bot.id), "flags": 0},
            "shard": [0, 1],
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "auth_session_id_hash": secrets.token_hex(8),
        }
