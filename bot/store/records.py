"""What the store keeps, as values: anonymous feedback, unanswered questions, and the staff
records (activities logged by staff, information-session requests).

Feedback and unanswered questions are anonymous: only the fields below, nothing that could
point back to a resident. The staff records are not: they are the authorities' own record,
with the author's id and the time (an activity) or the requester's address to answer (a
request).

Every record belongs to one municipality (a knowledge id such as "asele"): several
municipalities may share one deployment, and staff see only their own. A record added with
municipality "" gets the store's home (`Store.home`); rows made before migration 5 have ""
until `Store.adopt` gives them one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from bot.text.lang import Lang

MAX_FEEDBACK_TEXT = 2000
MAX_UNANSWERED_TEXT = 300
GRANULARITIES = ("date", "week")
# The languages a row may carry: the schema's CHECKs name these two.
LANGUAGES = ("sv", "en")

RequestStatus = Literal["open", "confirmed", "declined", "done"]


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
    municipality: str = ""  # a knowledge id, e.g. "asele"; "" = the store's home
    id: int | None = None  # set by the store


@dataclass(frozen=True, slots=True)
class Unanswered:
    """A question the bot could not answer, counted: only these fields (no sender, room,
    event id or time of day), so the knowledge base's keeper learns what to add."""

    text: str  # normalised and redacted by the caller, at most MAX_UNANSWERED_TEXT chars
    count: int  # how often it was asked, >= 1
    first_day: dt.date  # the first and the last day it was asked
    last_day: dt.date
    municipality: str = ""  # where it was asked; one text is one row per municipality


@dataclass(frozen=True, slots=True)
class Activity:
    kind: str  # an activity type id from the knowledge base, e.g. "trafikkontroll"
    promise: str | None  # the promise id it serves, from the knowledge base
    place: str | None  # a place name from the knowledge base, or None
    day: dt.date  # the day it was done
    counts: dict[str, int] = field(default_factory=dict)  # unit -> number: {"fordon": 23}
    note: str = ""  # the rest of the staff member's words
    author: str = ""  # the staff member's id (Matrix user id, Teams object id, "local")
    created_at: dt.datetime | None = None  # set by the store when None
    municipality: str = ""  # "" = the store's home; an update never changes it
    id: int | None = None  # set by the store


@dataclass(frozen=True, slots=True)
class SessionRequest:
    organisation: str  # e.g. "Centralskolan"
    audience: str  # "larare", "personal", "foraldrar", "elever"
    topic: str  # "drogtecken", "brottsforebyggande", "annat"
    size: int | None  # about how many
    wished: str  # a week, a month or dates, in the requester's words
    contact: str  # how to reach them; "chat" for the chat itself
    requester: str  # the requester's id on the transport (to answer by DM)
    transport: str  # "matrix", "teams", "console"
    lang: Lang = "sv"
    status: RequestStatus = "open"
    answer: str = ""  # staff's reason for declining, or the confirmed time as text
    scheduled: dt.datetime | None = None  # the confirmed date and time
    created_at: dt.datetime | None = None  # set by the store when None
    updated_at: dt.datetime | None = None
    municipality: str = ""  # "" = the store's home
    id: int | None = None


# -- the medborgarlöfte's cycle: a safety survey, a public digest, reminders ------------

DigestState = Literal["draft", "published"]


@dataclass(frozen=True, slots=True)
class Survey:
    """A survey period of one municipality (staff open and close it): residents answer
    the knowledge base's survey questions while `opens <= today <= closes` and it is not
    closed."""

    municipality: str  # "" = the store's home
    opens: dt.date
    closes: dt.date  # the last day answers are taken (inclusive)
    closed: dt.date | None = None  # the day staff closed it early; None: runs to `closes`
    id: int | None = None  # set by the store

    def open_on(self, day: dt.date) -> bool:
        """Whether answers are taken on `day`."""
        return self.opens <= day <= self.closes and (self.closed is None or day < self.closed)


@dataclass(frozen=True, slots=True)
class SurveyAnswer:
    """One resident's answers to a survey, anonymous as feedback is: only these fields (no
    sender, room, event, day or time of day; the survey period is the only time)."""

    survey: int  # Survey.id
    # question id -> the answer: int (scale 1..5), str (a choice id, "ja"/"nej"), list[str]
    # (ranked choice ids, first = most important), str (free text, already redacted)
    answers: dict[str, int | str | list[str]]
    lang: Lang
    municipality: str = ""  # the survey's; "" = the store's home
    id: int | None = None  # set by the store


@dataclass(frozen=True, slots=True)
class Digest:
    """A public text of what police and municipality did in [start, end] (a month), made
    from the activity log, approved by staff before it is published."""

    municipality: str  # "" = the store's home
    start: dt.date
    end: dt.date
    texts: dict[str, str]  # lang -> Markdown ("sv", "en")
    state: DigestState = "draft"
    made: dt.datetime | None = None  # set by the store when None
    published: dt.datetime | None = None  # set by `publish_digest`
    id: int | None = None  # set by the store
