"""The stories service: /story tell, saved stories per server, and story circles.

Discord-free: the stories cog parses commands and renders what this returns. Stories are
written by a :class:`StoryWriter`; today that is always the offline generator. The seam for
remote brains (a story streamed in the persona's voice) is :func:`writer_for`.
"""

from __future__ import annotations

import random
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from bot.brain.base import Brain
from bot.content.stories import (
    GENRE_IDS,
    LENGTHS,
    Story,
    StoryError,
    StoryParts,
    generate_story,
    list_genres,
    resolve_genre,
)
from bot.content.story_grammar import grammars
from bot.content.story_prompt import MAX_PROMPT_CHARS, sanitise_prompt
from bot.storage.entertainment_repo import (
    DM_GUILD_ID,
    TWIST_AUTHOR_ID,
    CircleLine,
    NewStory,
    StoredStory,
    StoryCircle,
    StoryRepository,
)
from bot.text_split import split_message

DEFAULT_LENGTH = "medium"
MAX_CIRCLE_LINE_CHARS = 300
TWIST_EVERY = 3  # Hearth adds a twist after this many lines by people
LIST_PAGE_SIZE = 10
MESSAGE_BUDGET = 1900  # under Discord's 2,000 characters, leaving room for the output gate
HEARTH_NAME = "Hearth"

# The order of Hearth's turns in a circle: the helper arrives first, then trouble.
_TWIST_BEATS: tuple[str, ...] = ("helper", "obstacle", "twist", "lowpoint", "journey", "extra")
_CONTROL_RE = re.compile(r"[\u0000-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_WS_RE = re.compile(r"\s+")


class StoryRequestError(ValueError):
    """A story request that cannot be served; the message is safe to show as is."""


@dataclass(frozen=True, slots=True)
class StoryRequest:
    """What a writer needs: genre id, length id and the sanitised prompt."""

    genre: str
    length: str
    prompt: str


class StoryWriter(Protocol):
    """Writes one story. The offline generator today; a brain-backed writer later."""

    async def write(self, request: StoryRequest) -> Story:
        """A titled story for the request."""
        ...


class OfflineStoryWriter:
    """The offline generator (our own story grammars)."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    async def write(self, request: StoryRequest) -> Story:
        """Generate the story; fast (well under 50 ms), so it runs inline."""
        return generate_story(request.genre, request.prompt or None, request.length, self._rng)


def writer_for(brain: Brain | None, rng: random.Random) -> StoryWriter:
    """The writer for a brain.

    Remote brains will get a writer that streams a story in the persona's voice (through the
    conversation engine, with the output filter); until then every brain tells offline stories.
    """
    return OfflineStoryWriter(rng)


@dataclass(frozen=True, slots=True)
class ToldStory:
    """A story told and saved; ``notes`` are things to tell the asker (e.g. a clipped prompt)."""

    story: Story
    story_id: int
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StoryPage:
    """One page of /story list."""

    stories: tuple[StoredStory, ...]
    page: int
    pages: int
    total: int


@dataclass(frozen=True, slots=True)
class CircleAdded:
    """A line added to a circle, and Hearth's twist when it was its turn."""

    line: CircleLine
    twist: CircleLine | None
    circle: StoryCircle


@dataclass(frozen=True, slots=True)
class CircleEnded:
    """A finished circle: the whole story, who wrote it, and its id (None if nothing saved)."""

    title: str
    text: str
    authors: tuple[str, ...]
    story_id: int | None


