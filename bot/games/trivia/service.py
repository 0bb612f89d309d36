"""The trivia service: games per channel, the server's question pool, stats and packs.

Discord-free: the trivia cog turns slash commands, button presses and messages into calls
here and renders what comes back (events through a `TriviaTable`, records, or a
`TriviaError` whose message is already written for the person who acted).

- One game per channel. Running games live in memory (with their timers) and in the
  database, so a restart ends them cleanly: `Services.open` runs `open()`, which marks the
  games left running as interrupted (their points stay) for the cog to announce.
- A server's pool is the shipped bank plus its moderators' packs (cached until a pack
  changes). With the online source enabled, Open Trivia DB questions are tried first and
  the local pool is the fallback, with a short notice.
- Time (timers, pauses) comes from `time`, a `GameTime`; tests swap in `ScaledTime`.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time as time_module
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from bot.games.trivia.bank import CategoryStats, QuestionBank, load_bank
from bot.games.trivia.categories import BY_KEY, rank_categories
from bot.games.trivia.events import ActionRejected, Event
from bot.games.trivia.game import TriviaGame
from bot.games.trivia.models import Question
from bot.games.trivia.opentdb import OpenTDBClient, OpenTDBError
from bot.games.trivia.packs import (
    MAX_PACKS_PER_GUILD,
    PackError,
    TextCheck,
    merged_pool,
    pack_format,
    pack_name,
    stored_questions,
    validate_pack,
)
from bot.games.trivia.session import DEFAULT_REVEAL_PAUSE, Session, SessionInfo, TriviaTable
from bot.games.trivia.settings import GameSettings, SettingsError, make_settings
from bot.games.trivia.timing import GameTime, RealTime
from bot.storage.trivia_repo import (
    GameAlreadyRunningError,
    InterruptedGame,
    LeaderboardPage,
    NewTriviaGame,
    PlayerStats,
    TriviaRepository,
)

log = logging.getLogger(__name__)

Period = Literal["week", "month", "all"]
PERIODS: dict[str, float | None] = {"week": 7 * 86400.0, "month": 30 * 86400.0, "all": None}
PERIOD_NAMES = {"week": "the last 7 days", "month": "the last 30 days", "all": "all time"}

DEFAULT_TIMER = 20  # seconds per question when the starter does not choose
RECENT_GAMES = 10  # questions of this many recent games are not asked again soon
ONLINE_TIMEOUT = 6.0
ONLINE_FALLBACK = (
    "Open Trivia DB isn't answering right now, so these questions come from my own bank."
)
ONLINE_SETTING = "trivia_online"  # HEARTH_TRIVIA_ONLINE


class TriviaError(Exception):
    """A request that cannot be done; the message is written for the person who asked."""


class GameBusyError(TriviaError):
    """The channel already has a game; carries a link to it when one is known."""

    def __init__(self, message: str, pointer: str | None = None) -> None:
        self.pointer = pointer
        super().__init__(message)


class OptionsError(TriviaError):
    """Bad /trivia start options; `suggestions` holds category guesses."""

    def __init__(self, problems: Sequence[str], suggestions: Sequence[str] = ()) -> None:
        self.problems = list(problems)
        self.suggestions = list(suggestions)
        text = "\n".join(f"- {_sentence(p)}" for p in self.problems)
        super().__init__(f"I can't start that game:\n{text}")


class NoGameError(TriviaError):
    """No game is running in the channel."""


class NotAllowedError(TriviaError):
    """Only the starter or a moderator may do that."""


@dataclass(frozen=True, slots=True, kw_only=True)
class StartRequest:
    """/trivia start, as typed (validated by the service)."""

    guild_id: int
    channel_id: int
    user_id: int
    user_name: str
    category: str | None = None
    difficulty: str | None = None
    rounds: int | None = None
    mode: str | None = None
    timer: int | None = None


@dataclass(frozen=True, slots=True)
class CategoryChoice:
    """An autocomplete suggestion: what the person sees, and the value sent back."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class PackSummary:
    """A pack as /trivia pack list shows it."""

    name: str
    questions: int
    author_id: int
    updated_at: float
    categories: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PackAdded:
    """The outcome of /trivia pack add."""

    name: str
    questions: int
    replaced: bool
    categories: tuple[str, ...]


