"""Server-sent events (SSE) parsing, as the WHATWG HTML standard defines the format.

Remote LLM servers stream their replies as ``text/event-stream``. :class:`SSEDecoder` is an
incremental parser: feed it bytes exactly as they come off the network (an event, a line, a
CRLF pair or a multi-byte UTF-8 character may be split across chunks) and it returns the
complete events so far.

The rules it follows: lines end in CRLF, LF or CR; a line starting with ``:`` is a comment
(servers send them as keep-alives); ``field: value`` loses one space after the colon;
several ``data`` lines of one event are joined with ``"\\n"``; ``event`` names the event
type (``"message"`` when absent); ``id`` sets the last event id (kept for later events);
``retry`` is kept when it is all digits; unknown fields are ignored; a blank line dispatches
the event, unless it had no data. A leading byte-order mark is dropped.

One deliberate leniency: at the end of the stream, :meth:`SSEDecoder.close` also returns an
event whose lines were complete but whose final blank line never came (some servers end
with ``data: [DONE]\\n``). A half-received *line* is still dropped, as the standard says.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass

_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class SSEEvent:
    """One dispatched event."""

    data: str
    event: str = "message"
    id: str | None = None
    retry: int | None = None


class SSEDecoder:
    """Incremental ``text/event-stream`` parser (see the module docstring for the rules)."""

    def __init__(self) -> None:
        self._utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._partial_line: list[str] = []
        self._after_cr = False  # the last chunk ended in CR: a leading LF belongs to it
        self._started = False
        self._data: list[str] = []
        self._event = ""
        self.last_event_id: str | None = None
        self.retry: int | None = None
        self.comments = 0  # comment lines seen (keep-alives), for diagnostics and tests

    def feed(self, chunk: bytes | str) -> list[SSEEvent]:
        """Parse the next piece of the stream; return the events it completed."""
        text = self._utf8.decode(chunk) if isinstance(chunk, bytes) else chunk
        return self._feed_text(text)

    def close(self) -> list[SSEEvent]:
        """End of stream: return the last event if all of its lines arrived (see above)."""
        events = self._feed_text(self._utf8.decode(b"", final=True))
        self._partial_line.clear()  # a line without its end is dropped
        if self._data:
            events.append(self._dispatch())
        return events

    def _feed_text(self, text: str) -> list[SSEEvent]:
        if not self._started and text:
            self._started = True
            text = text.removeprefix("\ufeff")
        if self._after_cr and text:
            self._after_cr = False
            if text[0] == "\n":
                text = text[1:]
        events: list[SSEEvent] = []
        start = 0
        for match in _LINE_END.finditer(text):
            if match.end() == len(text) and match.group() == "\r":
                self._after_cr = True  # the LF of a CRLF may come in the next chunk
            self._partial_line.append(text[start : match.start()])
            line = "".join(self._partial_line)
            self._partial_line.clear()
            start = match.end()
            event = self._line(line)
            if event is not None:
                events.append(event)
        if start < len(text):
            self._partial_line.append(text[start:])
        return events

    def _line(self, line: str) -> SSEEvent | None:
        if not line:
            if self._data:
                return self._dispatch()
            self._event = ""  # an event without data is not dispatched, and its type is reset
            return None
        if line[0] == ":":
            self.comments += 1
            return None
        name, colon, value = line.partition(":")
        if colon and value[:1] == " ":
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\0" not in value:
                self.last_event_id = value
        elif name == "retry":
            if value.isascii() and value.isdigit():
                self.retry = int(value)
        return None

    def _dispatch(self) -> SSEEvent:
        event = SSEEvent(
            data="\n".join(self._data),
            event=self._event or "message",
            id=self.last_event_id,
            retry=self.retry,
        )
        self._data = []
        self._event = ""
        return event


async def aiter_sse(chunks: AsyncIterable[bytes]) -> AsyncIterator[SSEEvent]:
    """The events of a byte stream, e.g. ``aiter_sse(response.aiter_bytes())``."""
    decoder = SSEDecoder()
    async for chunk in chunks:
        for event in decoder.feed(chunk):
            yield event
    for event in decoder.close():
        yield event
