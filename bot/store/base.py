"""The store interface: everything the bot keeps goes through one `Store`.

Backends (SQLite, PostgreSQL) implement it; `tests/store/test_contract.py` runs the same
suite against every backend.
"""

from __future__ import annotations

import abc
import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import ClassVar, Literal, Self

from bot.store.records import Activity, RequestStatus, SessionRequest
from bot.text.lang import Lang

MAX_FEEDBACK_TEXT = 2000
MAX_UNANSWERED_TEXT = 300
GRANULARITIES = ("date", "week")
LANGUAGES = ("sv", "en")


class StoreError(Exception):
    """The store cannot do what was asked; the message is one line a user can act on."""


def utc(at: dt.datetime) -> dt.datetime:
    """`at` in UTC; a naive datetime is a caller bug (the clock always gives aware ones)."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("naive datetime given to the store; pass an aware one")
    return at.astimezone(dt.UTC)


def plain_date(value: object, what: str) -> dt.date:
    """`value` if it is a date and not a datetime (which would carry a time of day)."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValueError(f"{what} must be a datetime.date, not {type(value).__name__}")
    return value


@dataclass(frozen=True, slots=True)
class Feedback:
    """One anonymous piece of safety feedback: only these fields, nothing that could point
    back to the resident (no sender, room, event id or time of day)."""

    category: str  # e.g. "trafik"
    area: str  # e.g. "fredrika", "vill-inte-saga"
    text: str  # already redacted by the caller, at most MAX_FEEDBACK_TEXT characters
    rating: int | None  # 1..5, None when skipped
    day: dt.date  # the date, or the Monday of the ISO week when granularity is "week"
    granularity: Literal["date", "week"]
    lang: Lang
    id: int | None = None  # set by the store


@dataclass(frozen=True, slots=True)
class Unanswered:
    """A question the bot could not answer, counted: only these fields (no sender, room,
    event id or time of day), so the knowledge base's keeper learns what to add."""

    text: str  # normalised and redacted by the caller, at most MAX_UNANSWERED_TEXT chars
    count: int  # how often it was asked, >= 1
    first_day: dt.date  # the first and the last day it was asked
    last_day: dt.date


def checked_feedback(feedback: Feedback) -> Feedback:
    """`feedback` as a store keeps it, or ValueError naming the field that is wrong.

    A week is always stored as its Monday, even when the caller passed another day of it:
    the stored value must never be finer than the granularity says."""
    for name in ("category", "area"):
        value = getattr(feedback, name)
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"feedback {name} must be a non-empty string")
    if not isinstance(feedback.text, str):
        raise ValueError("feedback text must be a string")
    if len(feedback.text) > MAX_FEEDBACK_TEXT:
        raise ValueError(f"feedback text is longer than {MAX_FEEDBACK_TEXT} characters")
    rating = feedback.rating
    # bool is an int subclass; True is not a rating.
    if rating is not None and (type(rating) is not int or not 1 <= rating <= 5):
        raise ValueError("feedback rating must be 1..5 or None")
    if feedback.granularity not in GRANULARITIES:
        raise ValueError("feedback granularity must be 'date' or 'week'")
    if feedback.lang not in LANGUAGES:
        raise ValueError("feedback lang must be 'sv' or 'en'")
    day = plain_date(feedback.day, "feedback day")
    if feedback.granularity == "week":
        day -= dt.timedelta(days=day.weekday())
    return dataclasses.replace(feedback, day=day, id=None)


