"""Survey periods and their anonymous answers (`records.Survey`, `records.SurveyAnswer`).

An answer set is anonymous as feedback is: the survey, the answers, the language and the
municipality are all that is kept (no sender, room, event, day or time of day; the survey
period is the only time). The answers are one JSON object: question id -> a scale step
1..5, a text (a choice id, or free text already redacted by the caller) or a list of
choice ids (a ranking). Each row belongs to one municipality; an answer's is its survey's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Collection, Mapping

from bot.store.checks import checked_municipality_id, checked_text, is_id, no_home, plain_date
from bot.store.database import Database, Executor, Query, Row, as_date
from bot.store.records import LANGUAGES, Survey, SurveyAnswer
from bot.store.staff import record_id

MAX_QUESTIONS = 50
MAX_ANSWER_TEXT = 2000
MAX_RANKED = 10

COLUMNS = "id, municipality, opens, closes, closed"
ANSWER_COLUMNS = "id, survey, municipality, answers, lang"


class SurveyRepository:
    def __init__(self, db: Database, home: Callable[[], str] = no_home) -> None:
        self._db = db
        self._home = home

    async def add_survey(self, survey: Survey) -> int:
        """Store `survey` (its id is ignored; municipality "" is the home) and return the
        new id. ValueError when a field is wrong."""
        s = checked_survey(survey, self._home())
        new_id = await self._db.fetchval(
            "INSERT INTO surveys (municipality, opens, closes, closed)"
            " VALUES ($1, $2, $3, $4) RETURNING id",
            s.municipality, s.opens, s.closes, s.closed)
        return int(new_id)

    async def get_survey(self, survey_id: int) -> Survey | None:
        rid = record_id(survey_id, "survey id")
        if rid is None:
            return None
        row = await self._db.fetchrow(f"SELECT {COLUMNS} FROM surveys WHERE id = $1", rid)
        return None if row is None else _survey(row)

    async def list_surveys(self, *, municipalities: Collection[str] | None = None
                           ) -> list[Survey]:
        """The surveys of `municipalities` (None: all; empty: none), by opens then id."""
        query = Query()
        query.within(municipalities)
        rows = await self._db.fetch(
            f"SELECT {COLUMNS} FROM surveys{query.sql} ORDER BY opens, id", *query.args)
        return [_survey(row) for row in rows]

    async def close_survey(self, survey_id: int, day: dt.date) -> Survey:
        """Close the survey on `day` and return it as stored; a survey closed before keeps
        its first close day. KeyError when there is none."""
        day = plain_date(day, "survey close day")
        rid = record_id(survey_id, "survey id")
        row = None
        if rid is not None:
            row = await self._db.fetchrow(
                "UPDATE surveys SET closed = COALESCE(closed, $1) WHERE id = $2"
                f" RETURNING {COLUMNS}", day, rid)
        if row is None:
            raise KeyError(f"no survey {survey_id}")
        return _survey(row)

    async def add_survey_answer(self, answer: SurveyAnswer) -> int:
        """Store one resident's answers to a survey and return the new id. The answer
        belongs to its survey's municipality (municipality "" is that one; another one is
        a ValueError); KeyError when there is no such survey. Whether the survey is open
        is the caller's business."""
        a = checked_survey_answer(answer)
        rid = record_id(a.survey, "survey answer survey")
        async with self._db.transaction("survey answer") as tx:
            municipality = None if rid is None else await tx.fetchval(
                "SELECT municipality FROM surveys WHERE id = $1", rid)
            if municipality is None:
                raise KeyError(f"no survey {a.survey}")
            if a.municipality and a.municipality != municipality:
                raise ValueError("survey answer municipality is not its survey's")
            new_id = await tx.fetchval(
                "INSERT INTO survey_answers (survey, municipality, answers, lang)"
                " VALUES ($1, $2, $3, $4) RETURNING id",
                rid, municipality, answers_json(a.answers), a.lang)
        return int(new_id)

    async def survey_answers(self, survey_id: int) -> list[SurveyAnswer]:
        """Every answer set of the survey, by id; [] for an unknown survey."""
        rid = record_id(survey_id, "survey id")
        if rid is None:
            return []
        rows = await self._db.fetch(
            f"SELECT {ANSWER_COLUMNS} FROM survey_answers WHERE survey = $1 ORDER BY id",
            rid)
        return [_answer(row) for row in rows]


