"""Fill an answer's placeholders with time-aware text about periods, promises and contacts.

Whether a promise is current or ended depends on the day the question is asked, so the
knowledge base never says "current" in static text: `{promises}`, `{promise[ID]}`,
`{promises_about[THEME]}`, `{period}`, `{earlier}`, `{periods}` and `{agreement}` are
rendered here against the injected clock's date. The framing words are in the text catalogues
(`kb_*` keys).
"""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum
from typing import Any, Protocol
from urllib.parse import urlsplit

from bot.core.texts import t
from bot.knowledge.schema import Contact, KnowledgeFile, Lang, Period, Promise, Theme

# The catalogue keys of the month names and of who is responsible, written out in full.
MONTHS = ("month_1", "month_2", "month_3", "month_4", "month_5", "month_6", "month_7",
          "month_8", "month_9", "month_10", "month_11", "month_12")
WHO = {"polis": "kb_who_polis", "kommun": "kb_who_kommun"}
YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_BLANK_LINES = re.compile(r"\n{3,}")
YEARS_NAMED = 4  # a question naming many years gets one line, not one a year


class Status(Enum):
    CURRENT = "current"
    ENDED = "ended"
    UPCOMING = "upcoming"


def day(d: dt.date, lang: Lang) -> str:
    return f"{d.day} {t(MONTHS[d.month - 1], lang)} {d.year}"


def status(period: Period, today: dt.date) -> Status:
    if today < period.start:
        return Status.UPCOMING
    return Status.ENDED if today > period.end else Status.CURRENT


def responsible(promise: Promise, lang: Lang) -> str:
    names = [t(WHO[r], lang) for r in promise.responsible]
    joined = f" {t('kb_and', lang)} ".join(names)
    return f"_({t('kb_responsible', lang)}: {joined})_"


def host(url: str) -> str:
    """"polisen.se" for a link's text: where it leads, short enough for a chat bubble."""
    name = urlsplit(url).hostname or url
    return name.removeprefix("www.")


class Source(Protocol):
    """What the renderer reads of a knowledge base (`KnowledgeBase` is one). A protocol, so
    that the base can build its renderer without this module importing it back."""

    data: KnowledgeFile
    periods: list[Period]
    themes: dict[str, Theme]
    promise_index: dict[str, tuple[Period, Promise]]
    contact_index: dict[str, Contact]

    def latest_period(self, today: dt.date) -> Period | None: ...

    def current_period(self, today: dt.date) -> Period | None: ...

    def focus_period(self, today: dt.date, text: str = "") -> Period: ...


