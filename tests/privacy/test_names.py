"""Names of persons: replaced by [namn], with places and everyday words kept."""

from __future__ import annotations

import pytest

from bot.privacy import redact
from bot.privacy.names import find_names, lists
from tests.privacy.name_corpus import (
    HELD_OUT_WITH_NAMES,
    HELD_OUT_WITHOUT_NAMES,
    PLACES,
    WITH_NAMES,
    WITHOUT_NAMES,
    parse,
)


def scores(marked: list[str], clean: list[str]) -> tuple[float, float]:
    """Precision (found spans that are names) and recall (names wholly found)."""
    found = right = names = covered = 0
    for sentence in marked + clean:
        text, gold = parse(sentence)
        spans = list(find_names(text, PLACES))
        found += len(spans)
        right += sum(any(a < d and c < b for c, d in gold) for a, b in spans)
        names += len(gold)
        covered += sum(any(a <= c and d <= b for a, b in spans) for c, d in gold)
    return right / found, covered / names


def test_corpus_has_both_kinds_of_sentences() -> None:
    assert len(WITH_NAMES) >= 100 and len(WITHOUT_NAMES) >= 100
    assert all(parse(s)[1] for s in WITH_NAMES + HELD_OUT_WITH_NAMES)
    assert not any(parse(s)[1] for s in WITHOUT_NAMES + HELD_OUT_WITHOUT_NAMES)


def test_precision_and_recall_on_the_corpus() -> None:
    precision, recall = scores(WITH_NAMES, WITHOUT_NAMES)
    assert precision >= 0.98 and recall >= 0.95, (precision, recall)


def test_precision_and_recall_on_the_held_out_sentences() -> None:
    precision, recall = scores(HELD_OUT_WITH_NAMES, HELD_OUT_WITHOUT_NAMES)
    assert precision >= 0.95 and recall >= 0.85, (precision, recall)


@pytest.mark.parametrize(("text", "expected"), [
    ("Kalle Svensson på Storgatan kör för fort", "[namn] på Storgatan kör för fort"),
    ("min granne Lisa Nilsson är orolig", "min granne [namn] är orolig"),
    ("Ahmed Hassan blev hotad", "[namn] blev hotad"),
    ("Anna-Karin såg allt", "[namn] såg allt"),
    ("kalle svensson kör för fort", "[namn] kör för fort"),
    ("KALLE SVENSSON KÖR FÖR FORT", "[namn] KÖR FÖR FORT"),
    ("jag såg eva vid kiosken", "jag såg [namn] vid kiosken"),
    ("Kalles bil och Lisa's hund", "[namn] bil och [namn] hund"),
    ("Per A. Svensson och Anna K. var där", "[namn] och [namn] var där"),
    ("min granne Jörgen Wikström", "min granne [namn]"),  # Jörgen: after "granne"
    ("hon heter Saga", "hon heter [namn]"),
    ("Mr Smith saw it", "Mr [namn] saw it"),
    ("Fredrika Nilsson i Fredrika", "[namn] i Fredrika"),
    ("jag såg Per och Hans igår", "jag såg [namn] och [namn] igår"),
    ("Familjen Svensson", "Familjen [namn]"),
])
def test_names_are_replaced(text: str, expected: str) -> None:
    assert redact(text, PLACES).text == expected


@pytest.mark.parametrize("text", [
    # places and shops stay, with and without the knowledge base's words
    "Åsele, Storgatan, Konsum, Coop, Lomsjö och Dorotea",
    "Fredrika behöver mer polis",
    "I Fredrika är det lugnt, men vid Konsum i Åsele samlas ungdomar",
    "Vi åkte från Dorotea till Vilhelmina och sedan till Nora",
    "Lycksele och Vilhelmina har samma problem",
    # first names that are everyday words
    "Bo här är tryggt",
    "Per dag kör tio bilar för fort",
    "Hans bil står på trottoaren",
    "Björn har setts vid soptippen",
    "Sten kastades mot bussen",
    "Inga lampor lyser",
    "Tom parkering på kvällen",
    "det är farligt per person och bo här vill ingen",
    "en björn och en sten på vägen, fred och ro",
    "May I give feedback? In August it was bad, and Will the police come?",
    "This is my class. Dans på lördag. jag kan inte minnas",
    "Till Valborg blir det stökigt vid Willys",
    # markers and what surrounds them
    "[namn] [personnummer] [e-post]",
])
def test_places_and_words_stay(text: str) -> None:
    assert redact(text, PLACES).text == text


def test_fredrika_without_the_knowledge_base_words_is_a_name_unless_a_place() -> None:
    assert redact("Fredrika sa det").text == "[namn] sa det"
    assert redact("jag bor i Fredrika").text == "jag bor i Fredrika"
    assert redact("Fredrika sa det", {"Fredrika"}).text == "Fredrika sa det"
    assert redact("Fredrika sa det", ["FREDRIKA"]).text == "Fredrika sa det"


def test_found_counts_names() -> None:
    result = redact("Kalle Svensson och Lisa pratade med Ahmed", PLACES)
    assert result.text == "[namn] och [namn] pratade med [namn]"
    assert result.found == {"namn": 3}


@pytest.mark.parametrize("sentence", WITH_NAMES + WITHOUT_NAMES + HELD_OUT_WITH_NAMES)
def test_idempotent(sentence: str) -> None:
    once = redact(parse(sentence)[0], PLACES)
    twice = redact(once.text, PLACES)
    assert twice.text == once.text and twice.found == {}


def test_the_lists_are_loaded_and_consistent() -> None:
    names = lists()
    assert len(names.first) > 900 and len(names.last) > 700 and len(names.places) > 250
    assert {"kalle", "lisa", "ahmed", "anna-karin", "hasse"} <= names.first
    assert {"svensson", "nilsson", "hassan"} <= names.last
    assert names.words <= names.first | names.last  # every everyday word is also a name
    assert "namn" not in names.first | names.last  # the marker's own word
    assert {"dorotea", "vilhelmina", "åsele"} <= names.places
