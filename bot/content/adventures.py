"""Choose-your-own-adventure engine: adventure files, their validator, run state and party votes.

An adventure is a graph of scenes (``data/adventures/*.toml`` or ``*.json``). Each scene has
text and 1-4 choices (button labels), or is an ending with a kind and a title. The validator
proves that a player can never get stuck: every scene is reachable, every choice leads
somewhere, and an ending can be reached from every scene (loops are fine if they have an exit).

``AdventureRun`` is the pure state of one play-through (adventure id, current scene, choices
made); it round-trips through JSON so the caller can keep it in SQLite across restarts.
``tally_votes`` decides a party-mode vote.
"""

from __future__ import annotations

import functools
import json
import random
import tomllib
from collections import deque
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

DATA_DIR = Path(__file__).parent / "data" / "adventures"

MAX_SCENE_CHARS = 1500
MAX_LABEL_CHARS = 80  # Discord's button label limit
MIN_CHOICES, MAX_CHOICES = 1, 4

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
EndingKind = Literal["good", "bad", "funny", "secret"]


class AdventureError(ValueError):
    """An adventure file is missing, malformed or fails validation."""


class AdventureStateError(ValueError):
    """A saved run cannot be restored, or a choice cannot be made."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Choice(_Model):
    """One button: its label and the id of the scene it leads to."""

    label: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_LABEL_CHARS)
    ]
    goto: Id


class Ending(_Model):
    """What kind of ending a final scene is, and its title ("The Keeper of the Light")."""

    kind: EndingKind
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]


class Scene(_Model):
    """A page of the adventure: text, then choices, or an ending."""

    id: Id
    text: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_SCENE_CHARS)
    ]
    choices: tuple[Choice, ...] = ()
    ending: Ending | None = None

    @property
    def is_ending(self) -> bool:
        """Whether this scene ends the adventure."""
        return self.ending is not None


class Adventure(_Model):
    """A whole adventure. In files, scenes are a table keyed by id (the id may be omitted)."""

    id: Id
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    description: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)
    ]
    start: Id
    scenes: Annotated[dict[str, Scene], Field(min_length=1)]

    @model_validator(mode="before")
    @classmethod
    def _scene_ids_from_keys(cls, data: Any) -> Any:
        # Files key scenes by id; copying the key in keeps each scene self-describing.
        if isinstance(data, dict) and isinstance(data.get("scenes"), dict):
            scenes = {}
            for key, scene in data["scenes"].items():
                if isinstance(scene, dict) and "id" not in scene:
                    scene = {**scene, "id": key}
                scenes[key] = scene
            data = {**data, "scenes": scenes}
        return data

    @model_validator(mode="after")
    def _keys_match_ids(self) -> Adventure:
        for key, scene in self.scenes.items():
            if scene.id != key:
                raise ValueError(f"scene keyed {key!r} has id {scene.id!r}; they must match")
        return self

    @property
    def endings(self) -> list[Scene]:
        """The ending scenes, in file order."""
        return [s for s in self.scenes.values() if s.is_ending]


# --- validation ----------------------------------------------------------------------------


def _reachable(start: str, edges: Mapping[str, list[str]]) -> set[str]:
    seen = {start}
    queue = deque([start])
    while queue:
        for nxt in edges.get(queue.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def validate_adventure(adv: Adventure) -> list[str]:
    """Return every structural problem with ``adv`` (an empty list means it is playable).

    Checks: the start scene exists; no choice leads to a missing scene; every scene is
    reachable from the start; endings have no choices and other scenes have 1-4 choices with
    distinct labels; and an ending is reachable from every scene, so that a loop can never
    trap the player.
    """
    problems: list[str] = []
    scenes = adv.scenes
    if adv.start not in scenes:
        problems.append(f"start scene {adv.start!r} does not exist")
    forward: dict[str, list[str]] = {}
    for sid, scene in scenes.items():
        n = len(scene.choices)
        if scene.is_ending and n:
            problems.append(f"scene {sid!r} is an ending but has {n} choice(s); endings have none")
        if not scene.is_ending and not MIN_CHOICES <= n <= MAX_CHOICES:
            if n == 0:
                problems.append(f"scene {sid!r} has no choices and is not an ending (a dead end)")
            else:
                problems.append(f"scene {sid!r} has {n} choices; expected 1-{MAX_CHOICES}")
        labels: set[str] = set()
        for choice in scene.choices:
            folded = choice.label.casefold()
            if folded in labels:
                problems.append(f"scene {sid!r} has the choice label {choice.label!r} twice")
            labels.add(folded)
            if choice.goto not in scenes:
                problems.append(
                    f"scene {sid!r} choice {choice.label!r} goes to missing scene {choice.goto!r}"
                )
        forward[sid] = [c.goto for c in scene.choices if c.goto in scenes]

    if adv.start in scenes:
        unreachable = sorted(set(scenes) - _reachable(adv.start, forward))
        if unreachable:
            problems.append(f"scenes unreachable from the start: {', '.join(unreachable)}")

    endings = [sid for sid, s in scenes.items() if s.is_ending]
    if not endings:
        problems.append("the adventure has no ending scene")
    else:
        backward: dict[str, list[str]] = {}
        for sid, targets in forward.items():
            for target in targets:
                backward.setdefault(target, []).append(sid)
        can_finish: set[str] = set()
        for sid in endings:
            can_finish |= _reachable(sid, backward)
        trapped = sorted(set(scenes) - can_finish)
        if trapped:
            problems.append(
                "no ending can be reached from these scenes (a loop or path with no way out): "
                + ", ".join(trapped)
            )
    return problems


# --- loading -------------------------------------------------------------------------------


def _read(path: Path) -> object:
    try:
        if path.suffix == ".json":
            return json.loads(path.read_text(encoding="utf-8"))
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, ValueError) as exc:  # TOMLDecodeError and JSONDecodeError are ValueErrors
        raise AdventureError(f"cannot read adventure file {path}: {exc}") from exc


def load_adventure_file(path: Path) -> Adventure:
    """Load one adventure file (TOML or JSON) and validate it; raise AdventureError if bad."""
    try:
        adventure = Adventure.model_validate(_read(path))
    except ValidationError as exc:
        details = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'file'}: {err['msg']}"
            for err in exc.errors()
        )
        raise AdventureError(f"adventure file {path} is invalid: {details}") from exc
    problems = validate_adventure(adventure)
    if problems:
        raise AdventureError(f"adventure file {path} has problems:\n- " + "\n- ".join(problems))
    return adventure


def load_adventures_from(directory: Path) -> dict[str, Adventure]:
    """Load every ``*.toml`` and ``*.json`` adventure in ``directory`` (uncached)."""
    adventures: dict[str, Adventure] = {}
    paths = sorted([*directory.glob("*.toml"), *directory.glob("*.json")])
    for path in paths:
        adventure = load_adventure_file(path)
        if adventure.id in adventures:
            raise AdventureError(f"adventure id {adventure.id!r} in {path} is used twice")
        adventures[adventure.id] = adventure
    return adventures


@functools.cache
def _shipped() -> tuple[tuple[str, Adventure], ...]:
    return tuple(load_adventures_from(DATA_DIR).items())


def load_adventures() -> dict[str, Adventure]:
    """The shipped adventures by id, validated; files are read once per process."""
    return dict(_shipped())


# --- a play-through ------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One choice made: in which scene, and the index of the chosen button."""

    scene: str
    choice: int


