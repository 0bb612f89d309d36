"""The emulator's world: users, guilds, channels, messages, commands and interactions.

Plain dataclasses that serialise to the JSON shapes Discord's API v10 uses, so an unmodified
discord.py client parses them. The server mutates this state; tests and the playground read
it (the emulator is their window on what the bot really did).
"""

from __future__ import annotations

import itertools
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000

# Permission bits (Discord's values) the emulator cares about.
ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
ADD_REACTIONS = 1 << 6
CHANGE_NICKNAME = 1 << 26
MANAGE_NICKNAMES = 1 << 27
USE_APPLICATION_COMMANDS = 1 << 31
ALL_PERMISSIONS = (1 << 50) - 1
EVERYONE_PERMISSIONS = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | ADD_REACTIONS
    | USE_EXTERNAL_EMOJIS
    | CHANGE_NICKNAME
    | USE_APPLICATION_COMMANDS
)

EPHEMERAL = 1 << 6
LOADING = 1 << 7

_USER_MENTION = re.compile(r"<@!?(\d{15,21})>")
_ROLE_MENTION = re.compile(r"<@&(\d{15,21})>")


class Snowflakes:
    """Monotonic Discord-style snowflake ids (timestamp in the high bits, as Discord does)."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def next(self) -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return (ms << 22) | (next(self._counter) & 0x3FFFFF)


def iso_now() -> str:
    """The current time as Discord formats timestamps."""
    return datetime.now(UTC).isoformat()


@dataclass
class User:
    """A Discord account, human or bot."""

    id: int
    username: str
    bot: bool = False
    global_name: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "public_flags": 0,
        }
        if self.bot:
            data["bot"] = True
        return data

    @property
    def display_name(self) -> str:
        return self.global_name or self.username


@dataclass
class Role:
    """A guild role; the @everyone role has the guild's id."""

    id: int
    name: str
    permissions: int
    position: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }


@dataclass
class Member:
    """A user's membership of a guild."""

    user: User
    guild_id: int
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=iso_now)

    def to_json(self, *, with_user: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "roles": [str(r) for r in self.roles],
            "nick": self.nick,
            "avatar": None,
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.to_json()
        return data


@dataclass
class Channel:
    """A text channel in a guild (type 0) or a DM (type 1)."""

    id: int
    type: int
    name: str | None = None
    guild_id: int | None = None
    position: int = 0
    recipients: list[User] = field(default_factory=list)
    last_message_id: int | None = None

    @property
    def is_dm(self) -> bool:
        return self.type == 1

    def to_json(self) -> dict[str, Any]:
        if self.is_dm:
            return {
                "id": str(self.id),
                "type": 1,
                "last_message_id": str(self.last_message_id) if self.last_message_id else None,
                "recipients": [u.to_json() for u in self.recipients],
                "flags": 0,
            }
        return {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [],
            "topic": None,
            "nsfw": False,
            "last_message_id": str(self.last_message_id) if self.last_message_id else None,
            "rate_limit_per_user": 0,
            "parent_id": None,
            "flags": 0,
        }


@dataclass
class Guild:
    """A server with its roles, channels and members."""

    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    channel_ids: list[int] = field(default_factory=list)
    members: dict[int, Member] = field(default_factory=dict)

    def permissions_of(self, user_id: int) -> int:
        """Guild-level permissions of a member (owner and administrators get everything)."""
        if user_id == self.owner_id:
            return ALL_PERMISSIONS
        member = self.members.get(user_id)
        perms = self.roles[self.id].permissions
        if member is not None:
            for role_id in member.roles:
                role = self.roles.get(role_id)
                if role is not None:
                    perms |= role.permissions
        return ALL_PERMISSIONS if perms & ADMINISTRATOR else perms


@dataclass
class Message:
    """A message as the emulator stores it, including who may see it (ephemeral)."""

    id: int
    channel_id: int
    author: User
    content: str = ""
    guild_id: int | None = None
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    flags: int = 0
    reference_id: int | None = None
    interaction_id: int | None = None
    interaction_user: User | None = None
    interaction_name: str | None = None
    allowed_mentions: dict[str, Any] | None = None
    timestamp: str = field(default_factory=iso_now)
    edited_timestamp: str | None = None
    reactions: dict[str, set[int]] = field(default_factory=dict)
    deleted: bool = False
    # Book-keeping for tests: how often the message changed, and when (monotonic seconds).
    created_mono: float = field(default_factory=time.monotonic)
    edits: list[float] = field(default_factory=list)
    history: list[str] = field(default_factory=list)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def visible_to(self) -> int | None:
        """The only user who can see an ephemeral message (None: everyone)."""
        if self.ephemeral and self.interaction_user is not None:
            return self.interaction_user.id
        return None

    @property
    def button_labels(self) -> list[str]:
        """Labels of the message's buttons, in display order."""
        return [b.get("label") or b.get("emoji", {}).get("name", "?") for b in self.buttons]

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [
            c for row in self.components for c in row.get("components", []) if c.get("type") == 2
        ]

    @property
    def selects(self) -> list[dict[str, Any]]:
        return [
            c
            for row in self.components
            for c in row.get("components", [])
            if c.get("type") in (3, 5, 6, 7, 8)
        ]

    def mentions_users(self) -> list[int]:
        return [int(m) for m in _USER_MENTION.findall(self.content)]

    def to_json(self, state: EmulatorState, *, with_reference: bool = True) -> dict[str, Any]:
        mentioned = [
            state.users[uid].to_json() for uid in self.mentions_users() if uid in state.users
        ]
        data: dict[str, Any] = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "author": self.author.to_json(),
            "content": self.content,
            "timestamp": self.timestamp,
            "edited_timestamp": self.edited_timestamp,
            "tts": False,
            "mention_everyone": False,
            "mentions": mentioned,
            "mention_roles": _ROLE_MENTION.findall(self.content),
            "attachments": self.attachments,
            "embeds": self.embeds,
            "pinned": False,
            "type": 0,
            "flags": self.flags,
            "components": self.components,
            "reactions": [
                {
                    "emoji": {"id": None, "name": emoji},
                    "count": len(users),
                    "me": state.bot.id in users,
                    "count_details": {"burst": 0, "normal": len(users)},
                    "burst_colors": [],
                    "me_burst": False,
                    "burst_me": False,
                    "burst_count": 0,
                }
                for emoji, users in self.reactions.items()
                if users
            ],
        }
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
            guild = state.guilds.get(self.guild_id)
            member = guild.members.get(self.author.id) if guild else None
            if member is not None:
                data["member"] = member.to_json(with_user=False)
        if self.reference_id is not None:
            data["type"] = 19
            data["message_reference"] = {
                "type": 0,
                "message_id": str(self.reference_id),
                "channel_id": str(self.channel_id),
                **({"guild_id": str(self.guild_id)} if self.guild_id else {}),
            }
            parent = state.messages.get(self.reference_id)
            if with_reference:
                data["referenced_message"] = (
                    parent.to_json(state, with_reference=False)
                    if parent is not None and not parent.deleted
                    else None
                )
        if self.interaction_id is not None and self.interaction_user is not None:
            data["type"] = 20
            data["application_id"] = str(state.bot.id)
            data["webhook_id"] = str(state.bot.id)
            data["interaction_metadata"] = {
                "id": str(self.interaction_id),
                "type": 2,
                "user": self.interaction_user.to_json(),
                "authorizing_integration_owners": {},
                "name": self.interaction_name or "",
            }
        return data


