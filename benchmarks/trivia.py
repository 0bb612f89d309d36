"""Trivia answer judging: throughput, and accuracy against a plain baseline judge.

    python benchmarks/trivia.py [--seconds 2]

Prints, for the real judge and for a baseline ("lowercase substring or exact token": a guess
counts if it contains the lowercased answer or equals one word of it):

- accuracy on the hand-written judge table (tests/trivia_judge_cases.py);
- accuracy on guesses generated from the shipped bank: each answer as typed, the answer inside a
  sentence, with a dropped letter (answers of 9+ letters), each wrong option, and the answer
  listed with a wrong option ("X or Y");
- answers judged per second on the table.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.games.trivia.bank import load_bank  # noqa: E402
from bot.games.trivia.judge import judge  # noqa: E402

Judge = Callable[[str, str, Sequence[str], str], bool]
Row = tuple[str, str, tuple[str, ...], str, bool]


def _load_table() -> list[Row]:
    path = ROOT / "tests" / "trivia_judge_cases.py"
    spec = importlib.util.spec_from_file_location("trivia_judge_cases", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return [(c.guess, c.answer, c.alternatives, c.kind, c.accepted) for c in module.CASES]


def baseline(guess: str, answer: str, alternatives: Sequence[str], kind: str) -> bool:
    """Lowercase substring or exact token: the judge most simple bots use."""
    text = guess.lower().strip()
    if not text:
        return False
    for form in (answer, *alternatives):
        lowered = form.lower()
        if lowered in text or text in lowered.split():
            return True
    return False


def real(guess: str, answer: str, alternatives: Sequence[str], kind: str) -> bool:
    """The trivia judge."""
    return judge(guess, answer, alternatives, kind).accepted  # type: ignore[arg-type]


def _bank_rows() -> list[Row]:
    rows: list[Row] = []
    for q in load_bank().questions:
        alts, kind = tuple(q.alternatives), q.kind
        rows.append((q.answer, q.answer, alts, kind, True))
        rows.append((f"I think it's {q.answer}!", q.answer, alts, kind, True))
        if len(q.answer) >= 9 and q.answer.isalpha():
            rows.append((q.answer[:4] + q.answer[5:], q.answer, alts, kind, True))
        rows.extend((wrong, q.answer, alts, kind, False) for wrong in q.wrong)
        rows.append((f"{q.answer} or {q.wrong[0]}", q.answer, alts, kind, False))
    return rows


def accuracy(judge_fn: Judge, rows: list[Row]) -> float:
    """Share of rows where the judge's verdict equals the expected one."""
    right = sum(judge_fn(g, a, alts, k) == expected for g, a, alts, k, expected in rows)
    return right / len(rows)


def throughput(judge_fn: Judge, rows: list[Row], seconds: float) -> float:
    """Answers judged per second, over at least `seconds`."""
    count = 0
    start = time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for guess, answer, alts, kind, _ in rows:
            judge_fn(guess, answer, alts, kind)
        count += len(rows)
    return count / elapsed


def main() -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="timing per judge (2)")
    args = parser.parse_args()
    table = _load_table()
    generated = _bank_rows()
    print(f"judge table: {len(table)} cases; bank-generated: {len(generated)} guesses")
    print(f"{'judge':<10} {'table acc':>10} {'bank acc':>10} {'answers/s':>12}")
    for name, fn in (("trivia", real), ("baseline", baseline)):
        print(
            f"{name:<10} {accuracy(fn, table):>10.1%} {accuracy(fn, generated):>10.1%} "
            f"{throughput(fn, table, args.seconds):>12,.0f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
