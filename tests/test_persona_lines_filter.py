"""Everything a shipped persona says passes Hearth's own output filter."""

from __future__ import annotations

import pytest

from bot.moderation import ModerationFilter, Policy
from persona import load_presets

FILTER = ModerationFilter()


@pytest.mark.parametrize("persona_id", sorted(load_presets()))
@pytest.mark.parametrize("strictness", ["standard", "strict"])
def test_preset_lines_pass_the_output_filter(persona_id: str, strictness: str) -> None:
    persona = load_presets()[persona_id]
    policy = Policy(strictness=strictness)
    lines = [*persona.greetings, *persona.farewells, *persona.dont_know, persona.description]
    for line in lines:
        text = persona.render_line(line, user="Sam") if "{" in line else line
        verdict = FILTER.check_output(text, policy)
        assert verdict.allowed, (persona_id, text, verdict)


def test_ordinary_kind_phrases_are_not_harassment() -> None:
    for text in ("Take gentle care of yourself.", "Be proud of yourself!", "Look after yourself"):
        assert FILTER.check_output(text, Policy()).allowed, text
