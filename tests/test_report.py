"""The follow-up report: content of every format on a small hand-made data set, no
feedback text anywhere, speed on two generated years, and the HTML as Chromium draws it."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import random
import re
import struct
import subprocess
import time
import zlib
from pathlib import Path
from typing import Literal

import pytest

from bot.core.clock import TZ
from bot.features.report import OTHER, build_report
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.loader import load_knowledge
from bot.store.base import Feedback
from bot.store.records import Activity, RequestStatus, SessionRequest

ROOT = Path(__file__).resolve().parents[1]
START, END = dt.date(2021, 1, 1), dt.date(2022, 12, 31)
TODAY = dt.date(2026, 11, 28)  # the 2021–2022 period has ended
SECRET = "HEMLIG-TEXT"  # in every feedback text; must never reach a report
NOTE = "<script>alert('note')</script>"
PLACE = "<script>alert('place')</script>"
Fmt = Literal["md", "html", "csv"]
FORMATS: tuple[Fmt, ...] = ("md", "html", "csv")


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge(ROOT / "knowledge")


def act(kind: str, promise: str | None, place: str | None, day: dt.date,
        note: str = "", **counts: int) -> Activity:
    return Activity(kind=kind, promise=promise, place=place, day=day, counts=counts,
                    note=note, author="@polis:example.org")


ACTIVITIES = [
    act("trafikkontroll", "narvaro-byarna", "Gafsele", dt.date(2021, 3, 5),
        fordon=23, rattfylleri=2),
    act("trafikkontroll", "narvaro-byarna", "Torvsjö", dt.date(2021, 3, 20), fordon=10),
    act("trafikkontroll", "narvaro-byarna", "Gafsele", dt.date(2022, 1, 10), fordon=5),
    act("hastighetskontroll", "trafik-centrala-asele", "Åsele", dt.date(2021, 6, 1),
        fordon=40, hastighetsöverträdelser=3),
    act("trygghetsvandring", None, PLACE, dt.date(2021, 9, 9), note=NOTE, deltagare=12),
    # A type the knowledge base no longer knows, saved with a promise it does not know.
    act("fiskekontroll", "finns-inte", None, dt.date(2022, 2, 2)),
    # Outside the period: left out even though the caller passed it.
    act("trafikkontroll", "narvaro-byarna", "Gafsele", dt.date(2023, 1, 5), fordon=999),
]


def req(audience: str, topic: str, status: RequestStatus, created: dt.date) -> SessionRequest:
    return SessionRequest(
        organisation="Centralskolan", audience=audience, topic=topic, size=20, wished="v 12",
        contact="chat", requester="@larare:example.org", transport="matrix", status=status,
        created_at=dt.datetime.combine(created, dt.time(9), TZ))


REQUESTS = [
    req("larare", "drogtecken", "done", dt.date(2021, 2, 1)),
    req("larare", "brottsforebyggande", "confirmed", dt.date(2021, 5, 1)),
    req("personal", "drogtecken", "declined", dt.date(2022, 3, 1)),
    req("elever", "annat", "open", dt.date(2022, 11, 30)),
    req("larare", "drogtecken", "done", dt.date(2023, 2, 1)),  # outside
]


def fb(category: str, area: str, day: dt.date, i: int) -> Feedback:
    return Feedback(category=category, area=area, text=f"{SECRET} {i} Storgatan 3",
                    rating=2, day=day, granularity="date", lang="sv")


FEEDBACK = [
    *(fb("trafik", "byarna", dt.date(2021, 4, i), i) for i in range(1, 5)),
    fb("ungdomar", "fredrika", dt.date(2021, 8, 1), 5),
    fb("skadegorelse", "centrala-asele", dt.date(2022, 2, 1), 6),
    fb("skadegorelse", "centrala-asele", dt.date(2022, 2, 8), 7),
    fb("trafik", "byarna", dt.date(2023, 1, 1), 8),  # outside
]


def report(kb: KnowledgeBase, fmt: Fmt, lang: Literal["sv", "en"] = "sv",
           today: dt.date = TODAY) -> str:
    return build_report(kb, START, END, ACTIVITIES, REQUESTS, FEEDBACK, fmt, lang, today)


def md_sections(text: str) -> dict[str, str]:
    return {part.split("\n", 1)[0]: part for part in text.split("\n## ")[1:]}


# ------------------------------------------------------------------ Markdown


def test_md_head_and_promise_sections(kb: KnowledgeBase) -> None:
    text = report(kb, "md")
    assert text.startswith("# Uppföljning av medborgarlöftet – Åsele kommun\n")
    assert "**Period:** 1 januari 2021 – 31 december 2022" in text
    assert "**Sammanställd:** 28 november 2026" in text
    sections = md_sections(text)
    # Every promise of the overlapping period, in order, then Övrigt.
    assert [h for h in sections if h.startswith("Medborgarlöfte")] == [
        f"Medborgarlöfte 2021–2022 – löfte {i} av 4" for i in range(1, 5)]
    villages = sections["Medborgarlöfte 2021–2022 – löfte 4 av 4"]
    assert "Polisen ska öka sin närvaro i kommunens byar genom trafikkontroller." in villages
    assert "avslutad 31 december 2022" in villages
    assert "**Ansvar:** polisen\n" in villages
    assert "**Antal aktiviteter:** 3\n" in villages
    assert "**Summor:** 38 fordon, 2 rattfylleri" in villages  # 999 is outside the period
    assert "| Gafsele | 2 |" in villages and "| Torvsjö | 1 |" in villages
    assert "| Trafikkontroll | 3 |" in villages
    months = re.findall(r"^\| (\d{4}-\d\d) \| (\d+) \|$", villages, re.M)
    assert len(months) == 24 and months[0][0] == "2021-01" and months[-1][0] == "2022-12"
    assert dict(months) == {m: "0" for m, _ in months} | {"2021-03": "2", "2022-01": "1"}
    empty = sections["Medborgarlöfte 2021–2022 – löfte 2 av 4"]
    assert "**Antal aktiviteter:** 0" in empty and "| 2021-01 | 0 |" in empty


def test_md_other_section_and_escaping(kb: KnowledgeBase) -> None:
    text = report(kb, "md")
    other = md_sections(text)["Övrigt arbete"]
    # A type no promise lists, and an unknown type with an unknown promise, land here.
    assert "**Antal aktiviteter:** 2" in other
    assert "| Trygghetsvandring | 1 |" in other and "| fiskekontroll | 1 |" in other
    assert "12 deltagare" in other and "(ingen plats angiven)" in other
    assert "\\<script\\>" in other  # the place, inert in Markdown
    assert not re.search(r"(?<!\\)<script", text)  # only the escaped place
    assert "alert('note')" not in text  # notes are never shown


def test_md_sessions_and_feedback(kb: KnowledgeBase) -> None:
    sections = md_sections(report(kb, "md"))
    sessions = sections["Informationsinsatser"]
    assert "| Lärare | 2 | 1 | 0 | 1 | 0 |" in sessions
    assert "| Övrig personal | 1 | 0 | 1 | 0 | 0 |" in sessions
    assert "| Elever | 1 | 0 | 0 | 0 | 1 |" in sessions
    assert "| Föräldrar | 0 | 0 | 0 | 0 | 0 |" in sessions
    assert "| Drogtecken och symptom | 2 | 0 | 1 | 1 | 0 |" in sessions
    assert sessions.count("| **Totalt** | 4 | 1 | 1 | 1 | 1 |") == 2
    feedback = sections["Synpunkter från invånare"]
    assert "| Trafik | 4 |" in feedback
    assert "| Ungdomar | <3 |" in feedback and "| Skadegörelse | <3 |" in feedback
    assert "| Narkotika och alkohol | 0 |" in feedback
    assert "| Byarna | 4 |" in feedback and "| Fredrika | <3 |" in feedback
    assert "| Centrala Åsele | <3 |" in feedback
    assert feedback.count("| **Totalt** | 7 |") == 2


def test_feedback_that_subtraction_would_give_away_is_withheld(kb: KnowledgeBase) -> None:
    few = [*(fb("trafik", "byarna", dt.date(2021, 4, i), i) for i in range(1, 5)),
           fb("ungdomar", "byarna", dt.date(2021, 8, 1), 5)]
    text = build_report(kb, START, END, [], [], few, "md", "sv", TODAY)
    feedback = md_sections(text)["Synpunkter från invånare"]
    # 5 in all, Ungdomar under 3: Trafik's 4 would tell that it is 1.
    assert "| Trafik | .. |" in feedback and "| Ungdomar | <3 |" in feedback
    assert "| Byarna | 5 |" in feedback and feedback.count("| **Totalt** | 5 |") == 2
    assert "visas som .." in feedback
    rows = list(csv.DictReader(io.StringIO(
        build_report(kb, START, END, [], [], few, "csv", "sv", TODAY))))
    assert {r["key"]: r["count"] for r in rows if r["group"] == "category"}["trafik"] == ".."


def test_feedback_under_three_hides_the_total_too(kb: KnowledgeBase) -> None:
    two = [fb("trafik", "byarna", dt.date(2021, 4, 1), 1),
           fb("ungdomar", "fredrika", dt.date(2021, 8, 1), 2)]
    feedback = md_sections(build_report(kb, START, END, [], [], two, "md", "sv", TODAY))[
        "Synpunkter från invånare"]
    rows = re.findall(r"^\| (?!\*\*)([^|]+) \| ([^|]+) \|$", feedback, re.M)
    counts = {label: value for label, value in rows if label not in ("Kategori", "Område")}
    assert counts["Trafik"] == counts["Fredrika"] == counts["Byarna"] == "<3"
    assert counts["Skadegörelse"] == "0"
    assert set(counts.values()) == {"<3", "0"}
    assert feedback.count("| **Totalt** | <3 |") == 2


def test_status_current_and_english(kb: KnowledgeBase) -> None:
    assert "gäller nu, till och med 31 december 2022" in report(kb, "md",
                                                                 today=dt.date(2022, 6, 1))
    text = report(kb, "md", "en")
    assert text.startswith("# Follow-up of the citizen promise – Åsele Municipality\n")
    assert "ended on 31 December 2022" in text and "## Other work\n" in text
    assert "| Teachers | 2 | 1 | 0 | 1 | 0 |" in text and "| Young people | <3 |" in text
    assert "in force now, until 31 December 2022" in report(kb, "html", "en",
                                                            today=dt.date(2022, 6, 1))


# ------------------------------------------------------------------ HTML


def html_section(text: str, key: str) -> str:
    start = text.index(f'<section class="promise" id="{key}"')
    return text[start:text.index("</section>", start)]


def test_html_document(kb: KnowledgeBase) -> None:
    text = report(kb, "html")
    assert text.startswith("<!doctype html>")
    assert '<meta charset="utf-8">' in text and "@media print" in text
    assert "break-before: page" in text
    assert "<title>Uppföljning av medborgarlöftet – Åsele kommun</title>" in text
    assert "1 januari 2021 – 31 december 2022" in text
    # Self-contained: no script, no outside request of any kind.
    lowered = text.lower()
    for forbidden in ("<script", "<link", "src=", "href=", "@import", "url(", "javascript:"):
        assert forbidden not in lowered, forbidden
    assert re.findall(r"https?://[^\s\"']+", text) == ["http://www.w3.org/2000/svg"] * 5
    # Jinja2's autoescape (markupsafe) writes a quote as &#39;.
    assert "&lt;script&gt;alert(&#39;place&#39;)&lt;/script&gt;" in text
    assert "alert('note')" not in html.unescape(text)  # notes are not shown at all
    assert text.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == 5


def test_html_promise_table_and_chart(kb: KnowledgeBase) -> None:
    text = report(kb, "html")
    villages = html_section(text, "narvaro-byarna")
    assert '<span class="status ended">avslutad 31 december 2022</span>' in villages
    assert "38 fordon, 2 rattfylleri" in villages
    assert '<td>Gafsele</td><td class="n">2</td>' in villages
    chart = villages[villages.index("<svg"):villages.index("</svg>")]
    assert 'class="chart"' in chart and 'aria-label="Aktiviteter per månad' in chart
    assert "2021-03: 2" in chart and "2021-04: 0" in chart
    assert chart.count("<rect") == 2  # a bar for each month with activities
    assert chart.count('class="value zero"') == 22  # and a 0 on each of the others
    assert chart.count('class="month"') == 24 and chart.count('class="axis"') == 2
    assert ">jan<" in chart and ">2022<" in chart
    other = html_section(text, OTHER)
    assert "<h2>Övrigt arbete</h2>" in other and "Trygghetsvandring" in other
    assert "&lt;3" in text and "<td class=\"n\">4</td>" in text


# ------------------------------------------------------------------ CSV


def test_csv_rows(kb: KnowledgeBase) -> None:
    rows = list(csv.DictReader(io.StringIO(report(kb, "csv"))))
    acts = [r for r in rows if r["section"] == "activities"]
    assert len(acts) == 5 * 24  # four promises and Övrigt, every month
    villages = {r["month"]: r for r in acts if r["promise"] == "narvaro-byarna"}
    assert villages["2021-03"]["period"] == "2021-2022"
    assert (villages["2021-03"]["activities"], villages["2021-03"]["units"]) == (
        "2", "fordon=33;rattfylleri=2")
    assert (villages["2022-01"]["activities"], villages["2022-01"]["units"]) == ("1", "fordon=5")
    assert (villages["2021-04"]["activities"], villages["2021-04"]["units"]) == ("0", "")
    other = {r["month"]: r for r in acts if r["promise"] == OTHER}
    assert other["2021-09"]["units"] == "deltagare=12" and other["2022-02"]["activities"] == "1"

    def count(section: str, group: str, key: str, status: str = "") -> str:
        found = [r["count"] for r in rows if (r["section"], r["group"], r["key"], r["status"])
                 == (section, group, key, status)]
        assert len(found) == 1, (section, group, key, status, found)
        return found[0]

    assert count("sessions", "all", "", "requested") == "4"
    assert count("sessions", "audience", "larare", "requested") == "2"
    assert count("sessions", "audience", "larare", "done") == "1"
    assert count("sessions", "topic", "drogtecken", "declined") == "1"
    assert count("feedback", "all", "") == "7"
    assert count("feedback", "category", "trafik") == "4"
    assert count("feedback", "category", "ungdomar") == "<3"
    assert count("feedback", "area", "centrala-asele") == "<3"
    assert count("feedback", "category", "narkotika-alkohol") == "0"


def test_csv_neutralises_formulas(kb: KnowledgeBase) -> None:
    odd = [act("trygghetsvandring", None, None, dt.date(2021, 5, 5), **{"=cmd()": 1})]
    text = build_report(kb, START, END, odd, [], [], "csv", "sv", TODAY)
    assert "'=cmd()=1" in text


# ------------------------------------------------------------------ every format


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_no_feedback_text_or_note(kb: KnowledgeBase, fmt: Fmt, lang: Literal["sv", "en"]
                                  ) -> None:
    text = report(kb, fmt, lang)
    assert SECRET not in text and "Storgatan" not in text
    assert "alert('note')" not in html.unescape(text)
    assert "999" not in text  # the activity outside the period


def test_bad_arguments(kb: KnowledgeBase) -> None:
    with pytest.raises(ValueError, match="before it starts"):
        build_report(kb, END, START, [], [], [], "md", "sv", TODAY)
    with pytest.raises(ValueError, match="format"):
        build_report(kb, START, END, [], [], [], "pdf", "sv", TODAY)  # type: ignore[arg-type]


def generated(kb: KnowledgeBase, n: int, seed: int = 3) -> list[Activity]:
    """n activities over the shipped types, places and the two years, with counts."""
    rng = random.Random(seed)
    places: list[str | None] = [p.name for p in kb.data.places] + [None]
    days = (END - START).days + 1
    out = []
    for i in range(n):
        kind, place = rng.choice(kb.data.activities), rng.choice(places)
        day = START + dt.timedelta(days=rng.randrange(days))
        served = kb.serves(kind.id, day, place)
        out.append(act(kind.id, served[1].id if served else None, place, day,
                       f"anteckning {i}", fordon=rng.randint(0, 50),
                       deltagare=rng.randint(1, 30)))
    return out


@pytest.mark.parametrize("fmt", FORMATS)
def test_ten_thousand_activities_are_fast(kb: KnowledgeBase, fmt: Fmt) -> None:
    activities = generated(kb, 10_000)
    t0 = time.perf_counter()
    text = build_report(kb, START, END, activities, REQUESTS * 40, FEEDBACK * 60, fmt,
                        "sv", TODAY)
    assert time.perf_counter() - t0 < 2.0
    assert "anteckning" not in text


# ------------------------------------------------------------------ Chromium

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WINDOW = (1200, 2000)


def chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it "
                    "(apt-get install chromium), or install it yourself")
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp / 'profile'}", *args],
        capture_output=True, text=True, timeout=120, check=False)


def png_facts(data: bytes) -> tuple[int, int, int]:
    """(width, height, number of distinct bytes in the filtered image data).

    A blank page filters to a handful of byte values whatever the PNG filter; a drawn page
    to nearly all 256. Reading the filtered bytes needs only zlib, no image library."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, width, height, idat = 8, 0, 0, bytearray()
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", chunk[:8])
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    return width, height, len(set(zlib.decompress(bytes(idat))))


