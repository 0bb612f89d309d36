"""Storage: one aiosqlite database, numbered migrations, repositories that own all SQL.

    db = await open_database(settings.database_path)
    settings = await db.guilds.get(guild_id)
    async with db.transaction() as conn: ...   # several statements, one atomic unit
    await db.close()

Services depend on the protocols in `bot.storage.repositories`; the SQLite implementations
are in `bot.storage.sqlite`. Every failure reaches callers as `StorageError` (a
`ConstraintError`, also a ValueError, for values the schema rejects).
"""

from bot.storage.database import DEFAULT_BUSY_TIMEOUT, Database, open_database
from bot.storage.errors import ConstraintError, MigrationError, StorageError
from bot.storage.migrator import Migration, load_migrations
from bot.storage.repositories import (
    AuditEntry,
    AuditRepository,
    ChannelSettings,
    ChannelSettingsRepository,
    ChatMode,
    CustomPersonaRepository,
    GuildSettings,
    GuildSettingsRepository,
    MemoryScope,
    MessageRepository,
    MessageRole,
    NewMessage,
    Storage,
    StoredMessage,
    Strictness,
    UsageRepository,
    UserRecord,
    UserRepository,
)

__all__ = [
    "DEFAULT_BUSY_TIMEOUT",
    "AuditEntry",
    "AuditRepository",
    "ChannelSettings",
    "ChannelSettingsRepository",
    "ChatMode",
    "ConstraintError",
    "CustomPersonaRepository",
    "Database",
    "GuildSettings",
    "GuildSettingsRepository",
    "MemoryScope",
    "MessageRepository",
    "MessageRole",
    "Migration",
    "MigrationError",
    "NewMessage",
    "Storage",
    "StorageError",
    "StoredMessage",
    "Strictness",
    "UsageRepository",
    "UserRecord",
    "UserRepository",
    "load_migrations",
    "open_database",
]
