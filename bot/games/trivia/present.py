"""What trivia shows, as plain text cards (title, description, fields, footer).

Discord-free: the trivia cog turns a `Card` into an embed; tests read the same text. Names
are escaped so a display name cannot restyle a scoreboard, and every list is capped so a
busy game never breaks Discord's size limits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.games.trivia.bank import CategoryStats
from bot.games.trivia.categories import BY_KEY
from bot.games.trivia.events import (
    OPTION_LETTERS,
    GameOver,
    GameStarted,
    HintGiven,
    PlayerAnswer,
    QuestionAsked,
    QuestionRevealed,
    ScoreboardSnapshot,
)
from bot.storage.trivia_repo import InterruptedGame, LeaderboardPage, PlayerStats, PlayerTotals

Tone = Literal["info", "good", "bad", "final"]

MEDALS = ("🥇", "🥈", "🥉")
MAX_LINES = 15
STREAK_SHOUT = 3  # a streak this long (or longer) is announced
FIELD_LIMIT = 1024
_MARKDOWN = re.compile(r"([\\*_~`|>])")


@dataclass(frozen=True, slots=True)
class Card:
    """A message as text: the cog renders it as an embed."""

    title: str
    description: str = ""
    fields: tuple[tuple[str, str], ...] = ()
    footer: str | None = None
    tone: Tone = "info"


@dataclass(frozen=True, slots=True)
class QuestionView:
    """A question message's current look: answers so far, hint removals, the reveal."""

    asked: QuestionAsked
    answered: int = 0
    removed: tuple[int, ...] = ()
    revealed: QuestionRevealed | None = None
    hint: str | None = None


def escape(name: str) -> str:
    """A display name safe to put in Markdown."""
    return _MARKDOWN.sub(r"\\\1", name)


def option_label(index: int, option: str) -> str:
    """ "B · Saturn" """
    return f"{OPTION_LETTERS[index]} · {option}"


def _capped(lines: Sequence[str], limit: int = MAX_LINES, noun: str = "more") -> list[str]:
    shown = list(lines[:limit])
    if len(lines) > limit:
        shown.append(f"…and {len(lines) - limit} {noun}")
    return shown


def _join_field(lines: Sequence[str]) -> str:
    text = "\n".join(lines)
    return text if len(text) <= FIELD_LIMIT else text[: FIELD_LIMIT - 1] + "…"


def _rank_mark(rank: int) -> str:
    return MEDALS[rank - 1] if 1 <= rank <= len(MEDALS) else f"**{rank}.**"


# --- a game ---------------------------------------------------------------------------------


def intro_card(event: GameStarted, starter: str, notice: str | None = None) -> Card:
    """The message that opens a game."""
    s = event.settings
    difficulty = s.difficulty or "any difficulty"
    plural = "question" if event.total == 1 else "questions"
    lines = [
        f"**{event.total} {plural}** · {event.category_name} · {difficulty} · {s.timer} s each",
        f"Started by {escape(starter)}.",
        "",
    ]
    if s.mode == "buttons":
        lines.append(
            "Press **A**, **B**, **C** or **D** under each question — one answer each, "
            "and it's final. Right answers score more the faster they come."
        )
    else:
        lines.append(
            "Type your answer in this channel. The first right answer wins the question; "
            f"you get {s.max_guesses} guesses per question. Small typos are fine."
        )
    lines.append("`/trivia hint` shows a hint (points halve) · `/trivia skip` · `/trivia stop`")
    if notice:
        lines.extend(["", f"🌐 {notice}"])
    return Card(
        "🎲 Trivia time!",
        "\n".join(lines),
        footer="Streaks and speed earn bonus points. Good luck!",
    )


def question_card(view: QuestionView) -> Card:
    """A question, as asked, while answers come in, and once revealed."""
    q = view.asked
    category = BY_KEY.get(q.category)
    emoji = category.emoji if category else "❓"
    lines = [f"**{q.text}**"]
    if q.options:
        lines.append("")
        for index, option in enumerate(q.options):
            label = option_label(index, option)
            if view.revealed is not None and view.revealed.correct_option == index:
                lines.append(f"✅ **{label}**")
            elif index in view.removed:
                lines.append(f"~~{label}~~")
            else:
                lines.append(label)
    if view.hint:
        lines.extend(["", f"💡 Hint: `{view.hint}`"])
    if view.revealed is not None and not q.options:
        lines.extend(["", f"✅ **{view.revealed.answer}**"])
    plural = "answer" if view.answered == 1 else "answers"
    if view.revealed is not None:
        footer = f"Closed · {view.answered} {plural}"
    elif q.options:
        footer = f"{q.timer} s to answer · {view.answered} {plural} so far"
    else:
        footer = f"{q.timer} s · type your answer in the chat"
    return Card(
        f"Question {q.number}/{q.total}",
        "\n".join(lines),
        fields=((f"{emoji} {q.category_name}", f"{q.difficulty} · {q.base_points} points"),),
        footer=footer,
    )


