"""The SSE parser: every framing rule, and streams split at every possible byte boundary."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator

from hypothesis import given
from hypothesis import strategies as st

from bot.brain.sse import SSEDecoder, SSEEvent, aiter_sse


def parse(*chunks: bytes | str) -> list[SSEEvent]:
    decoder = SSEDecoder()
    events: list[SSEEvent] = []
    for chunk in chunks:
        events.extend(decoder.feed(chunk))
    events.extend(decoder.close())
    return events


def datas(*chunks: bytes | str) -> list[str]:
    return [e.data for e in parse(*chunks)]


def test_one_event_per_blank_line() -> None:
    assert datas(b"data: one\n\ndata: two\n\n") == ["one", "two"]


def test_multi_line_data_is_joined_with_newlines() -> None:
    assert datas(b'data: {"a":\ndata:  1}\n\n') == ['{"a":\n 1}']


def test_only_one_space_after_the_colon_is_removed() -> None:
    assert datas(b"data:x\n\ndata:  y\n\n") == ["x", " y"]


def test_a_field_name_without_colon_has_an_empty_value() -> None:
    assert datas(b"data\n\n") == [""]


def test_comments_are_skipped_and_counted() -> None:
    decoder = SSEDecoder()
    events = decoder.feed(b": keep-alive\n\n:ping\ndata: a\n\n: bye\n\n")
    assert [e.data for e in events] == ["a"]
    assert decoder.comments == 3


def test_event_id_and_retry_fields() -> None:
    events = parse(b"event: delta\nid: 7\nretry: 1500\ndata: x\n\ndata: y\n\n")
    assert events[0] == SSEEvent("x", event="delta", id="7", retry=1500)
    # The event type resets after dispatch; the last event id and retry persist.
    assert events[1] == SSEEvent("y", event="message", id="7", retry=1500)


def test_bad_retry_and_ids_with_nul_are_ignored() -> None:
    events = parse(b"retry: 12a\nid: a\x00b\ndata: x\n\n")
    assert events == [SSEEvent("x")]


def test_unknown_fields_are_ignored() -> None:
    assert parse(b"foo: bar\ndata: x\n\n") == [SSEEvent("x")]


def test_an_event_without_data_is_not_dispatched_and_its_type_resets() -> None:
    assert parse(b"event: lonely\n\ndata: x\n\n") == [SSEEvent("x", event="message")]


def test_crlf_cr_and_lf_line_endings_mix() -> None:
    assert datas(b"data: a\r\n\r\ndata: b\r\rdata: c\n\ndata: d\r\n\n") == ["a", "b", "c", "d"]


def test_leading_byte_order_mark_is_dropped() -> None:
    assert parse(b"\xef\xbb\xbfdata: x\n\n") == [SSEEvent("x")]


def test_close_keeps_a_complete_event_missing_its_blank_line() -> None:
    assert datas(b"data: a\n\ndata: [DONE]\n") == ["a", "[DONE]"]


def test_close_drops_a_half_received_line() -> None:
    assert datas(b'data: a\n\ndata: {"choi') == ["a"]


def test_str_chunks_are_accepted() -> None:
    assert datas("data: é\n\n") == ["é"]


TRICKY = (
    '\ufeffevent: start\r\ndata: {"text": "héllo 👋"}\r\n\r\n'
    ": keep-alive\r\r"
    "data: line one\rdata: line two\r\r"
    "id: 42\nretry: 300\ndata:\n\n"
    "event: end\ndata: [DONE]\n\n"
).encode()


def test_every_single_split_point_gives_the_same_events() -> None:
    whole = parse(TRICKY)
    assert [e.data for e in whole] == ['{"text": "héllo 👋"}', "line one\nline two", "", "[DONE]"]
    assert whole[0].event == "start" and whole[2].id == "42" and whole[3].event == "end"
    for cut in range(1, len(TRICKY)):
        assert parse(TRICKY[:cut], TRICKY[cut:]) == whole, f"split at byte {cut}"


def test_byte_by_byte_gives_the_same_events() -> None:
    assert parse(*(TRICKY[i : i + 1] for i in range(len(TRICKY)))) == parse(TRICKY)


@given(st.lists(st.integers(min_value=0, max_value=len(TRICKY)), max_size=12))
def test_any_chunking_gives_the_same_events(cuts: list[int]) -> None:
    points = [0, *sorted(cuts), len(TRICKY)]
    chunks = [TRICKY[a:b] for a, b in itertools.pairwise(points)]
    assert parse(*chunks) == parse(TRICKY)


async def test_aiter_sse_reads_an_async_byte_stream() -> None:
    async def source() -> AsyncIterator[bytes]:
        for piece in (b"data: a", b"\n\nda", b"ta: b\n"):
            yield piece

    assert [e.data async for e in aiter_sse(source())] == ["a", "b"]
