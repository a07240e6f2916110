"""A request body read with a cap: the HTTP transports (Teams, the web chat) never hold
more than the cap of what a client sends, whatever its Content-Length says."""

from __future__ import annotations

from aiohttp import web

__all__ = ["TooLarge", "read_body"]


class TooLarge(Exception):
    """The body is larger than the cap (said in its header, or found while reading)."""


async def read_body(request: web.Request, cap: int) -> bytes:
    """The request's body, never holding more than `cap` + 1 bytes of it. The header may
    be missing (chunked) or wrong, so the bytes are counted as they come."""
    if request.content_length is not None and request.content_length > cap:
        raise TooLarge
    chunks: list[bytes] = []
    size = 0
    while chunk := await request.content.read(cap + 1 - size):
        chunks.append(chunk)
        size += len(chunk)
        if size > cap:
            raise TooLarge
    return b"".join(chunks)
