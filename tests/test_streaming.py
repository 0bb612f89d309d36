"""StreamRenderer: first text at once, throttled edits, final flush, overflow into new messages."""

from __future__ import annotations

import asyncio
import itertools
import time

from bot.streaming import StreamRenderer


class RecordingSink:
    """Records what a Discord channel would see, with timestamps."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.states: list[str] = []
        self.events: list[tuple[str, int, float]] = []

    async def send(self, text: str, *, state: str) -> int:
        self.messages.append(text)
        self.states.append(state)
        self.events.append(("send", len(self.messages) - 1, time.monotonic()))
        return len(self.messages) - 1

    async def edit(self, handle: int, text: str, *, state: str) -> None:
        self.messages[handle] = text
        self.states[handle] = state
        self.events.append(("edit", handle, time.monotonic()))


async def stream(renderer: StreamRenderer, chunks: list[str], pause: float) -> None:
    for chunk in chunks:
        renderer.feed(chunk)
        await asyncio.sleep(pause)
    await renderer.finish()


async def test_a_reply_that_arrives_whole_is_sent_once_and_final() -> None:
    sink = RecordingSink()
    renderer = StreamRenderer(sink)
    renderer.feed("Hello there!")
    await renderer.finish()
    assert sink.messages == ["Hello there!"]
    assert sink.states == ["final"]
    assert [e[0] for e in sink.events] == ["send"]


async def test_first_words_show_at_once_then_edits_wait_for_the_clock() -> None:
    sink = RecordingSink()
    renderer = StreamRenderer(sink, interval=0.2)
    started = time.monotonic()
    await stream(renderer, [f"w{i} " for i in range(20)], pause=0.05)  # ~1 s
    first = sink.events[0]
    assert first[0] == "send" and first[2] - started < 0.03
    assert sink.messages == ["".join(f"w{i} " for i in range(20))]
    assert sink.states == ["final"]  # the final edit swaps Stop for Regenerate
    stamps = [e[2] for e in sink.events]
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    assert all(g >= 0.19 for g in gaps[:-1]), gaps
    assert 3 <= renderer.edits <= 7


async def test_final_text_is_flushed_without_waiting_out_the_clock() -> None:
    sink = RecordingSink()
    renderer = StreamRenderer(sink, interval=5.0)
    renderer.feed("first ")
    await asyncio.sleep(0.01)
    renderer.feed("second")
    before = time.monotonic()
    await renderer.finish()
    assert time.monotonic() - before < 0.1
    assert sink.messages == ["first second"]


async def test_a_quiet_spell_still_shows_pending_text_one_interval_later() -> None:
    sink = RecordingSink()
    renderer = StreamRenderer(sink, interval=0.1)
    renderer.feed("a ")
    await asyncio.sleep(0.01)
    renderer.feed("b ")  # too soon for an edit: scheduled
    await asyncio.sleep(0.2)
    assert sink.messages == ["a b "]
    assert sink.states == ["streaming"]
    await renderer.finish()
    assert sink.states == ["final"]


async def test_overflow_continues_in_a_new_message_and_seals_the_old_one() -> None:
    sink = RecordingSink()
    renderer = StreamRenderer(sink, interval=0.05, limit=100)
    words = [f"word{i}" for i in range(60)]
    await stream(renderer, [w + " " for w in words], pause=0.005)
    assert len(sink.messages) >= 4
    assert all(len(m) <= 100 for m in sink.messages)
    assert " ".join(sink.messages).split() == words
    assert sink.states == ["sealed"] * (len(sink.states) - 1) + ["final"]


async def test_render_is_applied_to_everything_shown() -> None:
    sink = RecordingSink()
    renderer = StreamRenderer(sink, render=str.upper)
    renderer.feed("quiet words")
    await renderer.finish()
    assert sink.messages == ["QUIET WORDS"]
    assert renderer.text == "quiet words"


async def test_nothing_is_sent_for_an_empty_reply() -> None:
    sink = RecordingSink()
    renderer = StreamRenderer(sink)
    renderer.feed("   ")
    await renderer.finish()
    assert sink.messages == []
