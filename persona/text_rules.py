"""Text-level rules shared by every persona field: mentions, control characters, templates.

Each check returns an explanation (a string) when the text breaks the rule and ``None`` when it
is fine, so the model can turn the explanation into a validation error at the right field path.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable

from rapidfuzz import fuzz, process, utils

# Characters that render as nothing but would split "@everyone" for a naive substring check.
# Unicode category Cf (format: ZWSP, ZWJ, word joiner, BOM, soft hyphen, bidi marks...) covers most;
# variation selectors are category Mn, so they are listed explicitly.
_VARIATION_SELECTORS = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")

# After NFKC the fullwidth "＠" and small "﹫" become "@" and fullwidth digits become ASCII.
# No word boundary at the end: Discord's parser pings "@everyoneelse" too, and case is
# ignored to stay on the safe side of any client quirk.
_MASS_MENTION = re.compile(r"@(everyone|here)", re.IGNORECASE)
_TARGETED_MENTION = re.compile(r"<@[!&]?\d+>")

SYSTEM_PROMPT_PLACEHOLDERS: tuple[str, ...] = (
    "name",
    "description",
    "traits",
    "style",
    "boundaries",
    "language",
)
LINE_PLACEHOLDERS: tuple[str, ...] = ("user", "name")


def normalise_for_mentions(text: str) -> str:
    """Fold ``text`` the way a determined prankster's input would look to Discord's parser.

    NFKC maps look-alike forms (fullwidth @, fullwidth digits) to plain ASCII, and invisible
    characters are dropped so "@\u200beveryone" cannot slip past the check.
    """
    folded = unicodedata.normalize("NFKC", text)
    folded = "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")
    return _VARIATION_SELECTORS.sub("", folded)


def find_mention(text: str) -> str | None:
    """Return the first Discord mention hidden in ``text`` (normalised), or ``None``."""
    folded = normalise_for_mentions(text)
    mass = _MASS_MENTION.search(folded)
    if mass:
        return "@" + mass.group(1).lower()
    targeted = _TARGETED_MENTION.search(folded)
    if targeted:
        return targeted.group(0)
    return None


def mention_problem(text: str) -> str | None:
    """Explain why ``text`` may not be used, if it contains a mass or targeted mention."""
    mention = find_mention(text)
    if mention is None:
        return None
    return f"contains a mention ({mention}); personas may not ping people or roles"


def control_char_problem(text: str, *, multiline: bool) -> str | None:
    """Explain a stray control character (or a line break in a single-line field)."""
    for ch in text:
        if ch in "\n\r" and not multiline:
            return "must be a single line (contains a line break)"
        if ch in "\n\t" or (ch == "\r" and multiline):
            continue
        if unicodedata.category(ch) == "Cc":
            return f"contains a control character (U+{ord(ch):04X}); remove it"
    return None


def _braces(names: Iterable[str]) -> str:
    return ", ".join("{" + name + "}" for name in names)


def template_problem(template: str, allowed: tuple[str, ...]) -> str | None:
    """Explain why ``template`` is not a valid template over ``allowed`` placeholders.

    Only bare ``{name}`` placeholders are accepted: attribute access, indexing, conversions and
    format specs are refused so that rendering can never reach anything but the given values.
    """
    allowed_text = f"allowed placeholders: {_braces(allowed)}"
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        reason = str(exc).replace("Single", "single").replace("expected", "missing")
        return f"broken braces ({reason}); write {{{{ and }}}} for literal braces; {allowed_text}"
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        suffix = (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
        shown = "{" + field + suffix + "}"
        if field == "":
            return f"empty placeholder {{}}; {allowed_text}"
        if field not in allowed:
            hint = ""
            match = process.extractOne(
                field, allowed, scorer=fuzz.ratio, processor=utils.default_process
            )
            if match is not None and match[1] >= 70:
                hint = f" (did you mean {{{match[0]}}}?)"
            return f"unknown placeholder {shown}{hint}; {allowed_text}"
        if conversion or spec:
            return f"placeholder {shown} may not have a format spec; write just {{{field}}}"
    return None
