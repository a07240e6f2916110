"""Tests for the safety check: acute danger (112), crime reports, and things that are neither."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.messages import IncomingMessage, Outcome
from bot.core.turn import Turn
from bot.features.safety import SafetyAlert, SafetyCheck, detect, render
from tests.safety_cases import EMERGENCIES, NOTHING, REPORTS


@pytest.mark.parametrize("text", EMERGENCIES)
def test_emergency(text: str) -> None:
    # 112 on the reply's first line: the emergency reply, or the unsure line where the
    # classifier doubts what a pattern saw.
    alert = detect(text)
    assert alert is not None and (alert.kind in ("emergency", "unsure") or alert.doubt), alert


def test_most_emergencies_get_the_emergency_reply() -> None:
    full = [text for text in EMERGENCIES if (alert := detect(text)) and alert.kind == "emergency"]
    assert len(full) >= 0.8 * len(EMERGENCIES), set(EMERGENCIES) - set(full)


@pytest.mark.parametrize("text", REPORTS)
def test_report(text: str) -> None:
    alert = detect(text)
    assert alert is not None and alert.kind == "report", alert
    assert "crime_report" in alert.reasons


def test_everyday_messages_rarely_get_112_or_the_report_channels() -> None:
    """The rules alone were tuned to get all of these right; the classifier, which reads
    new phrasings far better, is allowed a few look-alikes ("mobilen ligger på golvet")."""
    alerts = {text: detect(text) for text in NOTHING}
    kinds = [alert.kind if alert else None for alert in alerts.values()]
    assert kinds.count("emergency") <= 0.05 * len(NOTHING), alerts
    assert kinds.count("report") <= 0.05 * len(NOTHING), alerts
    assert kinds.count("unsure") <= 0.2 * len(NOTHING), alerts
    assert kinds.count(None) >= 0.75 * len(NOTHING)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Min sambo hotar mig med kniv, jag har låst in mig på toan", {"domestic", "weapon"}),
        ("my husband is threatening to kill me", {"domestic", "threat"}),
        ("min man slår mig", {"domestic", "violence"}),
        ("jag vill inte leva längre", {"suicide"}),
        ("I want to kill myself", {"suicide"}),
        ("mamma slår min lillebror", {"child", "violence"}),
        ("my daughter wants to kill herself", {"child", "suicide"}),
        ("det brinner i huset", {"fire"}),
        ("my house is on fire", {"fire"}),
        ("Det är nån som slår sönder dörren hos grannen NU", {"break_in"}),
        ("han som körde full körde precis i diket, bilen ligger på taket", {"accident"}),
        ("han är medvetslös", {"medical"}),
        ("min sambo slog mig igår, hur anmäler jag", {"crime_report", "domestic"}),
    ],
)
def test_reasons(text: str, expected: set[str]) -> None:
    alert = detect(text)
    assert alert is not None
    assert expected <= alert.reasons, alert.reasons


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("min pappa andas inte", {"domestic", "child"}),  # medical: no Kvinnofridslinjen
        ("det brinner i huset", {"suicide", "domestic", "child"}),
        ("han har en kniv", {"domestic"}),
    ],
)
def test_no_extra_reasons(text: str, absent: set[str]) -> None:
    alert = detect(text)
    assert alert is not None and not (absent & alert.reasons), alert.reasons


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("text", EMERGENCIES)
def test_emergency_first_line_is_112(text: str, lang: str) -> None:
    alert = detect(text)
    assert alert is not None
    body = render(alert, lang)  # type: ignore[arg-type]
    assert "112" in body.splitlines()[0]


def test_emergency_texts() -> None:
    suicide = render(SafetyAlert("emergency", frozenset({"suicide"})), "sv")
    assert "90101" in suicide and "1177" in suicide
    assert "020-50 50 50" not in suicide and "116 111" not in suicide
    domestic = render(SafetyAlert("emergency", frozenset({"threat", "domestic"})), "sv")
    assert "020-50 50 50" in domestic and "90101" not in domestic
    child = render(SafetyAlert("emergency", frozenset({"violence", "child"})), "sv")
    assert "116 111" in child
    fire = render(SafetyAlert("emergency", frozenset({"fire"})), "sv")
    assert fire.splitlines()[0].startswith("**Ring 112 nu**")
    assert "90101" not in fire and "020-50 50 50" not in fire and "116 111" not in fire
    assert "inte larma" in fire
    assert len([line for line in fire.splitlines() if line]) == 2  # short: nothing in the way


def test_rendered_from_detection() -> None:
    suicide = detect("jag vill inte leva längre")
    domestic = detect("Min sambo hotar mig med kniv, jag har låst in mig på toan")
    assert suicide is not None and domestic is not None
    assert "90101" in render(suicide, "sv")
    assert "020-50 50 50" in render(domestic, "sv")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_report_text(lang: str) -> None:
    alert = detect("jag blev misshandlad igår, hur anmäler jag?")
    assert alert is not None
    body = render(alert, lang)  # type: ignore[arg-type]
    assert "114 14" in body and "polisen.se" in body and "https://polisen.se/" in body
    assert "112" in body
    not_report = "ingen polisanmälan" if lang == "sv" else "not a police report"
    assert not_report in body


def test_report_domestic_adds_kvinnofridslinjen() -> None:
    alert = detect("min sambo slog mig igår, hur anmäler jag")
    assert alert is not None and alert.kind == "report"
    assert "020-50 50 50" in render(alert, "sv")


def test_english_rendering_is_english() -> None:
    emergency = render(SafetyAlert("emergency", frozenset({"suicide", "domestic", "child"})), "en")
    assert emergency.splitlines()[0].startswith("**Call 112 now**")
    assert "90101" in emergency and "020-50 50 50" in emergency and "116 111" in emergency
    assert "cannot alert" in emergency and "Ring" not in emergency and "inte" not in emergency
    report = render(SafetyAlert("report", frozenset({"crime_report"})), "en")
    assert "not a police report" in report and "Den här" not in report
    sv = render(SafetyAlert("emergency", frozenset({"fire"})), "sv")
    assert "Ring 112" in sv and "Call" not in sv


def test_alert_is_immutable() -> None:
    alert = SafetyAlert("emergency", frozenset({"fire"}))
    with pytest.raises(AttributeError):
        alert.kind = "report"  # type: ignore[misc]


def _turn(text: str, *, direct: bool = True, lang: str = "sv") -> Turn:
    # A sender of its own per message: after an emergency, that conversation is in a crisis.
    msg = IncomingMessage("console", "room", f"@{text}", text, is_direct=direct)
    return Turn(msg=msg, text=text, lang=lang, now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))  # type: ignore[arg-type]


async def test_pipeline_step() -> None:
    check = SafetyCheck()
    reply = await check(_turn("hjälp han slår mig med en kniv nu", direct=False))
    assert reply is not None and reply.outcome is Outcome.EMERGENCY
    assert "112" in reply.text.splitlines()[0]
    # A report hint is not pushed into group talk that was not meant for the bot.
    assert await check(_turn("någon har stulit min cykel", direct=False)) is None
    reply = await check(_turn("someone stole my bike", lang="en"))
    assert reply is not None and reply.outcome is Outcome.REPORT and reply.lang == "en"
    assert "not a police report" in reply.text
    assert await check(_turn("vad har ni lovat för 2021-2022")) is None


# School and youth staff writing about information sessions (issue 13): fresh messages,
# not in the corpus, that once got 112 or the report reply. Drug and knife words and a
# pupil who feels bad are the topic of a talk here, not a danger.
STAFF_EVERYDAY = [
    "hej, jag är mentor i 8B och undrar om ni fått vår förfrågan om en föreläsning om cannabis?",
    "vi hade bokat er till föräldramötet 14/2 men rektorn vill flytta det en vecka, går det?",
    "hur lång tid brukar det ta innan man får besked om ett skolbesök",
    "kuratorn här. vi vill att ni pratar med nian om nätmobbning och hot på snap, när kan ni?",
    "Hi, teacher at Åsele skola here. Did anyone get our request for a talk about vaping?",
    "ar det bestamt vilken dag ni kommer till mellanstadiet? foraldrarna fragar",
    "kan ni prata om knivar och våld för högstadiet? det har varit mycket snack om det",
    "hallå, fritidsledare här. när kommer ni och snackar med kidsen om alkohol?",
    "vi har elever som mår dåligt och pratar mycket om droger, finns det nåt material?",
    "ni skulle höra av er om en tid i april men jag har inte sett nåt mejl, kan ni kolla?",
    "Is the drug awareness evening for parents still on for Thursday?",
    "behöver avboka besöket på tisdag, halva klassen är på lägerskola",
    "har ni fått in min beställning eller ska jag skicka den igen",
    "I signed us up for the online safety session two weeks ago and haven't heard anything",
    "har nån kollat på min bokning?",  # these three got the report reply before
    "har någon svarat på min beställning?",
    "skickade en bokning förra månaden om polisbesök på fritidsgården, har ingen hört av sig",
]
STAFF_EMERGENCIES = [
    "en elev har precis svimmat i matsalen och andas konstigt, vad gör vi",
    "det är två killar som slåss i korridoren nu, den ena har en kniv",
    "en elev i min klass skrev nyss att hon ska ta livet av sig efter skolan idag",
    "a pupil just collapsed in the gym and isn't responding",
]


@pytest.mark.parametrize("text", STAFF_EVERYDAY)
def test_staff_writing_about_sessions_gets_no_alert(text: str) -> None:
    assert detect(text) is None


@pytest.mark.parametrize("text", STAFF_EMERGENCIES)
def test_staff_emergencies_get_112(text: str) -> None:
    # School words must not make an emergency look safe.
    alert = detect(text)
    assert alert is not None and alert.kind == "emergency", alert
