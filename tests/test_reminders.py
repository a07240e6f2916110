"""Follow-up and period-end reminders (bot/features/reminders.py), with fixed dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from bot.core.address import Address
from bot.core.roles import Local, Roles
from bot.features.reminders import Reminders, add_months, due
from bot.knowledge.area import Area
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.loader import load_knowledge
from bot.knowledge.schema import FollowUp
from bot.store import open_store
from tests.conftest import FIXTURE
from tests.couriers import RecordingCourier, outbox_for

BY = {"sv": "kommunchefen och kommunpolisen", "en": "the chief executive and the police"}
BASE = load_knowledge(FIXTURE).data


def base(ident: str = "", *, years: int | None = 2, months: int | None = None,
         end: dt.date = dt.date(2022, 12, 31), prolonged: bool = True,
         periods: list[dict[str, Any]] | None = None, name: str = "Testby") -> KnowledgeBase:
    agreement = BASE.agreement
    assert agreement is not None
    follow = FollowUp(every_years=years, every_months=months, by=BY)  # type: ignore[arg-type]
    update: dict[str, Any] = {"agreement": agreement.model_copy(update={
        "follow_up": follow, "end": end, "prolonged_until_further_notice": prolonged})}
    if periods is not None:
        update["periods"] = [BASE.periods[0].model_validate(p) for p in periods]
    update["municipality"] = BASE.municipality.model_copy(update={"short": name})
    return KnowledgeBase(BASE.model_copy(update=update), ident)


class Marks:
    """ReminderRepo in memory: True only the first time a key is marked."""

    def __init__(self) -> None:
        self.keys: dict[str, dt.date] = {}

    async def mark_reminded(self, key: str, day: dt.date) -> bool:
        if key in self.keys:
            return False
        self.keys[key] = day
        return True


def keys(kb: KnowledgeBase, day: dt.date) -> list[str]:
    return [r.key for r in due(kb, day)]


def test_follow_up_needs_exactly_one_interval() -> None:
    with pytest.raises(ValidationError, match="exactly one"):
        FollowUp(by=BY)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="exactly one"):
        FollowUp(every_years=2, every_months=4, by=BY)  # type: ignore[arg-type]
    assert FollowUp(every_months=4, by=BY).months == 4  # type: ignore[arg-type]
    assert FollowUp(every_years=2, by=BY).months == 24  # type: ignore[arg-type]


def test_add_months_keeps_the_last_day() -> None:
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2019, 1, 1), 24) == dt.date(2021, 1, 1)
    assert add_months(dt.date(2019, 11, 15), 4) == dt.date(2020, 3, 15)


def test_the_right_days_every_two_years() -> None:
    kb = base(periods=[{"id": "2025-2027", "start": "2025-01-01", "end": "2027-12-31"}])
    d = dt.date(2027, 1, 1)  # start 2019-01-01 + 4 × 2 years
    assert keys(kb, d - dt.timedelta(days=31)) == []
    assert keys(kb, d - dt.timedelta(days=30)) == ["followup::2027-01-01:month-before"]
    assert keys(kb, d - dt.timedelta(days=1)) == ["followup::2027-01-01:month-before"]
    assert keys(kb, d) == ["followup::2027-01-01:due"]
    assert keys(kb, d + dt.timedelta(days=7)) == ["followup::2027-01-01:due"]
    assert keys(kb, d + dt.timedelta(days=8)) == []
    soon = due(kb, d - dt.timedelta(days=30))[0]
    assert "/rapport 2025-01-01 2026-12-31" in soon.text("sv")
    assert BY["sv"] in soon.text("sv") and "1 januari 2027" in soon.text("sv")
    assert BY["en"] in soon.text("en") and "/rapport 2025-01-01 2026-12-31" in soon.text("en")


def test_the_command_is_one_rapport_accepts() -> None:
    from bot.core.periods import parse_period

    kb = base(periods=[{"id": "2025-2027", "start": "2025-01-01", "end": "2027-12-31"}])
    text = due(kb, dt.date(2027, 1, 1))[0].text("sv")
    period = text.split("`/rapport ", 1)[1].split("`", 1)[0]
    assert parse_period(period, dt.date(2027, 1, 1)) == (dt.date(2025, 1, 1),
                                                         dt.date(2026, 12, 31))


def test_every_four_months() -> None:
    kb = base(years=None, months=4,
              periods=[{"id": "2025-2027", "start": "2025-01-01", "end": "2027-12-31"}])
    # 2019-01-01 + 4k months: ..., 2026-01-01, 2026-05-01, 2026-09-01
    assert keys(kb, dt.date(2026, 4, 1)) == ["followup::2026-05-01:month-before"]
    assert keys(kb, dt.date(2026, 5, 3)) == ["followup::2026-05-01:due"]
    assert keys(kb, dt.date(2026, 6, 15)) == []
    text = due(kb, dt.date(2026, 9, 1))[0].text("sv")
    assert "/rapport 2026-05-01 2026-08-31" in text


def test_no_reminders_after_an_ended_agreement() -> None:
    periods = [{"id": "2019-2020", "start": "2019-01-01", "end": "2020-12-31"}]
    kb = base(prolonged=False, end=dt.date(2022, 12, 31), periods=periods)
    assert keys(kb, dt.date(2021, 1, 1)) == ["followup::2021-01-01:due"]
    # The follow-up the day after its last day closes its last two years: reminded.
    assert keys(kb, dt.date(2022, 12, 15)) == ["followup::2023-01-01:month-before"]
    assert keys(kb, dt.date(2023, 1, 1)) == ["followup::2023-01-01:due"]
    assert keys(kb, dt.date(2023, 2, 1)) == []  # nothing after it
    assert keys(kb, dt.date(2024, 12, 15)) == [] and keys(kb, dt.date(2025, 1, 1)) == []
    prolonged = base(prolonged=True, periods=periods)
    assert keys(prolonged, dt.date(2023, 1, 1)) == ["followup::2023-01-01:due"]


def test_period_end_within_90_days() -> None:
    periods = [{"id": "2025-2027", "start": "2025-01-01", "end": "2027-12-31"}]
    kb = base(years=5, periods=periods)
    assert keys(kb, dt.date(2027, 10, 1)) == []
    assert keys(kb, dt.date(2027, 10, 2)) == ["period-end::2025-2027"]
    reminder = due(kb, dt.date(2027, 12, 31))[0]
    assert "2025–2027" in reminder.text("sv") and "31 december 2027" in reminder.text("sv")
    assert "ingen löftesperiod efter" in reminder.text("sv")
    assert keys(kb, dt.date(2028, 1, 1)) == []
    later = base(years=5, periods=[*periods, {"id": "2028-2029", "start": "2028-01-01",
                                              "end": "2029-12-31"}])
    assert "ingen löftesperiod" not in due(later, dt.date(2027, 12, 1))[0].text("sv")


ROOM_A, ROOM_B = Address("test", "!asele"), Address("test", "!dorotea")


def area_holder() -> KnowledgeHolder:
    periods = [{"id": "2025-2027", "start": "2025-01-01", "end": "2027-12-31"}]
    a = base("asele", periods=periods, name="Åsele")
    b = base("dorotea", years=None, months=4, periods=periods, name="Dorotea")
    return KnowledgeHolder(a, area=Area({"asele": a, "dorotea": b}, "asele"))


async def test_tick_sends_once_to_each_municipalitys_room() -> None:
    courier, marks = RecordingCourier(), Marks()
    roles = Roles(local={"asele": Local(room=ROOM_A), "dorotea": Local(room=ROOM_B)})
    outbox = outbox_for(courier, "test")
    reminders = Reminders(area_holder(), marks, outbox, roles)
    day = dt.date(2026, 12, 2)  # Åsele: a month before 2027-01-01; Dorotea's too
    sent = await reminders.tick(day)
    await outbox.drain()
    assert sorted(r.key for r in sent) == ["followup:asele:2027-01-01:month-before",
                                           "followup:dorotea:2027-01-01:month-before"]
    rooms = {room for room, _ in courier.rooms}
    assert rooms == {"!asele", "!dorotea"}
    assert all("/rapport" in text for _, text in courier.rooms)
    assert any("Dorotea" in text and "/rapport 2026-09-01 2026-12-31 Dorotea" in text
               for room, text in courier.rooms if room == "!dorotea")
    # The same day again, and the next days of the window: nothing more.
    for later in range(0, 29):
        assert await reminders.tick(day + dt.timedelta(days=later)) == []
    await outbox.drain()
    assert len(courier.rooms) == 2
    # On the day: once more each.
    assert len(await reminders.tick(dt.date(2027, 1, 1))) == 2
    assert await reminders.tick(dt.date(2027, 1, 2)) == []


async def test_a_window_missed_by_downtime_still_fires_once() -> None:
    courier, marks = RecordingCourier(), Marks()
    outbox = outbox_for(courier, "test")
    holder = area_holder()
    reminders = Reminders(holder, marks, outbox, Roles(staff_room=ROOM_A))
    # Not running on 2026-12-02 (d − 30): the first tick in the window sends it.
    sent = await reminders.tick(dt.date(2026, 12, 20))
    assert {r.key for r in sent} == {"followup:asele:2027-01-01:month-before",
                                     "followup:dorotea:2027-01-01:month-before"}
    assert await reminders.tick(dt.date(2026, 12, 21)) == []
    # Down over the due day too: the first tick within the week after sends that one.
    sent = await reminders.tick(dt.date(2027, 1, 6))
    assert {r.key for r in sent} == {"followup:asele:2027-01-01:due",
                                     "followup:dorotea:2027-01-01:due"}
    await outbox.drain()
    assert [room for room, _ in courier.rooms] == ["!asele"] * 4  # the one staff room


async def test_no_room_is_logged_and_sent_once_a_room_exists(
        caplog: pytest.LogCaptureFixture) -> None:
    courier, marks = RecordingCourier(), Marks()
    outbox = outbox_for(courier, "test")
    holder = area_holder()
    day = dt.date(2026, 12, 10)
    assert await Reminders(holder, marks, outbox, Roles()).tick(day) == []
    assert marks.keys == {}
    assert "no staff room" in caplog.text and "Påminnelse" not in caplog.text
    # A room no transport reaches is the same.
    unreachable = Roles(staff_room=Address("matrix", "!x"))
    assert await Reminders(holder, marks, outbox, unreachable).tick(day) == []
    assert marks.keys == {}
    sent = await Reminders(holder, marks, outbox, Roles(staff_room=ROOM_A)).tick(
        day + dt.timedelta(days=1))
    assert len(sent) == 2 and len(marks.keys) == 2


async def test_marked_in_the_real_store_across_two_instances(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    async with open_store(url) as store:
        if not hasattr(store, "mark_reminded"):
            pytest.skip("the store has no mark_reminded yet (store helper)")
        courier = RecordingCourier()
        outbox = outbox_for(courier, "test")
        holder = area_holder()
        day = dt.date(2026, 12, 10)
        one = Reminders(holder, store, outbox, Roles(staff_room=ROOM_A))
        assert len(await one.tick(day)) == 2
    async with open_store(url) as store:
        two = Reminders(holder, store, outbox, Roles(staff_room=ROOM_A))
        assert await two.tick(day) == []
