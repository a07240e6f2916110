"""Staff's side of the chat safety survey: /enkät öppna, stäng, resultat, texter.

Each works within the staff member's scope (Roles.scope, staff_scope.covered): Dorotea's
staff open, close and read Dorotea's surveys only. One survey a municipality at a time;
the results are bot.features.survey_results (small cells suppressed), the free texts are
shown redacted again and literal (as /synpunkter shows feedback), only from 3 answers.
"""

from __future__ import annotations

import datetime as dt

from bot.core.messages import Outcome, Reply
from bot.core.roles import Roles
from bot.core.texts import t
from bot.core.turn import Turn
from bot.features.chat_size import cut
from bot.features.command_args import read_id, shown_id
from bot.features.dates import DateProblem, coming_time, explain, find_dates
from bot.features.feedback_staff import shown
from bot.features.place_words import place_words
from bot.features.staff_scope import Covered, base_of, covered, display, not_yours
from bot.features.survey_open import OpenSurveys
from bot.features.survey_results import markdown, tally
from bot.knowledge.holder import KnowledgeHolder
from bot.privacy.small_cells import SMALL
from bot.store.ports import SurveyRepo
from bot.store.records import Survey
from bot.text.normalize import fold

DEFAULT_DAYS = 30  # a survey opened without an end runs this long
MAX_DAYS = 366  # a longer period is a typo
AHEAD_YEARS = 1  # a survey opens at most this far ahead
_SUBCOMMANDS = {"oppna": "open", "open": "open", "stang": "close", "close": "close",
                "resultat": "results", "results": "results", "texter": "texts",
                "texts": "texts"}
_DATE_KEYS = {"past": "svy_date_past", "too_far": "svy_date_too_far"}
TEXTS = ("svy_res_running", "svy_res_mean_hidden", "svy_date_past", "svy_date_too_far",
         "svy_which", "svy_opened", "svy_open_already", "svy_dates_order",
         "svy_too_long", "svy_none_to_close", "svy_closed", "svy_no_survey",
         "svy_res_head", "svy_texts_head", "svy_texts_few", "svy_texts_none",
         "svy_res_n", "svy_res_none", "svy_res_answered", "svy_res_texts", "svy_res_rank",
         "svy_res_firsts", "svy_res_mean", "svy_res_uncertainty", "svy_res_few", "svy_none_with_id",
         "svy_no_surveys_yet", "cmd_enkat")


def _line(key: str, turn: Turn, **values: object) -> Reply:
    return Reply(t(key, turn.lang, **values), Outcome.COMMAND, turn.lang)


