"""Persona administration without Discord: choose, edit, set, import, export and reset a
server's persona, and per-channel overrides.

Every change is validated by the persona model (:meth:`persona.Persona.with_changes`,
:func:`persona.parse_persona`), screened (no text may try to change the bot's rules, none may
say what the output filter blocks), stored, audited, and followed by dropping the server's
cached personas. The persona cog (``cogs/persona.py``) renders the results.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.moderation.admin import MAX_AUTOCOMPLETE, AdminError, AdminStorage, shorten
from bot.moderation.manipulation import detect_manipulation
from bot.moderation.service import ModerationService
from bot.personas import PersonaService
from persona import (
    Persona,
    PersonaError,
    UnknownPersonaError,
    get_preset,
    load_presets,
    parse_persona,
)
from persona.errors import closest


class PersonaRefused(AdminError):
    """A persona is valid but may not be used: it smuggles rules or says what the bot won't."""


PersonaSource = Literal["chosen", "default"]

SETTABLE_FIELDS: tuple[str, ...] = (
    "name",
    "description",
    "avatar_url",
    "traits",
    "boundaries",
    "system_prompt",
    "style.formality",
    "style.emoji",
    "style.verbosity",
    "content_rating",
    "language",
)
"""Fields ``/persona set`` can change (lists: traits separated by commas, boundaries by
semicolons or line breaks)."""

_STYLE_VALUES = {
    "formality": ("casual", "balanced", "formal"),
    "emoji": ("none", "light", "lots"),
    "verbosity": ("brief", "balanced", "chatty"),
}
_CLEAR_WORDS = frozenset({"", "none", "clear", "-", "remove"})


@dataclass(frozen=True, slots=True)
class PersonaStatus:
    """Who speaks in a server and in one of its channels."""

    server: Persona
    source: PersonaSource
    edited: bool  # the server's persona is a stored (custom or edited) one
    channel: Persona | None  # the channel's override, when it has one


@dataclass(frozen=True, slots=True)
class PersonaChoice:
    """An entry of the persona autocomplete."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class PersonaChange:
    """The server's persona after a change; ``note``: anything the moderator should know."""

    persona: Persona
    note: str = ""
    fields: tuple[str, ...] = field(default=())


def describe_persona_error(error: PersonaError, *, limit: int = 8) -> str:
    """A PersonaError as a short list a moderator can act on (line numbers kept)."""
    problems = error.problems
    lines = [f"- {p}" for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"- …and {len(problems) - limit} more")
    return "\n".join(lines)


def parse_style(text: str) -> dict[str, str]:
    """The speaking style from the edit form: ``formality: casual, emoji: light,
    verbosity: brief`` (any order, any subset; bare values where they are unambiguous)."""
    style: dict[str, str] = {}
    for raw in text.replace(";", ",").replace("\n", ",").split(","):
        piece = raw.strip().lower()
        if not piece:
            continue
        key, sep, value = piece.replace("=", ":").partition(":")
        key, value = key.strip(), value.strip()
        if not sep:
            value = key
            owners = [k for k, options in _STYLE_VALUES.items() if value in options]
            if len(owners) != 1:
                raise AdminError(_style_problem(value, ambiguous=len(owners) > 1))
            key = owners[0]
        if key not in _STYLE_VALUES:
            raise AdminError(
                f"Style has no setting {key!r}; use formality, emoji and verbosity, "
                "e.g. `formality: casual, emoji: light, verbosity: brief`."
            )
        if value not in _STYLE_VALUES[key]:
            options = ", ".join(_STYLE_VALUES[key])
            raise AdminError(f"Style {key} must be one of {options}; got {value!r}.")
        style[key] = value
    return style


def _style_problem(value: str, *, ambiguous: bool) -> str:
    if ambiguous:
        return (
            f"Style {value!r} could mean formality or verbosity; write `formality: {value}` or "
            f"`verbosity: {value}`."
        )
    every = ", ".join(f"{k}: {'/'.join(v)}" for k, v in _STYLE_VALUES.items())
    return f"I don't know the style {value!r}; the settings are {every}."


