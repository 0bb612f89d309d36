"""The emulator's gateway: HELLO, IDENTIFY, READY, heartbeats, dispatch and RESUME.

Each identified client gets a :class:`GatewaySession` that outlives its websocket: events
dispatched while the connection is down are kept, with their sequence numbers, and replayed
when the client RESUMEs, as Discord does.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

log = logging.getLogger(__name__)

HEARTBEAT_INTERVAL_MS = 41_250
INVALID_TOKEN = 4004


@dataclass
class GatewaySession:
    """A client's gateway session: its sequence number and the events it may need again."""

    session_id: str
    ws: web.WebSocketResponse | None = None
    seq: int = 0
    backlog: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=2000))
    resumes: int = 0

    async def send(self, event: str, data: Any) -> None:
        self.seq += 1
        payload = {"op": 0, "t": event, "s": self.seq, "d": data}
        self.backlog.append(payload)
        if self.ws is not None and not self.ws.closed:
            try:
                await self.ws.send_str(json.dumps(payload))
            except ConnectionResetError:
                self.ws = None


class Gateway:
    """Accepts gateway websockets and routes dispatches to identified sessions."""

    def __init__(
        self,
        *,
        token: str,
        ready_payload: Callable[[str], dict[str, Any]],
        guild_payloads: Callable[[], list[dict[str, Any]]],
        resume_url: Callable[[], str],
    ) -> None:
        self._token = token
        self._ready_payload = ready_payload
        self._guild_payloads = guild_payloads
        self._resume_url = resume_url
        self.sessions: dict[str, GatewaySession] = {}
        self.identified = asyncio.Event()
        self.opcodes_seen: list[int] = []

    async def dispatch(self, event: str, data: Any) -> None:
        """Send an event to every session (kept for replay if its socket is down)."""
        for session in list(self.sessions.values()):
            await session.send(event, data)

    async def drop_connections(self, code: int = 4000) -> int:
        """Close every live socket with a resumable close code; returns how many were closed."""
        closed = 0
        for session in self.sessions.values():
            ws, session.ws = session.ws, None
            if ws is not None and not ws.closed:
                await ws.close(code=code, message=b"emulator: connection dropped")
                closed += 1
        return closed

    async def request_reconnect(self) -> int:
        """Send op 7 (Reconnect) to every live socket, as Discord does before maintenance."""
        asked = 0
        for session in self.sessions.values():
            if session.ws is not None and not session.ws.closed:
                await session.ws.send_str(json.dumps({"op": 7, "d": None, "s": None, "t": None}))
                asked += 1
        return asked

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """The websocket endpoint."""
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        await ws.send_str(
            json.dumps(
                {"op": 10, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}, "s": None, "t": None}
            )
        )
        session: GatewaySession | None = None
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            try:
                payload = json.loads(msg.data)
                op = payload["op"]
            except (ValueError, KeyError, TypeError):
                await ws.close(code=4002, message=b"decode error")
                break
            self.opcodes_seen.append(op)
            if op == 1:
                await ws.send_str(json.dumps({"op": 11, "d": None, "s": None, "t": None}))
            elif op == 2:
                session = await self._identify(ws, payload.get("d") or {})
                if session is None:
                    break
            elif op == 6:
                session = await self._resume(ws, payload.get("d") or {})
            elif op == 8:
                data = payload.get("d") or {}
                await self._members_chunk(session, data)
        if session is not None and session.ws is ws:
            session.ws = None
        return ws

    async def _identify(
        self, ws: web.WebSocketResponse, data: dict[str, Any]
    ) -> GatewaySession | None:
        if data.get("token", "").removeprefix("Bot ") != self._token:
            await ws.close(code=INVALID_TOKEN, message=b"Authentication failed.")
            return None
        session = GatewaySession(session_id=secrets.token_hex(16), ws=ws)
        self.sessions[session.session_id] = session
        await session.send("READY", self._ready_payload(session.session_id))
        for guild in self._guild_payloads():
            await session.send("GUILD_CREATE", guild)
        self.identified.set()
        return session

    async def _resume(
        self, ws: web.WebSocketResponse, data: dict[str, Any]
    ) -> GatewaySession | None:
        session = self.sessions.get(data.get("session_id", ""))
        if session is None or data.get("token", "").removeprefix("Bot ") != self._token:
            await ws.send_str(json.dumps({"op": 9, "d": False, "s": None, "t": None}))
            return None
        session.ws = ws
        session.resumes += 1
        last_seen = int(data.get("seq") or 0)
        for payload in list(session.backlog):
            if payload["s"] > last_seen:
                await ws.send_str(json.dumps(payload))
        await session.send("RESUMED", {})
        return session

    async def _members_chunk(self, session: GatewaySession | None, data: dict[str, Any]) -> None:
        if session is None:
            return
        guild_id = data.get("guild_id")
        for guild in self._guild_payloads():
            if guild["id"] == str(guild_id):
                await session.send(
                    "GUILD_MEMBERS_CHUNK",
                    {
                        "guild_id": guild["id"],
                        "members": guild["members"],
                        "chunk_index": 0,
                        "chunk_count": 1,
                        "nonce": data.get("nonce"),
                    },
                )
