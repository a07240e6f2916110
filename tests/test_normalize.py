import pytest

from bot.text.normalize import fold, stem, strip_control, tokens, words


@pytest.mark.parametrize(("text", "expected"), [
    ("Vad är MEDBORGARLÖFTET?", "vad ar medborgarloftet"),
    ("Åsele, Fredrika & Gafsele!", "asele fredrika gafsele"),
    ("Paa aasele", "pa asele"),  # ASCII spellings of å
    ("moerker", "morker"),
    ("hjäääälp", "hjalp"),
    ("ring 114 14", "ring 11414"),
    ("0941-140 00", "0941 14000".replace(" ", "")),  # a phone number is one token
    ("2021-2022", "2021 2022"),  # a year range is not one number
    ("<b>fet</b> text", "fet text"),
    ("se https://polisen.se/tipsa nu", "se nu"),
    ("café", "cafe"),
    ("", ""),
])
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


@pytest.mark.parametrize("group", [
    ["löfte", "löftet", "löften"],
    ["polis", "polisen", "polisens"],
    ["synpunkt", "synpunkter"],
    ["trafikkontroll", "trafikkontroller", "trafikontroll"],
    ["byarna", "by"],
    ["hastighet", "hastigheten"],
    ["kommun", "kommunen", "komun"],
])
def test_stem_brings_inflections_together(group: list[str]) -> None:
    assert len({stem(fold(w)) for w in group}) == 1, [stem(fold(w)) for w in group]


def test_stem_keeps_different_words_apart() -> None:
    assert stem("polis") != stem("plats")
    assert stem("11414") == "11414"


def test_strip_control_keeps_text_and_drops_control() -> None:
    assert strip_control("hej\x00\x07 då\u200b\n") == "hej då "
    assert words("  ") == []


@pytest.mark.parametrize("text", [
    "Vad är MEDBORGARLÖFTET?", "Paa aasele", "hjäääälp", "ring 114 14", "0941-140 00",
    "<b>fet</b> text https://polisen.se/x", "café Ørn naïve Zoë", "A\u030asele", "２３ fordon",
    "vem ä hä ja pratar me", "e-post: anna@example.se", "",
])
def test_tokens_fold_like_words_and_keep_swedish_letters(text: str) -> None:
    pairs = tokens(text)
    assert [folded for folded, _ in pairs] == words(text)
    for folded, raw in pairs:
        assert fold(raw) == folded
        assert not set(raw) - set("abcdefghijklmnopqrstuvwxyz0123456789åäö")


def test_tokens_keep_what_folding_loses() -> None:
    assert tokens("Böter för Åsele") == [("boter", "böter"), ("for", "för"), ("asele", "åsele")]
