"""Points for a correct answer, and the letter hint.

Scoring (all points are whole numbers):

- Base points by difficulty: easy 100, medium 150, hard 200.
- Speed bonus: up to half the base, falling linearly from an instant answer to nothing at the
  end of the timer: ``round(base * 0.5 * (1 - elapsed / timer))``.
- Streak bonus: a player's n-th correct answer in a row (n >= 2) adds ``10% * (n - 1)`` of the
  base, capped at 50% (reached on the 6th in a row). A question the player does not answer
  correctly breaks the streak; a skipped question does not.
- Hint: a correct answer given after the hint was shown scores half of the total above
  (rounded down).
"""

from __future__ import annotations

from dataclasses import dataclass

BASE_POINTS: dict[str, int] = {"easy": 100, "medium": 150, "hard": 200}
SPEED_BONUS_SHARE = 0.5
STREAK_STEP_SHARE = 0.1
STREAK_CAP_SHARE = 0.5
MIN_REVEALED_WORD = 3  # shorter words show no letter in the hint


@dataclass(frozen=True, slots=True)
class Points:
    """How a correct answer's points add up."""

    base: int
    speed_bonus: int
    streak_bonus: int
    hint_penalty: int
    total: int


def score(difficulty: str, elapsed: float, timer: float, streak: int, hint_used: bool) -> Points:
    """Points for a correct answer after `elapsed` seconds, as the `streak`-th in a row."""
    base = BASE_POINTS[difficulty]
    remaining = min(max(1.0 - elapsed / timer, 0.0), 1.0)
    speed = round(base * SPEED_BONUS_SHARE * remaining)
    streak_share = min(STREAK_STEP_SHARE * max(streak - 1, 0), STREAK_CAP_SHARE)
    streak_bonus = round(base * streak_share)
    subtotal = base + speed + streak_bonus
    penalty = subtotal - subtotal // 2 if hint_used else 0
    return Points(base, speed, streak_bonus, penalty, subtotal - penalty)


def letter_hint(answer: str) -> str:
    """The answer with only the first letter of each word shown: "P _ _ _ _ _ _  O _ _ _ _".

    Letters and digits are masked with "_" and separated by single spaces; words by two spaces;
    punctuation inside a word (apostrophes, hyphens) stays visible. A word of one or two
    letters is masked entirely: showing its first letter would give away half of it or all
    of it ("2", "Au"), so the hint is then only its length.
    """
    words = answer.split()
    masked: list[str] = []
    for word in words:
        shown: list[str] = []
        first = sum(ch.isalnum() for ch in word) >= MIN_REVEALED_WORD
        for ch in word:
            if ch.isalnum():
                shown.append(ch.upper() if first else "_")
                first = False
            else:
                shown.append(ch)
        masked.append(" ".join(shown))
    return "  ".join(masked)