class Renderer:
    """Renders answers for one knowledge base; `today` comes from the injected clock."""

    def __init__(self, kb: Source) -> None:
        self.kb = kb

    # ------------------------------------------------------------------ periods

    def period_heading(self, period: Period, today: dt.date, lang: Lang,
                       short: bool = False) -> str:
        """"**Medborgarlöfte 2021–2022** (gäller nu, …)"; `short` leaves out the pointer
        to newer promises, for a single promise inside an answer."""
        name = t("kb_promise_name", lang, label=period.label)
        state = status(period, today)
        if state is Status.CURRENT:
            note = t("kb_current", lang, end=day(period.end, lang))
        elif state is Status.UPCOMING:
            note = t("kb_upcoming", lang, start=day(period.start, lang))
        elif period is self.kb.latest_period(today) and self.kb.current_period(today) is None:
            name = t("kb_latest_name", lang, label=period.label)
            note = t("kb_latest_ended", lang, end=day(period.end, lang))
            if not short:
                note += t("kb_newer_maybe", lang, site=self.kb.data.municipality.website)
        else:
            note = t("kb_earlier", lang, end=day(period.end, lang))
        return f"**{name}** ({note})"

    def state(self, period: Period, today: dt.date, lang: Lang) -> str:
        """"gäller nu, till och med …" / "avslutad …" / "börjar gälla …", no name."""
        state = status(period, today)
        if state is Status.CURRENT:
            return t("kb_current", lang, end=day(period.end, lang))
        if state is Status.UPCOMING:
            return t("kb_upcoming", lang, start=day(period.start, lang))
        return t("kb_ended_short", lang, end=day(period.end, lang))

    def sources(self, period: Period, lang: Lang) -> str:
        links = period.links
        if not links:
            return ""
        key = "kb_source" if len(links) == 1 else "kb_sources"
        return f"_{t(key, lang)}:_ " + ", ".join(f"[{host(u)}]({u})" for u in links)

    def promises(self, period: Period, today: dt.date, lang: Lang) -> str:
        lines = [self.period_heading(period, today, lang) + ":"]
        for promise in period.promises:
            lines.append(f"- {promise.text.get(lang)} {responsible(promise, lang)}")
        if not period.promises:
            lines.append(period.note.get(lang) if period.note
                         else t("kb_text_in_document", lang))
        if source := self.sources(period, lang):
            lines.append(source)
        return "\n".join(lines)

    def promise(self, promise_id: str, today: dt.date, lang: Lang) -> str:
        period, promise = self.kb.promise_index[promise_id]
        return (f"{self.period_heading(period, today, lang, short=True)}: "
                f"{promise.text.get(lang)} "
                f"{responsible(promise, lang)}")

    def about(self, theme_id: str, today: dt.date, lang: Lang, focus: Period | None) -> str:
        """The promises on a theme: those in force today in full, or a plain statement that
        none of today's promises is about it; then the next period's, if it is about it;
        then the ended ones, short (in full for a period the question named), newest first."""
        label = self.kb.themes[theme_id].label.get(lang)
        themed = [(period, [p for p in period.promises if theme_id in p.themes])
                  for period in self.kb.periods]
        themed = [(period, promises) for period, promises in themed if promises]
        if not themed:
            return t("kb_about_never", lang, theme=label)
        lines: list[str] = []
        current = self.kb.current_period(today)
        now = [(p, ps) for p, ps in themed if p is current]
        if now:
            lines += self._full(now[0][0], now[0][1], today, lang)
        elif current is not None and not current.promises:  # in force, text not published
            key = "kb_about_unknown_current" if current.links else "kb_about_no_source_current"
            lines.append(t(key, lang, label=current.label, theme=label))
        elif current is not None:
            lines.append(t("kb_about_none_current", lang, label=current.label, theme=label))
        else:
            lines.append(t("kb_about_no_period", lang, theme=label))
        upcoming = [p for p in self.kb.periods if status(p, today) is Status.UPCOMING]
        coming = [(p, ps) for p, ps in themed if upcoming and p is upcoming[0]]
        for period, promises in coming:
            lines += ["", t("kb_about_upcoming", lang, theme=label),
                      *self._full(period, promises, today, lang)]
        ended = [(p, ps) for p, ps in themed if status(p, today) is Status.ENDED][::-1]
        if ended:
            lines += ["", t("kb_about_earlier", lang, theme=label)]
            for period, promises in ended:
                if period is focus:
                    lines += [f"- **{period.label}** ({self.state(period, today, lang)}):",
                              *(f"  - {p.text.get(lang)} {responsible(p, lang)}"
                                for p in promises)]
                else:
                    lines.append(f"- **{period.label}** ({self.state(period, today, lang)}): "
                                 + "; ".join(p.short(lang) for p in promises))
        return "\n".join(lines)

    def _full(self, period: Period, promises: list[Promise], today: dt.date,
              lang: Lang) -> list[str]:
        return [self.period_heading(period, today, lang, short=True) + ":",
                *(f"- {p.text.get(lang)} {responsible(p, lang)}" for p in promises)]

    def earlier(self, today: dt.date, lang: Lang, focus: Period | None) -> str:
        """The periods that have started, other than the one the answer is about, newest
        first, each as the short titles of its promises: where today's promise came from,
        or, when the answer is about an earlier period, which one is in force now."""
        others = [p for p in self.kb.periods[::-1]
                  if status(p, today) is not Status.UPCOMING and p is not focus]
        if not others:
            return ""
        now = any(status(p, today) is Status.CURRENT for p in others)
        lines = [t("kb_other_head" if now else "kb_earlier_head", lang)]
        lines += [f"- **{period.label}** ({self.state(period, today, lang)}): "
                  f"{self.titles(period, lang)}" for period in others]
        return "\n".join(lines)

    @staticmethod
    def titles(period: Period, lang: Lang) -> str:
        """What a period promised, in short: its promises' titles."""
        if not period.promises:  # a signed document only, or no source at all
            return t("kb_points_in_document" if period.links else "kb_points_unknown", lang)
        return "; ".join(p.short(lang) for p in period.promises)

    def periods(self, today: dt.date, lang: Lang) -> str:
        lines = []
        for period in self.kb.periods[::-1]:
            line = f"- {self.period_heading(period, today, lang)}: {self.titles(period, lang)}"
            if source := self.sources(period, lang):
                line += " – " + source
            lines.append(line)
        return "\n".join(lines)

    def missing_years(self, asked: str, lang: Lang) -> str:
        """A line for each year the question names that no period covers ("vad gällde
        2018?"), so that the answer does not pass another period off as that year's."""
        years = sorted({int(y) for y in YEAR.findall(asked)})
        missing = [str(y) for y in years
                   if not any(p.start.year <= y <= p.end.year for p in self.kb.periods)]
        if not missing:
            return ""
        named = ", ".join(missing[:YEARS_NAMED]) + (" …" if len(missing) > YEARS_NAMED else "")
        return t("kb_no_period_for_year", lang, year=named,
                 name=self.kb.data.municipality.name.get(lang))

    # ------------------------------------------------------------------ the agreement

    def agreement(self, today: dt.date, lang: Lang) -> str:
        ag = self.kb.data.agreement
        if ag is None:  # none whose dates a source gives: said, not left out
            return t("kb_ag_unknown", lang, municipality=self.kb.data.municipality.name.get(lang))
        values = {"name": ag.name.get(lang), "start": day(ag.start, lang),
                  "end": day(ag.end, lang)}
        if today < ag.start:
            text = t("kb_ag_upcoming", lang, **values)
        elif today <= ag.end:
            text = t("kb_ag_current", lang, **values)
        else:
            text = t("kb_ag_ended", lang, **values)
        if ag.prolonged_until_further_notice:
            text += t("kb_ag_prolong_if" if today <= ag.end else "kb_ag_prolonged", lang)
        return text

    # ------------------------------------------------------------------ documents, contacts

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

    # ------------------------------------------------------------------ filling an answer

    def fill(self, text: str, today: dt.date, lang: Lang, focus: Period | None,
             asked: str = "") -> str:
        """Fill the placeholders of an answer text (validated when the base was loaded);
        `asked` is the question, for the years it names."""
        if "{" not in text:
            return text
        period = focus or self.kb.focus_period(today)

        def promises() -> str:
            missing = self.missing_years(asked, lang) if asked else ""
            return "\n\n".join(p for p in (missing, self.promises(period, today, lang)) if p)

        values: dict[str, Any] = {
            "promises": _Lazy(promises),
            "period": _Lazy(lambda: self.period_heading(period, today, lang)),
            "earlier": _Lazy(lambda: self.earlier(today, lang, period)),
            "agreement": _Lazy(lambda: self.agreement(today, lang)),
            "periods": _Lazy(lambda: self.periods(today, lang)),
            "documents": _Lazy(lambda: self.documents(lang)),
            "contacts": _Lazy(lambda: self.contacts(lang)),
            "municipality": self.kb.data.municipality.name.get(lang),
            "kommun": self.kb.short_name,
            "police_area": self.kb.data.municipality.police_area or "",
            "promise": _Index(lambda key: self.promise(key, today, lang)),
            "promises_about": _Index(lambda key: self.about(key, today, lang, period)),
            "contact": _Index(lambda key: self.contact(key, lang)),
            "phone": _Index(lambda key: self.kb.contact_index[key].phone or ""),
            "site": host(self.kb.data.municipality.website),
        }
        # A placeholder with nothing to say (no earlier periods yet) leaves no gap.
        return _BLANK_LINES.sub("\n\n", text.format_map(values)).strip()


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
