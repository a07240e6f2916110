"""The public digest (issue 16): the draft's content, /sammanfattning's scope, approving
and sending, the residents' questions, and the monthly draft (an injected day)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bot.config import DigestSettings
from bot.core.address import Address
from bot.core.bot import Bot
from bot.core.clock import FixedClock
from bot.core.commands import CommandRouter
from bot.core.outbox import Outbox
from bot.core.roles import Local, Roles
from bot.core.router import Router, include
from bot.features import digest, digest_chat
from bot.features.digest_chat import Digests, asks, read_month
from bot.features.sessions import SESSION_KIND
from bot.features.whereabouts import Whereabouts
from bot.knowledge.holder import KnowledgeHolder
from bot.store import Store, StoreError
from bot.store.records import Activity, Digest, Feedback
from tests.conftest import ask
from tests.couriers import RecordingCourier, outbox_for

OCT = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
POLIS, DORA = "@polis:x", "@dora:x"
AREA_ROOM, DOROTEA_ROOM, PUBLIC, ASELE_PUBLIC = "!personal:x", "!dorotea:x", "!pub:x", "!as:x"
SECRETS = ("SECRET-NOTE", "@secret:x", "FEEDBACK-TEXT", "Byarna", "byarna")


def act(kind: str, place: str | None, day: dt.date, where: str = "asele") -> Activity:
    return Activity(kind=kind, promise=None, place=place, day=day, counts={"fordon": 9},
                    note="SECRET-NOTE Kalle 15 år", author="@secret:x",
                    created_at=dt.datetime(2026, 10, 1, 12, tzinfo=dt.UTC),
                    municipality=where)


def feedback(category: str, n: int, day: dt.date = OCT[0], where: str = "asele"
             ) -> list[Feedback]:
    return [Feedback(category=category, area="byarna", text="FEEDBACK-TEXT", rating=2,
                     day=day, granularity="date", lang="sv", municipality=where)
            for _ in range(n)]


def october() -> tuple[list[Activity], list[Feedback]]:
    day = dt.date(2026, 10, 14)
    activities = [act("trafikkontroll", "Fredrika", day), act("trafikkontroll", "Fredrika", day),
                  act("trafikkontroll", "Åsele", day), act("trafikkontroll", "Gafsele", day),
                  act("skolbesok", None, day), act(SESSION_KIND, None, day),
                  act(SESSION_KIND, None, day),
                  act("trafikkontroll", "Fredrika", dt.date(2026, 11, 2))]  # not October's
    given = [*feedback("trafik", 6), *feedback("narkotika-alkohol", 4),
             *feedback("skadegorelse", 1), *feedback("trafik", 5, dt.date(2026, 11, 2))]
    return activities, given


# ------------------------------------------------------------------ the draft (pure)

def test_the_draft_groups_by_promise_and_names_places_with_counts(
        shipped_holder: KnowledgeHolder) -> None:
    kb = shipped_holder.area.bases["asele"]
    activities, given = october()
    text = digest.draft(kb, activities, given, *OCT, "sv")
    assert text.startswith("## Vad polis och kommun har gjort i Åsele, oktober 2026\n")
    assert "Insatser som polisen och kommunen loggade under oktober 2026: 7." in text
    assert "Informationsträffar som hölls: 2." in text
    # Åsele's promises 2025–2027 name no traffic work: other work, with its places.
    other = text.index("### Annat arbete")
    assert text.index("- Trafikkontroll: 4 – Fredrika 2, Gafsele 1, Åsele 1") > other
    promise = text.index("### Organiserad brottslighet: bedrägerier, narkotika, rekrytering "
                         "av unga (löfte för 2025–2027)")
    assert promise < text.index("- Informationsinsats: 2") < other
    assert promise < text.index("- Skolbesök: 1") < other
    # Feedback: the count and the categories that may be shown; a category of one, and
    # the one withheld so that it cannot be worked out, are not named.
    assert "Synpunkter som kom in via chatten: 11. De handlade mest om trafik." in text
    assert "skadegörelse" not in text.lower() and "narkotika och alkohol" not in text
    for secret in (*SECRETS, "fordon", "Kalle"):
        assert secret not in text


def test_the_draft_is_made_in_english_as_well(shipped_holder: KnowledgeHolder) -> None:
    kb = shipped_holder.area.bases["asele"]
    activities, given = october()
    texts = digest.drafts(kb, activities, given, *OCT)
    assert set(texts) == {"sv", "en"}
    en = texts["en"]
    assert en.startswith("## What police and municipality have done in Åsele, October 2026")
    assert "- Traffic check: 4 – Fredrika 2, Gafsele 1, Åsele 1" in en
    assert "(promise for 2025–2027)" in en and "### Other work" in en
    assert "It was mostly about traffic." in en
    assert not any(secret in en for secret in SECRETS)


def test_a_month_with_nothing_says_so(shipped_holder: KnowledgeHolder) -> None:
    kb = shipped_holder.area.bases["dorotea"]
    text = digest.draft(kb, [], [], *OCT, "sv")
    assert "Polisen och kommunen loggade inga insatser under oktober 2026." in text
    assert "Inga synpunkter kom in via chatten under oktober 2026." in text
    assert "###" in text and "Annat arbete" not in text


def test_few_feedback_entries_are_not_broken_down(shipped_holder: KnowledgeHolder) -> None:
    kb = shipped_holder.area.bases["asele"]
    text = digest.draft(kb, [], feedback("trafik", 2), *OCT, "sv")
    assert "Färre än tre synpunkter" in text
    assert "trafik" not in text.lower().split("färre än tre")[1]


def test_place_counts_are_counts_of_the_given_months_only() -> None:
    from bot.knowledge.holder import KnowledgeHolder as Holder
    from tests.conftest import SHIPPED
    kb = Holder.load(SHIPPED).area.bases["asele"]
    activities, _ = october()
    assert digest.place_counts(kb, activities, "Fredrika", [OCT], "sv") == ["Trafikkontroll 2"]
    assert digest.place_counts(kb, activities, "Fredrika", [], "sv") == []


@pytest.mark.parametrize(("words", "month"), [
    ("", (10, 2026)), ("förra månaden", (10, 2026)), ("november", (11, 2026)),
    ("december", (12, 2025)), ("2026-09", (9, 2026)), ("denna månad", (11, 2026)),
    ("okt 2025", (10, 2025)), ("this month", (11, 2026)), ("december 9999", (12, 9999)),
    ("2024-02", (2, 2024))])
def test_months_staff_may_name(words: str, month: tuple[int, int]) -> None:
    found = read_month(words, dt.date(2026, 11, 28))
    assert found is not None and (found[0].month, found[0].year) == month
    assert found[1] == digest.month_of(found[0])[1]


@pytest.mark.parametrize("words", ["bogus", "2026-13", "november bogus", "13", "0000-05",
                                   "maj 0", "maj 10000"])
def test_a_month_not_understood(words: str) -> None:
    assert read_month(words, dt.date(2026, 11, 28)) is None


@pytest.mark.parametrize("text", [
    "vad har hänt?", "Vad har polisen gjort?", "vad har polis och kommun gjort",
    "vad har polisen gjort i Fredrika?", "what have the police done in Dorotea",
    "har polisen gjort något i Gafsele", "What has happened?", "vad har hänt i Fredrika",
    "vad har kommunen och polisen gjort i år", "vad har polisen gjort för oss i Fredrika",
    # Said otherwise (the fresh probes of the lead's review): adverbs, "gjorts", counts.
    "har polisen varit ute i Lomsjö nåt i vinter?", "what have the police really done here",
    "har det varit några nykterhetskontroller i Fredrika", "vad har gjorts hittills",
    "hur många trafikkontroller har det blivit i Åsele?", "what has been done in Gafsele",
    "how many speed checks have the police done", "has there been any patrols in Hälla",
    "what have the cops been up to in Dorotea", "hur många gånger har snuten varit i Lomsjö",
    "vilka kontroller har gjorts i Fredrika?", "did the council do anything in Gafsele",
    "Har polisen gjort några kontroller här i byn?", "har ni gjort det ni lovade?"])
def test_questions_about_what_was_done(text: str) -> None:
    from bot.text.normalize import fold
    assert asks(fold(text))


@pytest.mark.parametrize("text", [
    "vad har hänt med min förfrågan?", "vad har polisen lovat?", "vad gör polisen",
    "hur många kontroller lovade polisen?", "vilka kontroller ska polisen göra",
    "har polisen varit hos grannen?", "hur många gånger har du varit sjuk",
    "vad har hänt? jag blev slagen av min pojkvän", "hur kontaktar jag polisen",
    "vad har ni gjort med min synpunkt?", "vad har polisen gjort åt inbrottet hos oss",
    "what have the police done about my report",
    "vad har ni gjort för att minska droger bland unga?"])
def test_other_questions_are_left_alone(text: str) -> None:
    from bot.text.normalize import fold
    assert not asks(fold(text))


# ------------------------------------------------------------------ through the bot

@pytest.fixture
def courier() -> RecordingCourier:
    return RecordingCourier()


@pytest.fixture
def outbox(courier: RecordingCourier) -> Outbox:
    return outbox_for(courier, "test", "matrix")


@pytest.fixture
def settings() -> DigestSettings:
    return DigestSettings.model_validate({
        "rooms": [f"matrix:{PUBLIC}"],
        "municipalities": {"asele": {"rooms": [f"matrix:{ASELE_PUBLIC}"]}}})


@pytest.fixture
def roles() -> Roles:
    return Roles(staff=[POLIS], staff_room=Address("matrix", AREA_ROOM), local={
        "dorotea": Local(frozenset({DORA}), Address("matrix", DOROTEA_ROOM))})


@pytest.fixture
def digests(shipped_holder: KnowledgeHolder, store: Store, roles: Roles, outbox: Outbox,
            settings: DigestSettings) -> Digests:
    where = Whereabouts(shipped_holder)
    return Digests(shipped_holder, store, roles, outbox, where, settings, "sv")


@pytest.fixture
def bot(shipped_holder: KnowledgeHolder, store: Store, clock: FixedClock, roles: Roles,
        outbox: Outbox, settings: DigestSettings) -> Bot:
    """The commands and the digest's router alone (app.py places it before the answers)."""
    commands = CommandRouter()
    where = Whereabouts(shipped_holder)
    included = include([Router("commands", step=commands),
                        digest_chat.router(shipped_holder, store, roles, outbox, where,
                                           settings)])
    commands.extend(included.commands)
    return Bot(included.pipeline, clock)


