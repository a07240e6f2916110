"""The analyser and matcher on the small fixture base: synonyms, typos, compounds, bands."""

from __future__ import annotations

import pytest

from bot.knowledge.analyser import Analyser
from bot.knowledge.loader import load_knowledge
from bot.knowledge.matcher import Band
from tests.conftest import FIXTURE, SHIPPED

kb = load_knowledge(FIXTURE)


def terms(text: str) -> list[str]:
    return kb.analyser.terms(text)


def test_word_synonyms_and_inflections_meet_the_canonical_word() -> None:
    assert terms("snuten") == terms("polisen") == terms("police") == ["polis"]
    assert terms("knarket") == terms("gräs") == terms("narkotika")


def test_phrase_synonyms_replace_the_whole_phrase() -> None:
    assert terms("köra fort") == terms("hastighet")


def test_stopwords_are_dropped() -> None:
    assert terms("vad är det") == []


def test_typos_are_corrected_against_the_vocabulary() -> None:
    assert terms("polsen") == ["polis"]
    assert terms("överenskomelsen") == terms("överenskommelser") == terms("överenskommelse")
    assert terms("qwrtp") == ["qwrtp"]  # nothing close: kept, and counted as not understood


def test_a_compound_splits_into_known_parts() -> None:
    assert terms("polisavtalet") == ["polis", "avtal"]


def test_a_word_used_only_inside_compounds_finds_them() -> None:
    assert terms("trafik") == terms("trafikkontroller")


def test_villages_count_as_by_and_ascii_spellings_work() -> None:
    assert terms("Gräsmyr") == terms("grasmyr") == terms("byarna") == ["by"]


def test_analyser_on_its_own() -> None:
    analyser = Analyser({"polis": ["snut", "farbror blå"]}, ["och"], ["polisen kommer"])
    assert analyser.terms("snut och farbror blå") == ["polis", "polis"]
    assert "polis" in analyser.vocab


@pytest.mark.parametrize(("text", "topic"), [
    ("vad har snuten lovat", "lofte"),
    ("knark", "narkotika"),
    ("kommer polisen till Gräsmyr", "byar"),
    ("när går avtalet ut", "avtal"),
    ("fortkörning", "hastighet"),
    ("numret till polisen", "kontakt"),
])
def test_high_band_lands_on_the_topic(text: str, topic: str) -> None:
    result = kb.match(text)
    assert result.band is Band.HIGH and not result.close
    assert result.best is not None and result.best.topic_id == topic


@pytest.mark.parametrize("text", ["vad kostar hundskatten", "asdfghjkl", "väder imorgon", ""])
def test_low_band_for_what_the_base_does_not_know(text: str) -> None:
    result = kb.match(text)
    assert result.band is Band.LOW


def test_close_candidates_are_flagged() -> None:
    result = kb.match("snuten")  # "polis" is everywhere in the fixture
    assert result.close and len(result.candidates) >= 2


def test_medium_band_when_only_part_is_understood() -> None:
    result = kb.match("narkotika bland pensionärer")
    assert result.band is Band.MEDIUM
    assert result.best is not None and result.best.topic_id == "narkotika"


def test_a_place_name_weighs_less_than_what_is_asked() -> None:
    # "Testby" is a town in `places`: the question is about speeding, not the place.
    result = kb.match("fortkörning i Testby")
    assert result.best is not None and result.best.topic_id == "hastighet"
    assert result.band is Band.HIGH


def test_numbers_that_mean_nothing_do_not_lower_the_score() -> None:
    plain = kb.match("när går avtalet ut")
    with_year = kb.match("när går avtalet ut 2022")
    assert with_year.best is not None and plain.best is not None
    assert with_year.best.score == plain.best.score


# --- words that must stay apart, and words that must meet --------------------------------

def test_a_word_spelt_with_a_o_stays_apart_from_a_base_word_without_them() -> None:
    # "böter" folds and stems to "bot"; the base's "bot" (the chat bot) is another word.
    analyser = Analyser({}, ["och"], ["är du en bot", "vad gör boten"])
    assert analyser.terms("böter") != analyser.terms("bot")
    assert analyser.terms("boten") == analyser.terms("bot")
    assert analyser.terms("Åsele") == analyser.terms("asele")  # the base spells it too


def test_a_stopword_is_matched_as_spelt() -> None:
    # "väl" is a filler word; "val" (an election) is not, once the base knows it.
    analyser = Analyser({"val": ["valet", "nästa val"]}, ["väl", "när", "är", "det"],
                        ["när är valet"])
    assert analyser.terms("när är nästa val") == ["val"]
    assert analyser.terms("det är väl bra") == ["bra"]


def test_real_words_are_not_corrected_into_base_words() -> None:
    analyser = Analyser({}, [], ["vem har valt det", "misstänkt narkotika", "ringa polisen"])
    assert analyser.terms("valet") != analyser.terms("valt")  # a real word, no typo
    assert analyser.terms("tanka") != analyser.terms("misstänkt")
    assert "ring" not in analyser.terms("skatteåterbäringen")  # not a compound of "ring"
    assert analyser.terms("narkotka") == analyser.terms("narkotika")  # a real typo


def test_an_ambiguous_word_weighs_once() -> None:
    analyser = Analyser({}, [], ["trafikkontroll i byn", "trafikövervakning i stan"])
    weighted = analyser.weighted_terms("trafik")
    assert len(weighted) == 2 and sum(share for _, share in weighted) == pytest.approx(1)


def test_memory_for_unknown_words_is_bounded() -> None:
    from bot.knowledge.analyser import CACHE_SIZE

    analyser = Analyser({}, [], ["polisen lovar"])
    for i in range(CACHE_SIZE + 5000):
        analyser.terms(f"qz{i}x")
    assert len(analyser.rarity) <= CACHE_SIZE


# --- the bands on the shipped base --------------------------------------------------------

shipped = load_knowledge(SHIPPED)


@pytest.mark.parametrize(("text", "topic"), [
    ("fortkörare på storgatan varje kväll", "hastighet"),  # unknown words, one clear topic
    ("kan man få böter för fortkörning i centrum", "hastighet"),  # not the chat bot
    ("kommunpolisn telefonummer", "kontakta-kommunpolis"),  # typos
    ("hä ä mycke knark bland ongdomen", "narkotika-unga"),  # dialect
    ("vad vill polis och kommun uppnå", "mal"),
])
def test_clear_questions_are_answered_without_suggestions(text: str, topic: str) -> None:
    result = shipped.match(text)
    assert result.best is not None and result.best.topic_id == topic
    assert result.band is Band.HIGH and not result.close


@pytest.mark.parametrize("text", [
    "hur långt är det till månen", "kan du skriva en dikt åt mig",
    "what's the capital of Norway",
])
def test_questions_the_base_does_not_understand_are_low(text: str) -> None:
    result = shipped.match(text)
    assert result.band is Band.LOW, result
