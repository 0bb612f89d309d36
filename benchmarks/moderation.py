"""Benchmark the moderation filter against better-profanity 0.6.1.

    python benchmarks/moderation.py [--messages 10000] [--seed 7] [--repeat 3]

Generates (deterministically) realistic chat messages: mostly ordinary chat from the
templates below, plus mild, severe, distress and obfuscated lines drawn from the labelled
set (tests/data/moderation_labelled.jsonl, so offensive text stays in data files) and
disguised with leetspeak, zero-width characters, look-alike letters, fullwidth forms,
separators and repeated letters.

The mix (:data:`MIX`) is 88% ordinary chat, 6% mild swearing, 2% severe, 3% obfuscated
(severe or mild, disguised) and 1% distress or ordinary sadness. It prints:

* throughput (messages per second, median of ``--repeat`` runs after a warm-up) of the
  full filter (``check_input`` at standard strictness) and of better-profanity's
  ``contains_profanity``;
* precision and recall on the labelled set (a line is positive when its expected verdict
  is not "allow"), overall and on the obfuscated group, and false positives on the
  allowlist (scunthorpe) group.

better-profanity is imported lazily; if it is missing the comparison is skipped with a
hint to ``pip install better-profanity==0.6.1``.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.moderation.filter import ModerationFilter  # noqa: E402
from bot.moderation.policy import Policy  # noqa: E402

LABELLED = ROOT / "tests" / "data" / "moderation_labelled.jsonl"

_TEMPLATES = (
    "hey {name}, {greeting}",
    "anyone up for {game} tonight?",
    "gg {name}, that last round of {game} was close",
    "just got back from {place}, {reaction}",
    "what time is the {event}? I think it's at {time}",
    "{reaction} {emoji}",
    "I made {food} for dinner and it was {adjective}",
    "does anyone know how to fix {problem}?",
    "my {pet} just {pet_action} {emoji}",
    "can someone explain {topic} to me? I have a test on {day}",
    "{name} is streaming {game} right now, go watch",
    "I'm so {feeling} about the {event} on {day}",
    "lol {name} that's {adjective}",
    "the new {thing} update is {adjective}",
    "who wants to join voice? we're playing {game}",
    "{greeting} everyone! how was your {day}?",
    "I finally finished {task}, {reaction}",
    "what's the best {thing} for a beginner?",
    "I think {name} is right about {topic}",
    "brb, {errand}",
    "the {event} got moved to {time} on {day}",
    "I can't believe {name} beat the {boss} on the first try",
    "we need to kill the {boss} to finish the quest",
    "this {boss} fight is brutal, I keep dying",
    "how do I make {food}? mine always comes out {adjective}",
    "my {thing} broke again, time to buy a new one",
    "does {place} open early on {day}?",
    "I'm watching {show}, no spoilers please",
    "happy birthday {name}! {emoji}",
    "{name}: {reaction}",
    "ok see you all {day}",
    "I'll shoot you a message when I'm at {place}",
    "the {thing} at {place} is {adjective}",
    "I've been listening to {music} all day",
    "good luck on your {task} {name}!",
    "can we get a {thing} channel on the server?",
    "my internet died during the {event} {emoji}",
    "I killed it at {task} today",
    "honestly {show} is {adjective}, you should watch it",
    "{greeting} {name}, did you see the {event}?",
)
_SLOTS: dict[str, tuple[str, ...]] = {
    "name": ("Sam", "Alex", "Priya", "Jo", "Mateo", "Kai", "Noor", "Finn", "Lena", "Yuki"),
    "greeting": ("hi", "hello", "good morning", "hey hey", "what's up", "howdy", "yo"),
    "game": ("trivia", "chess", "Minecraft", "Valorant", "Mario Kart", "Among Us", "Stardew"),
    "place": ("the store", "school", "work", "the gym", "the library", "the beach", "Essex"),
    "reaction": ("so tired lol", "that was fun", "what a day", "love it", "not bad", "haha"),
    "event": ("raid", "movie night", "tournament", "concert", "meeting", "stream", "quiz"),
    "time": ("8pm", "9:30", "noon", "7 o'clock", "half past six", "20:00"),
    "emoji": ("😂", "🎉", "👍", "🙂", "😭", ":D", "xD", "<3", "🔥"),
    "food": ("pancakes", "lasagna", "banana bread", "curry", "tacos", "shiitake soup"),
    "adjective": ("amazing", "terrible", "so good", "weird", "perfect", "a bit burnt"),
    "problem": ("my mic", "the lag", "a broken save", "my wifi", "the login error"),
    "pet": ("cat", "dog", "hamster", "parrot", "rabbit"),
    "pet_action": ("knocked a glass over", "stole my sock", "fell asleep on my keyboard"),
    "topic": ("photosynthesis", "fractions", "the French revolution", "recursion"),
    "day": ("Monday", "Friday", "the weekend", "tomorrow", "today"),
    "feeling": ("excited", "nervous", "hyped", "curious", "happy"),
    "thing": ("keyboard", "patch", "headset", "map", "graphics card", "cocktail bar"),
    "task": ("my homework", "the essay", "the puzzle", "my driving test", "karaoke"),
    "errand": ("getting food", "walking the dog", "dinner time", "phone call"),
    "boss": ("dragon", "final boss", "giant spider", "lich king"),
    "show": ("the new anime", "that baking show", "the documentary", "the sitcom"),
    "music": ("lo-fi", "jazz", "the new album", "movie soundtracks"),
}

_LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "$", "t": "7"}
_CONFUSABLE = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "k": "к"}
_INVISIBLE = ("\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff")


def _leet(text: str, rng: random.Random) -> str:
    return "".join(_LEET[c] if c in _LEET and rng.random() < 0.6 else c for c in text)


def _zero_width(text: str, rng: random.Random) -> str:
    return "".join(c + (rng.choice(_INVISIBLE) if c.isalpha() else "") for c in text)


def _confusable(text: str, rng: random.Random) -> str:
    return "".join(_CONFUSABLE.get(c, c) if rng.random() < 0.5 else c for c in text)


def _fullwidth(text: str, rng: random.Random) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _spaced(text: str, rng: random.Random) -> str:
    separator = rng.choice((" ", ".", "-", "_"))
    words = text.split()
    index = rng.randrange(len(words))
    words[index] = separator.join(words[index])
    return " ".join(words)


def _stretched(text: str, rng: random.Random) -> str:
    return "".join(c * rng.choice((1, 1, 3)) if c.isalpha() else c for c in text)


_DISGUISES: tuple[Callable[[str, random.Random], str], ...] = (
    _leet, _zero_width, _confusable, _fullwidth, _spaced, _stretched
)  # fmt: skip


@dataclass(frozen=True)
class Labelled:
    """One line of the labelled set."""

    text: str
    expected: str
    group: str
    strictness: str


def load_labelled(path: Path = LABELLED) -> list[Labelled]:
    """The labelled set."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        rows.append(
            Labelled(
                item["text"],
                item["expected"],
                item["group"],
                item.get("strictness", "standard"),
            )
        )
    return rows