def screenshot(tmp: Path, page: Path, name: str) -> bytes:
    png = tmp / name
    done = chromium(tmp, f"--screenshot={png}", f"--window-size={WINDOW[0]},{WINDOW[1]}",
                    page.as_uri())
    assert png.exists(), f"Chromium wrote no screenshot: {done.stderr[-2000:]}"
    return png.read_bytes()


def test_chromium_draws_the_report(kb: KnowledgeBase, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(build_report(kb, START, END, generated(kb, 2_000), REQUESTS, FEEDBACK,
                                 "html", "sv", TODAY), "utf-8")
    blank = tmp_path / "blank.html"
    blank.write_text("<!doctype html><meta charset='utf-8'><title>blank</title>", "utf-8")

    drawn = screenshot(tmp_path, page, "report.png")
    width, height, distinct = png_facts(drawn)
    assert (width, height) == WINDOW
    assert distinct > 64, f"the screenshot looks blank ({distinct} distinct bytes)"
    empty = screenshot(tmp_path, blank, "blank.png")
    assert len(drawn) > 5 * len(empty), (len(drawn), len(empty))

    dom = chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    charts = re.findall(r"<svg\b[^>]*\bclass=\"chart\"[^>]*>(.*?)</svg>", dom, re.S)
    assert len(charts) == 5, dom[:2000]
    assert all("<rect" in chart for chart in charts)
    assert "Uppföljning av medborgarlöftet – Åsele kommun" in dom
