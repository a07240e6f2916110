"""Information-session requests: teachers ask with /boka (or in words); staff answer.

The request is not anonymous: it keeps the requester's id on its transport so that the
answer reaches them by direct message where that transport can send one, and so that
/mina shows them their own requests and staff's answers on every transport (the Teams
outgoing webhook can only answer the message it was sent: there the requester is told
so, never promised an answer "here"). Staff get a notice in the staff room.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any

from bot.core.address import Address
from bot.core.clock import TZ
from bot.core.commands import Command
from bot.core.dialogues import Choice, Dialogues, Form, NotAccepted, Step
from bot.core.literal import literal
from bot.core.messages import Choice as ButtonChoice
from bot.core.messages import Lang, Outcome, Reply
from bot.core.outbox import Outbox
from bot.core.roles import Roles
from bot.core.router import Router
from bot.core.texts import t
from bot.core.turn import Turn
from bot.features.command_args import read_id, shown_id
from bot.features.dates import DateProblem, coming_time, explain
from bot.features.staff_scope import covered, whose
from bot.features.whereabouts import Whereabouts
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.holder import KnowledgeHolder
from bot.store.ports import SessionRepo
from bot.store.records import Activity, SessionRequest
from bot.text.numbers import ascii_digits

SESSION_KIND = "informationsinsats"  # the activity type a held session is logged as
CONFIRM_YEARS = 2  # a session confirmed further ahead than this has a typo in its year
MAX_PEOPLE = 10_000  # an information session; a larger number is a slip of the keyboard
_NUMBER = re.compile(r"\d+(?: \d{3})*")  # "25", "1 000" (after ascii_digits: NFKC spaces)
_RANGE = re.compile(r"\s*(?:-|–|—|till|to|à)\s*")  # "20-25", "20 till 25"
# A request's status in words, by the status stored: catalogue keys written out in full.
STATUS_TEXT = {"open": "bk_status_open", "confirmed": "bk_status_confirmed",
               "declined": "bk_status_declined", "done": "bk_status_done"}
# The last question, by where a skipped answer leaves the reply: here in the chat, or (the
# requester's transport cannot send a message the bot starts) behind /mina. The step's
# name keeps that in the answers, which is all the summary sees.
CONTACT, CONTACT_LATER = "contact", "contact_later"
MINE_DAYS = 365  # /mina looks this far back
MINE_MOST = 10  # /mina shows this many requests, newest first, and counts the rest
ANSWERABLE = ("open", "confirmed")  # what /bekräfta and /avböj change (and list buttons)


def _q(key: str) -> dict[Lang, str]:
    return {"sv": t(key, "sv"), "en": t(key, "en")}


class BookingForm(Form):
    key = "booking"
    name = "Booking"

    def __init__(self, holder: KnowledgeHolder, store: SessionRepo, outbox: Outbox,
                 roles: Roles, where: Callable[[Turn], str | None] | None = None) -> None:
        self.holder = holder
        self.store = store
        self.outbox = outbox
        self.roles = roles  # the notice of a request goes to its municipality's staff room
        # The municipality a conversation is about (features.whereabouts): the request is
        # its, with its audiences and topics.
        self.where = where or (lambda turn: None)

    def kb(self, ident: str | None) -> KnowledgeBase:
        return self.holder.area.bases.get(ident or "") or self.holder.kb

    def begin(self, turn: Turn) -> dict[str, Any]:
        return {"municipality": self.kb(self.where(turn)).id}

    def refuse(self, turn: Turn) -> str | None:
        return None if self.kb(self.where(turn)).data.booking else t("bk_unavailable",
                                                                    turn.lang)

    def steps(self, turn: Turn) -> Sequence[Step]:
        booking = self.kb(self.where(turn)).data.booking
        assert booking is not None

        def choices(items: Sequence[Any]) -> tuple[Choice, ...]:
            return tuple(Choice(i.id, {"sv": i.label.sv, "en": i.label.en}, tuple(i.words))
                         for i in items)

        return (Step("organisation", _q("bk_organisation"), max_chars=200),
                Step("audience", _q("bk_audience"), choices(booking.audiences)),
                Step("topic", _q("bk_topic"), choices(booking.topics)),
                Step("size", _q("bk_size"), optional=True, max_chars=50),
                Step("wished", _q("bk_wished"), max_chars=300),
                Step(CONTACT, _q("bk_contact"), optional=True, max_chars=300)
                if self.reaches(turn.msg.transport, turn.msg.sender) else
                Step(CONTACT_LATER, _q("bk_contact_later"), optional=True, max_chars=300))

    def reaches(self, transport: str, person: str) -> bool:
        """Whether an answer can be sent to the person later, or only read with /mina."""
        return self.outbox.can_reach(Address.person_on(transport, person))

    def intro(self, turn: Turn) -> str:
        if self.reaches(turn.msg.transport, turn.msg.sender):
            return t("bk_intro", turn.lang)
        return t("bk_intro_later", turn.lang)

    def title(self, lang: Lang) -> str:
        return t("bk_title", lang)

    def accept(self, step: Step, text: str, lang: Lang) -> tuple[Any, str | None]:
        if step.name == "size":
            return read_size(text, lang), None
        return text, None

    def label(self, kind: str, value: str, lang: Lang, municipality: str | None = None
              ) -> str:
        booking = self.kb(municipality).data.booking
        items = getattr(booking, kind, ()) if booking else ()
        return next((i.label.get(lang) for i in items if i.id == value), value)

    def line(self, request: SessionRequest, lang: Lang) -> str:
        # The requester's own words are shown literally (to staff, and back in the DMs).
        parts = [literal(request.organisation, one_line=True),
                 self.label("audiences", request.audience, lang, request.municipality),
                 self.label("topics", request.topic, lang, request.municipality)]
        if request.size:
            parts.append(t("bk_people", lang, n=request.size))
        parts.append(t("bk_when", lang, when=literal(request.wished, one_line=True)))
        return " · ".join(parts)

    def summary(self, data: dict[str, Any], lang: Lang) -> str:
        here = t("bk_here_later" if CONTACT_LATER in data else "bk_here", lang)
        contact = literal(_contact(data) or "", one_line=True) or here
        request = self._request(data, "", "", lang)
        return f"{t('bk_summary', lang)}\n{self.line(request, lang)}\n" + \
            t("bk_reach", lang, contact=contact)

    @staticmethod
    def _request(data: dict[str, Any], sender: str, transport: str, lang: Lang
                 ) -> SessionRequest:
        return SessionRequest(organisation=data["organisation"], audience=data["audience"],
                              topic=data["topic"], size=data.get("size"),
                              wished=data["wished"], contact=_contact(data) or "chat",
                              requester=sender, transport=transport, lang=lang,
                              municipality=data.get("municipality") or "")

    async def finish(self, data: dict[str, Any], turn: Turn) -> str:
        request = self._request(data, turn.msg.sender, turn.msg.transport, turn.lang)
        request_id = await self.store.add_request(request)
        room = self.roles.room_of(request.municipality)
        if room is not None:
            self.outbox.to(room, t(
                "bk_notice", "sv", id=request_id, line=self.line(request, "sv"))
                + self.whose(request.municipality), _answer_choices(request_id, "sv"))
        if self.reaches(turn.msg.transport, turn.msg.sender):
            return t("bk_sent", turn.lang, id=request_id)
        return t("bk_sent_later", turn.lang, id=request_id)


    def whose(self, municipality: str | None) -> str:
        return whose(self.holder.area, municipality)


def _contact(data: dict[str, Any]) -> str | None:
    """How the requester asked to be reached, whichever contact question they were asked."""
    return data.get(CONTACT) or data.get(CONTACT_LATER)


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


def _shown_time(when: dt.datetime | None) -> str:
    """A confirmed time as a date (and the time of day, when one was given)."""
    if when is None:
        return ""
    local = when.astimezone(TZ)
    return f"{local:%Y-%m-%d}" if (local.hour, local.minute) == (0, 0) else \
        f"{local:%Y-%m-%d %H:%M}"


async def mine_lines(form: BookingForm, turn: Turn) -> list[str]:
    """What /mina lists under its head: the sender's own requests of the last year, by
    their id on the transport they write from, newest first, and a line counting older
    ones; [] when there are none. Also the answer to "har ni fått min förfrågan?"."""
    since = (turn.now - dt.timedelta(days=MINE_DAYS)).astimezone(dt.UTC).date()
    mine, total = await form.store.requests_of(turn.msg.transport, turn.msg.sender, since,
                                               MINE_MOST)
    lines = [_mine_line(form, r, turn.lang) for r in mine]
    if mine and total > len(mine):
        lines.append(t("bk_mine_more", turn.lang, n=total - len(mine)))
    return lines


def _mine_line(form: BookingForm, request: SessionRequest, lang: Lang) -> str:
    # Staff's words are shown as typed (literal), as in the answer by direct message;
    # the time as the date it was read as, since "imorgon 14:00" is read days later.
    more = []
    when = _shown_time(request.scheduled)
    if when:
        more.append(t("bk_mine_time", lang, time=when))
    answer = literal(request.answer, one_line=True)
    if answer and answer != when:
        more.append(t("bk_mine_answer", lang, answer=answer))
    return t("bk_mine_item", lang, id=request.id, line=form.line(request, lang),
             status=t(STATUS_TEXT[request.status], lang),
             more="".join(f" · {part}" for part in more))


def _answer_choices(request_id: int, lang: Lang) -> tuple[ButtonChoice, ButtonChoice]:
    """The buttons for one request, on the staff's notice and in their list: each sends
    the command followed by what its field asks for (the time, the reason), as if typed;
    sent without it (a transport without fields, an empty field), the reply asks for it
    with this request's number."""
    confirm, decline = ("/confirm", "/decline") if lang == "en" else ("/bekräfta", "/avböj")
    return (ButtonChoice(t("bk_choice_confirm", lang, id=request_id),
                         f"{confirm} {request_id}", ask=t("bk_ask_when", lang)),
            ButtonChoice(t("bk_choice_decline", lang, id=request_id),
                         f"{decline} {request_id}", ask=t("bk_ask_reason", lang)))


