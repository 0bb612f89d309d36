"""A trivia game for one channel: a pure state machine with an injectable clock and rng.

The adapter (the trivia cog) drives it and renders the events each call returns:

    game = TriviaGame.from_bank(bank, settings)       # or TriviaGame(settings, questions)
    events = game.start()                              # GameStarted, QuestionAsked
    events = game.choose(user_id, name, "B")           # buttons mode
    events = game.guess(user_id, name, "is it paris?") # typed mode
    events = game.hint() / game.skip() / game.stop()
    events = game.tick()          # call at `game.deadline`: closes the question when time is up
    events = game.next_question() # after a reveal: the next QuestionAsked

Nothing here sleeps or schedules: time comes from `clock()` (monotonic seconds), and every
action first closes the question if its deadline has passed.

Modes. Buttons: four shuffled options A-D; each player answers once; every correct player
scores. The question closes at the deadline, or early (if `close_early`) once every player
seen earlier in the game has answered. Typed: the first guess the judge accepts wins the
question; a player has `max_guesses` guesses per question.

Scoring (speed bonus, streak bonus, hint halving) is documented in `scoring`. A hint shows the
answer's first letters (typed) or removes two wrong options (buttons); one hint per question.
Skipping reveals the answer without points and leaves streaks alone. The game stops itself
after `silence_limit` questions in a row that nobody answered, and can be stopped any time.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot.games.trivia.bank import QuestionBank
from bot.games.trivia.categories import BY_KEY
from bot.games.trivia.events import (
    OPTION_LETTERS,
    ActionRejected,
    AnswerRecorded,
    CategoryTally,
    CloseReason,
    EndReason,
    Event,
    GameOver,
    GameResult,
    GameStarted,
    HintGiven,
    PlayerAnswer,
    PlayerResult,
    QuestionAsked,
    QuestionRevealed,
    ScoreboardSnapshot,
    Standing,
    UserId,
    WrongGuess,
)
from bot.games.trivia.judge import judge
from bot.games.trivia.models import Question
from bot.games.trivia.scoring import BASE_POINTS, Points, letter_hint, score
from bot.games.trivia.settings import GameSettings

Clock = Callable[[], float]


class GameStateError(RuntimeError):
    """The adapter called a method that makes no sense in the game's current state."""


@dataclass
class _Answer:
    user_id: UserId
    name: str
    elapsed: float
    correct: bool
    choice: str
    points: Points | None = None


@dataclass
class _Round:
    number: int
    question: Question
    options: tuple[str, ...]
    correct_index: int | None
    asked_at: float
    deadline: float
    hint_used: bool = False
    removed: tuple[int, ...] = ()
    answers: dict[UserId, _Answer] = field(default_factory=dict)
    guesses: dict[UserId, int] = field(default_factory=dict)
    winner: _Answer | None = None


@dataclass
class _Player:
    user_id: UserId
    name: str
    order: int
    points: int = 0
    correct: int = 0
    answered: int = 0
    streak: int = 0
    best_streak: int = 0
    correct_time: float = 0.0
    categories: dict[str, list[int]] = field(default_factory=dict)


