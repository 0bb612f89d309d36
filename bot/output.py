"""The output chokepoint: every string Hearth shows passes through :class:`OutputGate`.

Discord adapters pair it with ``AllowedMentions.none()`` so nothing pings; the gate itself
makes sure the text cannot even look like a mass mention, and runs the output filters
(the moderation filter plugs in here) in order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

OutputFilter = Callable[[str], str]

ZWSP = "\u200b"
_MASS_MENTION = re.compile(r"@(everyone|here)\b", re.IGNORECASE)
_ROLE_MENTION = re.compile(r"<@&(\d+)>")


def defuse_mentions(text: str) -> str:
    """Break ``@everyone``/``@here`` and role mentions so they render as plain text."""
    text = _MASS_MENTION.sub(lambda m: f"@{ZWSP}{m.group(1)}", text)
    return _ROLE_MENTION.sub("@role", text)


class OutputGate:
    """Applies the output filters, then defuses mentions; the last word is always ours."""

    def __init__(self, filters: Sequence[OutputFilter] = ()) -> None:
        self._filters = list(filters)

    def add_filter(self, output_filter: OutputFilter) -> None:
        """Run ``output_filter`` on every outgoing text (after the ones added before)."""
        self._filters.append(output_filter)

    def render(self, text: str) -> str:
        """The text as it may be shown in Discord."""
        for output_filter in self._filters:
            text = output_filter(text)
        return defuse_mentions(text)