def router(form: BookingForm, dialogues: Dialogues, roles: Roles,
           where: Whereabouts | None = None) -> Router:
    """The booking form, /boka for everyone, the answers for staff."""
    return SessionRequests(form, dialogues, roles, where).router()


class SessionRequests:
    """/boka and /mina for everyone; /förfrågningar, /bekräfta, /avböj, /genomförd for
    staff."""

    def __init__(self, form: BookingForm, dialogues: Dialogues, roles: Roles,
                 where: Whereabouts | None = None) -> None:
        self.form = form
        self.dialogues = dialogues
        self.roles = roles
        self.where = where
        if where is not None:  # asked which municipality first: then the dialogue
            where.on_choice(form.key, self._begin)

    def router(self) -> Router:
        staff = self.roles.is_staff
        return Router("sessions", forms=(self.form,), commands=(
            Command(name="boka", aliases=("book",), run=self._start, summary="cmd_boka"),
            Command(name="mina", aliases=("my",), run=self._mine, summary="cmd_mina"),
            Command(name="förfrågningar", aliases=("requests",), run=self._list,
                    check=staff, usage="[alla] [kommun]", summary="cmd_forfragningar"),
            Command(name="bekräfta", aliases=("confirm",), run=self._confirm, check=staff,
                    usage="<id> <datum och tid>", summary="cmd_bekrafta"),
            Command(name="avböj", aliases=("decline",), run=self._decline, check=staff,
                    usage="<id> <skäl>", summary="cmd_avboj"),
            Command(name="genomförd", aliases=("done",), run=self._done, check=staff,
                    usage="<id>", summary="cmd_genomford")))

    async def _begin(self, turn: Turn) -> Reply:
        return await self.dialogues.start(self.form.key, turn)

    async def _start(self, turn: Turn, args: str) -> Reply:
        # In an area that asks, which municipality the request is for comes first.
        if self.where is not None and turn.msg.is_direct and self.where.should_ask(turn):
            return await self.where.ask(turn, resume=self.form.key)
        return await self._begin(turn)

    def _reply(self, turn: Turn, key: str, **values: object) -> Reply:
        return Reply(t(key, turn.lang, **values), Outcome.COMMAND, turn.lang)

    async def _mine(self, turn: Turn, args: str) -> Reply:
        """The sender's own requests, by their id on the transport they write from, newest
        first: never anyone else's, and only in a private conversation."""
        if not turn.msg.is_direct:
            return self._reply(turn, "bk_mine_private")
        lines = await mine_lines(self.form, turn)
        if not lines:
            return self._reply(turn, "bk_mine_none")
        return Reply("\n".join([t("bk_mine_head", turn.lang), *lines]), Outcome.COMMAND,
                     turn.lang)

    async def _list(self, turn: Turn, args: str) -> Reply:
        cover = covered(self.form.holder.area, self.roles.scope(turn), turn, args)
        if isinstance(cover, Reply):
            return cover
        every = cover.rest.strip().lower() in ("alla", "all")
        requests = await self.form.store.list_requests(None if every else "open",
                                                       municipalities=cover.only)
        if not requests:
            return self._reply(turn, "bk_none")
        lines = [t("bk_list_head", turn.lang, n=len(requests))]
        picks: list[ButtonChoice] = []
        several = len({r.municipality for r in requests}) > 1
        for r in requests:
            status = "" if r.status == "open" else f" ({t(STATUS_TEXT[r.status], turn.lang)})"
            whose = self.form.whose(r.municipality) if several else ""
            lines.append(f"- #{r.id}{whose} {self.form.line(r, turn.lang)}{status}")
            if r.status in ANSWERABLE:
                picks += _answer_choices(r.id or 0, turn.lang)
        return Reply("\n".join(lines), Outcome.COMMAND, turn.lang, choices=tuple(picks))

    async def _target(self, turn: Turn, args: str, allowed: tuple[str, ...]
                      ) -> tuple[SessionRequest, str] | Reply:
        read = read_id(args)
        if read is None:
            return self._reply(turn, "bk_which")
        digits, request_id, rest = read
        request = None if request_id is None else await self.form.store.get_request(request_id)
        # Another municipality's request is as unknown as one that does not exist.
        if request is None or not self.roles.scope(turn).covers(request.municipality):
            return self._reply(turn, "bk_no_such", id=shown_id(digits))
        if request.status not in allowed:
            return self._reply(turn, "bk_wrong_status", id=request.id,
                               status=t(STATUS_TEXT[request.status], turn.lang))
        return request, rest

    def _tell(self, request: SessionRequest, key: str, **values: object) -> bool:
        """Send the requester the answer; False when their transport cannot carry it."""
        text = t(key, request.lang, id=request.id, line=self.form.line(request, request.lang),
                 **values)
        return self.form.outbox.to(Address.person_on(request.transport, request.requester),
                                   text)

    def _answered(self, turn: Turn, request: SessionRequest, told: bool, key: str,
                  later: str) -> Reply:
        """Staff's confirmation says where the answer went: to the requester, or (their
        transport cannot carry it) waiting for them behind /mina, with the contact they
        left, if any."""
        if told:
            return self._reply(turn, key, id=request.id)
        text = t(later, turn.lang, id=request.id)
        if request.contact != "chat":
            text += " " + t("bk_contact_left", turn.lang,
                            contact=literal(request.contact, one_line=True))
        return Reply(text, Outcome.COMMAND, turn.lang)

    async def _confirm(self, turn: Turn, args: str) -> Reply:
        target = await self._target(turn, args, ANSWERABLE)
        if isinstance(target, Reply):
            return target
        request, when = target
        if not when:
            return self._reply(turn, "bk_confirm_how", id=request.id)
        # A date that cannot be right (32/13, 0000-01-01, last year, 9999) is named, and
        # nothing is changed or sent; words without a date ("vecka 50") are sent as they are.
        scheduled = coming_time(when, turn.now, CONFIRM_YEARS)
        if isinstance(scheduled, DateProblem):
            return Reply(explain(scheduled, turn.lang, CONFIRM_YEARS), Outcome.COMMAND,
                         turn.lang)
        updated = await self.form.store.update_request(request.id or 0, status="confirmed",
                                                       answer=when, scheduled=scheduled)
        told = self._tell(updated, "bk_confirmed_dm", when=literal(when, one_line=True))
        return self._answered(turn, updated, told, "bk_confirmed", "bk_confirmed_later")

    async def _decline(self, turn: Turn, args: str) -> Reply:
        target = await self._target(turn, args, ANSWERABLE)
        if isinstance(target, Reply):
            return target
        request, reason = target
        if not reason:
            return self._reply(turn, "bk_decline_how", id=request.id)
        updated = await self.form.store.update_request(request.id or 0, status="declined",
                                                       answer=reason)
        told = self._tell(updated, "bk_declined_dm", reason=literal(reason, one_line=True))
        return self._answered(turn, updated, told, "bk_declined", "bk_declined_later")

    async def _done(self, turn: Turn, args: str) -> Reply:
        target = await self._target(turn, args, ("open", "confirmed"))
        if isinstance(target, Reply):
            return target
        request, _ = target
        await self.form.store.update_request(request.id or 0, status="done",
                                             answer=request.answer,
                                             scheduled=request.scheduled)
        # The promise an information session serves depends on the day it was held.
        kb = self.form.kb(request.municipality)
        serves = kb.serves(SESSION_KIND, turn.today, None)
        audience = self.form.label("audiences", request.audience, "sv",
                                   request.municipality).lower()
        activity_id = await self.form.store.add_activity(Activity(
            kind=SESSION_KIND, promise=serves[1].id if serves else None, place=None,
            day=turn.today, counts={audience: request.size} if request.size else {},
            note=f"#{request.id} {request.organisation}", author=turn.msg.sender,
            created_at=turn.now, municipality=request.municipality))
        return self._reply(turn, "bk_done", id=request.id, activity=activity_id)
