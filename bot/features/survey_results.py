"""The chat safety survey's results: counts and shares per question, as they may be shown.

Pure (no store, no turn): `/enkät resultat` and the follow-up report both call `tally`,
then `markdown` or `csv_rows`. Each question's counts are one table protected on its own
(bot.privacy.small_cells: a count under 3 is "<3", one that would give a hidden one away
"..", and its share is hidden with it); shares are of those who answered the question.
A chat survey is no random sample: the text says so, with the margin ±1/√n for n answers.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.messages import Lang
from bot.core.texts import t
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.schema import ChoiceItem, SurveyQuestion
from bot.knowledge.schema import Survey as Questions
from bot.privacy.small_cells import SMALL, cell, is_suppressed, protect
from bot.store.records import SurveyAnswer
from bot.text.numbers import decimal

# The scale's labels (1 = very unsafe … 5 = very safe) and yes/no: catalogue keys.
SCALE = ("svy_scale_1", "svy_scale_2", "svy_scale_3", "svy_scale_4", "svy_scale_5")
YES, NO = "ja", "nej"
YESNO = ((YES, "svy_yes"), (NO, "svy_no"))

Row = tuple[str, str, str, str]  # choice id, label, count as shown, share as shown


@dataclass(frozen=True)
class QuestionResult:
    id: str
    kind: str
    text: str
    answered: int
    rows: list[Row]
    mean: float | None = None  # the scale's mean, with at least SMALL answers
    # rank: how often each option came first (the rows count it among the top picks)
    firsts: list[tuple[str, str, str]] | None = None


@dataclass(frozen=True)
class SurveyResults:
    title: str
    n: int
    margin: float | None  # 1/√n; None without answers
    questions: list[QuestionResult]


def options(question: SurveyQuestion, kb: KnowledgeBase | None, lang: Lang, *,
            plain: bool = False) -> list[tuple[str, str]]:
    """A question's options as (id, label in `lang`): the scale 1–5 ("4 – ganska trygg";
    `plain`: without the number, for a numbered list), ja/nej, its choices or the base's
    themes; none for free text."""
    if question.kind == "scale":
        return [(str(n), t(key, lang) if plain else f"{n} – {t(key, lang)}")
                for n, key in enumerate(SCALE, 1)]
    if question.kind == "yesno":
        return [(value, t(key, lang)) for value, key in YESNO]
    return [(item.id, item.label.get(lang)) for item in items(question, kb)]


def items(question: SurveyQuestion, kb: KnowledgeBase | None) -> list[ChoiceItem]:
    """The choices of a choice or rank question (the base's themes for `choices_from`)."""
    if question.choices_from == "themes":
        themes = kb.data.themes if kb is not None else []
        return [ChoiceItem(id=th.id, label=th.label) for th in themes]
    return list(question.choices)


def _share(count: int, answered: int, shown: str) -> str:
    if is_suppressed(shown) or not answered:
        return shown if is_suppressed(shown) else "–"
    return f"{round(100 * count / answered)} %"


def _table(counts: Counter[str], listed: list[tuple[str, str]], answered: int) -> list[Row]:
    table = {ident: counts.get(ident, 0) for ident, _ in listed}
    shown = protect(table)
    return [(ident, label, shown.cells[ident], _share(table[ident], answered,
                                                     shown.cells[ident]))
            for ident, label in listed]


def _question(question: SurveyQuestion, answers: Sequence[SurveyAnswer],
              kb: KnowledgeBase | None, lang: Lang) -> QuestionResult:
    given = [a.answers[question.id] for a in answers
             if a.answers.get(question.id) not in (None, "", [])]
    listed = options(question, kb, lang)
    known = {ident for ident, _ in listed}
    text = question.text.get(lang)
    if question.kind == "text":
        return QuestionResult(question.id, question.kind, text, len(given), [])
    if question.kind == "rank":
        picks = [[str(v) for v in g if str(v) in known] for g in given
                 if isinstance(g, list)]
        picks = [p for p in picks if p]
        among = Counter(ident for p in picks for ident in dict.fromkeys(p))
        first = protect({ident: sum(1 for p in picks if p[0] == ident) for ident, _ in listed})
        return QuestionResult(question.id, question.kind, text, len(picks),
                              _table(among, listed, len(picks)),
                              firsts=[(ident, label, first.cells[ident])
                                      for ident, label in listed])
    values = [str(g) for g in given if str(g) in known]
    rows = _table(Counter(values), listed, len(values))
    mean = None
    # The mean with the counts would give a hidden cell away (5, 5, 1: "<3", "<3", 3,7
    # fits only 2 and 1): shown only when no cell of the question is hidden.
    if (question.kind == "scale" and len(values) >= SMALL
            and not any(is_suppressed(count) for _, _, count, _ in rows)):
        mean = sum(int(v) for v in values) / len(values)
    return QuestionResult(question.id, question.kind, text, len(values), rows, mean)


def tally(survey: Questions, answers: Sequence[SurveyAnswer], kb: KnowledgeBase | None,
          lang: Lang) -> SurveyResults:
    """The results of `answers` to `survey`'s questions (an answer to a question the
    survey no longer has is left out), labelled in `lang`."""
    n = len(answers)
    return SurveyResults(survey.title.get(lang), n, 1 / math.sqrt(n) if n else None,
                         [_question(q, answers, kb, lang) for q in survey.questions])


def margin_points(results: SurveyResults) -> int | None:
    """The margin in percentage points, rounded: round(100/√n)."""
    return round(100 * results.margin) if results.margin is not None else None


def markdown(results: SurveyResults, lang: Lang) -> str:
    """The results as the chat and the report show them."""
    lines = [f"**{results.title}** – " + t("svy_res_n", lang, n=cell(results.n))]
    if not results.n:
        return "\n\n".join([*lines, t("svy_res_none", lang)])
    suppressed = False
    for q in results.questions:
        head = f"**{q.text}** ({t('svy_res_answered', lang, n=cell(q.answered))})"
        if q.kind == "text" or not q.answered:
            lines.append(head + ("\n" + t("svy_res_texts", lang) if q.kind == "text"
                                 and q.answered else ""))
            continue
        rows = [f"- {label}: {count} ({share})" for _, label, count, share in q.rows]
        suppressed = suppressed or any(is_suppressed(r[2]) for r in q.rows)
        if q.kind == "rank":
            rows.insert(0, t("svy_res_rank", lang))
            firsts = ", ".join(f"{label} {count}" for _, label, count in q.firsts or ()
                               if count != "0")
            if firsts:
                rows.append(t("svy_res_firsts", lang, firsts=firsts))
        if q.mean is not None:
            rows.append(t("svy_res_mean", lang, mean=decimal(q.mean, lang)))
        elif q.kind == "scale" and q.answered >= SMALL:
            rows.append(t("svy_res_mean_hidden", lang))
        lines.append("\n".join([head, *rows]))
    if suppressed:
        lines.append(t("fbs_legend", lang))
    if results.n < SMALL:  # the margin would tell 1 from 2
        lines.append(t("svy_res_few", lang))
    else:
        lines.append(t("svy_res_uncertainty", lang, n=results.n,
                       points=margin_points(results)))
    return "\n\n".join(lines)


def csv_rows(results: SurveyResults) -> list[list[str]]:
    """A header (question, option, count, share) and a row an option of each question;
    the counts and shares as shown (suppressed ones as "<3" or "..")."""
    rows = [["question", "option", "count", "share"]]
    for q in results.questions:
        rows.extend([q.text, label, count, share] for _, label, count, share in q.rows)
    return rows
