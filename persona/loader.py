"""Reading personas from TOML text, files and the shipped presets."""

from __future__ import annotations

import functools
import os
import re
import tomllib
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from persona.errors import PersonaError, UnknownPersonaError, closest
from persona.model import Persona, persona_from_data

DEFAULT_PERSONA_ID = "shannon"
MAX_PERSONA_BYTES = 64 * 1024

_TOML_POSITION = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)\s*$")
# tomllib's terse messages for the mistakes people actually make, with a nudge towards the fix.
_TOML_HINTS = {
    "invalid value": 'text values need quotes, e.g. name = "Shannon"',
    "expected '=' after a key in a key/value pair": "each line should look like key = value",
    "unterminated string": "a string is missing its closing quote",
}


def _toml_problem(exc: tomllib.TOMLDecodeError, text: str) -> str:
    message = str(exc)
    match = _TOML_POSITION.search(message)
    what = message[: match.start()] if match else message
    what = what[:1].lower() + what[1:]
    hint = _TOML_HINTS.get(what)
    if hint:
        what += f" ({hint})"
    if match and match.group(1):
        return f"line {match.group(1)}, column {match.group(2)}: {what}"
    if match:
        last_line = text.count("\n") + (0 if text.endswith("\n") else 1)
        return f"line {max(last_line, 1)} (end of file): {what}"
    return f"TOML syntax: {what}"


def parse_persona(text: str, *, source: str = "<text>") -> Persona:
    """Parse a persona from TOML text; raises :class:`PersonaError` listing every problem."""
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > MAX_PERSONA_BYTES:
        raise PersonaError(source, [_too_big(size)])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PersonaError(source, [_toml_problem(exc, text)]) from None
    return persona_from_data(data, source=source)


def _too_big(size: int) -> str:
    return f"file is {size:,} bytes, at most {MAX_PERSONA_BYTES:,} (64 KiB) allowed"


def _read_text(path: Path) -> str:
    """The file's text, or a PersonaError with one clear problem."""
    source = str(path)
    try:
        with path.open("rb") as handle:
            # Read one byte past the limit so a huge file is never loaded whole.
            raw = handle.read(MAX_PERSONA_BYTES + 1)
    except FileNotFoundError:
        raise PersonaError(source, ["file not found"]) from None
    except IsADirectoryError:
        raise PersonaError(source, ["is a directory, expected a .toml file"]) from None
    except PermissionError:
        raise PersonaError(source, ["cannot read file: permission denied"]) from None
    except OSError as exc:
        raise PersonaError(source, [f"cannot read file: {exc.strerror or exc}"]) from None
    if len(raw) > MAX_PERSONA_BYTES:
        try:
            size = os.stat(path).st_size
        except OSError:
            size = len(raw)
        raise PersonaError(source, [_too_big(size)])
    try:
        # utf-8-sig: editors on Windows like to add a byte-order mark; it is harmless.
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        bad = raw[exc.start : exc.start + 1].hex()
        raise PersonaError(
            source,
            [f"not valid UTF-8 text (byte 0x{bad} on line {line}); save the file as UTF-8"],
        ) from None


def load_persona(path: str | os.PathLike[str]) -> Persona:
    """Load and validate a persona file; raises :class:`PersonaError`."""
    path = Path(path)
    return parse_persona(_read_text(path), source=str(path))


def validate_persona_file(path: str | os.PathLike[str]) -> list[str]:
    """The problems in a persona file, or ``[]`` when it is valid."""
    try:
        load_persona(path)
    except PersonaError as exc:
        return exc.problems
    return []


def load_preset_folder(
    folder: Traversable, *, label: str = "persona/presets"
) -> dict[str, Persona]:
    """Every ``*.toml`` persona in ``folder`` by id; each file's id must equal its file name."""
    found: dict[str, Persona] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml") or not entry.is_file():
            continue
        source = f"{label}/{entry.name}"
        persona = parse_persona(entry.read_text(encoding="utf-8"), source=source)
        stem = entry.name.removesuffix(".toml")
        if persona.id != stem:
            raise PersonaError(
                source,
                [
                    f"field `id`: {persona.id!r} does not match the file name {entry.name!r}; "
                    f"a preset's id must equal its file name (id = {stem!r})"
                ],
            )
        found[persona.id] = persona
    return found


@functools.cache
def _presets() -> tuple[tuple[str, Persona], ...]:
    # Cached as an immutable tuple (no shared mutable state); callers get a fresh dict.
    folder = resources.files("persona").joinpath("presets")
    return tuple(load_preset_folder(folder).items())


def load_presets() -> dict[str, Persona]:
    """All shipped presets by id (read once from package data)."""
    return dict(_presets())


def get_preset(persona_id: str) -> Persona:
    """The preset with this id (case and surrounding spaces ignored).

    Raises :class:`UnknownPersonaError` with close matches by id or display name.
    """
    presets = load_presets()
    wanted = persona_id.strip().lower()
    if wanted in presets:
        return presets[wanted]
    by_name = {p.name.lower(): p.id for p in presets.values()}
    if wanted in by_name:
        return presets[by_name[wanted]]
    suggestions: list[str] = []
    for candidate in (closest(wanted, list(presets)), closest(wanted, list(by_name))):
        if candidate is not None:
            resolved = by_name.get(candidate, candidate)
            if resolved not in suggestions:
                suggestions.append(resolved)
    raise UnknownPersonaError(persona_id, suggestions, list(presets))
