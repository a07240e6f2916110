"""Staff commands that no input breaks: absurd periods, dates, ids, counts and long notes
get one clear line naming the problem (never the generic error), and nothing stored or
half-entered is lost. Through Bot.handle, on the shipped knowledge base."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from bot.app import build_bot
from bot.config import Config, Roles
from bot.core.bot import Bot
from bot.core.clock import TZ, FixedClock
from bot.core.messages import Outcome, Reply
from bot.core.outbox import Outbox
from bot.core.texts import t
from bot.features import reporting
from bot.features.chat_size import cut, fit_lines
from bot.knowledge.holder import KnowledgeHolder
from bot.store import Store
from bot.store.records import Activity, SessionRequest
from tests.conftest import TODAY, ask
from tests.couriers import RecordingCourier, outbox_for

STAFF, OTHER, ADMIN, TEACHER = "@polis1:x", "@polis2:x", "@chef:x", "@larare:x"
ERROR = t("error", "sv")
CHAT_MOST = 16_000  # bytes: a Matrix event holds 64 KiB, with the HTML besides
PERIOD_COMMANDS = ["/aktiviteter", "/synpunkter", "/rapport", "/obesvarade"]


@pytest.fixture
def courier() -> RecordingCourier:
    return RecordingCourier()


@pytest.fixture
def outbox(courier: RecordingCourier) -> Outbox:
    return outbox_for(courier, "test")


def make_bot(holder: KnowledgeHolder, store: Store, clock: FixedClock,
             outbox: Outbox | None = None) -> Bot:
    config = Config(roles=Roles(staff=[STAFF, OTHER], admins=[ADMIN]))
    return build_bot(config, clock, holder, store, outbox)


@pytest.fixture
def bot(shipped_holder: KnowledgeHolder, store: Store, clock: FixedClock,
        outbox: Outbox) -> Bot:
    return make_bot(shipped_holder, store, clock, outbox)


def one_line(reply: Reply) -> str:
    """The reply is a clear line: not the generic error, not a stack of text."""
    assert reply.text != ERROR
    assert reply.outcome is Outcome.COMMAND
    assert "\n" not in reply.text.strip(), reply.text
    return reply.text


def size(reply: Reply) -> int:
    return len(reply.text.encode("utf-8"))


# ------------------------------------------------------------------ periods


@pytest.mark.parametrize("command", PERIOD_COMMANDS)
@pytest.mark.parametrize(("period", "key"), [
    ("0000", "bad_period_date"),
    ("0000-01", "bad_period_date"),
    ("0000-01-01..2026-01-01", "bad_period_date"),
    ("2026-02-30..2026-03-01", "bad_period_date"),
    ("2026-13", "bad_period_date"),
    ("2026-00", "bad_period_date"),
    ("2026-06-30..2026-01-01", "bad_period_order"),
    ("9999-12-31..0001-01-01", "bad_period_order"),
    ("99999", "bad_period_range"),
    ("99999-01", "bad_period_range"),
    ("2026-01-01..99999-12-31", "bad_period_range"),
    ("99999999 dagar", "bad_period_range"),
    ("9" * 400 + " dagar", "bad_period_range"),
    ("32/13", "bad_period"),
    ("igår", "bad_period"),
    ("1" * 300, "bad_period_range"),
])
async def test_impossible_periods_are_named(bot: Bot, command: str, period: str,
                                            key: str) -> None:
    reply = await ask(bot, f"{command} {period}", sender=STAFF)
    assert one_line(reply) == t(key, "sv")


@pytest.mark.parametrize("command", PERIOD_COMMANDS)
@pytest.mark.parametrize("period", ["0001-01-01..9999-12-31", "0001-01-01 9999-12-31",
                                    "9999", "0001", "9999-12", "0001-01", "9999 dagar",
                                    "739000 dagar"])
async def test_the_ends_of_the_calendar_are_understood(bot: Bot, store: Store, command: str,
                                                       period: str) -> None:
    await ask(bot, "/logga trafikkontroll Lomsjö igår 23 fordon", sender=STAFF)
    reply = await ask(bot, f"{command} {period}", sender=STAFF)
    assert reply.text != ERROR and reply.text != t("bad_period", "sv")
    assert size(reply) <= CHAT_MOST
    assert len(await store.list_activities()) == 1


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(1, 1, 3), dt.date(9999, 12, 31)])
@pytest.mark.parametrize("command", [*PERIOD_COMMANDS, "/aktiviteter 30 dagar",
                                     "/rapport 2026", "/synpunkter 90d"])
async def test_a_clock_at_the_ends_of_the_calendar(shipped_holder: KnowledgeHolder,
                                                   store: Store, day: dt.date,
                                                   command: str) -> None:
    bot = make_bot(shipped_holder, store, FixedClock(day))
    reply = await ask(bot, command, sender=STAFF)
    assert reply.text != ERROR
    assert size(reply) <= CHAT_MOST


# ------------------------------------------------------------------ dates in /logga


@pytest.mark.parametrize(("words", "key"), [
    ("0000-01-01", "date_no_such"),
    ("1/1-0000", "date_no_such"),
    ("32/13", "date_no_such"),
    ("2026-02-30", "date_no_such"),
    ("99999-01-01", "date_no_such"),
    ("1/1-99999", "date_no_such"),
    ("9999-12-31", "date_future"),
    ("2026-12-24", "date_future"),
    ("imorgon", "date_future"),
    ("0001-01-01", "date_too_old"),
    ("0099-06-01", "date_too_old"),
    ("12/3-0001", "date_too_old"),
    ("1 januari 1999", "date_too_old"),
])
async def test_log_with_an_impossible_date_stores_nothing(bot: Bot, store: Store, words: str,
                                                          key: str) -> None:
    reply = await ask(bot, f"/logga trafikkontroll Lomsjö {words} 23 fordon", sender=STAFF)
    assert one_line(reply) == t(key, "sv", words=words, years=10)
    assert await store.list_activities() == []
    english = await ask(bot, f"/log trafikkontroll Lomsjö {words} 23 fordon", sender=STAFF,
                        lang="en")
    assert one_line(english) == t(key, "en", words=words, years=10)


@pytest.mark.parametrize(("words", "day"), [
    ("2026-11-01", dt.date(2026, 11, 1)),
    ("1/1-17", dt.date(2017, 1, 1)),
    ("12/3-25", dt.date(2025, 3, 12)),
    ("24/12", dt.date(2025, 12, 24)),
    # A weekday beside a date only says it again (the last Monday was 23/11).
    ("måndag 2/11", dt.date(2026, 11, 2)),
    ("i måndags den 16 november", dt.date(2026, 11, 16)),
    # A weekday with a week number is that day of that week.
    ("onsdag v 47", dt.date(2026, 11, 18)),
    ("vecka 52 fredag", dt.date(2025, 12, 26)),
])
async def test_log_dates_that_are_fine(bot: Bot, store: Store, words: str,
                                       day: dt.date) -> None:
    reply = await ask(bot, f"/logga trafikkontroll {words}", sender=STAFF)
    assert "Loggat som #1" in reply.text
    [entry] = await store.list_activities()
    assert entry.day == day


async def test_a_week_number_is_part_of_the_date(bot: Bot, store: Store) -> None:
    reply = await ask(bot, "/logga trafikkontroll Fredrika onsdag v 47 12 fordon nykter",
                      sender=STAFF)
    assert "Loggat som #1" in reply.text
    [entry] = await store.list_activities()
    assert (entry.day, entry.counts) == (dt.date(2026, 11, 18), {"fordon": 12})
    assert entry.note is not None and "47" not in entry.note and "nykter" in entry.note


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(1, 1, 3), dt.date(9999, 12, 31)])
@pytest.mark.parametrize("words", ["12/3", "i måndags", "förrgår", "29/2", "3 maj",
                                   "2026-01-01", "1/1-00"])
async def test_log_on_a_clock_at_the_ends_of_the_calendar(shipped_holder: KnowledgeHolder,
                                                          store: Store, day: dt.date,
                                                          words: str) -> None:
    bot = make_bot(shipped_holder, store, FixedClock(day))
    reply = await ask(bot, f"/logga trafikkontroll {words}", sender=STAFF)
    assert reply.text != ERROR


# ------------------------------------------------------------------ counts


@pytest.mark.parametrize(("count", "words"), [
    ("2147483648 fordon", "2147483648 fordon"),
    ("1" + "0" * 30 + " fordon", "100000000000… fordon"),
    ("99999999999999999999 rattfyllor", "999999999999… rattfylleri"),
    ("100000 st", "100000 st"),
    ("1 000 000 fordon", "1000000 fordon"),
    ("9" * 3000 + " bilar", "999999999999… fordon"),
    ("60000 fordon 60000 bilar", "120000 fordon"),
])
async def test_absurd_counts_are_refused(bot: Bot, store: Store, count: str,
                                         words: str) -> None:
    reply = await ask(bot, f"/logga trafikkontroll Lomsjö {count}", sender=STAFF)
    assert one_line(reply) == t("act_big_count", "sv", words=words, most="99\u00a0999")
    assert await store.list_activities() == []


async def test_large_counts_that_are_real(bot: Bot, store: Store) -> None:
    await ask(bot, "/logga trafikkontroll Lomsjö 99999 fordon", sender=STAFF)
    await ask(bot, "/logga trafikkontroll Lomsjö 10 000 fordon, 2 rattfyllor", sender=STAFF)
    first, second = await store.list_activities()
    assert first.counts == {"fordon": 99999}
    assert second.counts == {"fordon": 10000, "rattfylleri": 2}


# ------------------------------------------------------------------ ids


@pytest.mark.parametrize("ident", ["99999999999999999999", "9223372036854775808", "0",
                                   "#00000", "9" * 3900])
@pytest.mark.parametrize("command", ["/ändra {id} trafikkontroll", "/bekräfta {id} 2026-12-03",
                                     "/avböj {id} nej", "/genomförd {id}"])
async def test_absurd_ids_get_a_clear_line(bot: Bot, store: Store, command: str,
                                           ident: str) -> None:
    await ask(bot, "/logga trafikkontroll Lomsjö", sender=STAFF)
    await store.add_request(request())
    reply = await ask(bot, command.format(id=ident), sender=STAFF)
    text = one_line(reply)
    assert "finns ingen" in text
    assert len(text) < 200  # the id is not echoed in full
    [entry] = await store.list_activities()
    assert entry.kind == "trafikkontroll"
    stored = await store.get_request(1)
    assert stored is not None and stored.status == "open"


# ------------------------------------------------------------------ long notes


@pytest.mark.parametrize("note", ["ord " * 900, "å" * 3500, "🚓 bil. " * 450])
async def test_a_long_note_keeps_its_first_2000_characters(bot: Bot, store: Store,
                                                           note: str) -> None:
    reply = await ask(bot, f"/logga trafikkontroll Lomsjö 23 fordon {note}", sender=STAFF)
    assert "Loggat som #1" in reply.text
    assert "de första 2\u00a0000" in reply.text  # told that the note was cut
    [entry] = await store.list_activities()
    assert entry.note == note.strip()[:2000].rstrip()
    assert entry.counts == {"fordon": 23}
    edited = await ask(bot, f"/ändra 1 trafikkontroll Gafsele {note}", sender=STAFF)
    assert "Rättat: #1" in edited.text and "de första 2\u00a0000" in edited.text
    [entry] = await store.list_activities()
    assert entry.place == "Gafsele" and len(entry.note) <= 2000


# ------------------------------------------------------------------ /ändra and /ångra


async def test_only_the_author_or_an_admin_may_edit(bot: Bot, store: Store) -> None:
    await ask(bot, "/logga trafikkontroll Lomsjö igår 23 fordon", sender=STAFF)
    [before] = await store.list_activities()
    for line in ("/ändra 1 skolbesök", "/ändra #1 trafikkontroll Gafsele 2 fordon",
                 "/edit 1 skolbesök"):
        reply = await ask(bot, line, sender=OTHER)
        assert "#1" in one_line(reply) and "administratör" in reply.text
        assert await store.list_activities() == [before]
    assert "ingen loggning" in (await ask(bot, "/ångra", sender=OTHER)).text
    assert await store.list_activities() == [before]
    assert "Rättat: #1" in (await ask(bot, "/ändra 1 skolbesök", sender=STAFF)).text
    assert "Rättat: #1" in (await ask(bot, "/ändra 1 trafikkontroll", sender=ADMIN)).text
    [after] = await store.list_activities()
    assert after.author == STAFF and after.kind == "trafikkontroll"
    assert "Borttaget: #1" in (await ask(bot, "/ångra", sender=STAFF)).text


async def test_an_edit_without_a_date_keeps_the_day(bot: Bot, store: Store) -> None:
    await ask(bot, "/logga trafikkontroll Lomsjö 2026-11-02 23 fordon", sender=STAFF)
    await ask(bot, "/ändra 1 hastighetskontroll Lomsjö 24 fordon", sender=STAFF)
    [entry] = await store.list_activities()
    assert (entry.kind, entry.day, entry.counts) == (
        "hastighetskontroll", dt.date(2026, 11, 2), {"fordon": 24})
    await ask(bot, "/ändra 1 hastighetskontroll igår", sender=STAFF)
    [entry] = await store.list_activities()
    assert entry.day == TODAY - dt.timedelta(days=1)


@pytest.mark.parametrize("words", ["0000-01-01", "9999-12-31", "32/13", "99999-01-01"])
async def test_an_edit_with_a_bad_date_changes_nothing(bot: Bot, store: Store,
                                                       words: str) -> None:
    await ask(bot, "/logga trafikkontroll Lomsjö igår 23 fordon", sender=STAFF)
    [before] = await store.list_activities()
    one_line(await ask(bot, f"/ändra 1 skolbesök {words}", sender=STAFF))
    assert await store.list_activities() == [before]


# ------------------------------------------------------------------ /bekräfta


def request() -> SessionRequest:
    return SessionRequest(organisation="Centralskolan", audience="larare", topic="drogtecken",
                          size=25, wished="vecka 50", contact="chat", requester=TEACHER,
                          transport="test")


@pytest.mark.parametrize(("when", "key", "words"), [
    ("0000-01-01 10:00", "date_no_such", "0000-01-01"),
    ("0001-01-01 00:00", "date_past", "0001-01-01"),
    ("9999-12-31 23:59", "date_too_far", "9999-12-31"),
    ("32/13 kl 10", "date_no_such", "32/13"),
    ("2026-13-01 10:00", "date_no_such", "2026-13-01"),
    ("99999-01-01 10:00", "date_no_such", "99999-01-01"),
    ("2026-12-03 25:00", "date_bad_time", "25:00"),
    ("2026-12-03 kl 10:75", "date_bad_time", "kl 10:75"),
    ("2020-01-01 10:00", "date_past", "2020-01-01"),
    ("igår kl 10", "date_past", "igår"),
    ("i måndags", "date_past", "i måndags"),
    ("1/1-2099", "date_too_far", "1/1-2099"),
    ("31/2 kl 9", "date_no_such", "31/2"),
])
async def test_confirm_with_an_impossible_date(bot: Bot, store: Store, outbox: Outbox,
                                               courier: RecordingCourier, when: str,
                                               key: str, words: str) -> None:
    await store.add_request(request())
    reply = await ask(bot, f"/bekräfta 1 {when}", sender=STAFF)
    assert one_line(reply) == t(key, "sv", words=words, years=2)
    stored = await store.get_request(1)
    assert stored is not None and (stored.status, stored.scheduled) == ("open", None)
    await outbox.drain()
    assert courier.users == []


@pytest.mark.parametrize(("when", "at"), [
    ("2026-12-03 14:00", dt.datetime(2026, 12, 3, 14, tzinfo=TZ)),
    ("3/12 kl 9.30", dt.datetime(2026, 12, 3, 9, 30, tzinfo=TZ)),
    ("torsdag 3 december kl 14", dt.datetime(2026, 12, 3, 14, tzinfo=TZ)),
    ("imorgon 08:15", dt.datetime(2026, 11, 29, 8, 15, tzinfo=TZ)),
    ("15/1 13:00", dt.datetime(2027, 1, 15, 13, tzinfo=TZ)),
    ("idag 23:30", dt.datetime(2026, 11, 28, 23, 30, tzinfo=TZ)),
    # The calendar date is the day; the weekday beside it (the next Tuesday is 1/12)
    # only says it again.
    ("tisdag 8 dec kl 10", dt.datetime(2026, 12, 8, 10, tzinfo=TZ)),
    ("kl 13.15 tisdag den 8/12 i matsalen", dt.datetime(2026, 12, 8, 13, 15, tzinfo=TZ)),
    # A weekday with a week number is that day of that week, also in the next year.
    ("onsdag v.50", dt.datetime(2026, 12, 9, tzinfo=TZ)),
    ("v 51 torsdag eftermiddag", dt.datetime(2026, 12, 17, tzinfo=TZ)),
    ("torsdag vecka 2 kl 13", dt.datetime(2027, 1, 14, 13, tzinfo=TZ)),
])
async def test_confirm_understands_the_date(bot: Bot, store: Store, when: str,
                                            at: dt.datetime) -> None:
    await store.add_request(request())
    reply = await ask(bot, f"/bekräfta 1 {when}", sender=STAFF)
    assert "Bekräftad: #1" in reply.text
    stored = await store.get_request(1)
    assert stored is not None and stored.status == "confirmed" and stored.answer == when
    assert stored.scheduled == at


async def test_confirm_in_words_keeps_the_words(bot: Bot, store: Store) -> None:
    await store.add_request(request())
    reply = await ask(bot, "/bekräfta 1 vecka 50, tid meddelas", sender=STAFF)
    assert "Bekräftad: #1" in reply.text
    stored = await store.get_request(1)
    assert stored is not None and stored.scheduled is None
    assert stored.answer == "vecka 50, tid meddelas"


# ------------------------------------------------------------------ the size of a reply


async def many_activities(store: Store, n: int, units: int) -> None:
    for i in range(n):
        await store.add_activity(Activity(
            kind="trafikkontroll", promise="narvaro-byarna", place="Lomsjö",
            day=dt.date(2017 + i % 10, 1 + i % 12, 1 + i % 28),
            counts={f"enhet{i}x{u}{'ö' * 30}": u + 1 for u in range(units)},
            note="x" * 2000, author=STAFF))


@pytest.mark.parametrize("period", ["0001-01-01..9999-12-31", "0001-01-01 9999-12-31",
                                    "2017-01-01..2026-12-31", "2017", ""])
async def test_a_report_in_chat_is_capped(bot: Bot, store: Store, period: str) -> None:
    await many_activities(store, 400, 3)
    reply = await ask(bot, f"/rapport {period}", sender=STAFF)
    assert reply.text != ERROR
    assert size(reply) <= CHAT_MOST
    # Whatever is left out, the reply says where to get the whole report.
    assert "python -m bot report" in reply.text


async def test_a_report_that_fits_is_whole(bot: Bot, store: Store) -> None:
    await many_activities(store, 12, 1)
    reply = await ask(bot, "/rapport 2017", sender=STAFF)
    assert "python -m bot report" not in reply.text
    assert reply.text.rstrip().endswith("|")  # the last table, not cut


async def test_a_report_is_rendered_off_the_event_loop(
        bot: Bot, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    build = reporting.build_report

    def spy(*args: object, **kwargs: object) -> str:
        seen.append(threading.current_thread() is threading.main_thread())
        return build(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(reporting, "build_report", spy)
    await ask(bot, "/rapport 2026", sender=STAFF)
    assert seen and not any(seen)  # one a municipality of the area, none on the loop


async def test_the_activity_list_is_capped(bot: Bot, store: Store) -> None:
    await many_activities(store, 30, 60)
    reply = await ask(bot, "/aktiviteter 0001-01-01..9999-12-31", sender=STAFF)
    assert reply.text != ERROR
    assert size(reply) <= CHAT_MOST
    assert "30 st" in reply.text.split("\n")[0]
    assert reply.text.rstrip().endswith("till.")  # says how many are not shown


def test_cut_counts_bytes_and_keeps_whole_lines() -> None:
    text = ("å" * 99 + "\n") * 1000  # 200 bytes a line
    out = cut(text, "TAIL", CHAT_MOST)
    assert size(Reply(out, Outcome.COMMAND, "sv")) <= CHAT_MOST and out.endswith("\n\nTAIL")
    assert set(out.removesuffix("\n\nTAIL").split("\n")) == {"å" * 99}
    assert cut("kort", "TAIL") == "kort"
    lines = fit_lines("head", ["ö" * 5000] * 30, lambda n: f"{n} more")
    assert len(lines.encode()) <= CHAT_MOST and lines.endswith(" more")
    assert all(len(line) <= 1000 for line in lines.split("\n"))


async def test_period_problems_in_english(bot: Bot) -> None:
    reply = await ask(bot, "/activities 2026-06-30..2026-01-01", sender=STAFF, lang="en")
    assert one_line(reply) == t("bad_period_order", "en")
    reply = await ask(bot, "/report 0000", sender=STAFF, lang="en")
    assert one_line(reply) == t("bad_period_date", "en")