class _StepModel(_Model):
    scene: Id
    choice: Annotated[int, Field(ge=0, lt=MAX_CHOICES)]


class _RunModel(_Model):
    version: Literal[1] = 1
    adventure: Id
    scene: Id
    history: list[_StepModel] = []


@dataclass
class AdventureRun:
    """The state of one play-through. ``choose`` advances it; JSON keeps it across restarts."""

    adventure: Adventure
    scene_id: str
    history: list[Step] = field(default_factory=list)

    @classmethod
    def start(cls, adventure: Adventure) -> AdventureRun:
        """A new run at the adventure's start scene."""
        return cls(adventure, adventure.start)

    @property
    def adventure_id(self) -> str:
        """The id of the adventure being played."""
        return self.adventure.id

    @property
    def current_scene(self) -> Scene:
        """The scene the player is looking at."""
        return self.adventure.scenes[self.scene_id]

    @property
    def is_over(self) -> bool:
        """Whether the run has reached an ending."""
        return self.current_scene.is_ending

    @property
    def ending(self) -> Ending | None:
        """The ending reached, if the run is over."""
        return self.current_scene.ending

    def choose(self, index: int) -> Scene:
        """Take choice ``index`` (0-based) of the current scene and return the new scene."""
        scene = self.current_scene
        if scene.is_ending:
            raise AdventureStateError(
                f"the adventure {self.adventure_id!r} is over (ending {scene.id!r}); "
                "start a new run to play again"
            )
        if isinstance(index, bool) or not isinstance(index, int):
            raise AdventureStateError(f"choice must be an integer index, got {index!r}")
        if not 0 <= index < len(scene.choices):
            raise AdventureStateError(
                f"scene {scene.id!r} has {len(scene.choices)} choice(s); "
                f"index {index} is out of range 0-{len(scene.choices) - 1}"
            )
        self.history.append(Step(scene.id, index))
        self.scene_id = scene.choices[index].goto
        return self.current_scene

    def to_json(self) -> str:
        """Serialise the run (adventure id, scene, history) to a compact JSON string."""
        model = _RunModel(
            adventure=self.adventure_id,
            scene=self.scene_id,
            history=[_StepModel(scene=s.scene, choice=s.choice) for s in self.history],
        )
        return model.model_dump_json()

    @classmethod
    def from_json(
        cls, data: str | bytes, adventures: Mapping[str, Adventure] | None = None
    ) -> AdventureRun:
        """Restore a run saved by ``to_json``; ``adventures`` defaults to the shipped ones.

        The history is replayed against the adventure, so a run saved before the adventure's
        structure changed is refused with AdventureStateError rather than resumed wrongly.
        """
        try:
            model = _RunModel.model_validate_json(data)
        except ValidationError as exc:
            raise AdventureStateError(f"saved adventure run is not valid: {exc}") from exc
        pool = load_adventures() if adventures is None else adventures
        adventure = pool.get(model.adventure)
        if adventure is None:
            raise AdventureStateError(
                f"saved run is for unknown adventure {model.adventure!r}; "
                f"known: {', '.join(sorted(pool)) or 'none'}"
            )
        run = cls.start(adventure)
        for step in model.history:
            if step.scene != run.scene_id:
                raise AdventureStateError(
                    f"saved run of {adventure.id!r} no longer matches the adventure "
                    f"(expected scene {run.scene_id!r}, saved {step.scene!r}); start again"
                )
            run.choose(step.choice)
        if run.scene_id != model.scene:
            raise AdventureStateError(
                f"saved run of {adventure.id!r} ends at {model.scene!r} but its choices lead "
                f"to {run.scene_id!r}; start again"
            )
        return run


