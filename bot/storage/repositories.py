"""Backend-neutral storage interfaces: record dataclasses and repository protocols.

Services and cogs depend on these protocols only. The SQLite implementations live in
`bot.storage.sqlite`; a PostgreSQL backend would implement the same protocols without any
change to the code that uses them. Timestamps are unix seconds (UTC) as floats; Discord
ids (guilds, channels, users, messages, roles) are ints.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol, get_args

ChatMode = Literal["off", "mention", "always"]
MemoryScope = Literal["local", "global"]
MessageRole = Literal["user", "assistant"]
Strictness = Literal["relaxed", "standard", "strict"]

CHAT_MODES: tuple[str, ...] = get_args(ChatMode)
MEMORY_SCOPES: tuple[str, ...] = get_args(MemoryScope)
MESSAGE_ROLES: tuple[str, ...] = get_args(MessageRole)
STRICTNESS_LEVELS: tuple[str, ...] = get_args(Strictness)

DEFAULT_STRICTNESS: Strictness = "standard"
DEFAULT_MEMORY_ENABLED = True
DEFAULT_MEMORY_SCOPE: MemoryScope = "local"

# Limits shared by every backend (the SQLite schema enforces the same ones).
MAX_PERSONA_ID_LENGTH = 64
MAX_PERSONA_TOML_LENGTH = 100_000
MAX_AUDIT_ACTION_LENGTH = 64


# --- records -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GuildSettings:
    """Per-guild settings; `GuildSettings(guild_id)` holds the defaults for a new guild."""

    guild_id: int
    persona_id: str | None = None
    strictness: Strictness = DEFAULT_STRICTNESS
    log_channel_id: int | None = None
    mod_role_id: int | None = None


GUILD_SETTING_FIELDS: tuple[str, ...] = (
    "persona_id",
    "strictness",
    "log_channel_id",
    "mod_role_id",
)


@dataclass(frozen=True, slots=True)
class ChannelSettings:
    """Per-channel overrides; None means "inherit" (chat mode default, guild persona)."""

    channel_id: int
    guild_id: int
    chat_mode: ChatMode | None = None
    persona_id: str | None = None
    chat_cooldown: float | None = None  # seconds between "always" replies; None: default


@dataclass(frozen=True, slots=True)
class UserRecord:
    """A user Hearth has seen, with their memory preferences."""

    user_id: int
    display_name: str
    memory_enabled: bool
    memory_scope: MemoryScope
    first_seen_at: float
    last_seen_at: float


@dataclass(frozen=True, slots=True, kw_only=True)
class NewMessage:
    """A conversation turn to store.

    `user_id` is the human the conversation is with, also for the assistant's replies;
    `guild_id` is None in direct messages.
    """

    channel_id: int
    user_id: int
    author_name: str
    role: MessageRole
    content: str
    created_at: float
    guild_id: int | None = None
    discord_message_id: int | None = None
    reply_to_discord_id: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredMessage:
    """A stored conversation turn; `id` is the storage row id."""

    id: int
    channel_id: int
    user_id: int
    author_name: str
    role: MessageRole
    content: str
    created_at: float
    guild_id: int | None = None
    discord_message_id: int | None = None
    reply_to_discord_id: int | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One moderator/admin action in a guild; `detail` is the JSON object recorded with it."""

    id: int
    guild_id: int
    actor_id: int
    action: str
    detail: Mapping[str, Any]
    created_at: float


# --- repository protocols ------------------------------------------------------------------


class GuildSettingsRepository(Protocol):
    """Per-guild settings."""

    async def get(self, guild_id: int) -> GuildSettings:
        """The guild's settings, or the defaults when none were ever saved."""
        ...

    async def update(self, guild_id: int, **fields: Any) -> GuildSettings:
        """Change the named settings (see GUILD_SETTING_FIELDS) and return the result.

        Raises ValueError for an unknown field or an invalid value.
        """
        ...


class ChannelSettingsRepository(Protocol):
    """Per-channel chat mode and persona overrides."""

    async def get(self, channel_id: int) -> ChannelSettings | None:
        """The channel's overrides, or None when it has none."""
        ...

    async def set_chat_mode(
        self, guild_id: int, channel_id: int, mode: ChatMode | None
    ) -> ChannelSettings:
        """Set (or with None, clear) when Hearth chats in the channel."""
        ...

    async def set_persona(
        self, guild_id: int, channel_id: int, persona_id: str | None
    ) -> ChannelSettings:
        """Set (or with None, clear) the channel's persona override."""
        ...

    async def set_chat_cooldown(
        self, guild_id: int, channel_id: int, seconds: float | None
    ) -> ChannelSettings:
        """Set (or with None, clear) the pause between unprompted replies in "always" mode."""
        ...


