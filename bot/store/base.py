"""The store: one class over one database (SQLite or PostgreSQL, chosen by URL in
`open_store`), owning a repository a concern and answering for all of them.

A feature that needs one concern depends on its protocol in `ports.py`; the store's
methods carry the same names, so the store itself satisfies every one. The values the
store keeps are in `records.py`, and this module still offers the ones features import
from it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Collection
from types import TracebackType
from typing import Self

from bot.store import migrations
from bot.store.activities import ActivityRepository
from bot.store.activities import adopt as adopt_activities
from bot.store.checks import checked_adoptive, utc
from bot.store.database import Database, StoreError
from bot.store.digests import DigestRepository
from bot.store.digests import adopt as adopt_digests
from bot.store.feedback import FeedbackRepository
from bot.store.feedback import adopt as adopt_feedback
from bot.store.records import (
    MAX_FEEDBACK_TEXT,
    MAX_UNANSWERED_TEXT,
    Activity,
    Digest,
    DigestState,
    Feedback,
    RequestStatus,
    SessionRequest,
    Survey,
    SurveyAnswer,
    Unanswered,
)
from bot.store.reminders import ReminderRepository
from bot.store.session_requests import RequestRepository
from bot.store.session_requests import adopt as adopt_requests
from bot.store.state import StateRepository
from bot.store.surveys import SurveyRepository
from bot.store.surveys import adopt as adopt_surveys
from bot.store.unanswered import UnansweredRepository
from bot.store.unanswered import adopt as adopt_unanswered

__all__ = ["MAX_FEEDBACK_TEXT", "MAX_UNANSWERED_TEXT", "Feedback", "Store", "StoreError",
           "Unanswered"]

log = logging.getLogger(__name__)


class Store:
    """Everything the bot keeps; use as `async with store:`."""

    def __init__(self, db: Database, home: str = "") -> None:
        self.db = db
        self.url = db.url
        # The municipality a record added with municipality "" gets (a knowledge id such
        # as "asele"); settable later, as `clock` is. "" stores "" (before `adopt`).
        self.home = home
        # What stamps created_at/updated_at when a caller leaves them None: the wall clock
        # unless the app (or a test) sets its own, e.g. `store.clock = clock.now`.
        self.clock: Callable[[], dt.datetime] | None = None
        self.state = StateRepository(db)
        self.feedback = FeedbackRepository(db, self._home)
        self.unanswered = UnansweredRepository(db, self._home)
        self.activities = ActivityRepository(db, self.now, self._home)
        self.requests = RequestRepository(db, self.now, self._home)
        self.surveys = SurveyRepository(db, self._home)
        self.digests = DigestRepository(db, self.now, self._home)
        self.reminders = ReminderRepository(db)

    @property
    def backend(self) -> str:
        """The database by name: "sqlite" or "postgres"."""
        return self.db.dialect.name

    def now(self) -> dt.datetime:
        """The store's current time, in UTC."""
        return utc(self.clock() if self.clock is not None else dt.datetime.now(dt.UTC))

    def _home(self) -> str:
        return self.home

    # -- life cycle ------------------------------------------------------------------

    async def open(self) -> None:
        """Connect, apply the database's settings and the pending migrations."""
        if self.db.is_open:
            return
        await self.db.open()
        try:
            version = await migrations.migrate(self.db, self.now)
        except BaseException:
            await self.db.abandon()
            raise
        log.info("store opened: %s, schema %d", self.backend, version)

    async def close(self) -> None:
        """Close the database; a no-op on a store that is not open."""
        if not self.db.is_open:
            return
        await self.db.close()
        log.info("store closed: %s", self.backend)

    async def ping(self) -> bool:
        """True when the store answers a trivial query (health checks)."""
        return await self.db.ping()

    async def schema_version(self) -> int:
        """The highest migration applied to this database."""
        return await migrations.version(self.db)

    async def adopt(self, municipality: str) -> int:
        """Give every row that has no municipality (made before migration 5) `municipality`,
        in one transaction: a question already counted there takes in the orphan's count
        and days. How many rows had none; 0 the second time."""
        municipality = checked_adoptive(municipality)
        async with self.db.transaction("adopt") as tx:
            changed = 0
            for adopt in (adopt_feedback, adopt_activities, adopt_requests,
                          adopt_unanswered, adopt_surveys, adopt_digests):
                changed += await adopt(tx, municipality)
        log.info("store: %d rows adopted by a municipality", changed)
        return changed

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.close()

    def __repr__(self) -> str:
        # Not the URL: it may carry a password.
        return f"<Store {self.backend}>"

    # -- the repositories' methods, by the same names (see ports.py) -----------------

    async def get_value(self, key: str) -> str | None:
        return await self.state.get_value(key)

    async def set_value(self, key: str, value: str) -> None:
        await self.state.set_value(key, value)

    async def delete_value(self, key: str) -> None:
        await self.state.delete_value(key)

    async def event_state(self, key: str) -> str | None:
        return await self.state.event_state(key)

    async def set_event_state(self, key: str, state: str, at: dt.datetime) -> None:
        await self.state.set_event_state(key, state, at)

    async def prune_events(self, before: dt.datetime) -> int:
        return await self.state.prune_events(before)

    async def add_feedback(self, feedback: Feedback) -> int:
        return await self.feedback.add_feedback(feedback)

    async def list_feedback(
        self, start: dt.date | None = None, end: dt.date | None = None, *,
        municipalities: Collection[str] | None = None,
    ) -> list[Feedback]:
        return await self.feedback.list_feedback(start, end, municipalities=municipalities)

    async def purge_feedback(self, before: dt.date) -> int:
        return await self.feedback.purge_feedback(before)

    async def record_unanswered(self, text: str, day: dt.date,
                                municipality: str = "") -> None:
        await self.unanswered.record_unanswered(text, day, municipality)

    async def top_unanswered(
        self, start: dt.date | None = None, end: dt.date | None = None, limit: int = 20,
        *, municipalities: Collection[str] | None = None,
    ) -> list[Unanswered]:
        return await self.unanswered.top_unanswered(start, end, limit,
                                                    municipalities=municipalities)

    async def purge_unanswered(self, before: dt.date) -> int:
        return await self.unanswered.purge_unanswered(before)

    async def add_activity(self, activity: Activity) -> int:
        return await self.activities.add_activity(activity)

    async def get_activity(self, activity_id: int) -> Activity | None:
        return await self.activities.get_activity(activity_id)

    async def list_activities(
        self, start: dt.date | None = None, end: dt.date | None = None,
        place: str | None = None, kind: str | None = None, *,
        municipalities: Collection[str] | None = None,
    ) -> list[Activity]:
        return await self.activities.list_activities(start, end, place, kind,
                                                     municipalities=municipalities)

    async def update_activity(self, activity: Activity) -> None:
        await self.activities.update_activity(activity)

    async def delete_activity(self, activity_id: int) -> bool:
        return await self.activities.delete_activity(activity_id)

    async def last_activity_by(self, author: str) -> Activity | None:
        return await self.activities.last_activity_by(author)

    async def add_request(self, request: SessionRequest) -> int:
        return await self.requests.add_request(request)

    async def get_request(self, request_id: int) -> SessionRequest | None:
        return await self.requests.get_request(request_id)

    async def list_requests(
        self, status: RequestStatus | None = None,
        start: dt.date | None = None, end: dt.date | None = None, *,
        municipalities: Collection[str] | None = None,
    ) -> list[SessionRequest]:
        return await self.requests.list_requests(status, start, end,
                                                 municipalities=municipalities)

    async def requests_of(
        self, transport: str, requester: str, since: dt.date | None = None, limit: int = 10,
    ) -> tuple[list[SessionRequest], int]:
        return await self.requests.requests_of(transport, requester, since, limit)

    async def update_request(
        self, request_id: int, *, status: RequestStatus, answer: str = "",
        scheduled: dt.datetime | None = None,
    ) -> SessionRequest:
        return await self.requests.update_request(request_id, status=status, answer=answer,
                                                  scheduled=scheduled)

    async def add_survey(self, survey: Survey) -> int:
        return await self.surveys.add_survey(survey)

    async def get_survey(self, survey_id: int) -> Survey | None:
        return await self.surveys.get_survey(survey_id)

    async def list_surveys(self, *, municipalities: Collection[str] | None = None
                           ) -> list[Survey]:
        return await self.surveys.list_surveys(municipalities=municipalities)

    async def close_survey(self, survey_id: int, day: dt.date) -> Survey:
        return await self.surveys.close_survey(survey_id, day)

    async def add_survey_answer(self, answer: SurveyAnswer) -> int:
        return await self.surveys.add_survey_answer(answer)

    async def survey_answers(self, survey_id: int) -> list[SurveyAnswer]:
        return await self.surveys.survey_answers(survey_id)

    async def save_digest(self, digest: Digest) -> int:
        return await self.digests.save_digest(digest)

    async def get_digest(self, digest_id: int) -> Digest | None:
        return await self.digests.get_digest(digest_id)

    async def list_digests(
        self, state: DigestState | None = None, *,
        municipalities: Collection[str] | None = None, limit: int = 50,
    ) -> list[Digest]:
        return await self.digests.list_digests(state, municipalities=municipalities,
                                               limit=limit)

    async def publish_digest(self, digest_id: int, at: dt.datetime) -> Digest:
        return await self.digests.publish_digest(digest_id, at)

    async def mark_reminded(self, key: str, day: dt.date) -> bool:
        return await self.reminders.mark_reminded(key, day)