class SurveyStaff:
    texts = TEXTS

    def __init__(self, holder: KnowledgeHolder, store: SurveyRepo, surveys: OpenSurveys,
                 roles: Roles) -> None:
        self.holder = holder
        self.store = store
        self.surveys = surveys
        self.roles = roles

    @staticmethod
    def takes(args: str) -> bool:
        """Whether `args` name a staff subcommand ("öppna 2027-01-15 2027-02-28")."""
        head = fold(args.split()[0]) if args.split() else ""
        return head in _SUBCOMMANDS

    async def run(self, turn: Turn, args: str) -> Reply:
        if not self.roles.is_staff(turn):
            return _line("not_allowed", turn)
        head, _, rest = args.strip().partition(" ")
        cover = covered(self.holder.area, self.roles.scope(turn), turn, rest)
        if isinstance(cover, Reply):
            return cover
        await self.surveys.refresh()  # another process may have opened or closed one
        what = _SUBCOMMANDS[fold(head)]
        if what == "open":
            return await self.open(turn, cover)
        if what == "close":
            return await self.close(turn, cover)
        return await self.results(turn, cover, texts=what == "texts")

    def _name(self, ident: str) -> str:
        area = self.holder.area
        return display(area, ident) if len(area) > 1 else \
            self.holder.kb.data.municipality.short_name

    def _current(self, ident: str, today: dt.date) -> Survey | None:
        """The survey of `ident` running or still to come (not closed, not over)."""
        return next((s for s in self.surveys.of(ident) if s.closed is None
                     and s.closes >= today), None)

    async def open(self, turn: Turn, cover: Covered) -> Reply:
        if len(cover.ids) != 1:
            return _line("svy_which", turn, command="/enkät öppna")
        ident = cover.ids[0]
        if base_of(self.holder.area, ident, self.holder.kb).data.survey is None:
            return _line("svy_no_survey", turn, name=self._name(ident))
        days = self._dates(turn, cover.rest)
        if isinstance(days, Reply):
            return days
        opens, closes = days
        running = self._current(ident, turn.today)
        if running is not None:
            return _line("svy_open_already", turn, name=self._name(ident),
                         opens=running.opens.isoformat(), closes=running.closes.isoformat())
        survey_id = await self.store.add_survey(Survey(ident, opens, closes))
        await self.surveys.refresh()
        return _line("svy_opened", turn, id=survey_id, name=self._name(ident),
                     opens=opens.isoformat(), closes=closes.isoformat())

    def _dates(self, turn: Turn, words: str) -> tuple[dt.date, dt.date] | Reply:
        found = []
        for match in find_dates(words)[:2]:
            when = coming_time(match[0], turn.now, AHEAD_YEARS)
            if isinstance(when, DateProblem):
                # A survey's days, not a meeting's time: its own hint for these two.
                key = _DATE_KEYS.get(when.problem)
                text = (t(key, turn.lang, words=when.words, years=AHEAD_YEARS) if key
                        else explain(when, turn.lang, AHEAD_YEARS))
                return Reply(text, Outcome.COMMAND, turn.lang)
            if when is not None:
                found.append(when.date())
        opens = found[0] if found else turn.today
        closes = found[1] if len(found) > 1 else opens + dt.timedelta(days=DEFAULT_DAYS)
        if closes < opens:
            return _line("svy_dates_order", turn, opens=opens.isoformat(),
                         closes=closes.isoformat())
        if (closes - opens).days > MAX_DAYS:
            return _line("svy_too_long", turn, days=MAX_DAYS)
        return opens, closes

    async def close(self, turn: Turn, cover: Covered) -> Reply:
        running = [(ident, s) for ident in cover.ids
                   if (s := self._current(ident, turn.today)) is not None]
        if not running:
            return _line("svy_none_to_close", turn)
        if len(running) > 1:
            return _line("svy_which", turn, command="/enkät stäng")
        ident, survey = running[0]
        assert survey.id is not None
        closed = await self.store.close_survey(survey.id, turn.today)
        self.surveys.forget(survey.id)
        await self.surveys.refresh()
        n = len(await self.store.survey_answers(survey.id))
        return _line("svy_closed", turn, id=survey.id, name=self._name(ident),
                     opens=closed.opens.isoformat(), closes=turn.today.isoformat(), n=n)

    async def results(self, turn: Turn, cover: Covered, *, texts: bool) -> Reply:
        picked = self._picked(turn, cover)
        if isinstance(picked, Reply):
            return picked
        parts = []
        for survey in picked:
            ident = survey.municipality or self.surveys.home()
            kb = base_of(self.holder.area, ident, self.holder.kb)
            answers = await self.store.survey_answers(survey.id or 0)
            head = t("svy_res_head", turn.lang, id=survey.id, name=self._name(ident),
                     opens=survey.opens.isoformat(),
                     closes=(survey.closed or survey.closes).isoformat())
            questions = kb.data.survey
            if questions is None:
                parts.append(head + "\n\n" + t("svy_no_survey", turn.lang,
                                                 name=self._name(ident)))
                continue
            if survey.open_on(turn.today):
                # Results while it runs would tell, asked before and after, what the one
                # person who answered in between said: the count only, until it closes.
                parts.append(head + "\n\n" + t("svy_res_running", turn.lang,
                                                 n=len(answers)))
                continue
            if not texts:
                parts.append(head + "\n\n" + markdown(tally(questions, answers, kb,
                                                            turn.lang), turn.lang))
                continue
            ids = [q.id for q in questions.questions if q.kind == "text"]
            written = [str(a.answers[i]) for a in answers for i in ids
                       if isinstance(a.answers.get(i), str) and a.answers[i]]
            if not written:
                parts.append(head + "\n\n" + t("svy_texts_none", turn.lang))
            elif len(answers) < SMALL:
                parts.append(head + "\n\n" + t("svy_texts_few", turn.lang))
            else:
                keep = place_words(kb)
                parts.append("\n\n".join([head, t("svy_texts_head", turn.lang,
                                                  n=len(written)),
                                          *("> " + shown(w, keep) for w in written)]))
        return Reply(cut("\n\n".join(parts), t("fbs_cut", turn.lang)), Outcome.COMMAND,
                     turn.lang)

    def _picked(self, turn: Turn, cover: Covered) -> list[Survey] | Reply:
        """The survey asked for by id (within the scope), else each covered
        municipality's latest."""
        wanted = read_id(cover.rest) if cover.rest else None
        if wanted is not None:
            digits, number, _ = wanted
            found = next((s for ident in self.holder.area.files()
                          for s in self.surveys.of(ident) if s.id == number), None)
            if found is None:
                return _line("svy_none_with_id", turn, id=shown_id(digits))
            ident = found.municipality or self.surveys.home()
            if ident not in cover.ids:
                return not_yours(self.holder.area, self.roles.scope(turn), ident, turn)
            return [found]
        latest = [self.surveys.of(ident)[-1] for ident in cover.ids if self.surveys.of(ident)]
        if not latest:
            return _line("svy_no_surveys_yet", turn)
        return latest