async def adopt(tx: Executor, municipality: str) -> int:
    """Give the surveys and answers that have no municipality `municipality`; how many."""
    changed = 0
    for table in ("surveys", "survey_answers"):
        changed += await tx.execute(
            f"UPDATE {table} SET municipality = $1 WHERE municipality = ''", municipality)
    return changed


# -- checks on the way in --------------------------------------------------------------


def checked_survey(survey: Survey, home: object = "") -> Survey:
    """`survey` as the store adds it, or ValueError naming the field that is wrong."""
    if not isinstance(survey, Survey):
        raise ValueError("not a Survey")
    opens = plain_date(survey.opens, "survey opens")
    closes = plain_date(survey.closes, "survey closes")
    if closes < opens:
        raise ValueError("survey closes before it opens")
    closed = None if survey.closed is None else plain_date(survey.closed, "survey closed")
    return dataclasses.replace(
        survey, opens=opens, closes=closes, closed=closed, id=None,
        municipality=checked_municipality_id(survey.municipality, home,
                                             "survey municipality"))


def checked_survey_answer(answer: SurveyAnswer) -> SurveyAnswer:
    """`answer` with every field checked (its municipality may still be "")."""
    if not isinstance(answer, SurveyAnswer):
        raise ValueError("not a SurveyAnswer")
    if type(answer.survey) is not int:  # True is not an id
        raise ValueError("survey answer survey must be an int")
    if answer.lang not in LANGUAGES:
        raise ValueError("survey answer lang must be 'sv' or 'en'")
    return dataclasses.replace(
        answer, answers=checked_answers(answer.answers), id=None,
        municipality=checked_municipality_id(answer.municipality, "",
                                             "survey answer municipality"))


def checked_answers(answers: object) -> dict[str, int | str | list[str]]:
    """Question id -> int 1..5 | text of at most MAX_ANSWER_TEXT characters | list of at
    most MAX_RANKED distinct choice ids; ValueError naming the question, never a value."""
    if not isinstance(answers, Mapping):
        raise ValueError("survey answers must be a mapping of question id to answer")
    if len(answers) > MAX_QUESTIONS:
        raise ValueError(f"survey answers: more than {MAX_QUESTIONS} questions")
    checked: dict[str, int | str | list[str]] = {}
    for question, value in answers.items():
        if not is_id(question):
            raise ValueError("survey answers: a question must be an id such as 'trygghet'")
        what = f"survey answer to {question}"
        if type(value) is int:  # bool is an int subclass; True is no step on a scale
            if not 1 <= value <= 5:
                raise ValueError(f"{what} must be 1..5")
            checked[question] = value
        elif isinstance(value, str):
            checked[question] = checked_text(value, what, MAX_ANSWER_TEXT)
        elif isinstance(value, list | tuple):
            if len(value) > MAX_RANKED:
                raise ValueError(f"{what} ranks more than {MAX_RANKED} choices")
            if not all(is_id(choice) for choice in value):
                raise ValueError(f"{what}: a ranked choice must be an id")
            if len(set(value)) != len(value):
                raise ValueError(f"{what} ranks a choice twice")
            checked[question] = list(value)
        else:
            raise ValueError(f"{what} must be an int 1..5, a string or a list of ids")
    return checked


def answers_json(answers: Mapping[str, int | str | list[str]]) -> str:
    return json.dumps(answers, ensure_ascii=False, separators=(",", ":"))


def answers_from_json(text: str) -> dict[str, int | str | list[str]]:
    """The answers as stored, by question id (JSONB keeps no order, so neither database
    does)."""
    return dict(sorted(json.loads(text).items()))


def _survey(row: Row) -> Survey:
    closed = row["closed"]
    return Survey(row["municipality"], as_date(row["opens"]), as_date(row["closes"]),
                  None if closed is None else as_date(closed), id=row["id"])


def _answer(row: Row) -> SurveyAnswer:
    return SurveyAnswer(row["survey"], answers_from_json(row["answers"]), row["lang"],
                        municipality=row["municipality"], id=row["id"])
