"""Tests for the choose-your-own-adventure engine (bot/content/adventures.py) and its content."""

from __future__ import annotations

import json
import random
from collections import Counter, deque
from pathlib import Path
from typing import Any

import pytest

from bot.content.adventures import (
    DATA_DIR,
    MAX_LABEL_CHARS,
    MAX_SCENE_CHARS,
    Adventure,
    AdventureError,
    AdventureRun,
    AdventureStateError,
    load_adventure_file,
    load_adventures,
    load_adventures_from,
    tally_votes,
    validate_adventure,
)

SHIPPED = load_adventures()


def make(scenes: dict[str, Any], start: str = "a") -> Adventure:
    """A small adventure from a compact description: {id: [gotos] or ending kind}."""
    data: dict[str, Any] = {}
    for sid, spec in scenes.items():
        if isinstance(spec, str):
            data[sid] = {"text": f"Scene {sid}.", "ending": {"kind": spec, "title": sid}}
        else:
            data[sid] = {
                "text": f"Scene {sid}.",
                "choices": [{"label": f"Go to {g}", "goto": g} for g in spec],
            }
    return Adventure.model_validate(
        {"id": "tiny", "title": "Tiny", "description": "A test.", "start": start, "scenes": data}
    )


def path_to_ending(adv: Adventure, start: str, ending: str) -> list[int]:
    """Choice indices of a shortest path from ``start`` to ``ending`` (BFS)."""
    prev: dict[str, tuple[str, int] | None] = {start: None}
    queue = deque([start])
    while queue:
        sid = queue.popleft()
        if sid == ending:
            break
        for i, choice in enumerate(adv.scenes[sid].choices):
            if choice.goto not in prev:
                prev[choice.goto] = (sid, i)
                queue.append(choice.goto)
    steps: list[int] = []
    node = ending
    while (link := prev[node]) is not None:
        node, index = link
        steps.append(index)
    return steps[::-1]


# --- the shipped adventures -----------------------------------------------------------------


def test_at_least_three_shipped_adventures() -> None:
    assert len(SHIPPED) >= 3
    assert load_adventures() == SHIPPED
    # Cached: the same objects come back, not a fresh parse.
    assert next(iter(load_adventures().values())) is next(iter(SHIPPED.values()))


@pytest.mark.parametrize("adv_id", sorted(SHIPPED))
def test_shipped_adventure_is_sound(adv_id: str) -> None:
    adv = SHIPPED[adv_id]
    assert validate_adventure(adv) == []
    assert len(adv.scenes) >= 20
    endings = adv.endings
    assert len(endings) >= 3
    kinds = {e.ending.kind for e in endings if e.ending}
    assert "good" in kinds and len(kinds) >= 3
    for scene in adv.scenes.values():
        assert len(scene.text) <= MAX_SCENE_CHARS
        assert "{" not in scene.text and "@" not in scene.text
        for choice in scene.choices:
            assert len(choice.label) <= MAX_LABEL_CHARS


@pytest.mark.parametrize("adv_id", sorted(SHIPPED))
def test_every_ending_can_be_played_to(adv_id: str) -> None:
    adv = SHIPPED[adv_id]
    for ending in adv.endings:
        run = AdventureRun.start(adv)
        for index in path_to_ending(adv, adv.start, ending.id):
            assert not run.is_over
            run.choose(index)
        assert run.is_over and run.current_scene.id == ending.id
        assert run.ending == ending.ending


@pytest.mark.parametrize("adv_id", sorted(SHIPPED))
def test_random_play_always_ends(adv_id: str) -> None:
    adv = SHIPPED[adv_id]
    rng = random.Random(1)
    for _ in range(200):
        run = AdventureRun.start(adv)
        for _ in range(500):
            if run.is_over:
                break
            run.choose(rng.randrange(len(run.current_scene.choices)))
        assert run.is_over


# --- the validator --------------------------------------------------------------------------


def test_validator_accepts_a_loop_with_an_exit() -> None:
    adv = make({"a": ["b"], "b": ["a", "end"], "end": "good"})
    assert validate_adventure(adv) == []


def test_validator_catches_an_unreachable_scene() -> None:
    adv = make({"a": ["end"], "lonely": ["end"], "end": "good"})
    problems = validate_adventure(adv)
    assert any("unreachable" in p and "lonely" in p for p in problems), problems


def test_validator_catches_a_dangling_goto() -> None:
    adv = make({"a": ["end", "nowhere"], "end": "good"})
    problems = validate_adventure(adv)
    assert any("missing scene 'nowhere'" in p for p in problems), problems


def test_validator_catches_a_trap_cycle() -> None:
    adv = make({"a": ["b", "end"], "b": ["c"], "c": ["b"], "end": "good"})
    problems = validate_adventure(adv)
    assert any("no ending can be reached" in p and "b, c" in p for p in problems), problems


def test_validator_catches_an_ending_with_choices() -> None:
    adv = make({"a": ["end"], "end": "good"})
    scenes = dict(adv.scenes)
    scenes["end"] = scenes["end"].model_copy(update={"choices": adv.scenes["a"].choices})
    problems = validate_adventure(adv.model_copy(update={"scenes": scenes}))
    assert any("is an ending but has 1 choice" in p for p in problems), problems


def test_validator_catches_choice_counts_labels_and_start() -> None:
    adv = make({"a": ["end"] * 5, "b": [], "end": "good"}, start="a")
    problems = validate_adventure(adv)
    assert any("has 5 choices; expected 1-4" in p for p in problems), problems
    assert any("'b' has no choices and is not an ending" in p for p in problems), problems
    assert any("twice" in p for p in problems), problems
    assert any(
        "start scene 'zzz' does not exist" in p
        for p in validate_adventure(adv.model_copy(update={"start": "zzz"}))
    )
    assert "no ending scene" in " ".join(validate_adventure(make({"a": ["a"]})))


