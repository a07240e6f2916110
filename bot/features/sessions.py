"""Information-session requests: teachers ask with /boka (or in words); staff answer.

The request is not anonymous: it keeps the requester's id on its transport so that the
answer reaches them by direct message. Staff get a notice in the staff room.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.core.commands import Command, CommandRouter
from bot.core.dialogues import Choice, Dialogues, Form, NotAccepted, Step
from bot.core.literal import literal
from bot.core.messages import Lang, Outcome, Reply
from bot.core.outbox import Outbox
from bot.core.roles import Roles
from bot.core.texts import t
from bot.core.turn import Turn
from bot.features import session_texts  # noqa: F401  (registers its texts)
from bot.features.command_args import read_id, shown_id
from bot.features.dates import DateProblem, coming_time, explain
from bot.knowledge.holder import KnowledgeHolder
from bot.store.base import Store
from bot.store.records import Activity, SessionRequest
from bot.text.numbers import ascii_digits

SESSION_KIND = "informationsinsats"  # the activity type a held session is logged as
CONFIRM_YEARS = 2  # a session confirmed further ahead than this has a typo in its year
MAX_PEOPLE = 10_000  # an information session; a larger number is a slip of the keyboard
_NUMBER = re.compile(r"\d+(?: \d{3})*")  # "25", "1 000" (after ascii_digits: NFKC spaces)
_RANGE = re.compile(r"\s*(?:-|–|—|till|to|à)\s*")  # "20-25", "20 till 25"


def _q(key: str) -> dict[Lang, str]:
    return {"sv": t(key, "sv"), "en": t(key, "en")}


class BookingForm(Form):
    key = "booking"
    name = "Booking"

    def __init__(self, holder: KnowledgeHolder, store: Store, outbox: Outbox,
                 staff_room: str | None) -> None:
        self.holder = holder
        self.store = store
        self.outbox = outbox
        self.staff_room = staff_room

    def refuse(self, turn: Turn) -> str | None:
        return None if self.holder.kb.data.booking else t("bk_unavailable", turn.lang)

    def steps(self, turn: Turn) -> Sequence[Step]:
        booking = self.holder.kb.data.booking
        assert booking is not None

        def choices(items: Sequence[Any]) -> tuple[Choice, ...]:
            return tuple(Choice(i.id, {"sv": i.label.sv, "en": i.label.en}, tuple(i.words))
                         for i in items)

        return (Step("organisation", _q("bk_organisation"), max_chars=200),
                Step("audience", _q("bk_audience"), choices(booking.audiences)),
                Step("topic", _q("bk_topic"), choices(booking.topics)),
                Step("size", _q("bk_size"), optional=True, max_chars=50),
                Step("wished", _q("bk_wished"), max_chars=300),
                Step("contact", _q("bk_contact"), optional=True, max_chars=300))

    def intro(self, turn: Turn) -> str:
        return t("bk_intro", turn.lang)

    def title(self, lang: Lang) -> str:
        return t("bk_title", lang)

    def accept(self, step: Step, text: str, lang: Lang) -> tuple[Any, str | None]:
        if step.name == "size":
            return read_size(text, lang), None
        return text, None

    def label(self, kind: str, value: str, lang: Lang) -> str:
        booking = self.holder.kb.data.booking
        items = getattr(booking, kind, ()) if booking else ()
        return next((i.label.get(lang) for i in items if i.id == value), value)

    def line(self, request: SessionRequest, lang: Lang) -> str:
        # The requester's own words are shown literally (to staff, and back in the DMs).
        parts = [literal(request.organisation, one_line=True),
                 self.label("audiences", request.audience, lang),
                 self.label("topics", request.topic, lang)]
        if request.size:
            parts.append(t("bk_people", lang, n=request.size))
        parts.append(t("bk_when", lang, when=literal(request.wished, one_line=True)))
        return " · ".join(parts)

    def summary(self, data: dict[str, Any], lang: Lang) -> str:
        contact = literal(data.get("contact") or "", one_line=True) or t("bk_here", lang)
        request = self._request(data, "", "", lang)
        return f"{t('bk_summary', lang)}\n{self.line(request, lang)}\n" + \
            t("bk_reach", lang, contact=contact)

    @staticmethod
    def _request(data: dict[str, Any], sender: str, transport: str, lang: Lang
                 ) -> SessionRequest:
        return SessionRequest(organisation=data["organisation"], audience=data["audience"],
                              topic=data["topic"], size=data.get("size"),
                              wished=data["wished"], contact=data.get("contact") or "chat",
                              requester=sender, transport=transport, lang=lang)

    async def finish(self, data: dict[str, Any], turn: Turn) -> str:
        request = self._request(data, turn.msg.sender, turn.msg.transport, turn.lang)
        request_id = await self.store.add_request(request)
        if self.staff_room:
            self.outbox.to_room("matrix", self.staff_room, t(
                "bk_notice", "sv", id=request_id, line=self.line(request, "sv")))
        return t("bk_sent", turn.lang, id=request_id)


def read_size(text: str, lang: Lang) -> int:
    """About how many people: "25", "ca 30 elever", "٢٥", "20-25" (the larger), "1 000".
    NotAccepted with a one-line reason for none ("två hundra"), several ("10**30", "2
    klasser, 50 elever"), or one out of range ("-5", "0", "2147483648")."""
    plain = ascii_digits(text)
    found = list(_NUMBER.finditer(plain))
    if not found or len(found) > 2 or (len(found) == 2 and not _RANGE.fullmatch(
            plain[found[0].end():found[1].start()])):
        raise NotAccepted(t("bk_size_how", lang))
    digits = [m.group().replace(" ", "") for m in found]
    negative = plain[:found[0].start()].rstrip().endswith(("-", "−"))
    if negative or any(len(d) > 6 for d in digits):
        raise NotAccepted(t("bk_size_range", lang, most="10 000"))
    size = max(int(d) for d in digits)
    if not 1 <= size <= MAX_PEOPLE:
        raise NotAccepted(t("bk_size_range", lang, most="10 000"))
    return size


class SessionRequests:
    """/boka for everyone; /förfrågningar, /bekräfta, /avböj, /genomförd for staff."""

    def __init__(self, form: BookingForm, dialogues: Dialogues, commands: CommandRouter,
                 roles: Roles) -> None:
        self.form = form
        self.dialogues = dialogues
        dialogues.register(form)
        commands.add(Command(name="boka", aliases=("book",), run=self._start,
                             summary={"sv": "beställ en informationsinsats (skola, fritids)",
                                      "en": "request an information session (schools)"}))
        staff = roles.is_staff
        for name, aliases, run, usage, sv, en in (
            ("förfrågningar", ("requests",), self._list, "[alla]",
             "visar öppna förfrågningar", "shows open requests"),
            ("bekräfta", ("confirm",), self._confirm, "<id> <datum och tid>",
             "bekräftar en förfrågan", "confirms a request"),
            ("avböj", ("decline",), self._decline, "<id> <skäl>",
             "avböjer en förfrågan", "declines a request"),
            ("genomförd", ("done",), self._done, "<id>",
             "markerar en insats som genomförd", "marks a session as held"),
        ):
            commands.add(Command(name=name, aliases=aliases, run=run, check=staff,
                                 usage=usage, summary={"sv": sv, "en": en}))

    async def _start(self, turn: Turn, args: str) -> Reply:
        return await self.dialogues.start(self.form.key, turn)

    def _reply(self, turn: Turn, key: str, **values: object) -> Reply:
        return Reply(t(key, turn.lang, **values), Outcome.COMMAND, turn.lang)

    async def _list(self, turn: Turn, args: str) -> Reply:
        every = args.strip().lower() in ("alla", "all")
        requests = await self.form.store.list_requests(None if every else "open")
        if not requests:
            return self._reply(turn, "bk_none")
        lines = [t("bk_list_head", turn.lang, n=len(requests))]
        for r in requests:
            status = "" if r.status == "open" else f" ({t('bk_status_' + r.status, turn.lang)})"
            lines.append(f"- #{r.id} {self.form.line(r, turn.lang)}{status}")
        return Reply("\n".join(lines), Outcome.COMMAND, turn.lang)

    async def _target(self, turn: Turn, args: str, allowed: tuple[str, ...]
                      ) -> tuple[SessionRequest, str] | Reply:
        read = read_id(args)
        if read is None:
            return self._reply(turn, "bk_which")
        digits, request_id, rest = read
        request = None if request_id is None else await self.form.store.get_request(request_id)
        if request is None:
            return self._reply(turn, "bk_no_such", id=shown_id(digits))
        if request.status not in allowed:
            return self._reply(turn, "bk_wrong_status", id=request.id,
                               status=t("bk_status_" + request.status, turn.lang))
        return request, rest

    def _tell(self, request: SessionRequest, key: str, **values: object) -> bool:
        text = t(key, request.lang, id=request.id, line=self.form.line(request, request.lang),
                 **values)
        return self.form.outbox.to_user(request.transport, request.requester, text)

    async def _confirm(self, turn: Turn, args: str) -> Reply:
        target = await self._target(turn, args, ("open", "confirmed"))
        if isinstance(target, Reply):
            return target
        request, when = target
        if not when:
            return self._reply(turn, "bk_confirm_how")
        # A date that cannot be right (32/13, 0000-01-01, last year, 9999) is named, and
        # nothing is changed or sent; words without a date ("vecka 50") are sent as they are.
        scheduled = coming_time(when, turn.now, CONFIRM_YEARS)
        if isinstance(scheduled, DateProblem):
            return Reply(explain(scheduled, turn.lang, CONFIRM_YEARS), Outcome.COMMAND,
                         turn.lang)
        updated = await self.form.store.update_request(request.id or 0, status="confirmed",
                                                       answer=when, scheduled=scheduled)
        told = self._tell(updated, "bk_confirmed_dm", when=literal(when, one_line=True))
        return self._reply(turn, "bk_confirmed" if told else "bk_not_told", id=request.id)

    async def _decline(self, turn: Turn, args: str) -> Reply:
        target = await self._target(turn, args, ("open", "confirmed"))
        if isinstance(target, Reply):
            return target
        request, reason = target
        if not reason:
            return self._reply(turn, "bk_decline_how")
        updated = await self.form.store.update_request(request.id or 0, status="declined",
                                                       answer=reason)
        told = self._tell(updated, "bk_declined_dm", reason=literal(reason, one_line=True))
        return self._reply(turn, "bk_declined" if told else "bk_not_told", id=request.id)

    async def _done(self, turn: Turn, args: str) -> Reply:
        target = await self._target(turn, args, ("open", "confirmed"))
        if isinstance(target, Reply):
            return target
        request, _ = target
        await self.form.store.update_request(request.id or 0, status="done",
                                             answer=request.answer,
                                             scheduled=request.scheduled)
        # The promise an information session serves depends on the day it was held.
        serves = self.form.holder.kb.serves(SESSION_KIND, turn.today, None)
        audience = self.form.label("audiences", request.audience, "sv").lower()
        activity_id = await self.form.store.add_activity(Activity(
            kind=SESSION_KIND, promise=serves[1].id if serves else None, place=None,
            day=turn.today, counts={audience: request.size} if request.size else {},
            note=f"#{request.id} {request.organisation}", author=turn.msg.sender,
            created_at=turn.now))
        return self._reply(turn, "bk_done", id=request.id, activity=activity_id)