class TriviaService:
    """Trivia for every server (see the module docstring)."""

    def __init__(
        self,
        repo: TriviaRepository,
        *,
        check_text: TextCheck,
        online: OpenTDBClient | None = None,
        time: GameTime | None = None,
        reveal_pause: float = DEFAULT_REVEAL_PAUSE,
        clock: Callable[[], float] = time_module.time,
        rng: random.Random | None = None,
        game_settings: dict[str, Any] | None = None,
    ) -> None:
        self.repo = repo
        self.check_text = check_text
        self.online = online
        self.time: GameTime = time or RealTime()
        self.reveal_pause = reveal_pause
        # Extra GameSettings for every new game (silence_limit, scoreboard_every, ...).
        self.game_settings: dict[str, Any] = dict(game_settings or {})
        self._clock = clock
        self._rng = rng or random.Random()
        self._sessions: dict[int, Session] = {}
        self._starting: set[int] = set()
        self._pools: dict[int, QuestionBank] = {}
        self._interrupted: list[InterruptedGame] = []

    @classmethod
    async def open(
        cls, repo: TriviaRepository, check_text: TextCheck, settings: Any
    ) -> TriviaService:
        """The service for a starting bot: games left running by the last run are ended."""
        online = OpenTDBClient() if getattr(settings, ONLINE_SETTING, False) else None
        service = cls(repo, check_text=check_text, online=online)
        service._interrupted = await repo.interrupt_running()
        return service

    async def close(self) -> None:
        """Stop every game's timers (the games stay "running" in storage, so the next start
        ends them with a message) and close the online client."""
        sessions = list(self._sessions.values())
        self._sessions.clear()
        await asyncio.gather(*(s.cancel() for s in sessions), return_exceptions=True)
        if self.online is not None:
            await self.online.aclose()

    def take_interrupted(self) -> list[InterruptedGame]:
        """Games a restart ended, to announce once in their channels."""
        games, self._interrupted = self._interrupted, []
        return games

    # --- running games ----------------------------------------------------------------------

    def is_running(self, channel_id: int) -> bool:
        """True while a game is running (or starting) in the channel."""
        return channel_id in self._sessions or channel_id in self._starting

    def claims_message(self, channel_id: int) -> bool:
        """True when a typed-mode game is running in the channel: its messages are answers,
        so chat should not reply to them."""
        session = self._sessions.get(channel_id)
        return session is not None and session.info.mode == "typed"

    def session(self, channel_id: int) -> Session | None:
        """The channel's running game, if any."""
        return self._sessions.get(channel_id)

    async def start(self, request: StartRequest, table: TriviaTable) -> Session:
        """Validate the options, pick the questions, store the game and start it.

        Raises GameBusyError, OptionsError or TriviaError (e.g. no questions left).
        """
        self._refuse_if_busy(request.channel_id)
        self._starting.add(request.channel_id)
        try:
            pool = await self.pool(request.guild_id)
            settings = self._settings(pool, request)
            questions, notice = await self._questions(request.guild_id, pool, settings)
            game = TriviaGame(settings, questions, clock=self.time.now, rng=self._rng)
            try:
                game_id = await self.repo.create_game(
                    NewTriviaGame(
                        guild_id=request.guild_id,
                        channel_id=request.channel_id,
                        starter_id=request.user_id,
                        starter_name=request.user_name,
                        total=game.total,
                        settings=asdict(settings),
                    )
                )
            except GameAlreadyRunningError:
                raise GameBusyError(
                    "A trivia game is already running in this channel. Join in, or ask its "
                    "starter or a moderator to /trivia stop it."
                ) from None
            info = SessionInfo(
                game_id=game_id,
                guild_id=request.guild_id,
                channel_id=request.channel_id,
                starter_id=request.user_id,
                starter_name=request.user_name,
                mode=settings.mode,
                notice=notice,
            )
            session = Session(
                info,
                game,
                table,
                self.repo,
                self.time,
                reveal_pause=self.reveal_pause,
                on_done=self._forget,
            )
            self._sessions[request.channel_id] = session
        finally:
            self._starting.discard(request.channel_id)
        session.begin()
        return session

    def _refuse_if_busy(self, channel_id: int) -> None:
        if channel_id in self._starting:
            raise GameBusyError("A trivia game is starting in this channel right now. Join in!")
        session = self._sessions.get(channel_id)
        if session is None:
            return
        game = session.game
        if game.is_over:
            raise GameBusyError("A game just ended here; give me a second to post the results.")
        number = game.current_number
        where = f"question {number} of {game.total}" if number else f"{game.total} questions"
        pointer = session.table.pointer()
        link = f" Jump to it: {pointer}" if pointer else ""
        raise GameBusyError(
            f"A trivia game is already running here ({where}, started by "
            f"{session.info.starter_name}).{link} Join in, or ask "
            f"{session.info.starter_name} or a moderator to `/trivia stop` it first.",
            pointer,
        )

    def _settings(self, pool: QuestionBank, request: StartRequest) -> GameSettings:
        options: dict[str, Any] = dict(self.game_settings)
        options["mode"] = request.mode or "buttons"
        options["timer"] = request.timer if request.timer is not None else DEFAULT_TIMER
        if request.difficulty is not None:
            options["difficulty"] = request.difficulty
        if request.rounds is not None:
            options["rounds"] = request.rounds
        try:
            return make_settings(pool, category=request.category, **options)
        except SettingsError as exc:
            raise OptionsError(exc.problems, exc.suggestions) from None

    async def _questions(
        self, guild_id: int, pool: QuestionBank, settings: GameSettings
    ) -> tuple[list[Question], str | None]:
        recent = await self.repo.recent_question_ids(guild_id, games=RECENT_GAMES)
        notice: str | None = None
        online: list[Question] = []
        if self.online is not None:
            try:
                online = await asyncio.wait_for(
                    self.online.fetch(settings.rounds, settings.category, settings.difficulty),
                    ONLINE_TIMEOUT,
                )
            except (OpenTDBError, TimeoutError) as exc:
                log.info("Open Trivia DB unavailable, using the local bank: %s", exc)
                notice = ONLINE_FALLBACK
        online = online[: settings.rounds]
        taken = {q.id for q in online}
        local = (
            pool.sample(
                settings.rounds - len(online),
                settings.category,
                settings.difficulty,
                exclude_ids=frozenset(recent) | taken,
                rng=self._rng,
            )
            if len(online) < settings.rounds
            else []
        )
        return [*online, *local], notice

    def _forget(self, session: Session) -> None:
        if self._sessions.get(session.info.channel_id) is session:
            del self._sessions[session.info.channel_id]

    def _running(self, channel_id: int) -> Session:
        session = self._sessions.get(channel_id)
        if session is None or session.game.is_over:
            raise NoGameError(
                "There's no trivia game running in this channel. Start one with `/trivia start`."
            )
        return session

    def choose(
        self, channel_id: int, game_id: int, number: int, user_id: int, name: str, option: int
    ) -> list[Event]:
        """A button press: option 0-3 for question `number` of game `game_id`."""
        session = self._sessions.get(channel_id)
        if session is None or session.info.game_id != game_id or session.game.is_over:
            return [
                ActionRejected(user_id, "that game is over; start a new one with /trivia start")
            ]
        if session.game.current_number != number:
            return [ActionRejected(user_id, "that question is closed; answer the newest one")]
        return session.act(lambda: session.game.choose(user_id, name, option))

    def guess(self, channel_id: int, user_id: int, name: str, text: str) -> list[Event]:
        """A message in a typed-mode game's channel; [] when no typed game is running."""
        session = self._sessions.get(channel_id)
        if session is None or session.info.mode != "typed" or session.game.is_over:
            return []
        return session.act(lambda: session.game.guess(user_id, name, text))

    def hint(self, channel_id: int, user_id: int) -> list[Event]:
        """The hint for the open question (anyone playing may ask; points halve)."""
        session = self._running(channel_id)
        return session.act(lambda: session.game.hint(user_id))

    def skip(self, channel_id: int, user_id: int, *, moderator: bool) -> list[Event]:
        """Reveal the open question without points (the starter or a moderator)."""
        session = self._running(channel_id)
        self._check_in_charge(session, user_id, moderator, "skip questions")
        return session.act(lambda: session.game.skip(user_id))

    def stop(self, channel_id: int, user_id: int, name: str, *, moderator: bool) -> list[Event]:
        """End the game now, keeping the points (the starter or a moderator)."""
        session = self._running(channel_id)
        self._check_in_charge(session, user_id, moderator, "stop this game")
        session.info.stopped_by = name
        return session.act(lambda: session.game.stop(user_id))

    @staticmethod
    def _check_in_charge(session: Session, user_id: int, moderator: bool, what: str) -> None:
        if user_id != session.info.starter_id and not moderator:
            raise NotAllowedError(
                f"Only {session.info.starter_name} (who started the game) or a moderator can "
                f"{what}."
            )

    # --- pool and categories ----------------------------------------------------------------

    async def pool(self, guild_id: int) -> QuestionBank:
        """The server's questions: the shipped bank plus its packs."""
        pool = self._pools.get(guild_id)
        if pool is None:
            packs = await self.repo.packs(guild_id)
            pool = merged_pool(
                load_bank(),
                ((p.name, stored_questions(p.questions, source=p.name)) for p in packs),
            )
            self._pools[guild_id] = pool
        return pool

    async def categories(self, guild_id: int) -> list[CategoryStats]:
        """The server's categories with question counts."""
        return (await self.pool(guild_id)).categories()

    async def category_choices(
        self, guild_id: int, typed: str, limit: int = 25
    ) -> list[CategoryChoice]:
        """Autocomplete for the category option: matches first, then fuzzy look-alikes."""
        pool = await self.pool(guild_id)
        counts = {c.key: c.total for c in pool.categories()}
        keys = rank_categories(typed, frozenset(counts))
        choices = [
            CategoryChoice(f"{BY_KEY[k].emoji} {BY_KEY[k].name} ({counts[k]} questions)", k)
            for k in keys
        ]
        if not typed.strip() or "any".startswith(typed.strip().lower()):
            choices.insert(0, CategoryChoice(f"🎲 Any category ({len(pool)} questions)", "any"))
        return choices[:limit]

    # --- stats ------------------------------------------------------------------------------

    async def leaderboard(
        self, guild_id: int, period: str = "all", *, user_id: int | None = None, limit: int = 10
    ) -> LeaderboardPage:
        """The server's top players over a period (week, month or all)."""
        if period not in PERIODS:
            raise TriviaError(f"The period must be week, month or all (got {period!r}).")
        span = PERIODS[period]
        since = None if span is None else self._clock() - span
        return await self.repo.leaderboard(guild_id, since=since, limit=limit, user_id=user_id)

    async def stats(self, guild_id: int, user_id: int) -> PlayerStats | None:
        """A player's all-time stats in the server."""
        return await self.repo.player_stats(guild_id, user_id)

    # --- packs ------------------------------------------------------------------------------

    async def add_pack(
        self, guild_id: int, author_id: int, filename: str, data: bytes, name: str | None = None
    ) -> PackAdded:
        """Validate and store a pack (replacing one of the same name); PackError otherwise."""
        fmt = pack_format(filename)
        key = pack_name(filename, name)
        packs = await self.repo.packs(guild_id)
        others = [p for p in packs if p.name != key]
        if len(others) >= MAX_PACKS_PER_GUILD:
            raise PackError(
                f"This server already has {len(others)} packs (the most I keep); remove one "
                "with `/trivia pack remove` first."
            )
        questions = validate_pack(
            data,
            fmt=fmt,
            name=key,
            bank=load_bank(),
            others=[(p.name, stored_questions(p.questions, source=p.name)) for p in others],
            check=self.check_text,
        )
        replaced = await self.repo.save_pack(
            guild_id, key, author_id, [q.model_dump(mode="json") for q in questions]
        )
        self._pools.pop(guild_id, None)
        return PackAdded(key, len(questions), replaced, _categories_of(questions))

    async def list_packs(self, guild_id: int) -> list[PackSummary]:
        """The server's packs."""
        packs = await self.repo.packs(guild_id)
        return [
            PackSummary(
                p.name,
                p.question_count,
                p.author_id,
                p.updated_at,
                _categories_of(stored_questions(p.questions, source=p.name)),
            )
            for p in packs
        ]

    async def remove_pack(self, guild_id: int, name: str) -> bool:
        """Remove a pack; False when there is none of that name."""
        removed = await self.repo.delete_pack(guild_id, name.strip().lower())
        if removed:
            self._pools.pop(guild_id, None)
        return removed


def _categories_of(questions: Sequence[Question]) -> tuple[str, ...]:
    present = {q.category for q in questions}
    return tuple(key for key in BY_KEY if key in present)


def _sentence(problem: str) -> str:
    return problem[:1].upper() + problem[1:] if problem else problem
