"""Feedback commands: /tyck starts the dialogue; /synpunkter gives staff the summary.

Small cells are suppressed (bot.privacy.small_cells): any count under 3 is shown as
"<3", a count that would give one away by subtraction as "..", and texts are shown only
when the period holds at least 3 entries, so that nobody can be singled out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from bot.core.commands import Command
from bot.core.dialogues import Dialogues
from bot.core.literal import literal
from bot.core.messages import Lang, Outcome, Reply
from bot.core.roles import Roles
from bot.core.router import Router
from bot.core.texts import t
from bot.core.turn import Turn
from bot.features.command_args import read_period
from bot.features.feedback import FeedbackForm
from bot.features.place_words import place_words
from bot.knowledge.schema import ChoiceItem
from bot.privacy.redact import redact
from bot.privacy.small_cells import SMALL, cell, is_suppressed, protect
from bot.store.base import Feedback

LATEST = 5
SHOWN = 300  # characters of each text


def _counts(title: str, counts: Counter[str], names: dict[str, str]) -> tuple[str, bool]:
    shown = protect(counts)

    def order(key: str) -> tuple[bool, int, str]:
        # The largest first; suppressed counts last by name, so that their place in the
        # line says nothing of their size.
        hidden = is_suppressed(shown.cells[key])
        return hidden, 0 if hidden else -counts[key], names.get(key, key)

    parts = [f"{names.get(key, key)} {shown.cells[key]}" for key in sorted(counts, key=order)]
    return f"**{title}:** " + " · ".join(parts), shown.suppressed


def summarise(entries: Sequence[Feedback], start: str, end: str, lang: Lang,
              categories: Sequence[ChoiceItem], areas: Sequence[ChoiceItem],
              keep: frozenset[str] = frozenset()) -> str:
    head = t("fbs_head", lang, start=start, end=end, n=cell(len(entries)))
    if not entries:
        return head + "\n\n" + t("fbs_none", lang)
    label = {i.id: i.label.get(lang) for i in (*categories, *areas)}
    tables = [
        _counts(t("fbs_by_category", lang), Counter(e.category for e in entries), label),
        _counts(t("fbs_by_area", lang), Counter(e.area for e in entries), label),
        _counts(t("fbs_by_month", lang), Counter(e.day.strftime("%Y-%m") for e in entries),
                {})]
    lines = [head, *(line for line, _ in tables)]
    if any(suppressed for _, suppressed in tables):
        lines.append(t("fbs_legend", lang))
    rated = [e.rating for e in entries if e.rating]
    if len(rated) >= SMALL:
        lines.append(t("fbs_rating", lang, mean=f"{sum(rated) / len(rated):.1f}",
                       n=len(rated)))
    if len(entries) < SMALL:  # one or two texts could point at the person who wrote
        lines.append(t("fbs_too_few", lang))
        return "\n\n".join(lines)
    lines.append(f"**{t('fbs_latest', lang)}:**")
    for entry in sorted(entries, key=lambda e: (e.day, e.id or 0))[-LATEST:][::-1]:
        lines.append("> " + shown(entry.text, keep))
    return "\n\n".join(lines)


def shown(text: str, keep: frozenset[str] = frozenset()) -> str:
    """A stored feedback text as staff see it: redacted again (a text stored before the
    redactor learnt a kind keeps it otherwise), at most SHOWN characters, on one line and
    literal (a resident's Markdown, HTML or link shows as typed and cannot be clicked)."""
    return literal(redact(text, keep, limit=SHOWN).text, one_line=True)


class FeedbackCommands:
    """/tyck starts the feedback dialogue; /synpunkter gives staff the summary."""

    def __init__(self, form: FeedbackForm, dialogues: Dialogues) -> None:
        self.form = form
        self.dialogues = dialogues

    async def start(self, turn: Turn, args: str) -> Reply:
        return await self.dialogues.start(self.form.key, turn)

    async def summary(self, turn: Turn, args: str) -> Reply:
        period = read_period(turn, args)
        if isinstance(period, Reply):
            return period
        start, end = period
        entries = await self.form.store.list_feedback(start, end)
        choices = self.form.holder.kb.data.feedback
        text = summarise(entries, start.isoformat(), end.isoformat(), turn.lang,
                         choices.categories if choices else (),
                         choices.areas if choices else (),
                         place_words(self.form.holder.kb))
        return Reply(text, Outcome.COMMAND, turn.lang)


def router(form: FeedbackForm, dialogues: Dialogues, roles: Roles) -> Router:
    """The feedback form, /tyck for everyone, /synpunkter for staff."""
    feedback = FeedbackCommands(form, dialogues)
    return Router("feedback", forms=(form,), commands=(
        Command(name="tyck", aliases=("synpunkt", "feedback"), run=feedback.start,
                summary="cmd_tyck"),
        Command(name="synpunkter", run=feedback.summary, check=roles.is_staff,
                usage="[period]", summary="cmd_synpunkter")))
