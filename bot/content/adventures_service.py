"""The adventures service: starting, playing (solo clicks or party votes), resuming, quitting.

Discord-free. A run's state lives in the AdventureRepository after every choice, so a
restart loses nothing: buttons carry (run id, step, choice) and are checked against the
stored step. Party votes are stored too; the first vote of a scene starts its timer
(``vote_seconds``) and the cog calls :meth:`AdventureService.close_vote` when it runs out.

Improvised adventures (a remote brain writes each scene as JSON) come later; the seam is
:class:`SceneImproviser` and the reserved name :data:`IMPROVISED`.
"""

from __future__ import annotations

import difflib
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

from bot.content.adventures import (
    Adventure,
    AdventureRun,
    AdventureStateError,
    Scene,
    VoteResult,
    load_adventures,
    tally_votes,
)
from bot.storage.entertainment_repo import (
    ADVENTURE_MODES,
    DM_GUILD_ID,
    AdventureMode,
    AdventureRepository,
    AdventureRunRecord,
    NewAdventureRun,
)

DEFAULT_VOTE_SECONDS = 30.0
IMPROVISED = "improvised"


class AdventureRequestError(ValueError):
    """A request that cannot be served; the message is safe to show as is."""


class SceneImproviser(Protocol):
    """The seam for improvised adventures: a brain that writes the next scene.

    An implementation asks the model for JSON (scene text and 2-4 choices), validates it
    with the pydantic ``Scene`` model, retries invalid output once and otherwise ends the
    adventure gracefully. Not implemented yet: Hearth runs the built-in adventures only.
    """

    async def next_scene(self, adventure: Adventure, run: AdventureRun) -> Scene:
        """The scene that follows the run's last choice."""
        ...


@dataclass(frozen=True, slots=True)
class RunView:
    """A run and what to show for it: the adventure, the current scene and its votes."""

    record: AdventureRunRecord
    adventure: Adventure
    run: AdventureRun
    votes: tuple[int, ...] = ()

    @property
    def scene(self) -> Scene:
        """The scene the players are looking at."""
        return self.run.current_scene

    @property
    def step(self) -> int:
        """How many choices were made; names the current vote."""
        return self.record.step

    @property
    def over(self) -> bool:
        """Whether the adventure reached an ending."""
        return self.run.is_over


PressKind = Literal["advanced", "voted", "stale", "not_yours", "elsewhere", "over"]


@dataclass(frozen=True, slots=True)
class Press:
    """The outcome of a button press.

    - ``advanced``: a solo choice was made; ``view`` shows the new scene;
    - ``voted``: a party vote was counted; ``view`` holds the counts, ``deadline`` when the
      vote closes (unix seconds);
    - ``stale``: the button belongs to a scene already left behind;
    - ``elsewhere``: the adventure continues in a newer message;
    - ``not_yours``: someone else's solo adventure;
    - ``over``: the adventure ended or was quit.
    """

    kind: PressKind
    view: RunView | None = None
    deadline: float | None = None
    chosen: str = ""


@dataclass(frozen=True, slots=True)
class VoteClosed:
    """A party vote that was decided: the result, the winning label and the new scene."""

    result: VoteResult
    labels: tuple[str, ...]
    view: RunView
    previous_message_id: int | None

    @property
    def chosen(self) -> str:
        """The label of the winning choice."""
        return self.labels[self.result.winner]


