"""Moderation: a Discord-free filter for what users say and what the bot says.

Build one :class:`ModerationFilter` (it compiles the lexicons in ``data/`` once) and call
``check_input(text, policy)`` on each message and ``check_output(text, policy)`` on each
reply before it is shown. A :class:`Verdict` is ``allow``, ``block`` or ``care`` (signs
of distress: answer with :func:`care_message`, never block). :class:`Policy` holds a
server's strictness and its own blocked/allowed terms. :func:`detect_manipulation` labels
prompt-injection attempts for moderators.

Modules: :mod:`~bot.moderation.normalize` (Unicode folding, leetspeak, repeats,
separators), :mod:`~bot.moderation.patterns` (the pattern syntax),
:mod:`~bot.moderation.lexicon` (data files), :mod:`~bot.moderation.screen` (fast
pre-screen), :mod:`~bot.moderation.matcher` (token analysis),
:mod:`~bot.moderation.filter`, :mod:`~bot.moderation.policy`, :mod:`~bot.moderation.care`,
:mod:`~bot.moderation.manipulation`, :mod:`~bot.moderation.cli`.
"""

from bot.moderation.care import care_message
from bot.moderation.entries import Severity
from bot.moderation.filter import ModerationFilter, Verdict
from bot.moderation.manipulation import detect_manipulation
from bot.moderation.normalize import Normalized, normalize
from bot.moderation.policy import Policy, Strictness

__all__ = [
    "ModerationFilter",
    "Normalized",
    "Policy",
    "Severity",
    "Strictness",
    "Verdict",
    "care_message",
    "detect_manipulation",
    "normalize",
]