async def seed(store: Store) -> None:
    activities, given = october()
    for a in [*activities, act("trafikkontroll", "Borgafjäll", OCT[0], "dorotea")]:
        await store.add_activity(a)
    for f in given:
        await store.add_feedback(f)


async def test_staff_draft_and_approve_and_it_is_sent_once(
        bot: Bot, store: Store, outbox: Outbox, courier: RecordingCourier) -> None:
    await seed(store)
    preview = await ask(bot, "/sammanfattning Åsele", sender=POLIS)
    [made] = await store.list_digests()
    assert made.state == "draft" and (made.start, made.end) == OCT
    assert made.municipality == "asele" and set(made.texts) == {"sv", "en"}
    # What staff see is exactly what will be published.
    assert made.texts["sv"] in preview.text
    assert "Skriv /sammanfattning godkänn för att publicera." in preview.text
    assert courier.rooms == []
    done = await ask(bot, "/sammanfattning godkänn Åsele", sender=POLIS)
    assert "Publicerad: Åsele, oktober 2026." in done.text
    assert "Skickad till 2 av 2 offentliga rum" in done.text
    await outbox.drain()
    assert sorted(courier.rooms) == sorted([(ASELE_PUBLIC, made.texts["sv"]),
                                            (PUBLIC, made.texts["sv"])])
    [published] = await store.list_digests("published")
    assert published.id == made.id and published.published is not None
    again = await ask(bot, "/digest approve Åsele", sender=POLIS)
    assert again.text.startswith("Det finns inget utkast att publicera.")
    await outbox.drain()
    assert len(courier.rooms) == 2


