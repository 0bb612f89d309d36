"""SQLite implementation of AdventureRepository (runs and party votes)."""

from __future__ import annotations

import sqlite3
import time

import aiosqlite

from bot.storage import validation
from bot.storage.entertainment_repo import (
    ADVENTURE_MODES,
    MAX_NAME_LENGTH,
    RUN_STATUSES,
    AdventureRunRecord,
    NewAdventureRun,
    RunStatus,
)
from bot.storage.errors import ConstraintError
from bot.storage.sqlite.base import Clock, SqliteAccess

_COLUMNS = (
    "id, guild_id, channel_id, starter_id, starter_name, adventure_id, mode, state, step, "
    "status, message_id, vote_deadline, created_at, updated_at"
)
_SELECT = "SELECT " + _COLUMNS + " FROM adventure_runs WHERE "
_GET = _SELECT + "id = ?"
_ACTIVE_PARTY = _SELECT + "channel_id = ? AND status = 'active' AND mode = 'party'"
_ACTIVE_SOLO = _SELECT + "channel_id = ? AND status = 'active' AND mode = 'solo' AND starter_id = ?"
_OPEN_VOTES = _SELECT + "vote_deadline IS NOT NULL AND status = 'active' ORDER BY vote_deadline"
_INSERT = """
INSERT INTO adventure_runs (guild_id, channel_id, starter_id, starter_name, adventure_id, mode,
                            state, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
_ADVANCE = """
UPDATE adventure_runs SET state = ?, step = step + 1, status = ?, vote_deadline = NULL,
                          updated_at = ?
