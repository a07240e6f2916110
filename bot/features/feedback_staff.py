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
from bot.features.chat_size import cut
from bot.features.command_args import read_period
from bot.features.feedback import FeedbackForm
from bot.features.place_words import place_words
from bot.features.staff_scope import base_of, covered, display
from bot.features.whereabouts import Whereabouts
from bot.knowledge.base import KnowledgeBase
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

    def __init__(self, form: FeedbackForm, dialogues: Dialogues, roles: Roles,
                 where: Whereabouts | None = None) -> None:
        self.form = form
        self.dialogues = dialogues
        self.roles = roles
        self.where = where
        if where is not None:  # asked which municipality first: then the dialogue
            where.on_choice(form.key, self._begin)

    async def _begin(self, turn: Turn) -> Reply:
        return await self.dialogues.start(self.form.key, turn)

    async def start(self, turn: Turn, args: str) -> Reply:
        # In an area that asks, which municipality the feedback is about comes first.
        if self.where is not None and turn.msg.is_direct and self.where.should_ask(turn):
            return await self.where.ask(turn, resume=self.form.key)
        return await self._begin(turn)

    async def summary(self, turn: Turn, args: str) -> Reply:
        area = self.form.holder.area
        cover = covered(area, self.roles.scope(turn), turn, args)
        if isinstance(cover, Reply):
            return cover
        period = read_period(turn, cover.rest)
        if isinstance(period, Reply):
            return period
        start, end = period
        entries = await self.form.store.list_feedback(start, end,
                                                      municipalities=cover.only)
        dates = start.isoformat(), end.isoformat()
        if len(area) < 2:
            return self._reply(self.form.holder.kb, entries, dates, turn)
        # Each municipality on its own, its small cells suppressed within it.
        mine: dict[str, list[Feedback]] = {ident: [] for ident in cover.ids}
        for entry in entries:
            mine.setdefault(entry.municipality, []).append(entry)
        parts = [f"## {display(area, ident)}\n\n" + self._reply(
            base_of(area, ident, self.form.holder.kb), found, dates, turn).text
            for ident, found in mine.items() if found or len(cover.ids) == 1]
        empty = [display(area, ident) for ident, found in mine.items()
                 if not found and len(cover.ids) > 1]
        if empty:
            parts.append(t("fbs_none_in", turn.lang, names=", ".join(empty)))
        return Reply(cut("\n\n".join(parts), t("fbs_cut", turn.lang)), Outcome.COMMAND,
                     turn.lang)

    @staticmethod
    def _reply(kb: KnowledgeBase, entries: Sequence[Feedback], dates: tuple[str, str],
               turn: Turn) -> Reply:
        choices = kb.data.feedback
        text = summarise(entries, *dates, turn.lang,
                         choices.categories if choices else (),
                         choices.areas if choices else (),
                         place_words(kb))
        return Reply(text, Outcome.COMMAND, turn.lang)


def router(form: FeedbackForm, dialogues: Dialogues, roles: Roles,
           where: Whereabouts | None = None) -> Router:
    """The feedback form, /tyck for everyone, /synpunkter for staff."""
    feedback = FeedbackCommands(form, dialogues, roles, where)
    return Router("feedback", forms=(form,), commands=(
        Command(name="tyck", aliases=("synpunkt", "feedback"), run=feedback.start,
                summary="cmd_tyck"),
        Command(name="synpunkter", run=feedback.summary, check=roles.is_staff,
                usage="[period] [kommun]", summary="cmd_synpunkter")))