def _points_note(answer: PlayerAnswer) -> str:
    points = answer.points
    if points is None:
        return ""
    extras = []
    if points.speed_bonus:
        extras.append(f"⚡+{points.speed_bonus}")
    if points.streak_bonus:
        extras.append(f"🔥+{points.streak_bonus}")
    if points.hint_penalty:
        extras.append("💡 half")
    tail = f" ({', '.join(extras)})" if extras else ""
    return f" · **+{points.total}**{tail}"


def reveal_card(event: QuestionRevealed, *, typed: bool) -> Card:
    """The answer, the fun fact, who was right (fastest first) and who was not."""
    answer = event.answer
    if event.correct_option is not None:
        answer = option_label(event.correct_option, event.answer)
    winner = event.correct[0] if event.correct else None
    if event.closed_by == "skipped":
        title, tone = f"⏭️ Skipped! The answer was {answer}", "info"
    elif typed and winner is not None:
        title, tone = f"🎉 {winner.name} got it: {answer}", "good"
    elif event.correct:
        title, tone = f"✅ The answer: {answer}", "good"
    elif event.closed_by == "timeout":
        title, tone = f"⏱️ Time's up! The answer was {answer}", "bad"
    else:
        title, tone = f"The answer was {answer}", "bad"
    lines: list[str] = []
    if event.fact:
        lines.append(f"💡 {event.fact}")
    fields: list[tuple[str, str]] = []
    if event.closed_by != "skipped":
        if event.correct:
            right = [
                f"{_rank_mark(i)} {escape(a.name)} · {a.elapsed:.1f} s{_points_note(a)}"
                for i, a in enumerate(event.correct, start=1)
            ]
            fields.append(("Right", _join_field(_capped(right))))
            shouts = []
            if len(event.correct) > 1 and winner is not None:
                shouts.append(f"⚡ Fastest: {escape(winner.name)} in {winner.elapsed:.1f} s")
            for a in event.correct:
                if a.streak >= STREAK_SHOUT:
                    shouts.append(f"🔥 {escape(a.name)} is on a streak of {a.streak}!")
            lines.extend(shouts)
        elif event.wrong or event.closed_by != "timeout":
            lines.append("Nobody got this one.")
        else:
            lines.append("Nobody answered this one.")
        if event.wrong:
            wrong = [
                escape(a.name) if typed else f"{escape(a.name)} ({a.choice})" for a in event.wrong
            ]
            fields.append(("Not this time", _join_field(_capped(wrong, 20))))
    if event.hint_used and event.closed_by != "skipped":
        lines.append("_A hint was used: right answers scored half._")
    return Card(
        title[:256],
        "\n".join(lines),
        fields=tuple(fields),
        footer=f"Question {event.number}/{event.total}",
        tone=tone,  # type: ignore[arg-type]
    )


def hint_text(event: HintGiven, options: Sequence[str], asked_by: str) -> str:
    """The public line when someone asks for a hint."""
    if event.text is not None:
        hint = f"💡 {escape(asked_by)} asked for a hint: `{event.text}`"
    else:
        removed = " and ".join(option_label(i, options[i]) for i in event.removed_options)
        hint = f"💡 {escape(asked_by)} asked for a hint: it's not {removed}."
    return f"{hint} Right answers now score half ({event.points_now} base points)."


def _standing_lines(players: Sequence[PlayerTotals]) -> list[str]:
    lines = []
    for rank, p in enumerate(players, start=1):
        streak = f" · best streak {p.best_streak}" if p.best_streak >= 2 else ""
        lines.append(
            f"{_rank_mark(rank)} **{escape(p.name)}** — {p.points:,} pts · "
            f"{p.correct}/{p.answered} right{streak}"
        )
    return _capped(lines, 10, "more players")


def scoreboard_card(event: ScoreboardSnapshot) -> Card:
    """The scores every few questions."""
    players = [
        PlayerTotals(s.user_id, s.name, s.points, s.correct, s.answered, s.best_streak)
        for s in event.standings
    ]
    body = _standing_lines(players) or ["Nobody has answered yet — jump in!"]
    return Card(
        f"📊 Scores after {event.after_question} of {event.total}",
        "\n".join(body),
        footer=f"{event.total - event.after_question} questions to go",
    )