MIX = {"safe": 0.88, "mild": 0.06, "severe": 0.02, "obfuscated": 0.03, "distress": 0.01}
"""Share of each kind of generated message: mostly ordinary chat, as in a real server."""


def generate_messages(count: int, seed: int, labelled: Sequence[Labelled]) -> list[str]:
    """``count`` realistic chat messages, the same for the same seed."""
    rng = random.Random(seed)
    harmful = [r.text for r in labelled if r.group.startswith("severe-")]
    mild = [r.text for r in labelled if r.group == "mild"]
    distress = [r.text for r in labelled if r.group in ("distress", "sad-not-crisis")]
    messages = []
    for _ in range(count):
        roll = rng.random()
        if roll < MIX["safe"]:
            template = rng.choice(_TEMPLATES)
            message = template.format(**{k: rng.choice(v) for k, v in _SLOTS.items()})
        elif roll < MIX["safe"] + MIX["mild"]:
            message = rng.choice(mild)
        elif roll < MIX["safe"] + MIX["mild"] + MIX["severe"]:
            message = rng.choice(harmful)
        elif roll < 1 - MIX["distress"]:
            message = rng.choice(_DISGUISES)(rng.choice(harmful + mild), rng)
        else:
            message = rng.choice(distress)
        if rng.random() < 0.3:
            message = message.capitalize()
        messages.append(message)
    return messages


