import datetime as dt
from pathlib import Path

import pytest

from bot.features.activity_parse import (
    NotUnderstood,
    ParsedActivity,
    is_log_command,
    parse_activity,
)
from bot.features.dates import DateProblem
from bot.knowledge.loader import load_knowledge

KB = load_knowledge(Path(__file__).resolve().parents[1] / "knowledge")
TODAY = dt.date(2026, 11, 28)  # a Saturday
YESTERDAY = dt.date(2026, 11, 27)


def parse(line: str, today: dt.date = TODAY) -> ParsedActivity | NotUnderstood:
    return parse_activity(line, KB.data.activities, KB.data.places, today)


def parsed(line: str) -> ParsedActivity:
    result = parse(line)
    assert isinstance(result, ParsedActivity), result
    return result


# ------------------------------------------------------------------ the four lines of the brief

def test_kind_and_place() -> None:
    assert parse("/logga trafikkontroll Fredrika") == ParsedActivity(
        "trafikkontroll", "Fredrika", TODAY, {}, "")


def test_kind_place_yesterday_and_blew_over() -> None:
    assert parse("/logga nykterhetskontroll fredrika igår 2 st blåste över") == ParsedActivity(
        "nykterhetskontroll", "Fredrika", YESTERDAY,
        {"rattfylleri": 2}, "")


def test_colon_form_with_time_and_counts() -> None:
    line = "Logga trafikkontroll: Lomsjö 14:00–15:30, 23 fordon, 1 rattfylla"
    assert parse(line) == ParsedActivity(
        "trafikkontroll", "Lomsjö", TODAY,
        {"fordon": 23, "rattfylleri": 1}, "14:00–15:30")


def test_unknown_place_stays_in_note() -> None:
    assert parse("/logga skolbesök centralskolan") == ParsedActivity(
        "skolbesok", None, TODAY, {}, "centralskolan")


# ------------------------------------------------------------------ the activity type

@pytest.mark.parametrize(("line", "kind"), [
    ("trafikkontrol", "trafikkontroll"),
    ("nykterhetskontrol", "nykterhetskontroll"),
    ("skolbesok", "skolbesok"),
    ("SKOLBESÖK", "skolbesok"),
    ("hastighetskontrollen", "hastighetskontroll"),
    ("fartkontrol", "hastighetskontroll"),  # a typo in one of the type's words
    ("blåskontroll", "nykterhetskontroll"),
    ("blaskontroll", "nykterhetskontroll"),
    ("besök skolan", "skolbesok"),  # a two-word synonym
    ("samtal med unga", "samtal-unga"),  # the Swedish label
    ("samtal-unga", "samtal-unga"),  # the id as typed
    ("speed check", "hastighetskontroll"),  # English label
    ("Talk with young people", "samtal-unga"),
    ("foraldramote", "foraldramote"),
    ("trygghetsvandringar", "trygghetsvandring"),
])
def test_kind_variants(line: str, kind: str) -> None:
    result = parsed(f"/logga {line}")
    assert (result.kind, result.place, result.note) == (kind, None, "")


def test_the_line_names_no_promise() -> None:
    # Which promise an entry serves depends on the period it was done in (kb.serves).
    assert not hasattr(parsed("/logga trygghetsvandring"), "promise")


def test_unknown_kind_suggests_the_closest() -> None:
    assert parse("/logga fiskekontroll") == NotUnderstood(
        "unknown_kind", ("trafikkontroll", "hastighetskontroll", "nykterhetskontroll"))


def test_nonsense_kind_gets_no_suggestions() -> None:
    assert parse("/logga xyz Lomsjö") == NotUnderstood("unknown_kind", ())


def test_short_words_are_not_fuzzy() -> None:
    # "skol" is close to "skola" but too short to guess from.
    assert isinstance(parse("/logga skol"), NotUnderstood)


def test_place_before_kind() -> None:
    result = parsed("/logga Lomsjö trafikkontroll 5 fordon")
    assert (result.kind, result.place, result.counts) == ("trafikkontroll", "Lomsjö",
                                                          {"fordon": 5})