# --- party mode ----------------------------------------------------------------------------


@dataclass(frozen=True)
class VoteResult:
    """The outcome of a vote: the winning choice, votes per choice, and any tie."""

    winner: int
    counts: tuple[int, ...]
    tie: bool
    tied_choices: tuple[int, ...]

    @property
    def total(self) -> int:
        """How many votes were cast."""
        return sum(self.counts)


def tally_votes(votes: Mapping[Hashable, int], n_choices: int, rng: random.Random) -> VoteResult:
    """Count one vote per user; the most-voted choice wins and ties are broken with ``rng``.

    ``votes`` maps user id -> chosen index (0-based). With no votes at all, every choice is
    tied at zero and one is picked at random. ``tied_choices`` lists the tied indices when
    ``tie`` is true and is empty otherwise. Raises ValueError for an index out of range.
    """
    if isinstance(n_choices, bool) or not isinstance(n_choices, int) or n_choices < 1:
        raise ValueError(f"n_choices must be a positive integer, got {n_choices!r}")
    counts = [0] * n_choices
    for user, index in votes.items():
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < n_choices:
            raise ValueError(
                f"vote from {user!r} is for choice {index!r}; expected 0-{n_choices - 1}"
            )
        counts[index] += 1
    top = max(counts)
    leaders = tuple(i for i, c in enumerate(counts) if c == top)
    tie = len(leaders) > 1
    winner = rng.choice(leaders) if tie else leaders[0]
    return VoteResult(winner, tuple(counts), tie, leaders if tie else ())
