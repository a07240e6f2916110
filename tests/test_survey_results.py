"""The survey's results (pure): counts and shares, suppression, rank, mean, the margin,
Markdown and CSV; and reading a ranking ("2, 5, 1")."""

from __future__ import annotations

import pytest

from bot.core.dialogues import NotAccepted
from bot.features.survey import RankStep, SurveyForm, _step
from bot.features.survey_results import csv_rows, markdown, tally
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.schema import Survey
from bot.store.records import SurveyAnswer


@pytest.fixture
def kb(shipped_holder: KnowledgeHolder) -> KnowledgeBase:
    return shipped_holder.area.bases["asele"]


@pytest.fixture
def questions(kb: KnowledgeBase) -> Survey:
    assert kb.data.survey is not None
    return kb.data.survey


def answers(*sets: dict[str, int | str | list[str]]) -> list[SurveyAnswer]:
    return [SurveyAnswer(1, dict(a), "sv", "asele") for a in sets]


def by_id(results: object, qid: str) -> object:
    return next(q for q in results.questions if q.id == qid)  # type: ignore[attr-defined]


def test_counts_and_shares_of_those_who_answered(questions: Survey, kb: KnowledgeBase) -> None:
    sets = [{"trygg-kvall": 4, "undvikit": "ja"}] * 6 + [{"trygg-kvall": 2}] * 4
    results = tally(questions, answers(*sets), kb, "sv")
    assert results.n == 10 and results.margin == pytest.approx(10 ** -0.5)
    scale = by_id(results, "trygg-kvall")
    assert scale.answered == 10 and scale.mean == pytest.approx(3.2)
    rows = {r[0]: r[2:] for r in scale.rows}
    assert rows["4"] == ("6", "60 %") and rows["2"] == ("4", "40 %") and rows["1"] == ("0", "0 %")
    yesno = by_id(results, "undvikit")
    assert yesno.answered == 6 and {r[0]: r[2:] for r in yesno.rows}["ja"] == ("6", "100 %")


def test_small_cells_hide_the_count_and_the_share(questions: Survey, kb: KnowledgeBase) -> None:
    sets = [{"oro": "trafik"}] * 5 + [{"oro": "vald"}] + [{"trygg-kvall": 5}] * 2
    results = tally(questions, answers(*sets), kb, "sv")
    rows = {r[0]: r[2:] for r in by_id(results, "oro").rows}
    # 6 answers, 5 of them "trafik": showing 5 would give the single one away
    assert rows["vald"] == ("<3", "<3") and rows["trafik"] == ("..", "..")
    assert rows["bedragerier"] == ("0", "0 %")
    assert by_id(results, "trygg-kvall").mean is None  # two answers: no mean
    text = markdown(results, "sv")
    assert "Våld och hot: <3 (<3)" in text and "<3 betyder 1 eller 2" in text


def test_rank_counts_top_picks_and_first_places(questions: Survey, kb: KnowledgeBase) -> None:
    themes = [th.id for th in kb.data.themes]
    a, b, c = themes[:3]
    sets = [{"prioritera": [a, b]}] * 4 + [{"prioritera": [b, c, a]}] * 3
    rank = by_id(tally(questions, answers(*sets), kb, "sv"), "prioritera")
    assert rank.answered == 7
    rows = {r[0]: r[2:] for r in rank.rows}
    assert rows[a] == ("7", "100 %") and rows[b] == ("7", "100 %") and rows[c] == ("3", "43 %")
    firsts = {ident: count for ident, _, count in rank.firsts}
    assert firsts[a] == "4" and firsts[b] == "3" and firsts[c] == "0"


def test_answers_to_unknown_questions_or_options_are_left_out(questions: Survey,
                                                              kb: KnowledgeBase) -> None:
    sets = [{"gammal-fraga": "x", "oro": "finns-inte", "trygg-kvall": 3}] * 3
    results = tally(questions, answers(*sets), kb, "sv")
    assert by_id(results, "oro").answered == 0
    assert by_id(results, "trygg-kvall").answered == 3


def test_markdown_states_the_uncertainty(questions: Survey, kb: KnowledgeBase) -> None:
    text = markdown(tally(questions, answers(*[{"trygg-kvall": 3}] * 25), kb, "sv"), "sv")
    assert "inget slumpmässigt urval" in text and "Med 25 svar" in text and "±20 " in text
    english = markdown(tally(questions, answers(*[{"trygg-kvall": 3}] * 100), kb, "en"), "en")
    assert "not a random sample" in english and "±10 percentage points" in english
    two = markdown(tally(questions, answers(*[{"trygg-kvall": 3}] * 2), kb, "sv"), "sv")
    assert "Färre än 3 svar" in two and "±" not in two and "<3 svar" in two
    empty = markdown(tally(questions, [], kb, "sv"), "sv")
    assert "Inga svar än" in empty and "±" not in empty


def test_csv_rows(questions: Survey, kb: KnowledgeBase) -> None:
    rows = csv_rows(tally(questions, answers(*[{"trygg-kvall": 4}] * 3), kb, "sv"))
    assert rows[0] == ["question", "option", "count", "share"]
    scale = [r for r in rows[1:] if r[0].startswith("Hur trygg")]
    assert len(scale) == 5 and scale[3][1:] == ["4 – ganska trygg", "3", "100 %"]
    assert all(len(r) == 4 for r in rows)
    assert not any(r[0].startswith("Vill du berätta") for r in rows)  # free text: no rows


# ------------------------------------------------------------------ reading a ranking
@pytest.fixture
def rank(questions: Survey, kb: KnowledgeBase) -> RankStep:
    step = _step(next(q for q in questions.questions if q.kind == "rank"), kb, "sv")
    assert isinstance(step, RankStep)
    return step


@pytest.mark.parametrize(("text", "picked"), [
    ("2, 5, 1", [2, 5, 1]), ("2 5 1", [2, 5, 1]), ("3", [3]), ("2 och 4", [2, 4]),
    ("2, 2, 1", [2, 1]), ("1;3", [1, 3])])
def test_rank_by_numbers(rank: RankStep, kb: KnowledgeBase, text: str,
                         picked: list[int]) -> None:
    themes = [th.id for th in kb.data.themes]
    form = SurveyForm.__new__(SurveyForm)
    assert form.accept(rank, text, "sv")[0] == [themes[i - 1] for i in picked]


def test_rank_by_names(rank: RankStep) -> None:
    form = SurveyForm.__new__(SurveyForm)
    assert form.accept(rank, "narkotika, trafik", "sv")[0] == ["narkotika", "trafik"]
    assert form.accept(rank, "trafik narkotika", "sv")[0] == ["trafik", "narkotika"]
    assert form.accept(rank, "barn och unga, trafik", "sv")[0] == ["unga", "trafik"]


@pytest.mark.parametrize(("text", "says"), [
    ("banan", "Det kunde jag inte läsa"), ("99", "Det kunde jag inte läsa"),
    ("1 2 3 4", "högst 3"), ("0", "Det kunde jag inte läsa")])
def test_rank_refused_in_one_line(rank: RankStep, text: str, says: str) -> None:
    form = SurveyForm.__new__(SurveyForm)
    with pytest.raises(NotAccepted) as refused:
        form.accept(rank, text, "sv")
    assert says in refused.value.message and "\n" not in refused.value.message
