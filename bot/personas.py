"""Which persona speaks where: channel override > guild choice > the operator's default.

Presets ship with Hearth; a guild may also store its own personas (TOML text in the
database). Parsed personas are cached per guild and dropped when the guild changes them.
"""

from __future__ import annotations

import logging

from bot.storage import Storage
from persona import Persona, PersonaError, UnknownPersonaError, get_preset, parse_persona

log = logging.getLogger(__name__)

ACTIVE_CACHE_SIZE = 10_000


class PersonaService:
    """Resolves the active persona for a place, from presets and guild-made personas."""

    def __init__(self, db: Storage, default_persona_id: str) -> None:
        self._db = db
        self.default = get_preset(default_persona_id)
        self._custom: dict[tuple[int, str], Persona] = {}
        # Resolved persona per place: every message asks (trigger, prompt, care lines), and
        # resolving costs two queries. Every change goes through forget_guild().
        self._active: dict[tuple[int, int | None], Persona] = {}

    async def active(self, guild_id: int | None, channel_id: int | None) -> Persona:
        """The persona that speaks in this channel (DMs: the default)."""
        if guild_id is None:
            return self.default
        key = (guild_id, channel_id)
        persona = self._active.get(key)
        if persona is None:
            if len(self._active) >= ACTIVE_CACHE_SIZE:
                self._active.clear()
            persona = self._active[key] = await self._resolve(guild_id, channel_id)
        return persona

    async def _resolve(self, guild_id: int, channel_id: int | None) -> Persona:
        if channel_id is not None:
            channel = await self._db.channels.get(channel_id)
            if channel is not None and channel.persona_id:
                found = await self._find(guild_id, channel.persona_id)
                if found is not None:
                    return found
        guild = await self._db.guilds.get(guild_id)
        if guild.persona_id:
            found = await self._find(guild_id, guild.persona_id)
            if found is not None:
                return found
        return self.default

    async def _find(self, guild_id: int, persona_id: str) -> Persona | None:
        cached = self._custom.get((guild_id, persona_id))
        if cached is not None:
            return cached
        text = await self._db.personas.get(guild_id, persona_id)
        if text is not None:
            try:
                persona = parse_persona(text, source=f"guild {guild_id} persona {persona_id}")
            except PersonaError as exc:
                # A stored persona was valid when saved; if the rules tightened since, fall
                # back rather than go silent, and say why in the log.
                log.warning("stored persona no longer valid, using the default: %s", exc)
                return None
            self._custom[(guild_id, persona_id)] = persona
            return persona
        try:
            return get_preset(persona_id)
        except UnknownPersonaError:
            log.warning("guild %s uses unknown persona %r; using the default", guild_id, persona_id)
            return None

    def forget_guild(self, guild_id: int) -> None:
        """Drop what is cached for a guild (call after any change to its personas)."""
        for key in [k for k in self._custom if k[0] == guild_id]:
            del self._custom[key]
        for place in [k for k in self._active if k[0] == guild_id]:
            del self._active[place]
