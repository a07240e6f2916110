"""What a feature may depend on instead of the whole store: one narrow protocol a concern.

The store's repositories implement them, and so does `Store` itself (it delegates), so a
feature typed `FeedbackRepo` accepts either: `Feedback(store)` or `Feedback(store.feedback)`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Protocol

from bot.core.ports import TransportState
from bot.store.records import (
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

# Key-value state and the handled-event ledger: what a transport keeps, as the core
# describes it (a transport never imports the store).
StateRepo = TransportState


class FeedbackRepo(Protocol):
    async def add_feedback(self, feedback: Feedback) -> int: ...

    async def list_feedback(
        self, start: dt.date | None = None, end: dt.date | None = None, *,
        municipalities: Collection[str] | None = None,
    ) -> list[Feedback]: ...

    async def purge_feedback(self, before: dt.date) -> int: ...


class UnansweredRepo(Protocol):
    async def record_unanswered(self, text: str, day: dt.date,
                                municipality: str = "") -> None: ...

    async def top_unanswered(
        self, start: dt.date | None = None, end: dt.date | None = None, limit: int = 20,
        *, municipalities: Collection[str] | None = None,
    ) -> list[Unanswered]: ...

    async def purge_unanswered(self, before: dt.date) -> int: ...


class ActivityRepo(Protocol):
    async def add_activity(self, activity: Activity) -> int: ...

    async def get_activity(self, activity_id: int) -> Activity | None: ...

    async def list_activities(
        self, start: dt.date | None = None, end: dt.date | None = None,
        place: str | None = None, kind: str | None = None, *,
        municipalities: Collection[str] | None = None,
    ) -> list[Activity]: ...

    async def update_activity(self, activity: Activity) -> None: ...

    async def delete_activity(self, activity_id: int) -> bool: ...

    async def last_activity_by(self, author: str) -> Activity | None: ...


class RequestRepo(Protocol):
    async def add_request(self, request: SessionRequest) -> int: ...

    async def get_request(self, request_id: int) -> SessionRequest | None: ...

    async def list_requests(
        self, status: RequestStatus | None = None,
        start: dt.date | None = None, end: dt.date | None = None, *,
        municipalities: Collection[str] | None = None,
    ) -> list[SessionRequest]: ...

    async def requests_of(
        self, transport: str, requester: str, since: dt.date | None = None, limit: int = 10,
    ) -> tuple[list[SessionRequest], int]: ...

    async def update_request(
        self, request_id: int, *, status: RequestStatus, answer: str = "",
        scheduled: dt.datetime | None = None,
    ) -> SessionRequest: ...


class SessionRepo(RequestRepo, ActivityRepo, Protocol):
    """Information-session requests, and the activity a held session becomes."""


class ReportRepo(ActivityRepo, RequestRepo, FeedbackRepo, Protocol):
    """What the follow-up report reads."""


class RetentionRepo(Protocol):
    async def purge_feedback(self, before: dt.date) -> int: ...

    async def purge_unanswered(self, before: dt.date) -> int: ...


class SurveyRepo(Protocol):
    async def add_survey(self, survey: Survey) -> int: ...

    async def get_survey(self, survey_id: int) -> Survey | None: ...

    async def list_surveys(self, *, municipalities: Collection[str] | None = None
                           ) -> list[Survey]: ...

    async def close_survey(self, survey_id: int, day: dt.date) -> Survey: ...

    async def add_survey_answer(self, answer: SurveyAnswer) -> int: ...

    async def survey_answers(self, survey_id: int) -> list[SurveyAnswer]: ...


class DigestRepo(Protocol):
    async def save_digest(self, digest: Digest) -> int: ...

    async def get_digest(self, digest_id: int) -> Digest | None: ...

    async def list_digests(
        self, state: DigestState | None = None, *,
        municipalities: Collection[str] | None = None, limit: int = 50,
    ) -> list[Digest]: ...

    async def publish_digest(self, digest_id: int, at: dt.datetime) -> Digest: ...


class ReminderRepo(Protocol):
    async def mark_reminded(self, key: str, day: dt.date) -> bool: ...


class CycleRepo(SurveyRepo, DigestRepo, ReminderRepo, ReportRepo, Protocol):
    """What the medborgarlöfte's cycle reads and writes (surveys, digests, reminders)."""