async def test_a_draft_for_every_municipality_of_the_staff_member(
        bot: Bot, store: Store) -> None:
    reply = await ask(bot, "/sammanfattning november", sender=POLIS)
    made = await store.list_digests()
    assert len(made) == 6 and {d.start for d in made} == {dt.date(2026, 11, 1)}
    assert "Utkast för Dorotea, november 2026" in reply.text
    assert "/sammanfattning godkänn och kommunens namn" in reply.text
    assert "Publicerad" in (await ask(bot, "/sammanfattning godkänn", sender=POLIS)).text
    assert len(await store.list_digests("published")) == 6


async def test_dorotea_staff_cannot_draft_or_approve_asele(
        bot: Bot, store: Store, outbox: Outbox, courier: RecordingCourier) -> None:
    await seed(store)
    refused = await ask(bot, "/sammanfattning Åsele", sender=DORA)
    assert refused.text == "Du är personal för Dorotea, inte för Åsele."
    assert await store.list_digests() == []
    await ask(bot, "/sammanfattning Åsele", sender=POLIS)
    refused = await ask(bot, "/sammanfattning godkänn Åsele", sender=DORA)
    assert refused.text == "Du är personal för Dorotea, inte för Åsele."
    own = await ask(bot, "/sammanfattning godkänn", sender=DORA)
    assert own.text.startswith("Det finns inget utkast")
    assert await store.list_digests("published") == []
    mine = await ask(bot, "/sammanfattning", sender=DORA)
    assert "Dorotea" in mine.text and "Fredrika" not in mine.text
    assert "Borgafjäll 1" in mine.text
    assert "Publicerad: Dorotea" in (await ask(bot, "/sammanfattning godkänn",
                                               sender=DORA)).text
    # Dorotea has no rooms of its own: the area's public room.
    await outbox.drain()
    assert [room for room, _ in courier.rooms] == [PUBLIC]
    assert [d.municipality for d in await store.list_digests("published")] == ["dorotea"]
    assert [d.municipality for d in await store.list_digests("draft")] == ["asele"]


