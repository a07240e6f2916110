"""A police area's staff: each municipality's staff see and change only its rows; the
area's staff all of them; /logga finds the municipality from the place, or asks.

The isolation tests try every staff command of Dorotea's staff against Åsele's rows and
check both the reply and that the store is unchanged afterwards."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.app import build_bot
from bot.config import Config, LocalRoles, Roles
from bot.core.bot import Bot
from bot.core.clock import FixedClock
from bot.core.messages import Outcome
from bot.core.outbox import Outbox
from bot.features.reporting import report
from bot.knowledge.holder import KnowledgeHolder
from bot.store import Store
from bot.store.records import Feedback, SessionRequest
from tests.conftest import ask
from tests.couriers import RecordingCourier, outbox_for

POLIS, DORA, ASA, BOTH = "@polis:x", "@dora:x", "@asa:x", "@bada:x"
AREA_ROOM, DOROTEA_ROOM = "!personal:x", "!dorotea:x"
NOT_YOURS = "Du är personal för Dorotea, inte för Åsele."


@pytest.fixture
def courier() -> RecordingCourier:
    return RecordingCourier()


@pytest.fixture
def outbox(courier: RecordingCourier) -> Outbox:
    return outbox_for(courier, "test", "matrix")


@pytest.fixture
def bot(store: Store, clock: FixedClock, outbox: Outbox,
        shipped_holder: KnowledgeHolder) -> Bot:
    roles = Roles(staff=[POLIS], staff_room=AREA_ROOM, municipalities={
        "dorotea": LocalRoles(staff=[DORA, BOTH], staff_room=f"matrix:{DOROTEA_ROOM}"),
        "asele": LocalRoles(staff=[ASA]),
        "lycksele": LocalRoles(staff=[BOTH])})
    return build_bot(Config(roles=roles), clock, shipped_holder, store, outbox)


async def _seed(store: Store, today: dt.date) -> dict[str, int]:
    """Four feedback entries and one request in Åsele and in Dorotea."""
    ids: dict[str, int] = {}
    for where in ("asele", "dorotea"):
        for n in range(4):
            await store.add_feedback(Feedback(
                category="trafik", area="byarna", text=f"{where.upper()}-TEXT-{n}",
                rating=3, day=today, granularity="date", lang="sv", municipality=where))
        ids[where] = await store.add_request(SessionRequest(
            organisation=f"{where.title()}skolan", audience="larare", topic="drogtecken",
            size=20, wished="vecka 50", contact="chat", requester="@larare:x",
            transport="test", municipality=where))
    return ids


async def _everything(store: Store) -> tuple[object, ...]:
    return (await store.list_feedback(), await store.list_activities(),
            await store.list_requests(), await store.top_unanswered())


async def test_log_finds_the_municipality_from_the_place(bot: Bot, store: Store) -> None:
    dorotea = await ask(bot, "/logga trafikkontroll Borgafjäll 12 fordon", sender=POLIS)
    asele = await ask(bot, "/logga trafikkontroll Fredrika", sender=POLIS)
    assert "Loggat som #1 (Dorotea)" in dorotea.text
    assert "Loggat som #2 (Åsele)" in asele.text
    stored = {a.id: a.municipality for a in await store.list_activities()}
    assert stored == {1: "dorotea", 2: "asele"}


async def test_local_staff_log_for_their_own_municipality_only(bot: Bot,
                                                               store: Store) -> None:
    refused = await ask(bot, "/logga trafikkontroll Fredrika", sender=DORA)
    assert refused.text == NOT_YOURS
    assert await store.list_activities() == []
    unplaced = await ask(bot, "/logga skolbesök", sender=DORA)
    assert "(Dorotea)" in unplaced.text
    assert [a.municipality for a in await store.list_activities()] == ["dorotea"]


async def test_a_log_that_could_be_two_municipalities_asks_which(bot: Bot,
                                                                 store: Store) -> None:
    # Staff of Dorotea and Lycksele, no place named, in a conversation about Åsele (the
    # area's default): which of theirs is it?
    asked = await ask(bot, "/logga skolbesök", sender=BOTH)
    assert "Vilken kommun" in asked.text and "1. Dorotea" in asked.text
    assert "2. Lycksele" in asked.text and [c.send for c in asked.choices] == ["1", "2"]
    assert await store.list_activities() == []
    logged = await ask(bot, "2", sender=BOTH)
    assert "Loggat som #1 (Lycksele)" in logged.text
    assert [a.municipality for a in await store.list_activities()] == ["lycksele"]
    # Answered once: the same number again is no longer a pick.
    again = await ask(bot, "2", sender=BOTH)
    assert "Loggat" not in again.text
    named = await ask(bot, "/logga skolbesök", sender=BOTH)
    assert "Vilken kommun" in named.text
    assert "Loggat som #2 (Dorotea)" in (await ask(bot, "dorotea", sender=BOTH)).text


@pytest.mark.parametrize("command", [
    "/ändra {asele_act} trafikkontroll Fredrika 99 fordon",
    "/bekräfta {asele_req} 2026-12-10 10:00", "/avböj {asele_req} nej",
    "/genomförd {asele_req}",
    "/aktiviteter Åsele", "/synpunkter Åsele", "/rapport Åsele", "/obesvarade Åsele",
    "/förfrågningar alla åsele",
])
async def test_dorotea_staff_cannot_read_or_change_aseles_rows(
        bot: Bot, store: Store, clock: FixedClock, command: str) -> None:
    ids = await _seed(store, clock.now().date())
    act = await ask(bot, "/logga trafikkontroll Fredrika", sender=POLIS)
    assert "(Åsele)" in act.text
    before = await _everything(store)
    reply = await ask(bot, command.format(asele_act=1, asele_req=ids["asele"]), sender=DORA)
    assert reply.outcome is Outcome.COMMAND
    assert "ASELE" not in reply.text and "Aseleskolan" not in reply.text
    assert "Fredrika" not in reply.text
    assert reply.text == NOT_YOURS or "ingen" in reply.text.lower() or \
        "Det finns ingen" in reply.text
    assert await _everything(store) == before


async def test_dorotea_staff_lists_show_only_dorotea(bot: Bot, store: Store,
                                                     clock: FixedClock) -> None:
    ids = await _seed(store, clock.now().date())
    await ask(bot, "/logga trafikkontroll Fredrika", sender=POLIS)
    await ask(bot, "/logga trafikkontroll Borgafjäll", sender=POLIS)
    activities = (await ask(bot, "/aktiviteter", sender=DORA)).text
    assert "Borgafjäll" in activities and "Fredrika" not in activities
    feedback = (await ask(bot, "/synpunkter", sender=DORA)).text
    assert "DOROTEA-TEXT" in feedback and "ASELE" not in feedback
    requests = (await ask(bot, "/förfrågningar alla", sender=DORA)).text
    assert f"#{ids['dorotea']}" in requests and "Aseleskolan" not in requests
    rep = (await ask(bot, "/rapport", sender=DORA)).text
    assert "Dorotea" in rep and "Åsele kommun" not in rep and "Fredrika" not in rep
    # The area's staff see both, each under its municipality.
    area_feedback = (await ask(bot, "/synpunkter", sender=POLIS)).text
    assert "## Åsele" in area_feedback and "## Dorotea" in area_feedback
    assert "ASELE-TEXT" in area_feedback and "DOROTEA-TEXT" in area_feedback
    both = (await ask(bot, "/förfrågningar alla", sender=POLIS)).text
    assert "Aseleskolan" in both and "Doroteaskolan" in both


async def test_dorotea_staff_answer_their_own_requests(bot: Bot, store: Store,
                                                       clock: FixedClock) -> None:
    ids = await _seed(store, clock.now().date())
    reply = await ask(bot, f"/bekräfta {ids['dorotea']} 2026-12-10 10:00", sender=DORA)
    assert "Bekräftad" in reply.text
    assert (await store.get_request(ids["dorotea"])).status == "confirmed"  # type: ignore[union-attr]
    assert (await store.get_request(ids["asele"])).status == "open"  # type: ignore[union-attr]


async def test_small_cells_are_suppressed_per_municipality(bot: Bot, store: Store,
                                                           clock: FixedClock) -> None:
    await _seed(store, clock.now().date())
    for n in range(2):  # two in Storuman: too few to show, whatever the area's total
        await store.add_feedback(Feedback(
            category="trafik", area="byarna", text=f"STORUMAN-TEXT-{n}", rating=2,
            day=clock.now().date(), granularity="date", lang="sv", municipality="storuman"))
    text = (await ask(bot, "/synpunkter", sender=POLIS)).text
    storuman = text.split("## Storuman", 1)[1].split("## ", 1)[0]
    assert "STORUMAN-TEXT" not in text and "<3" in storuman


async def test_notices_go_to_the_municipalitys_own_room(
        bot: Bot, courier: RecordingCourier, outbox: Outbox, store: Store) -> None:
    for line in ("/boka", "Doroteaskolan", "1", "1", "20", "vecka 50", "hoppa över", "ja"):
        await ask(bot, line, sender="@larare:x", municipality="dorotea")
    await outbox.drain()
    [request] = await store.list_requests()
    assert request.municipality == "dorotea"
    assert [room for room, _ in courier.rooms] == [DOROTEA_ROOM]
    assert "(Dorotea)" in courier.rooms[0][1]


async def test_feedback_is_counted_for_the_conversations_municipality(
        bot: Bot, store: Store) -> None:
    for line in ("/tyck", "1", "1", "Bilar kör för fort genom byn på kvällarna", "3", "ja"):
        await ask(bot, line, sender="@anna:x", municipality="dorotea")
    [entry] = await store.list_feedback()
    assert entry.municipality == "dorotea"


async def test_the_area_report_has_a_section_a_municipality(
        bot: Bot, store: Store, clock: FixedClock, shipped_holder: KnowledgeHolder) -> None:
    await _seed(store, clock.now().date())
    await ask(bot, "/logga trafikkontroll Borgafjäll", sender=POLIS)
    today = clock.now().date()
    start = today - dt.timedelta(days=30)
    text = await report(shipped_holder, store, start, today, "md", "sv", today)
    assert "Södra Lappland" in text.splitlines()[0]
    for name in ("Dorotea", "Lycksele", "Sorsele", "Storuman", "Vilhelmina", "Åsele"):
        assert f"Uppföljning av medborgarlöftet – {name}" in text or name in text
    csv = await report(shipped_holder, store, start, today, "csv", "sv", today)
    rows = csv.lstrip("\ufeff").splitlines()
    assert rows[0].startswith("municipality,")
    assert {row.split(",", 1)[0] for row in rows[1:]} >= {"asele", "dorotea"}
    page = await report(shipped_holder, store, start, today, "html", "sv", today)
    assert page.count("<article") == 6 and page.count("<body") == 1
    one = await report(shipped_holder, store, start, today, "md", "sv", today, ["dorotea"])
    assert "Södra Lappland" not in one.splitlines()[0] and "Borgafjäll" in one
