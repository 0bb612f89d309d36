"""Trivia: question bank, answer judge, game state machine and an optional online source.

Public API (no discord.py here; the trivia cog renders the events):

- `load_bank()`, `load_pack(text, fmt=..., source=...)`, `QuestionBank`, `Question`
- `judge(guess, answer, alternatives, kind) -> Judgement`
- `make_settings(bank, ...) -> GameSettings`, `TriviaGame`, the events in `events`
- `opentdb.OpenTDBClient` (optional online questions; falls back by raising `OpenTDBError`)
"""

from bot.games.trivia.bank import (
    CategoryStats,
    NoQuestionsError,
    QuestionBank,
    UnknownCategoryError,
    load_bank,
    load_bank_from,
)
from bot.games.trivia.game import GameStateError, TriviaGame
from bot.games.trivia.judge import Judgement, judge
from bot.games.trivia.loader import QuestionFileError, load_pack
from bot.games.trivia.models import Question
from bot.games.trivia.settings import GameSettings, SettingsError, make_settings

__all__ = [
    "CategoryStats",
    "GameSettings",
    "GameStateError",
    "Judgement",
    "NoQuestionsError",
    "Question",
    "QuestionBank",
    "QuestionFileError",
    "SettingsError",
    "TriviaGame",
    "UnknownCategoryError",
    "judge",
    "load_bank",
    "load_bank_from",
    "load_pack",
    "make_settings",
]
