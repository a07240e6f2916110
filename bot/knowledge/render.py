"""Fill an answer's placeholders with time-aware text about periods, promises and contacts.

Whether a promise is current or ended depends on the day the question is asked, so the
knowledge base never says "current" in static text: `{promises}`, `{promise[ID]}` and
`{agreement}` are rendered here against the injected clock's date.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import TYPE_CHECKING, Any

from bot.knowledge.schema import Lang, Period, Promise

if TYPE_CHECKING:
    from bot.knowledge.base import KnowledgeBase

_MONTHS = {
    "sv": ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
           "september", "oktober", "november", "december"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
}
_WHO = {"sv": {"polis": "polisen", "kommun": "kommunen"},
        "en": {"polis": "the police", "kommun": "the municipality"}}


class Status(Enum):
    CURRENT = "current"
    ENDED = "ended"
    UPCOMING = "upcoming"


def day(d: dt.date, lang: Lang) -> str:
    return f"{d.day} {_MONTHS[lang][d.month - 1]} {d.year}"


def status(period: Period, today: dt.date) -> Status:
    if today < period.start:
        return Status.UPCOMING
    return Status.ENDED if today > period.end else Status.CURRENT


def responsible(promise: Promise, lang: Lang) -> str:
    names = [_WHO[lang][r] for r in promise.responsible]
    joined = f" {'och' if lang == 'sv' else 'and'} ".join(names)
    return f"_({'ansvar' if lang == 'sv' else 'responsible'}: {joined})_"


class Renderer:
    """Renders answers for one knowledge base; `today` comes from the injected clock."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def period_heading(self, period: Period, today: dt.date, lang: Lang,
                       short: bool = False) -> str:
        """"**Medborgarlöfte 2021–2022** (gäller nu, …)"; `short` leaves out the pointer
        to newer promises, for a single promise inside an answer."""
        sv = lang == "sv"
        name = f"{'Medborgarlöfte' if sv else 'Citizen promise'} {period.label}"
        state = status(period, today)
        if state is Status.CURRENT:
            note = (f"gäller nu, till och med {day(period.end, lang)}" if sv
                    else f"in force now, until {day(period.end, lang)}")
        elif state is Status.UPCOMING:
            note = (f"börjar gälla {day(period.start, lang)}" if sv
                    else f"starts on {day(period.start, lang)}")
        elif period is self.kb.latest_period(today):
            site = self.kb.data.municipality.website
            name = (f"Det senaste medborgarlöftet, {period.label}" if sv
                    else f"The latest citizen promise, {period.label}")
            note = (f"perioden slutade {day(period.end, lang)}" if sv
                    else f"the period ended on {day(period.end, lang)}")
            if not short:
                note += (f"; nyare löften kan finnas på {site}" if sv
                         else f"; newer promises may be published at {site}")
        else:
            note = (f"en tidigare period, avslutad {day(period.end, lang)}" if sv
                    else f"an earlier period, ended on {day(period.end, lang)}")
        return f"**{name}** ({note})"

    def promises(self, period: Period, today: dt.date, lang: Lang) -> str:
        lines = [self.period_heading(period, today, lang) + ":"]
        for promise in period.promises:
            lines.append(f"- {promise.text.get(lang)} {responsible(promise, lang)}")
        if not period.promises:
            lines.append(period.note.get(lang) if period.note else (
                "Löftets text finns i dokumentet." if lang == "sv"
                else "The text of the promise is in the document."))
            if period.document:
                lines.append(f"[{'Dokumentet' if lang == 'sv' else 'The document'}]"
                             f"({period.document})")
        return "\n".join(lines)

    def promise(self, promise_id: str, today: dt.date, lang: Lang) -> str:
        period, promise = self.kb.promise_index[promise_id]
        return (f"{self.period_heading(period, today, lang, short=True)}: "
                f"{promise.text.get(lang)} "
                f"{responsible(promise, lang)}")

    def agreement(self, today: dt.date, lang: Lang) -> str:
        ag = self.kb.data.agreement
        if ag is None:
            return ""
        sv = lang == "sv"
        name, start, end = ag.name.get(lang), day(ag.start, lang), day(ag.end, lang)
        if today < ag.start:
            text = (f"{name} börjar gälla {start} och gäller till och med {end}." if sv
                    else f"The {name} starts on {start} and runs until {end}.")
        elif today <= ag.end:
            text = (f"{name} gäller från {start} till och med {end}." if sv
                    else f"The {name} runs from {start} until {end}.")
        else:
            text = (f"{name} gällde från {start} till och med {end}." if sv
                    else f"The {name} ran from {start} until {end}.")
        if ag.prolonged_until_further_notice:
            if today <= ag.end:
                text += (" Om ingen ny överenskommelse tecknas förlängs den tills vidare." if sv
                         else " If no new agreement is signed, it is prolonged until further "
                         "notice (tills vidare).")
            else:
                text += (" Enligt överenskommelsen förlängs den tills vidare när ingen ny har "
                         "tecknats, så den gäller tills vidare tills en ny ersätter den." if sv
                         else " By its own terms it is prolonged until further notice "
                         "(tills vidare) when no new agreement has been signed, so it stays "
                         "in force until a new one replaces it.")
        return text

    def periods(self, today: dt.date, lang: Lang) -> str:
        lines = []
        for period in self.kb.periods:
            line = "- " + self.period_heading(period, today, lang)
            if period.document:
                line += f" – [{'dokument' if lang == 'sv' else 'document'}]({period.document})"
            lines.append(line)
        return "\n".join(lines)

    def documents(self, lang: Lang) -> str:
        return "\n".join(f"- [{d.title.get(lang)}]({d.url})" for d in self.kb.data.documents)

    def contact(self, contact_id: str, lang: Lang) -> str:
        c = self.kb.contact_index[contact_id]
        parts = [p for p in (c.name, c.phone, c.email) if p]
        if c.url:
            parts.append(c.url)
        line = f"**{c.role.get(lang)}**"
        if parts:
            line += ": " + " · ".join(parts)
        if c.description:
            line += f" – {c.description.get(lang)}"
        return line

    def contacts(self, lang: Lang) -> str:
        return "\n".join(f"- {self.contact(c.id, lang)}" for c in self.kb.data.contacts)

    def fill(self, text: str, today: dt.date, lang: Lang, focus: Period | None) -> str:
        """Fill the placeholders of an answer text (validated when the base was loaded)."""
        if "{" not in text:
            return text
        period = focus or self.kb.focus_period(today)
        values: dict[str, Any] = {
            "promises": _Lazy(lambda: self.promises(period, today, lang)),
            "agreement": _Lazy(lambda: self.agreement(today, lang)),
            "periods": _Lazy(lambda: self.periods(today, lang)),
            "documents": _Lazy(lambda: self.documents(lang)),
            "contacts": _Lazy(lambda: self.contacts(lang)),
            "municipality": self.kb.data.municipality.name.get(lang),
            "promise": _Index(lambda key: self.promise(key, today, lang)),
            "contact": _Index(lambda key: self.contact(key, lang)),
        }
        return text.format_map(values)


class _Lazy:
    """A placeholder value computed only when the answer uses it."""

    def __init__(self, make: Any) -> None:
        self._make = make

    def __format__(self, spec: str) -> str:
        return str(self._make())


class _Index:
    def __init__(self, make: Any) -> None:
        self._make = make

    def __getitem__(self, key: str) -> str:
        return str(self._make(key))
