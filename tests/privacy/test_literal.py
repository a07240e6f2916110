"""bot.core.literal: residents' text in a reply shows as typed, in every renderer."""

from __future__ import annotations

import random
import re
from html.parser import HTMLParser

import pytest

from bot.core.literal import WJ, literal
from bot.core.plaintext import to_plain
from bot.transports.matrix.content import to_html

HOSTILE = [
    "[klicka här](https://evil.example/login) och ![bild](http://evil.example/x.png)",
    "[ref]: https://evil.example\n[ref]",
    "[x][ref] och [y][]",
    "<b>fet</b> <script>alert(1)</script> <img src=x onerror=alert(1)> &amp; &lt;",
    "<a href='https://evil.example'>hej</a> <!-- kommentar -->",
    "# Rubrik\n## Underrubrik\nText\n===\nmer\n---",
    "- lista\n+ plus\n* stjärna\n1. ett\n2) två\n> citat",
    "**fet** __fet__ *kursiv* _kursiv_ ~~struken~~ `kod` ```block```",
    "    indragen kod\n\tflik",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "@room @alice:matrix.org #rum:server.se !abc:server.se",
    "www.evil.example och https://evil.example/x och anna@example.se och 10.0.0.1",
    "<https://evil.example> <anna@example.se>",
    "\\*inte kursiv\\* och \\[inte länk\\](x)",
    "$x^2$ och {{mall}} och <at>Polisen</at>",
    "rad ett\r\nrad två\rrad tre\u2028rad fyra\x0bfem\x85sex",
    "\u202eesrever\u202c \u2066isolera\u2069 \u200bnoll\u200d \ufeff",
    "null\x00tecken \x1b[31mfärg\x1b[0m \x7f",
    "<3 och 5 > 3 och a & b",
    "Kalle :) ;) :-) (y) :smile:",
    "e\u0301 👨\u200d👩\u200d👧 🇸🇪",
    "",
    "   ",
    "1.",
    "***",
    "[namn] och [personnummer] stod där",
]
MEANINGFUL = set("\\`*_<>&|~{}$^")


def expected(text: str) -> str:
    """What a reader should see: the text on one line without invisible characters."""
    from bot.privacy.redact import clean
    kept = "".join(" " if ch.isspace() or ord(ch) < 32 or 127 <= ord(ch) < 160 else ch
                   for ch in clean(text))
    return " ".join(kept.split())


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def fuzz(seed: int, count: int = 200) -> list[str]:
    rng = random.Random(seed)
    alphabet = "ab1.:/@#[]()!<>&*_`~|\\-+= \n\t\r\u202e\u200b\u2060éå😀%;'\""
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
            for _ in range(count)]


CASES = HOSTILE + fuzz(1) + fuzz(2)


@pytest.mark.parametrize("text", CASES)
def test_matrix_html_has_no_markup_from_the_text(text: str) -> None:
    parser = Tags()
    parser.feed(to_html("> " + literal(text, one_line=True)))
    assert all(not attrs for _, attrs in parser.tags)
    assert {tag for tag, _ in parser.tags} <= {"blockquote", "p"}
    assert "".join(parser.text).replace(WJ, "").strip() == expected(text)


@pytest.mark.parametrize("text", CASES)
def test_plain_text_shows_the_same_characters(text: str) -> None:
    plain = to_plain("> " + literal(text, one_line=True))
    assert plain.replace(WJ, "") == expected(text)


@pytest.mark.parametrize("text", CASES)
def test_no_markdown_dialect_finds_syntax_or_a_link(text: str) -> None:
    """What Teams gets: nothing any Markdown renderer could read as syntax (only numeric
    character references, which every renderer shows as their character), and nothing a
    client would make into a link, a mention or a pill."""
    for shown in (literal(text), literal(text, one_line=True)):
        bare = re.sub(r"&#\d+;", "\x01", shown)  # a reference stands between its neighbours
        assert not MEANINGFUL & set(bare), shown
        assert not re.search(r"\][(\[:]", bare)
        assert not re.search(f"[@#](?!{WJ})", bare)
        assert "://" not in bare
        assert not re.search(r"[^\W_]\.[^\W_]", bare)
        for line in shown.split("\n"):
            assert not line.startswith((" ", "\t", "-", "+", "=", ">", "#", "*", "|"))
            assert not re.match(r"\d+[.)]", line)
        assert not re.search(r"[\u202a-\u202e\u2066-\u2069\u200b\ufeff\r\x00-\x08]", shown)


def test_multi_line_keeps_its_lines() -> None:
    assert literal("rad ett\n- rad två\r\n\n3. rad tre") == (
        "rad ett\n&#45; rad två\n\n3&#46; rad tre")
    assert to_plain(literal("rad ett\nrad två")) == "rad ett\nrad två"


def test_ordinary_text_is_left_alone() -> None:
    text = "Det är mörkt vid skolan, kl 22 varje fredag (typ 10 ungdomar) - 40 km/h?"
    assert literal(text) == text
    assert literal("[namn] på [adress]") == "[namn] på [adress]"
