"""The follow-up report as one self-contained HTML page (see `bot.features.report`).

One file a kommunchef can open or print: inline CSS, the charts as inline SVG, no script
and nothing fetched from elsewhere (a Content-Security-Policy says so to the browser too).
Every text is escaped, since places, units and types may be typed by staff.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # report.py imports this module; the types are only for the checker
    from bot.features.report import Breakdown, Report, Section

_SHORT_MONTHS = {
    "sv": "jan feb mar apr maj jun jul aug sep okt nov dec".split(),
    "en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(),
}

CSS = """
:root { --ink: #1b1f24; --muted: #5b6570; --line: #d0d6dc; --bar: #1f4e8c; --soft: #f3f5f7; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       sans-serif; color: var(--ink); max-width: 62rem; margin: 2rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.7rem; margin: 0 0 .4rem; }
h2 { font-size: 1.3rem; margin: 0 0 .6rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
.meta { color: var(--muted); margin: .1rem 0; }
section { border-top: 2px solid var(--ink); padding-top: 1rem; margin-top: 2rem; }
blockquote { margin: .4rem 0 1rem; padding: .5rem .9rem; background: var(--soft);
             border-left: 4px solid var(--bar); }
table { border-collapse: collapse; margin: .3rem 0 .8rem; font-size: .92rem; }
th, td { text-align: left; padding: .25rem .7rem .25rem 0; border-bottom: 1px solid var(--line);
         vertical-align: top; }
thead th { border-bottom: 2px solid var(--ink); }
tfoot td, tfoot th { border-top: 2px solid var(--ink); border-bottom: 0; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; padding-left: .7rem; }
table.facts th { width: 13rem; font-weight: 600; }
table.wide { width: 100%; }
table.summary td:nth-child(2) { white-space: nowrap; }
table.counts { width: 100%; table-layout: fixed; }
table.counts th:first-child { width: 32%; }
table.narrow { min-width: 18rem; }
.grid { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 0 2.5rem; }
.status { display: inline-block; padding: 0 .45rem; border-radius: .25rem; font-size: .85rem; }
.status.current { background: #dff3e4; color: #0f5323; }
.status.ended { background: #eceff2; color: #3b434b; }
.status.upcoming { background: #e1ecfa; color: #123e75; }
.note { color: var(--muted); font-size: .9rem; }
svg.chart { display: block; width: 100%; height: auto; margin: .3rem 0 1rem; }
svg.chart text { font-family: inherit; fill: var(--ink); }
svg.chart .grid-line { stroke: var(--line); stroke-width: 1; }
svg.chart .axis { stroke: var(--ink); stroke-width: 1.2; }
svg.chart rect { fill: var(--bar); }
svg.chart .value { text-anchor: middle; }
svg.chart .zero { fill: var(--muted); }
svg.chart .tick { font-size: 11px; text-anchor: end; fill: var(--muted); }
svg.chart .month { font-size: 11px; text-anchor: middle; fill: var(--muted); }
svg.chart .year { font-size: 11.5px; font-weight: 600; }
footer { margin-top: 2rem; color: var(--muted); font-size: .85rem; }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { font-size: 10pt; line-height: 1.35; max-width: none; margin: 0; padding: 0; }
  /* Compact tables so that a promise with all its places fits one A4 page. */
  table { font-size: 8.5pt; margin: .2rem 0 .5rem; }
  th, td { padding: .08rem .6rem .08rem 0; }
  h3 { margin: .7rem 0 .25rem; }
  section { border-top: 0; margin-top: 0; }
  section.promise, section.sessions { break-before: page; page-break-before: always; }
  table, svg.chart, .grid, blockquote { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


WIDTH = 900  # the chart's drawing width in SVG units


def num(n: int, lang: str) -> str:
    """A count as people read it: "44 803" in Swedish (a no-break space), "44,803" in English."""
    return f"{n:,}".replace(",", "\u00a0" if lang == "sv" else ",")


def nice_ceiling(n: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, … that is at least n: readable axis ends."""
    if n <= 1:
        return 1
    power = 10 ** math.floor(math.log10(n))
    for step in (1, 2, 5, 10):
        if step * power >= n:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def chart(months: Sequence[tuple[str, int]], label: str, lang: str) -> str:
    """A bar chart of activities per month as inline SVG: bars, values, months, an axis.

    The drawing is always WIDTH units wide and CSS scales it to the page, so the text keeps
    one size whether the report covers one month or four years."""
    n = max(len(months), 1)
    left, right, top, plot_h, bottom = 46, 8, 22, 170, 40
    slot = (WIDTH - left - right) / n
    bar_w = min(slot * 0.7, 48)
    base = top + plot_h
    peak = nice_ceiling(max((v for _, v in months), default=0))
    ticks = sorted({0, peak // 2, peak} if peak % 2 == 0 else {0, peak})
    names = _SHORT_MONTHS["en" if lang == "en" else "sv"]
    value_size = min(11.0, slot * 0.6)  # long periods: smaller values rather than overlap
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(label)}" '
           f'class="chart" viewBox="0 0 {WIDTH} {base + bottom}" width="{WIDTH}" '
           f'height="{base + bottom}">']
    for t in ticks:
        y = base - plot_h * t / peak
        if t:
            out.append(f'<line class="grid-line" x1="{left}" y1="{y:.1f}" '
                       f'x2="{WIDTH - right}" y2="{y:.1f}"/>')
        out.append(f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}">{num(t, lang)}</text>')
    for i, (month, value) in enumerate(months):
        cx = left + slot * (i + 0.5)
        h = plot_h * value / peak
        if value:
            out.append(f'<rect x="{cx - bar_w / 2:.1f}" y="{base - h:.1f}" width="{bar_w:.1f}" '
                       f'height="{h:.1f}"><title>{escape(month)}: {value}</title></rect>')
        out.append(f'<text class="{"value" if value else "value zero"}" x="{cx:.1f}" '
                   f'y="{base - h - 4:.1f}" font-size="{value_size:.1f}">'
                   f"{num(value, lang)}</text>")
        year, mm = month[:4], int(month[5:7])
        # Short names when there is room, month numbers when the period is long, and only
        # every third month when it is very long.
        if slot >= 30:
            out.append(f'<text class="month" x="{cx:.1f}" y="{base + 15}">{names[mm - 1]}'
                       "</text>")
        elif slot >= 14 or mm % 3 == 1:
            out.append(f'<text class="month" x="{cx:.1f}" y="{base + 15}">{mm}</text>')
        if i == 0 or mm == 1:
            out.append(f'<text class="year" x="{cx - slot / 2 + 2:.1f}" y="{base + 33}">'
                       f"{escape(year)}</text>")
    out.append(f'<line class="axis" x1="{left}" y1="{top - 8}" x2="{left}" y2="{base}"/>'
               f'<line class="axis" x1="{left}" y1="{base}" x2="{WIDTH - right}" y2="{base}"/>'
               "</svg>")
    return "".join(out)


NUM = ' class="n"'


def _table(head: Sequence[str], rows: Sequence[Sequence[object]],
           total: Sequence[object] | None = None, cls: str = "", align: str = "") -> str:
    """A table, every cell escaped; `align` has "l" or "r" per column (default: the first
    column text, the rest numbers)."""
    align = align or "l" + "r" * (len(head) - 1)

    def cells(row: Sequence[object], tag: str) -> str:
        return "".join(f"<{tag}{NUM if a == 'r' else ''}>{escape(str(v))}</{tag}>"
                       for a, v in zip(align, row, strict=True))

    attr = f' class="{cls}"' if cls else ""
    parts = [f'<table{attr}><thead><tr>{cells(head, "th")}</tr></thead><tbody>']
    parts += [f"<tr>{cells(row, 'td')}</tr>" for row in rows]
    parts.append("</tbody>")
    if total is not None:
        parts.append(f"<tfoot><tr>{cells(total, 'td')}</tr></tfoot>")
    parts.append("</table>")
    return "".join(parts)


def _section(s: Section, rep: Report) -> str:
    tx = rep.texts
    e = escape
    lang = rep.lang
    out = [f'<section class="promise" id="{e(s.key)}"><h2>{e(s.heading)}</h2>',
           f"<blockquote>{e(s.text)}</blockquote>", '<table class="facts"><tbody>']
    if s.status is not None:
        out.append(f'<tr><th>{e(tx["period"])}</th><td>{e(s.period)} '
                   f'<span class="status {s.status.value}">{e(s.state)}</span></td></tr>')
    if s.responsible:
        out.append(f'<tr><th>{e(tx["responsible"])}</th><td>{e(s.responsible)}</td></tr>')
    out.append(f'<tr><th>{e(tx["entries"])}</th><td>{num(s.n, lang)}</td></tr>'
               f'<tr><th>{e(tx["sums"])}</th><td>{e(s.sums(tx["none"], lang))}</td></tr>'
               "</tbody></table>")
    if s.n:
        out.append('<div class="grid">')
        for title, head, rows in ((tx["places"], tx["place"], s.places),
                                  (tx["kinds"], tx["kind"], s.kinds),
                                  (tx["sums"], tx["unit"], s.units)):
            if rows:
                table = _table([head, tx["sum" if rows is s.units else "activities"]],
                               [(k, num(v, lang)) for k, v in rows])
                out.append(f"<div><h3>{e(title)}</h3>{table}</div>")
        out.append("</div>")
    label = tx["chart"].format(
        first=s.months[0][0] if s.months else "", last=s.months[-1][0] if s.months else "",
        n=num(s.n, lang), values=", ".join(f"{m}: {v}" for m, v in s.months))
    out.append(f"<h3>{e(tx['months'])}</h3>{chart(s.months, label, rep.lang)}</section>")
    return "".join(out)


def _counts(cls: str, title: str, note: str, tables: Sequence[Breakdown], total: str,
            side_by_side: bool) -> str:
    out = [f'<section class="{cls}"><h2>{escape(title)}</h2><p class="note">{escape(note)}</p>',
           '<div class="grid">' if side_by_side else ""]
    for b in tables:
        out.append(_table(b.head, [(label, *values) for _, label, values in b.rows],
                          (total, *b.total), cls="narrow" if side_by_side else "counts"))
    out.append("</div></section>" if side_by_side else "</section>")
    return "".join(out)


def render_html(rep: Report) -> str:
    tx = rep.texts
    e = escape
    summary = _table([tx["promise"], tx["period"], tx["activities"], tx["sums"]],
                     [(s.short, s.period_label, num(s.n, rep.lang), s.sums("–", rep.lang))
                      for s in rep.sections], cls="wide summary", align="llrl")
    periods = "; ".join(f"{label} ({state})" for label, state in rep.periods)
    return "".join([
        f'<!doctype html>\n<html lang="{rep.lang}">\n<head>\n<meta charset="utf-8">\n'
        # Nothing may be loaded from elsewhere; inline CSS and inline SVG only.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(rep.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        f"<header><h1>{e(rep.title)}</h1>"
        f'<p class="meta"><strong>{e(tx["period"])}:</strong> {e(rep.period)}</p>'
        f'<p class="meta"><strong>{e(tx["made"])}:</strong> {e(rep.made)}</p>',
        f'<p class="meta"><strong>{e(tx["periods"])}:</strong> {e(periods)}</p>'
        if periods else "",
        f'</header>\n<section class="summary"><h2>{e(tx["summary"])}</h2>{summary}</section>\n',
        "\n".join(_section(s, rep) for s in rep.sections), "\n",
        _counts("sessions", tx["sessions"], tx["sessions_note"], rep.sessions, tx["total"],
                side_by_side=False),
        "\n",
        _counts("feedback", tx["feedback"], tx["feedback_note"], rep.feedback, tx["total"],
                side_by_side=True),
        f'\n<footer>{e(rep.title)} · {e(tx["made"])} {e(rep.made)}</footer>\n'
        "</body>\n</html>\n",
    ])
