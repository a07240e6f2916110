"""The follow-up report's labels in one language, from the text catalogues (`report_*`).

The renderers (Markdown, HTML, CSV) read the labels by a short name (`texts["period"]`);
each name maps to its catalogue key written out in full, so that a search finds every key.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.texts import t
from bot.knowledge.render import Status

LABELS: dict[str, str] = {
    "title": "report_title", "period": "report_period", "made": "report_made",
    "periods": "report_periods", "summary": "report_summary", "promise": "report_promise",
    "activities": "report_activities", "heading": "report_heading", "other": "report_other",
    "other_text": "report_other_text", "responsible": "report_responsible",
    "entries": "report_entries", "sums": "report_sums", "place": "report_place",
    "places": "report_places", "no_place": "report_no_place", "kind": "report_kind",
    "kinds": "report_kinds", "unit": "report_unit", "sum": "report_sum", "month": "report_month",
    "months": "report_months", "none": "report_none", "chart": "report_chart",
    "current": "report_current", "ended": "report_ended", "upcoming": "report_upcoming",
    "state_current": "report_state_current", "state_ended": "report_state_ended",
    "state_upcoming": "report_state_upcoming", "sessions": "report_sessions",
    "sessions_note": "report_sessions_note", "audience": "report_audience",
    "topic": "report_topic", "total": "report_total", "requested": "report_requested",
    "confirmed": "report_confirmed", "declined": "report_declined", "done": "report_done",
    "open": "report_open", "feedback": "report_feedback", "feedback_note": "report_feedback_note",
    "category": "report_category", "area": "report_area", "count": "report_count",
    "who_polis": "report_who_polis", "who_kommun": "report_who_kommun", "and": "report_and",
}
# A period's state on the day the report is made, with its date as {d}.
STATE = {Status.CURRENT: "report_current", Status.ENDED: "report_ended",
         Status.UPCOMING: "report_upcoming"}
WHO = {"polis": "report_who_polis", "kommun": "report_who_kommun"}


def label_texts(lang: str) -> dict[str, str]:
    """Every label by its short name, in `lang`."""
    return {name: t(key, lang) for name, key in LABELS.items()}


def state_label(state: Status, when: str, lang: str) -> str:
    """"gäller nu, till och med 31 december 2026" and the like."""
    return t(STATE[state], lang, d=when)


def responsible_label(responsible: Iterable[str], lang: str) -> str:
    """"polisen och kommunen"."""
    return f" {t('report_and', lang)} ".join(t(WHO[r], lang) for r in responsible)
