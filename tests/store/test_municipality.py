"""Every stored row belongs to one municipality (migration 5), on every backend: the home
fills a row added without one, the filters keep one or several municipalities, updates
keep a row's municipality, and `adopt` gives the rows made before migration 5 theirs."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from typing import Any

import pytest

from bot.store import Feedback, Store, StoreError, Unanswered, migrations, open_store
from bot.store.records import Activity, SessionRequest
from tests.store.conftest import index_names, raw_execute, raw_fetch, table_columns

D1, D2, D3 = dt.date(2026, 3, 2), dt.date(2026, 3, 5), dt.date(2026, 3, 9)
T0 = dt.datetime(2026, 3, 5, 12, 0, tzinfo=dt.UTC)
HOMES = ("asele", "dorotea", "vilhelmina")


def feedback(municipality: str = "", day: dt.date = D1) -> Feedback:
    return Feedback("trafik", "fredrika", "mörkt", 2, day, "date", "sv",
                    municipality=municipality)


def activity(municipality: str = "", kind: str = "trafikkontroll") -> Activity:
    return Activity(kind, None, "Fredrika", D1, {"fordon": 3}, "", "@anna:polisen.se",
                    municipality=municipality)


def request(municipality: str = "", status: Any = "open") -> SessionRequest:
    return SessionRequest("Centralskolan", "larare", "drogtecken", 25, "vecka 5", "chat",
                          "@l:skolan.se", "matrix", status=status, created_at=T0,
                          municipality=municipality)


async def one_of_each(store: Store, municipality: str) -> None:
    await store.add_feedback(feedback(municipality))
    await store.add_activity(activity(municipality))
    await store.add_request(request(municipality))
    await store.record_unanswered(f"fråga i {municipality or 'hemmet'}", D1, municipality)


async def municipalities_of(store: Store, among: Any = None) -> dict[str, list[str]]:
    """What each list gives for the filter `among`: the municipality of each row."""
    return {
        "feedback": [f.municipality for f in await store.list_feedback(
            municipalities=among)],
        "activities": [a.municipality for a in await store.list_activities(
            municipalities=among)],
        "requests": [r.municipality for r in await store.list_requests(
            municipalities=among)],
        "unanswered": sorted(u.municipality for u in await store.top_unanswered(
            municipalities=among)),
    }


def every_list(*municipalities: str) -> dict[str, list[str]]:
    return {name: list(municipalities)
            for name in ("feedback", "activities", "requests", "unanswered")}


# -- adding ---------------------------------------------------------------------------


async def test_a_row_without_a_municipality_gets_the_home(store: Store) -> None:
    await one_of_each(store, "")  # no home yet: stored as ""
    store.home = "asele"  # set after the store was made, as the app does
    await one_of_each(store, "")
    await one_of_each(store, "dorotea")  # given: stored as given, whatever the home
    assert await municipalities_of(store) == {
        "feedback": ["", "asele", "dorotea"], "activities": ["", "asele", "dorotea"],
        "requests": ["", "asele", "dorotea"], "unanswered": ["", "asele", "dorotea"]}


async def test_get_by_id_gives_the_municipality(store: Store) -> None:
    store.home = "asele"
    mine = await store.add_activity(activity())
    theirs = await store.add_activity(activity("dorotea"))
    request_id = await store.add_request(request("vilhelmina"))
    got = [await store.get_activity(mine), await store.get_activity(theirs),
           await store.get_request(request_id)]
    assert [row.municipality if row else None for row in got] == [
        "asele", "dorotea", "vilhelmina"]
    updated = await store.update_request(request_id, status="confirmed", answer="9/3")
    assert updated.municipality == "vilhelmina"


async def test_open_store_takes_the_home(store_url: str) -> None:
    async with open_store(store_url, home="dorotea") as store:
        assert store.home == "dorotea"
        await store.add_feedback(feedback())
        await store.record_unanswered("fråga", D1)
        assert [f.municipality for f in await store.list_feedback()] == ["dorotea"]
        assert await store.top_unanswered() == [Unanswered("fråga", 1, D1, D1, "dorotea")]


async def test_updates_never_change_the_municipality(store: Store) -> None:
    store.home = "asele"
    activity_id = await store.add_activity(activity())
    moved = dataclasses.replace(activity("dorotea", kind="hastighetskontroll"),
                                id=activity_id)
    await store.update_activity(moved)
    stored = await store.get_activity(activity_id)
    assert stored is not None
    assert (stored.kind, stored.municipality) == ("hastighetskontroll", "asele")
    request_id = await store.add_request(request())
    await store.update_request(request_id, status="done")
    assert [r.municipality for r in await store.list_requests()] == ["asele"]


@pytest.mark.parametrize("wrong", [5, None, b"asele", ["asele"], "asele\x00"])
async def test_a_municipality_that_is_no_string_is_refused(store: Store, wrong: Any) -> None:
    calls = [
        ("feedback municipality", store.add_feedback(feedback(wrong))),
        ("activity municipality", store.add_activity(activity(wrong))),
        ("request municipality", store.add_request(request(wrong))),
        ("unanswered municipality", store.record_unanswered("fråga", D1, wrong)),
    ]
    for field, call in calls:
        with pytest.raises(ValueError, match=field) as caught:
            await call
        assert "asele" not in str(caught.value)  # the field, never the value
    assert await municipalities_of(store) == every_list()


async def test_a_home_that_is_no_string_is_refused(store: Store) -> None:
    store.home = 5  # type: ignore[assignment]
    with pytest.raises(ValueError, match="home"):
        await store.add_feedback(feedback())
    await store.add_feedback(feedback("asele"))  # a row that names its own is fine
    assert [f.municipality for f in await store.list_feedback()] == ["asele"]


# -- filtering ------------------------------------------------------------------------


async def test_the_filters_keep_the_municipalities_asked_for(store: Store) -> None:
    for municipality in ("", *HOMES):
        await one_of_each(store, municipality)
    assert await municipalities_of(store) == every_list("", *HOMES)  # None: every row
    assert await municipalities_of(store, ["dorotea"]) == every_list("dorotea")
    assert await municipalities_of(store, ("asele", "vilhelmina")) == every_list(
        "asele", "vilhelmina")
    assert await municipalities_of(store, {"vilhelmina", "asele", "okänd"}) == every_list(
        "asele", "vilhelmina")
    assert await municipalities_of(store, frozenset()) == every_list()  # empty: none
    assert await municipalities_of(store, []) == every_list()
    assert await municipalities_of(store, [""]) == every_list("")  # the unadopted rows


async def test_the_filters_combine_with_the_others(store: Store) -> None:
    await store.add_feedback(feedback("asele", D1))
    await store.add_feedback(feedback("asele", D3))
    await store.add_feedback(feedback("dorotea", D2))
    got = await store.list_feedback(D2, D3, municipalities=["asele"])
    assert [(f.municipality, f.day) for f in got] == [("asele", D3)]
    await store.add_activity(activity("asele", kind="trafikkontroll"))
    await store.add_activity(activity("asele", kind="hastighetskontroll"))
    await store.add_activity(activity("dorotea", kind="trafikkontroll"))
    got_activities = await store.list_activities(place="fredrika", kind="trafikkontroll",
                                                 municipalities=["asele"])
    assert [(a.municipality, a.kind) for a in got_activities] == [("asele", "trafikkontroll")]
    await store.add_request(request("asele", status="open"))
    await store.add_request(request("asele", status="done"))
    await store.add_request(request("dorotea", status="open"))
    got_requests = await store.list_requests("open", D2, D2, municipalities=["asele"])
    assert [(r.municipality, r.status) for r in got_requests] == [("asele", "open")]
    assert await store.list_requests("open", D3, None, municipalities=["asele"]) == []


@pytest.mark.parametrize("wrong", ["asele", b"asele", 5, [5], ["asele", None]])
async def test_a_filter_that_is_no_collection_of_strings_is_refused(
    store: Store, wrong: Any
) -> None:
    # A bare string would be a collection of letters: refused, not read as one each.
    for call in (store.list_feedback(municipalities=wrong),
                 store.list_activities(municipalities=wrong),
                 store.list_requests(municipalities=wrong),
                 store.top_unanswered(municipalities=wrong)):
        with pytest.raises(ValueError, match="municipalities"):
            await call


async def test_one_text_in_two_municipalities_is_two_rows(store: Store) -> None:
    for _ in range(3):
        await store.record_unanswered("öppettider", D2, "dorotea")
    await store.record_unanswered("öppettider", D1, "asele")
    await store.record_unanswered("öppettider", D3, "asele")
    await store.record_unanswered("parkering", D1, "asele")
    await store.record_unanswered("parkering", D1, "dorotea")
    both = [Unanswered("öppettider", 3, D2, D2, "dorotea"),
            Unanswered("öppettider", 2, D1, D3, "asele"),
            # Equal count and last day: by text, then by municipality.
            Unanswered("parkering", 1, D1, D1, "asele"),
            Unanswered("parkering", 1, D1, D1, "dorotea")]
    assert await store.top_unanswered() == both
    assert await store.top_unanswered(municipalities=["asele", "dorotea"]) == both
    assert await store.top_unanswered(municipalities=["asele"]) == [both[1], both[2]]
    assert await store.top_unanswered(limit=2, municipalities=["dorotea"]) == [
        both[0], both[3]]
    assert await store.top_unanswered(D3, None, municipalities=["asele", "dorotea"]) == [
        both[1]]


# -- adopting the rows made before migration 5 -----------------------------------------


async def test_adopt_gives_the_rows_without_one_a_municipality(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    await one_of_each(store, "")
    await one_of_each(store, "")
    await one_of_each(store, "dorotea")
    caplog.set_level(logging.INFO, logger="bot.store")
    # Two of each, but the question asked twice is one row.
    assert await store.adopt("secretkommun") == 7
    assert "store: 7 rows adopted by a municipality" in caplog.messages
    assert "secretkommun" not in caplog.text  # logged as a count only
    assert await municipalities_of(store, [""]) == every_list()
    assert await municipalities_of(store, ["dorotea"]) == every_list("dorotea")
    adopted = await municipalities_of(store, ["secretkommun"])
    assert adopted == {"feedback": ["secretkommun"] * 2, "activities": ["secretkommun"] * 2,
                       "requests": ["secretkommun"] * 2, "unanswered": ["secretkommun"]}
    assert [u.count for u in await store.top_unanswered(
        municipalities=["secretkommun"])] == [2]
    # Idempotent: nothing is left without a municipality.
    assert await store.adopt("secretkommun") == 0
    assert await store.adopt("dorotea") == 0
    assert await municipalities_of(store, ["dorotea"]) == every_list("dorotea")


async def test_adopt_merges_a_question_already_counted_there(store: Store) -> None:
    await store.record_unanswered("öppettider", D2)  # before migration 5: ""
    await store.record_unanswered("öppettider", D2)
    await store.record_unanswered("bara gammal", D1)
    await store.record_unanswered("öppettider", D1, "asele")  # since, in asele
    await store.record_unanswered("öppettider", D1, "dorotea")  # and elsewhere
    await store.record_unanswered("bara ny", D3, "asele")
    # Two orphans: one merged into asele's row, one moved.
    assert await store.adopt("asele") == 2
    assert await store.top_unanswered(municipalities=["asele"]) == [
        Unanswered("öppettider", 3, D1, D2, "asele"),
        Unanswered("bara ny", 1, D3, D3, "asele"),
        Unanswered("bara gammal", 1, D1, D1, "asele")]
    assert await store.top_unanswered(municipalities=["dorotea", ""]) == [
        Unanswered("öppettider", 1, D1, D1, "dorotea")]
    assert await store.adopt("asele") == 0
    # The merged row goes on counting as one.
    await store.record_unanswered("öppettider", D3, "asele")
    assert (await store.top_unanswered(limit=1))[0] == Unanswered(
        "öppettider", 4, D1, D3, "asele")


async def test_adopt_widens_the_days_both_ways(store: Store) -> None:
    await store.record_unanswered("a", D1)  # the orphan is older
    await store.record_unanswered("a", D2, "asele")
    await store.record_unanswered("b", D3)  # the orphan is newer
    await store.record_unanswered("b", D2, "asele")
    await store.record_unanswered("c", D2)  # the orphan spans asele's days
    await store.record_unanswered("c", D3)
    await store.record_unanswered("c", D2, "asele")
    assert await store.adopt("asele") == 3
    got = {u.text: u for u in await store.top_unanswered()}
    assert got == {"a": Unanswered("a", 2, D1, D2, "asele"),
                   "b": Unanswered("b", 2, D2, D3, "asele"),
                   "c": Unanswered("c", 3, D2, D3, "asele")}


@pytest.mark.parametrize("wrong", ["", 5, None, ["asele"], "asele\x00"])
async def test_adopt_needs_a_municipality(store: Store, wrong: Any) -> None:
    await one_of_each(store, "")
    with pytest.raises(ValueError, match="municipality must be a non-empty string"):
        await store.adopt(wrong)
    assert await municipalities_of(store) == every_list("")


async def test_adopt_is_one_transaction(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    await one_of_each(store, "")

    async def broken(tx: Any, municipality: str) -> int:
        raise StoreError("broken on purpose")

    # The last step fails: the steps before it are rolled back too.
    monkeypatch.setattr("bot.store.base.adopt_unanswered", broken)
    with pytest.raises(StoreError, match="broken on purpose"):
        await store.adopt("asele")
    assert await municipalities_of(store) == every_list("")
    monkeypatch.undo()
    assert await store.adopt("asele") == 4


# -- the schema -----------------------------------------------------------------------


async def test_every_table_has_the_column_and_its_indexes(store: Store) -> None:
    for table in ("feedback", "activities", "session_requests", "unanswered"):
        assert (await table_columns(store, table))["municipality"] == "text"
    assert {"feedback_municipality_day", "activities_municipality_day",
            "session_requests_municipality_created", "unanswered_last_day",
            "unanswered_municipality_last_day"} <= await index_names(store)


async def test_unanswered_is_keyed_by_municipality_and_text(store: Store) -> None:
    insert = ("INSERT INTO unanswered (text, count, first_day, last_day, municipality)"
              " VALUES ('x', 1, $1, $1, $2)")
    await raw_execute(store, insert, D1, "asele")
    await raw_execute(store, insert, D1, "dorotea")
    with pytest.raises(StoreError, match=r"(?i)unique|duplicate"):
        await raw_execute(store, insert, D1, "asele")
    assert len(await raw_fetch(store, "SELECT text FROM unanswered")) == 2


async def test_a_version_4_database_opens_with_its_rows_then_adopts(
    store_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:4])
    async with open_store(store_url) as old:
        assert await old.schema_version() == 4
        assert "municipality" not in await table_columns(old, "feedback")
        # Written as version 4 did: this code's adds know migration 5.
        await raw_execute(old, "INSERT INTO feedback (category, area, text, rating, day,"
                          " granularity, lang) VALUES ('trafik', 'asele', 'mörkt', 2, $1,"
                          " 'date', 'sv')", D1)
        await raw_execute(old, "INSERT INTO activities (kind, day, counts, author,"
                          " created_at) VALUES ('trafikkontroll', $1, '{\"fordon\":3}',"
                          " '@anna:polisen.se', $2)", D1, T0)
        await raw_execute(old, "INSERT INTO session_requests (organisation, audience,"
                          " topic, wished, contact, requester, transport, lang, status,"
                          " created_at, updated_at) VALUES ('Skolan', 'larare', 'annat', '',"
                          " 'chat', '@l:x', 'matrix', 'sv', 'open', $1, $1)", T0)
        for text, count, first, last in (("öppettider", 2, D1, D2), ("parkering", 7, D1, D3)):
            await raw_execute(old, "INSERT INTO unanswered (text, count, first_day,"
                              " last_day) VALUES ($1, $2, $3, $4)", text, count, first, last)
    monkeypatch.undo()

    caplog.set_level(logging.INFO, logger="bot.store")
    async with open_store(store_url, home="asele") as store:
        assert await store.schema_version() == migrations.latest()
        # Every row is there, with no municipality yet.
        [fb] = await store.list_feedback()
        assert (fb.text, fb.day, fb.municipality) == ("mörkt", D1, "")
        [act] = await store.list_activities()
        assert (act.counts, act.created_at, act.municipality) == ({"fordon": 3}, T0, "")
        [req] = await store.list_requests()
        assert (req.organisation, req.municipality) == ("Skolan", "")
        assert await store.top_unanswered() == [Unanswered("parkering", 7, D1, D3, ""),
                                                Unanswered("öppettider", 2, D1, D2, "")]
        # The home counts new questions; adopt folds the old counts in.
        await store.record_unanswered("öppettider", D3)
        assert await store.adopt("asele") == 5  # 1 + 1 + 1 + 2 unanswered rows
        assert await municipalities_of(store, ["asele"]) == {
            "feedback": ["asele"], "activities": ["asele"], "requests": ["asele"],
            "unanswered": ["asele", "asele"]}
        assert await store.top_unanswered() == [Unanswered("parkering", 7, D1, D3, "asele"),
                                                Unanswered("öppettider", 3, D1, D3, "asele")]
        assert await store.adopt("asele") == 0
    assert "store: applied migration 5 (every row belongs to a municipality)" \
        in caplog.messages
    assert "store: applied migration 4 (unanswered questions)" not in caplog.messages