def game_over_card(
    event: GameOver, *, stopped_by: str | None = None, silence_limit: int = 3
) -> Card:
    """The end of a game: why it ended, the winner and the final scores."""
    result = event.result
    players = [
        PlayerTotals(p.user_id, p.name, p.points, p.correct, p.answered, p.best_streak)
        for p in result.players
    ]
    if event.reason == "stopped":
        why = f"Stopped by {escape(stopped_by)}" if stopped_by else "Stopped"
        why += f" after {result.questions_asked} of {result.settings.rounds} questions."
    elif event.reason == "silence":
        why = (
            f"Nobody answered for {silence_limit} questions in a row, so I ended the game. "
            "Start a new one any time!"
        )
    else:
        why = f"That's all {result.questions_asked} questions!"
    if result.winner is not None:
        title = f"🏆 Winner: {result.winner.name}, with {result.winner.points:,} points!"
    else:
        title = "🏁 Game over — nobody scored this time"
    lines = [why, ""]
    lines.extend(_standing_lines(players) or ["Nobody played."])
    return Card(
        title[:256],
        "\n".join(lines),
        footer="Points count towards /trivia leaderboard. Play again with /trivia start.",
        tone="final",
    )


def interrupted_card(ended: InterruptedGame) -> Card:
    """Posted after a restart in the channel of a game it ended."""
    game = ended.game
    asked = len(game.question_ids)
    lines = [
        f"I restarted while a trivia game was running here (started by "
        f"{escape(game.starter_name)}), so that game has ended. Points earned up to then "
        f"are kept ({asked} of {game.total} questions played).",
        "",
    ]
    lines.extend(_standing_lines(ended.players) or ["Nobody had scored yet."])
    lines.extend(["", "Start a new game with `/trivia start`."])
    return Card("⚠️ Trivia game interrupted", "\n".join(lines), tone="bad")


# --- stats ----------------------------------------------------------------------------------


def _percent(correct: int, answered: int) -> str:
    return f"{100 * correct / answered:.0f}%" if answered else "—"


def leaderboard_card(page: LeaderboardPage, period_name: str, caller_id: int) -> Card:
    """The top 10, plus the caller's own line when they rank lower."""
    if not page.entries:
        return Card(
            f"🏆 Trivia leaderboard — {period_name}",
            "Nobody has answered a question here in that time. Start a game with `/trivia start`!",
        )
    lines = []
    for entry in page.entries:
        me = entry.user_id == caller_id
        name = f"__{escape(entry.name)}__" if me else escape(entry.name)
        lines.append(
            f"{_rank_mark(entry.rank)} **{name}** — {entry.points:,} pts · "
            f"{entry.correct}/{entry.answered} right"
        )
    own = page.own
    if own is not None and all(e.user_id != own.user_id for e in page.entries):
        lines.extend(
            [
                "⋯",
                f"**{own.rank}.** __{escape(own.name)}__ — {own.points:,} pts · "
                f"{own.correct}/{own.answered} right",
            ]
        )
    if own is not None:
        footer = f"You're #{own.rank} of {page.players} players."
    else:
        footer = f"{page.players} players. You haven't answered in this period yet."
    return Card(f"🏆 Trivia leaderboard — {period_name}", "\n".join(lines), footer=footer)


def stats_card(stats: PlayerStats) -> Card:
    """A player's all-time stats in this server."""
    fields = [
        ("Points", f"{stats.points:,}"),
        ("Rank", f"#{stats.rank} of {stats.players}" if stats.rank else "—"),
        (
            "Correct",
            f"{stats.correct}/{stats.answered} ({_percent(stats.correct, stats.answered)})",
        ),
        ("Games", str(stats.games)),
        ("Wins", str(stats.wins)),
        ("Best streak", str(stats.best_streak)),
    ]
    by_category = []
    for item in stats.categories[:10]:
        category = BY_KEY.get(item.category)
        label = f"{category.emoji} {category.name}" if category else item.category
        by_category.append(
            f"{label}: {item.correct}/{item.answered} ({_percent(item.correct, item.answered)})"
        )
    if by_category:
        fields.append(("Accuracy by category", _join_field(by_category)))
    return Card(f"📈 Trivia stats — {stats.name}", fields=tuple(fields))


def categories_card(categories: Sequence[CategoryStats], total: int) -> Card:
    """Every category with its question counts."""
    lines = [
        f"{c.emoji} **{c.name}** (`{c.key}`) — {c.total}: "
        + " · ".join(f"{n} {d}" for d, n in c.by_difficulty.items())
        for c in categories
    ]
    return Card(
        "🗂️ Trivia categories",
        "\n".join(lines),
        footer=f"{total} questions in all. Pick one with /trivia start category:, "
        "or leave it out for a mix.",
    )
