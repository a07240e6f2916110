"""The follow-up report: what was done for each promise in a period, as one document.

The cooperation agreement asks kommunchef and kommunpolis to follow up the goals every two
years. `build_report` turns the staff's activity log, the information-session requests and
the anonymous feedback into Markdown, a self-contained HTML page, or CSV; with the safety
survey's results, the feedback's safety rating per area and a comparison with the
previous period after them (bot.features.report_cycle).

It is pure: the caller fetches the records. Records outside [start, end] are skipped all
the same, so a caller that fetched a little too much still gets a correct report.

What it never shows: activity notes (staff's free text may name people, e.g. after a talk
with young people) and feedback texts; feedback counts under 3 are shown as "<3", and a
count that would give one away by subtraction as "..".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from jinja2 import TemplateError, TemplateSyntaxError

from bot.core.clock import TZ
from bot.features.report_cycle import collect_cycle
from bot.features.report_cycle import csv_rows as cycle_csv_rows
from bot.features.report_cycle import render_md as cycle_md
from bot.features.report_html import render_html
from bot.features.report_labels import label_texts, responsible_label, state_label
from bot.features.report_model import Breakdown, Report, Section, num
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.render import Status, day, status
from bot.knowledge.schema import ChoiceItem, Lang, Period
from bot.privacy.small_cells import protect
from bot.store.base import Feedback
from bot.store.records import Activity, SessionRequest, Survey, SurveyAnswer

Format = Literal["md", "html", "csv"]
# Not a valid promise id (ids are [a-z0-9-]), so it can never collide with a real one.
OTHER = "(övrigt)"
# Session columns: every request, then by its current status.
SESSION_COLUMNS = ("requested", "confirmed", "declined", "done", "open")


@dataclass
class Tally:
    """The activities of one promise (or of "Övrigt"), grouped in a single pass."""

    n: int = 0
    places: Counter[str] = field(default_factory=Counter)
    units: Counter[str] = field(default_factory=Counter)
    months: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    month_units: dict[str, Counter[str]] = field(default_factory=dict)  # for the CSV


def month_keys(start: dt.date, end: dt.date) -> list[str]:
    """Every month from start's to end's, as "YYYY-MM"."""
    keys = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


def status_text(period: Period, today: dt.date, lang: Lang) -> str:
    state = status(period, today)
    when = period.start if state is Status.UPCOMING else period.end
    return state_label(state, day(when, lang), lang)


def ranked(counts: Counter[str]) -> list[tuple[str, int]]:
    # Largest first; ties by name so that the report is the same on every run.
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _tally(activities: Iterable[Activity], start: dt.date, end: dt.date,
           kb: KnowledgeBase) -> dict[str, Tally]:
    tallies: dict[str, Tally] = {}
    served: dict[tuple[str, dt.date, str | None, str | None], str] = {}
    for a in activities:
        if not start <= a.day <= end:
            continue
        # The promise of the period the activity was done in, as the knowledge base maps
        # it now: a traffic check in a period without a traffic promise is other work,
        # whatever promise was saved with the entry.
        look = (a.kind, a.day, a.place, a.promise)
        key = served.get(look)
        if key is None:
            found = kb.serves(*look)
            key = served[look] = found[1].id if found else OTHER
        t = tallies.get(key)
        if t is None:
            t = tallies[key] = Tally()
        t.n += 1
        t.places[a.place or ""] += 1
        t.kinds[a.kind] += 1
        month = f"{a.day.year:04d}-{a.day.month:02d}"
        t.months[month] += 1
        if a.counts:
            per_month = t.month_units.get(month)
            if per_month is None:
                per_month = t.month_units[month] = Counter()
            for unit, n in a.counts.items():
                t.units[unit] += n
                per_month[unit] += n
    return tallies


def _sections(kb: KnowledgeBase, start: dt.date, end: dt.date, today: dt.date, lang: Lang,
              tallies: dict[str, Tally], months: list[str]) -> list[Section]:
    tx = label_texts(lang)
    kinds = {a.id: a.label.get(lang) for a in kb.data.activities}
    sections = []

    def section(key: str, heading: str, short: str, text: str, period: Period | None,
                responsible: str) -> Section:
        t = tallies.get(key) or Tally()
        return Section(
            key=key, heading=heading, short=short, text=text,
            period_id=period.id if period else "", period_label=period.label if period else "",
            period=(f"{period.label} ({day(period.start, lang)} – {day(period.end, lang)})"
                    if period else ""),
            state=status_text(period, today, lang) if period else "",
            status=status(period, today) if period else None,
            responsible=responsible, n=t.n,
            places=[(place or tx["no_place"], n) for place, n in ranked(t.places)],
            units=ranked(t.units),
            kinds=[(kinds.get(kind, kind), n) for kind, n in ranked(t.kinds)],
            months=[(m, t.months.get(m, 0)) for m in months],
            month_units={m: ranked(c) for m, c in t.month_units.items()})

    for period in kb.periods:
        overlaps = period.start <= end and period.end >= start
        for i, promise in enumerate(period.promises, 1):
            # Only the periods the report covers: an activity counts for a promise of the
            # period it was done in, so no work is left out.
            if not overlaps and promise.id not in tallies:
                continue
            who = responsible_label(promise.responsible, lang)
            heading = tx["heading"].format(label=period.label, i=i, n=len(period.promises))
            text = promise.text.get(lang)
            sections.append(section(promise.id, heading, shorten(text), text, period, who))
    if OTHER in tallies:
        sections.append(section(OTHER, tx["other"], tx["other"], tx["other_text"], None, ""))
    return sections


def shorten(text: str, width: int = 70) -> str:
    if len(text) <= width:
        return text
    return text[:width].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def _labels(items: Sequence[ChoiceItem], lang: Lang) -> dict[str, str]:
    return {i.id: i.label.get(lang) for i in items}


def _order(labels: dict[str, str], counted: Iterable[str]) -> list[str]:
    # The knowledge base's order first (every choice, also at 0), then ids it does not know.
    return [*labels, *sorted(k for k in set(counted) if k not in labels)]


def _sessions(requests: Sequence[SessionRequest], start: dt.date, end: dt.date,
              kb: KnowledgeBase, lang: Lang) -> list[Breakdown]:
    tx = label_texts(lang)
    by: dict[str, dict[str, Counter[str]]] = {"audience": {}, "topic": {}}
    total: Counter[str] = Counter()
    for r in requests:
        if r.created_at is not None:
            # The local date: a request sent just after midnight on 1 January is January's.
            created = (r.created_at.astimezone(TZ).date() if r.created_at.tzinfo
                       else r.created_at.date())
            if not start <= created <= end:
                continue
        total[r.status] += 1
        by["audience"].setdefault(r.audience, Counter())[r.status] += 1
        by["topic"].setdefault(r.topic, Counter())[r.status] += 1
    booking = kb.data.booking
    labels = {"audience": _labels(booking.audiences, lang) if booking else {},
              "topic": _labels(booking.topics, lang) if booking else {}}

    def values(c: Counter[str]) -> list[str]:
        return [str(c.total())] + [str(c.get(s, 0)) for s in SESSION_COLUMNS[1:]]

    return [Breakdown(group, tx[group], SESSION_COLUMNS,
                      [tx[group], *(tx[c] for c in SESSION_COLUMNS)],
                      [(k, labels[group].get(k, k), values(by[group].get(k, Counter())))
                       for k in _order(labels[group], by[group])],
                      values(total))
            for group in ("audience", "topic")]


def _feedback(feedback: Sequence[Feedback], start: dt.date, end: dt.date, kb: KnowledgeBase,
              lang: Lang) -> list[Breakdown]:
    tx = label_texts(lang)
    counts: dict[str, Counter[str]] = {"category": Counter(), "area": Counter()}
    n = 0
    for f in feedback:  # only the category and area are read: never the text
        if start <= f.day <= end:
            n += 1
            counts["category"][f.category] += 1
            counts["area"][f.area] += 1
    choices = kb.data.feedback
    labels = {"category": _labels(choices.categories, lang) if choices else {},
              "area": _labels(choices.areas, lang) if choices else {}}
    tables = []
    for group in ("category", "area"):
        keys = _order(labels[group], counts[group])
        # Every choice is a row, also at 0: protect the whole table, as it is printed.
        shown = protect({k: counts[group][k] for k in keys})
        tables.append(Breakdown(group, tx[group], ("count",), [tx[group], tx["count"]],
                                [(k, labels[group].get(k, k), [shown.cells[k]])
                                 for k in keys],
                                [shown.total]))
    return tables


def collect(kb: KnowledgeBase, start: dt.date, end: dt.date,
            activities: Sequence[Activity], requests: Sequence[SessionRequest],
            feedback: Sequence[Feedback], lang: Lang, today: dt.date,
            surveys: Sequence[tuple[Survey, Sequence[SurveyAnswer]]] = ()) -> Report:
    """Everything the report shows, grouped and labelled, independent of the format.
    `activities` and `feedback` may reach back to the previous period's start (the
    comparison reads them there); `surveys`: each survey with its answers."""
    tx = label_texts(lang)
    months = month_keys(start, end)
    tallies = _tally(activities, start, end, kb)
    return Report(
        lang=lang, texts=tx,
        title=tx["title"].format(m=kb.data.municipality.name.get(lang)),
        period=f"{day(start, lang)} – {day(end, lang)}",
        made=day(today, lang),
        periods=[(p.label, status_text(p, today, lang)) for p in kb.periods
                 if p.start <= end and p.end >= start],
        sections=_sections(kb, start, end, today, lang, tallies, months),
        sessions=_sessions(requests, start, end, kb, lang),
        feedback=_feedback(feedback, start, end, kb, lang),
        cycle=collect_cycle(kb, start, end, activities, feedback, surveys, lang, today))


# ------------------------------------------------------------------ Markdown

_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#"} | {"\n": " ", "\r": " "})


def md_text(text: str) -> str:
    """Staff-typed text made inert in Markdown: no markup, no HTML, no broken table."""
    return text.translate(_MD_SPECIAL)


def _md_table(head: Sequence[str], rows: Iterable[Sequence[object]],
              align: str = "") -> list[str]:
    """A Markdown table; `align` has "l" or "r" per column (default: text, then numbers)."""
    align = align or "l" + "r" * (len(head) - 1)
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join("--:" if a == "r" else "---" for a in align) + "|"]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in rows]
    return [*lines, ""]


def render_md(rep: Report) -> str:
    tx, lang = rep.texts, rep.lang
    out = [f"# {rep.title}", "",
           f"**{tx['period']}:** {rep.period}  ", f"**{tx['made']}:** {rep.made}", ""]
    if rep.periods:
        out += [f"**{tx['periods']}:** " + "; ".join(f"{label} ({state})"
                                                     for label, state in rep.periods), ""]
    out += [f"## {tx['summary']}", ""]
    out += _md_table([tx["promise"], tx["period"], tx["activities"], tx["sums"]],
                     [(s.short, s.period_label, num(s.n, lang), md_text(s.sums("–", lang)))
                      for s in rep.sections], align="llrl")
    for s in rep.sections:
        out += [f"## {s.heading}", "", f"> {s.text}", ""]
        facts = [(tx["period"], f"{s.period}, {s.state}" if s.period else ""),
                 (tx["responsible"], s.responsible)]
        facts = [(k, v) for k, v in facts if v]
        facts += [(tx["entries"], num(s.n, lang)),
                  (tx["sums"], md_text(s.sums(tx["none"], lang)))]
        out += [f"- **{k}:** {v}" for k, v in facts] + [""]
        if s.n:
            for title, head, rows in ((tx["places"], tx["place"], s.places),
                                      (tx["kinds"], tx["kind"], s.kinds),
                                      (tx["sums"], tx["unit"], s.units)):
                if rows:
                    out += [f"### {title}", ""]
                    out += _md_table([head, tx["sum" if rows is s.units else "activities"]],
                                     [(md_text(k), num(n, lang)) for k, n in rows])
        out += [f"### {tx['months']}", ""]
        out += _md_table([tx["month"], tx["activities"]],
                         [(m, num(n, lang)) for m, n in s.months])
    for title, note, tables in ((tx["sessions"], tx["sessions_note"], rep.sessions),
                                (tx["feedback"], tx["feedback_note"], rep.feedback)):
        out += [f"## {title}", "", note, ""]
        for b in tables:
            out += _md_table(b.head, [*((md_text(label), *values) for _, label, values in b.rows),
                                      (f"**{tx['total']}**", *b.total)])
    if rep.cycle is not None:
        out += cycle_md(rep.cycle, lang, _md_table, md_text)
    return "\n".join(out).rstrip() + "\n"


# ------------------------------------------------------------------ CSV

CSV_HEAD = ("section", "promise", "period", "month", "activities", "units",
            "group", "key", "label", "status", "count")


def csv_cell(text: str) -> str:
    # A cell starting with = + - @ is a formula in a spreadsheet; a quote makes it text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def render_csv(rep: Report) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_HEAD)
    for s in rep.sections:
        for month, n in s.months:
            units = ";".join(f"{u}={v}" for u, v in s.month_units.get(month, ()))
            w.writerow(("activities", s.key, s.period_id, month, n, csv_cell(units),
                        "", "", "", "", ""))
    for section, tables in (("sessions", rep.sessions), ("feedback", rep.feedback)):
        # The total once per section (every dimension has the same), then each dimension.
        rows = [("all", "", rep.texts["total"], tables[0].columns, tables[0].total)]
        rows += [(b.group, key, label, b.columns, values)
                 for b in tables for key, label, values in b.rows]
        for group, key, label, columns, values in rows:
            for column, value in zip(columns, values, strict=True):
                w.writerow((section, "", "", "", "", "", group, csv_cell(key),
                            csv_cell(label), "" if column == "count" else column, value))
    if rep.cycle is not None:
        for row in cycle_csv_rows(rep.cycle):
            w.writerow((*row[:7], csv_cell(row[7]), csv_cell(row[8]), *row[9:]))
    return buf.getvalue()


def build_report(kb: KnowledgeBase, start: dt.date, end: dt.date,
                 activities: Sequence[Activity], requests: Sequence[SessionRequest],
                 feedback: Sequence[Feedback], fmt: Format, lang: Lang, today: dt.date, *,
                 template_dir: Path | None = None,
                 surveys: Sequence[tuple[Survey, Sequence[SurveyAnswer]]] = ()) -> str:
    """The follow-up report for [start, end] as Markdown, HTML or CSV (see the module).

    `today` is the injected clock's date (a period's state is told as of it);
    `template_dir` may hold a municipality's own HTML page (see report_html); `surveys`
    and the records before `start` feed the cycle's sections (report_cycle)."""
    if end < start:
        raise ValueError(f"the report period ends ({end}) before it starts ({start})")
    if fmt not in ("md", "html", "csv"):
        raise ValueError(f"unknown report format {fmt!r}; use md, html or csv")
    rep = collect(kb, start, end, activities, requests, feedback, lang, today, surveys)
    if fmt == "md":
        return render_md(rep)
    if fmt == "csv":
        return render_csv(rep)
    return render_html(rep, template_dir)


def page_problems(kb: KnowledgeBase, template_dir: Path | None, today: dt.date) -> list[str]:
    """What is wrong with a municipality's own report page (`check`): the page is rendered
    once, empty, so that a typo in it fails there and not when a report is asked for."""
    if template_dir is None:
        return []
    try:
        build_report(kb, today, today, [], [], [], "html", "sv", today,
                     template_dir=template_dir)
    except TemplateError as exc:
        where = (f"{exc.filename}:{exc.lineno}" if isinstance(exc, TemplateSyntaxError)
                 else str(template_dir))
        return [f"{where}: {exc.message or type(exc).__name__}"]
    return []
