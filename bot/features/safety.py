"""Safety check that runs before everything else: acute danger (112) and crime reports.

`detect` works on `fold(text)` (lowercase, å/ä -> a, ö -> o, no punctuation), so every
pattern is written in folded form: "slår sönder" is "slar sonder", "dö" is "do", and
English "does"/"goes" lose their "e" ("oe" -> "o"); the patterns are in `safety_patterns`.
Acute signals are present-tense phrases; past tense, hearsay, hypotheticals and general
questions veto them unless the message also says that it is happening now (a vetoed crime
still gets the report channels, unless it is a hypothetical about nobody in particular).
Topic words ("inbrott", "brand") count only next to "nu"/"right now". Suicidal phrases
are never vetoed.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Literal

from bot.core.messages import Outcome, Reply
from bot.core.turn import Turn
from bot.features import safety_patterns as P
from bot.knowledge.normalize import fold

Lang = Literal["sv", "en"]


@dataclass(frozen=True, slots=True)
class SafetyAlert:
    kind: Literal["emergency", "report"]
    # From: violence, weapon, threat, domestic, break_in, fire, accident, medical, suicide,
    # child, crime_report.
    reasons: frozenset[str]




def detect(text: str) -> SafetyAlert | None:
    """An alert if `text` describes acute danger or a crime to report, else None."""
    t = fold(text)
    if not t:
        return None
    now = P.NOW.search(t) is not None
    unreal = P.UNREAL.search(t) is not None
    framed = unreal or P.PAST.search(t) is not None or P.HABIT.search(t) is not None
    hits = {r for r, rx in P.ACUTE if rx.search(t)}
    # "Nu" overrides a past or general frame for a clear signal ("vad gör polisen, han slår
    # henne NU"), but a bare topic word needs "now" and no such frame ("hur är det nu").
    reasons = set(hits) if now or not framed else set()
    if now and not framed:
        reasons.update(r for r, rx in P.NEEDS_NOW if rx.search(t))
    if P.SUICIDE.search(t):
        reasons.add("suicide")
    if P.MISSING_CHILD.search(t):
        reasons.add("child")
    reasons.update(r for r, rx in P.CRY if rx.search(t))
    if reasons:
        return SafetyAlert("emergency", frozenset(reasons | _who(t, reasons)))
    # A crime signal that is over, hypothetical or hearsay still deserves the report channels.
    # A hypothetical about anyone at all, with no writer in it, is a question: no report.
    if unreal and P.GENERIC.search(t) and not P.FIRST_PERSON.search(t):
        hits -= P.CRIME
    tip = P.TIP.search(t) is not None and P.TIP_TOPIC.search(t) is not None
    over = P.PAST_CRIME.search(t) is not None and not unreal
    seen = P.OBSERVED.search(t) is not None and not unreal
    if not (hits & P.CRIME or tip or over or seen or P.REPORT.search(t)):
        return None
    harmed = bool(hits & P.HARM) or P.HARMED.search(t) is not None
    return SafetyAlert("report", frozenset({"crime_report", *(_who(t, P.HARM) if harmed else ())}))


def _who(t: str, reasons: AbstractSet[str]) -> set[str]:
    """A partner/family member or a child in a violent situation adds their support line."""
    if not reasons & P.HARM:
        return set()
    found = {"domestic"} if P.DOMESTIC.search(t) else set()
    return found | {"child"} if P.CHILD.search(t) else found


_CALL = {
    "sv": "**Ring 112 nu** – om någon är i fara eller om det händer just nu.",
    "en": "**Call 112 now** – if anyone is in danger or if it is happening right now.",
}
_EXTRA: tuple[tuple[str, dict[str, str]], ...] = (
    ("suicide", {
        "sv": "Prata med någon: **Självmordslinjen 90101**. Råd om vård: **1177 Vårdguiden**.",
        "en": "Talk to someone: **Självmordslinjen** (suicide helpline) **90101**. "
              "Health advice: **1177 Vårdguiden**.",
    }),
    ("domestic", {
        "sv": "Våld eller hot från en partner eller närstående: **Kvinnofridslinjen "
              "020-50 50 50**, gratis och dygnet runt.",
        "en": "Violence or threats from a partner or family member: **Kvinnofridslinjen** "
              "(national helpline) **020-50 50 50**, free, around the clock.",
    }),
    ("child", {
        "sv": "Barn och unga kan ringa **Bris 116 111**.",
        "en": "Children and young people can call **Bris** (children's helpline) **116 111**.",
    }),
)
_NO_ALARM = {
    "sv": "Den här chatten kan inte larma någon eller skicka hjälp.",
    "en": "This chat cannot alert anyone or send help.",
}
_REPORT_TEXT = {
    "sv": "Den här chatten är **ingen polisanmälan** och för inte vidare tips.\n\n"
          "Anmäl eller tipsa via **114 14** eller på [polisen.se](https://polisen.se/) "
          "(sidorna ”Anmäl” och ”Tipsa polisen”).\n\n"
          "Pågår det just nu: ring **112**.",
    "en": "This chat is **not a police report** and does not pass tips on.\n\n"
          "Report a crime or give a tip via **114 14** or at [polisen.se](https://polisen.se/) "
          "(the pages ”Anmäl” (report) and ”Tipsa polisen” (tip off the police)).\n\n"
          "If it is happening right now: call **112**.",
}


def render(alert: SafetyAlert, lang: Lang) -> str:
    """The Markdown reply for `alert`: short, the most urgent line first."""
    reasons = alert.reasons
    if not reasons & (P.HARM | {"domestic"}):
        reasons -= {"child"}  # Bris is for a child at risk of harm, not one who is missing
    extras = [text[lang] for reason, text in _EXTRA if reason in reasons]
    # Blank lines: in Markdown a single newline would merge the lines into one paragraph.
    if alert.kind == "report":  # after a crime, a partner or a child still needs the line
        return "\n\n".join([_REPORT_TEXT[lang], *extras])
    return "\n\n".join([_CALL[lang], *extras, _NO_ALARM[lang]])


class SafetyCheck:
    """The first pipeline step: an alert's reply ends the message's way.

    Group messages not meant for the bot get a reply only for acute danger: a report hint
    there would be noise, a 112 line is not."""

    async def __call__(self, turn: Turn) -> Reply | None:
        alert = detect(turn.text)
        if alert is None or (alert.kind == "report" and not turn.addressed):
            return None
        outcome = Outcome.EMERGENCY if alert.kind == "emergency" else Outcome.REPORT
        return Reply(render(alert, turn.lang), outcome, turn.lang)