# --- loading files ----------------------------------------------------------------------------


def write_json(path: Path, adv: Adventure) -> None:
    path.write_text(adv.model_dump_json(), encoding="utf-8")


def test_json_files_load_and_toml_ids_fill_in(tmp_path: Path) -> None:
    adv = make({"a": ["end"], "end": "funny"})
    write_json(tmp_path / "tiny.json", adv)
    (tmp_path / "other.toml").write_text(
        'id = "other"\ntitle = "Other"\ndescription = "d"\nstart = "s"\n'
        '[scenes.s]\ntext = "Hi."\nchoices = [{ label = "Bye", goto = "e" }]\n'
        '[scenes.e]\ntext = "Bye."\nending = { kind = "good", title = "Done" }\n'
    )
    loaded = load_adventures_from(tmp_path)
    assert loaded["tiny"] == adv
    assert loaded["other"].scenes["e"].id == "e"


def test_bad_files_fail_with_a_clear_message(tmp_path: Path) -> None:
    data = json.loads(make({"a": ["end"], "end": "good"}).model_dump_json())
    data["scenes"]["a"]["choices"][0]["label"] = "x" * 81
    path = tmp_path / "long.json"
    path.write_text(json.dumps(data))
    with pytest.raises(AdventureError, match=r"long\.json.*scenes\.a\.choices\.0\.label"):
        load_adventure_file(path)

    data["scenes"]["a"]["choices"][0]["label"] = "fine"
    data["scenes"]["a"]["choices"][0]["goto"] = "gone"
    path.write_text(json.dumps(data))
    with pytest.raises(AdventureError, match="missing scene 'gone'"):
        load_adventure_file(path)

    (tmp_path / "broken.toml").write_text("id = [")
    with pytest.raises(AdventureError, match="cannot read"):
        load_adventure_file(tmp_path / "broken.toml")


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    adv = make({"a": ["end"], "end": "good"})
    write_json(tmp_path / "one.json", adv)
    write_json(tmp_path / "two.json", adv)
    with pytest.raises(AdventureError, match="used twice"):
        load_adventures_from(tmp_path)


def test_shipped_directory_is_the_default() -> None:
    assert set(load_adventures_from(DATA_DIR)) == set(SHIPPED)


# --- runs -----------------------------------------------------------------------------------


def test_run_round_trips_through_json_and_plays_to_an_ending() -> None:
    adv = SHIPPED["lighthouse"]
    ending = next(e for e in adv.endings if e.ending and e.ending.kind == "good")
    steps = path_to_ending(adv, adv.start, ending.id)
    run = AdventureRun.start(adv)
    for index in steps:
        saved = run.to_json()
        restored = AdventureRun.from_json(saved)
        assert restored == run
        assert json.loads(saved)["adventure"] == "lighthouse"
        run = restored
        run.choose(index)
    assert run.is_over and run.ending is not None and run.ending.kind == "good"
    final = AdventureRun.from_json(run.to_json(), SHIPPED)
    assert final.is_over and final.history == run.history
    with pytest.raises(AdventureStateError, match="is over"):
        final.choose(0)


def test_choose_rejects_bad_indices() -> None:
    run = AdventureRun.start(SHIPPED["pie"])
    n = len(run.current_scene.choices)
    for bad in (-1, n, True, "1"):
        with pytest.raises(AdventureStateError, match=r"choice|index"):
            run.choose(bad)  # type: ignore[arg-type]
    assert run.history == [] and run.scene_id == "start"


def test_from_json_refuses_bad_state() -> None:
    run = AdventureRun.start(SHIPPED["marmalade"])
    run.choose(0)
    data = json.loads(run.to_json())
    with pytest.raises(AdventureStateError, match="not valid"):
        AdventureRun.from_json("{not json")
    with pytest.raises(AdventureStateError, match="unknown adventure 'nope'"):
        AdventureRun.from_json(json.dumps({**data, "adventure": "nope"}))
    with pytest.raises(AdventureStateError, match="start again"):
        AdventureRun.from_json(json.dumps({**data, "scene": "end_home"}))
    tampered = {**data, "history": [{"scene": "nebula", "choice": 0}]}
    with pytest.raises(AdventureStateError, match="no longer matches"):
        AdventureRun.from_json(json.dumps(tampered))


# --- party votes ----------------------------------------------------------------------------


def test_tally_majority_wins() -> None:
    result = tally_votes({1: 0, 2: 2, 3: 2, 4: 1}, 3, random.Random(0))
    assert result.winner == 2 and not result.tie and result.tied_choices == ()
    assert result.counts == (1, 1, 2) and result.total == 4


def test_tally_ties_are_broken_at_random_and_reported() -> None:
    winners = Counter()
    for seed in range(200):
        result = tally_votes({"a": 0, "b": 1, "c": 3}, 4, random.Random(seed))
        assert result.tie and result.tied_choices == (0, 1, 3)
        assert result.winner in result.tied_choices
        winners[result.winner] += 1
    assert set(winners) == {0, 1, 3}


def test_tally_with_no_votes_picks_any_choice() -> None:
    result = tally_votes({}, 2, random.Random(3))
    assert result.counts == (0, 0) and result.tie and result.winner in (0, 1)
    single = tally_votes({}, 1, random.Random(3))
    assert single.winner == 0 and not single.tie


def test_tally_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="from 7 is for choice 3"):
        tally_votes({7: 3}, 3, random.Random(0))
    with pytest.raises(ValueError, match="n_choices"):
        tally_votes({}, 0, random.Random(0))
