"""An activity counts for a promise of the period in which it was done, or as other work.

The shipped knowledge base: 2017, 2019–2020 (text not published), 2021–2022, 2023–2024 and
2025–2027. Staff commands are asked through the whole bot with a FixedClock in 2026 and
in 2022; the report is built from hand-made entries.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from bot.app import build_bot
from bot.config import Config, Roles
from bot.core.bot import Bot
from bot.core.clock import FixedClock
from bot.features.report import OTHER, build_report
from bot.knowledge.holder import KnowledgeHolder
from bot.store import Store
from bot.store.records import Activity
from tests.conftest import SHIPPED, ask

HOLDER = KnowledgeHolder.load(SHIPPED)
KB = HOLDER.kb
STAFF = "@polis1:x"
D = dt.date


@pytest.mark.parametrize(("kind", "day", "place", "promise"), [
    # 2025–2027 has no promise about traffic: a traffic check is other work, anywhere.
    ("trafikkontroll", D(2026, 11, 27), "Lomsjö", None),
    ("trafikkontroll", D(2026, 3, 1), "Fredrika", None),
    ("nykterhetskontroll", D(2025, 1, 1), "Åsele", None),
    ("hastighetskontroll", D(2027, 12, 31), None, None),
    ("skolbesok", D(2026, 11, 27), None, "organiserad-brottslighet"),
    ("informationsinsats", D(2026, 5, 5), "Åsele", "organiserad-brottslighet"),
    ("valdsforebyggande", D(2025, 9, 1), None, "valdsprevention"),
    ("bedrageriinformation", D(2026, 2, 2), "Fredrika", "organiserad-brottslighet"),
    ("trygghetsvandring", D(2026, 10, 1), "Åsele", None),
    # 2023–2024: the place decides between central Åsele and Fredrika; villages are neither.
    ("trafikkontroll", D(2024, 6, 1), "Fredrika", "narvaro-fredrika"),
    ("nykterhetskontroll", D(2023, 1, 1), "Åsele", "narvaro-centrala-asele"),
    ("trafikkontroll", D(2024, 12, 31), "Lomsjö", None),
    ("trafikkontroll", D(2024, 6, 1), None, None),
    ("bedrageriinformation", D(2024, 3, 3), None, "bedragerier-inbrott"),
    ("skolbesok", D(2023, 9, 1), None, "tobak-unga"),
    # 2021–2022: villages (and Fredrika) against central Åsele.
    ("trafikkontroll", D(2022, 5, 1), "Lomsjö", "narvaro-byarna"),
    ("trafikkontroll", D(2021, 1, 1), "Fredrika", "narvaro-byarna"),
    ("hastighetskontroll", D(2022, 12, 31), "Åsele", "trafik-centrala-asele"),
    ("skolbesok", D(2022, 2, 2), None, "narkotika-unga"),
    ("informationsinsats", D(2021, 4, 4), None, "informationsinsatser"),
    ("bedrageriinformation", D(2022, 4, 4), None, None),
    # 2017, and 2018 when no promise was in force, and 2019–2020 whose points are unknown.
    ("skolbesok", D(2017, 4, 4), None, "skolbesok-2017"),
    ("trafikkontroll", D(2017, 8, 8), "Gafsele", "trafikinsatser-2017"),
    ("trafikkontroll", D(2018, 8, 8), "Gafsele", None),
    ("skolbesok", D(2020, 2, 2), None, None),
])
def test_serves(kind: str, day: dt.date, place: str | None, promise: str | None) -> None:
    found = KB.serves(kind, day, place)
    assert (found[1].id if found else None) == promise
    if found:
        period = found[0]
        assert period.start <= day <= period.end  # never a promise of another period


def test_a_saved_promise_does_not_outlive_its_period() -> None:
    # Entries logged before the mapping knew about periods kept a 2021–2022 promise.
    assert KB.serves("trafikkontroll", D(2026, 11, 27), "Lomsjö", "narvaro-byarna") is None
    # A type the base no longer has keeps its saved promise, within that promise's period.
    kept = KB.serves("gammal-typ", D(2022, 3, 3), None, "narvaro-byarna")
    assert kept is not None and kept[1].id == "narvaro-byarna"
    assert KB.serves("gammal-typ", D(2026, 3, 3), None, "narvaro-byarna") is None
    assert KB.serves("gammal-typ", D(2022, 3, 3), None, "finns-inte") is None


def test_a_missing_place_is_named() -> None:
    needed = KB.place_needed("trafikkontroll", D(2024, 6, 1))
    assert needed[:2] == ["Åsele", "Fredrika"]
    assert KB.place_needed("trafikkontroll", D(2026, 6, 1)) == []  # nothing to gain
    assert KB.place_needed("skolbesok", D(2024, 6, 1)) == []  # not bound to a place


# ------------------------------------------------------------------ staff, through the bot


def staff_bot(store: Store, day: dt.date) -> Bot:
    config = Config(roles=Roles(staff=[STAFF]))
    return build_bot(config, FixedClock(day), HOLDER, store)


async def test_logging_in_2026(store: Store) -> None:
    bot = staff_bot(store, D(2026, 11, 30))
    traffic = await ask(bot, "/logga trafikkontroll Lomsjö igår 23 fordon", sender=STAFF)
    assert "**Övrigt arbete:** hör inte till något av löftena i medborgarlöftet 2025–2027" \
        in traffic.text
    assert "2021–2022" not in traffic.text and "2023–2024" not in traffic.text
    school = await ask(bot, "/logga skolbesök igår 25 elever", sender=STAFF)
    assert "Hör till medborgarlöftet 2025–2027: Vi ska tillsammans arbeta mot organiserad " \
           "brottslighet" in school.text
    english = await ask(bot, "/log speed check Asele yesterday 12 cars", sender=STAFF)
    assert "Övrigt arbete" in english.text or "Other work" in english.text
    [first, second, third] = await store.list_activities()
    assert (first.promise, second.promise, third.promise) == (
        None, "organiserad-brottslighet", None)
    listed = await ask(bot, "/aktiviteter", sender=STAFF)
    lines = {line.split(" ", 2)[1]: line for line in listed.text.splitlines()[1:]}
    assert lines[f"#{first.id}"].endswith("→ övrigt arbete")
    assert "→ löfte 2025–2027: Organiserad brottslighet" in lines[f"#{second.id}"]
    report = await ask(bot, "/rapport 2026", sender=STAFF)
    other = report.text.split("## Övrigt arbete\n", 1)[1].split("\n## ", 1)[0]
    assert "| Trafikkontroll | 1 |" in other and "| Hastighetskontroll | 1 |" in other
    assert "Skolbesök" not in other
    assert "Medborgarlöfte 2021–2022" not in report.text


async def test_logging_in_2022_and_correcting_the_day(store: Store) -> None:
    bot = staff_bot(store, D(2022, 6, 1))
    reply = await ask(bot, "/logga trafikkontroll Lomsjö igår 23 fordon", sender=STAFF)
    assert "Hör till medborgarlöftet 2021–2022: Polisen ska öka sin närvaro i kommunens byar" \
        in reply.text
    [entry] = await store.list_activities()
    assert entry.promise == "narvaro-byarna"
    # Corrected to central Åsele: the other traffic promise of the same period.
    edited = await ask(bot, f"/ändra {entry.id} trafikkontroll Åsele 2021-12-01", sender=STAFF)
    assert "Hör till medborgarlöftet 2021–2022: Polisen ska arbeta riktat" in edited.text
    [entry] = await store.list_activities()
    assert (entry.day, entry.promise) == (D(2021, 12, 1), "trafik-centrala-asele")
    # Corrected to a day in 2018, when no promise was in force: other work.
    moved = await ask(bot, f"/ändra {entry.id} trafikkontroll Åsele 2018-05-30", sender=STAFF)
    assert "**Övrigt arbete:** inget medborgarlöfte gällde den dagen." in moved.text
    [entry] = await store.list_activities(D(2018, 1, 1), D(2018, 12, 31))
    assert entry.promise is None


async def test_a_place_that_would_count_is_suggested(store: Store) -> None:
    bot = staff_bot(store, D(2024, 6, 1))
    reply = await ask(bot, "/logga trafikkontroll 12 fordon", sender=STAFF)
    assert "Övrigt arbete" in reply.text and "2023–2024" in reply.text
    assert "Gjordes den i Åsele, Fredrika" in reply.text
    there = await ask(bot, "/logga trafikkontroll Fredrika 12 fordon", sender=STAFF)
    assert "Polisen ska vara närvarande och synlig i Fredrika" in there.text
    assert "Gjordes den i" not in there.text


# ------------------------------------------------------------------ the follow-up report


def act(kind: str, promise: str | None, place: str | None, day: dt.date,
        **counts: int) -> Activity:
    return Activity(kind=kind, promise=promise, place=place, day=day, counts=counts,
                    note="", author=STAFF)


MIXED = [
    # Saved by an older version with a 2021–2022 promise, but done in 2025 and 2026.
    act("trafikkontroll", "narvaro-byarna", "Lomsjö", D(2025, 3, 3), fordon=10),
    act("trafikkontroll", "narvaro-byarna", "Fredrika", D(2026, 4, 4), fordon=20),
    act("skolbesok", "narkotika-unga", None, D(2026, 5, 5), elever=30),
    act("trafikkontroll", "narvaro-fredrika", "Fredrika", D(2024, 6, 6), fordon=7),
]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_report_credits_the_period_of_the_day(lang: str) -> None:
    text = build_report(KB, D(2025, 1, 1), D(2026, 12, 31), MIXED, [], [], "md", lang,
                        D(2026, 11, 30))
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    promise = "Medborgarlöfte" if lang == "sv" else "Citizen promise"
    other = "Övrigt arbete" if lang == "sv" else "Other work"
    assert [h for h in headings if h.startswith(promise)] == [
        f"{promise} 2025–2027 – {'löfte' if lang == 'sv' else 'promise'} {i} "
        f"{'av' if lang == 'sv' else 'of'} 2" for i in (1, 2)]
    section = text.split(f"## {other}\n", 1)[1].split("\n## ", 1)[0]
    assert "30 fordon" in section  # both traffic checks: no traffic promise in 2025–2027
    assert "elever" not in section
    assert "2021–2022" not in text


def test_report_over_two_periods_uses_each_one() -> None:
    text = build_report(KB, D(2024, 1, 1), D(2025, 12, 31), MIXED, [], [], "csv", "sv",
                        D(2026, 11, 30))
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["section"] == "activities"]
    by = {(r["promise"], r["month"]): r for r in rows}
    assert by[("narvaro-fredrika", "2024-06")]["activities"] == "1"
    assert by[("narvaro-fredrika", "2024-06")]["period"] == "2023-2024"
    assert by[(OTHER, "2025-03")]["units"] == "fordon=10"
    assert not any(r["promise"] == "narvaro-byarna" for r in rows)
    html = build_report(KB, D(2024, 1, 1), D(2025, 12, 31), MIXED, [], [], "html", "sv",
                        D(2026, 11, 30))
    assert '<span class="status ended">avslutad 31 december 2024</span>' in html
    assert '<span class="status current">gäller nu, till och med 31 december 2027</span>' \
        in html
