"""The web chat's pages as HTML: the DOM contract of issue 13 that the page's script and the
browser tests rely on, checked on rendered ChatView states without a browser.

The pages are parsed with html.parser into a small tree; every check selects by the ids,
classes and roles the contract names.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser

import pytest

from bot.core.texts import languages, t
from bot.transports.webchat.pages import STATIC, render_chat, render_statement
from bot.transports.webchat.view import ChatView, Choice, Entry, LanguageLink

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    children: list[Node | str] = field(default_factory=list)
    parent: Node | None = None

    def elements(self) -> list[Node]:
        return [c for c in self.children if isinstance(c, Node)]

    def walk(self) -> list[Node]:
        found = []
        for child in self.elements():
            found.append(child)
            found += child.walk()
        return found

    def find(self, tag: str | None = None, **attrs: str) -> list[Node]:
        def ok(n: Node) -> bool:
            if tag and n.tag != tag:
                return False
            for k, v in attrs.items():
                k = k.rstrip("_").replace("_", "-")
                if k == "class":
                    if v not in (n.attrs.get("class") or "").split():
                        return False
                elif n.attrs.get(k) != v:
                    return False
            return True
        return [n for n in self.walk() if ok(n)]

    def one(self, tag: str | None = None, **attrs: str) -> Node:
        found = self.find(tag, **attrs)
        assert len(found) == 1, f"{tag} {attrs}: {len(found)} found"
        return found[0]

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = self.at = Node("#document", {})

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs), parent=self.at)
        self.at.children.append(node)
        if tag not in VOID:
            self.at = node

    def handle_endtag(self, tag: str) -> None:
        node = self.at
        while node.parent is not None and node.tag != tag:
            node = node.parent
        assert node.tag == tag, f"</{tag}> closes nothing"
        self.at = node.parent or self.root

    def handle_data(self, data: str) -> None:
        self.at.children.append(data)


def parse(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def links(current: str) -> tuple[LanguageLink, ...]:
    return tuple(LanguageLink(x.code, x.name, x.html_lang, x.code == current)
                 for x in languages())


def view(**kw: object) -> ChatView:
    lang = str(kw.get("lang", "sv"))
    base: dict[str, object] = dict(
        lang=lang, html_lang="en" if lang == "en" else "sv", languages=links(lang),
        token=None, entries=(), urgent=None, embed=False, notice=None, base="/chat")
    base.update(kw)
    return ChatView(**base)  # type: ignore[arg-type]


MENU = (Choice("Trafik och fortkörning", "1"), Choice("Droger <och> unga", "2"))
URGENT = Entry(6, "bot", "<p>Ring <strong>112</strong> nu.</p>", urgent=True)
ENTRIES = (
    Entry(1, "you", "vad har ni lovat?"),
    Entry(2, "bot", "<p>Menade du …?</p>", choices=MENU),
    Entry(3, "you", "1"),
    Entry(4, "bot", '<p>Se <a href="https://polisen.se">polisen.se</a></p>', lang="en"),
    Entry(5, "bot", "<p>Vilken plats?</p>", choices=(Choice("Åsele", "Åsele"),)),
)


def page(v: ChatView) -> Node:
    return parse(render_chat(v))


def test_the_page_has_its_language_one_heading_and_the_landmarks() -> None:
    doc = page(view())
    html = doc.one("html")
    assert html.attrs["lang"] == "sv"
    assert len(doc.find("h1")) == 1
    assert doc.one("h1").text() == t("wpg_title", "sv")
    doc.one("main", id="chat")
    doc.one("footer")
    assert doc.one("title").text() == t("wpg_title", "sv")


def test_the_language_menu_offers_the_views_languages_and_marks_the_current() -> None:
    offered = (LanguageLink("sv", "Svenska", "sv", False),
               LanguageLink("en", "English", "en", True),
               LanguageLink("sma", "Åarjelsaemien", "sma", False))
    nav = page(view(lang="en", html_lang="en", languages=offered)).one("nav", id="languages")
    assert nav.attrs["aria-label"] == t("wpg_languages", "en")
    anchors = nav.find("a")
    assert [(a.attrs["href"], a.attrs["hreflang"], a.attrs["lang"], a.text()) for a in anchors] == [
        ("?lang=sv", "sv", "sv", "Svenska"), ("?lang=en", "en", "en", "English"),
        ("?lang=sma", "sma", "sma", "Åarjelsaemien")]
    assert [a.attrs.get("aria-current") for a in anchors] == [None, "true", None]


def test_a_no_js_page_keeps_its_conversation_and_embed_flag_across_languages() -> None:
    nav = page(view(token="t0k", embed=True)).one("nav", id="languages")
    assert nav.find("a")[1].attrs["href"] == "?lang=en&embed=1&c=t0k"


def test_the_transcript_is_a_log_with_each_entry_once_in_order() -> None:
    doc = page(view(token="t0k", entries=ENTRIES))
    log = doc.one(id="transcript")
    assert (log.attrs["role"], log.attrs["aria-live"], log.attrs["aria-relevant"],
            log.attrs["tabindex"]) == ("log", "polite", "additions", "0")
    assert log.attrs["aria-label"] == t("wpg_transcript", "sv")
    articles = log.find("article")
    assert [a.attrs["id"] for a in articles] == [f"msg-{n}" for n in range(1, 6)]
    assert [a.attrs["data-id"] for a in articles] == [str(n) for n in range(1, 6)]
    assert articles[0].attrs["class"].split() == ["msg", "msg-you"]
    assert articles[1].attrs["class"].split() == ["msg", "msg-bot"]
    assert articles[3].attrs["lang"] == "en"
    prefixes = [a.one("span", class_="visually-hidden").text() for a in articles]
    assert prefixes == [t("wpg_you", "sv"), t("wpg_bot", "sv"), t("wpg_you", "sv"),
                        t("wpg_bot", "sv"), t("wpg_bot", "sv")]
    # A reply's links are real links, as the server made them.
    assert articles[3].one("a").attrs["href"] == "https://polisen.se"


def test_choices_are_submit_buttons_in_plain_forms_and_only_the_latest_are_live() -> None:
    doc = page(view(token="t0k", entries=ENTRIES))
    forms = doc.find("form", class_="choices")
    assert len(forms) == 2
    for form in forms:
        assert (form.attrs["method"], form.attrs["action"]) == ("post", "/chat/send")
        hidden = {i.attrs["name"]: i.attrs["value"] for i in form.find("input", type="hidden")}
        assert hidden == {"token": "t0k", "lang": "sv"}
    old, live = forms
    buttons = old.find("button")
    assert [(b.attrs["type"], b.attrs["class"], b.attrs["name"], b.attrs["value"], b.text())
            for b in buttons] == [("submit", "choice", "text", "1", "Trafik och fortkörning"),
                                  ("submit", "choice", "text", "2", "Droger <och> unga")]
    # Answered by entry 3: spent, and said so to a screen reader.
    assert all("disabled" in b.attrs for b in buttons)
    assert old.one(class_="choices-note").text() == t("wpg_choices_used", "sv")
    assert not any("disabled" in b.attrs for b in live.find("button"))
    assert "<och>" not in render_chat(view(entries=ENTRIES)), "a label is escaped"


def test_the_urgent_banner_is_hidden_until_there_is_an_urgent_reply() -> None:
    quiet = page(view()).one("section", id="urgent")
    assert "hidden" in quiet.attrs
    v = view(entries=(*ENTRIES, URGENT), urgent=URGENT)
    doc = page(v)
    main = doc.one("main", id="chat")
    banner = main.elements()[0]
    assert banner.attrs["id"] == "urgent" and "hidden" not in banner.attrs
    assert banner.attrs["aria-labelledby"] == "urgent-title"
    assert "aria-live" not in banner.attrs and "role" not in banner.attrs
    assert "112" in doc.one(id="urgent-title").text()
    assert banner.one(class_="urgent-body").text() == "Ring 112 nu."
    assert "msg-urgent" in doc.one(id="msg-6").attrs["class"].split()


def test_the_composer_is_a_labelled_form_that_posts_without_script() -> None:
    doc = page(view(token="t0k"))
    form = doc.one("form", id="composer")
    assert (form.attrs["method"], form.attrs["action"]) == ("post", "/chat/send")
    assert form.one("label").attrs["for"] == "message"
    assert form.one("label").text() == t("wpg_label", "sv")
    field_ = form.one("input", id="message")
    assert (field_.attrs["name"], field_.attrs["type"], field_.attrs["autocomplete"],
            field_.attrs["maxlength"]) == ("text", "text", "off", "2000")
    hidden = {i.attrs["name"]: i.attrs["value"] for i in form.find("input", type="hidden")}
    assert hidden == {"token": "t0k", "lang": "sv"}
    send = form.one("button", id="send")
    assert send.attrs["type"] == "submit" and send.text() == t("wpg_send", "sv")
    # A new conversation: the token is empty, the server makes one.
    empty = page(view()).one("form", id="composer").one("input", name="token")
    assert empty.attrs["value"] == ""


def test_a_refused_send_shows_its_notice_and_keeps_the_draft_escaped() -> None:
    v = view(notice="Vänta en minut <b>. Vid akut fara: ring 112.", draft='"><script>x</script>')
    html = render_chat(v)
    doc = parse(html)
    status = doc.one("p", id="status")
    assert status.attrs["role"] == "status"
    assert status.text() == "Vänta en minut <b>. Vid akut fara: ring 112."
    assert doc.one("input", id="message").attrs["value"] == '"><script>x</script>'
    assert "<script>x" not in html and "<b>" not in html


def test_the_footer_gives_112_114_14_polisen_and_the_statement() -> None:
    footer = page(view(lang="en", html_lang="en")).one("footer")
    hrefs = [a.attrs["href"] for a in footer.find("a")]
    assert hrefs == ["tel:112", "tel:11414", "https://polisen.se", "/chat/tillganglighet?lang=en"]
    assert "112" in footer.text() and "114 14" in footer.text()


def test_no_inline_script_or_style_and_versioned_static_files() -> None:
    v = view(token="t0k", entries=(*ENTRIES, URGENT), urgent=URGENT, notice="n")
    for html in (render_chat(v), render_chat(replace(v, embed=True)),
                 render_statement("sv", "/chat")):
        doc = parse(html)
        assert not doc.find("style")
        for node in doc.walk():
            assert "style" not in node.attrs, node.tag
            assert not [a for a in node.attrs if a.startswith("on")], node.tag
        for script in doc.find("script"):
            assert script.attrs.get("src") and not script.text().strip()
    doc = page(v)
    versioned = [doc.one("script").attrs["src"], doc.one("link", rel="stylesheet").attrs["href"]]
    for url in versioned:
        name, version = re.fullmatch(r"/chat/static/([a-z]+\.[a-z]+)\?v=([0-9a-f]{10})",
                                     url).groups()
        assert version == hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:10]
    assert "defer" in doc.one("script").attrs


def test_the_embedded_page_is_compact_but_complete() -> None:
    doc = page(view(embed=True, entries=ENTRIES))
    assert len(doc.find("h1")) == 1
    assert doc.one("body").attrs["data-embed"] == "1"
    assert not doc.find("a", class_="skip")
    doc.one(id="transcript")
    doc.one("form", id="composer")
    # Inside the widget's frame a link must not replace the chat.
    statement = doc.one("footer").find("a")[-1]
    assert statement.attrs["target"] == "_blank"


def test_the_english_page_speaks_english_and_gives_the_script_its_words() -> None:
    doc = page(view(lang="en", html_lang="en"))
    body = doc.one("body")
    assert body.attrs["data-lang"] == "en" and body.attrs["data-base"] == "/chat"
    assert body.attrs["data-t-reconnecting"] == t("wpg_reconnecting", "en")
    assert body.attrs["data-t-reconnecting"] != t("wpg_reconnecting", "sv")
    assert doc.one("h1").text() == "Ask about safety"


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_accessibility_statement_has_what_digg_asks_for(lang: str) -> None:
    doc = parse(render_statement(lang, "/chat"))
    assert doc.one("html").attrs["lang"] == lang
    assert len(doc.find("h1")) == 1
    doc.one("main")
    nav = doc.one("nav", id="languages")
    assert [a.attrs["href"] for a in nav.find("a", aria_current="true")] == [f"?lang={lang}"]
    text = doc.one("main").text()
    assert ("delvis förenlig" if lang == "sv" else "partially compliant") in text
    assert "EN 301 549" in text and "WCAG 2.1" in text and "axe-core 4.14.1" in text
    assert ("30 november 2026" if lang == "sv" else "30 November 2026") in text
    hrefs = [a.attrs["href"] for a in doc.one("main").find("a")]
    assert "https://www.digg.se/tdosanmalan" in hrefs  # Digg's complaint form
    assert f"/chat?lang={lang}" in hrefs
    # No contact page configured: the words, no link to a guessed address.
    assert t("wst_contact", lang) in text


def test_the_statement_links_the_municipalitys_contact_page_when_given() -> None:
    doc = parse(render_statement("sv", "/chat", contact_url="https://www.asele.se/kontakt"))
    contact = [a for a in doc.find("a") if a.attrs["href"] == "https://www.asele.se/kontakt"]
    assert [a.text() for a in contact] == [t("wst_contact", "sv")]


def test_an_unknown_statement_language_is_swedish() -> None:
    assert parse(render_statement("xx", "/chat")).one("html").attrs["lang"] == "sv"


# ----------------------------------------------------------------------- the static files

def test_the_static_files_fetch_nothing_from_elsewhere() -> None:
    for name in ("chat.js", "chat.css", "widget.js", "widget.css"):
        source = (STATIC / name).read_text("utf-8")
        assert "http://" not in source and "https://" not in source, name
        assert "@import" not in source and "url(" not in source, name
        assert "eval(" not in source and "document.write" not in source, name


def test_the_script_keeps_the_contracts_names() -> None:
    js = (STATIC / "chat.js").read_text("utf-8")
    for name in ('"medborgarbot:token"', '"medborgarbot:seq"', '"/api/conversations"',
                 '"/api/messages"', '"/api/events?token="', '"medborgarbot:focus"',
                 '"medborgarbot:close"', "new EventSource("):
        assert name in js, name
    widget = (STATIC / "widget.js").read_text("utf-8")
    for name in ('"medborgarbot-open"', '"medborgarbot-dialog"', '"medborgarbot-close"',
                 '"medborgarbot-frame"', "showModal", "ev.origin !== origin",
                 "document.currentScript"):
        assert name in widget, name


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_colours_meet_wcag_aa_contrast() -> None:
    css = (STATIC / "chat.css").read_text("utf-8")
    var = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", css))
    white = "#ffffff"
    text_pairs = [("ink", white), ("muted", white), ("accent", white), ("urgent", white),
                  ("ink", "you"), ("accent", "you"), ("ink", "bot"), ("accent", "bot"),
                  ("ink", "urgent-bg"), ("urgent", "urgent-bg"), ("accent", "urgent-bg"),
                  ("muted", "bot")]
    for fg, bg in text_pairs:
        ratio = contrast(var[fg], var.get(bg, bg))
        assert ratio >= 4.5, f"{fg} on {bg}: {ratio:.2f}"
    # Controls' borders and the focus ring against the page.
    for ui in ("line", "focus", "accent"):
        assert contrast(var[ui], white) >= 3, ui
    assert contrast(white, var["accent"]) >= 4.5  # the send button's text
