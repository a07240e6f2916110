"""Feedback commands: /tyck starts the dialogue; /synpunkter gives staff the summary.

Small cells are suppressed: any count under 3 is shown as "<3", and texts are shown only
when the period holds at least 3 entries, so that nobody can be singled out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from bot.core.commands import Command, CommandRouter
from bot.core.dialogues import Dialogues
from bot.core.messages import Lang, Outcome, Reply
from bot.core.periods import PeriodError, parse_period
from bot.core.roles import Roles
from bot.core.texts import t
from bot.core.turn import Turn
from bot.features import feedback_texts  # noqa: F401  (registers its texts)
from bot.features.feedback import FeedbackForm
from bot.knowledge.schema import ChoiceItem
from bot.store.base import Feedback

SMALL = 3
LATEST = 5


def cell(n: int) -> str:
    return "<3" if 0 < n < SMALL else str(n)


def _counts(title: str, counts: Counter[str], names: dict[str, str]) -> str:
    parts = [f"{names.get(key, key)} {cell(n)}" for key, n in sorted(
        counts.items(), key=lambda kv: (-kv[1], names.get(kv[0], kv[0])))]
    return f"**{title}:** " + " · ".join(parts)


def summarise(entries: Sequence[Feedback], start: str, end: str, lang: Lang,
              categories: Sequence[ChoiceItem], areas: Sequence[ChoiceItem]) -> str:
    head = t("fbs_head", lang, start=start, end=end, n=cell(len(entries)))
    if not entries:
        return head + "\n\n" + t("fbs_none", lang)
    label = {i.id: i.label.get(lang) for i in (*categories, *areas)}
    lines = [head,
             _counts(t("fbs_by_category", lang), Counter(e.category for e in entries), label),
             _counts(t("fbs_by_area", lang), Counter(e.area for e in entries), label),
             _counts(t("fbs_by_month", lang), Counter(e.day.strftime("%Y-%m") for e in entries),
                     {})]
    rated = [e.rating for e in entries if e.rating]
    if len(rated) >= SMALL:
        lines.append(t("fbs_rating", lang, mean=f"{sum(rated) / len(rated):.1f}",
                       n=len(rated)))
    if len(entries) < SMALL:
        lines.append(t("fbs_too_few", lang))
    else:
        lines.append(f"**{t('fbs_latest', lang)}:**")
        for entry in sorted(entries, key=lambda e: (e.day, e.id or 0))[-LATEST:][::-1]:
            text = entry.text if len(entry.text) <= 300 else entry.text[:300] + " …"
            lines.append("> " + text.replace("\n", " "))
    return "\n\n".join(lines)


class FeedbackCommands:
    def __init__(self, form: FeedbackForm, dialogues: Dialogues, commands: CommandRouter,
                 roles: Roles) -> None:
        self.form = form
        self.dialogues = dialogues
        dialogues.register(form)
        commands.add(Command(
            name="tyck", aliases=("synpunkt", "feedback"), run=self._start,
            summary={"sv": "lämna en anonym synpunkt om tryggheten",
                     "en": "give anonymous feedback on safety"}))
        commands.add(Command(
            name="synpunkter", run=self._summary, check=roles.is_staff, usage="[period]",
            summary={"sv": "sammanställning av synpunkterna (personal)",
                     "en": "summary of the feedback (staff)"}))

    async def _start(self, turn: Turn, args: str) -> Reply:
        return await self.dialogues.start(self.form.key, turn)

    async def _summary(self, turn: Turn, args: str) -> Reply:
        try:
            start, end = parse_period(args, turn.today)
        except PeriodError:
            return Reply(t("bad_period", turn.lang), Outcome.COMMAND, turn.lang)
        entries = await self.form.store.list_feedback(start, end)
        choices = self.form.holder.kb.data.feedback
        text = summarise(entries, start.isoformat(), end.isoformat(), turn.lang,
                         choices.categories if choices else (),
                         choices.areas if choices else ())
        return Reply(text, Outcome.COMMAND, turn.lang)
