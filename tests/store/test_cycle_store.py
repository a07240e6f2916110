"""The medborgarlöfte's cycle in the store (migration 8): surveys and their anonymous
answers, digests (draft, then published) and reminders marked once; every test runs on
every backend."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
from typing import Any

import pytest

from bot.core.clock import FixedClock
from bot.store import Feedback, Store, StoreError, migrations, open_store
from bot.store.database import as_date
from bot.store.records import Activity, Digest, Survey, SurveyAnswer
from tests.store.conftest import index_names, raw_execute, raw_fetch, table_columns

T0 = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
CET = dt.timezone(dt.timedelta(hours=1))
JAN, FEB = dt.date(2027, 1, 15), dt.date(2027, 2, 28)
NOV1, NOV30 = dt.date(2026, 11, 1), dt.date(2026, 11, 30)
ANSWERS: dict[str, Any] = {
    "trygghet-kvall": 2, "oro": "narkotika", "undvikit": "ja",
    "prioritera": ["trafik", "ungdomar", "narkotika"],
    "fritext": "Mörkt vid busshållplatsen i Örträsk 🚏 \"citat\" 'x'; --\nrad två",
}


@pytest.fixture
def clock(store: Store) -> FixedClock:
    fixed = FixedClock(T0)
    store.clock = fixed.now
    return fixed


def digest(**fields: Any) -> Digest:
    values: dict[str, Any] = {"municipality": "asele", "start": NOV1, "end": NOV30,
                              "texts": {"sv": "# November\n12 kontroller i Fredrika ✓",
                                        "en": "# November"}}
    values.update(fields)
    return Digest(**values)


async def count(store: Store, table: str) -> int:
    [(n,)] = await raw_fetch(store, f"SELECT COUNT(*) FROM {table}")
    return int(n)


# -- surveys ---------------------------------------------------------------------------


async def test_a_survey_round_trips_and_lists_by_opens(store: Store) -> None:
    late = await store.add_survey(Survey("asele", FEB, FEB, id=99))
    early = await store.add_survey(Survey("dorotea", JAN, FEB))
    same_day = await store.add_survey(Survey("asele", JAN, JAN, closed=JAN))
    assert late != 99
    assert await store.get_survey(early) == Survey("dorotea", JAN, FEB, None, early)
    assert await store.get_survey(same_day) == Survey("asele", JAN, JAN, JAN, same_day)
    assert [s.id for s in await store.list_surveys()] == [early, same_day, late]
    assert [s.id for s in await store.list_surveys(municipalities=["asele"])] == [
        same_day, late]
    assert await store.list_surveys(municipalities=[]) == []
    for missing in (0, -1, 2**70, late + 100):
        assert await store.get_survey(missing) is None
    store.home = "vilhelmina"
    homed = await store.get_survey(await store.add_survey(Survey("", JAN, FEB)))
    assert homed is not None and homed.municipality == "vilhelmina"


async def test_closing_twice_keeps_the_first_close_day(store: Store) -> None:
    survey_id = await store.add_survey(Survey("asele", JAN, FEB))
    first = await store.close_survey(survey_id, dt.date(2027, 2, 1))
    assert first == Survey("asele", JAN, FEB, dt.date(2027, 2, 1), survey_id)
    assert not first.open_on(dt.date(2027, 2, 1)) and first.open_on(JAN)
    again = await store.close_survey(survey_id, dt.date(2027, 2, 10))
    assert again == first == await store.get_survey(survey_id)
    with pytest.raises(KeyError):
        await store.close_survey(survey_id + 1, FEB)
    with pytest.raises(KeyError):
        await store.close_survey(0, FEB)
    with pytest.raises(ValueError, match="close day"):
        await store.close_survey(survey_id, T0)  # type: ignore[arg-type]


@pytest.mark.parametrize(("survey", "message"), [
    (Survey("asele", FEB, JAN), "closes before"),
    (Survey("asele", T0, FEB), "opens"),  # type: ignore[arg-type]
    (Survey("asele", JAN, "2027-02-28"), "closes"),  # type: ignore[arg-type]
    (Survey("asele", JAN, FEB, closed=T0), "closed"),  # type: ignore[arg-type]
    (Survey("Åsele", JAN, FEB), "municipality"),
    (Survey("asele x", JAN, FEB), "municipality"),
    (Survey("as\x00ele", JAN, FEB), "municipality"),
    ("not a survey", "Survey"),
])
async def test_a_bad_survey_is_refused_and_nothing_stored(
        store: Store, survey: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        await store.add_survey(survey)
    assert await store.list_surveys() == []


async def test_answers_round_trip_with_unicode_under_their_survey(store: Store) -> None:
    survey_id = await store.add_survey(Survey("asele", JAN, FEB))
    other = await store.add_survey(Survey("dorotea", JAN, FEB))
    first = await store.add_survey_answer(SurveyAnswer(survey_id, ANSWERS, "sv", id=7))
    second = await store.add_survey_answer(SurveyAnswer(survey_id, {"trygghet-kvall": 5},
                                                        "en", municipality="asele"))
    await store.add_survey_answer(SurveyAnswer(other, {}, "sv"))
    got = await store.survey_answers(survey_id)
    # The survey's municipality; the answers exactly as given (ordered by question id).
    assert got == [SurveyAnswer(survey_id, ANSWERS, "sv", "asele", first),
                   SurveyAnswer(survey_id, {"trygghet-kvall": 5}, "en", "asele", second)]
    assert list(got[0].answers) == sorted(ANSWERS)
    assert got[0].answers["prioritera"] == ["trafik", "ungdomar", "narkotika"]  # the order
    assert [a.municipality for a in await store.survey_answers(other)] == ["dorotea"]
    assert await store.survey_answers(other + 1) == []
    assert await store.survey_answers(0) == []


async def test_an_answer_to_no_survey_or_another_municipality_is_refused(
        store: Store) -> None:
    survey_id = await store.add_survey(Survey("asele", JAN, FEB))
    with pytest.raises(KeyError):
        await store.add_survey_answer(SurveyAnswer(survey_id + 1, ANSWERS, "sv"))
    with pytest.raises(KeyError):
        await store.add_survey_answer(SurveyAnswer(0, ANSWERS, "sv"))
    with pytest.raises(ValueError, match="municipality"):
        await store.add_survey_answer(SurveyAnswer(survey_id, ANSWERS, "sv", "dorotea"))
    assert await count(store, "survey_answers") == 0


@pytest.mark.parametrize(("answers", "message"), [
    ({"trygghet": 0}, "trygghet must be 1..5"),
    ({"trygghet": 6}, "1..5"),
    ({"trygghet": True}, "must be an int 1..5, a string"),
    ({"trygghet": 2.5}, "must be an int"),
    ({"trygghet": None}, "must be an int"),
    ({"trygghet": {"a": 1}}, "must be an int"),
    ({"Trygghet": 3}, "question must be an id"),
    ({"": 3}, "question must be an id"),
    ({"fråga": 3}, "question must be an id"),
    ({3: 3}, "question must be an id"),
    ({"fritext": "x" * 2001}, "longer than 2000"),
    ({"fritext": "nul\x00"}, "NUL"),
    ({"fritext": "\ud800"}, "Unicode"),
    ({"prioritera": [f"c{i}" for i in range(11)]}, "more than 10"),
    ({"prioritera": ["trafik", "trafik"]}, "twice"),
    ({"prioritera": ["Trafik"]}, "ranked choice must be an id"),
    ({"prioritera": [1]}, "ranked choice must be an id"),
    ({f"q{i}": 1 for i in range(51)}, "more than 50"),
    ("trygghet=3", "mapping"),
])
async def test_bad_answers_are_refused_and_nothing_stored(
        store: Store, answers: Any, message: str) -> None:
    survey_id = await store.add_survey(Survey("asele", JAN, FEB))
    with pytest.raises(ValueError, match=message) as raised:
        await store.add_survey_answer(SurveyAnswer(survey_id, answers, "sv"))
    assert "x" * 50 not in str(raised.value)  # a message never repeats a value
    for bad in (SurveyAnswer(survey_id, ANSWERS, "de"),  # type: ignore[arg-type]
                SurveyAnswer(True, ANSWERS, "sv")):  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            await store.add_survey_answer(bad)
    assert await store.survey_answers(survey_id) == []


async def test_the_longest_answers_allowed_are_kept(store: Store) -> None:
    survey_id = await store.add_survey(Survey("asele", JAN, FEB))
    answers: dict[str, Any] = {f"q{i}": 1 for i in range(48)}
    answers["fritext"] = "å" * 2000
    answers["prioritera"] = [f"c-{i}" for i in range(10)]
    await store.add_survey_answer(SurveyAnswer(survey_id, answers, "sv"))
    [got] = await store.survey_answers(survey_id)
    assert got.answers == answers


async def test_survey_answers_hold_nothing_that_identifies_or_dates(store: Store) -> None:
    """A privacy guard: a column added to survey_answers (a sender, a room, a time) must
    fail here, not slip through."""
    columns = await table_columns(store, "survey_answers")
    assert set(columns) == {"id", "survey", "municipality", "answers", "lang"}
    assert set(columns) == {f.name for f in dataclasses.fields(SurveyAnswer)}
    assert set(await table_columns(store, "surveys")) == {
        f.name for f in dataclasses.fields(Survey)}
    assert set(await table_columns(store, "digests")) == {
        f.name for f in dataclasses.fields(Digest)}
    assert set(await table_columns(store, "reminders")) == {"key", "day"}
    if store.backend == "postgres":
        assert columns["answers"] == "jsonb"
        assert columns["survey"] == "bigint"


async def test_the_schema_refuses_what_the_checks_refuse(store: Store) -> None:
    survey_id = await store.add_survey(Survey("asele", JAN, FEB))
    await store.add_survey_answer(SurveyAnswer(survey_id, ANSWERS, "sv"))
    refused = [
        ("INSERT INTO surveys (opens, closes) VALUES ($1, $2)", (FEB, JAN)),
        ("INSERT INTO survey_answers (survey, answers, lang) VALUES ($1, '[]', 'sv')",
         (survey_id,)),
        ("INSERT INTO survey_answers (survey, answers, lang) VALUES ($1, '{}', 'de')",
         (survey_id,)),
        ("INSERT INTO survey_answers (survey, lang) VALUES ($1, 'sv')", (survey_id + 1,)),
        ("INSERT INTO digests (start, \"end\", texts, made) VALUES ($1, $2, '{}', $3)",
         (NOV30, NOV1, T0)),
        ("INSERT INTO digests (start, \"end\", state, made) VALUES ($1, $2, 'published',"
         " $3)", (NOV1, NOV30, T0)),
        ("INSERT INTO digests (start, \"end\", state, made) VALUES ($1, $2, 'old', $3)",
         (NOV1, NOV30, T0)),
    ]
    for sql, args in refused:
        with pytest.raises(StoreError):
            await raw_execute(store, sql, *args)
    draft = "INSERT INTO digests (start, \"end\", made) VALUES ($1, $2, $3)"
    await raw_execute(store, draft, NOV1, NOV30, T0)
    with pytest.raises(StoreError, match=r"(?i)unique|duplicate"):
        await raw_execute(store, draft, NOV1, NOV30, T0)
    # Answers go with their survey.
    await raw_execute(store, "DELETE FROM surveys WHERE id = $1", survey_id)
    assert await count(store, "survey_answers") == 0
    assert {"surveys_municipality_opens", "survey_answers_survey", "digests_one_draft",
            "digests_municipality_end"} <= await index_names(store)


# -- digests ---------------------------------------------------------------------------


async def test_a_draft_round_trips_and_a_new_draft_replaces_it(
        store: Store, clock: FixedClock) -> None:
    first = await store.save_digest(digest(id=99))
    assert await store.get_digest(first) == digest(made=T0, id=first)
    clock.advance(dt.timedelta(hours=1))
    again = await store.save_digest(digest(texts={"sv": "Ny text"}))
    assert again == first  # the one draft of the month, with what was saved last
    assert await store.get_digest(first) == digest(texts={"sv": "Ny text"},
                                                   made=T0 + dt.timedelta(hours=1), id=first)
    other_month = await store.save_digest(digest(start=NOV30))
    other_place = await store.save_digest(digest(municipality="dorotea"))
    assert len({first, other_month, other_place}) == 3
    assert await count(store, "digests") == 3


async def test_a_published_digest_is_never_changed(store: Store, clock: FixedClock) -> None:
    draft_id = await store.save_digest(digest())
    at = T0 + dt.timedelta(days=2)
    published = await store.publish_digest(draft_id, at.astimezone(CET))
    assert published == digest(state="published", made=T0, published=at, id=draft_id)
    assert published.published is not None and published.published.tzinfo == dt.UTC
    # Publishing again changes nothing: the first publication stands.
    assert await store.publish_digest(draft_id, at + dt.timedelta(days=1)) == published
    # A draft for the month published makes a new row, and the published one stays.
    new_id = await store.save_digest(digest(texts={"sv": "Rättelse"}))
    assert new_id != draft_id
    assert await store.get_digest(draft_id) == published
    assert await store.list_digests("draft") == [digest(texts={"sv": "Rättelse"}, made=T0,
                                                        id=new_id)]
    with pytest.raises(KeyError):
        await store.publish_digest(new_id + 1, at)
    with pytest.raises(KeyError):
        await store.publish_digest(0, at)
    with pytest.raises(ValueError, match="naive"):
        await store.publish_digest(new_id, dt.datetime(2026, 12, 1))
    assert (await store.get_digest(new_id) or digest()).state == "draft"


async def test_a_digest_saved_published_is_a_new_row(store: Store, clock: FixedClock) -> None:
    draft_id = await store.save_digest(digest())
    done = await store.save_digest(digest(state="published"))
    assert done != draft_id
    assert await store.get_digest(done) == digest(state="published", made=T0, published=T0,
                                                  id=done)
    assert (await store.get_digest(draft_id) or digest()).state == "draft"


async def test_digests_list_newest_first_by_state_and_municipality(
        store: Store, clock: FixedClock) -> None:
    oct_ = await store.save_digest(digest(start=dt.date(2026, 10, 1),
                                          end=dt.date(2026, 10, 31)))
    nov = await store.save_digest(digest())
    nov_dorotea = await store.save_digest(digest(municipality="dorotea"))
    await store.publish_digest(oct_, T0)
    assert [d.id for d in await store.list_digests()] == [nov_dorotea, nov, oct_]
    assert [d.id for d in await store.list_digests("draft")] == [nov_dorotea, nov]
    assert [d.id for d in await store.list_digests("published")] == [oct_]
    assert [d.id for d in await store.list_digests(municipalities=["asele"])] == [nov, oct_]
    assert [d.id for d in await store.list_digests(municipalities=["asele"], limit=1)] == \
        [nov]
    assert await store.list_digests(municipalities=[]) == []
    assert await store.list_digests(limit=0) == []
    for bad in ({"state": "old"}, {"limit": -1}, {"limit": True}):
        with pytest.raises(ValueError):
            await store.list_digests(**bad)


@pytest.mark.parametrize(("fields", "message"), [
    ({"end": dt.date(2026, 10, 31)}, "end is before"),
    ({"start": T0}, "start"),
    ({"texts": {}}, "non-empty mapping"),
    ({"texts": "text"}, "non-empty mapping"),
    ({"texts": {"de": "Text"}}, "language"),
    ({"texts": {"sv": "x" * 20_001}}, "longer than 20000"),
    ({"texts": {"sv": 3}}, "must be a string"),
    ({"texts": {"sv": "nul\x00"}}, "NUL"),
    ({"state": "old"}, "state"),
    ({"published": T0}, "draft digest has no published"),
    ({"made": dt.datetime(2026, 11, 28, 12)}, "naive"),
    ({"municipality": "Åsele"}, "municipality"),
])
async def test_a_bad_digest_is_refused_and_nothing_stored(
        store: Store, fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        await store.save_digest(digest(**fields))
    assert await store.list_digests() == []


async def test_the_longest_digest_allowed_is_kept(store: Store) -> None:
    texts = {"sv": "å" * 20_000, "en": "🚓" * 20_000}
    digest_id = await store.save_digest(digest(texts=texts, made=T0))
    assert (await store.get_digest(digest_id) or digest()).texts == texts


# -- reminders and processes sharing the database --------------------------------------


async def test_a_reminder_is_marked_once(store_url: str) -> None:
    async with open_store(store_url) as one, open_store(store_url) as two:
        assert await one.mark_reminded("followup:asele:2027-03-01:month", JAN) is True
        assert await one.mark_reminded("followup:asele:2027-03-01:month", FEB) is False
        assert await two.mark_reminded("followup:asele:2027-03-01:month", FEB) is False
        assert await two.mark_reminded("followup:asele:2027-03-01:day", FEB) is True
        # Two processes at once: one of them sends it.
        raced = await asyncio.gather(*(s.mark_reminded("dialogue:dorotea", JAN)
                                       for s in (one, two, one, two)))
        assert sorted(raced) == [False, False, False, True]
        rows = await raw_fetch(one, "SELECT key, day FROM reminders ORDER BY key")
        assert [(key, as_date(day)) for key, day in rows] == [
            ("dialogue:dorotea", JAN), ("followup:asele:2027-03-01:day", FEB),
            ("followup:asele:2027-03-01:month", JAN)]
        for key, day in (("", JAN), ("   ", JAN), ("k" * 201, JAN), ("nul\x00", JAN),
                         (None, JAN), ("k", T0), ("k", "2027-01-15")):
            with pytest.raises(ValueError, match="reminder"):
                await one.mark_reminded(key, day)  # type: ignore[arg-type]
        assert await count(one, "reminders") == 3


async def test_two_processes_saving_one_draft_leave_one(store_url: str) -> None:
    async with open_store(store_url) as one, open_store(store_url) as two:
        ids = await asyncio.gather(*(s.save_digest(digest(texts={"sv": f"utkast {i}"},
                                                          made=T0))
                                     for i, s in enumerate((one, two, one, two))))
        assert len(set(ids)) == 1
        assert len(await two.list_digests("draft")) == 1


# -- adopting and migrating ------------------------------------------------------------


async def test_adopt_gives_the_new_rows_a_municipality(store: Store) -> None:
    survey_id = await store.add_survey(Survey("", JAN, FEB))
    await store.add_survey_answer(SurveyAnswer(survey_id, {"trygghet": 4}, "sv"))
    kept = await store.save_digest(digest(municipality="", made=T0))
    orphan_draft = await store.save_digest(digest(municipality="", start=NOV30, made=T0))
    await store.save_digest(digest(start=NOV30, made=T0))  # asele's draft of that span
    assert await store.mark_reminded("k", JAN)
    # survey, answer, the digest; the orphan draft gives way to asele's own.
    assert await store.adopt("asele") == 3
    assert [s.municipality for s in await store.list_surveys()] == ["asele"]
    assert [a.municipality for a in await store.survey_answers(survey_id)] == ["asele"]
    assert (await store.get_digest(kept) or digest(municipality="")).municipality == "asele"
    assert await store.get_digest(orphan_draft) is None
    assert await store.adopt("asele") == 0
    assert await store.mark_reminded("k", JAN) is False


async def test_a_version_7_database_with_rows_upgrades(
    store_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:7])
    async with open_store(store_url, home="asele") as old:
        assert await old.schema_version() == 7
        assert await table_columns(old, "surveys") == {}
        feedback_id = await old.add_feedback(Feedback("trafik", "fredrika", "Mörkt 🚸", 2,
                                                      NOV1, "date", "sv"))
        activity_id = await old.add_activity(Activity(
            "trafikkontroll", "narvaro-byarna", "Fredrika", NOV1, {"fordon": 23},
            author="@anna:polisen.se", created_at=T0))
        await old.set_value("matrix.next_batch", "s42")
    monkeypatch.undo()

    caplog.set_level(logging.INFO, logger="bot.store")
    async with open_store(store_url, home="asele") as store:
        assert await store.schema_version() == migrations.latest() >= 8
        [fb] = await store.list_feedback()
        assert (fb.id, fb.text, fb.municipality) == (feedback_id, "Mörkt 🚸", "asele")
        act = await store.get_activity(activity_id)
        assert act is not None and act.counts == {"fordon": 23}
        assert await store.get_value("matrix.next_batch") == "s42"
        survey_id = await store.add_survey(Survey("", JAN, FEB))
        await store.add_survey_answer(SurveyAnswer(survey_id, ANSWERS, "sv"))
        assert [a.answers for a in await store.survey_answers(survey_id)] == [ANSWERS]
        assert await store.save_digest(digest(made=T0)) >= 1
        assert await store.mark_reminded("k", JAN)
    assert ("store: applied migration 8 (the medborgarlöfte's cycle: surveys, digests,"
            " reminders)") in caplog.messages
    assert not any("applied migration 7" in m for m in caplog.messages)
