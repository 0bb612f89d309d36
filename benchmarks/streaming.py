"""Streaming latency as a Discord user sees it: emulator <- HearthBot -> a local LLM server.

A local OpenAI-compatible server emits tokens on an exact schedule (100 tokens every 20 ms,
and 30 every 50 ms). For each reply we take, from the emulator's side:
- user's message -> the request reaching the LLM server          (target < 15 ms)
- first token sent -> first text visible in Discord              (target: within one interval)
- last token sent -> final text visible                          (target < 150 ms)
- edits per second of the streaming message                      (target: about 1)

The same run repeats the measurement with a baseline renderer that does what common LLM
bots do (edit on a fixed one-second clock, and let the final text wait for the next tick),
so the difference is measured here, not quoted.

    python benchmarks/streaming.py [--replies 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bot.conversation as conversation_module
from bot.brain.fakes import FakeOpenAIServer, Scenario
from bot.emulator.harness import IdleRules, bot_messages, wait_idle, wait_until
from bot.emulator.world import LocalWorld
from bot.settings import Settings
from bot.streaming import StreamRenderer


@dataclass
class ClockRenderer:
    """Baseline: a fixed one-second edit clock; the final text waits for the next tick."""

    sink: Any
    render: Any = lambda text: text
    text: str = ""
    _handle: Any = None
    _shown: str = ""
    _task: asyncio.Task[None] | None = None
    _done: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def handles(self) -> list[Any]:
        return [self._handle] if self._handle is not None else []

    def feed(self, chunk: str) -> None:
        self.text += chunk
        if self._task is None:
            self._task = asyncio.ensure_future(self._tick())

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            visible = self.render(self.text)[:2000]
            if visible != self._shown:
                final = self._done.is_set()
                if self._handle is None:
                    self._handle = await self.sink.send(
                        visible, state="final" if final else "streaming"
                    )
                else:
                    await self.sink.edit(
                        self._handle, visible, state="final" if final else "streaming"
                    )
                self._shown = visible
            if self._done.is_set():
                return

    async def finish(self) -> list[Any]:
        self._done.set()
        if self._task is not None:
            await self._task
        return self.handles


@dataclass
class Figures:
    to_request: list[float] = field(default_factory=list)
    first_visible: list[float] = field(default_factory=list)
    final_visible: list[float] = field(default_factory=list)
    edits_per_second: list[float] = field(default_factory=list)


async def measure(renderer: type, tokens: int, interval: float, replies: int) -> Figures:
    conversation_module.StreamRenderer = renderer  # type: ignore[misc]
    figures = Figures()
    async with FakeOpenAIServer(models=["bench"]) as server:
        folder = Path(tempfile.mkdtemp(prefix="hearth-stream-"))
        settings = Settings(
            database_path=folder / "h.db",
            _env_file=None,
            brain="openai",
            llm_base_url=server.base_url,
            llm_model="bench",
        )
        world = await LocalWorld.create(settings)
        await world.start_bot()
        try:
            person = await world.person("Bench")
            # One reply to warm up (first HTTP connection, corpus loading) that is not counted.
            # Every request gets the timed stream (the memory extractor's requests too, which
            # follow each reply and find no JSON in it, as with a chatty model).
            server.default = Scenario(
                tokens=tuple(f" t{j}" for j in range(tokens)), interval=interval
            )
            warm = await person.say(person.dm, "warm up")
            await wait_until(
                world.emu, lambda: bot_messages(world.emu, person.dm, after=warm.id), timeout=30
            )
            await wait_idle(world.emu, IdleRules(timeout=60))
            for i in range(replies):
                started = time.monotonic()
                sent = await person.say(person.dm, f"stream {i}")
                await wait_idle(world.emu, IdleRules(timeout=60))
                [message] = bot_messages(world.emu, person.dm, after=sent.id)
                # The reply's request (a memory-extraction request may follow it).
                chat = next(
                    c for c in reversed(server.chats) if "Rules that always apply" in str(c.body)
                )
                last_visible = message.edits[-1] if message.edits else message.created_mono
                figures.to_request.append(chat.received_at - started)
                figures.first_visible.append(message.created_mono - chat.token_times[0])
                figures.final_visible.append(last_visible - chat.token_times[-1])
                span = last_visible - message.created_mono
                figures.edits_per_second.append(len(message.edits) / span if span > 0 else 0)
        finally:
            await world.close()
            conversation_module.StreamRenderer = StreamRenderer  # type: ignore[misc]
    return figures


def row(name: str, figures: Figures) -> str:
    def ms(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:7.1f} ({max(values) * 1000:6.1f})"

    return (
        f"{name:<38}{ms(figures.to_request):>17}{ms(figures.first_visible):>17}"
        f"{ms(figures.final_visible):>17}{statistics.median(figures.edits_per_second):>10.2f}"
    )


async def main(replies: int) -> None:
    print(f"median (max) over {replies} replies each, after one warm-up reply; milliseconds")
    print(
        f"{'':<38}{'msg -> request':>17}{'1st tok -> text':>17}{'last tok -> text':>17}"
        f"{'edits/s':>10}"
    )
    for tokens, interval in ((100, 0.020), (30, 0.050)):
        for name, renderer in (("hearth", StreamRenderer), ("baseline (1 s clock)", ClockRenderer)):
            figures = await measure(renderer, tokens, interval, replies)
            print(row(f"{name}: {tokens} tok / {interval * 1000:.0f} ms", figures))
    print(
        "targets: msg -> request < 15 ms; 1st token -> text within one token interval; "
        "last token -> text < 150 ms; about 1 edit/s"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=5)
    asyncio.run(main(parser.parse_args().replies))