WHERE id = ? AND step = ? AND status = 'active'
"""
_DROP_VOTES = "DELETE FROM adventure_votes WHERE run_id = ? AND step = ?"
_SET_MESSAGE = "UPDATE adventure_runs SET message_id = ?, updated_at = ? WHERE id = ?"
_SET_STATUS = """
UPDATE adventure_runs SET status = ?, vote_deadline = NULL, updated_at = ?
WHERE id = ? AND status = 'active'
"""
_SET_DEADLINE = (
    "UPDATE adventure_runs SET vote_deadline = ?, updated_at = ? "
    "WHERE id = ? AND vote_deadline IS NULL"
)
_VOTE = """
INSERT INTO adventure_votes (run_id, step, user_id, choice, voted_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (run_id, step, user_id) DO UPDATE SET
    choice = excluded.choice, voted_at = excluded.voted_at
"""
_VOTES = "SELECT user_id, choice FROM adventure_votes WHERE run_id = ? AND step = ?"


class SqliteAdventureRepository:
    """Runs in `adventure_runs`, party votes in `adventure_votes`."""

    def __init__(self, db: SqliteAccess, clock: Clock = time.time) -> None:
        self._db = db
        self._clock = clock

    async def create(self, run: NewAdventureRun) -> AdventureRunRecord | None:
        """Store a new active run; None when the player (solo) or channel (party) has one."""
        validation.discord_id("guild_id", run.guild_id)
        validation.discord_id("channel_id", run.channel_id)
        validation.discord_id("starter_id", run.starter_id)
        validation.text("starter_name", run.starter_name, max_length=MAX_NAME_LENGTH)
        validation.identifier("adventure_id", run.adventure_id, max_length=64)
        validation.choice("adventure mode", run.mode, ADVENTURE_MODES)
        validation.text("state", run.state, allow_empty=False)
        now = self._clock()
        async with self._db.transaction() as conn:
            if await _live(conn, run.channel_id, run.mode, run.starter_id) is not None:
                return None
            cursor = await conn.execute(
                _INSERT,
                (
                    run.guild_id,
                    run.channel_id,
                    run.starter_id,
                    run.starter_name,
                    run.adventure_id,
                    run.mode,
                    run.state,
                    now,
                    now,
                ),
            )
            run_id = cursor.lastrowid
            await cursor.close()
            assert run_id is not None
            return await _get(conn, run_id)

    async def get(self, run_id: int) -> AdventureRunRecord | None:
        """The run with this id, or None."""
        validation.discord_id("run_id", run_id)
        async with self._db.connection() as conn:
            return await _get(conn, run_id)

    async def active(
        self, channel_id: int, *, starter_id: int | None = None
    ) -> AdventureRunRecord | None:
        """The channel's active party run (``starter_id`` None) or the player's solo run."""
        validation.discord_id("channel_id", channel_id)
        async with self._db.connection() as conn:
            if starter_id is None:
                return await _live(conn, channel_id, "party", 0)
            validation.discord_id("starter_id", starter_id)
            return await _live(conn, channel_id, "solo", starter_id)

    async def advance(
        self, run_id: int, *, from_step: int, state: str, finished: bool
    ) -> AdventureRunRecord | None:
        """Save a choice if the run is active and still at ``from_step``; else None."""
        validation.discord_id("run_id", run_id)
        validation.limit("from_step", from_step)
        validation.text("state", state, allow_empty=False)
        validation.flag("finished", finished)
        status = "finished" if finished else "active"
        async with self._db.transaction() as conn:
            cursor = await conn.execute(_ADVANCE, (state, status, self._clock(), run_id, from_step))
            changed = cursor.rowcount
            await cursor.close()
            if not changed:
                return None
            await conn.execute(_DROP_VOTES, (run_id, from_step))
            return await _get(conn, run_id)

    async def set_message(self, run_id: int, message_id: int | None) -> None:
        """Remember which message shows the run's current scene."""
        validation.discord_id("run_id", run_id)
        validation.optional_discord_id("message_id", message_id)
        async with self._db.connection() as conn:
            await conn.execute(_SET_MESSAGE, (message_id, self._clock(), run_id))

    async def set_status(self, run_id: int, status: RunStatus) -> bool:
        """Mark an active run finished or quit; False when it was not active."""
        validation.discord_id("run_id", run_id)
        validation.choice("status", status, RUN_STATUSES)
        if status == "active":
            raise ConstraintError("a run can only be marked 'finished' or 'quit'")
        async with self._db.connection() as conn:
            cursor = await conn.execute(_SET_STATUS, (status, self._clock(), run_id))
            changed = cursor.rowcount
            await cursor.close()
        return changed > 0

    async def vote(
        self, run_id: int, step: int, user_id: int, choice: int, *, deadline: float
    ) -> tuple[dict[int, int], float] | None:
        """Record a party vote for the current ``step``; the first vote sets the deadline."""
        validation.discord_id("run_id", run_id)
        validation.limit("step", step)
        validation.discord_id("user_id", user_id)
        validation.limit("choice", choice)
        validation.timestamp("deadline", deadline)
        now = self._clock()
        async with self._db.transaction() as conn:
            run = await _get(conn, run_id)
            if run is None or run.status != "active" or run.step != step:
                return None
            await conn.execute(_VOTE, (run_id, step, user_id, choice, now))
            await conn.execute(_SET_DEADLINE, (deadline, now, run_id))
            rows = await conn.execute_fetchall(_VOTES, (run_id, step))
            current = await _get(conn, run_id)
        assert current is not None and current.vote_deadline is not None
        return {row[0]: row[1] for row in rows}, current.vote_deadline

    async def votes(self, run_id: int, step: int) -> dict[int, int]:
        """user id -> chosen index for one step."""
        validation.discord_id("run_id", run_id)
        validation.limit("step", step)
        async with self._db.connection() as conn:
            rows = await conn.execute_fetchall(_VOTES, (run_id, step))
        return {row[0]: row[1] for row in rows}

    async def open_votes(self) -> list[AdventureRunRecord]:
        """Active runs with a vote deadline (to close them after a restart)."""
        async with self._db.connection() as conn:
            rows = await conn.execute_fetchall(_OPEN_VOTES)
        return [_to_run(row) for row in rows]


async def _get(conn: aiosqlite.Connection, run_id: int) -> AdventureRunRecord | None:
    rows = await conn.execute_fetchall(_GET, (run_id,))
    return _to_run(rows[0]) if rows else None


async def _live(
    conn: aiosqlite.Connection, channel_id: int, mode: str, starter_id: int
) -> AdventureRunRecord | None:
    if mode == "party":
        rows = await conn.execute_fetchall(_ACTIVE_PARTY, (channel_id,))
    else:
        rows = await conn.execute_fetchall(_ACTIVE_SOLO, (channel_id, starter_id))
    return _to_run(rows[0]) if rows else None


def _to_run(row: sqlite3.Row) -> AdventureRunRecord:
    return AdventureRunRecord(
        id=row["id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        starter_id=row["starter_id"],
        starter_name=row["starter_name"],
        adventure_id=row["adventure_id"],
        mode=row["mode"],
        state=row["state"],
        step=row["step"],
        status=row["status"],
        message_id=row["message_id"],
        vote_deadline=row["vote_deadline"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )
