"""The medborgarlöfte's whole cycle through the app's bot, on one injected clock: staff
log a month's work, residents give feedback, a survey opens, 30 residents answer (some
twice, refused; one in a group room, refused), it closes by its date, the results are
suppressed where they must be, the month's digest is drafted by the daily job, approved
and published, residents ask what was done, the follow-up reminders fire on their days
and the report carries the survey. Nothing here sleeps: the days are the clock's."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from bot.app import build_bot
from bot.config import Config
from bot.core.bot import Bot
from bot.core.clock import TZ, FixedClock
from bot.core.outbox import Outbox
from bot.features.daily import run_day
from bot.features.reporting import report
from bot.knowledge.holder import KnowledgeHolder
from bot.store import Store
from tests.conftest import ask
from tests.couriers import RecordingCourier, outbox_for

POLIS = "@kommunpolis:x"
STAFF_ROOM = "!personal:x"
PUBLIC = "!allmant:x"
START = dt.date(2026, 11, 2)


def at(clock: FixedClock, day: dt.date, hour: int = 10) -> None:
    clock.set(dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ))


@pytest.fixture
def courier() -> RecordingCourier:
    return RecordingCourier()


@pytest.fixture
def outbox(courier: RecordingCourier) -> Outbox:
    return outbox_for(courier, "matrix")


@pytest.fixture
def cycle_bot(shipped_holder: KnowledgeHolder, store: Store, clock: FixedClock,
              outbox: Outbox) -> Bot:
    config = Config.model_validate({
        "roles": {"staff": [POLIS], "staff_room": f"matrix:{STAFF_ROOM}"},
        "digest": {"rooms": [f"matrix:{PUBLIC}"]}})
    store.clock = clock.now
    return build_bot(config, clock, shipped_holder, store, outbox)


async def staff(bot: Bot, text: str) -> str:
    return (await ask(bot, text, sender=POLIS, room="!polis-dm:x")).text


async def resident(bot: Bot, who: str, *texts: str, **kwargs: object) -> list[str]:
    return [(await ask(bot, text, sender=f"@{who}:x", room=f"!{who}-dm:x", **kwargs)).text
            for text in texts]


def sent_to(courier: RecordingCourier, room: str, pattern: str) -> list[str]:
    return [text for to, text in courier.rooms if to == room and re.search(pattern, text)]


async def days(bot: Bot, outbox: Outbox, clock: FixedClock, first: dt.date,
               last: dt.date, courier: RecordingCourier) -> dict[dt.date, list[str]]:
    """Run the daily jobs for each day from `first` to `last`; what each day sent."""
    sent: dict[dt.date, list[str]] = {}
    day = first
    while day <= last:
        at(clock, day, 6)
        before = len(courier.rooms)
        assert await run_day(bot.daily, day) == 0
        await outbox.drain()
        if len(courier.rooms) > before:
            sent[day] = [text for _, text in courier.rooms[before:]]
        day += dt.timedelta(days=1)
    return sent


# Thirty residents' answers: scale, worry (a choice number), avoided (yes/no), priorities.
# Two say "1" (very unsafe): a cell of two, shown only as "<3".
ANSWERS = [("4", "2", "nej", "1, 3")] * 16 + [("3", "1", "ja", "2")] * 12 + \
    [("1", "2", "ja", "1")] * 2


async def test_the_whole_cycle(cycle_bot: Bot, store: Store, clock: FixedClock,
                               courier: RecordingCourier, outbox: Outbox,
                               shipped_holder: KnowledgeHolder) -> None:
    bot = cycle_bot
    # November: the work, logged as it is done.
    for day, line in [(3, "/logga trafikkontroll Fredrika 23 fordon pratade med Kalle"),
                      (10, "/logga trafikkontroll Åsele"),
                      (12, "/logga trafikkontroll Fredrika"),
                      (14, "/logga nykterhetskontroll Gafsele"),
                      (20, "/logga skolbesök Åsele")]:
        at(clock, dt.date(2026, 11, day))
        assert "Loggat som #" in await staff(bot, line)
    # Residents' feedback during the month.
    at(clock, dt.date(2026, 11, 5))
    for n in range(4):
        replies = await resident(bot, f"fb{n}", "/tyck", "trafik", "fredrika",
                                 "Bilar kör för fort förbi skolan", "2", "ja")
        assert "sparad" in replies[-1].lower(), replies[-1]
    assert len(await store.list_feedback()) == 4

    # The survey: opened by staff, residents invited once, 30 answer.
    at(clock, dt.date(2026, 11, 15))
    opened = await staff(bot, "/enkät öppna 2026-11-15 2026-11-30 Åsele")
    assert "är öppen" in opened, opened
    first, again = await resident(bot, "curious", "Vad har polisen lovat?",
                                  "När går avtalet ut?")
    assert "trygghetsenkät" in first and "/enkät" in first
    assert "trygghetsenkät" not in again  # invited once per conversation
    in_room = await ask(bot, "/enkät", sender="@grupp:x", room="!grannar:x",
                        is_direct=False, addressed=True)
    assert "privat" in in_room.text
    for n, (scale, worry, avoided, ranked) in enumerate(ANSWERS):
        at(clock, dt.date(2026, 11, 16 + n % 14), 9 + n % 10)
        replies = await resident(bot, f"r{n}", "/enkät", scale, worry, avoided, ranked,
                                 "hoppa över", "ja")
        assert "sparade" in replies[-1], (n, replies)
        if n % 6 == 0:  # some try a second time: refused, nothing stored
            [twice] = await resident(bot, f"r{n}", "/enkät")
            assert "redan svarat" in twice
    [survey] = await store.list_surveys()
    answers = await store.survey_answers(survey.id or 0)
    assert len(answers) == 30
    # Anonymous: only the answers, the language, the municipality.
    for row in answers:
        assert set(row.answers) <= {"trygg-kvall", "oro", "undvikit", "prioritera", "ovrigt"}
        assert "@r" not in repr(row) and "dm" not in repr(row)

    # While it runs, staff and the report see the count only (no before-and-after).
    running = await staff(bot, "/enkät resultat Åsele")
    assert "30 svar hittills" in running and "±18" not in running
    text = await report(shipped_holder, store, dt.date(2025, 1, 1), dt.date(2026, 12, 31),
                        "md", "sv", dt.date(2026, 11, 29), ["asele"])
    assert "En trygghetsenkät pågår" in text and "±18" not in text

    # December: the survey has closed by its date; the daily jobs run day by day.
    sent = await days(bot, outbox, clock, dt.date(2026, 11, 25), dt.date(2026, 12, 1),
                      courier)
    at(clock, dt.date(2026, 12, 1), 11)
    late = await resident(bot, "late", "/enkät")
    assert "ingen trygghetsenkät" in late[0].lower(), late
    results = await staff(bot, "/enkät resultat Åsele")
    assert "30 svar" in results
    assert "<3" in results  # the two "very unsafe" are not shown as a count
    assert "±18" in results  # 100/√30
    # The month's digest draft was made on the 1st and the staff room told, once.
    ready = [(d, text) for d, texts in sent.items() for text in texts
             if "klar att granska" in text and "november" in text]
    assert {d for d, _ in ready} == {dt.date(2026, 12, 1)}
    assert len([text for _, text in ready if "(Åsele)" in text]) == 1

    # Staff look at the draft and approve it: published once to the public room.
    at(clock, dt.date(2026, 12, 1), 13)
    preview = await staff(bot, "/sammanfattning Åsele")
    assert "Fredrika" in preview and "november" in preview.lower()
    published = await staff(bot, "/sammanfattning godkänn Åsele")
    assert "Publicerad" in published
    await outbox.drain()
    [public] = sent_to(courier, PUBLIC, "Vad polis och kommun har gjort")
    assert "Fredrika 2" in public
    assert "Kalle" not in public  # counts only, never the staff's notes
    assert POLIS not in public
    assert "Publicerad" not in await staff(bot, "/sammanfattning godkänn Åsele")
    await outbox.drain()
    assert len(sent_to(courier, PUBLIC, "Vad polis och kommun har gjort")) == 1

    # The follow-up (due 1 January 2027, every two years from 2019) is reminded a month
    # before and on the day, each once, in the staff room.
    sent = sent | await days(bot, outbox, clock, dt.date(2026, 12, 2), dt.date(2027, 1, 9),
                             courier)
    soon = [d for d, texts in sent.items() for text in texts
            if "Åsele" in text and "om en månad" in text]
    due = [d for d, texts in sent.items() for text in texts
           if "Åsele" in text and "i dag" in text and "följas upp" in text]
    assert soon == [dt.date(2026, 12, 2)]
    assert due == [dt.date(2027, 1, 1)]
    assert [to for to, _ in courier.rooms if to != PUBLIC] == [STAFF_ROOM] * (
        len(courier.rooms) - 1)
    assert any("/rapport 2025-01-01 2026-12-31" in text for text in sent[dt.date(2027, 1, 1)])

    # Residents ask what was done.
    [news] = await resident(bot, "pensioner", "vad har polisen gjort i Fredrika?")
    assert "Fredrika" in news and "2" in news, news
    [latest] = await resident(bot, "parent", "Vad har hänt?")
    assert "Vad polis och kommun har gjort i Åsele" in latest

    # A new survey period: those who answered the first may answer again.
    at(clock, dt.date(2027, 1, 10))
    assert "är öppen" in await staff(bot, "/enkät öppna 2027-01-10 2027-01-31 Åsele")
    replies = await resident(bot, "r0", "/enkät", "5", "1", "nej", "2", "hoppa över", "ja")
    assert "sparade" in replies[-1]

    # The follow-up report carries the survey, its uncertainty and the comparison.
    text = await report(shipped_holder, store, dt.date(2025, 1, 1), dt.date(2026, 12, 31),
                        "md", "sv", dt.date(2027, 1, 10))
    assert "Trygghetsenkät" in text
    assert "±18" in text