def test_date_before_kind() -> None:
    result = parsed("/logga igår trafikkontroll Gafsele")
    assert (result.kind, result.place, result.day) == ("trafikkontroll", "Gafsele", YESTERDAY)


# ------------------------------------------------------------------ the place

@pytest.mark.parametrize(("word", "place"), [
    ("lomsjo", "Lomsjö"),
    ("Fredrka", "Fredrika"),
    ("åsele", "Åsele"),
    ("asele", "Åsele"),
    ("gafsele", "Gafsele"),
    ("Östernoret", "Östernoret"),
    ("osternoret", "Östernoret"),
    ("Holmtrask", "Holmträsk"),
    ("Åsele kommun", "Åsele kommun"),  # the longer name wins over "Åsele"
    ("i Lomsjö", "Lomsjö"),  # the preposition goes with it
    ("vid Langbacken", "Långbäcken"),
])
def test_place_variants(word: str, place: str) -> None:
    result = parsed(f"/logga trafikkontroll {word}")
    assert (result.place, result.note) == (place, "")


def test_only_first_place_is_taken() -> None:
    result = parsed("/logga trafikkontroll Fredrika och Lomsjö")
    assert (result.place, result.note) == ("Fredrika", "och Lomsjö")


def test_short_common_word_is_not_a_place() -> None:
    # "alla" is one letter from "halla" (Hälla), but short words must match exactly.
    result = parsed("/logga trafikkontroll alla bilar")
    assert (result.place, result.note) == (None, "alla bilar")


# ------------------------------------------------------------------ the date

@pytest.mark.parametrize(("words", "day"), [
    ("idag", TODAY),
    ("i dag", TODAY),
    ("today", TODAY),
    ("igår", YESTERDAY),
    ("i går", YESTERDAY),
    ("igar", YESTERDAY),
    ("yesterday", YESTERDAY),
    ("förrgår", dt.date(2026, 11, 26)),
    ("i förrgår", dt.date(2026, 11, 26)),
    ("i forrgar", dt.date(2026, 11, 26)),
    ("måndag", dt.date(2026, 11, 23)),
    ("i måndags", dt.date(2026, 11, 23)),
    ("mandag", dt.date(2026, 11, 23)),
    ("fredag", dt.date(2026, 11, 27)),
    ("monday", dt.date(2026, 11, 23)),
    ("on Friday", dt.date(2026, 11, 27)),
    ("lördag", TODAY),  # the weekday of today is today ...
    ("i lördags", dt.date(2026, 11, 21)),  # ... but "i lördags" is last week
    ("last saturday", dt.date(2026, 11, 21)),
    ("12/3", dt.date(2026, 3, 12)),
    ("den 12/3", dt.date(2026, 3, 12)),
    ("24/12", dt.date(2025, 12, 24)),  # only in the future this year: last year's
    ("12/3-2025", dt.date(2025, 3, 12)),
    ("12/3 2025", dt.date(2025, 3, 12)),
    ("2026-03-12", dt.date(2026, 3, 12)),
    ("12 mars", dt.date(2026, 3, 12)),
    ("3 maj", dt.date(2026, 5, 3)),
    ("28 november", TODAY),
    ("29/2", dt.date(2024, 2, 29)),  # the most recent 29 February
])
def test_dates(words: str, day: dt.date) -> None:
    result = parsed(f"/logga trafikkontroll Lomsjö {words}")
    assert (result.day, result.place, result.counts, result.note) == (day, "Lomsjö", {}, "")


@pytest.mark.parametrize(("words", "problem"), [
    ("31/2", "no_such"), ("2026-13-01", "no_such"), ("32 mars", "no_such"),
    ("32/13", "no_such"), ("0000-01-01", "no_such"), ("1/1-0000", "no_such"),
    ("99999-01-01", "no_such"), ("1/1-99999", "no_such"), ("29/2-2026", "no_such"),
    ("1 januari 99999", "no_such"),
    ("2026-12-24", "future"), ("24/12-2026", "future"), ("9999-12-31", "future"),
    ("imorgon", "future"), ("i övermorgon", "future"), ("nästa måndag", "future"),
    ("tomorrow", "future"),
    ("0001-01-01", "too_old"), ("0099-06-01", "too_old"), ("12/3-0001", "too_old"),
    ("1 januari 1999", "too_old"), ("2015-12-31", "too_old"),
])
def test_bad_dates(words: str, problem: str) -> None:
    # Named as written, never silently today (nor year 1 read as 2001).
    assert parse(f"/logga trafikkontroll {words} 23 fordon") == NotUnderstood(
        "bad_date", (), DateProblem(problem, words))  # type: ignore[arg-type]


