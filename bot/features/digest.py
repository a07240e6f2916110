"""The public digest "vad polis och kommun har gjort": one municipality's month in a few
lines of Markdown, made from the authorities' own records (issue 16).

`draft` is pure: the caller fetches the records and gives the month; records outside it
are skipped all the same. What the text shows:

- the activities, grouped by the promise each serves (`KnowledgeBase.serves`, as the
  follow-up report groups them), each promise with its period ("löfte för 2025–2027");
  per activity type its count and the places named with theirs ("Trafikkontroll: 4 –
  Fredrika 2, Åsele 1, Gafsele 1"); work that serves no promise under "Annat arbete";
- how many information sessions were held: the activities of the session type (a request
  marked done with /genomförd is logged as one, so done requests are not counted again);
- residents' feedback: how many entries, and the categories they were mostly about, with
  small cells suppressed (bot.privacy.small_cells): categories only, never a text, never
  an area.

What it never shows: activity notes and authors (staff's own words may name people), the
places of work with people (an activity type with `public_place: false`: talks with young
people, violence prevention), feedback texts, feedback areas. A month with nothing
logged says so, honestly.

`place_counts` is what a resident asking "vad har polisen gjort i Fredrika?" gets: the
number of each activity type logged at one place, counts only.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence

from bot.core.texts import t
from bot.features.report import OTHER, md_text, ranked
from bot.features.sessions import SESSION_KIND
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.render import MONTHS
from bot.privacy.small_cells import is_suppressed, protect
from bot.store.records import Activity, Feedback
from bot.text.lang import Lang

LANGS: tuple[Lang, ...] = ("sv", "en")  # a digest is stored with a text in each
MOST_CATEGORIES = 3  # "mostly about" names at most this many categories


def month_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and the last day of `day`'s month."""
    start = day.replace(day=1)
    return start, day.replace(day=calendar.monthrange(day.year, day.month)[1])


def last_month(today: dt.date) -> tuple[dt.date, dt.date]:
    return month_of(today.replace(day=1) - dt.timedelta(days=1))


def month_label(start: dt.date, end: dt.date, lang: Lang) -> str:
    """"november 2026"; a span of months as "oktober 2026 – november 2026"."""
    first = f"{t(MONTHS[start.month - 1], lang)} {start.year}"
    if (start.year, start.month) == (end.year, end.month):
        return first
    return f"{first} – {t(MONTHS[end.month - 1], lang)} {end.year}"


def _kinds(kb: KnowledgeBase, lang: Lang) -> dict[str, str]:
    return {a.id: a.label.get(lang) for a in kb.data.activities}


def _placeless(kb: KnowledgeBase) -> frozenset[str]:
    """The activity types whose places are never published (`public_place: false`)."""
    return frozenset(a.id for a in kb.data.activities if not a.public_place)


def _line(label: str, n: int, places: Counter[str], lang: Lang) -> str:
    """"Trafikkontroll: 4 – Fredrika 2, Åsele 1, Gafsele 1" (places only when one is named;
    the activities logged with no place as "utan plats")."""
    line = f"- {md_text(label)}: {n}"
    if any(places):
        named = [(place or t("dg_no_place", lang), k) for place, k in ranked(places)]
        line += " – " + ", ".join(f"{md_text(place)} {k}" for place, k in named)
    return line


def _activities(kb: KnowledgeBase, activities: Sequence[Activity], lang: Lang) -> list[str]:
    """The sections of the promises served, in the knowledge base's order, then other work."""
    by: dict[str, dict[str, Counter[str]]] = {}  # promise id (or OTHER) -> kind -> places
    for a in activities:
        found = kb.serves(a.kind, a.day, a.place, a.promise)
        key = found[1].id if found else OTHER
        by.setdefault(key, {}).setdefault(a.kind, Counter())[a.place or ""] += 1
    kinds = _kinds(kb, lang)
    out: list[str] = []
    order = [promise.id for period in kb.periods for promise in period.promises]
    for key in [*(k for k in order if k in by), *([OTHER] if OTHER in by else [])]:
        if key == OTHER:
            heading = t("dg_other", lang)
        else:
            period, promise = kb.promise_index[key]
            heading = t("dg_promise", lang, title=promise.short(lang), period=period.label)
        out += [f"### {md_text(heading)}", ""]
        rows = sorted(by[key].items(), key=lambda kv: (-kv[1].total(),
                                                       kinds.get(kv[0], kv[0])))
        hidden = _placeless(kb)
        out += [_line(kinds.get(kind, kind), places.total(),
                      Counter() if kind in hidden else places, lang)
                for kind, places in rows]
        out.append("")
    return out


