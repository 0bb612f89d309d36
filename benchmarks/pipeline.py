"""Throughput and latency of the chat pipeline with the offline brain.

The full service path of one message — limits, the input moderation check, memory
extraction and recall, persona resolution, context from a database
holding 100,000 earlier messages, the offline brain, the output gate, the stream renderer
and persistence of both turns — measured without Discord (its side is measured by
benchmarks/streaming.py). Runs at concurrency 1 and 100, and watches the event loop for
stalls with a 5 ms ticker.

    python benchmarks/pipeline.py [--messages 2000] [--history 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from bot.brain.offline import OfflineBrain
from bot.conversation import ChatConfig, ConversationService, Turn
from bot.limits import ChatLimiter
from bot.memory.service import MemoryService
from bot.moderation.service import ModerationService
from bot.output import OutputGate
from bot.personas import PersonaService
from bot.services import freeze_static_data
from bot.storage import open_database

GUILD = 900_000_000_000_000_001
LINES = [
    "hi there!",
    "how are you doing today?",
    "what's your favourite food?",
    "thanks a lot",
    "I feel a bit stressed about work",
    "tell me about yourself",
    "do you like music?",
    "what's the capital of Peru?",
    "are you a real person?",
    "good night!",
]


MESSAGE_IDS = itertools.count(10**16)


class NullSink:
    """Accepts rendered text like Discord would, instantly, with unique message ids."""

    async def send(self, text: str, *, state: str) -> int:
        return next(MESSAGE_IDS)

    async def edit(self, handle: int, text: str, *, state: str) -> None:
        return None


def seed_history(path: Path, rows: int, users: int, channels: int) -> None:
    """Fill the messages table directly (fast), as months of earlier chat would."""
    conn = sqlite3.connect(path)
    now = time.time() - 86_400
    conn.executemany(
        "INSERT OR IGNORE INTO users (user_id, display_name, first_seen_at, last_seen_at) "
        "VALUES (?, ?, ?, ?)",
        [(1_000 + u, f"user{u}", now, now) for u in range(users)],
    )
    rng = random.Random(7)
    batch = []
    for i in range(rows):
        user = 1_000 + rng.randrange(users)
        role = "user" if i % 2 == 0 else "assistant"
        batch.append(
            (
                GUILD,
                2_000 + user % channels,
                user,
                f"user{user}",
                role,
                rng.choice(LINES),
                now + i * 0.01,
            )
        )
        if len(batch) == 10_000:
            conn.executemany(
                "INSERT INTO messages (guild_id, channel_id, user_id, author_name, role, content,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                batch,
            )
            batch.clear()
    if batch:
        conn.executemany(
            "INSERT INTO messages (guild_id, channel_id, user_id, author_name, role, content,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            batch,
        )
    conn.commit()
    conn.close()


async def stall_watch(stop: asyncio.Event, stalls: list[float]) -> None:
    """Record how late a 5 ms ticker wakes up: the longest gap is the worst loop stall."""
    tick = 0.005
    last = time.perf_counter()
    while not stop.is_set():
        await asyncio.sleep(tick)
        now = time.perf_counter()
        stalls.append(now - last - tick)
        last = now


async def run(
    concurrency: int, messages: int, service: ConversationService, users: int
) -> tuple[float, list[float], float]:
    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(messages):
        queue.put_nowait(i)
    rng = random.Random(concurrency)

    async def worker(index: int) -> None:
        while True:
            try:
                i = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            user = 1_000 + (index * 7919 + i) % users
            turn = Turn(
                user_id=user,
                user_name=f"user{user}",
                channel_id=2_000 + user % 50,
                guild_id=GUILD,
                content=rng.choice(LINES),
                message_id=10**15 + concurrency * 10**7 + i,
            )
            started = time.perf_counter()
            if (await service.admit(turn)).allowed:
                await service.respond(turn, NullSink())
            latencies.append(time.perf_counter() - started)

    stop = asyncio.Event()
    stalls: list[float] = []
    watcher = asyncio.create_task(stall_watch(stop, stalls))
    started = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    elapsed = time.perf_counter() - started
    stop.set()
    await watcher
    return messages / elapsed, latencies, max(stalls, default=0.0)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main(messages: int, history: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="hearth-pipeline-"))
    path = folder / "bench.db"
    db = await open_database(path)
    await db.close()
    users = 2_000
    seed_history(path, history, users=users, channels=50)
    db = await open_database(path)
    personas = PersonaService(db, "shannon")
    offline = OfflineBrain(random.Random(1))
    offline.preload()  # as the bot does in a thread at start-up
    moderation = ModerationService(db)
    await moderation.ready()
    freeze_static_data()  # as the bot does once its warm-up is done
    service = ConversationService(
        db,
        personas,
        offline,
        OutputGate(),
        offline=offline,
        limiter=ChatLimiter(per_user_per_minute=0, per_guild_per_minute=0),
        config=ChatConfig(),
        moderation=moderation,
        memory=MemoryService(db),
    )
    print(f"database: {await db.messages.count():,} stored messages before the run")
    print(f"{'concurrency':>11} {'msgs/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'max stall ms':>13}")
    for concurrency in (1, 100):
        rate, latencies, stall = await run(concurrency, messages, service, users)
        print(
            f"{concurrency:>11} {rate:>9.0f} {pct(latencies, 0.5) * 1000:>8.2f} "
            f"{pct(latencies, 0.99) * 1000:>8.2f} {stall * 1000:>13.1f}"
        )
    print("targets: p99 < 10 ms at concurrency 1; no event-loop stall over 50 ms")
    print(
        f"latency at concurrency 100 includes queueing behind the other 99 conversations "
        f"(one SQLite connection); mean {statistics.mean(latencies) * 1000:.1f} ms"
    )
    await db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--history", type=int, default=100_000)
    args = parser.parse_args()
    asyncio.run(main(args.messages, args.history))
