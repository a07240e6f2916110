"""What staff features keep: activities logged by staff, and information-session requests.

Unlike feedback these are not anonymous: they are the authorities' own record, with the
author's id and the time (an activity) or the requester's address to answer (a request).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from bot.text.lang import Lang

RequestStatus = Literal["open", "confirmed", "declined", "done"]


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
    id: int | None = None
