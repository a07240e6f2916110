"""Where a message the bot starts goes: a room (or a person) on one transport.

The core names places by `Address`, never by a transport's own vocabulary: the staff room
may be a Matrix room, a Teams channel or the terminal, and a requester is reached on the
transport they wrote from. Whether that transport can carry a message the bot starts is
the Outbox's question (`Outbox.can_reach`), not the feature's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A transport's name: short and lowercase, as each transport registers its courier.
_TRANSPORT = re.compile(r"[a-z][a-z0-9_-]{0,31}")


@dataclass(frozen=True, slots=True)
class Address:
    transport: str  # the name a transport registered its courier under
    room: str  # the room (channel, conversation) id on that transport; a person's id
    person: bool = False  # True: a direct message to the person `room` names

    @classmethod
    def person_on(cls, transport: str, user: str) -> Address:
        """A person by their id on a transport (a requester, reached by direct message)."""
        return cls(transport, user, person=True)

    @classmethod
    def parse(cls, text: str) -> Address:
        """`<transport>:<room>` from configuration ("matrix:!abc:example.org",
        "teams:19:abc@thread.tacv2", "console:personal"): the room is everything after the
        first colon. ValueError with a one-line reason otherwise."""
        transport, colon, room = text.strip().partition(":")
        if not colon or not _TRANSPORT.fullmatch(transport):
            raise ValueError("write <transport>:<room>, e.g. matrix:!abc:example.org "
                             "or teams:<conversation id>")
        if not room or any(c.isspace() or not c.isprintable() for c in room):
            raise ValueError(f"{transport}: needs a room id without spaces after the colon")
        return cls(transport, room)
