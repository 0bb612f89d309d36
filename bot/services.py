"""The one container of services handed to cogs: opened at start-up, closed at shutdown."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from bot.brain.base import Brain
from bot.brain.offline import OfflineBrain
from bot.conversation import ChatConfig, ConversationService
from bot.limits import ChatLimiter
from bot.output import OutputGate
from bot.personas import PersonaService
from bot.settings import ConfigError, Settings
from bot.storage import Database, open_database
from persona import UnknownPersonaError, get_preset


def make_brain(settings: Settings, offline: OfflineBrain) -> Brain:
    """The brain the settings ask for (remote brains fall back to ``offline``)."""
    if settings.brain == "offline":
        return offline
    raise ConfigError(
        f"HEARTH_BRAIN={settings.brain}: this version of Hearth only has the offline brain; "
        "set HEARTH_BRAIN=offline (remote LLM brains arrive with the conversation engine)"
    )


@dataclass
class Services:
    """Everything cogs use; the bot's only mutable state lives here."""

    settings: Settings
    db: Database
    personas: PersonaService
    brain: Brain
    gate: OutputGate
    conversation: ConversationService
    started_at: float = field(default_factory=time.monotonic)

    @classmethod
    async def open(cls, settings: Settings) -> Services:
        """Open the database (applying migrations) and build the services on top of it."""
        try:
            get_preset(settings.default_persona)
        except UnknownPersonaError as exc:
            raise ConfigError(f"HEARTH_DEFAULT_PERSONA: {exc}") from None
        offline = OfflineBrain()
        brain = make_brain(settings, offline)
        db = await open_database(settings.database_path)
        personas = PersonaService(db, settings.default_persona)
        gate = OutputGate()
        limiter = ChatLimiter(settings.user_messages_per_minute, settings.guild_messages_per_minute)
        config = ChatConfig(
            context_tokens=settings.llm_context_tokens,
            reply_reserve=settings.llm_max_tokens,
            guild_daily_tokens=settings.guild_daily_tokens,
        )
        conversation = ConversationService(
            db, personas, brain, gate, offline=offline, limiter=limiter, config=config
        )
        return cls(settings, db, personas, brain, gate, conversation)

    @property
    def uptime(self) -> float:
        """Seconds since the services were opened."""
        return time.monotonic() - self.started_at

    async def close(self) -> None:
        """Release the brain's connections and the database."""
        await self.brain.aclose()
        await self.db.close()
