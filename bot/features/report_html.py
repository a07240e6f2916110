"""The follow-up report as one self-contained HTML page, from a Jinja2 template.

One file a kommunchef can open or print: inline CSS, the charts as inline SVG, no script
and nothing fetched from elsewhere (a Content-Security-Policy says so to the browser too).

The page is `templates/report.html.j2` and its style `templates/report.css`, so that a
municipality can restyle the report or add its logo without touching Python: a file of
the same name in the knowledge folder's `templates/` wins over the shipped one, file by
file. Such a copy may also `{% extends "shipped/report.html.j2" %}` and fill only the
`logo` block. Autoescape is on for every template: places, units and types are typed by
staff, and nothing reaches the page unescaped unless a template says `|safe`.

This module computes what is arithmetic (the charts' geometry, in SVG units); every word
and every tag is in the templates.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    StrictUndefined,
)

from bot.core.texts import t
from bot.features.report_cycle import decimal
from bot.features.report_model import Report, num

TEMPLATE = "report.html.j2"

# The chart's month names: catalogue keys, written out in full.
_SHORT_MONTHS = ("month_short_1", "month_short_2", "month_short_3", "month_short_4",
                 "month_short_5", "month_short_6", "month_short_7", "month_short_8",
                 "month_short_9", "month_short_10", "month_short_11", "month_short_12")

WIDTH = 900  # the chart's drawing width in SVG units
# The chart's margins and plot height, in SVG units.
LEFT, RIGHT, TOP, PLOT_H, BOTTOM = 46, 8, 22, 170, 40


def nice_ceiling(n: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, … that is at least n: readable axis ends."""
    if n <= 1:
        return 1
    power = 10 ** math.floor(math.log10(n))
    for step in (1, 2, 5, 10):
        if step * power >= n:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


@dataclass(frozen=True)
class Tick:
    """A value on the chart's axis: its grid line (none at 0) and its label."""

    y: str
    label_y: str
    label: str
    line: bool


@dataclass(frozen=True)
class Column:
    """One month of a chart: its bar (none at 0), its value, its month and year labels."""

    month: str  # "2021-03", for the bar's tooltip
    value: int
    label: str  # the value as people read it
    cx: str
    bar_x: str
    bar_y: str
    bar_width: str
    bar_height: str
    value_y: str
    name: str  # "mar", or "3" when the period is long; "" for no label
    year: str  # "2021" on the first month and on each January, else ""
    year_x: str


@dataclass(frozen=True)
class Chart:
    """A bar chart of activities per month, laid out in SVG units.

    The drawing is always WIDTH units wide and CSS scales it to the page, so the text keeps
    one size whether the report covers one month or four years."""

    width: int
    height: int
    left: int
    right: int  # the x where the plot ends
    top: int  # the y where the value axis starts
    base: int  # the y of the month axis
    month_y: int
    year_y: int
    value_size: str  # long periods: smaller values rather than overlap
    ticks: list[Tick]
    columns: list[Column]
    first: str  # the first and last month, and every "month: value", for the description
    last: str
    values: str


def chart(months: Sequence[tuple[str, int]], lang: str) -> Chart:
    n = max(len(months), 1)
    slot = (WIDTH - LEFT - RIGHT) / n
    bar_w = min(slot * 0.7, 48)
    base = TOP + PLOT_H
    peak = nice_ceiling(max((v for _, v in months), default=0))
    values = sorted({0, peak // 2, peak} if peak % 2 == 0 else {0, peak})
    names = [t(key, lang) for key in _SHORT_MONTHS]
    heights = [(v, base - PLOT_H * v / peak) for v in values]
    ticks = [Tick(y=f"{y:.1f}", label_y=f"{y + 4:.1f}", label=num(v, lang), line=v != 0)
             for v, y in heights]
    columns = []
    for i, (month, value) in enumerate(months):
        cx = LEFT + slot * (i + 0.5)
        h = PLOT_H * value / peak
        mm = int(month[5:7])
        # Short names when there is room, month numbers when the period is long, and only
        # every third month when it is very long.
        name = names[mm - 1] if slot >= 30 else str(mm) if slot >= 14 or mm % 3 == 1 else ""
        columns.append(Column(
            month=month, value=value, label=num(value, lang), cx=f"{cx:.1f}",
            bar_x=f"{cx - bar_w / 2:.1f}", bar_y=f"{base - h:.1f}", bar_width=f"{bar_w:.1f}",
            bar_height=f"{h:.1f}", value_y=f"{base - h - 4:.1f}", name=name,
            year=month[:4] if i == 0 or mm == 1 else "", year_x=f"{cx - slot / 2 + 2:.1f}"))
    return Chart(width=WIDTH, height=base + BOTTOM, left=LEFT, right=WIDTH - RIGHT,
                 top=TOP - 8, base=base, month_y=base + 15, year_y=base + 33,
                 value_size=f"{min(11.0, slot * 0.6):.1f}", ticks=ticks, columns=columns,
                 first=months[0][0] if months else "", last=months[-1][0] if months else "",
                 values=", ".join(f"{m}: {v}" for m, v in months))


@cache
def environment(template_dir: Path | None = None) -> Environment:
    """The templates: `template_dir`'s first, then the shipped ones, which are also under
    "shipped/" so that a municipality's page can extend them. One environment a folder,
    kept: Jinja compiles each template once and notices when a file changes."""
    shipped = PackageLoader("bot.features", "templates")
    own = [] if template_dir is None else [FileSystemLoader(template_dir)]
    return Environment(
        loader=ChoiceLoader([*own, shipped, PrefixLoader({"shipped": shipped})]),
        autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True)


def render_html(rep: Report, template_dir: Path | None = None) -> str:
    """The report as an HTML page; `template_dir` may hold a municipality's own
    `report.html.j2` and `report.css` (see the module)."""
    lang = rep.lang

    def text(key: str, **values: object) -> str:
        return t(key, lang, **values)

    def count(n: int) -> str:
        return num(n, lang)

    return environment(template_dir).get_template(TEMPLATE).render(
        rep=rep, t=text, num=count, chart=lambda months: chart(months, lang),
        decimal=lambda x: decimal(x, lang))
