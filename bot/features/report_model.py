"""What the follow-up report shows, grouped and labelled, independent of the format.

`bot.features.report` fills these values; its Markdown and CSV writers and the HTML
template (`bot.features.report_html`) read them. Kept apart so that the writers import
the values and not each other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.features.survey_results import SurveyResults
from bot.knowledge.render import Status
from bot.store.records import Survey
from bot.text.lang import Lang
from bot.text.numbers import grouped

num = grouped  # the report's name for it


@dataclass(frozen=True)
class Section:
    """One promise's part of the report, with every label already in the report's language."""

    key: str  # the promise id, or OTHER
    heading: str
    short: str  # the start of the text, for the summary table
    text: str
    period_id: str  # "" for OTHER
    period_label: str  # "2021–2022"
    period: str  # "2021–2022 (1 januari 2021 – 31 december 2022)"
    state: str  # "avslutad 31 december 2022"
    status: Status | None
    responsible: str
    n: int
    places: list[tuple[str, int]]
    units: list[tuple[str, int]]
    kinds: list[tuple[str, int]]
    months: list[tuple[str, int]]  # every month of the report, 0 included
    month_units: dict[str, list[tuple[str, int]]]  # only months with counts

    def sums(self, none: str, lang: Lang) -> str:
        return ", ".join(f"{num(n, lang)} {unit}" for unit, n in self.units) or none


@dataclass(frozen=True)
class Breakdown:
    """A count table: sessions or feedback by one dimension, and the total."""

    group: str  # "audience", "topic", "category", "area" (the CSV's group column)
    title: str
    columns: tuple[str, ...]  # ids of the value columns (CSV); labels are in `head`
    head: list[str]
    rows: list[tuple[str, str, list[str]]]  # (id, label, values)
    total: list[str]  # the same for every dimension of a section


# -- the cycle's parts (bot.features.report_cycle)


@dataclass(frozen=True)
class RatingRow:
    key: str  # the feedback area's id; "" for every area together
    label: str
    n: str  # the number of ratings as it may be published ("7", "<3", "..")
    mean: float | None  # None where it may not be shown


@dataclass(frozen=True)
class Ratings:
    rows: list[RatingRow]
    total: RatingRow


@dataclass(frozen=True)
class SurveyPart:
    """One survey that overlaps the report's period, with its results."""

    survey: Survey
    dates: str  # "15 januari 2027 – 28 februari 2027"
    results: SurveyResults
    markdown: str  # survey_results.markdown


@dataclass(frozen=True)
class Change:
    """One line of the comparison: the previous period's value, this one's, the change."""

    group: str  # "activities", "kind", "feedback", "rating", "survey_n", "survey_safety"
    key: str  # the activity type's id for "kind"
    label: str
    previous: str
    current: str
    change: str


@dataclass(frozen=True)
class Cycle:
    ratings: Ratings
    surveys: list[SurveyPart]
    previous: str  # the previous period, "1 januari 2019 – 31 december 2020"
    previous_start: dt.date
    previous_end: dt.date
    changes: list[Change]
    note: str  # which previous period, and how counts under 3 are shown
    # Surveys still running on the day the report is made ("15 januari – 28 februari
    # 2027"): their results are shown once they have closed (no differencing by date).
    running: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    lang: Lang
    texts: dict[str, str]
    title: str
    period: str
    made: str
    periods: list[tuple[str, str]]  # (period label, status text) of overlapping periods
    sections: list[Section]
    sessions: list[Breakdown]
    feedback: list[Breakdown]
    # The survey results, the feedback's safety rating per area and the comparison with
    # the previous period (bot.features.report_cycle); None in a report made without them.
    cycle: Cycle | None = None