class Store(abc.ABC):
    """One store behind everything the bot keeps; use as `async with store:`."""

    # The name migrations use to pick their SQL ("sqlite", "postgres").
    backend: ClassVar[str]
    url: str
    # What stamps created_at/updated_at when a caller leaves them None: the wall clock
    # unless the app (or a test) sets its own, e.g. `store.clock = clock.now`.
    clock: Callable[[], dt.datetime] | None = None

    def now(self) -> dt.datetime:
        """The store's current time, in UTC."""
        return utc(self.clock() if self.clock is not None else dt.datetime.now(dt.UTC))

    @abc.abstractmethod
    async def open(self) -> None:
        """Connect, set pragmas and apply pending migrations."""

    @abc.abstractmethod
    async def close(self) -> None:
        """Close the connection; a no-op on a store that is not open."""

    @abc.abstractmethod
    async def ping(self) -> bool:
        """True when the store answers a trivial query (health checks)."""

    @abc.abstractmethod
    async def schema_version(self) -> int:
        """The highest migration applied to this database."""

    # Small key-value state for transports (sync token, credentials, ...).

    @abc.abstractmethod
    async def get_value(self, key: str) -> str | None: ...

    @abc.abstractmethod
    async def set_value(self, key: str, value: str) -> None: ...

    @abc.abstractmethod
    async def delete_value(self, key: str) -> None: ...

    # The handled-event ledger: exactly-once delivery across restarts.

    @abc.abstractmethod
    async def event_state(self, key: str) -> str | None:
        """The state recorded for an event, None if it was never seen."""

    @abc.abstractmethod
    async def set_event_state(self, key: str, state: str, at: dt.datetime) -> None:
        """Record (insert or replace) the state of an event and when it was reached."""

    @abc.abstractmethod
    async def prune_events(self, before: dt.datetime) -> int:
        """Forget events recorded strictly before `before`; return how many."""

    # Anonymous feedback (see `Feedback`).

    @abc.abstractmethod
    async def add_feedback(self, feedback: Feedback) -> int:
        """Store `feedback` (its id is ignored) and return the new id; durable on return.

        ValueError when a field is out of range (see `checked_feedback`)."""

    @abc.abstractmethod
    async def list_feedback(
        self, start: dt.date | None = None, end: dt.date | None = None
    ) -> list[Feedback]:
        """Feedback with start <= day <= end (either bound may be None), by day then id."""

    @abc.abstractmethod
    async def purge_feedback(self, before: dt.date) -> int:
        """Delete feedback whose day is strictly before `before`; return how many."""

    # Questions the bot could not answer (see `Unanswered`, checks in `unanswered.py`).

    @abc.abstractmethod
    async def record_unanswered(self, text: str, day: dt.date) -> None:
        """Count `text` asked once more on `day`: a new row with count 1, or count + 1 and
        first_day/last_day widened to take in `day`, atomically; durable on return.

        ValueError for a blank text, one over MAX_UNANSWERED_TEXT characters (the caller
        shortens it) or a day that is not a plain date. The text is kept in NFC."""

    @abc.abstractmethod
    async def top_unanswered(
        self, start: dt.date | None = None, end: dt.date | None = None, limit: int = 20
    ) -> list[Unanswered]:
        """At most `limit` questions whose last_day is in start..end (both inclusive,
        either may be None): by count (highest first), then last_day (latest first), then
        text (code-point order on every backend)."""

    @abc.abstractmethod
    async def purge_unanswered(self, before: dt.date) -> int:
        """Delete the questions last asked strictly before `before`; return how many."""

    # Activities logged by staff (see `Activity`); not anonymous: the authorities' record.

    @abc.abstractmethod
    async def add_activity(self, activity: Activity) -> int:
        """Store `activity` (its id is ignored; created_at is now when None) and return the
        new id; durable on return. ValueError when a field is wrong (`checked_activity`)."""

    @abc.abstractmethod
    async def get_activity(self, activity_id: int) -> Activity | None: ...

    @abc.abstractmethod
    async def list_activities(
        self, start: dt.date | None = None, end: dt.date | None = None,
        place: str | None = None, kind: str | None = None,
    ) -> list[Activity]:
        """Activities with start <= day <= end, at `place` (compared as `place_key`
        does: case and Unicode form do not matter) and of `kind`, by day then id."""

    @abc.abstractmethod
    async def update_activity(self, activity: Activity) -> None:
        """Replace every field of the activity with id `activity.id` but its author and
        created_at; KeyError when there is none."""

    @abc.abstractmethod
    async def delete_activity(self, activity_id: int) -> bool:
        """Delete the activity; False when there was none."""

    @abc.abstractmethod
    async def last_activity_by(self, author: str) -> Activity | None:
        """The author's most recently created activity (latest created_at, then id)."""

    # Requests for an information session (see `SessionRequest`).

    @abc.abstractmethod
    async def add_request(self, request: SessionRequest) -> int:
        """Store `request` (its id is ignored; created_at is now when None, updated_at is
        created_at when None) and return the new id; durable on return."""

    @abc.abstractmethod
    async def get_request(self, request_id: int) -> SessionRequest | None: ...

    @abc.abstractmethod
    async def list_requests(
        self, status: RequestStatus | None = None,
        start: dt.date | None = None, end: dt.date | None = None,
    ) -> list[SessionRequest]:
        """Requests in `status` whose created_at falls on start..end (dates in UTC, both
        inclusive), by id."""

    @abc.abstractmethod
    async def update_request(
        self, request_id: int, *, status: RequestStatus, answer: str = "",
        scheduled: dt.datetime | None = None,
    ) -> SessionRequest:
        """Set status, answer and scheduled, and updated_at to now; the request as stored.

        KeyError when there is none. Any status may follow any other: which moves make
        sense is the feature's business, and staff must be able to correct a mistake."""

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        # Not the URL: it may carry a password.
        return f"<{type(self).__name__} {self.backend}>"
