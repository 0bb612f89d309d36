"""The Persona model: who the bot is in a server, validated strictly at the boundary."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from persona.errors import (
    ModelProblems,
    PersonaError,
    describe_value,
    problems_from_validation_error,
    short_repr,
)
from persona.text_rules import (
    LINE_PLACEHOLDERS,
    SYSTEM_PROMPT_PLACEHOLDERS,
    control_char_problem,
    find_mention,
    mention_problem,
    template_problem,
)
from persona.toml_writer import dumps as toml_dumps

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,31}$")
# BCP-47-ish: a 2-3 letter language, optional 4-letter script, optional region, variants.
_LANGUAGE_RE = re.compile(
    r"^[A-Za-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?(?:-[A-Za-z0-9]{5,8})*$"
)
_MAX_URL_LENGTH = 2048


def _text(
    max_length: int,
    *,
    multiline: bool = False,
    placeholders: tuple[str, ...] | None = None,
) -> Callable[[str], str]:
    """Build the validator shared by every free-text field.

    Whitespace at the ends is stripped (it is never meaningful and breaks round-trips of
    hand-edited files); blanks, over-long text, control characters, mentions and (for templates)
    unknown placeholders are refused with a message that names the limit.
    """

    def check(value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be blank")
        if len(value) > max_length:
            raise ValueError(f"{len(value)} characters, at most {max_length} allowed")
        for problem in (
            control_char_problem(value, multiline=multiline),
            mention_problem(value),
            None if placeholders is None else template_problem(value, placeholders),
        ):
            if problem:
                raise ValueError(problem)
        return value

    return check


def _check_id(value: str) -> str:
    if not _ID_RE.match(value):
        raise ValueError(
            f"{short_repr(value)} is not a valid id; use 2-32 lowercase letters, digits and "
            "hyphens, starting with a letter or digit (e.g. 'shannon' or 'retro-bot')"
        )
    return value


def _check_url(value: str) -> str:
    value = value.strip()
    expected = f"must be an http:// or https:// URL, got {short_repr(value)}"
    if len(value) > _MAX_URL_LENGTH:
        raise ValueError(f"{len(value)} characters, at most {_MAX_URL_LENGTH} allowed")
    try:
        parts = urlsplit(value)
    except ValueError as exc:
        raise ValueError(expected) from exc
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(expected)
    if any(ch.isspace() for ch in value):
        raise ValueError(f"must not contain spaces, got {short_repr(value)}")
    problem = control_char_problem(value, multiline=False) or mention_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _check_language(value: str) -> str:
    value = value.strip()
    if not _LANGUAGE_RE.match(value):
        raise ValueError(
            f"{short_repr(value)} is not a language code; expected a BCP-47 code "
            "such as 'en', 'en-GB', 'fr' or 'pt-BR'"
        )
    # Canonical casing so "EN-gb" and "en-GB" compare equal.
    parts = value.split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())
        elif len(part) == 2 or (len(part) == 3 and part.isdigit()):
            out.append(part.upper())
        else:
            out.append(part.lower())
    return "-".join(out)


def _no_bool(value: Any) -> Any:
    # pydantic's lax mode would read `temperature = true` as 1.0; a TOML typo should not pass.
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {describe_value(value)}")
    return value


Name = Annotated[str, AfterValidator(_text(32))]
ShortText = Annotated[str, AfterValidator(_text(200))]
Trait = Annotated[str, AfterValidator(_text(40))]
SystemPrompt = Annotated[
    str, AfterValidator(_text(4000, multiline=True, placeholders=SYSTEM_PROMPT_PLACEHOLDERS))
]
Line = Annotated[str, AfterValidator(_text(300, multiline=True, placeholders=LINE_PLACEHOLDERS))]
Lines = Annotated[tuple[Line, ...], Field(min_length=1, max_length=20)]
ModelName = Annotated[str, AfterValidator(_text(100))]

Formality = Literal["casual", "balanced", "formal"]
EmojiUse = Literal["none", "light", "lots"]
Verbosity = Literal["brief", "balanced", "chatty"]
ContentRating = Literal["all_ages", "teen", "mature"]

_FORMALITY_WORDS: dict[str, str] = {
    "casual": "a casual, relaxed tone",
    "balanced": "a friendly, clear tone",
    "formal": "a polite, formal tone",
}
_EMOJI_WORDS: dict[str, str] = {
    "none": "no emoji",
    "light": "the occasional emoji where it fits",
    "lots": "plenty of emoji",
}
_VERBOSITY_WORDS: dict[str, str] = {
    "brief": "short replies of a sentence or two",
    "balanced": "replies of a few sentences",
    "chatty": "longer, chatty replies",
}
# Enough names to make the prompt read naturally; other codes are shown as they are.
_LANGUAGE_NAMES: dict[str, str] = {
    "ar": "Arabic",
    "cs": "Czech",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "fi": "Finnish",
    "fr": "French",
    "he": "Hebrew",
    "hi": "Hindi",
    "id": "Indonesian",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "nl": "Dutch",
    "no": "Norwegian",
    "pl": "Polish",
    "pt": "Portuguese",
    "ru": "Russian",
    "sv": "Swedish",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "zh": "Chinese",
}


class SpeakingStyle(BaseModel):
    """How the persona talks: tone, emoji use and reply length."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    formality: Formality = "balanced"
    emoji: EmojiUse = "light"
    verbosity: Verbosity = "balanced"

    def describe(self) -> str:
        """The style in words, for a system prompt."""
        return "; ".join(
            (
                _FORMALITY_WORDS[self.formality],
                _EMOJI_WORDS[self.emoji],
                _VERBOSITY_WORDS[self.verbosity],
            )
        )


