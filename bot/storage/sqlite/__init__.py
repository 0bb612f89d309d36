"""SQLite implementations of the repository protocols in `bot.storage.repositories`.

All of Hearth's SQL lives here (and in the migration files); every value is bound as a
parameter.
"""

from bot.storage.sqlite.audit import SqliteAuditRepository
from bot.storage.sqlite.channels import SqliteChannelSettingsRepository
from bot.storage.sqlite.guilds import SqliteGuildSettingsRepository
from bot.storage.sqlite.messages import SqliteMessageRepository
from bot.storage.sqlite.personas import SqliteCustomPersonaRepository
from bot.storage.sqlite.usage import SqliteUsageRepository
from bot.storage.sqlite.users import SqliteUserRepository

__all__ = [
    "SqliteAuditRepository",
    "SqliteChannelSettingsRepository",
    "SqliteCustomPersonaRepository",
    "SqliteGuildSettingsRepository",
    "SqliteMessageRepository",
    "SqliteUsageRepository",
    "SqliteUserRepository",
]
