"""Personas: who Hearth speaks as in a server.

A persona is a validated, immutable :class:`Persona` (name, voice, canned lines, boundaries),
read from TOML with precise error messages (:func:`parse_persona`, :func:`load_persona`),
written back with :meth:`Persona.to_toml`, and shipped as presets (:func:`get_preset`;
the default is :data:`DEFAULT_PERSONA_ID`, "shannon").
"""

from persona.cli import register
from persona.errors import PersonaError, UnknownPersonaError
from persona.loader import (
    DEFAULT_PERSONA_ID,
    MAX_PERSONA_BYTES,
    get_preset,
    load_persona,
    load_preset_folder,
    load_presets,
    parse_persona,
    validate_persona_file,
)
from persona.model import (
    LLMOverrides,
    Persona,
    SpeakingStyle,
    persona_from_data,
)
from persona.text_rules import (
    LINE_PLACEHOLDERS,
    SYSTEM_PROMPT_PLACEHOLDERS,
    find_mention,
)

__all__ = [
    "DEFAULT_PERSONA_ID",
    "LINE_PLACEHOLDERS",
    "MAX_PERSONA_BYTES",
    "SYSTEM_PROMPT_PLACEHOLDERS",
    "LLMOverrides",
    "Persona",
    "PersonaError",
    "SpeakingStyle",
    "UnknownPersonaError",
    "find_mention",
    "get_preset",
    "load_persona",
    "load_preset_folder",
    "load_presets",
    "parse_persona",
    "persona_from_data",
    "register",
    "validate_persona_file",
]