def _and(items: Sequence[str], lang: Lang) -> str:
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + t("dg_and", lang) + items[-1]


def _feedback(kb: KnowledgeBase, feedback: Sequence[Feedback], month: str,
              lang: Lang) -> list[str]:
    counts: Counter[str] = Counter(f.category for f in feedback)  # never the text or area
    out = [f"### {t('dg_feedback_head', lang)}", ""]
    total = counts.total()
    if total == 0:
        return [*out, t("dg_feedback_none", lang, month=month), ""]
    choices = kb.data.feedback
    labels = {c.id: c.label.get(lang) for c in choices.categories} if choices else {}
    keys = [*labels, *sorted(k for k in counts if k not in labels)]
    # Every category is a cell, also at 0, as the report's table protects them.
    shown = protect({k: counts[k] for k in keys})
    if is_suppressed(shown.total):
        return [*out, t("dg_feedback_few", lang, month=month), ""]
    named = [labels.get(k, k).lower() for k, _ in ranked(Counter(
        {k: counts[k] for k in keys if counts[k] and not is_suppressed(shown.cells[k])}))]
    named = named[:MOST_CATEGORIES]
    if not named:
        return [*out, t("dg_feedback_plain", lang, n=shown.total), ""]
    return [*out, t("dg_feedback", lang, n=shown.total,
                    categories=md_text(_and(named, lang))), ""]


def draft(kb: KnowledgeBase, activities: Iterable[Activity], feedback: Iterable[Feedback],
          start: dt.date, end: dt.date, lang: Lang) -> str:
    """The digest of [start, end] (a month) for `kb`'s municipality, in Markdown.

    Information sessions are the activities of the session type (sessions.SESSION_KIND):
    a request marked done is logged as one, so requests are not read at all."""
    if end < start:
        raise ValueError(f"the digest's month ends ({end}) before it starts ({start})")
    done = [a for a in activities if start <= a.day <= end]
    given = [f for f in feedback if start <= f.day <= end]
    month = month_label(start, end, lang)
    out = [f"## {md_text(t('dg_title', lang, kommun=kb.short_name, month=month))}", ""]
    if done:
        sessions = sum(1 for a in done if a.kind == SESSION_KIND)
        out += [t("dg_total", lang, month=month, n=len(done), sessions=sessions), ""]
        out += _activities(kb, done, lang)
    else:
        out += [t("dg_empty", lang, month=month), ""]
    out += _feedback(kb, given, month, lang)
    out.append(f"_{t('dg_footer', lang)}_")
    return "\n".join(out).rstrip() + "\n"


def drafts(kb: KnowledgeBase, activities: Sequence[Activity], feedback: Sequence[Feedback],
           start: dt.date, end: dt.date) -> dict[str, str]:
    """The digest in every language it is stored with: lang -> Markdown."""
    return {lang: draft(kb, activities, feedback, start, end, lang)
            for lang in LANGS}


def place_counts(kb: KnowledgeBase, activities: Iterable[Activity], place: str,
                 months: Iterable[tuple[dt.date, dt.date]], lang: Lang) -> list[str]:
    """"Trafikkontroll 3", one per activity type logged at `place` within one of `months`
    (the published ones), most first: counts only, never a note, day or author."""
    spans, hidden = list(months), _placeless(kb)
    counts: Counter[str] = Counter(
        a.kind for a in activities
        if a.place == place and a.kind not in hidden and any(s <= a.day <= e for s, e in spans))
    kinds = _kinds(kb, lang)
    return [f"{md_text(kinds.get(kind, kind))} {n}" for kind, n in ranked(counts)]