async def test_residents_cannot_use_the_command_and_bad_months(bot: Bot, store: Store) -> None:
    resident = await bot.handle(_msg("/sammanfattning"))
    assert resident is None or "Utkast" not in resident.text
    assert await store.list_digests() == []
    bad = await ask(bot, "/sammanfattning bogus", sender=POLIS)
    assert bad.text.startswith("Vilken månad?")
    future = await ask(bot, "/sammanfattning 2027-01 Åsele", sender=POLIS)
    assert future.text == "Den månaden har inte börjat än."
    assert await store.list_digests() == []


def _msg(text: str, **kwargs: object):  # type: ignore[no-untyped-def]
    from tests.conftest import message
    return message(text, **kwargs)


async def test_residents_get_the_published_digest_only(bot: Bot, store: Store) -> None:
    await seed(store)
    none = await ask(bot, "Vad har polisen gjort?")
    assert "har inte publicerat någon sammanfattning" in none.text and "Åsele" in none.text
    await ask(bot, "/sammanfattning Åsele", sender=POLIS)
    draft = await ask(bot, "vad har hänt?")
    assert "har inte publicerat" in draft.text  # a draft is never shown to residents
    await ask(bot, "/sammanfattning godkänn", sender=POLIS)
    [published] = await store.list_digests("published")
    shown = await ask(bot, "vad har hänt?")
    assert shown.text.startswith(published.texts["sv"])
    assert "Publicerad 28 november 2026." in shown.text
    english = await ask(bot, "What have the police done?")
    assert english.text.startswith(published.texts["en"])
    # Another municipality named: its own (none published).
    dorotea = await ask(bot, "vad har polisen gjort i Dorotea?")
    assert "har inte publicerat" in dorotea.text and "Dorotea" in dorotea.text
    # A draft of November, with more work in Fredrika, changes nothing residents see.
    await ask(bot, "/sammanfattning november Åsele", sender=POLIS)
    assert (await ask(bot, "vad har hänt?")).text.startswith(published.texts["sv"])