@pytest.mark.parametrize(("words", "day"), [
    ("2016-01-01", dt.date(2016, 1, 1)), ("1/1-17", dt.date(2017, 1, 1)),
    ("12/3-25", dt.date(2025, 3, 12)), ("i kväll", TODAY),
])
def test_dates_within_bounds(words: str, day: dt.date) -> None:
    assert parsed(f"/logga trafikkontroll {words}").day == day


@pytest.mark.parametrize("today", [dt.date(1, 1, 1), dt.date(1, 1, 3), dt.date(1, 2, 28),
                                   dt.date(9999, 12, 31)])
@pytest.mark.parametrize("words", ["12/3", "29/2", "3 maj", "i måndags", "förrgår", "igår",
                                   "söndag", "1/1-00", "31/12-9999", "2026-01-01"])
def test_dates_on_a_clock_at_the_ends_of_the_calendar(today: dt.date, words: str) -> None:
    result = parse(f"/logga trafikkontroll {words}", today)
    if isinstance(result, ParsedActivity):
        assert result.day <= today
    else:
        assert result.reason == "bad_date" and result.date is not None


def test_a_written_date_is_marked_so_that_an_edit_can_keep_the_old_one() -> None:
    assert parsed("/logga trafikkontroll igår").dated
    assert not parsed("/logga trafikkontroll Lomsjö").dated


def test_weekday_on_a_monday() -> None:
    monday = dt.date(2026, 11, 23)
    assert parsed_on("/logga skolbesok måndag", monday) == monday
    assert parsed_on("/logga skolbesok i måndags", monday) == dt.date(2026, 11, 16)


def parsed_on(line: str, today: dt.date) -> dt.date:
    result = parse(line, today)
    assert isinstance(result, ParsedActivity)
    return result.day


def test_only_the_first_date_counts() -> None:
    result = parsed("/logga trafikkontroll 12/3 och 14/3 5 fordon")
    assert (result.day, result.counts, result.note) == (dt.date(2026, 3, 12), {"fordon": 5},
                                                        "och 14/3")


# ------------------------------------------------------------------ counts

def test_several_counts_and_unit_synonyms() -> None:
    result = parsed("/logga nykterhetskontroll Åsele 60 blåste, 2 blåste över, 1 rattfyllerist")
    assert result.counts == {"blåste": 60, "rattfylleri": 3}
    assert result.note == ""


def test_repeated_units_are_summed() -> None:
    assert parsed("/logga trafikkontroll 2 fordon i Lomsjö, 3 fordon i Gafsele").counts == {
        "fordon": 5}


def test_st_alone_and_before_a_unit() -> None:
    assert parsed("/logga skolbesok 3 st").counts == {"st": 3}
    assert parsed("/logga skolbesok 40 st elever, 1 elev").counts == {"elever": 41}


def test_counts_keep_swedish_letters() -> None:
    result = parsed("/logga föräldramöte 12 föräldrar 5 personer 2 lärare")
    assert result.counts == {"föräldrar": 12, "personer": 5, "lärare": 2}


def test_english_line() -> None:
    assert parse("/log speed check Asele yesterday 12 cars") == ParsedActivity(
        "hastighetskontroll", "Åsele", YESTERDAY, {"fordon": 12}, "")


