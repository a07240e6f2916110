"""Which survey is open in each municipality, and who answered or was invited: memory.

The survey periods are read from the store (`refresh`: at first use, after staff open or
close one, by a message when the last reading is older than FRESH, and daily), so that
the invitation, which sees every reply, never waits on the database. The memory is each
process's own: with several processes, one person could answer once in each.

Who answered a survey and which conversations were invited are kept per survey
under an HMAC whose key lives only in this process (as feedback.FloodGuard), and are
dropped when the survey closes: staff close it, or its last day has passed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from collections import OrderedDict
from collections.abc import Callable

from bot.core.turn import Turn
from bot.store.ports import SurveyRepo
from bot.store.records import Survey

log = logging.getLogger(__name__)
FRESH = dt.timedelta(minutes=10)  # a message reads the surveys again after this long
MAX_INVITED = 50_000  # conversations remembered as invited, a survey (the oldest go first)


def _digest(key: bytes, *parts: str) -> bytes:
    return hmac.new(key, "\0".join(parts).encode("utf-8", "surrogatepass"),
                    hashlib.sha256).digest()


class OpenSurveys:
    """The survey periods of every municipality, in memory; who answered and who was
    invited, per survey, under keyed hashes (the key never leaves this process)."""

    def __init__(self, store: SurveyRepo, home: Callable[[], str]) -> None:
        self.store = store
        self.home = home  # the municipality a row without one is (the store's home)
        self._key = secrets.token_bytes(32)
        self._surveys: dict[str, list[Survey]] | None = None
        self._read: dt.datetime | None = None  # when the surveys were read for a message
        self._answered: dict[int, set[bytes]] = {}
        self._invited: dict[int, OrderedDict[bytes, None]] = {}

    async def refresh(self) -> None:
        """Read the surveys from the store (daily, and after staff open or close one)."""
        found: dict[str, list[Survey]] = {}
        for survey in await self.store.list_surveys():
            found.setdefault(survey.municipality or self.home(), []).append(survey)
        self._surveys = found

    async def ensure(self, now: dt.datetime | None = None) -> None:
        """Read the surveys unless they were read within FRESH of `now` (or at all, without
        `now`): another process may have opened or closed one."""
        if self._surveys is None or (now is not None and (
                self._read is None or not dt.timedelta(0) <= now - self._read < FRESH)):
            await self.refresh()
            self._read = now

    async def ensure_quietly(self, now: dt.datetime) -> None:
        """`ensure`, where a store that fails must not stop the message (the answers'
        step): the surveys stay as they were, and are read again at the next message."""
        try:
            await self.ensure(now)
        except Exception as exc:
            log.warning("surveys not read: %s", type(exc).__name__)

    def of(self, ident: str | None) -> list[Survey]:
        return (self._surveys or {}).get(ident or self.home(), [])

    def open_for(self, ident: str | None, day: dt.date) -> Survey | None:
        """The survey open in `ident` on `day`; the memory of every survey no longer open
        is dropped on the way."""
        self._forget_closed(day)
        return next((s for s in self.of(ident) if s.open_on(day)), None)

    def last_and_next(self, ident: str | None, day: dt.date
                      ) -> tuple[Survey | None, Survey | None]:
        past = [s for s in self.of(ident) if not s.open_on(day) and s.opens <= day]
        coming = [s for s in self.of(ident) if s.opens > day and s.closed is None]
        return (past[-1] if past else None), (coming[0] if coming else None)

    def forget(self, survey_id: int) -> None:
        """A survey closed: who answered it and who was invited is forgotten."""
        self._answered.pop(survey_id, None)
        self._invited.pop(survey_id, None)

    def _forget_closed(self, day: dt.date) -> None:
        if self._surveys is None:
            return
        still = {s.id for found in self._surveys.values() for s in found if s.open_on(day)}
        for survey_id in [i for i in (*self._answered, *self._invited) if i not in still]:
            self.forget(survey_id)

    def _person(self, turn: Turn) -> bytes:
        return _digest(self._key, "person", turn.msg.transport, turn.msg.sender)

    def answered(self, survey_id: int, turn: Turn) -> bool:
        return self._person(turn) in self._answered.get(survey_id, ())

    def note_answered(self, survey_id: int, turn: Turn) -> None:
        self._answered.setdefault(survey_id, set()).add(self._person(turn))

    def invite_once(self, survey_id: int, turn: Turn) -> bool:
        """True the first time this conversation is asked to invite for `survey_id`."""
        invited = self._invited.setdefault(survey_id, OrderedDict())
        key = _digest(self._key, "chat", *turn.msg.conversation)
        if key in invited:
            return False
        invited[key] = None
        while len(invited) > MAX_INVITED:
            invited.popitem(last=False)
        return True


def private(turn: Turn) -> bool:
    return turn.msg.is_direct and not turn.msg.seen_by_others