class TriviaGame:
    """One game of trivia in one channel (see the module docstring for the flow)."""

    def __init__(
        self,
        settings: GameSettings,
        questions: Sequence[Question],
        *,
        clock: Clock = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        if not questions:
            raise ValueError("a game needs at least one question")
        self.settings = settings
        self._questions = list(questions)
        self._clock = clock
        self._rng = rng or random.Random()
        self._state = "ready"  # ready -> asking <-> revealed -> over
        self._round: _Round | None = None
        self._asked: list[str] = []
        self._players: dict[UserId, _Player] = {}
        self._silent = 0
        self._started_at = 0.0
        self._ended_at: float | None = None
        self._end_reason: EndReason | None = None

    @classmethod
    def from_bank(
        cls,
        bank: QuestionBank,
        settings: GameSettings,
        *,
        exclude_ids: Sequence[str] = (),
        clock: Clock = time.monotonic,
        rng: random.Random | None = None,
    ) -> TriviaGame:
        """A game with `settings.rounds` questions drawn from `bank`, avoiding `exclude_ids`."""
        rng = rng or random.Random()
        questions = bank.sample(
            settings.rounds, settings.category, settings.difficulty, frozenset(exclude_ids), rng
        )
        return cls(settings, questions, clock=clock, rng=rng)

    # --- read-only views -------------------------------------------------------------------

    @property
    def state(self) -> str:
        """ "ready", "asking" (a question is open), "revealed" (between questions) or "over"."""
        return self._state

    @property
    def is_over(self) -> bool:
        """True once the game has ended."""
        return self._state == "over"

    @property
    def total(self) -> int:
        """The number of questions this game will ask."""
        return len(self._questions)

    @property
    def questions(self) -> tuple[Question, ...]:
        """Every question of the game, in the order they are (or will be) asked."""
        return tuple(self._questions)

    @property
    def current_number(self) -> int | None:
        """The number (1-based) of the open question; None when no question is open."""
        return self._round.number if self._state == "asking" and self._round else None

    @property
    def deadline(self) -> float | None:
        """Clock time at which the open question times out (None when none is open)."""
        return self._round.deadline if self._state == "asking" and self._round else None

    def standings(self) -> tuple[Standing, ...]:
        """The current scoreboard, best first."""
        return tuple(
            Standing(rank, p.user_id, p.name, p.points, p.correct, p.answered, p.best_streak)
            for rank, p in enumerate(self._ranked(), start=1)
        )

    def result(self) -> GameResult:
        """The game's result so far (final once the game is over)."""
        now = self._ended_at if self._ended_at is not None else self._clock()
        players = tuple(
            PlayerResult(
                user_id=p.user_id,
                name=p.name,
                points=p.points,
                correct=p.correct,
                answered=p.answered,
                best_streak=p.best_streak,
                categories={k: CategoryTally(c, a) for k, (c, a) in sorted(p.categories.items())},
            )
            for p in self._ranked()
        )
        winner = players[0] if players and players[0].points > 0 else None
        return GameResult(
            reason=self._end_reason,
            settings=self.settings,
            questions_asked=len(self._asked),
            question_ids=tuple(self._asked),
            duration=max(now - self._started_at, 0.0) if self._state != "ready" else 0.0,
            players=players,
            winner=winner,
        )

    # --- flow --------------------------------------------------------------------------------

    def start(self) -> list[Event]:
        """Start the game: GameStarted and the first QuestionAsked."""
        if self._state != "ready":
            raise GameStateError("the game has already started")
        self._started_at = self._clock()
        category = BY_KEY[self.settings.category].name if self.settings.category else "Mixed"
        return [GameStarted(self.settings, self.total, category), self._ask()]

    def next_question(self) -> list[Event]:
        """After a reveal, ask the next question."""
        if self._state != "revealed":
            raise GameStateError(f"next_question needs a revealed question (state: {self._state})")
        return [self._ask()]

    def tick(self) -> list[Event]:
        """Close the open question if its deadline has passed; otherwise nothing."""
        return self._expire_if_due()

    def choose(self, user_id: UserId, name: str, option: int | str) -> list[Event]:
        """Buttons mode: `user_id` picks option 0-3 or "A"-"D"."""
        events = self._expire_if_due()
        if self.settings.mode != "buttons":
            return [*events, ActionRejected(user_id, "this game is in typed mode: type answers")]
        if self._state != "asking" or self._round is None:
            return [*events, ActionRejected(user_id, "no question is open right now")]
        rnd = self._round
        index = _option_index(option)
        if index is None or index >= len(rnd.options):
            return [ActionRejected(user_id, f"pick one of {', '.join(OPTION_LETTERS)}")]
        if user_id in rnd.answers:
            return [ActionRejected(user_id, "you have already answered this question")]
        if index in rnd.removed:
            return [ActionRejected(user_id, "that option was removed by the hint")]
        player = self._player(user_id, name)
        elapsed = self._elapsed(rnd)
        correct = index == rnd.correct_index
        answer = _Answer(user_id, player.name, elapsed, correct, OPTION_LETTERS[index])
        if correct:
            answer.points = self._points(rnd, player, elapsed)
        rnd.answers[user_id] = answer
        out: list[Event] = [AnswerRecorded(rnd.number, user_id, player.name, len(rnd.answers))]
        if self.settings.close_early and self._everyone_answered(rnd):
            out.extend(self._close("all_answered"))
        return out

    def guess(self, user_id: UserId, name: str, text: str) -> list[Event]:
        """Typed mode: judge a message; the first accepted guess wins the question."""
        events = self._expire_if_due()
        if self.settings.mode != "typed":
            return [*events, ActionRejected(user_id, "this game uses buttons: pick A, B, C or D")]
        if self._state != "asking" or self._round is None:
            return [*events, ActionRejected(user_id, "no question is open right now")]
        rnd = self._round
        used = rnd.guesses.get(user_id, 0)
        if used >= self.settings.max_guesses:
            return [ActionRejected(user_id, "no guesses left for this question")]
        player = self._player(user_id, name)
        rnd.guesses[user_id] = used + 1
        q = rnd.question
        verdict = judge(text, q.answer, q.alternatives, q.kind)
        elapsed = self._elapsed(rnd)
        if not verdict.accepted:
            rnd.answers.setdefault(user_id, _Answer(user_id, player.name, elapsed, False, text))
            left = self.settings.max_guesses - used - 1
            return [WrongGuess(rnd.number, user_id, player.name, text, verdict.reason, left)]
        answer = _Answer(user_id, player.name, elapsed, True, text)
        answer.points = self._points(rnd, player, elapsed)
        rnd.answers[user_id] = answer
        rnd.winner = answer
        return self._close("answered")

    def hint(self, user_id: UserId | None = None) -> list[Event]:
        """Give the hint for the open question (halves the points of later correct answers)."""
        events = self._expire_if_due()
        if self._state != "asking" or self._round is None:
            return [*events, ActionRejected(user_id, "no question is open right now")]
        rnd = self._round
        if rnd.hint_used:
            return [ActionRejected(user_id, "the hint for this question was already given")]
        rnd.hint_used = True
        points_now = BASE_POINTS[rnd.question.difficulty] // 2
        if self.settings.mode == "typed":
            return [HintGiven(rnd.number, letter_hint(rnd.question.answer), (), points_now)]
        wrong = [i for i in range(len(rnd.options)) if i != rnd.correct_index]
        rnd.removed = tuple(sorted(self._rng.sample(wrong, 2)))
        return [HintGiven(rnd.number, None, rnd.removed, points_now)]

    def skip(self, user_id: UserId | None = None) -> list[Event]:
        """Reveal the open question without awarding points."""
        events = self._expire_if_due()
        if self._state != "asking":
            return [*events, ActionRejected(user_id, "no question is open to skip")]
        return self._close("skipped")

    def stop(self, user_id: UserId | None = None) -> list[Event]:
        """End the game now (the open question, if any, is revealed and scored first)."""
        if self._state == "over":
            return [ActionRejected(user_id, "the game is already over")]
        if self._state == "asking":
            return self._close("stopped")
        return self._finish("stopped")

    # --- internals ---------------------------------------------------------------------------

    def _ask(self) -> QuestionAsked:
        number = len(self._asked) + 1
        question = self._questions[number - 1]
        now = self._clock()
        options: tuple[str, ...] = ()
        correct_index: int | None = None
        if self.settings.mode == "buttons":
            shuffled = [question.answer, *question.wrong]
            self._rng.shuffle(shuffled)
            options = tuple(shuffled)
            correct_index = shuffled.index(question.answer)
        self._round = _Round(
            number, question, options, correct_index, now, now + self.settings.timer
        )
        self._asked.append(question.id)
        self._state = "asking"
        return QuestionAsked(
            number=number,
            total=self.total,
            question_id=question.id,
            category=question.category,
            category_name=BY_KEY[question.category].name,
            difficulty=question.difficulty,
            text=question.question,
            options=options,
            timer=self.settings.timer,
            deadline=now + self.settings.timer,
            base_points=BASE_POINTS[question.difficulty],
        )

    def _expire_if_due(self) -> list[Event]:
        if self._state == "asking" and self._round and self._clock() >= self._round.deadline:
            return self._close("timeout")
        return []

    def _elapsed(self, rnd: _Round) -> float:
        return min(max(self._clock() - rnd.asked_at, 0.0), float(self.settings.timer))

    def _player(self, user_id: UserId, name: str) -> _Player:
        player = self._players.get(user_id)
        if player is None:
            player = _Player(user_id, name, order=len(self._players))
            self._players[user_id] = player
        player.name = name or player.name
        return player

    def _points(self, rnd: _Round, player: _Player, elapsed: float) -> Points:
        return score(
            rnd.question.difficulty, elapsed, self.settings.timer, player.streak + 1, rnd.hint_used
        )

    def _everyone_answered(self, rnd: _Round) -> bool:
        # Players seen before this question; on the first question nobody is known yet.
        known = {uid for uid, p in self._players.items() if p.answered > 0}
        return bool(known) and known <= set(rnd.answers)

    def _close(self, reason: CloseReason) -> list[Event]:
        rnd = self._round
        assert rnd is not None
        q = rnd.question
        skipped = reason == "skipped"
        correct: list[PlayerAnswer] = []
        wrong: list[PlayerAnswer] = []
        if not skipped:
            for answer in rnd.answers.values():
                player = self._players[answer.user_id]
                player.answered += 1
                tally = player.categories.setdefault(q.category, [0, 0])
                tally[1] += 1
                if answer.correct and answer.points is not None:
                    player.points += answer.points.total
                    player.correct += 1
                    player.correct_time += answer.elapsed
                    tally[0] += 1
                    player.streak += 1
                    player.best_streak = max(player.best_streak, player.streak)
            for player in self._players.values():
                answer = rnd.answers.get(player.user_id)
                if answer is None or not answer.correct:
                    player.streak = 0
        for answer in sorted(rnd.answers.values(), key=lambda a: a.elapsed):
            view = PlayerAnswer(
                answer.user_id,
                answer.name,
                round(answer.elapsed, 2),
                answer.correct,
                answer.choice,
                None if skipped else answer.points,
                self._players[answer.user_id].streak,
            )
            (correct if answer.correct else wrong).append(view)
        events: list[Event] = [
            QuestionRevealed(
                number=rnd.number,
                total=self.total,
                question_id=q.id,
                category=q.category,
                text=q.question,
                answer=q.answer,
                correct_option=rnd.correct_index,
                fact=q.fact,
                correct=tuple(correct),
                wrong=tuple(wrong),
                closed_by=reason,
                hint_used=rnd.hint_used,
            )
        ]
        self._state = "revealed"
        if reason == "timeout" and not rnd.answers:
            self._silent += 1
        else:
            self._silent = 0
        if reason == "stopped":
            return events + self._finish("stopped")
        if self._silent >= self.settings.silence_limit:
            return events + self._finish("silence")
        if rnd.number >= self.total:
            return events + self._finish("completed")
        every = self.settings.scoreboard_every
        if every and rnd.number % every == 0:
            events.append(ScoreboardSnapshot(rnd.number, self.total, self.standings(), False))
        return events

    def _finish(self, reason: EndReason) -> list[Event]:
        self._state = "over"
        self._end_reason = reason
        self._ended_at = self._clock()
        board = ScoreboardSnapshot(len(self._asked), self.total, self.standings(), True)
        return [board, GameOver(reason, self.result())]

    def _ranked(self) -> list[_Player]:
        return sorted(
            self._players.values(),
            key=lambda p: (-p.points, -p.correct, p.correct_time, p.order),
        )


def _option_index(option: int | str) -> int | None:
    if isinstance(option, int):
        return option if 0 <= option < len(OPTION_LETTERS) else None
    text = option.strip().upper()
    if text in OPTION_LETTERS:
        return OPTION_LETTERS.index(text)
    if text.isdigit() and 1 <= int(text) <= len(OPTION_LETTERS):
        return int(text) - 1
    return None
