"""Staff: roles, activity logging, information-session requests, through Bot.handle."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.app import build_bot
from bot.config import Config, Roles
from bot.core.bot import Bot
from bot.core.clock import TZ, FixedClock
from bot.core.messages import Outcome
from bot.core.outbox import Outbox
from bot.knowledge.holder import KnowledgeHolder
from bot.store import Store
from tests.conftest import ask
from tests.couriers import RecordingCourier, outbox_for

STAFF, ADMIN, TEACHER, RESIDENT = "@polis1:x", "@chef:x", "@larare:x", "@invanare:x"
STAFF_ROOM = "!personal:x"


@pytest.fixture
def courier() -> RecordingCourier:
    return RecordingCourier(frozenset({"@kollega:x"}))


@pytest.fixture
def outbox(courier: RecordingCourier) -> Outbox:
    return outbox_for(courier, "test", "matrix")


@pytest.fixture
def bot(store: Store, clock: FixedClock, outbox: Outbox) -> Bot:
    config = Config(roles=Roles(staff=[STAFF], admins=[ADMIN], staff_room=STAFF_ROOM))
    return build_bot(config, clock, KnowledgeHolder.load(Config().knowledge), store, outbox)


@pytest.mark.parametrize("command", ["/logga trafikkontroll Fredrika", "/ångra",
                                     "/aktiviteter", "/förfrågningar", "/bekräfta 1 imorgon",
                                     "/synpunkter", "Logga trafikkontroll: Lomsjö"])
async def test_residents_are_refused_staff_commands(bot: Bot, command: str) -> None:
    reply = await ask(bot, command, sender=RESIDENT)
    assert reply.text == "Det kommandot är för personal."


async def test_help_shows_each_role_its_commands(bot: Bot) -> None:
    resident = (await ask(bot, "/hjälp", sender=RESIDENT)).text
    staff = (await ask(bot, "/hjälp", sender=STAFF)).text
    assert "/boka" in resident and "/tyck" in resident
    assert "/logga" not in resident and "/förfrågningar" not in resident
    assert "/logga" in staff and "/förfrågningar" in staff and "/synpunkter" in staff


async def test_staff_room_members_and_admins_are_staff(bot: Bot) -> None:
    member = await ask(bot, "/logga skolbesök", sender="@kollega:x", transport="matrix",
                       room="!annat:x")
    assert member.outcome is Outcome.COMMAND and "Loggat som #1" in member.text
    admin = await ask(bot, "/aktiviteter", sender=ADMIN)
    assert "1 st" in admin.text


async def test_log_confirms_what_was_understood(bot: Bot, store: Store) -> None:
    reply = await ask(bot, "Logga trafikkontroll: Lomsjo igår 14:00–15:30, 23 fordon, "
                           "1 rattfylla", sender=STAFF)
    assert "Loggat som #1" in reply.text
    assert "Trafikkontroll" in reply.text and "Lomsjö" in reply.text
    assert "2026-11-27" in reply.text and "23 fordon" in reply.text
    # No promise of 2025–2027 is about traffic: other work, never the ended 2021–2022 one.
    assert "Övrigt arbete" in reply.text and "2025–2027" in reply.text
    assert "2021–2022" not in reply.text
    [entry] = await store.list_activities()
    assert (entry.kind, entry.place, entry.day, entry.author) == (
        "trafikkontroll", "Lomsjö", dt.date(2026, 11, 27), STAFF)
    assert entry.counts == {"fordon": 23, "rattfylleri": 1}
    assert entry.promise is None


async def test_unknown_activity_gets_did_you_mean(bot: Bot) -> None:
    reply = await ask(bot, "/logga fiskekontroll Fredrika", sender=STAFF)
    assert "Menade du" in reply.text and "Trafikkontroll" in reply.text
    how = await ask(bot, "/logga", sender=STAFF)
    assert "/logga trafikkontroll" in how.text


async def test_undo_edit_and_list(bot: Bot, store: Store, clock: FixedClock) -> None:
    await ask(bot, "/logga nykterhetskontroll fredrika 40 fordon", sender=STAFF)
    await ask(bot, "/logga skolbesök idag 25 elever", sender=STAFF)
    other = await ask(bot, "/ångra", sender=ADMIN)
    assert "ingen loggning" in other.text  # only your own entries
    undone = await ask(bot, "/ångra", sender=STAFF)
    assert "Borttaget: #2" in undone.text
    edited = await ask(bot, "/ändra 1 hastighetskontroll Fredrika igår 41 fordon", sender=ADMIN)
    assert "Rättat: #1" in edited.text
    [entry] = await store.list_activities()
    assert (entry.kind, entry.counts, entry.author) == (
        "hastighetskontroll", {"fordon": 41}, STAFF)
    listed = await ask(bot, "/aktiviteter 30 dagar fredrika", sender=STAFF)
    assert "#1" in listed.text and "Hastighetskontroll" in listed.text
    clock.advance(dt.timedelta(days=2))
    assert "ingen loggning" in (await ask(bot, "/ångra", sender=STAFF)).text


async def test_session_request_end_to_end(bot: Bot, store: Store, outbox: Outbox,
                                          courier: RecordingCourier) -> None:
    teacher = {"sender": TEACHER, "transport": "test", "room": "!dm-larare:x"}
    started = await ask(bot, "kan ni komma till skolan och prata om droger?", **teacher)
    assert "informationsinsats" in started.text.lower()
    for answer in ("Centralskolan", "lärare", "drogtecken", "ca 25", "vecka 48",
                   "hoppa över"):
        await ask(bot, answer, **teacher)
    sent = await ask(bot, "ja", **teacher)
    assert "#1" in sent.text
    await outbox.drain()
    [(room, notice)] = courier.rooms
    assert room == STAFF_ROOM and "#1" in notice and "Centralskolan" in notice
    # The notice offers the list's buttons (a transport with cards shows them); each asks
    # for what its command still needs. The text says how to answer by typing.
    [choices] = courier.choices
    assert [(c.label, c.send, bool(c.ask)) for c in choices] == [
        ("Bekräfta #1", "/bekräfta 1", True), ("Avböj #1", "/avböj 1", True)]
    assert "/bekräfta 1 " in notice and "/avböj 1 " in notice
    listed = await ask(bot, "/förfrågningar", sender=STAFF)
    assert "#1 Centralskolan · Lärare · Drogtecken och symptom" in listed.text
    confirmed = await ask(bot, "/bekräfta 1 2026-12-03 14:00", sender=STAFF)
    assert "Bekräftad: #1" in confirmed.text
    await outbox.drain()
    [(user, dm)] = courier.users
    assert user == TEACHER and "bekräftad" in dm and "2026-12-03 14:00" in dm
    request = await store.get_request(1)
    assert request is not None and request.status == "confirmed"
    assert request.scheduled is not None and request.scheduled.astimezone(TZ).hour == 14
    done = await ask(bot, "/genomförd 1", sender=STAFF)
    assert "loggad som aktivitet #1" in done.text
    held = await store.get_request(1)
    assert held is not None and held.status == "done" and held.scheduled is not None
    [activity] = await store.list_activities()
    # Held in 2026: it counts for the promise of 2025–2027 that lists information sessions.
    assert activity.kind == "informationsinsats"
    assert activity.promise == "organiserad-brottslighet"
    assert activity.counts == {"lärare": 25}
    again = await ask(bot, "/avböj 1 för sent", sender=STAFF)
    assert "redan genomförd" in again.text


async def test_decline_tells_the_teacher(bot: Bot, outbox: Outbox,
                                         courier: RecordingCourier) -> None:
    teacher = {"sender": TEACHER, "transport": "test"}
    for answer in ("/boka", "Fritidsgården", "2", "brottsförebyggande", "hoppa över",
                   "i vår", "ring mig", "ja"):
        await ask(bot, answer, **teacher)
    assert "skäl" in (await ask(bot, "/avböj 1", sender=STAFF)).text
    reply = await ask(bot, "/avböj 1 vi hinner inte i vår", sender=STAFF)
    assert "Avböjd: #1" in reply.text
    await outbox.drain()
    assert courier.users == [(TEACHER, courier.users[0][1])]
    assert "vi hinner inte i vår" in courier.users[0][1]
    assert "ingen förfrågan #9" in (await ask(bot, "/bekräfta 9 imorgon", sender=STAFF)).text


async def test_without_a_transport_to_reach_the_teacher_staff_are_told(
        store: Store, clock: FixedClock) -> None:
    config = Config(roles=Roles(staff=[STAFF]))
    bot = build_bot(config, clock, KnowledgeHolder.load(Config().knowledge), store)
    for answer in ("/boka", "Skolan", "1", "1", "10", "v 50", "hoppa över", "ja"):
        await ask(bot, answer, sender=TEACHER)
    reply = await ask(bot, "/bekräfta 1 2026-12-10 09:00", sender=STAFF)
    # The answer waits behind /mina (issue 12): staff are told so, not to chase the teacher.
    assert "kan inte nås härifrån" in reply.text and "/mina" in reply.text


async def test_a_vague_wish_is_offered_a_dialogue_not_pushed_into_it(bot: Bot) -> None:
    vague = await ask(bot, "ska polisen vara i skolan", sender=TEACHER)
    assert vague.outcome is Outcome.ANSWERED and "Svara **ja**" in vague.text
    started = await ask(bot, "ja", sender=TEACHER)
    assert "Vilken skola eller verksamhet" in started.text
    clear = await ask(bot, "kan ni komma till skolan och prata om droger?", sender="@b:x")
    assert clear.outcome is Outcome.DIALOGUE