def format_style(persona: Persona) -> str:
    """The persona's style as the edit form shows it (and :func:`parse_style` reads)."""
    style = persona.style
    return f"formality: {style.formality}, emoji: {style.emoji}, verbosity: {style.verbosity}"


def _field_value(field_name: str, value: str) -> Any:
    text = value.strip()
    if field_name == "traits":
        return [t.strip() for t in text.split(",") if t.strip()]
    if field_name == "boundaries":
        return [b.strip() for b in text.replace("\n", ";").split(";") if b.strip()]
    if field_name == "avatar_url" and text.lower() in _CLEAR_WORDS:
        return None
    if field_name.startswith("style.") or field_name == "content_rating":
        return text.lower()
    return text


def persona_texts(persona: Persona) -> list[tuple[str, str]]:
    """Every text a persona carries, as (field path, text)."""
    texts: list[tuple[str, str]] = [
        ("name", persona.name),
        ("description", persona.description),
        ("system_prompt", persona.system_prompt),
    ]
    for name in ("traits", "greetings", "farewells", "dont_know", "boundaries"):
        for index, text in enumerate(getattr(persona, name)):
            texts.append((f"{name}[{index}]", text))
    return texts


class PersonaAdmin:
    """Choose, edit, import, export and reset a server's persona, and per-channel overrides."""

    def __init__(
        self, db: AdminStorage, personas: PersonaService, moderation: ModerationService
    ) -> None:
        self._db = db
        self._personas = personas
        self._moderation = moderation

    # ----------------------------------------------------------------- reading
    async def status(self, guild_id: int, channel_id: int | None = None) -> PersonaStatus:
        """The server's persona (and the channel's override, if any)."""
        settings = await self._db.guilds.get(guild_id)
        server = await self._personas.active(guild_id, None)
        chosen = settings.persona_id is not None and server.id == settings.persona_id
        edited = chosen and await self._db.personas.get(guild_id, server.id) is not None
        channel = None
        if channel_id is not None:
            overrides = await self._db.channels.get(channel_id)
            if overrides is not None and overrides.persona_id:
                channel = await self._personas.active(guild_id, channel_id)
        return PersonaStatus(server, "chosen" if chosen else "default", edited, channel)

    async def server_persona(self, guild_id: int) -> Persona:
        """The persona that speaks in the server (where no channel overrides it)."""
        return await self._personas.active(guild_id, None)

    async def _stored(self, guild_id: int) -> dict[str, Persona]:
        found: dict[str, Persona] = {}
        for persona_id in await self._db.personas.list(guild_id):
            text = await self._db.personas.get(guild_id, persona_id)
            if text is None:
                continue
            try:
                found[persona_id] = parse_persona(text, source=persona_id)
            except PersonaError:
                continue  # no longer valid: not offered (PersonaService falls back too)
        return found

    async def choices(self, guild_id: int, typed: str = "") -> list[PersonaChoice]:
        """Presets and the server's own personas whose id or name contains ``typed``."""
        wanted = typed.strip().casefold()
        stored = await self._stored(guild_id)
        presets = load_presets()
        options: list[PersonaChoice] = []
        for persona_id, persona in sorted(stored.items()):
            kind = "edited for this server" if persona_id in presets else "this server's"
            options.append(PersonaChoice(persona_id, f"{persona.name} ({persona_id}) — {kind}"))
        for persona_id, persona in sorted(presets.items()):
            if persona_id not in stored:
                options.append(PersonaChoice(persona_id, f"{persona.name} ({persona_id}) — preset"))
        if wanted:
            options = [o for o in options if wanted in o.label.casefold()]
        return options[:MAX_AUTOCOMPLETE]

    async def find(self, guild_id: int, persona_id: str) -> Persona:
        """A persona by id (the server's own first, then presets) or by preset name."""
        wanted = persona_id.strip().lower()
        stored = await self._stored(guild_id)
        if wanted in stored:
            return stored[wanted]
        by_name = {p.name.casefold(): p for p in stored.values()}
        if wanted in by_name:
            return by_name[wanted]
        try:
            return get_preset(wanted)
        except UnknownPersonaError as error:
            known = sorted({*error.available, *stored})
            hint = closest(wanted, known)
            suggestion = f" Did you mean `{hint}`?" if hint else ""
            raise AdminError(
                f"There's no persona {persona_id!r}.{suggestion} Personas here: {', '.join(known)}."
            ) from None

    async def export(self, guild_id: int) -> tuple[str, str]:
        """The server persona as a TOML file: (file name, text)."""
        persona = await self.server_persona(guild_id)
        return f"{persona.id}.toml", persona.to_toml()

    # ----------------------------------------------------------------- screening
    async def screen(self, guild_id: int, persona: Persona) -> None:
        """Refuse a persona whose texts try to change the rules or say what the bot won't.

        Texts shipped in the presets were reviewed with them and are not screened again, so
        an edited preset is judged on what the server changed.
        """
        presets = load_presets()
        if presets.get(persona.id) == persona:
            return
        policy = await self._moderation.policy_for(guild_id)
        shipped = _shipped_texts()
        texts = [(path, text) for path, text in persona_texts(persona) if text not in shipped]
        for path, text in [*texts, ("rendered prompt", _rendered(persona))]:
            label = detect_manipulation(text)
            if label is not None:
                raise PersonaRefused(
                    f"I can't use that persona: `{path}` tries to change my rules ({label}). "
                    "A persona sets a character and a voice; it can't switch off the safety "
                    "rules or tell me to ignore my instructions."
                )
            verdict = self._moderation.filter.check_output(text, policy)
            if not verdict.allowed:
                excerpt = shorten(verdict.masked_excerpt(20), 80)
                category = (verdict.category or "blocked").replace("_", " ")
                raise PersonaRefused(
                    f"I can't use that persona: `{path}` has words I won't say here "
                    f"({category}: “{excerpt}”). Rephrase it and try again."
                )

    # ----------------------------------------------------------------- changes
    async def use(self, guild_id: int, actor_id: int, persona_id: str) -> PersonaChange:
        """Make a preset or one of the server's personas the server's persona."""
        persona = await self.find(guild_id, persona_id)
        await self.screen(guild_id, persona)
        await self._db.guilds.update(guild_id, persona_id=persona.id)
        await self._db.audit.record(guild_id, actor_id, "persona.use", {"persona_id": persona.id})
        self._personas.forget_guild(guild_id)
        return PersonaChange(persona)

    async def edit(
        self,
        guild_id: int,
        actor_id: int,
        *,
        name: str,
        description: str,
        style: str,
        system_prompt: str,
    ) -> PersonaChange:
        """Change the server persona's name, description, style and system prompt at once."""
        current = await self.server_persona(guild_id)
        changes: dict[str, Any] = {
            "name": name,
            "description": description,
            "system_prompt": system_prompt,
        }
        for key, value in parse_style(style).items():
            changes[f"style.{key}"] = value
        try:
            updated = current.with_changes(**changes)
        except PersonaError as error:
            raise AdminError(
                f"That persona isn't valid:\n{describe_persona_error(error)}"
            ) from None
        fields = tuple(
            name
            for name in ("name", "description", "style", "system_prompt")
            if getattr(updated, name) != getattr(current, name)
        )
        return await self._save(guild_id, actor_id, updated, "persona.edit", fields=fields)

    async def set_field(
        self, guild_id: int, actor_id: int, field_name: str, value: str
    ) -> PersonaChange:
        """Change one field of the server persona (see :data:`SETTABLE_FIELDS`)."""
        if field_name not in SETTABLE_FIELDS:
            raise AdminError(
                f"I can't set {field_name!r}; the fields are {', '.join(SETTABLE_FIELDS)}."
            )
        current = await self.server_persona(guild_id)
        try:
            updated = current.with_changes(**{field_name: _field_value(field_name, value)})
        except PersonaError as error:
            raise AdminError(f"That value isn't valid:\n{describe_persona_error(error)}") from None
        return await self._save(guild_id, actor_id, updated, "persona.set", fields=(field_name,))

    async def import_toml(
        self, guild_id: int, actor_id: int, text: str, filename: str
    ) -> PersonaChange:
        """Validate a persona file, screen it, store it and make it the server's persona."""
        try:
            persona = parse_persona(text, source=filename)
        except PersonaError as error:
            raise AdminError(
                f"`{filename}` isn't a valid persona:\n{describe_persona_error(error)}"
            ) from None
        presets = load_presets()
        replaced = await self._db.personas.get(guild_id, persona.id) is not None
        if persona.id in presets:
            note = (
                f"It replaces the preset `{persona.id}` in this server; `/persona reset` "
                "brings the original back."
            )
        elif replaced:
            note = f"It replaces this server's earlier persona `{persona.id}`."
        else:
            note = ""
        return await self._save(guild_id, actor_id, persona, "persona.import", note=note)

    async def reset(self, guild_id: int, actor_id: int) -> PersonaChange:
        """Back to the default persona; the server's edits of presets are removed (its own
        imported personas stay available to `/persona use`)."""
        presets = load_presets()
        removed = [
            persona_id
            for persona_id in await self._db.personas.list(guild_id)
            if persona_id in presets
        ]
        for persona_id in removed:
            await self._db.personas.delete(guild_id, persona_id)
        await self._db.guilds.update(guild_id, persona_id=None)
        await self._db.audit.record(guild_id, actor_id, "persona.reset", {"removed_edits": removed})
        self._personas.forget_guild(guild_id)
        return PersonaChange(self._personas.default)

    async def set_channel(
        self, guild_id: int, channel_id: int, actor_id: int, persona_id: str | None
    ) -> Persona | None:
        """Give a channel its own persona, or (None) let it use the server's again."""
        persona = None
        if persona_id is not None and persona_id.strip():
            persona = await self.find(guild_id, persona_id)
            await self.screen(guild_id, persona)
        await self._db.channels.set_persona(guild_id, channel_id, persona.id if persona else None)
        await self._db.audit.record(
            guild_id,
            actor_id,
            "persona.channel",
            {"channel_id": channel_id, "persona_id": persona.id if persona else None},
        )
        self._personas.forget_guild(guild_id)
        return persona

    async def _save(
        self,
        guild_id: int,
        actor_id: int,
        persona: Persona,
        action: str,
        *,
        fields: tuple[str, ...] = (),
        note: str = "",
    ) -> PersonaChange:
        await self.screen(guild_id, persona)
        await self._db.personas.save(guild_id, persona.id, persona.to_toml(), actor_id)
        await self._db.guilds.update(guild_id, persona_id=persona.id)
        detail: dict[str, Any] = {"persona_id": persona.id}
        if fields:
            detail["fields" if action == "persona.edit" else "field"] = (
                list(fields) if action == "persona.edit" else fields[0]
            )
        await self._db.audit.record(guild_id, actor_id, action, detail)
        self._personas.forget_guild(guild_id)
        return PersonaChange(persona, note, fields)


@functools.cache
def _shipped_texts() -> frozenset[str]:
    """Every text of every preset (read-only, shipped data)."""
    return frozenset(text for p in load_presets().values() for _, text in persona_texts(p))


def _rendered(persona: Persona) -> str:
    try:
        return persona.render_system_prompt()
    except (KeyError, ValueError, IndexError):
        return persona.system_prompt  # the validator rejects bad placeholders; be safe anyway
