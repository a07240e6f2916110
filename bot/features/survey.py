"""The chat safety survey (trygghetsenkät): the form, /enkät, and the invitation.

Staff open a survey period per municipality (bot.features.survey_staff); while it is open,
a resident in a private conversation is invited once, after an ordinary answer, and can
start it with /enkät or in words ("jag vill svara på enkäten"). The questions are the
knowledge base's (`survey:`, knowledge/common/survey.yaml by default).

Anonymous exactly as feedback: what is stored is the survey's id, the answers, the
language and the municipality; never a sender, room, event or time. At most one answer
set a person a survey: counted under an HMAC whose key lives only in this process, kept
per survey and dropped when the survey closes. Only in private conversations.

Which survey is open is read from the store into memory (bot.features.survey_open) at
first use, on /enkät öppna and stäng, by the step every ten minutes (another process may
have opened one) and by `refresh` (daily): the invitation hook never waits on the
database.

For the lead: `SurveyFeature(holder, store, dialogues, roles, where).router()` goes in
bot/app.py's routers right after the sessions' router (its step before the answers, its
`after` after the dialogues'); call its `refresh()` daily.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any

from bot.core.commands import Command
from bot.core.dialogues import Choice, Dialogues, Form, NotAccepted, Step, pick
from bot.core.forms import numbered
from bot.core.literal import literal
from bot.core.messages import Choice as Button
from bot.core.messages import Lang, Outcome, Reply
from bot.core.roles import Roles
from bot.core.router import Router
from bot.core.texts import t
from bot.core.turn import Turn
from bot.features.feedback import MAX_TEXT, redacted_answer
from bot.features.feedback_crime import mentions_crime
from bot.features.survey_open import OpenSurveys, private
from bot.features.survey_results import items, options
from bot.features.survey_staff import SurveyStaff
from bot.features.whereabouts import Whereabouts
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.render import day
from bot.knowledge.schema import SurveyQuestion
from bot.store.ports import SurveyRepo
from bot.store.records import SurveyAnswer
from bot.text.lang import base
from bot.text.numbers import read_int

START_WORDS = 8  # a start phrase in a longer message is part of something else
_START = re.compile(r"\b(?:(?:jag vill |vill )?svara pa enkaten|trygghetsenkat(?:en)?|"
                    r"(?:i want to |i'd like to )?(?:answer|take) the (?:safety )?survey)\b")
# A message about the survey ("vad är det för enkät?", "hur svarar man på enkäten?"): while
# one is open it is answered about the open survey, or started when the person wants to
# answer; with none open the knowledge base's answer (what a trygghetsmätning is) stands.
ABOUT_WORDS = 14
_SURVEY_WORD = re.compile(r"\b(?:\w*enkat(?:en|er|erna)?|trygghets(?:undersokning|matning|frag)\w*"
                          r"|fragor(?:na)? om (?:trygghet\w*|hur trygg)"
                          r"|undersokningen|(?:safety )?survey|questionnaire)\b")
_WANTS = re.compile(r"\b(?:svara\w*|delta\w*|vara med|fylla i|fyller i|ga med|gora den"
                    r"|take|fill|answer|participate|join|do it|do the)\b")
_NUMBERS = re.compile(r"[\s,;.&+]+|\boch\b|\band\b")
_NAMES = re.compile(r"[,;\n]+")
TEXTS = ("svy_text_words", "svy_about", "svy_title", "svy_private", "svy_none_open",
         "svy_next", "svy_last",
         "svy_already", "svy_closed_meanwhile", "svy_saved", "svy_no_questions",
         "svy_invite", "svy_invite_button", "svy_rank_hint", "svy_rank_bad",
         "svy_rank_many", "svy_skipped", "svy_summary", "svy_not_a_report", "svy_yes",
         "svy_no", "svy_scale_1", "svy_scale_2", "svy_scale_3", "svy_scale_4",
         "svy_scale_5")


@dataclasses.dataclass(frozen=True, slots=True)
class RankStep(Step):
    """A free-text step that takes up to `pick` of `options` in order ("2, 5, 1")."""

    options: tuple[Choice, ...] = ()
    pick: int = 3


class SurveyForm(Form):
    key = "survey"
    name = "Survey"

    def __init__(self, holder: KnowledgeHolder, store: SurveyRepo, surveys: OpenSurveys,
                 where: Callable[[Turn], str | None] | None = None) -> None:
        self.holder = holder
        self.store = store
        self.surveys = surveys
        self.where = where or (lambda turn: None)

    def kb_of(self, ident: str | None) -> KnowledgeBase:
        return self.holder.area.bases.get(ident or "") or self.holder.kb

    def _questions(self, ident: str | None) -> list[SurveyQuestion]:
        survey = self.kb_of(ident).data.survey
        return list(survey.questions) if survey is not None else []

    def begin(self, turn: Turn) -> dict[str, Any]:
        ident = self.kb_of(self.where(turn)).id or ""
        survey = self.surveys.open_for(ident, turn.today)
        return {"municipality": ident, "survey": survey.id if survey else None}

    def refuse(self, turn: Turn) -> str | None:
        return refusal(self, turn)

    def steps(self, turn: Turn) -> Sequence[Step]:
        ident = self.where(turn)
        kb, lang = self.kb_of(ident), turn.lang
        return tuple(_step(q, kb, lang) for q in self._questions(ident))

    def intro(self, turn: Turn) -> str:
        survey = self.kb_of(self.where(turn)).data.survey
        if survey is None:
            return ""
        intro = survey.intro.get(turn.lang) if survey.intro else ""
        return "\n\n".join(p for p in (f"**{survey.title.get(turn.lang)}**", intro) if p)

    def title(self, lang: Lang) -> str:
        return t("svy_title", lang)

    def accept(self, step: Step, text: str, lang: Lang) -> tuple[Any, str | None]:
        if isinstance(step, RankStep):
            return read_rank(step, text, lang), None
        if read_int(text) is not None:  # "3": a slip meant for a question before
            raise NotAccepted(t("svy_text_words", lang))
        return redacted_answer(self.holder, text, lang)

    def notice(self, step: Step, text: str, lang: Lang) -> str | None:
        if isinstance(step, RankStep):
            return None
        return t("svy_not_a_report", lang) if mentions_crime(text) else None

    def summary(self, data: dict[str, Any], lang: Lang) -> str:
        kb = self.kb_of(data.get("municipality"))
        lines = [t("svy_summary", lang)]
        for q in self._questions(data.get("municipality")):
            value = data.get(q.id)
            if value is None:
                shown = t("svy_skipped", lang)
            elif q.kind == "text":
                lines.append(f"- {q.text.get(lang)}")
                lines.extend(f"> {literal(line)}" if line.strip() else ">"
                             for line in str(value).splitlines())
                continue
            else:
                labels = dict(options(q, kb, lang))
                picked = value if isinstance(value, list) else [value]
                shown = ", ".join(labels.get(str(v), str(v)) for v in picked)
            lines.append(f"- {q.text.get(lang)} **{shown}**")
        return "\n".join(lines)

    async def finish(self, data: dict[str, Any], turn: Turn) -> str:
        ident = data.get("municipality") or ""
        survey = self.surveys.open_for(ident, turn.today)
        if survey is None or survey.id is None or survey.id != data.get("survey"):
            return t("svy_closed_meanwhile", turn.lang)
        if self.surveys.answered(survey.id, turn):
            return t("svy_already", turn.lang)
        answers: dict[str, int | str | list[str]] = {}
        for q in self._questions(ident):
            value = data.get(q.id)
            if value is None:
                continue
            answers[q.id] = int(value) if q.kind == "scale" else value
        await self.store.add_survey_answer(SurveyAnswer(
            survey=survey.id, answers=answers, lang="en" if base(turn.lang) == "en" else "sv",
            municipality=ident))
        self.surveys.note_answered(survey.id, turn)
        return t("svy_saved", turn.lang)


def refusal(form: SurveyForm, turn: Turn) -> str | None:
    """Why this conversation cannot answer the survey now, or None."""
    if not private(turn):
        return t("svy_private", turn.lang)
    ident = form.kb_of(form.where(turn)).id or ""
    if form.kb_of(ident).data.survey is None:
        return t("svy_no_questions", turn.lang)
    survey = form.surveys.open_for(ident, turn.today)
    if survey is None or survey.id is None:
        last, coming = form.surveys.last_and_next(ident, turn.today)
        lines = [t("svy_none_open", turn.lang)]
        if coming is not None:
            lines.append(t("svy_next", turn.lang, opens=coming.opens.isoformat(),
                           closes=coming.closes.isoformat()))
        elif last is not None:
            # Closed by staff on a day: that day took no more answers.
            ended = (min(last.closes, last.closed - dt.timedelta(days=1))
                     if last.closed else last.closes)
            lines.append(t("svy_last", turn.lang, opens=last.opens.isoformat(),
                           closes=max(ended, last.opens).isoformat()))
        return " ".join(lines)
    if form.surveys.answered(survey.id, turn):
        return t("svy_already", turn.lang)
    return None


def _step(q: SurveyQuestion, kb: KnowledgeBase, lang: Lang) -> Step:
    question = _text(q, lang)
    if q.kind == "text":
        return Step(q.id, question, optional=True, max_chars=MAX_TEXT, incident=True)
    listed = tuple(Choice(ident, {"sv": label_sv, "en": label_en}, words)
                   for (ident, label_sv), (_, label_en), words in zip(
                       options(q, kb, "sv", plain=True), options(q, kb, "en", plain=True),
                       _words(q, kb), strict=True))
    if q.kind != "rank":
        return Step(q.id, question, listed, optional=q.optional)
    # The options in the question itself: the engine shows it in bold, so the list and
    # the hint close the bold first and open it again.
    asked = {code: f"{question[code]}**\n\n{numbered(listed, code)}\n\n"
                   f"**{t('svy_rank_hint', code, pick=q.pick)}"
             for code in question}
    return RankStep(q.id, asked, optional=q.optional, max_chars=200, options=listed,
                    pick=q.pick)


def _words(q: SurveyQuestion, kb: KnowledgeBase) -> list[tuple[str, ...]]:
    if q.kind in ("choice", "rank"):
        return [tuple(item.words) for item in items(q, kb)]
    if q.kind == "yesno":
        return [("ja", "yes", "japp", "jo"), ("nej", "no", "nä")]
    return [() for _ in range(5)]


def _text(q: SurveyQuestion, lang: str) -> dict[Lang, str]:
    """The question in both languages the bot reads (lättläst where written)."""
    return {"sv": q.text.get(lang if base(lang) == "sv" else "sv"), "en": q.text.en}


def read_rank(step: RankStep, text: str, lang: Lang) -> list[str]:
    """Up to `step.pick` distinct options in order: numbers ("2, 5, 1", "2 5 1") or names
    ("trafik, narkotika"); NotAccepted with one line otherwise."""
    numbers = [p for p in _NUMBERS.split(text) if p]
    if numbers and all(p.isdigit() for p in numbers):
        found = [pick(step.options, p, lang) for p in numbers]
    else:  # names: comma-separated, else one a word ("trafik narkotika")
        found = [pick(step.options, p, lang) for p in _NAMES.split(text) if p.strip()]
        if not found or None in found:
            found = [pick(step.options, p, lang) for p in text.split()]
    if not found or None in found:
        raise NotAccepted(t("svy_rank_bad", lang, n=len(step.options), pick=step.pick))
    chosen = list(dict.fromkeys(f.value for f in found if f is not None))
    if len(chosen) > step.pick:
        raise NotAccepted(t("svy_rank_many", lang, pick=step.pick))
    return chosen


class SurveyStart:
    """/enkät for residents, the start phrases, and the invitation after an answer."""

    def __init__(self, form: SurveyForm, dialogues: Dialogues, roles: Roles,
                 where: Whereabouts | None = None) -> None:
        self.form = form
        self.dialogues = dialogues
        self.roles = roles
        self.where = where
        if where is not None:
            where.on_choice(form.key, self._begin)

    async def _begin(self, turn: Turn) -> Reply:
        await self.form.surveys.ensure(turn.now)
        if not private(turn):
            return Reply(t("svy_private", turn.lang), Outcome.DIALOGUE, turn.lang)
        return await self.dialogues.start(self.form.key, turn)

    async def start(self, turn: Turn) -> Reply:
        if (self.where is not None and private(turn) and self.where.should_ask(turn)):
            return await self.where.ask(turn, resume=self.form.key)
        return await self._begin(turn)

    async def step(self, turn: Turn) -> Reply | None:
        """The start said in words; on the way, the surveys are read (every FRESH)."""
        await self.form.surveys.ensure_quietly(turn.now)
        if len(turn.words) <= START_WORDS and _START.search(turn.folded):
            return await self.start(turn)
        if len(turn.words) <= ABOUT_WORDS and _SURVEY_WORD.search(turn.folded):
            return await self._about(turn)
        return None

    async def _about(self, turn: Turn) -> Reply | None:
        """A message about the survey while one is open: started when the person wants
        to answer, else what it is, with a button to start it; None when none is open."""
        ident = self.form.kb_of(self.form.where(turn)).id or ""
        survey = self.form.surveys.open_for(ident, turn.today)
        if survey is None:
            return None
        if _WANTS.search(turn.folded):
            return await self.start(turn)
        if survey.id is not None:  # told now: the invitation after an answer is not added
            self.form.surveys.invite_once(survey.id, turn)
        text = t("svy_about", turn.lang, kommun=self.form.kb_of(ident).short_name,
                 opens=day(survey.opens, turn.lang), closes=day(survey.closes, turn.lang))
        return Reply(text, Outcome.ANSWERED, turn.lang,
                     choices=(Button(t("svy_invite_button", turn.lang), "/enkät"),))

    def after(self, turn: Turn, reply: Reply) -> Reply:
        """One line inviting to the open survey, once a conversation, after an answer."""
        if reply.outcome is not Outcome.ANSWERED or not private(turn):
            return reply
        if self.dialogues.active(turn.msg.conversation) or self.roles.is_staff(turn):
            return reply
        named = self.form.where(turn)
        if named is None and len(self.form.holder.area) > 1:  # not known where: not asked
            return reply
        ident = self.form.kb_of(named).id or ""
        if self.form.kb_of(ident).data.survey is None:
            return reply
        survey = self.form.surveys.open_for(ident, turn.today)
        if survey is None or survey.id is None or self.form.surveys.answered(survey.id, turn):
            return reply
        if not self.form.surveys.invite_once(survey.id, turn):
            return reply
        lang = reply.lang
        button = Button(t("svy_invite_button", lang), "/enkät")
        return dataclasses.replace(reply, text=f"{reply.text}\n\n_{t('svy_invite', lang)}_",
                                   choices=(*reply.choices, button))


class SurveyFeature:
    """The survey's parts around one OpenSurveys: `router()` for the bot, `refresh()` for
    the daily job (a period that ended is noticed without it; one opened by another
    process is not)."""

    def __init__(self, holder: KnowledgeHolder, store: SurveyRepo, dialogues: Dialogues,
                 roles: Roles, where: Whereabouts | None = None) -> None:
        self.surveys = OpenSurveys(store, lambda: holder.kb.id or "")
        self.form = SurveyForm(holder, store, self.surveys,
                               where.municipality if where else None)
        self.start = SurveyStart(self.form, dialogues, roles, where)
        self.staff = SurveyStaff(holder, store, self.surveys, roles)

    async def refresh(self, day: dt.date | None = None) -> None:
        """Re-read the survey periods from the store (a daily job: `day` is unused)."""
        await self.surveys.refresh()

    async def _command(self, turn: Turn, args: str) -> Reply:
        if self.staff.takes(args):
            return await self.staff.run(turn, args)
        return await self.start.start(turn)

    def router(self) -> Router:
        """The survey form, /enkät (residents: start; staff: öppna, stäng, resultat,
        texter), the start in words (a step before the answers), the invitation (after)."""
        command = Command(name="enkät", aliases=("survey",), run=self._command,
                          summary="cmd_enkat")
        return Router("survey", commands=(command,), forms=(self.form,),
                      step=self.start.step, after=self.start.after, daily=(self.refresh,),
                      texts=(*TEXTS, *self.staff.texts))


def router(holder: KnowledgeHolder, store: SurveyRepo, dialogues: Dialogues, roles: Roles,
           where: Whereabouts | None = None) -> Router:
    """The survey's router (without a handle on `refresh`: SurveyFeature has one)."""
    return SurveyFeature(holder, store, dialogues, roles, where).router()
