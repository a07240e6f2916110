"""The follow-up report's parts from the medborgarlöfte's cycle: the safety survey's results,
the average safety rating of the feedback per area, and a comparison with the previous
period (the same length, right before the report's start).

Pure, as bot.features.report: the caller passes the records (activities and feedback from
the previous period's start on, the surveys with their answers) and everything outside a
window is skipped.

Privacy, as the rest of the report: the ratings of an area with fewer than 3 of them are
never averaged (its count is shown as "<3", or ".." where subtraction would give it away:
bot.privacy.small_cells), and neither is anything else counted under 3 — no single
person's rating can be read off the report.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence

from bot.core.texts import t
from bot.features import survey_results
from bot.features.report_model import Change, Cycle, RatingRow, Ratings, SurveyPart, num
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.render import day
from bot.privacy.small_cells import SMALL, cell, is_suppressed, protect
from bot.store.base import Feedback
from bot.store.records import Activity, Survey, SurveyAnswer
from bot.text.lang import Lang
from bot.text.numbers import decimal as one_decimal

NONE = "–"  # a value not shown (suppressed, or nothing to average)


def previous_window(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the same length right before `start` (the first day there is at most):
    as many whole months when the period is whole months (2025–2026 -> 2023–2024, March ->
    February), else as many days."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    index = start.year * 12 + start.month - 1 - months
    if whole_months(start, end) and index >= 12:  # not before year 1
        return dt.date(index // 12, index % 12 + 1, 1), start - dt.timedelta(days=1)
    days = (end - start).days
    last = start - dt.timedelta(days=1) if start > dt.date.min else start
    first = last - dt.timedelta(days=days) if last.toordinal() > days else dt.date.min
    return first, last


def whole_months(start: dt.date, end: dt.date) -> bool:
    """Whether [start, end] is whole calendar months (a year, 2025–2026, March)."""
    return start.day == 1 and (end == dt.date.max or (end + dt.timedelta(days=1)).day == 1)


def decimal(x: float | None, lang: Lang) -> str:
    """An average with one decimal, as people read it ("3,4" in Swedish); "–" for none."""
    if x is None:
        return NONE
    return one_decimal(x, lang)


def last_day(s: Survey) -> dt.date:
    return s.closes if s.closed is None else min(s.closes, s.closed)


def _mean(values: Sequence[int]) -> float | None:
    return sum(values) / len(values) if len(values) >= SMALL else None


def ratings(feedback: Sequence[Feedback], start: dt.date, end: dt.date, kb: KnowledgeBase,
            lang: Lang) -> Ratings:
    """The average rating (1–5) per feedback area, with the number of ratings."""
    by: dict[str, list[int]] = {}
    for f in feedback:  # only the area and the rating are read
        if start <= f.day <= end and f.rating is not None:
            by.setdefault(f.area, []).append(f.rating)
    choices = kb.data.feedback
    labels = {a.id: a.label.get(lang) for a in choices.areas} if choices else {}
    keys = [*labels, *sorted(k for k in by if k not in labels)]
    shown = protect({k: len(by.get(k, ())) for k in keys})
    rows = [RatingRow(k, labels.get(k, k), shown.cells[k],
                      None if is_suppressed(shown.cells[k]) else _mean(by.get(k, [])))
            for k in keys]
    every = [r for values in by.values() for r in values]
    return Ratings(rows, RatingRow("", t("report_total", lang), shown.total, _mean(every)))


def _safety(part_results: Sequence[survey_results.SurveyResults]) -> tuple[int, float | None]:
    """The number of answers and the mean of the first scale question (how safe one
    feels), over the surveys of one window; the mean only of 3 answers or more."""
    n, weighted, answered = 0, 0.0, 0
    for results in part_results:
        n += results.n
        scale = next((q for q in results.questions if q.kind == "scale"), None)
        if scale is not None and scale.mean is not None and scale.answered:
            weighted += scale.mean * scale.answered
            answered += scale.answered
    return n, (weighted / answered if answered >= SMALL else None)


def _surveys(kb: KnowledgeBase, surveys: Sequence[tuple[Survey, Sequence[SurveyAnswer]]],
             first: dt.date, last: dt.date, lang: Lang,
             skip: frozenset[int | None] = frozenset()) -> list[SurveyPart]:
    schema = kb.data.survey
    parts: list[SurveyPart] = []
    for survey, answers in sorted(surveys, key=lambda sa: (sa[0].opens, sa[0].id or 0)):
        if survey.opens > last or last_day(survey) < first or survey.id in skip:
            continue
        if schema is None:
            continue
        results = survey_results.tally(schema, answers, kb, lang)
        parts.append(SurveyPart(survey, f"{day(survey.opens, lang)} – "
                                f"{day(last_day(survey), lang)}", results,
                                survey_results.markdown(results, lang)))
    return parts


def _change(previous: float | None, current: float | None, lang: Lang, whole: bool) -> str:
    if previous is None or current is None:
        return NONE
    diff = current - previous
    text = (num(abs(int(diff)), lang) if whole else decimal(abs(diff), lang))
    return ("+" if diff > 0 else "−" if diff < 0 else "±") + text


def _count(n: int, lang: Lang) -> tuple[str, float | None]:
    shown = cell(n)
    return (shown, None) if is_suppressed(shown) else (num(n, lang), float(n))


def collect_cycle(kb: KnowledgeBase, start: dt.date, end: dt.date,
                  activities: Sequence[Activity], feedback: Sequence[Feedback],
                  surveys: Sequence[tuple[Survey, Sequence[SurveyAnswer]]], lang: Lang,
                  today: dt.date | None = None) -> Cycle:
    first, last = previous_window(start, end)
    previous = f"{day(first, lang)} – {day(last, lang)}"
    # A survey still taking answers shows no results: two reports a day apart would
    # otherwise tell what the one person who answered in between said.
    still = [s for s, _ in surveys if today is not None and s.open_on(today)
             and s.opens <= end and last_day(s) >= start]
    surveys = [(s, a) for s, a in surveys if s not in still]
    parts = _surveys(kb, surveys, start, end, lang)
    before = _surveys(kb, surveys, first, last, lang,
                      skip=frozenset(p.survey.id for p in parts))
    kinds: dict[tuple[dt.date, dt.date], Counter[str]] = {(first, last): Counter(),
                                                         (start, end): Counter()}
    for a in activities:
        for (lo, hi), counter in kinds.items():
            if lo <= a.day <= hi:
                counter[a.kind] += 1
    rated: dict[tuple[dt.date, dt.date], list[int]] = {(first, last): [], (start, end): []}
    given: Counter[tuple[dt.date, dt.date]] = Counter()
    for f in feedback:
        for (lo, hi), values in rated.items():
            if lo <= f.day <= hi:
                given[(lo, hi)] += 1
                if f.rating is not None:
                    values.append(f.rating)
    was, now = kinds[(first, last)], kinds[(start, end)]
    labels = {a.id: a.label.get(lang) for a in kb.data.activities}
    changes = [Change("activities", "", t("rp_cmp_activities", lang), num(was.total(), lang),
                      num(now.total(), lang), _change(was.total(), now.total(), lang, True))]
    for kind in [*labels, *sorted(k for k in {*was, *now} if k not in labels)]:
        if was[kind] or now[kind]:
            changes.append(Change("kind", kind, labels.get(kind, kind), num(was[kind], lang),
                                  num(now[kind], lang),
                                  _change(was[kind], now[kind], lang, True)))
    # Feedback and survey counts are residents' answers: under 3 is shown as "<3".
    (fb_was, fb_was_n), (fb_now, fb_now_n) = (_count(given[(first, last)], lang),
                                              _count(given[(start, end)], lang))
    changes.append(Change("feedback", "", t("rp_cmp_feedback", lang), fb_was, fb_now,
                          _change(fb_was_n, fb_now_n, lang, True)))
    r_was, r_now = _mean(rated[(first, last)]), _mean(rated[(start, end)])
    changes.append(Change("rating", "", t("rp_cmp_rating", lang), decimal(r_was, lang),
                          decimal(r_now, lang), _change(r_was, r_now, lang, False)))
    s_was, s_now = (_safety([p.results for p in before]),
                    _safety([p.results for p in parts]))
    if before or parts:
        (n_was, n_was_v), (n_now, n_now_v) = _count(s_was[0], lang), _count(s_now[0], lang)
        changes.append(Change("survey_n", "", t("rp_cmp_survey_n", lang), n_was, n_now,
                              _change(n_was_v, n_now_v, lang, True)))
        changes.append(Change("survey_safety", "", t("rp_cmp_survey_safety", lang),
                              decimal(s_was[1], lang), decimal(s_now[1], lang),
                              _change(s_was[1], s_now[1], lang, False)))
    return Cycle(ratings=ratings(feedback, start, end, kb, lang), surveys=parts,
                 previous=previous, previous_start=first, previous_end=last, changes=changes,
                 note=t("rp_compare_months" if whole_months(start, end) else "rp_compare_note",
                        lang, previous=previous),
                 running=tuple(f"{day(s.opens, lang)} – {day(s.closes, lang)}" for s in still))


# ------------------------------------------------------------------ Markdown and CSV


def render_md(cycle: Cycle, lang: Lang, table: Callable[..., list[str]],
              md_text: Callable[[str], str]) -> list[str]:
    """The cycle's sections as Markdown lines; `table` and `md_text` are the report's."""
    out = [f"## {t('rp_ratings', lang)}", ""]
    if cycle.ratings.total.n == "0":  # a table of zeros says less than one line
        out += [t("rp_ratings_none", lang), ""]
    else:
        out += [t("rp_ratings_note", lang), ""]
        out += table([t("report_area", lang), t("rp_ratings_n", lang),
                      t("rp_ratings_mean", lang)],
                     [*((md_text(r.label), r.n, decimal(r.mean, lang))
                        for r in cycle.ratings.rows),
                      (f"**{cycle.ratings.total.label}**", cycle.ratings.total.n,
                       decimal(cycle.ratings.total.mean, lang))])
    out += [f"## {t('rp_survey', lang)}", ""]
    if not cycle.surveys and not cycle.running:
        out += [t("rp_survey_none", lang), ""]
    out += [*(t("rp_survey_running", lang, dates=dates) for dates in cycle.running),
            *([""] if cycle.running else [])]
    for part in cycle.surveys:
        out += [f"### {t('rp_survey_dates', lang, dates=part.dates)}", "",
                part.markdown.strip(), ""]
    out += [f"## {t('rp_compare', lang)}", "", cycle.note, ""]
    out += table([t("rp_cmp_measure", lang), t("rp_cmp_previous", lang),
                  t("rp_cmp_current", lang), t("rp_cmp_change", lang)],
                 [(md_text(c.label), c.previous, c.current, c.change) for c in cycle.changes])
    return out


def csv_rows(cycle: Cycle) -> list[tuple[str, ...]]:
    """The cycle's rows in the report's CSV columns (section, promise, period, month,
    activities, units, group, key, label, status, count); averages with a decimal point."""
    rows: list[tuple[str, ...]] = []

    def row(section: str, period: str, group: str, key: str, label: str, status: str,
            value: str) -> None:
        rows.append((section, "", period, "", "", "", group, key, label, status,
                     "" if value == NONE else value))

    for r in [cycle.ratings.total, *cycle.ratings.rows]:
        group = "all" if r is cycle.ratings.total else "area"
        row("rating", "", group, r.key, r.label, "n", r.n)
        row("rating", "", group, r.key, r.label, "mean", decimal(r.mean, "en"))
    for part in cycle.surveys:
        when = f"{part.survey.opens.isoformat()}..{last_day(part.survey).isoformat()}"
        res = part.results
        row("survey", when, "all", "", "", "n", cell(res.n))
        if res.margin is not None and res.n >= SMALL:  # else it would tell 1 from 2
            row("survey", when, "all", "", "", "margin", f"{res.margin:.3f}")
        for q in res.questions:
            row("survey", when, q.id, "", q.text, "answered", cell(q.answered))
            if q.mean is not None:
                row("survey", when, q.id, "", q.text, "mean", decimal(q.mean, "en"))
            for choice, label, count, share in q.rows:
                row("survey", when, q.id, choice, label, "count", str(count))
                row("survey", when, q.id, choice, label, "share",
                    share.removesuffix(" %"))
    previous = f"{cycle.previous_start.isoformat()}..{cycle.previous_end.isoformat()}"
    for c in cycle.changes:
        for status, value in (("previous", c.previous), ("current", c.current),
                              ("change", c.change)):
            plain = (value.replace("\u00a0", "").replace("−", "-").replace("±", "")
                     .replace("+", ""))
            if c.group in ("rating", "survey_safety"):
                plain = plain.replace(",", ".")
            row("comparison", previous if status == "previous" else "", c.group, c.key,
                c.label, status, plain)
    return rows
