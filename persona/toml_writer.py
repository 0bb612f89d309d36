"""A tiny TOML writer for the value types a persona uses (tomllib can only read).

Supported: str, bool, int, float, lists/tuples of those, and nested mappings (written as
``[tables]`` after the top-level values). Output is meant for people to edit: strings with line
breaks become multi-line strings and lists put one item per line.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_SHORT_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def _escape_char(ch: str, *, multiline: bool) -> str:
    if multiline and ch in "\n\t":
        return ch
    if ch in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[ch]
    code = ord(ch)
    # TOML forbids raw control characters (other than tab) and DEL inside basic strings.
    if code < 0x20 or code == 0x7F:
        return f"\\u{code:04X}"
    return ch


def format_string(value: str, *, allow_multiline: bool = True) -> str:
    """A TOML basic string; multi-line (``\"\"\"``) when the text contains a line break."""
    if allow_multiline and "\n" in value:
        body = "".join(_escape_char(ch, multiline=True) for ch in value)
        # The newline right after the opening quotes is dropped by TOML readers; it only
        # makes the text start on its own line.
        return '"""\n' + body + '"""'
    return '"' + "".join(_escape_char(ch, multiline=False) for ch in value) + '"'


def format_key(key: str) -> str:
    """A bare key when possible, else a quoted one."""
    if not isinstance(key, str):
        raise TypeError(f"TOML keys must be strings, got {type(key).__name__}")
    return key if _BARE_KEY.match(key) else format_string(key, allow_multiline=False)


def format_scalar(value: Any) -> str:
    """A TOML literal for a string, boolean, integer or float."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)  # shortest text that reads back as the same float
    if isinstance(value, str):
        return format_string(value)
    raise TypeError(f"cannot write {type(value).__name__} as a TOML value")


def format_value(value: Any) -> str:
    """A TOML literal for a scalar or a list of scalars."""
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        items = "".join(f"    {format_scalar(item)},\n" for item in value)
        return "[\n" + items + "]"
    return format_scalar(value)


def _write_table(lines: list[str], path: Sequence[str], table: Mapping[str, Any]) -> None:
    subtables = {k: v for k, v in table.items() if isinstance(v, Mapping)}
    for key, value in table.items():
        if value is None:
            continue  # TOML has no null: an absent key means "not set"
        if key not in subtables:
            lines.append(f"{format_key(key)} = {format_value(value)}")
    for key, value in subtables.items():
        sub_path = [*path, key]
        if lines:
            lines.append("")
        lines.append("[" + ".".join(format_key(part) for part in sub_path) + "]")
        _write_table(lines, sub_path, value)


def dumps(data: Mapping[str, Any], *, header_comment: str | None = None) -> str:
    """Serialise ``data`` to a TOML document (None values are left out)."""
    lines: list[str] = []
    if header_comment:
        lines.extend(f"# {line}".rstrip() for line in header_comment.splitlines())
        lines.append("")
    _write_table(lines, [], data)
    return "\n".join(lines) + "\n"
