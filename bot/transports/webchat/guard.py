"""What every web chat response carries, and what every request must pass.

Headers: a strict Content-Security-Policy (only the bot's own scripts, styles and
connections; framed only by the bot itself and `allowed_origins`), no referrer, no
sniffing, no caching of pages or API answers, and never a cookie.

Origin: a browser names the page that sends a request. API calls and the form are taken
from the bot's own origin (`public_url`, else the Host the request came to) or from no
browser at all (no Origin header). A page served with `Referrer-Policy: no-referrer`
sends its plain form posts with `Origin: null` (Fetch: "append a request Origin
header"); that one is taken when the browser itself says the request is same-origin
(`Sec-Fetch-Site`, which no page can set), or says nothing of where it came from (an old
phone's browser, which the no-JS form is for). A sandboxed page elsewhere also sends
"null", but from a browser that sends Sec-Fetch-Site it says cross-site, and is refused.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from bot.config import WebSettings

__all__ = ["csp", "json_response", "origin_ok", "secure"]


def csp(settings: WebSettings) -> str:
    ancestors = " ".join(["'self'", *settings.allowed_origins])
    return ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; form-action 'self'; base-uri 'none'; "
            f"frame-ancestors {ancestors}")


def secure(response: web.StreamResponse, policy: str) -> None:
    """The headers of every /chat response (set before they are sent)."""
    headers = response.headers
    headers["Content-Security-Policy"] = policy
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Server"] = "medborgarbot"  # not aiohttp's name and version
    headers.setdefault("Cache-Control", "no-store")
    headers.popall("Set-Cookie", None)


def own_origin(settings: WebSettings, request: web.Request) -> str:
    if settings.public_url:
        parts = urlsplit(settings.public_url)
        return f"{parts.scheme}://{parts.netloc}".lower()
    return f"{request.scheme}://{request.host}".lower()


def origin_ok(settings: WebSettings, request: web.Request) -> bool:
    origin = request.headers.get("Origin")
    if origin is None:
        return True  # not a browser's cross-site request (curl, an old phone)
    if origin == "null":
        return request.headers.get("Sec-Fetch-Site", "same-origin") == "same-origin"
    return origin.strip().lower() == own_origin(settings, request)


def json_response(data: dict[str, Any], status: int = 200) -> web.Response:
    return web.Response(status=status, content_type="application/json", charset="utf-8",
                        text=json.dumps(data, ensure_ascii=False))
