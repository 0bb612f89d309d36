"""The jokes service: telling, voting, the server's top jokes, the teen setting and knock-knocks.

Discord-free: the jokes cog turns commands and buttons into calls here and renders the
results. History, votes and the per-guild setting live in the JokeRepository; knock-knock
exchanges in progress are kept in memory (they last a minute or two; a restart simply ends
them).
"""

from __future__ import annotations

import random
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from bot.content.jokes import (
    CATEGORIES,
    Joke,
    JokeBank,
    KnockKnock,
    as_plain,
    load_joke_bank,
)
from bot.content.jokes_model import CATEGORY_BY_KEY, DEFAULT_RATINGS, RATINGS, JokeKind, Rating
from bot.content.story_prompt import sanitise_prompt
from bot.storage.entertainment_repo import DM_GUILD_ID, JokeRepository, JokeTally
from bot.storage.repositories import AuditRepository

KNOCK_TTL = 300.0  # seconds a knock-knock waits for "Who's there?" before it lapses
MAX_ABOUT_CHARS = 100
MAX_TOP = 25
_SHOWN_TOPIC_CHARS = 60
_CONSUMED_MEMORY = 500  # message ids remembered as "answered by the knock-knock"

TEEN_RATINGS: tuple[Rating, ...] = RATINGS


class JokeError(ValueError):
    """A joke request that cannot be served; the message is safe to show as is."""


@dataclass(frozen=True, slots=True)
class JokeTelling:
    """A joke chosen for someone, with an honest note when it is not quite what they asked."""

    joke: Joke
    category_title: str
    tally: JokeTally
    note: str | None = None

    @property
    def is_knock_knock(self) -> bool:
        """Knock-knock jokes are told as a back-and-forth instead of with a Reveal button."""
        return self.joke.kind == "knockknock"


@dataclass(frozen=True, slots=True)
class KnockReply:
    """What Hearth says next in a knock-knock exchange; ``done`` after the punchline."""

    text: str
    done: bool
    joke: Joke


@dataclass
class _Knock:
    game: KnockKnock
    expires: float


