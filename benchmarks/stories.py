"""Story generation speed: mean and p99 milliseconds per story, per length.

Run: python benchmarks/stories.py [--stories N]
Grammar loading (once per process) is timed separately from generation.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.content.stories import GENRE_IDS, LENGTHS, generate_story
from bot.content.story_grammar import grammars

PROMPTS = [
    None,
    "a story about Mina and her robot Bolt",
    "a dragon who loves pancakes",
    "Tell me a story about a girl named Zoë who finds a golden key in the forest",
    "Tom and his dog Rex fly to the moon with Captain Ada",
    "@everyone " + "a very long prompt " * 500,
]


def p99(samples: list[float]) -> float:
    """The 99th percentile (nearest rank)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.99 * len(ordered)) - 1)]


def main() -> int:
    """Time ``--stories`` stories per length and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stories", type=int, default=400, help="stories per length")
    args = parser.parse_args()

    start = time.perf_counter()
    grammars()
    print(f"grammar load + validation: {(time.perf_counter() - start) * 1000:.1f} ms (once)")

    rng = random.Random(2024)
    print(f"{'length':<8} {'stories':>7} {'mean ms':>8} {'p99 ms':>7} {'max ms':>7} {'words':>6}")
    for length in LENGTHS:
        times: list[float] = []
        words: list[int] = []
        for i in range(args.stories):
            genre = GENRE_IDS[i % len(GENRE_IDS)]
            prompt = PROMPTS[i % len(PROMPTS)]
            t0 = time.perf_counter()
            story = generate_story(genre, prompt, length, random.Random(rng.random()))
            times.append((time.perf_counter() - t0) * 1000)
            words.append(story.word_count)
        print(
            f"{length:<8} {len(times):>7} {statistics.fmean(times):>8.2f} {p99(times):>7.2f} "
            f"{max(times):>7.2f} {round(statistics.fmean(words)):>6}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