@pytest.mark.parametrize(("count", "words"), [
    ("2147483648 fordon", "2147483648 fordon"),
    ("1" + "0" * 30 + " fordon", "100000000000… fordon"),
    ("99999999999999999999 rattfyllor", "999999999999… rattfylleri"),
    ("100000 st", "100000 st"), ("1 000 000 fordon", "1000000 fordon"),
    ("60000 fordon, 60000 bilar", "120000 fordon"),
])
def test_absurd_counts(count: str, words: str) -> None:
    assert parse(f"/logga trafikkontroll {count}") == NotUnderstood("big_count", words=words)


def test_counts_up_to_the_limit_and_grouped_thousands() -> None:
    assert parsed("/logga trafikkontroll 99999 fordon").counts == {"fordon": 99999}
    assert parsed("/logga trafikkontroll 10 000 fordon, 2 rattfyllor").counts == {
        "fordon": 10000, "rattfylleri": 2}
    assert parsed("/logga trafikkontroll 1\u00a0250 bilar").counts == {"fordon": 1250}


def test_a_long_number_that_is_no_count_stays_in_the_note() -> None:
    result = parsed("/logga trafikkontroll ärende 5000-K123456-26, tel 0701234567.")
    assert result.counts == {}
    assert result.note == "ärende 5000-K123456-26, tel 0701234567."


def test_numbers_that_are_not_counts() -> None:
    result = parsed("/logga trafikkontroll kl 19-21, 2 i Lomsjö, ABC 123 stoppad")
    assert (result.counts, result.place) == ({}, "Lomsjö")
    assert result.note == "kl 19-21, 2, ABC 123 stoppad"


# ------------------------------------------------------------------ missing parts and tidying

def test_only_a_kind() -> None:
    assert parse("/logga informationsinsats") == ParsedActivity(
        "informationsinsats", None, TODAY, {}, "")


def test_kind_and_date() -> None:
    assert parse("/logga skolbesök i förrgår") == ParsedActivity(
        "skolbesok", None, dt.date(2026, 11, 26), {}, "")


@pytest.mark.parametrize("line", ["", "   ", "/logga", "/logga  ", "logga:", "/logga …"])
def test_empty(line: str) -> None:
    assert parse(line) == NotUnderstood("empty", ())


def test_no_kind_word_at_all() -> None:
    assert parse("/logga igår 23 fordon") == NotUnderstood("unknown_kind", ())


def test_punctuation_and_spaces_tidied() -> None:
    result = parsed("/LOGGA   Trafikkontroll ,  Lomsjö  ;; 23 fordon ,  bra väder!")
    assert (result.place, result.counts, result.note) == ("Lomsjö", {"fordon": 23},
                                                          "bra väder!")


def test_note_keeps_casing() -> None:
    result = parsed("/logga skolbesok Fredrika 40 elever: Pratade om ANDT med åk 9")
    assert (result.place, result.counts, result.note) == (
        "Fredrika", {"elever": 40}, "Pratade om ANDT med åk 9")


def test_without_command_prefix() -> None:
    assert parsed("trafikkontroll Lomsjö").place == "Lomsjö"


# ------------------------------------------------------------------ is_log_command

@pytest.mark.parametrize(("text", "rest"), [
    ("/logga trafikkontroll Fredrika", "trafikkontroll Fredrika"),
    ("/LOGGA skolbesök", "skolbesök"),
    ("/log speed check", "speed check"),
    ("/logga", ""),
    ("/logga: trafikkontroll", "trafikkontroll"),
    ("Logga trafikkontroll: Lomsjö 23 fordon", "trafikkontroll: Lomsjö 23 fordon"),
    ("logga: skolbesök", "skolbesök"),
    ("LOGGA : skolbesök", "skolbesök"),
    ("  /logga   trafikkontroll  ", "trafikkontroll"),
    ("/lögga trafikkontroll", "trafikkontroll"),  # å/ä/ö do not matter
])
def test_is_log_command(text: str, rest: str) -> None:
    assert is_log_command(text) == rest


@pytest.mark.parametrize("text", [
    "jag loggade in igår",
    "logga in på sidan",
    "logga in: klicka här",
    "Logga trafikkontroll",  # without a slash it needs a colon
    "/loggare",
    "/tyck",
    "vad är en logga?",
    "",
])
def test_not_a_log_command(text: str) -> None:
    assert is_log_command(text) is None
