"""The Teams app's side of the Outbox (notices to the staff channel, answers to a teacher's
personal chat), and the retry every post to the Bot Connector goes through.

Retry: a 429 waits as long as Retry-After says, a 5xx, 408, a timeout or a broken
connection waits with a backoff that doubles up to `retry_max_seconds`, for at most
`send_attempts` tries; any other 4xx is final (a conversation the app was removed from).
The waits are injected (`Wait`): the service waits on its stop event, tests record them.

Exactly once, as far as the Connector allows. It has no transaction ids (Matrix's way),
so each outbox message gets an idempotency key (a keyed hash of where it goes, the day and
its text): "sending" is recorded in TransportState before the first post, "sent" after
the Connector took it, and a message whose key is "sent" is never posted again, also
after a restart. The key also names the post (`/activities/<key>`), so that a Connector
or proxy that deduplicates could. What remains is the one case nobody can tell: a post
the Connector took but whose answer was lost (a timeout, a dropped connection). It is
tried again, so such a message may arrive twice (at least once): a teacher who never gets
the answer is worse off than one who gets it twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import aiohttp

from bot.config import TeamsAppSettings
from bot.core.clock import Clock
from bot.core.messages import Choice
from bot.core.ports import TransportState

if TYPE_CHECKING:
    from microsoft_agents.activity import ConversationReference

    from bot.transports.teams_app.references import References

log = logging.getLogger("bot.teams_app")
Wait = Callable[[float], Awaitable[bool]]  # waits `seconds`; False: the bot is stopping
# Posts `markdown` (with its buttons) into the referenced conversation once, under the
# key; raises what the Connector said.
Post = Callable[["ConversationReference", str, str, tuple[Choice, ...]], Awaitable[None]]
OUT = "teams_app:out:"


def retry_after(headers: Any) -> float | None:
    """Seconds a 429 asks to wait (Retry-After in seconds), or None."""
    value = headers.get("Retry-After") if headers is not None else None
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None  # an HTTP date: the backoff decides


async def persist(call: Callable[[], Awaitable[Any]], settings: TeamsAppSettings,
                  wait: Wait, what: str) -> bool:
    """Make a post until the Connector takes it (see the module's docstring); whether it
    did."""
    pause = 1.0
    for attempt in range(1, settings.send_attempts + 1):
        try:
            await asyncio.wait_for(call(), settings.send_seconds)
            return True
        except aiohttp.ClientResponseError as exc:
            reason = f"HTTP {exc.status}"
            if exc.status == 429:
                delay = retry_after(exc.headers) or pause
            elif exc.status >= 500 or exc.status == 408:
                delay = pause
            else:  # removed from the conversation, a bad id: no try will do better
                log.warning("teams_app: %s refused by the connector (%s)", what, reason)
                return False
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            reason, delay = type(exc).__name__, pause
        if attempt == settings.send_attempts:
            break
        log.info("teams_app: %s failed (%s); trying again in %.1f s", what, reason, delay)
        if not await wait(delay):
            log.warning("teams_app: %s not sent: the bot is stopping", what)
            return False
        pause = min(settings.retry_max_seconds, pause * 2)
    log.warning("teams_app: %s given up after %d tries (%s)", what, settings.send_attempts,
                reason)
    return False


class TeamsAppCourier:
    """Reaches rooms that spoke to the bot (or where the app was installed) and people who
    have a personal chat with it: registered with the Outbox for both."""

    def __init__(self, post: Post, references: References, state: TransportState,
                 clock: Clock, settings: TeamsAppSettings, wait: Wait) -> None:
        self._post = post
        self._references = references
        self._state = state
        self._clock = clock
        self._settings = settings
        self._wait = wait
        self._sending: set[str] = set()

    async def to_room(self, room: str, markdown: str, choices: tuple[Choice, ...] = ()
                      ) -> bool:
        reference = await self._references.room(room)
        if reference is None:
            log.warning("teams_app: a notice could not be sent: the bot has no reference "
                        "for that room (install the app there, or write to the bot in it)")
            return False
        return await self._deliver("room", room, reference, markdown, choices)

    async def to_user(self, user: str, markdown: str, choices: tuple[Choice, ...] = ()
                      ) -> bool:
        reference = await self._references.person(user)
        if reference is None:
            log.warning("teams_app: a message could not be sent: the person has no "
                        "personal chat with the bot yet")
            return False
        return await self._deliver("person", user, reference, markdown, choices)

    def members(self, room: str) -> frozenset[str]:
        # Listing a channel's members is a Connector call; staff are named in roles
        # (Entra object ids), and whoever writes in the staff channel counts as staff.
        return frozenset()

    def key(self, kind: str, target: str, markdown: str) -> str:
        """The idempotency key of one message: where, which day, what."""
        day = self._clock.now().date().isoformat()
        return OUT + self._references.digest(f"{kind}\0{target}\0{day}\0{markdown}")

    async def _deliver(self, kind: str, target: str, reference: ConversationReference,
                       markdown: str, choices: tuple[Choice, ...]) -> bool:
        key = self.key(kind, target, markdown)
        if key in self._sending:
            log.info("teams_app: the same message is already being sent; not twice")
            return True
        self._sending.add(key)  # before the first await: a twin arriving meanwhile sees it
        try:
            if await self._state.event_state(key) == "sent":
                log.info("teams_app: a message was sent before; not again")
                return True
            await self._state.set_event_state(key, "sending", self._clock.now())
            sent = await persist(lambda: self._post(reference, markdown, key, choices),
                                 self._settings, self._wait, f"a message to a {kind}")
            await self._state.set_event_state(key, "sent" if sent else "failed",
                                              self._clock.now())
            return sent
        finally:
            self._sending.discard(key)
