"""Memory storage: the migration, the repository, the FTS5 index and its triggers, per-user
isolation, eviction, export/erasure, and durability when the process is killed mid-write."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage import ConstraintError, Database, NewMessage, open_database
from bot.storage.memory_repo import NewMemory, Visibility
from bot.storage.sqlite import memory as sqlite_memory
from bot.storage.sqlite.memory import match_expression, search_terms, words

ROOT = Path(__file__).resolve().parent.parent
ALICE, BOB = 1001, 2002
GUILD_A, GUILD_B = 71, 72


class FakeClock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def db(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Database]:
    database = await open_database(tmp_path / "memory.db", clock=clock)
    yield database
    await database.close()


def memory(user_id: int = ALICE, content: str = "jazz", **fields: object) -> NewMemory:
    values: dict[str, object] = {"user_id": user_id, "kind": "like", "content": content}
    values.update(fields)
    return NewMemory(**values)  # type: ignore[arg-type]


async def fts_ids(db: Database, user_id: int, text: str) -> list[int]:
    """What the FTS index itself returns (no join with memories)."""
    expression = match_expression(user_id, text)
    assert expression is not None
    async with db.connection() as conn:
        rows = await conn.execute_fetchall(
            "SELECT rowid FROM memories_fts WHERE memories_fts MATCH ?", (expression,)
        )
    return sorted(row[0] for row in rows)


async def index_problems(db: Database) -> tuple[int, int]:
    """(index rows without a memory, memories without index rows)."""
    async with db.connection() as conn:
        orphans = await conn.execute_fetchall(
            "SELECT COUNT(*) FROM memories_fts_docsize WHERE id NOT IN (SELECT id FROM memories)"
        )
        missing = await conn.execute_fetchall(
            "SELECT COUNT(*) FROM memories WHERE id NOT IN (SELECT id FROM memories_fts_docsize)"
        )
    return int(orphans[0][0]), int(missing[0][0])


# --- schema ----------------------------------------------------------------------------------


async def test_migration_creates_the_table_the_index_and_its_triggers(db: Database) -> None:
    async with db.connection() as conn:
        rows = await conn.execute_fetchall(
            "SELECT type, name FROM sqlite_master WHERE name LIKE 'memories%'"
        )
        plan = await conn.execute_fetchall(
            "EXPLAIN QUERY PLAN " + sqlite_memory._SEARCH + sqlite_memory._M_VISIBLE,
            ("x", 1, 0, None),
        )
    names = {(row[0], row[1]) for row in rows}
    assert ("table", "memories") in names and ("table", "memories_fts") in names
    assert {n for t, n in names if t == "trigger"} == {
        "memories_fts_after_insert",
        "memories_fts_after_delete",
        "memories_fts_after_update",
    }
    steps = [row[3] for row in plan]
    # Driven by the full-text index, then one primary-key lookup per hit.
    assert steps[0].startswith("SCAN memories_fts VIRTUAL TABLE INDEX"), steps
    assert steps[1].startswith("SEARCH m USING INTEGER PRIMARY KEY"), steps
    # The status CLI counts real tables only, not FTS internals.
    counts = await db.table_counts()
    assert "memories" in counts and not any(n.startswith("memories_fts") for n in counts)


async def test_schema_checks_reject_bad_rows_with_readable_reasons(db: Database) -> None:
    await db.users.touch(ALICE, "Alice")
    insert = (
        "INSERT INTO memories (user_id, kind, content, source, created_at, updated_at) "
        "VALUES (?, ?, ?, 'chat', 0, 0)"
    )
    with pytest.raises(ConstraintError, match="memory kind must be one of"):
        async with db.connection() as conn:
            await conn.execute(insert, (ALICE, "mood", "x"))
    with pytest.raises(ConstraintError, match="memory content must be 1 to 300 characters"):
        async with db.connection() as conn:
            await conn.execute(insert, (ALICE, "like", "   "))


async def test_repository_validates_arguments_with_clear_messages(db: Database) -> None:
    with pytest.raises(ValueError, match="memory kind must be one of"):
        await db.memories.add(memory(kind="mood"))
    with pytest.raises(ValueError, match="memory content must not be empty"):
        await db.memories.add(memory(content="  "))
    with pytest.raises(ValueError, match="at most 300 characters"):
        await db.memories.add(memory(content="x" * 301))
    with pytest.raises(ValueError, match="user_id must be an integer Discord id"):
        await db.memories.list("alice")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="memory source must be one of"):
        await db.memories.add(memory(source="rumour"))


# --- the index follows every change ----------------------------------------------------------


async def test_index_follows_insert_update_delete_and_cascade(db: Database) -> None:
    dog = await db.memories.add(memory(kind="pet", content="dog called Biscuit"))
    assert await fts_ids(db, ALICE, "biscuit") == [dog.id]
    await db.memories.update(ALICE, dog.id, content="dog called Pepper")
    assert await fts_ids(db, ALICE, "biscuit") == []
    assert await fts_ids(db, ALICE, "pepper") == [dog.id]
    await db.memories.delete(ALICE, [dog.id])
    assert await fts_ids(db, ALICE, "pepper") == []
    await db.memories.add(memory(content="tea"))
    async with db.connection() as conn:  # an owner purge removes the user row: cascade
        await conn.execute("DELETE FROM users WHERE user_id = ?", (ALICE,))
    assert await fts_ids(db, ALICE, "tea") == []
    assert await index_problems(db) == (0, 0)


async def test_search_ranks_by_bm25_stems_words_and_ignores_stopwords(db: Database) -> None:
    jazz = await db.memories.add(memory(content="jazz"))
    cats = await db.memories.add(memory(content="cats"))
    await db.memories.add(memory(kind="pet", content="dog called Biscuit"))
    hits = await db.memories.search(ALICE, "do you think my cat likes jazz?")
    assert {h.memory.id for h in hits} >= {jazz.id, cats.id}  # "cat" finds "cats" (stemming)
    assert all(h.rank < 0 for h in hits)
    assert await db.memories.search(ALICE, "the and of it") == []  # only stopwords
    assert await db.memories.search(ALICE, "") == []
    assert words("The Café, CAFÉ and cafe!") == ["cafe"]


async def test_searches_never_cross_users_even_with_the_same_words(db: Database) -> None:
    mine = await db.memories.add(memory(ALICE, "secret garden"))
    theirs = await db.memories.add(memory(BOB, "secret garden"))
    assert [h.memory.id for h in await db.memories.search(ALICE, "garden")] == [mine.id]
    assert [h.memory.id for h in await db.memories.search(BOB, "garden")] == [theirs.id]
    # Ids alone never reach another user's memory.
    assert await db.memories.get(BOB, mine.id) is None
    assert await db.memories.update(BOB, mine.id, content="stolen") is None
    assert await db.memories.delete(BOB, [mine.id]) == 0
    assert (await db.memories.get(ALICE, mine.id)).content == "secret garden"  # type: ignore[union-attr]
    # The tag makes one user's words distinct tokens from another's.
    assert search_terms(ALICE, "garden") != search_terms(BOB, "garden")
    assert search_terms(1, "23q garden").split()[0] != search_terms(12, "3q garden").split()[0]


async def test_visibility_keeps_each_place_to_itself(db: Database) -> None:
    in_a = await db.memories.add(memory(content="chess", guild_id=GUILD_A))
    in_dm = await db.memories.add(memory(content="cheese", guild_id=None))
    everywhere = await db.memories.add(memory(content="chips", guild_id=GUILD_B, is_global=True))

    async def visible(place: Visibility) -> set[int]:
        listed = {m.id for m in await db.memories.list(ALICE, visibility=place)}
        found = {
            h.memory.id
            for h in await db.memories.search(ALICE, "chess cheese chips", visibility=place)
        }
        assert listed == found
        assert await db.memories.count(ALICE, visibility=place) == len(listed)
        return listed

    assert await visible(Visibility(GUILD_A)) == {in_a.id, everywhere.id}
    assert await visible(Visibility(GUILD_B)) == {everywhere.id}
    assert await visible(Visibility(None)) == {in_dm.id, everywhere.id}
    assert await visible(Visibility(GUILD_B, everywhere=True)) == {in_a.id, in_dm.id, everywhere.id}


async def test_recall_bookkeeping_and_key_lookups(db: Database, clock: FakeClock) -> None:
    name = await db.memories.add(memory(kind="name", key="name", content="Priya"))
    clock.now += 60
    await db.memories.mark_recalled(ALICE, [name.id])
    await db.memories.mark_recalled(BOB, [name.id])  # not Bob's: no effect
    again = await db.memories.get(ALICE, name.id)
    assert again is not None and again.recall_count == 1
    assert again.last_recalled_at == clock.now
    assert [m.id for m in await db.memories.list(ALICE, key="name")] == [name.id]
    assert await db.memories.list(ALICE, kinds=[]) == []


async def test_evict_removes_the_least_useful_first(db: Database, clock: FakeClock) -> None:
    name = await db.memories.add(memory(kind="name", key="name", content="Priya"))
    asked = await db.memories.add(memory(content="asked", source="command"))
    used = await db.memories.add(memory(content="used often"))
    for _ in range(3):
        await db.memories.mark_recalled(ALICE, [used.id])
    old = await db.memories.add(memory(content="old idle"))
    clock.now += 1000
    fresh = await db.memories.add(memory(content="fresh idle"))
    other = await db.memories.add(memory(BOB, "bob's"))
    assert await db.memories.evict(ALICE, 4, protect=[fresh.id]) == 1
    assert old.id not in {m.id for m in await db.memories.list(ALICE)}  # never used: first
    assert await db.memories.evict(ALICE, 3, protect=[fresh.id]) == 1
    left = {m.id for m in await db.memories.list(ALICE)}
    assert left == {name.id, asked.id, fresh.id}  # core facts and explicit requests last
    assert used.id not in left
    assert await db.memories.evict(ALICE, 10) == 0
    assert await db.memories.get(BOB, other.id) is not None


async def test_export_forget_and_purge_cover_exactly_one_user(db: Database) -> None:
    for user, text in ((ALICE, "hi from alice"), (BOB, "hi from bob")):
        await db.users.touch(user, str(user))
        await db.messages.add(
            NewMessage(
                channel_id=5, user_id=user, author_name=str(user), role="user",
                content=text, created_at=time.time(),
            )
        )  # fmt: skip
        await db.memories.add(memory(user, f"likes of {user}"))
    data = await db.user_data.export(ALICE)
    assert data.user is not None and data.user.user_id == ALICE
    assert [m.content for m in data.memories] == [f"likes of {ALICE}"]
    assert [m.content for m in data.messages] == ["hi from alice"]
    counts = await db.user_data.forget(ALICE)
    assert (counts.memories, counts.messages, counts.user_record) == (1, 1, False)
    assert await db.users.get(ALICE) is not None  # preferences stay
    purged = await db.user_data.purge(BOB)
    assert (purged.memories, purged.messages, purged.user_record) == (1, 1, True)
    assert await db.users.get(BOB) is None
    assert await db.memories.total() == 0 and await db.messages.count() == 0
    assert await index_problems(db) == (0, 0)


async def test_concurrent_writers_keep_the_index_exact(db: Database) -> None:
    async def writer(user: int) -> None:
        for i in range(40):
            added = await db.memories.add(memory(user, f"item{i} of user{user}"))
            if i % 3 == 0:
                await db.memories.update(user, added.id, content=f"changed{i}")
            if i % 4 == 0:
                await db.memories.delete(user, [added.id])

    await asyncio.gather(*(writer(u) for u in range(1, 9)))
    assert await index_problems(db) == (0, 0)
    assert await fts_ids(db, 3, "changed3") == [
        m.id for m in await db.memories.list(3) if m.content == "changed3"
    ]


# --- killed mid-write ------------------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import asyncio, json, random, sys
    sys.path.insert(0, sys.argv[2])
    from bot.storage import open_database
    from bot.storage.memory_repo import NewMemory

    async def main():
        db = await open_database(sys.argv[1])
        live = []
        rng = random.Random(7)
        i = 0
        while True:
            i += 1
            user = rng.randint(1, 5)
            roll = rng.random()
            if live and roll < 0.2:
                user, mid = live.pop(rng.randrange(len(live)))
                print(json.dumps({"op": "delete-begin", "id": mid}), flush=True)
                await db.memories.delete(user, [mid])
                print(json.dumps({"op": "delete", "id": mid}), flush=True)
            elif live and roll < 0.4:
                user, mid = rng.choice(live)
                text = f"updated word{i} for user{user}"
                print(json.dumps({"op": "update-begin", "id": mid, "content": text}), flush=True)
                await db.memories.update(user, mid, content=text)
                print(json.dumps({"op": "update", "id": mid, "content": text}), flush=True)
            else:
                text = f"memory word{i} for user{user}"
                m = await db.memories.add(NewMemory(user_id=user, kind="note", content=text))
                live.append((user, m.id))
                print(json.dumps({"op": "add", "id": m.id, "user": user, "content": text}),
                      flush=True)

    asyncio.run(main())
    """
)


