"""Persona errors and the translation of pydantic's errors into lines a moderator can act on."""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from rapidfuzz import fuzz, process, utils


class PersonaError(ValueError):
    """A persona (file, text or change) is invalid; ``problems`` lists every issue found.

    ``str(error)`` is ``"<source>: N problem(s)"`` followed by one indented line per problem.
    """

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems: list[str] = list(problems) or ["invalid persona"]
        count = len(self.problems)
        header = f"{source}: {count} problem{'s' if count != 1 else ''}"
        super().__init__("\n".join([header, *(f"  - {line}" for line in self.problems)]))


class UnknownPersonaError(LookupError):
    """No preset has the requested id; carries close matches and every known id."""

    def __init__(
        self, persona_id: str, suggestions: Sequence[str], available: Sequence[str] = ()
    ) -> None:
        self.persona_id = persona_id
        self.suggestions: list[str] = list(suggestions)
        self.available: list[str] = sorted(available)
        message = f"unknown persona {persona_id!r}"
        if self.suggestions:
            message += "; did you mean " + " or ".join(f"{s!r}" for s in self.suggestions) + "?"
        if self.available:
            message += "; available personas: " + ", ".join(self.available)
        super().__init__(message)

    def __str__(self) -> str:
        # LookupError would otherwise show the args tuple for multi-argument construction.
        return str(self.args[0])


class ModelProblems(ValueError):
    """Raised by model-level validators to report problems that already carry a field path."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


def format_loc(loc: Sequence[int | str]) -> str:
    """Render a pydantic location as a dotted path: ``('greetings', 2)`` -> ``greetings[2]``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def describe_value(value: Any) -> str:
    """Name a value's type the way it looks in a TOML file ("a string", "a table", ...)."""
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int):
        return f"an integer ({value})"
    if isinstance(value, float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"a string ({short_repr(value)})"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return f"a date/time ({value.isoformat()})"
    if value is None:
        return "nothing"
    return type(value).__name__


def short_repr(value: str, limit: int = 60) -> str:
    """``repr`` of a string, shortened so one bad value cannot flood the error output."""
    if len(value) > limit:
        value = value[: limit - 3] + "..."
    return repr(value)


def _unwrap_optional(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _model_at(root: type[BaseModel], path: Sequence[int | str]) -> type[BaseModel] | None:
    """The model class that owns the fields at ``path`` (e.g. ``('style',)`` -> SpeakingStyle)."""
    model: type[BaseModel] = root
    for part in path:
        if not isinstance(part, str) or part not in model.model_fields:
            return None
        annotation = _unwrap_optional(model.model_fields[part].annotation)
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        model = annotation
    return model


def _literal_choices(root: type[BaseModel], loc: Sequence[int | str]) -> list[str] | None:
    owner = _model_at(root, loc[:-1])
    name = loc[-1] if loc else None
    if owner is None or not isinstance(name, str) or name not in owner.model_fields:
        return None
    annotation = _unwrap_optional(owner.model_fields[name].annotation)
    if typing.get_origin(annotation) is typing.Literal:
        return [str(choice) for choice in typing.get_args(annotation)]
    return None


def closest(word: str, choices: Sequence[str], *, cutoff: float = 70) -> str | None:
    """The choice most like ``word`` (case and punctuation ignored), if it is close enough."""
    match = process.extractOne(
        word, choices, scorer=fuzz.ratio, processor=utils.default_process, score_cutoff=cutoff
    )
    return None if match is None else str(match[0])


def _unknown_field(root: type[BaseModel], loc: Sequence[int | str]) -> str:
    owner = _model_at(root, loc[:-1])
    if owner is None:
        return "unknown field"
    allowed = list(owner.model_fields)
    guess = closest(str(loc[-1]), allowed)
    hint = f" (did you mean `{guess}`?)" if guess else ""
    return f"unknown field{hint}; allowed fields: {', '.join(allowed)}"


def _num(value: Any) -> str:
    # 2.0 reads as "2" in a limit; a fractional value keeps its digits.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _message(error: ErrorDetails, root: type[BaseModel]) -> list[str]:
    """One or more problem texts (without the field prefix) for one pydantic error."""
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    value = error.get("input")
    loc = error["loc"]
    if kind == "value_error" and isinstance(ctx.get("error"), ModelProblems):
        return list(ctx["error"].problems)
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        return [str(ctx["error"])]
    if kind == "missing":
        return ["required"]
    if kind == "extra_forbidden":
        return [_unknown_field(root, loc)]
    if kind == "literal_error":
        choices = _literal_choices(root, loc)
        shown = short_repr(value) if isinstance(value, str) else describe_value(value)
        expected = ", ".join(choices) if choices else str(ctx.get("expected"))
        return [f"{shown} is not allowed; expected one of: {expected}"]
    if kind == "too_long":
        actual, limit = ctx.get("actual_length"), ctx.get("max_length")
        return [f"{actual} items, at most {limit} allowed"]
    if kind == "too_short":
        actual, limit = ctx.get("actual_length"), ctx.get("min_length")
        noun = "item" if limit == 1 else "items"
        return [f"{actual} items, at least {limit} {noun} required"]
    if kind in ("string_type", "string_unicode"):
        return [f"expected a string, got {describe_value(value)}"]
    if kind in ("list_type", "tuple_type"):
        return [f'expected a list like ["...", "..."], got {describe_value(value)}']
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return [f"expected a table of settings, got {describe_value(value)}"]
    if kind in ("float_type", "float_parsing", "finite_number"):
        return [f"expected a number, got {describe_value(value)}"]
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return [f"expected a whole number, got {describe_value(value)}"]
    if kind in ("less_than_equal", "less_than"):
        limit = _num(ctx.get("le", ctx.get("lt")))
        return [f"{_num(value)} is too large; at most {limit} allowed"]
    if kind in ("greater_than_equal", "greater_than"):
        limit = _num(ctx.get("ge", ctx.get("gt")))
        return [f"{_num(value)} is too small; at least {limit} allowed"]
    return [str(error["msg"])]


def problems_from_validation_error(exc: ValidationError, root: type[BaseModel]) -> list[str]:
    """Turn every pydantic error into a ``field `path`: message`` line, without duplicates."""
    errors = exc.errors()
    # pydantic counts only the items that validated, so one bad item in a one-item list also
    # yields "0 items, at least 1 required"; the item's own error is the one worth showing.
    parents_of_item_errors = {tuple(e["loc"][:-1]) for e in errors if len(e["loc"]) > 1}
    problems: list[str] = []
    for error in errors:
        if error["type"] in ("too_short", "too_long") and tuple(error["loc"]) in (
            parents_of_item_errors
        ):
            continue
        path = format_loc(error["loc"])
        for text in _message(error, root):
            line = f"field `{path}`: {text}" if path else text
            if line not in problems:
                problems.append(line)
    return problems
