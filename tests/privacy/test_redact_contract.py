"""The redactor's contract: it never raises, and with a limit it cuts after redaction,
never inside a marker, so no half number is ever left."""

from __future__ import annotations

import random
import re

import pytest

from bot.privacy import Redaction, redact
from bot.privacy.redact import ELLIPSIS, MARKERS, clean, truncate

MARKER = re.compile(r"\[(?:" + "|".join(MARKERS) + r")\]")
PIECES = [
    "850101-1234", "8501011236", "19850101-1236", "850161-1233", "070-123 45 67",
    "0701234567", "+46 70 123 45 67", "anna@example.se", "Storgatan 12", "ABC 123",
    "Kalle Svensson", "Lisa", "Fredrika", "Per", "Anna-Karin", "Åsele", "112", "2025-2027",
    "14:00-15:30", "23 fordon", "[", "]", "[namn", "namn]", "(", "*", "_", "`", "<b>", "&amp;",
    "https://x.se", "@room", " ", "  ", "\n", "\r\n", "\t", "\u200b", "\u200d", "\u202e",
    "\u2028", "\ufeff", "\U000e0041", "e\u0301", "👨\u200d👩\u200d👧", "🇸🇪", "\ud800", "\x00",
    "٠١٢٣٤٥٦٧٨٩", "８５０１０１", "ǅ", "ß", "İ", "ﬁ", "x" * 50, "1" * 30, "-", "+", ".",
]


# Personnummer and phone numbers ("٠١٢٣٤٥٦٧٨٩" is 0123456789: neither).
NUMBERS = [p for p in PIECES if sum(ch.isdigit() for ch in p) >= 10 and p[0] in "+08"]
GAPS = [" ", ", ", "\n", "x", "(", ") ", ". ", "", "", ""]  # never a digit


def fuzz_texts(count: int, seed: int) -> list[str]:
    """Pieces with a gap between them; a number piece always stands between non-digits."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        pieces = [rng.choice(PIECES) for _ in range(rng.randint(0, 25))]
        text = ""
        for piece in pieces:
            gap = rng.choice(GAPS)
            # (invisible characters are dropped, so they do not part two numbers)
            before, after = clean(text)[-1:], clean(piece)[:1]
            if piece in NUMBERS or (before.isdigit() and after.isdigit()) or (
                    before.isdigit() and text and clean(piece) == ""):
                gap = gap or " "
            text += gap + piece
        out.append(text)
    return out


@pytest.mark.parametrize("seed", range(4))
def test_never_raises_and_always_keeps_its_promises(seed: int) -> None:
    for text in fuzz_texts(300, seed):
        for limit in (None, 0, 1, 5, 14, 40):
            result = redact(text, {"Åsele", "Fredrika"}, limit=limit)
            assert isinstance(result, Redaction) and isinstance(result.text, str)
            if limit is not None:
                assert len(result.text) <= limit
            # No personnummer or phone number is left behind.
            leaks = [n for n in NUMBERS if n in text and n in result.text]
            assert not leaks, (text, result.text)


def test_non_strings_are_a_caller_bug() -> None:
    with pytest.raises((TypeError, AttributeError)):
        redact(None)  # type: ignore[arg-type]


def test_limit_cuts_after_redaction_and_never_inside_a_marker() -> None:
    text = "Ring 0701234567 eller 0702223344 nu"
    full = redact(text).text
    assert full == "Ring [telefonnummer] eller [telefonnummer] nu"
    assert len(full) > len(text)  # the markers made it longer
    for limit in range(len(full) + 3):
        result = redact(text, limit=limit)
        assert len(result.text) <= limit
        assert result.truncated == (len(full) > limit)
        body = result.text.removesuffix(ELLIPSIS)
        assert full.startswith(body.rstrip())
        assert "[" not in MARKER.sub("", body), body  # no half marker


def test_a_text_cut_in_the_number_keeps_no_half_number() -> None:
    # Cutting the raw text first would leave "8501011" of the number at the limit.
    text = "x" * 10 + " 850101-1236 och mer text"
    result = redact(text, limit=19)
    assert result.truncated and not re.search(r"\d", result.text)
    assert result.text == "x" * 10 + ELLIPSIS


def test_within_the_limit_nothing_is_cut() -> None:
    result = redact("Kort text", limit=9)
    assert result == Redaction("Kort text", {}) and not result.truncated


def test_truncate_keeps_a_letter_with_its_accent_and_joined_emoji() -> None:
    assert truncate("abce\u0301f", 5) == "abc" + ELLIPSIS
    assert truncate("ab 👨\u200d👩\u200d👧 cd", 6) == "ab" + ELLIPSIS
    assert truncate("", 0) == "" and truncate("abc", 0) == ""


def test_clean_drops_invisible_characters_but_keeps_emoji_joined() -> None:
    assert clean("Ka\u200blle\u202e \u2060Sv\u00adensson\ufeff") == "Kalle Svensson"
    assert clean("👨\u200d👩") == "👨\u200d👩"
    assert clean("e\u0301") == "é"
    assert clean("tag\U000e0041s") == "tags"