def throughput(
    checks: Sequence[Callable[[str], object]], messages: Sequence[str], repeat: int
) -> tuple[list[float], list[float]]:
    """Messages per second of each check: the first (cold) run, and the median of
    ``repeat`` further runs. The checks take turns, so a busy machine slows them alike."""
    cold: list[float] = []
    rates: list[list[float]] = [[] for _ in checks]
    for run in range(repeat + 1):
        for index, check in enumerate(checks):
            start = time.perf_counter()
            for message in messages:
                check(message)
            rate = len(messages) / (time.perf_counter() - start)
            if run == 0:
                cold.append(rate)
            else:
                rates[index].append(rate)
    return cold, [statistics.median(r) for r in rates]


@dataclass(frozen=True)
class Quality:
    """Precision/recall figures on the labelled set."""

    precision: float
    recall: float
    obfuscated_recall: float
    allowlist_false_positives: int
    allowlist_size: int


def quality(flagged: Callable[[Labelled], bool], labelled: Sequence[Labelled]) -> Quality:
    """Score a "does it flag this line" function on the labelled set."""
    tp = fp = fn = 0
    obfuscated_tp = obfuscated_positive = 0
    allow_fp = allow_size = 0
    for row in labelled:
        positive = row.expected != "allow"
        predicted = flagged(row)
        tp += positive and predicted
        fp += (not positive) and predicted
        fn += positive and not predicted
        if row.group == "obfuscated" and positive:
            obfuscated_positive += 1
            obfuscated_tp += predicted
        if row.group == "scunthorpe":
            allow_size += 1
            allow_fp += predicted
    return Quality(
        precision=tp / (tp + fp) if tp + fp else 1.0,
        recall=tp / (tp + fn) if tp + fn else 1.0,
        obfuscated_recall=obfuscated_tp / obfuscated_positive if obfuscated_positive else 1.0,
        allowlist_false_positives=allow_fp,
        allowlist_size=allow_size,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    labelled = load_labelled()
    messages = generate_messages(args.messages, args.seed, labelled)
    started = time.perf_counter()
    moderation = ModerationFilter()
    build_seconds = time.perf_counter() - started
    policy = Policy()
    policies = {s: Policy(strictness=s) for s in ("relaxed", "standard", "strict")}

    try:
        from better_profanity import profanity  # type: ignore[import-not-found]
    except ImportError:
        profanity = None
        print("better-profanity is not installed; skipping the baseline.")
        print("  install it with: pip install better-profanity==0.6.1\n")
    checks: list[Callable[[str], object]] = [lambda m: moderation.check_input(m, policy)]
    if profanity is not None:
        profanity.load_censor_words()
        checks.append(profanity.contains_profanity)
    cold, rates = throughput(checks, messages, args.repeat)
    rows: list[tuple[str, float, float, Quality]] = [
        (
            "hearth ModerationFilter",
            cold[0],
            rates[0],
            quality(
                lambda r: moderation.check_input(r.text, policies[r.strictness]).verdict != "allow",
                labelled,
            ),
        )
    ]
    if profanity is not None:
        base_quality = quality(lambda r: bool(profanity.contains_profanity(r.text)), labelled)
        rows.append(("better-profanity 0.6.1", cold[1], rates[1], base_quality))

    flagged = sum(moderation.check_input(m, policy).verdict != "allow" for m in messages)
    print(
        f"{len(messages)} generated messages (seed {args.seed}), {flagged} not allowed; "
        f"{len(labelled)} labelled lines; filter built in {build_seconds:.2f} s\n"
    )
    header = (
        f"{'filter':<25}{'cold msg/s':>11}{'msg/s':>10}{'precision':>10}{'recall':>8}"
        f"{'obfusc. recall':>16}{'allowlist FP':>14}"
    )
    print(header)
    print("-" * len(header))
    for name, first, rate, q in rows:
        print(
            f"{name:<25}{first:>11,.0f}{rate:>10,.0f}{q.precision:>10.3f}{q.recall:>8.3f}"
            f"{q.obfuscated_recall:>16.3f}{f'{q.allowlist_false_positives}/{q.allowlist_size}':>14}"
        )
    if len(rows) == 2:
        print(
            f"\nthroughput ratio: {rows[0][2] / rows[1][2]:.1f}x better-profanity "
            f"(first, cold run: {rows[0][1] / rows[1][1]:.1f}x)"
        )
    print(
        "msg/s is the median of the runs after the first; the first run is cold (the filter "
        "learns which words are clean as it goes)."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