class AdventureService:
    """Everything /adventure needs, independent of Discord."""

    def __init__(
        self,
        repo: AdventureRepository,
        *,
        adventures: Mapping[str, Adventure] | None = None,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.time,
        vote_seconds: float = DEFAULT_VOTE_SECONDS,
    ) -> None:
        self._repo = repo
        self._adventures = dict(adventures if adventures is not None else load_adventures())
        self.rng = rng or random.Random()
        self._clock = clock
        self.vote_seconds = vote_seconds

    # --- the catalogue ----------------------------------------------------------------

    def catalogue(self) -> list[Adventure]:
        """The built-in adventures, by title."""
        return sorted(self._adventures.values(), key=lambda a: a.title)

    def choices(self, typed: str = "") -> list[tuple[str, str]]:
        """(title, id) of adventures whose id or title contains ``typed`` (autocomplete)."""
        said = typed.strip().casefold()
        return [
            (a.title[:100], a.id)
            for a in self.catalogue()
            if not said or said in a.id or said in a.title.casefold()
        ]

    def find(self, name: str | None) -> Adventure:
        """An adventure by id or title (loosely); a random one when ``name`` is empty."""
        if name is None or not name.strip():
            return self.rng.choice(self.catalogue())
        said = " ".join(name[:100].split()).casefold()
        if said == IMPROVISED:
            raise AdventureRequestError(
                "Improvised adventures need a remote brain (an LLM), and I'm running offline. "
                f"Try one of mine: {self._names()}."
            )
        for adventure in self._adventures.values():
            if said in (adventure.id, adventure.title.casefold()):
                return adventure
        partial = [a for a in self.catalogue() if said in a.title.casefold()]
        if len(partial) == 1:
            return partial[0]
        keys = {a.id: a for a in self._adventures.values()}
        keys.update({a.title.casefold(): a for a in self._adventures.values()})
        close = difflib.get_close_matches(said, list(keys), n=3, cutoff=0.5)
        suggestions = list(dict.fromkeys(keys[c].title for c in close))
        hint = f" Did you mean {' or '.join(suggestions)}?" if suggestions else ""
        shown = "".join(ch for ch in name[:40] if ch.isprintable() and ch not in "<>@`*_|~")
        raise AdventureRequestError(
            f"I don't know an adventure called \u201c{shown}\u201d.{hint} "
            f"Adventures: {self._names()}."
        )

    def _names(self) -> str:
        return ", ".join(f"{a.title} ({a.id})" for a in self.catalogue())

    # --- playing ----------------------------------------------------------------------

    async def start(
        self,
        *,
        guild_id: int | None,
        channel_id: int,
        user_id: int,
        user_name: str,
        name: str | None = None,
        mode: str = "solo",
    ) -> RunView:
        """Begin an adventure: solo (only the starter plays) or party (the channel votes)."""
        if mode not in ADVENTURE_MODES:
            raise AdventureRequestError(f"Mode must be solo or party, not \u201c{mode[:20]}\u201d.")
        if mode == "party" and guild_id is None:
            raise AdventureRequestError("Party adventures need a server channel; play solo here.")
        adventure = self.find(name)
        checked: AdventureMode = "party" if mode == "party" else "solo"
        existing = await self._repo.active(
            channel_id, starter_id=None if checked == "party" else user_id
        )
        if existing is not None:
            raise AdventureRequestError(self._busy(existing))
        run = AdventureRun.start(adventure)
        record = await self._repo.create(
            NewAdventureRun(
                guild_id=DM_GUILD_ID if guild_id is None else guild_id,
                channel_id=channel_id,
                starter_id=user_id,
                starter_name=" ".join(user_name.split())[:100] or "someone",
                adventure_id=adventure.id,
                mode=checked,
                state=run.to_json(),
            )
        )
        if record is None:  # someone else was quicker
            raced = await self._repo.active(
                channel_id, starter_id=None if checked == "party" else user_id
            )
            raise AdventureRequestError(self._busy(raced) if raced else "Try again in a moment.")
        return RunView(record, adventure, run)

    def _busy(self, record: AdventureRunRecord) -> str:
        title = self._title(record.adventure_id)
        if record.mode == "party":
            return (
                f"This channel already has a party adventure going (\u201c{title}\u201d). "
                "Join in with its buttons, /adventure resume to show it again, or "
                "/adventure quit to stop it."
            )
        return (
            f"You're already playing \u201c{title}\u201d here. /adventure resume shows it "
            "again; /adventure quit stops it."
        )

    def _title(self, adventure_id: str) -> str:
        adventure = self._adventures.get(adventure_id)
        return adventure.title if adventure else adventure_id

    async def view(self, run_id: int) -> RunView | None:
        """The run with its current scene and votes; None when it is gone or unreadable."""
        record = await self._repo.get(run_id)
        if record is None:
            return None
        return await self._view(record)

    async def _view(self, record: AdventureRunRecord) -> RunView | None:
        try:
            run = AdventureRun.from_json(record.state, self._adventures)
        except AdventureStateError:
            return None  # the adventure changed shape since the run was saved
        counts: tuple[int, ...] = ()
        if record.mode == "party" and not run.is_over:
            votes = await self._repo.votes(record.id, record.step)
            tally = [0] * len(run.current_scene.choices)
            for choice in votes.values():
                if 0 <= choice < len(tally):
                    tally[choice] += 1
            counts = tuple(tally)
        return RunView(record, run.adventure, run, counts)

    async def press(
        self, *, run_id: int, step: int, choice: int, user_id: int, message_id: int | None
    ) -> Press:
        """A choice button was pressed; see :class:`Press` for the outcomes."""
        record = await self._repo.get(run_id)
        if record is None or record.status != "active":
            return Press("over")
        if record.mode == "solo" and record.starter_id != user_id:
            return Press("not_yours", await self._view(record))
        if step != record.step:
            return Press("stale")
        if (
            message_id is not None
            and record.message_id is not None
            and message_id != record.message_id
        ):
            return Press("elsewhere", await self._view(record))
        view = await self._view(record)
        if view is None:
            await self._repo.set_status(run_id, "quit")
            return Press("over")
        choices = view.scene.choices
        if not 0 <= choice < len(choices):
            return Press("stale")
        if record.mode == "solo":
            run = view.run
            run.choose(choice)
            saved = await self._repo.advance(
                run_id, from_step=step, state=run.to_json(), finished=run.is_over
            )
            if saved is None:
                return Press("stale")
            return Press(
                "advanced", RunView(saved, view.adventure, run), chosen=choices[choice].label
            )
        counted = await self._repo.vote(
            run_id, step, user_id, choice, deadline=self._clock() + self.vote_seconds
        )
        if counted is None:
            return Press("stale")
        votes, deadline = counted
        tally = [0] * len(choices)
        for voted in votes.values():
            tally[voted] += 1
        return Press(
            "voted",
            RunView(record, view.adventure, view.run, tuple(tally)),
            deadline=deadline,
            chosen=choices[choice].label,
        )

    async def close_vote(self, run_id: int, step: int) -> VoteClosed | None:
        """Decide the vote of ``step``: majority wins, ties are broken at random.

        None when there is nothing to decide (the run moved on, ended, or has no votes).
        """
        record = await self._repo.get(run_id)
        if record is None or record.status != "active" or record.step != step:
            return None
        votes = await self._repo.votes(run_id, step)
        view = await self._view(record)
        if view is None or not votes:
            return None
        labels = tuple(c.label for c in view.scene.choices)
        valid = {user: c for user, c in votes.items() if 0 <= c < len(labels)}
        result = tally_votes(valid, len(labels), self.rng)
        run = view.run
        run.choose(result.winner)
        saved = await self._repo.advance(
            run_id, from_step=step, state=run.to_json(), finished=run.is_over
        )
        if saved is None:
            return None
        return VoteClosed(result, labels, RunView(saved, view.adventure, run), record.message_id)

    async def open_votes(self) -> list[AdventureRunRecord]:
        """Party runs whose vote is counting down (to finish after a restart)."""
        return await self._repo.open_votes()

    async def shown_in(self, run_id: int, message_id: int | None) -> None:
        """Remember the message that now shows the run's scene."""
        await self._repo.set_message(run_id, message_id)

    async def find_run(self, *, channel_id: int, user_id: int) -> RunView | None:
        """The user's solo run here, else the channel's party run (for resume and quit)."""
        for starter in (user_id, None):
            record = await self._repo.active(channel_id, starter_id=starter)
            if record is not None:
                view = await self._view(record)
                if view is not None:
                    return view
                await self._repo.set_status(record.id, "quit")
        return None

    async def quit(self, *, channel_id: int, user_id: int, is_moderator: bool) -> RunView:
        """Stop the user's solo run here, or the channel's party run (starter or moderator)."""
        view = await self.find_run(channel_id=channel_id, user_id=user_id)
        if view is None:
            raise AdventureRequestError(
                "You have no adventure going in this channel. /adventure start begins one."
            )
        record = view.record
        if record.mode == "party" and record.starter_id != user_id and not is_moderator:
            raise AdventureRequestError(
                f"Only {record.starter_name} (who started this party adventure) or a "
                "moderator can stop it. You can simply stop voting!"
            )
        await self._repo.set_status(record.id, "quit")
        return view