@dataclass
class Interaction:
    """One interaction the emulator created, and everything the bot answered to it."""

    id: int
    token: str
    type: int
    user: User
    channel_id: int
    guild_id: int | None
    data: dict[str, Any]
    message_id: int | None = None  # the message a component belongs to
    callback_type: int | None = None
    callback_data: dict[str, Any] | None = None
    original_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    autocomplete_choices: list[dict[str, Any]] | None = None
    modal: dict[str, Any] | None = None

    @property
    def responded(self) -> bool:
        return self.callback_type is not None


@dataclass
class EmulatorState:
    """Everything the emulated Discord knows."""

    bot: User
    token: str
    ids: Snowflakes = field(default_factory=Snowflakes)
    users: dict[int, User] = field(default_factory=dict)
    guilds: dict[int, Guild] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    messages: dict[int, Message] = field(default_factory=dict)
    channel_messages: dict[int, list[int]] = field(default_factory=dict)
    global_commands: list[dict[str, Any]] = field(default_factory=list)
    guild_commands: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    interactions: dict[int, Interaction] = field(default_factory=dict)
    interactions_by_token: dict[str, Interaction] = field(default_factory=dict)
    typing: dict[int, float] = field(default_factory=dict)  # channel id -> monotonic time

    def guild_json(self, guild: Guild) -> dict[str, Any]:
        """The GUILD_CREATE payload for a guild."""
        return {
            "id": str(guild.id),
            "name": guild.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(guild.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "features": [],
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "vanity_url_code": None,
            "max_members": 500000,
            "member_count": len(guild.members),
            "large": False,
            "unavailable": False,
            "joined_at": iso_now(),
            "roles": [r.to_json() for r in guild.roles.values()],
            "emojis": [],
            "stickers": [],
            "channels": [self.channels[c].to_json() for c in guild.channel_ids],
            "threads": [],
            "members": [m.to_json() for m in guild.members.values()],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }

    def channel_history(self, channel_id: int) -> list[Message]:
        """The channel's messages, oldest first, including deleted ones (flagged)."""
        return [self.messages[m] for m in self.channel_messages.get(channel_id, [])]

    def commands_for(self, guild_id: int | None) -> list[dict[str, Any]]:
        """Commands usable in a guild (its own plus global) or in DMs (global only)."""
        own = self.guild_commands.get(guild_id, []) if guild_id is not None else []
        return [*own, *self.global_commands]