async def test_residents_ask_about_a_place(bot: Bot, store: Store) -> None:
    await seed(store)
    await ask(bot, "/sammanfattning Åsele", sender=POLIS)
    await ask(bot, "/sammanfattning godkänn Åsele", sender=POLIS)
    fredrika = await ask(bot, "vad har polisen gjort i Fredrika?")
    # October's two, not November's one (not published).
    assert fredrika.text.startswith("I Fredrika har polisen och kommunen loggat: "
                                    "Trafikkontroll 2.")
    assert "från 1 oktober 2026 till och med 31 oktober 2026" in fredrika.text
    gafsele = await ask(bot, "har polisen gjort något i Gafsele")
    assert "Trafikkontroll 1" in gafsele.text
    torvsjo = await ask(bot, "vad har polisen gjort i Torvsjö")
    assert torvsjo.text.startswith("I Torvsjö har polisen och kommunen inte loggat")
    for reply in (fredrika, gafsele, torvsjo):
        assert not any(secret in reply.text for secret in SECRETS)


# ------------------------------------------------------------------ monthly

async def test_the_monthly_draft_is_made_once(digests: Digests, store: Store, outbox: Outbox,
                                              courier: RecordingCourier) -> None:
    await seed(store)
    # Staff drafted Lycksele's October already: no second draft, no notice.
    await store.save_digest(Digest("lycksele", *OCT, {"sv": "x", "en": "x"}))
    await digests.tick(dt.date(2026, 11, 8))  # too late in the month: nothing
    await digests.tick(dt.date(2026, 10, 31))
    assert len(await store.list_digests()) == 1
    await digests.tick(dt.date(2026, 11, 3))
    made = await store.list_digests()
    assert len(made) == 6 and {(d.start, d.end) for d in made} == {OCT}
    assert all(d.state == "draft" for d in made)
    await outbox.drain()
    rooms = [room for room, _ in courier.rooms]
    assert sorted(rooms) == sorted([AREA_ROOM] * 4 + [DOROTEA_ROOM])
    assert any(text.startswith("Sammanfattningen för oktober 2026 (Åsele) är klar")
               for _, text in courier.rooms)
    await digests.tick(dt.date(2026, 11, 3))
    await digests.tick(dt.date(2026, 11, 4))
    await outbox.drain()
    assert len(courier.rooms) == 5 and len(await store.list_digests()) == 6


async def test_the_monthly_draft_is_made_once_across_processes(
        digests: Digests, store: Store, outbox: Outbox, courier: RecordingCourier) -> None:
    # Another process has told the staff room (it marked the month's key): the draft is
    # made all the same (one a month, whoever makes it), the room is not told again.
    assert await store.mark_reminded("digest:asele:2026-10", dt.date(2026, 11, 1))
    await digests.tick(dt.date(2026, 11, 2))
    await outbox.drain()
    assert "asele" in {d.municipality for d in await store.list_digests()}
    assert not any("(Åsele)" in text for _, text in courier.rooms)


