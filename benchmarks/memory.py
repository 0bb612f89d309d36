"""Memory: recall latency at 10k, 100k and 1M stored memories over 10k users, against a naive
LIKE-scan recall; extraction + store throughput; database size per memory.

    python benchmarks/memory.py [--sizes 10000,100000,1000000] [--users 10000] [--queries 2000]

One database grows through the sizes (rows are bulk-loaded with executemany in batches, through
the real schema and its FTS triggers). At each size, the same random (user, message) pairs are
timed with:

- ``recall``: MemoryService.recall, the whole per-turn hook (preferences, core facts, FTS5
  search ranked by bm25 + recency + use, a callback candidate, and the recall-count update);
- ``fts search``: the repository's search alone;
- ``LIKE, user index``: a LIKE over the user's rows, found through the per-user index;
- ``LIKE scan``: the naive recall: ``content LIKE '%word%'`` over the whole table (no index
  can serve a leading wildcard), filtered by user. Fewer queries at large sizes: it is slow.

Targets: recall p99 under 5 ms at 1M rows.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.memory.extract import extract  # noqa: E402
from bot.memory.service import MemoryService  # noqa: E402
from bot.storage import Database, open_database  # noqa: E402
from bot.storage.sqlite.memory import search_terms, words  # noqa: E402

BATCH = 50_000
BASE_TIME = 1_700_000_000.0

THINGS = """
jazz olives chess cats dogs tea coffee hiking painting football piano guitar rain snow pizza
sushi books films anime gardening cycling running swimming baking knitting photography
astronomy history maths science poetry drawing skating surfing climbing camping fishing yoga
dancing singing coding puzzles crosswords sudoku trains planes boats horses birds frogs
lizards mountains beaches volcanoes dinosaurs robots spaceships castles pirates dragons
chocolate strawberries mangoes noodles curry tacos dumplings pancakes waffles cheese bread
soup salad lemonade cocoa violins drums trumpets cellos harps ukuleles banjos flutes opera
ballet theatre podcasts museums libraries markets festivals thunderstorms sunsets autumn
spring winter summer mornings evenings weekends holidays road trips board games card games
video games chess puzzles lego origami pottery woodwork sewing embroidery calligraphy
""".split()
NAMES = """
Biscuit Luna Max Bella Charlie Milo Coco Daisy Rocky Pepper Mochi Nala Oscar Ziggy Olive
Bean Clover Pickle Waffles Nori Pixel Juniper Maple Sprout Tofu Peanut Basil Willow Hazel
Ana Leo Maya Sam Priya Tomas Ines Yuki Omar Lena Noah Aisha Kai Rosa Felix Ivy Arjun Mei
""".split()
CITIES = """
Lyon Paris Berlin Tokyo Lima Oslo Cairo Denver Austin Leeds Porto Kyoto Quito Perth Dublin
Nairobi Seoul Madrid Lisbon Accra Hanoi Bogota Zurich Krakow Glasgow Bristol Osaka Manila
""".split()
ANIMALS = "dog cat hamster rabbit parrot tortoise goldfish gecko horse guinea pig".split()
RELATIONS = "sister brother mum dad cousin aunt uncle grandma grandpa daughter son".split()
EVENTS = "exam interview recital match presentation audition race concert trip".split()
DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
JOBS = "nurse teacher baker engineer designer writer pilot chef student librarian".split()

TEMPLATES: list[tuple[str, str | None, Callable[[random.Random], str]]] = [
    ("like", None, lambda r: r.choice(THINGS)),
    ("like", None, lambda r: f"{r.choice(THINGS)} and {r.choice(THINGS)}"),
    ("dislike", None, lambda r: r.choice(THINGS)),
    ("hobby", None, lambda r: r.choice(THINGS)),
    ("pet", None, lambda r: f"{r.choice(ANIMALS)} called {r.choice(NAMES)}"),
    ("family", None, lambda r: f"{r.choice(RELATIONS)} called {r.choice(NAMES)}"),
    ("situation", None, lambda r: f"{r.choice(EVENTS)} on {r.choice(DAYS)}"),
    ("goal", None, lambda r: f"learn {r.choice(THINGS)}"),
    ("note", None, lambda r: f"the spare key is with {r.choice(NAMES)}"),
]
KEYED: list[tuple[str, str, Callable[[random.Random], str]]] = [
    ("name", "name", lambda r: r.choice(NAMES)),
    ("place", "home", lambda r: r.choice(CITIES)),
    ("work", "job", lambda r: r.choice(JOBS)),
]
MESSAGES = [
    "how is {name} doing?",
    "I went {thing} again today, it was great",
    "do you think I should try {thing}?",
    "my {relation} {name} says hi",
    "what's my name?",
    "I'm so nervous about the {event}",
    "any ideas for the weekend? maybe {thing}",
    "hello!",
    "I had {thing} for lunch",
    "can you recommend something about {thing} or {thing2}?",
]
TURNS = [
    "I'm {name}",
    "I love {thing}",
    "my {animal} {name} is hilarious",
    "I have an {event} on {day}",
    "I live in {city}",
    "haha that's so funny",
    "what do you think about {thing}?",
    "I can't stand {thing}",
    "tell me a joke",
    "I'm a {job}",
    "good morning!",
    "I don't play {thing} anymore",
]


def fill(template: str, rng: random.Random) -> str:
    return template.format(
        name=rng.choice(NAMES),
        thing=rng.choice(THINGS),
        thing2=rng.choice(THINGS),
        relation=rng.choice(RELATIONS),
        event=rng.choice(EVENTS),
        animal=rng.choice(ANIMALS),
        day=rng.choice(DAYS),
        city=rng.choice(CITIES),
        job=rng.choice(JOBS),
    )


def user_id(index: int) -> int:
    return 10**17 + index * 7919


# --- loading ------------------------------------------------------------------------------------


def load(path: Path, start: int, stop: int, users: int, rng: random.Random) -> float:
    """Insert memories [start, stop) spread over ``users``; returns seconds taken."""
    begin = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    if start == 0:
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO users (user_id, display_name, first_seen_at, last_seen_at) "
            "VALUES (?, '', ?, ?)",
            [(user_id(i), BASE_TIME, BASE_TIME) for i in range(users)],
        )
        conn.execute("COMMIT")
    for batch_start in range(start, stop, BATCH):
        rows = []
        for index in range(batch_start, min(stop, batch_start + BATCH)):
            owner = user_id(index % users)
            if index < users * len(KEYED):  # every user's first rows: name, home, job
                kind, key, make = KEYED[index // users]
            else:
                kind, key, make = rng.choice(TEMPLATES)
            content = make(rng)
            when = BASE_TIME + rng.uniform(0, 180 * 86_400)
            rows.append(
                (
                    owner,
                    kind,
                    key,
                    content,
                    None if rng.random() < 0.3 else 42,
                    "chat",
                    search_terms(owner, f"{kind} {content}"),
                    when,
                    when,
                )
            )
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO memories (user_id, kind, key, content, guild_id, source, search_terms, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return time.perf_counter() - begin


def sizes_of(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall()
    conn.close()
    groups = {"memories": 0, "index": 0, "fts": 0}
    for name, size in rows:
        if name.startswith("memories_fts"):
            groups["fts"] += size
        elif name == "memories":
            groups["memories"] += size
        elif name.startswith("memories_by"):
            groups["index"] += size
    return groups


# --- timing -------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def timed(calls: list[Callable[[], Awaitable[object]]]) -> list[float]:
    times = []
    for call in calls:
        start = time.perf_counter()
        await call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def like_query(
    db: Database, owner: int, text: str, *, scan: bool
) -> Callable[[], Awaitable[object]]:
    terms = words(text)[:8] or ["zzzz"]
    source = "memories NOT INDEXED" if scan else "memories"
    condition = " OR ".join("content LIKE ?" for _ in terms)
    statement = (
        f"SELECT id, content, updated_at FROM {source} WHERE user_id = ? AND ({condition}) "
        "ORDER BY updated_at DESC LIMIT 10"
    )
    params = [owner, *(f"%{t}%" for t in terms)]

    async def run() -> object:
        async with db.connection() as conn:
            return await conn.execute_fetchall(statement, params)

    return run


async def measure(
    path: Path, users: int, queries: int, rng: random.Random
) -> dict[str, list[float]]:
    db = await open_database(path)
    try:
        service = MemoryService(db)
        pairs = [
            (user_id(rng.randrange(users)), fill(rng.choice(MESSAGES), rng)) for _ in range(queries)
        ]
        count = await db.memories.total()
        scans = max(20, min(queries, int(queries * 20_000 / max(count, 1))))
        results = {
            "recall": await timed([lambda u=u, t=t: service.recall(u, 42, t) for u, t in pairs]),
            "fts search": await timed(
                [lambda u=u, t=t: db.memories.search(u, t, limit=20) for u, t in pairs]
            ),
            "LIKE, user index": await timed([like_query(db, u, t, scan=False) for u, t in pairs]),
            "LIKE scan": await timed([like_query(db, u, t, scan=True) for u, t in pairs[:scans]]),
        }
        return results
    finally:
        await db.close()


async def throughput(path: Path, turns: int, rng: random.Random) -> tuple[float, float, int]:
    """(extraction-only turns/s, extraction + store turns/s, memories stored)."""
    texts = [fill(rng.choice(TURNS), rng) for _ in range(turns)]
    start = time.perf_counter()
    for text in texts:
        extract(text)
    extraction = turns / (time.perf_counter() - start)
    db = await open_database(path)
    try:
        service = MemoryService(db)
        start = time.perf_counter()
        for index, text in enumerate(texts):
            await service.observe(user_id(index % 500), 42, 7, text, None)
        stored = await db.memories.total()
        return extraction, turns / (time.perf_counter() - start), stored
    finally:
        await db.close()


# --- main ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--turns", type=int, default=3_000)
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    rng = random.Random(4)
    started = time.perf_counter()
    print(
        f"SQLite {sqlite3.sqlite_version}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs"
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "memory-bench.db"
        asyncio.run(_create(path))
        empty = path.stat().st_size
        loaded = 0
        print(
            f"\n{'memories':>9} {'load s':>7} {'B/memory':>9}  "
            f"{'method':<17} {'p50 ms':>8} {'p99 ms':>8} {'queries':>8}"
        )
        for size in sizes:
            took = load(path, loaded, size, args.users, rng)
            loaded = size
            per_memory = (path.stat().st_size - empty) / size
            results = asyncio.run(measure(path, args.users, args.queries, rng))
            for index, (method, times) in enumerate(results.items()):
                head = f"{size:>9,} {took:>7.1f} {per_memory:>9.0f}" if index == 0 else " " * 27
                print(
                    f"{head}  {method:<17} {statistics.median(times):>8.3f} "
                    f"{percentile(times, 0.99):>8.3f} {len(times):>8}"
                )
        parts = sizes_of(path)
        total = sum(parts.values())
        print(
            f"\nat {loaded:,} memories: table {parts['memories'] / loaded:.0f} B, per-user "
            f"indexes {parts['index'] / loaded:.0f} B, FTS5 index {parts['fts'] / loaded:.0f} B "
            f"= {total / loaded:.0f} B per memory ({total / 2**20:.0f} MiB)"
        )
        turns_path = Path(folder) / "turns.db"
        extraction, stored_rate, stored = asyncio.run(throughput(turns_path, args.turns, rng))
        print(
            f"\nextraction only: {extraction:,.0f} turns/s; extraction + store (observe, real "
            f"database): {stored_rate:,.0f} turns/s ({args.turns} turns, {stored} memories kept)"
        )
    print(f"\ntotal {time.perf_counter() - started:.0f} s")


async def _create(path: Path) -> None:
    db = await open_database(path)
    await db.close()


if __name__ == "__main__":
    main()
