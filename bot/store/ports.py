"""What a feature may depend on instead of the whole store: one narrow protocol a concern.

The store's repositories implement them, and so does `Store` itself (it delegates), so a
feature typed `FeedbackRepo` accepts either: `Feedback(store)` or `Feedback(store.feedback)`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Protocol

from bot.core.ports import TransportState
from bot.store.records import Activity, Feedback, RequestStatus, SessionRequest, Unanswered

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
