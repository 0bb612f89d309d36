"""The one container of services handed to cogs: opened at start-up, closed at shutdown."""

from __future__ import annotations

import asyncio
import gc
import time
from dataclasses import dataclass, field

from bot.brain.anthropic import AnthropicBrain
from bot.brain.base import Brain
from bot.brain.fallback import CircuitBreaker, FallbackBrain
from bot.brain.offline import OfflineBrain
from bot.brain.openai import OpenAICompatibleBrain
from bot.content.adventures_service import AdventureService
from bot.content.jokes_service import JokeService
from bot.content.stories_service import StoryService
from bot.conversation import ChatConfig, ConversationService
from bot.games.trivia.service import TriviaService
from bot.limits import ChatLimiter
from bot.memory.service import MemoryService
from bot.moderation.service import ModerationService
from bot.output import OutputGate
from bot.personas import PersonaService
from bot.settings import ConfigError, Settings
from bot.storage import Database, open_database
from persona import UnknownPersonaError, get_preset


def make_brain(settings: Settings, offline: OfflineBrain) -> Brain:
    """The brain the settings ask for; remote brains fall back to ``offline`` when they fail,
    behind a circuit breaker so a dead server is not hammered."""
    if settings.brain == "offline":
        return offline
    remote_class = OpenAICompatibleBrain if settings.brain == "openai" else AnthropicBrain
    return FallbackBrain(remote_class.from_settings(settings), offline, breaker=CircuitBreaker())


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
    offline: OfflineBrain = field(kw_only=True)
    jokes: JokeService = field(kw_only=True)
    stories: StoryService = field(kw_only=True)
    adventures: AdventureService = field(kw_only=True)
    trivia: TriviaService = field(kw_only=True)
    memory: MemoryService = field(kw_only=True)
    moderation: ModerationService = field(kw_only=True)

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
        memory = MemoryService(
            db,
            max_per_user=settings.memory_max_per_user,
            llm_brain=None if brain is offline else brain,
        )
        moderation = ModerationService(db)
        conversation = ConversationService(
            db,
            personas,
            brain,
            gate,
            offline=offline,
            limiter=limiter,
            config=config,
            moderation=moderation,
            memory=memory,
        )
        jokes = JokeService(db.jokes, db.audit)
        stories = StoryService(db.stories, brain=brain)
        adventures = AdventureService(db.adventures)
        trivia = await TriviaService.open(db.trivia, gate.render, settings)
        return cls(
            settings,
            db,
            personas,
            brain,
            gate,
            conversation,
            offline=offline,
            jokes=jokes,
            stories=stories,
            adventures=adventures,
            trivia=trivia,
            memory=memory,
            moderation=moderation,
        )

    @property
    def uptime(self) -> float:
        """Seconds since the services were opened."""
        return time.monotonic() - self.started_at

    async def close(self) -> None:
        """Release the brain's connections and the database."""
        await self.brain.aclose()
        await self.trivia.close()
        await self.db.close()

    def warm_up(self) -> asyncio.Future[None]:
        """Load the offline brain's corpus and banks and compile the moderation filter in
        threads, so start-up does not wait for them and the first message rarely does."""
        return asyncio.ensure_future(self._warm_up())

    async def _warm_up(self) -> None:
        await asyncio.gather(asyncio.to_thread(self.offline.preload), self.moderation.ready())
        freeze_static_data()


def freeze_static_data() -> None:
    """Move everything loaded so far (corpora, banks, lexicons: read-only for the life of the
    process) out of the garbage collector's sight. Without this, each full collection walks
    them all and stalls the event loop for ~50 ms."""
    gc.collect()
    gc.freeze()
