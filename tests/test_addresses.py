"""Addresses, not transports: the staff room on any transport, couriers that say what they
can deliver, and /mina, which shows a requester their own requests on every transport."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.app import build_bot
from bot.config import Config, ConfigError, Roles, load_config
from bot.core.address import Address
from bot.core.bot import Bot
from bot.core.clock import FixedClock
from bot.core.messages import IncomingMessage, Outcome, Reply
from bot.core.outbox import Outbox
from bot.core.roles import Roles as CoreRoles
from bot.core.turn import Turn
from bot.knowledge.holder import KnowledgeHolder
from bot.store import Store
from bot.store.records import SessionRequest
from tests.conftest import ask
from tests.couriers import RecordingCourier as Courier

STAFF_ROOM = "!personal:x"
POLIS, TEACHER = "@polis:x", "@larare:x"


@pytest.mark.parametrize(("text", "address"), [
    ("matrix:!abc:example.org", Address("matrix", "!abc:example.org")),
    (" matrix:!abc:example.org ", Address("matrix", "!abc:example.org")),
    ("teams:19:0a1b2c@thread.tacv2", Address("teams", "19:0a1b2c@thread.tacv2")),
    ("console:personal", Address("console", "personal")),
])
def test_an_address_is_read_from_config_text(text: str, address: Address) -> None:
    assert Address.parse(text) == address
    assert not address.person


@pytest.mark.parametrize("text", ["", "personal", ":!abc:x", "Matrix:!abc:x", "matrix:",
                                  "matrix:!a b:x", "teams:\x00", "!abc"])
def test_an_address_that_cannot_be_read_is_one_reason(text: str) -> None:
    with pytest.raises(ValueError, match=r"^\S.*[^\n]$"):
        Address.parse(text)


def test_the_staff_room_setting_names_the_field(tmp_path: Path) -> None:
    assert Roles(staff_room="!abc:x").staff_room == Address("matrix", "!abc:x")  # older
    # Room version 12 ids have no ":server" part (Synapse makes them today).
    assert Roles(staff_room="!huNqX86lmga0bZ").staff_room == Address("matrix", "!huNqX86lmga0bZ")
    assert Roles(staff_room="matrix:!abc:x").staff_room == Address("matrix", "!abc:x")
    assert Roles(staff_room="teams:19:a@thread.tacv2").staff_room == Address(
        "teams", "19:a@thread.tacv2")
    for bad, why in (("nowhere", "write <transport>:<room>"),
                     ("matirx:!abc:x",
                      '"matirx" is not one of matrix, teams, teams_app, console'),
                     ("matrix:#alias:x", "starts with !")):
        path = tmp_path / "config.yaml"
        path.write_text(f"roles: {{staff_room: '{bad}'}}\n", encoding="utf-8")
        with pytest.raises(ConfigError) as raised:
            load_config(path, env={})
        [line] = raised.value.problems
        assert line.startswith(f"{path}: roles.staff_room: ") and why in line


async def test_the_outbox_says_what_it_can_deliver_before_it_is_asked() -> None:
    outbox, matrix, teams_app = Outbox(), Courier(frozenset({POLIS})), Courier()
    outbox.register("matrix", matrix)
    outbox.register("teams", teams_app, people=False)  # rooms only
    room, person = Address("matrix", STAFF_ROOM), Address.person_on("matrix", TEACHER)
    assert outbox.can_reach(room) and outbox.can_reach(person)
    assert outbox.can_reach(Address("teams", "19:x"))
    assert not outbox.can_reach(Address.person_on("teams", "anna"))
    assert not outbox.can_reach(Address("console", "x"))  # nothing registered
    assert outbox.to(room, "notice") and outbox.to(person, "answer")
    assert not outbox.to(Address.person_on("teams", "anna"), "answer")
    assert not outbox.to(Address("web", "x"), "notice")
    await outbox.drain()
    assert matrix.rooms == [(STAFF_ROOM, "notice")] and matrix.users == [(TEACHER, "answer")]
    assert teams_app.users == []
    assert outbox.members(room) == {POLIS}
    assert outbox.members(Address("web", STAFF_ROOM)) == frozenset()


def turn(transport: str, room: str, sender: str) -> Turn:
    msg = IncomingMessage(transport=transport, room=room, sender=sender, text="/logga")
    return Turn(msg, msg.text, "sv", dt.datetime(2026, 11, 28, tzinfo=dt.UTC))


def test_staff_are_the_staff_room_s_members_on_its_own_transport_only() -> None:
    outbox, courier = Outbox(), Courier(frozenset({POLIS}))
    outbox.register("matrix", courier)
    outbox.register("teams", courier)
    roles = CoreRoles(staff_room=Address("matrix", STAFF_ROOM), members=outbox.members)
    assert roles.is_staff(turn("matrix", "!dm:x", POLIS))
    assert not roles.is_staff(turn("teams", "!dm:x", POLIS))  # an id means one transport
    assert not roles.is_staff(turn("matrix", "!dm:x", TEACHER))
    # On a transport that cannot list members (the Teams webhook), whoever writes in the
    # staff channel is one of its members.
    channel = "19:personal@thread.tacv2"
    teams = CoreRoles(staff_room=Address("teams", channel), members=Outbox().members)
    assert teams.is_staff(turn("teams", channel, "anna"))
    assert not teams.is_staff(turn("teams", "19:elsewhere@thread.tacv2", "anna"))
    assert not teams.is_staff(turn("matrix", channel, "anna"))


@pytest.fixture
def courier() -> Courier:
    return Courier(frozenset({POLIS}))


@pytest.fixture
def bot(store: Store, clock: FixedClock, courier: Courier) -> Bot:
    outbox = Outbox()
    outbox.register("matrix", courier)  # the webhook transport "teams" registers nothing
    config = Config(roles=Roles(staff_room=f"matrix:{STAFF_ROOM}"))
    return build_bot(config, clock, KnowledgeHolder.load(Config().knowledge), store, outbox)


async def book(bot: Bot, transport: str, sender: str, school: str) -> Reply:
    for answer in ("/boka", school, "1", "1", "25", "vecka 50", "hoppa över"):
        await ask(bot, answer, transport=transport, sender=sender)
    return await ask(bot, "ja", transport=transport, sender=sender)


async def test_a_requester_the_bot_cannot_reach_is_told_the_truth(
        bot: Bot, courier: Courier) -> None:
    intro = await ask(bot, "/boka", transport="teams", sender="anna")
    assert "/mina" in intro.text and "nå dig här" not in intro.text
    for answer in ("Skolan", "1", "1", "25", "vecka 50"):
        contact = await ask(bot, answer, transport="teams", sender="anna")
    assert "/mina" in contact.text and "svarar vi här" not in contact.text
    summary = await ask(bot, "hoppa över", transport="teams", sender="anna")
    assert "Svar: med /mina här i chatten" in summary.text
    sent = await ask(bot, "ja", transport="teams", sender="anna")
    assert "#1" in sent.text and "/mina" in sent.text and "Du får svar här" not in sent.text
    reached = await book(bot, "matrix", TEACHER, "Fritidsgården")
    assert "Du får svar här i chatten" in reached.text and "/mina" not in reached.text


async def test_staff_answer_a_request_the_bot_cannot_deliver(
        bot: Bot, store: Store, courier: Courier) -> None:
    for answer in ("/boka", "Skolan", "1", "1", "25", "vecka 50", "ring 070-123 45 67",
                   "ja"):
        await ask(bot, answer, transport="teams", sender="anna")
    staff = {"transport": "matrix", "sender": POLIS, "room": "!dm-polis:x"}
    reply = await ask(bot, "/bekräfta 1 2026-12-10 09:00", **staff)
    assert "kan inte nås härifrån" in reply.text and "/mina" in reply.text
    assert "ring 070-123 45 67" in reply.text.replace("\u2060", "")  # the contact left
    assert courier.users == []
    [request] = await store.list_requests()
    assert request.status == "confirmed"


async def test_mina_shows_ones_own_requests_and_no_one_elses(
        bot: Bot, store: Store, courier: Courier) -> None:
    await book(bot, "teams", "anna", "Annas skola")
    await book(bot, "matrix", TEACHER, "Larares skola")
    await book(bot, "matrix", "anna", "Matrix-Anna skola")  # the same id elsewhere
    await ask(bot, "/avböj 2 vi hinner inte", transport="matrix", sender=POLIS,
              room=STAFF_ROOM, is_direct=False, addressed=True)
    await ask(bot, "/bekräfta 1 imorgon 14:00", transport="matrix", sender=POLIS,
              room=STAFF_ROOM, is_direct=False, addressed=True)
    mine = await ask(bot, "/mina", transport="teams", sender="anna")
    assert mine.outcome is Outcome.COMMAND
    assert "Annas skola" in mine.text and "**bekräftad**" in mine.text
    assert "tid: 2026-11-29 14:00" in mine.text and "svar: imorgon 14:00" in mine.text
    assert "Larares skola" not in mine.text and "Matrix-Anna" not in mine.text
    theirs = await ask(bot, "/my", transport="matrix", sender=TEACHER, lang="en")
    assert "Larares skola" in theirs.text and "**declined**" in theirs.text
    assert "answer: vi hinner inte" in theirs.text and "Annas skola" not in theirs.text
    nobody = await ask(bot, "/mina", transport="teams", sender="erik")
    assert "inga förfrågningar" in nobody.text and "/boka" in nobody.text
    shared = await ask(bot, "/mina", transport="matrix", sender=TEACHER, room="!grupp:x",
                       is_direct=False, addressed=True)
    assert "privat" in shared.text and "Larares skola" not in shared.text


async def test_mina_shows_the_newest_ten_of_the_last_year(
        bot: Bot, store: Store, clock: FixedClock) -> None:
    now = clock.now()
    for n, days in enumerate([400, *range(12, 0, -1)]):  # the first is too old
        await store.add_request(SessionRequest(
            organisation=f"Skola {n}", audience="larare", topic="drogtecken", size=None,
            wished="i vår", contact="chat", requester="anna", transport="teams",
            created_at=now - dt.timedelta(days=days)))
    mine = (await ask(bot, "/mina", transport="teams", sender="anna")).text
    shown = [line for line in mine.splitlines() if line.startswith("- #")]
    assert [line.split()[1] for line in shown] == [f"#{n}" for n in range(13, 3, -1)]
    assert "och 2 äldre" in mine and "Skola 0" not in mine