def test_a_killed_process_loses_no_committed_memory_and_leaves_no_orphans(tmp_path: Path) -> None:
    path = tmp_path / "killed.db"
    asyncio.run(_create(path))  # migrated before the writer starts
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    process = subprocess.Popen(
        [sys.executable, str(script), str(path), str(ROOT)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    events: list[dict[str, object]] = []
    assert process.stdout is not None
    try:
        deadline = time.monotonic() + 20
        while len(events) < 400 and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            events.append(json.loads(line))
        os.kill(process.pid, signal.SIGKILL)  # in the middle of its next write
    finally:
        process.wait(timeout=10)
    assert len(events) >= 400, process.stderr.read() if process.stderr else ""
    assert process.returncode == -signal.SIGKILL

    expected: dict[int, set[str]] = {}  # id -> acceptable contents
    in_doubt: set[int] = set()
    for event in events:
        mid = int(event["id"])  # type: ignore[arg-type]
        op = event["op"]
        if op == "add":
            expected[mid] = {str(event["content"])}
        elif op == "update-begin":
            expected[mid] = expected[mid] | {str(event["content"])}  # landed or not
        elif op == "update":
            expected[mid] = {str(event["content"])}
        elif op == "delete-begin":
            in_doubt.add(mid)
        elif op == "delete":
            in_doubt.discard(mid)
            expected.pop(mid, None)

    async def check() -> None:
        db = await open_database(path)
        try:
            async with db.connection() as conn:
                assert (await conn.execute_fetchall("PRAGMA integrity_check"))[0][0] == "ok"
                await conn.execute(
                    "INSERT INTO memories_fts (memories_fts) VALUES ('integrity-check')"
                )
                rows = await conn.execute_fetchall("SELECT id, user_id, content FROM memories")
            stored = {row[0]: (row[1], row[2]) for row in rows}
            for mid, contents in expected.items():
                if mid in in_doubt:
                    continue
                assert mid in stored, f"committed memory {mid} was lost"
                user, content = stored[mid]
                assert content in contents
                word = next(w for w in content.split() if w.startswith("word"))
                assert mid in await fts_ids(db, user, word)  # still findable
            assert await index_problems(db) == (0, 0)
        finally:
            await db.close()

    asyncio.run(check())


async def _create(path: Path) -> None:
    db = await open_database(path)
    await db.close()


def test_nothing_is_left_in_sqlite_cli_view_after_delete(tmp_path: Path) -> None:
    """An outside reader (sqlite3, another process) sees the same: no FTS rows for deleted
    memories, so the deleted text cannot be found with a plain MATCH either."""

    async def scenario() -> int:
        db = await open_database(tmp_path / "cli.db")
        try:
            added = await db.memories.add(memory(content="sapphire lagoon"))
            await db.memories.delete(ALICE, [added.id])
            return added.id
        finally:
            await db.close()

    deleted_id = asyncio.run(scenario())
    with sqlite3.connect(tmp_path / "cli.db") as conn:
        found = conn.execute(
            "SELECT rowid FROM memories_fts WHERE memories_fts MATCH ?",
            (match_expression(ALICE, "sapphire"),),
        ).fetchall()
        sizes = conn.execute(
            "SELECT COUNT(*) FROM memories_fts_docsize WHERE id = ?", (deleted_id,)
        ).fetchone()
    conn.close()
    assert found == [] and sizes == (0,)