class StoryService:
    """Everything /story needs, independent of Discord."""

    def __init__(
        self,
        repo: StoryRepository,
        *,
        brain: Brain | None = None,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._repo = repo
        self.rng = rng or random.Random()
        self.writer: StoryWriter = writer_for(brain, self.rng)
        self._clock = clock

    # --- genres -----------------------------------------------------------------------

    def genre_choices(self, typed: str = "") -> list[tuple[str, str]]:
        """(name, id) of the genres matching ``typed`` (for autocomplete)."""
        said = typed.strip().casefold()
        return [
            (f"{g.name} \u2014 {g.blurb}"[:100], g.id)
            for g in list_genres()
            if not said or said in g.id or said in g.name.casefold()
        ]

    def _genre(self, genre: str | None) -> str:
        if genre is None or not genre.strip():
            return self.rng.choice(GENRE_IDS)
        try:
            return resolve_genre(genre[:100])
        except StoryError as exc:
            raise StoryRequestError(str(exc)) from None

    # --- telling ----------------------------------------------------------------------

    async def tell(
        self,
        *,
        guild_id: int | None,
        channel_id: int,
        author_id: int,
        author_name: str,
        genre: str | None = None,
        prompt: str | None = None,
        length: str | None = None,
    ) -> ToldStory:
        """Write a story and save it for the server (for the user, in DMs)."""
        genre_id = self._genre(genre)
        length_id = (length or DEFAULT_LENGTH).strip().lower()
        if length_id not in LENGTHS:
            raise StoryRequestError(
                f"Unknown story length \u201c{sanitise_prompt(length or '')[:20]}\u201d; "
                f"choose {', '.join(LENGTHS)}."
            )
        notes: list[str] = []
        cleaned = ""
        if prompt:
            cleaned = sanitise_prompt(prompt)
            if len(prompt) > MAX_PROMPT_CHARS:
                notes.append(
                    f"Your prompt was {len(prompt):,} characters; I read the first "
                    f"{MAX_PROMPT_CHARS}."
                )
            if not cleaned:
                notes.append("I couldn't find any words in your prompt, so I made everything up.")
        story = await self.writer.write(StoryRequest(genre_id, length_id, cleaned))
        story_id = await self._repo.add(
            NewStory(
                guild_id=_guild(guild_id),
                channel_id=channel_id,
                author_id=author_id,
                author_name=_name(author_name),
                kind="told",
                genre=story.genre,
                length=story.length,
                title=story.title,
                body=story.text,
                prompt=cleaned,
                credits=_name(author_name),
                created_at=self._clock(),
            )
        )
        return ToldStory(story, story_id, tuple(notes))

    # --- saved stories ----------------------------------------------------------------

    async def browse(
        self, guild_id: int | None, *, viewer_id: int, page: int = 1, mine: bool = False
    ) -> StoryPage:
        """A page of the server's stories, newest first (in DMs: the viewer's own)."""
        author = viewer_id if (mine or guild_id is None) else None
        total = await self._repo.count(_guild(guild_id), author_id=author)
        pages = max(1, -(-total // LIST_PAGE_SIZE))
        if page < 1 or page > pages:
            raise StoryRequestError(f"There {_pages(pages)}; ask for page 1 to {pages}.")
        stories = await self._repo.list(
            _guild(guild_id),
            author_id=author,
            limit=LIST_PAGE_SIZE,
            offset=(page - 1) * LIST_PAGE_SIZE,
        )
        return StoryPage(tuple(stories), page, pages, total)

    async def get(self, guild_id: int | None, story_id: int, *, viewer_id: int) -> StoredStory:
        """A saved story of this server; StoryRequestError naming the id when there is none."""
        story = await self._repo.get(_guild(guild_id), _story_id(story_id))
        if story is None or (guild_id is None and story.author_id != viewer_id):
            raise StoryRequestError(
                f"There is no story #{story_id} here. /story list shows the saved ones."
            )
        return story

    async def delete(
        self, guild_id: int | None, story_id: int, *, user_id: int, is_moderator: bool
    ) -> StoredStory:
        """Delete a story: its author (or, for a circle, its starter) or a moderator may."""
        story = await self.get(guild_id, story_id, viewer_id=user_id)
        if story.author_id != user_id and not is_moderator:
            raise StoryRequestError(
                f"Story #{story.id} belongs to {story.author_name}; only they or a moderator "
                "can delete it."
            )
        await self._repo.delete(story.guild_id, story.id)
        return story

    # --- circles ----------------------------------------------------------------------

    async def start_circle(
        self,
        *,
        guild_id: int,
        channel_id: int,
        user_id: int,
        user_name: str,
        genre: str | None = None,
    ) -> StoryCircle:
        """Open a circle in the channel; Hearth writes the opening about an invented cast."""
        existing = await self._repo.circle(channel_id)
        if existing is not None:
            raise StoryRequestError(
                f"A story circle is already going here (\u201c{existing.title}\u201d, started "
                f"by {existing.starter_name}). Add a line with /story circle add, or end it "
                "with /story circle end."
            )
        genre_id = self._genre(genre)
        now = self._clock()
        parts = _parts(genre_id, channel_id, now)
        circle = StoryCircle(
            channel_id=channel_id,
            guild_id=guild_id,
            starter_id=user_id,
            starter_name=_name(user_name),
            genre=genre_id,
            title=parts.title(),
            started_at=now,
        )
        if not await self._repo.start_circle(circle):
            raise StoryRequestError("Someone started a story circle here a moment ago; join in!")
        opening = f"{parts.beat('opening')} {parts.beat('goal')}"
        await self._repo.add_circle_line(
            channel_id, TWIST_AUTHOR_ID, HEARTH_NAME, opening, is_twist=True
        )
        started = await self._repo.circle(channel_id)
        assert started is not None
        return started

    async def add_line(
        self, *, channel_id: int, user_id: int, user_name: str, text: str
    ) -> CircleAdded:
        """Add a person's line; every few lines Hearth adds a twist from the genre's grammar."""
        circle = await self._circle(channel_id)
        line_text = clean_line(text)
        if not line_text:
            raise StoryRequestError("Your line is empty; write a sentence to add to the story.")
        if len(line_text) > MAX_CIRCLE_LINE_CHARS:
            # clean_line reads a bounded prefix; the person should hear their own count.
            clipped = len(text) > MAX_CIRCLE_LINE_CHARS * 8
            length = len(text.strip()) if clipped else len(line_text)
            raise StoryRequestError(
                f"A line can be at most {MAX_CIRCLE_LINE_CHARS} characters; yours has "
                f"{length:,}. Split it with someone else!"
            )
        people = [line for line in circle.lines if not line.is_twist]
        if people and people[-1].author_id == user_id:
            raise StoryRequestError(
                "You wrote the last line; let someone else add the next one (that's the circle!)."
            )
        line = await self._repo.add_circle_line(
            channel_id, user_id, _name(user_name), line_text, is_twist=False
        )
        since = 0
        for earlier in reversed(circle.lines):
            if earlier.is_twist:
                break
            since += 1
        twist = None
        if since + 1 >= TWIST_EVERY:
            twists = sum(1 for x in circle.lines if x.is_twist) - 1  # the opening is not one
            paragraph = _parts(circle.genre, channel_id, circle.started_at).beat(
                *_twist_beat(circle.genre, twists)
            )
            twist = await self._repo.add_circle_line(
                channel_id, TWIST_AUTHOR_ID, HEARTH_NAME, paragraph, is_twist=True
            )
        updated = await self._circle(channel_id)
        return CircleAdded(line, twist, updated)

    async def circle(self, channel_id: int) -> StoryCircle | None:
        """The channel's open circle, if any."""
        return await self._repo.circle(channel_id)

    async def end_circle(self, *, channel_id: int, user_id: int, is_moderator: bool) -> CircleEnded:
        """End the circle (its starter or a moderator): Hearth writes the ending, and the
        whole story is saved with its authors. A circle nobody added to is not saved."""
        circle = await self._circle(channel_id)
        if circle.starter_id != user_id and not is_moderator:
            raise StoryRequestError(
                f"Only {circle.starter_name} (who started this circle) or a moderator can end "
                "it. Keep adding lines!"
            )
        authors = tuple(dict.fromkeys(x.author_name for x in circle.lines if not x.is_twist))
        if not authors:
            await self._repo.finish_circle(channel_id, None)
            return CircleEnded(circle.title, "", (), None)
        ending = _parts(circle.genre, channel_id, circle.started_at).beat("ending")
        text = circle_text((*circle.lines,), ending)
        story_id = await self._repo.finish_circle(
            channel_id,
            NewStory(
                guild_id=circle.guild_id,
                channel_id=channel_id,
                author_id=circle.starter_id,
                author_name=circle.starter_name,
                kind="circle",
                genre=circle.genre,
                title=circle.title,
                body=text,
                credits=", ".join(authors)[:1000],
                created_at=self._clock(),
            ),
        )
        return CircleEnded(circle.title, text, authors, story_id)

    async def _circle(self, channel_id: int) -> StoryCircle:
        circle = await self._repo.circle(channel_id)
        if circle is None:
            raise StoryRequestError(
                "There's no story circle in this channel. Start one with /story circle start."
            )
        return circle


# --- text helpers ---------------------------------------------------------------------------


def clean_line(text: str) -> str:
    """A person's circle line: normalised, without control or invisible characters."""
    text = unicodedata.normalize("NFC", text[: MAX_CIRCLE_LINE_CHARS * 8])
    text = _CONTROL_RE.sub(" ", text)
    return _WS_RE.sub(" ", text).strip()


def circle_text(lines: tuple[CircleLine, ...], ending: str) -> str:
    """The circle as one story: Hearth's paragraphs apart, people's lines run together."""
    paragraphs: list[str] = []
    run: list[str] = []
    for line in lines:
        if line.is_twist:
            if run:
                paragraphs.append(" ".join(run))
                run = []
            paragraphs.append(line.text)
        else:
            run.append(line.text)
    if run:
        paragraphs.append(" ".join(run))
    paragraphs.append(ending)
    return "\n\n".join(paragraphs)


def story_pages(title: str, body: str, *, header: str = "", footer: str = "") -> list[str]:
    """A story as Discord messages of at most ~1,900 characters, cut between paragraphs."""
    head = f"\U0001f4d6 **{title}**" + (f"\n-# {header}" if header else "")
    text = f"{head}\n\n{body}" + (f"\n\n-# {footer}" if footer else "")
    return split_message(text, MESSAGE_BUDGET)


def _twist_beat(genre: str, twists_so_far: int) -> tuple[str, int]:
    """Which beat (and which draw of it) Hearth's next twist is."""
    beats = [b for b in _TWIST_BEATS if b != "extra" or _has_extras(genre)]
    return beats[twists_so_far % len(beats)], twists_so_far // len(beats)


def _has_extras(genre: str) -> bool:
    return bool(grammars()[2][genre].beats.extra)


def _parts(genre: str, channel_id: int, started_at: float) -> StoryParts:
    return StoryParts(genre, f"circle:{channel_id}:{started_at!r}")


def _guild(guild_id: int | None) -> int:
    return DM_GUILD_ID if guild_id is None else guild_id


def _name(name: str) -> str:
    return clean_line(name)[:100] or "someone"


def _story_id(story_id: int) -> int:
    if isinstance(story_id, bool) or not isinstance(story_id, int) or story_id < 1:
        raise StoryRequestError(f"Story ids are whole numbers from 1; {story_id!r} isn't one.")
    if story_id >= 2**63:
        raise StoryRequestError(f"There is no story #{story_id}.")
    return story_id


def _pages(pages: int) -> str:
    return "is 1 page" if pages == 1 else f"are {pages} pages"