Temperature = Annotated[float, BeforeValidator(_no_bool), Field(ge=0, le=2, allow_inf_nan=False)]
TopP = Annotated[float, BeforeValidator(_no_bool), Field(ge=0, le=1, allow_inf_nan=False)]
MaxTokens = Annotated[int, BeforeValidator(_no_bool), Field(ge=1, le=8192)]


class LLMOverrides(BaseModel):
    """Per-persona sampling settings for remote brains; unset fields use the brain's defaults."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    temperature: Temperature | None = None
    top_p: TopP | None = None
    max_tokens: MaxTokens | None = None
    model: ModelName | None = None


class Persona(BaseModel):
    """A character the bot speaks as: identity, voice, canned lines and limits.

    Immutable: list fields are tuples, and changes go through :meth:`with_changes`, which
    validates the result exactly like a file would be validated.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, AfterValidator(_check_id)]
    name: Name
    description: ShortText
    avatar_url: Annotated[str, AfterValidator(_check_url)] | None = None
    traits: Annotated[tuple[Trait, ...], Field(max_length=12)] = ()
    style: SpeakingStyle = SpeakingStyle()
    system_prompt: SystemPrompt
    greetings: Lines
    farewells: Lines
    dont_know: Lines
    boundaries: Annotated[tuple[ShortText, ...], Field(max_length=20)] = ()
    content_rating: ContentRating = "all_ages"
    language: Annotated[str, AfterValidator(_check_language)] = "en"
    llm: LLMOverrides | None = None

    @model_validator(mode="after")
    def _rendered_lines_have_no_mentions(self) -> Persona:
        # Each piece may be clean while the combination is not: name "Bob @" + "{name}everyone".
        problems: list[str] = []
        for field in ("greetings", "farewells", "dont_know"):
            for index, template in enumerate(getattr(self, field)):
                mention = find_mention(self._fill_line(template, user="someone"))
                if mention:
                    problems.append(
                        f"field `{field}[{index}]`: renders to text containing a mention "
                        f"({mention}); personas may not ping people or roles"
                    )
        if problems:
            raise ModelProblems(problems)
        return self

    # --- rendering -------------------------------------------------------------------------

    def render_system_prompt(self) -> str:
        """The system prompt with every placeholder filled in readable English."""
        return self.system_prompt.format(
            name=self.name,
            description=self.description,
            traits=", ".join(self.traits) if self.traits else "(none listed)",
            style=self.style.describe(),
            boundaries="\n".join(f"- {item}" for item in self.boundaries) or "- (none listed)",
            language=_language_name(self.language),
        )

    def render_line(self, template: str, *, user: str) -> str:
        """Fill ``{user}`` and ``{name}`` in a greeting/farewell/dont_know line.

        ``template`` is validated first (a :class:`PersonaError` if it uses other placeholders).
        ``user`` is inserted verbatim; whatever sends the result must disable mentions, since a
        display name is user-controlled.
        """
        problem = template_problem(template, LINE_PLACEHOLDERS)
        if problem:
            raise PersonaError(f"persona {self.id!r} line", [problem])
        return self._fill_line(template, user=user)

    def _fill_line(self, template: str, *, user: str) -> str:
        return template.format(user=user, name=self.name)

    # --- changes and serialisation ---------------------------------------------------------

    def with_changes(self, **fields: Any) -> Persona:
        """A validated copy with ``fields`` replaced; raises :class:`PersonaError` if invalid.

        Nested settings can be changed one at a time with dotted names, e.g.
        ``p.with_changes(**{"style.emoji": "lots"})``; passing ``style={...}`` replaces the whole
        table. ``None`` clears an optional field (``avatar_url=None``).
        """
        data = self.model_dump()
        for key, value in fields.items():
            head, dot, tail = key.partition(".")
            if dot and isinstance(data.get(head), dict):
                data[head] = {**data[head], tail: value}
            elif dot and head == "llm" and data.get(head) is None:
                data[head] = {tail: value}
            else:
                data[key] = value
        return persona_from_data(data, source=f"persona {self.id!r}")

    def to_toml(self) -> str:
        """A TOML document that :func:`persona.parse_persona` reads back into an equal Persona."""
        data = self.model_dump(exclude_none=True)
        if data.get("llm") == {}:
            del data["llm"]
        header = f"Hearth persona: {self.name} ({self.id})"
        return toml_dumps(data, header_comment=header)


def _language_name(code: str) -> str:
    primary = code.split("-")[0]
    name = _LANGUAGE_NAMES.get(primary)
    if name is None:
        return code
    return name if code == primary else f"{name} ({code})"


def persona_from_data(data: Mapping[str, Any], *, source: str) -> Persona:
    """Validate parsed data (e.g. from TOML) into a Persona, or raise a readable PersonaError."""
    if not isinstance(data, Mapping):
        raise PersonaError(source, [f"expected a table of fields, got {describe_value(data)}"])
    try:
        return Persona.model_validate(dict(data))
    except ValidationError as exc:
        raise PersonaError(source, problems_from_validation_error(exc, Persona)) from None
