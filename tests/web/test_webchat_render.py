"""A reply's Markdown as the page shows it: residents' markup stays text, links are real
links, and one that opens a new tab says so to a screen reader."""

from __future__ import annotations

from bot.transports.webchat.render import answer_html, to_html, you_html

NOTE = "(öppnas i ett nytt fönster)"


def test_a_link_to_another_site_opens_a_new_tab_and_says_so() -> None:
    shown = to_html("Läs på [polisen.se](https://polisen.se) eller https://www.asele.se.",
                    NOTE)
    assert shown.count('target="_blank" rel="noopener noreferrer"') == 2
    assert shown.count(f'<span class="visually-hidden"> {NOTE}</span></a>') == 2
    assert 'href="https://www.asele.se"' in shown  # the full stop is not in the address


def test_a_mail_address_is_a_link_in_the_same_tab_without_the_note() -> None:
    shown = to_html("Mejla kommun@asele.se", NOTE)
    assert '<a href="mailto:kommun@asele.se">kommun@asele.se</a>' in shown
    assert "_blank" not in shown and NOTE not in shown


def test_markup_a_text_brings_stays_text() -> None:
    shown = to_html('<span class="visually-hidden">x</span> <script>alert(1)</script> '
                    "[a](javascript:alert(1))", NOTE)
    assert "<span" not in shown and "<script" not in shown and 'href="javascript' not in shown
    assert you_html("<b>hej</b>\nrad två") == "&lt;b&gt;hej&lt;/b&gt;<br>rad två"


def test_the_cached_rendering_is_the_same_and_keyed_by_the_note() -> None:
    text = "Se https://polisen.se"
    assert answer_html(text, NOTE) == to_html(text, NOTE)
    assert answer_html(text, "(opens in a new window)") == to_html(
        text, "(opens in a new window)")