async def test_a_monthly_draft_that_fails_is_made_the_next_day(
        digests: Digests, store: Store, outbox: Outbox, courier: RecordingCourier,
        monkeypatch: pytest.MonkeyPatch) -> None:
    real = store.list_feedback
    failures = iter([True])

    async def once_away(*args: Any, **kwargs: Any) -> Any:
        if next(failures, False):
            raise StoreError("away for a moment")
        return await real(*args, **kwargs)

    monkeypatch.setattr(store, "list_feedback", once_away)
    with pytest.raises(StoreError):
        await digests.tick(dt.date(2026, 11, 1))
    await digests.tick(dt.date(2026, 11, 2))
    await outbox.drain()
    assert "asele" in {d.municipality for d in await store.list_digests()}
    assert any("(Åsele)" in text for _, text in courier.rooms)


async def test_no_monthly_draft_when_switched_off(shipped_holder: KnowledgeHolder,
                                                  store: Store, roles: Roles,
                                                  outbox: Outbox) -> None:
    off = Digests(shipped_holder, store, roles, outbox, Whereabouts(shipped_holder),
                  DigestSettings(monthly=False), "sv")
    await off.tick(dt.date(2026, 11, 1))
    assert await store.list_digests() == []


# ------------------------------------------------------------------ the web chat's button

@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_web_chat_has_a_what_has_happened_button(lang: str) -> None:
    from bot.text.normalize import fold
    from tests.web.test_webchat_pages import page, view
    doc = page(view(lang=lang, token="abc", kommun="dorotea"))
    form = doc.one("form", id="digest-ask")
    assert (form.attrs["method"], form.attrs["action"]) == ("post", "/chat/send")
    button = form.one("button")
    assert (button.attrs["type"], button.attrs["name"]) == ("submit", "text")
    assert button.text().strip() == button.attrs["value"]  # a visible label, what it sends
    assert asks(fold(button.attrs["value"] or ""))
    assert form.one("input", name="token").attrs["value"] == "abc"
    assert form.one("input", name="kommun").attrs["value"] == "dorotea"
    assert form.one("input", name="lang").attrs["value"] == lang


async def test_one_municipality_deployment(store: Store, clock: FixedClock,
                                           outbox: Outbox) -> None:
    from tests.conftest import FIXTURE
    holder = KnowledgeHolder.load(FIXTURE)
    store.home = store.home or holder.kb.id
    commands = CommandRouter()
    roles = Roles(staff=[POLIS])
    included = include([Router("commands", step=commands), digest_chat.router(
        holder, store, roles, outbox, Whereabouts(holder))])
    commands.extend(included.commands)
    bot = Bot(included.pipeline, clock)
    preview = await ask(bot, "/sammanfattning", sender=POLIS)
    assert "oktober 2026" in preview.text
    done = await ask(bot, "/sammanfattning godkänn", sender=POLIS)
    assert "Publicerad:" in done.text and "inget offentligt rum" in done.text
    shown = await ask(bot, "vad har hänt?")
    assert "oktober 2026" in shown.text and "Publicerad 28 november 2026" in shown.text
    await ask(bot, "/sammanfattning godkänn", sender=POLIS)
    assert len(await store.list_digests("published")) == 1


def test_the_places_of_work_with_people_are_never_published(
        shipped_holder: KnowledgeHolder) -> None:
    kb = shipped_holder.area.bases["asele"]
    assert {a.id for a in kb.data.activities if not a.public_place} == {
        "samtal-unga", "valdsforebyggande"}
    day = dt.date(2026, 10, 6)
    done = [act("samtal-unga", "Gafsele", day), act("samtal-unga", "Gafsele", day),
            act("trafikkontroll", "Gafsele", day)]
    text = digest.draft(kb, done, [], *digest.month_of(day), "sv")
    assert "- Samtal med unga: 2\n" in text  # counted, the place left out
    assert "Trafikkontroll: 1 – Gafsele 1" in text
    counts = digest.place_counts(kb, done, "Gafsele", [digest.month_of(day)], "sv")
    assert counts == ["Trafikkontroll 1"]