class JokeService:
    """Everything /joke needs, independent of Discord."""

    def __init__(
        self,
        repo: JokeRepository,
        audit: AuditRepository,
        bank: JokeBank | None = None,
        *,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.monotonic,
        knock_ttl: float = KNOCK_TTL,
    ) -> None:
        self._repo = repo
        self._audit = audit
        self.bank = bank or load_joke_bank()
        self.rng = rng or random.Random()
        self._clock = clock
        self._knock_ttl = knock_ttl
        self._knocks: dict[tuple[int, int], _Knock] = {}
        self._consumed: OrderedDict[int, None] = OrderedDict()

    # --- telling ----------------------------------------------------------------------

    def category_choices(self, typed: str = "") -> list[tuple[str, str]]:
        """(title, key) of the categories whose name contains ``typed`` (for autocomplete)."""
        said = typed.strip().casefold()
        present = set(self.bank.categories())
        return [
            (c.title, c.key)
            for c in CATEGORIES
            if c.key in present
            and (not said or said in c.key or said in c.title.casefold() or _alias(c.key, said))
        ]

    async def ratings_for(self, guild_id: int | None) -> tuple[Rating, ...]:
        """The ratings allowed where the joke is told (teen only where a moderator said so)."""
        if guild_id is None:
            return DEFAULT_RATINGS
        return TEEN_RATINGS if await self._repo.allows_teen(guild_id) else DEFAULT_RATINGS

    async def tell(
        self,
        *,
        user_id: int,
        guild_id: int | None,
        category: str | None = None,
        about: str | None = None,
    ) -> JokeTelling:
        """Pick a joke the user has not heard in this cycle and remember it.

        Raises JokeError for an unknown category (with suggestions) or when nothing fits.
        """
        scope = self._category(category)
        topic = _clean_topic(about)
        seen = await self._repo.seen(user_id, scope)
        ratings = await self.ratings_for(guild_id)
        if scope is not None and not self.bank.jokes(scope, ratings):
            raise JokeError(
                f"I have no {CATEGORY_BY_KEY[scope].title.lower()} jokes that are allowed here."
            )
        # A plain /joke is a question with a punchline behind Reveal; one-liners and
        # knock-knocks (which need the asker to play along) come when asked for.
        kinds: tuple[JokeKind, ...] | None = ("qa",) if scope is None and not topic else None
        pick = self.bank.pick(
            category=scope,
            about=topic,
            seen_ids=seen,
            allow_ratings=ratings,
            kinds=kinds,
            rng=self.rng,
        )
        await self._repo.record_seen(
            user_id,
            pick.joke.id,
            pick.joke.category,
            restart=pick.cycle_restarted,
            scope=pick.scope,
        )
        title = CATEGORY_BY_KEY[pick.joke.category].title
        kind = joke_noun(pick.joke.category)
        note = None
        if topic and not pick.about_matched:
            shown = topic[:_SHOWN_TOPIC_CHARS]
            if pick.about_exhausted:
                note = (
                    f"You've heard all my jokes about \u201c{shown}\u201d lately \u2014 "
                    f"here's {_article(kind)} {kind} instead."
                )
            else:
                note = (
                    f"I don't have one about \u201c{shown}\u201d \u2014 "
                    f"here's {_article(kind)} {kind}."
                )
        elif pick.cycle_restarted and scope is not None:
            note = f"You've heard all my {kind}s, so I'm starting over!"
        tally = await self._repo.tally(_guild(guild_id), pick.joke.id)
        return JokeTelling(pick.joke, title, tally, note)

    def joke(self, joke_id: str) -> Joke:
        """The joke with this id; JokeError when the bank no longer has it."""
        try:
            return self.bank.by_id(joke_id)
        except KeyError:
            raise JokeError("That joke isn't in my joke bank any more.") from None

    def _category(self, category: str | None) -> str | None:
        if category is None or not category.strip() or category.strip().lower() == "any":
            return None
        try:
            return self.bank.find_category(category[:MAX_ABOUT_CHARS])
        except ValueError as exc:  # UnknownCategoryError
            suggestions = getattr(exc, "suggestions", [])
            hint = f" Did you mean {', '.join(suggestions)}?" if suggestions else ""
            known = ", ".join(self.bank.categories())
            shown = sanitise_prompt(category)[:40] or "that"
            raise JokeError(
                f"I don't know the joke category \u201c{shown}\u201d.{hint} Categories: {known}."
            ) from None

    # --- votes and the top list -------------------------------------------------------

    async def vote(self, guild_id: int | None, joke_id: str, user_id: int, up: bool) -> JokeTally:
        """Record (or change) the user's vote on a joke; one vote per user per joke."""
        joke = self.joke(joke_id)
        return await self._repo.vote(_guild(guild_id), joke.id, user_id, 1 if up else -1)

    async def tally(self, guild_id: int | None, joke_id: str) -> JokeTally:
        """The joke's votes where it was told."""
        return await self._repo.tally(_guild(guild_id), self.joke(joke_id).id)

    async def top(self, guild_id: int | None, *, limit: int = 10) -> list[tuple[Joke, JokeTally]]:
        """The best-rated jokes of the server (allowed ratings only), best first."""
        if not 1 <= limit <= MAX_TOP:
            raise JokeError(f"The top list shows 1 to {MAX_TOP} jokes, not {limit}.")
        ratings = await self.ratings_for(guild_id)
        # Fetch extra rows: jokes no longer shown here (removed, or teen) are skipped.
        rows = await self._repo.top(_guild(guild_id), limit=limit * 3)
        best: list[tuple[Joke, JokeTally]] = []
        for tally in rows:
            try:
                joke = self.bank.by_id(tally.joke_id)
            except KeyError:
                continue
            if joke.rating in ratings:
                best.append((joke, tally))
        return best[:limit]

    # --- settings ---------------------------------------------------------------------

    async def allows_teen(self, guild_id: int) -> bool:
        """Whether teen-rated jokes are enabled in the guild."""
        return await self._repo.allows_teen(guild_id)

    async def set_edgy(self, guild_id: int, actor_id: int, allow: bool) -> bool:
        """Enable or disable teen-rated jokes (a moderator's choice, audited).

        Returns whether the setting changed.
        """
        before = await self._repo.allows_teen(guild_id)
        await self._repo.set_allows_teen(guild_id, allow)
        await self._audit.record(guild_id, actor_id, "jokes.edgy", {"edgy": allow})
        return before != allow

    # --- knock-knock ------------------------------------------------------------------

    def start_knock(self, channel_id: int, user_id: int, joke: Joke) -> str:
        """Begin a knock-knock exchange with the user in the channel; returns the first line."""
        game = KnockKnock(joke)
        self._knocks[(channel_id, user_id)] = _Knock(game, self._clock() + self._knock_ttl)
        return game.start()

    def pending_knock(self, channel_id: int, user_id: int) -> KnockKnock | None:
        """The knock-knock joke waiting for this user's next line in this channel, if any."""
        self._expire()
        knock = self._knocks.get((channel_id, user_id))
        return knock.game if knock is not None else None

    def claims(self, channel_id: int, user_id: int, message_id: int | None = None) -> bool:
        """True when the jokes cog answers this message (a line of a knock-knock exchange).

        The chat cog asks this first so that it does not answer the same message too. It
        holds whether the jokes cog has already consumed the message or not.
        """
        if message_id is not None and message_id in self._consumed:
            return True
        return self.pending_knock(channel_id, user_id) is not None

    def hear(
        self, channel_id: int, user_id: int, text: str, message_id: int | None = None
    ) -> KnockReply | None:
        """The user's line in an exchange; Hearth's answer, or None when none is pending."""
        game = self.pending_knock(channel_id, user_id)
        if game is None:
            return None
        if message_id is not None:
            self._consumed[message_id] = None
            while len(self._consumed) > _CONSUMED_MEMORY:
                self._consumed.popitem(last=False)
        answer = game.hear(text)
        if game.done or answer is None:
            del self._knocks[(channel_id, user_id)]
        else:
            self._knocks[(channel_id, user_id)].expires = self._clock() + self._knock_ttl
        return KnockReply(answer or "", game.done, game.joke)

    def _expire(self) -> None:
        now = self._clock()
        for key in [k for k, v in self._knocks.items() if v.expires <= now]:
            del self._knocks[key]


