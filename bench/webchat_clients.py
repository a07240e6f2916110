"""The pages of bench/webchat_load.py: a conversation as the chat page holds one (its
token, its event stream, the reply it waits for), and what they all came to.

The event stream is read with a small parser of its own (text/event-stream: `id:`,
`event:`, `data:` lines ended by a blank line; comments and `retry:` read past), so that
what is measured is the server and the wire, not a client library's idea of SSE.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp

REPLY_TIMEOUT = 10.0  # a reply not on the stream by then is lost


async def sse_events(response: aiohttp.ClientResponse
                     ) -> AsyncIterator[tuple[str, str | None, str]]:
    """The events of a text/event-stream: (event, id, data) for each one ended by a blank
    line; comments (": ping") and `retry:` are read past."""
    event, last_id, data = "message", None, []
    while True:
        raw = await response.content.readline()
        if not raw:
            return
        line = raw.decode("utf-8").rstrip("\r\n")
        if not line:
            if data:
                yield event, last_id, "\n".join(data)
            event, data = "message", []
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "event":
            event = value
        elif name == "data":
            data.append(value)
        elif name == "id":
            last_id = value


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    by_question: dict[str, list[float]] = field(default_factory=dict)
    lost: int = 0
    duplicated: int = 0
    unasked: int = 0  # a bot entry while nothing was waiting for one
    misplaced: int = 0  # a reply with an id before the message it answers
    reconnects: int = 0  # event streams that ended and were opened again
    refused: dict[str, int] = field(default_factory=dict)  # POSTs not answered 202

    def refuse(self, why: str) -> None:
        self.refused[why] = self.refused.get(why, 0) + 1


class Conversation:
    """One resident's page: a token, its stream, and the reply it waits for."""

    def __init__(self, base: str, http: aiohttp.ClientSession, lang: str, tally: Tally
                 ) -> None:
        self.base, self.http, self.lang, self.tally = base, http, lang, tally
        self.origin = base  # the page is served by the bot itself
        self.token = ""
        self.seq = 0  # the page's counter
        self.seen: set[int] = set()
        self.waiting: asyncio.Future[tuple[float, int]] | None = None
        self.sent_at = 0.0
        self.stream: asyncio.Task[None] | None = None
        self.opened = asyncio.Event()

    async def open(self) -> None:
        async with self.http.post(f"{self.base}/chat/api/conversations",
                                  json={"lang": self.lang},
                                  headers={"Origin": self.origin}) as r:
            if r.status != 201:
                raise RuntimeError(f"new conversation: status {r.status}")
            self.token = (await r.json())["token"]
        self.stream = asyncio.create_task(self._read())
        await asyncio.wait_for(self.opened.wait(), REPLY_TIMEOUT)

    async def _read(self) -> None:
        """The stream, as EventSource reads it: after a lost connection it connects again
        with the last id it has (`Last-Event-ID`), and each entry must come once."""
        url, last = f"{self.base}/chat/api/events", 0
        while True:
            try:
                async with self.http.get(url, params={"token": self.token, "after": "0"},
                                         headers={"Accept": "text/event-stream",
                                                  "Origin": self.origin,
                                                  "Last-Event-ID": str(last)}) as r:
                    if r.status != 200:
                        raise RuntimeError(f"event stream: status {r.status}")
                    self.opened.set()
                    async for event, event_id, data in sse_events(r):
                        last = int(event_id or last)
                        if event == "entry":
                            self._entry(json.loads(data))
            except (aiohttp.ClientError, ConnectionError):
                pass
            self.tally.reconnects += 1
            await asyncio.sleep(0.1)

    def _entry(self, entry: dict[str, Any]) -> None:
        if entry["id"] in self.seen:
            self.tally.duplicated += 1
            return
        self.seen.add(entry["id"])
        if entry["kind"] != "bot":
            return
        if self.waiting is None or self.waiting.done():
            self.tally.unasked += 1
            return
        self.waiting.set_result(((time.perf_counter() - self.sent_at) * 1000, entry["id"]))

    async def ask(self, text: str) -> float | None:
        """Send one message; the time until its reply came on the stream, or None."""
        self.seq += 1
        self.waiting = asyncio.get_running_loop().create_future()
        self.sent_at = time.perf_counter()
        async with self.http.post(f"{self.base}/chat/api/messages", json={
                "token": self.token, "seq": self.seq, "text": text, "lang": self.lang},
                headers={"Origin": self.origin}) as r:
            if r.status != 202:
                self.tally.refuse(f"status {r.status}")
                return None
            you = (await r.json())["id"]
        try:
            took, reply = await asyncio.wait_for(self.waiting, REPLY_TIMEOUT)
        except TimeoutError:
            self.tally.lost += 1
            return None
        if reply < you:  # a reply to something before this message
            self.tally.misplaced += 1
        return took

    def gaps(self) -> int:
        """Entries never received: ids between 1 and the last one that did not come."""
        return max(self.seen, default=0) - len(self.seen)

    async def close(self) -> None:
        if self.stream is not None:
            self.stream.cancel()
            await asyncio.gather(self.stream, return_exceptions=True)