class UserRepository(Protocol):
    """Users and their memory preferences."""

    async def touch(self, user_id: int, display_name: str) -> None:
        """Record that the user was seen now, under this display name."""
        ...

    async def get(self, user_id: int) -> UserRecord | None:
        """The user, or None when never seen."""
        ...

    async def set_memory_enabled(self, user_id: int, enabled: bool) -> UserRecord:
        """Let Hearth remember things about the user, or stop it."""
        ...

    async def set_memory_scope(self, user_id: int, scope: MemoryScope) -> UserRecord:
        """Keep memories per guild ("local") or share them across guilds ("global")."""
        ...


class MessageRepository(Protocol):
    """Conversation history."""

    async def add(self, message: NewMessage) -> int:
        """Store a turn; returns its row id."""
        ...

    async def recent(
        self,
        channel_id: int,
        *,
        limit: int,
        user_id: int | None = None,
        before: float | None = None,
    ) -> list[StoredMessage]:
        """The newest `limit` turns in the channel (optionally with one user, optionally
        created before a time), oldest first."""
        ...

    async def get_by_discord_id(self, discord_message_id: int) -> StoredMessage | None:
        """The turn stored for a Discord message, if any."""
        ...

    async def reply_to(self, discord_message_id: int) -> StoredMessage | None:
        """The stored assistant reply to a Discord message, if any (the newest)."""
        ...

    async def update_content(self, discord_message_id: int, content: str) -> bool:
        """Replace a stored turn's text (a regenerated reply); False if no such turn."""
        ...

    async def set_discord_id(self, row_id: int, discord_message_id: int) -> bool:
        """Attach the Discord message id once the reply was sent; False if no such row."""
        ...

    async def prune_older_than(self, cutoff: float) -> int:
        """Delete turns created before `cutoff`; returns how many."""
        ...

    async def delete_for_user(self, user_id: int) -> int:
        """Delete every turn of conversations with the user; returns how many."""
        ...

    async def count(self) -> int:
        """How many turns are stored."""
        ...


class AuditRepository(Protocol):
    """The per-guild audit log of settings and moderation actions."""

    async def record(
        self, guild_id: int, actor_id: int, action: str, detail: Mapping[str, Any]
    ) -> None:
        """Append an entry; `detail` must be JSON-serialisable."""
        ...

    async def list(self, guild_id: int, *, limit: int = 20) -> list[AuditEntry]:
        """The newest entries first."""
        ...


class CustomPersonaRepository(Protocol):
    """Per-guild custom persona files (TOML text, validated by the persona loader)."""

    async def save(self, guild_id: int, persona_id: str, toml_text: str, author_id: int) -> None:
        """Create or replace the guild's persona."""
        ...

    async def get(self, guild_id: int, persona_id: str) -> str | None:
        """The persona's TOML text, or None."""
        ...

    async def list(self, guild_id: int) -> list[str]:
        """The guild's persona ids, sorted."""
        ...

    async def delete(self, guild_id: int, persona_id: str) -> bool:
        """Remove the persona; False when it did not exist."""
        ...


class UsageRepository(Protocol):
    """Tokens spent on remote brains per guild and UTC day (for daily budgets)."""

    async def add_tokens(self, guild_id: int, day: str, tokens: int) -> int:
        """Add to the day's count; returns the new total."""
        ...

    async def tokens_on(self, guild_id: int, day: str) -> int:
        """Tokens spent by the guild on that day (0 when none)."""
        ...


class Storage(Protocol):
    """What services see of a database: its repositories and its lifecycle."""

    # Read-only properties, so that any object with these attributes matches.
    @property
    def guilds(self) -> GuildSettingsRepository: ...
    @property
    def channels(self) -> ChannelSettingsRepository: ...
    @property
    def users(self) -> UserRepository: ...
    @property
    def messages(self) -> MessageRepository: ...
    @property
    def audit(self) -> AuditRepository: ...
    @property
    def usage(self) -> UsageRepository: ...
    @property
    def personas(self) -> CustomPersonaRepository: ...

    async def close(self) -> None:
        """Finish pending work and release the database."""
        ...