# --- rendering (plain text; the cog adds buttons) -------------------------------------------

REVEAL_HINT = "*(press Reveal for the punchline)*"


def render_joke(telling_or_joke: JokeTelling | Joke, *, revealed: bool, tally: JokeTally) -> str:
    """The joke's message text: category, setup, punchline (or the hint), note and votes."""
    if isinstance(telling_or_joke, JokeTelling):
        joke, note = telling_or_joke.joke, telling_or_joke.note
    else:
        joke, note = telling_or_joke, None
    title = CATEGORY_BY_KEY[joke.category].title
    lines = [note] if note else []
    lines.append(f"\U0001f0cf *{title}*")
    if joke.kind == "oneliner":
        lines.append(joke.setup)
    elif joke.kind == "knockknock":
        lines.append(as_plain(joke) if revealed else "Knock, knock!")
    else:
        lines.append(joke.setup)
        lines.append(f"**{joke.punchline}**" if revealed else REVEAL_HINT)
    lines.append(render_tally(tally))
    return "\n".join(lines)


def render_tally(tally: JokeTally) -> str:
    """The vote line under a joke."""
    return f"-# \U0001f44d {tally.up} \u00b7 \U0001f44e {tally.down}"


def needs_reveal(joke: Joke) -> bool:
    """Whether the joke has a punchline to hide behind the Reveal button."""
    return joke.kind == "qa"


# What one joke of a category is called in a sentence ("here's a riddle").
_NOUNS = {
    "puns": "pun",
    "dad-jokes": "dad joke",
    "animals": "animal joke",
    "one-liners": "one-liner",
    "riddles": "riddle",
    "knock-knock": "knock-knock joke",
}


def joke_noun(category: str) -> str:
    """One joke of the category, as a noun phrase without an article ("pun", "food joke")."""
    return _NOUNS.get(category, f"{category.replace('-', ' ')} joke")


def _guild(guild_id: int | None) -> int:
    return DM_GUILD_ID if guild_id is None else guild_id


def _alias(key: str, said: str) -> bool:
    return any(said in alias for alias in CATEGORY_BY_KEY[key].aliases)


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _clean_topic(about: str | None) -> str | None:
    if about is None:
        return None
    cleaned = sanitise_prompt(about[: MAX_ABOUT_CHARS * 4])[:MAX_ABOUT_CHARS].strip()
    return cleaned or None
