"""The labelled set (tests/data/moderation_labelled.jsonl) must pass 100%.

Each line is {"text", "expected", "category", "group"} with an optional "strictness"
(standard otherwise). Test ids carry only the line number and group, never the text.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot.moderation import ModerationFilter, Policy, detect_manipulation

DATA = Path(__file__).parent / "data" / "moderation_labelled.jsonl"
GROUPS = {
    "safe",
    "mild",
    "obfuscated",
    "scunthorpe",
    "distress",
    "sad-not-crisis",
    "manipulation",
}
SEVERE_PREFIX = "severe-"


def _load() -> list[tuple[int, dict[str, Any]]]:
    lines = DATA.read_text(encoding="utf-8").splitlines()
    return [(number, json.loads(line)) for number, line in enumerate(lines, start=1)]


LINES = _load()


@pytest.fixture(scope="module")
def moderation() -> ModerationFilter:
    return ModerationFilter()


def test_the_set_is_big_and_balanced_enough() -> None:
    groups = Counter(item["group"] for _, item in LINES)
    assert len(LINES) >= 400
    assert groups["obfuscated"] >= 60
    assert groups["scunthorpe"] >= 40
    assert groups["distress"] >= 40
    assert groups["sad-not-crisis"] >= 40
    assert groups["manipulation"] >= 20
    assert all(g in GROUPS or g.startswith(SEVERE_PREFIX) for g in groups), groups


def test_every_line_is_well_formed() -> None:
    for number, item in LINES:
        assert set(item) <= {"text", "expected", "category", "group", "strictness"}, number
        assert isinstance(item["text"], str) and item["text"], number
        assert item["expected"] in ("allow", "block", "care"), number
        assert item.get("strictness", "standard") in ("relaxed", "standard", "strict"), number
        if item["expected"] != "allow":
            assert item["category"], number


def _shown(item: dict[str, Any], verdict_text: str) -> str:
    # Offensive lines are shown masked in failure messages.
    if item["group"].startswith(SEVERE_PREFIX) or item["group"] == "obfuscated":
        return verdict_text
    return item["text"]


@pytest.mark.parametrize(
    "number,item", LINES, ids=[f"line{number}-{item['group']}" for number, item in LINES]
)
def test_labelled_line(moderation: ModerationFilter, number: int, item: dict[str, Any]) -> None:
    policy = Policy(strictness=item.get("strictness", "standard"))
    verdict = moderation.check_input(item["text"], policy)
    shown = _shown(item, verdict.masked_excerpt())
    assert verdict.verdict == item["expected"], (
        f"line {number} ({item['group']}): expected {item['expected']}, got "
        f"{verdict.verdict} ({verdict.category}) for {shown!r}"
    )
    if item["expected"] != "allow":
        assert verdict.category == item["category"], f"line {number}: {verdict.category}"
    # The full analysis without shortcuts agrees.
    assert moderation.check_thoroughly(item["text"], policy) == verdict
    label = detect_manipulation(item["text"])
    if item["group"] == "manipulation":
        assert label is not None, f"line {number}: no manipulation detected in {shown!r}"
    else:
        assert label is None, f"line {number}: false manipulation {label!r} in {shown!r}"
