"""The languages a reply can be in (issue 13): the catalogues beyond sv and en, lättläst
svenska in the catalogues and the knowledge base, a municipality's South Sami catalogue,
and the page's preferred language (IncomingMessage.prefer) against what the person writes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.app import build_bot
from bot.config import Config
from bot.core import texts
from bot.core.bot import Bot
from bot.core.clock import FixedClock
from bot.core.messages import IncomingMessage, Outcome
from bot.core.texts import CatalogueError, Language, catalogue_findings, language, languages, t
from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.loader import KnowledgeError, load_knowledge
from bot.knowledge.schema import Text
from bot.store import Store
from bot.text.lang import ReplyLang, base, code_of, fallbacks, speaking
from tests.conftest import FIXTURE, SHIPPED, ask

pytestmark = pytest.mark.usefixtures("shipped_texts")

SMA = """\
_language:
  name: Åarjelsaemien gïele
  partial: true
greeting: Buerie biejjie! Manne {name} chattbot.
bye: Åvtese!
"""
LATTLAST_LOFTENA = "Här är det som polisen och kommunen har lovat."




def _kb_with_sma(tmp_path: Path, source: Path = FIXTURE, sma: str = SMA) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(source, target)
    (target / "i18n").mkdir()
    (target / "i18n" / "sma.yaml").write_text(sma, "utf-8")
    return target


# ------------------------------------------------------------------ codes

def test_codes_fall_back_to_their_base_then_swedish() -> None:
    assert fallbacks("sv-lattlast") == ("sv-lattlast", "sv")
    assert fallbacks("sma") == ("sma", "sv")
    assert fallbacks("en-GB") == ("en-GB", "en", "sv")
    assert fallbacks("en") == ("en", "sv")
    assert [base(c) for c in ("sv", "en", "en-GB", "sv-lattlast", "sma")] == [
        "sv", "en", "en", "sv", "sv"]


def test_a_reply_language_is_its_base_to_all_code_written_for_two() -> None:
    lattlast = speaking("sv-lattlast")
    assert isinstance(lattlast, ReplyLang) and code_of(lattlast) == "sv-lattlast"
    assert lattlast == "sv" and hash(lattlast) == hash("sv")
    assert {"sv": 1, "en": 2}[lattlast] == 1  # the dialogues' questions are keyed sv/en
    assert str(lattlast) == "sv" and type(str(lattlast)) is str
    assert speaking("sv") == "sv" and type(speaking("en")) is str  # the two stay plain


# ------------------------------------------------------------------ catalogues

def test_the_shipped_languages_sv_first() -> None:
    assert languages() == (Language("sv", "Svenska", "sv"), Language("en", "English", "en"),
                           Language("sv-lattlast", "Lättläst svenska", "sv"))
    assert language("sv-lattlast") == languages()[2]
    assert language(speaking("sv-lattlast")) == languages()[2]
    assert language("sma") is None and language(None) is None and language("xx") is None


def test_lattlast_says_its_own_words_and_swedish_for_the_rest() -> None:
    found = catalogue_findings()
    assert found.problems == [] and found.warnings == []  # partial: no warning
    assert t("greeting", "sv-lattlast", name="Åsele kommun").startswith(
        "Hej! Jag är en chattbot från Åsele kommun.")
    assert t("bk_intro", "sv-lattlast") == t("bk_intro", "sv")  # not written: Swedish
    lattlast = speaking("sv-lattlast")
    assert t("safety_call", lattlast) != t("safety_call", "sv")
    assert "112" in t("safety_call", lattlast) and "112" in t("unknown", lattlast, name="X")
    # A language with no catalogue speaks its base; English only for en and en-*.
    assert t("bye", "en-GB") == t("bye", "en")
    assert t("bye", "sma") == t("bye", "sv")


def test_a_partial_catalogue_in_the_folder_is_offered(folder: Path) -> None:
    (folder / "sma.yaml").write_text(SMA, "utf-8")
    found = catalogue_findings(folder)
    assert found.problems == [] and found.warnings == []
    texts.load(folder)
    assert [lang.code for lang in languages()] == ["sv", "en", "sma", "sv-lattlast"]
    assert language("sma") == Language("sma", "Åarjelsaemien gïele", "sma")
    assert t("bye", "sma") == "Åvtese!"
    assert t("ack", "sma") == t("ack", "sv")


def test_sv_and_en_stay_strict_even_if_marked_partial(folder: Path) -> None:
    text = (folder / "en.yaml").read_text("utf-8")
    text = text.replace("  html_lang: en\n", "  html_lang: en\n  partial: true\n")
    text = "".join(line for line in text.splitlines(keepends=True)
                   if not line.startswith("bye:"))
    (folder / "en.yaml").write_text(text, "utf-8")
    problems = catalogue_findings(folder).problems
    assert len(problems) == 1 and "en.yaml: bye: missing" in problems[0]


def test_a_broken_language_block_is_a_problem(folder: Path) -> None:
    (folder / "sma.yaml").write_text(
        "_language:\n  name: 12\n  partial: kanske\n  html_lang: 'not a tag'\n  flag: x\n"
        "bye: Åvtese!\n", "utf-8")
    problems = catalogue_findings(folder).problems
    assert [p.split(": ", 1)[1] for p in problems] == [
        "_language.name: must be text", "_language.partial: must be true or false",
        "_language.html_lang: 'not a tag' is not a language tag",
        "_language.flag: unknown (name, html_lang, partial)"]
    assert problems[0].startswith(f"{folder / 'sma.yaml'}:2:")


def test_a_catalogue_key_sv_lacks_fails_in_a_partial_catalogue_too(folder: Path) -> None:
    (folder / "sma.yaml").write_text(SMA + "byee: Åvtese\n", "utf-8")
    problems = catalogue_findings(folder).problems
    assert len(problems) == 1 and "byee: not a key of sv.yaml" in problems[0]


# ------------------------------------------------------------------ a knowledge base's own

def test_a_knowledge_base_brings_its_sami_catalogue(tmp_path: Path) -> None:
    kb = _kb_with_sma(tmp_path)
    holder = KnowledgeHolder.load(kb)
    assert "sma" in [lang.code for lang in languages()]
    assert t("greeting", "sma", name="Åsele") == "Buerie biejjie! Manne Åsele chattbot."
    shutil.rmtree(kb / "i18n")
    assert holder.reload() == []  # the base that goes into service brings its catalogues
    assert language("sma") is None
    assert t("bye", "sma") == t("bye", "sv")


def test_a_knowledge_base_catalogue_is_checked_when_the_base_loads(tmp_path: Path) -> None:
    kb = _kb_with_sma(tmp_path, sma="greeting: Buerie biejjie {nimi}!\n")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(kb)
    [problem] = caught.value.problems
    assert problem.startswith(str(kb / "i18n" / "sma.yaml")) and "placeholders" in problem
    (kb / "i18n" / "sma.yaml").unlink()
    (kb / "i18n" / "sv.yaml").write_text("bye: Hej då\n", "utf-8")
    with pytest.raises(KnowledgeError, match=r"reword its texts in the knowledge base"):
        load_knowledge(kb)


def test_a_broken_knowledge_catalogue_keeps_the_old_base(tmp_path: Path) -> None:
    kb = _kb_with_sma(tmp_path)
    holder = KnowledgeHolder.load(kb)
    (kb / "i18n" / "sma.yaml").write_text("bye: [Åvtese\n", "utf-8")
    problems = holder.reload()
    assert problems and "not valid YAML" in problems[0]
    assert t("bye", "sma") == "Åvtese!"
    with pytest.raises(CatalogueError):
        texts.load(extra=kb / "i18n")


# ------------------------------------------------------------------ Text variants

def test_text_variants_load_and_fall_back() -> None:
    text = Text.model_validate({"sv": "Hej", "en": "Hello", "sv-lattlast": "Hej!",
                                "sma": "Buerie biejjie"})
    assert text.get("sv-lattlast") == "Hej!" and text.get(speaking("sv-lattlast")) == "Hej!"
    assert text.get("sma") == "Buerie biejjie" and text.get(speaking("sma")) == "Buerie biejjie"
    assert (text.get("sv"), text.get("en"), text.get("en-GB"), text.get("fi")) == (
        "Hej", "Hello", "Hello", "Hej")
    plain = Text.model_validate({"sv": "Hej", "en": "Hello"})
    assert plain.get(speaking("sv-lattlast")) == "Hej" and plain.get("sma") == "Hej"
    assert plain.written() == {"sv": "Hej", "en": "Hello"}
    with pytest.raises(ValueError, match="sv_lattlast"):
        Text.model_validate({"sv": "Hej", "en": "Hello", "sv_lattlast": "Hej!"})


def test_a_lattlast_answer_is_checked_like_the_others(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(SHIPPED, kb)
    path = kb / "common" / "topics.yaml"
    text = path.read_text("utf-8")
    assert text.count("Här är det som polisen och kommunen har lovat.\n\n        {promises}") == 1
    path.write_text(text.replace("har lovat.\n\n        {promises}", "har lovat.\n\n"
                                 "        {promisez}"), "utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(kb)
    [problem] = caught.value.problems
    assert "answer.sv-lattlast: unknown placeholder {promisez}" in problem


def test_the_shipped_core_answers_have_lattlast(shipped_holder: KnowledgeHolder) -> None:
    topics = shipped_holder.kb.topics
    for tid in ("medborgarlofte", "loftena", "kontakta-kommunpolis", "kontakta-polisen",
                "kontakta-kommunen", "synpunkt", "anonymitet"):
        assert topics[tid].answer.sv_lattlast, tid
    current = shipped_holder.kb.periods[-1]
    assert all(p.text.sv_lattlast for p in current.promises)


# ------------------------------------------------------------------ the page's language

async def test_the_promises_in_lattlast_on_a_lattlast_page(shipped_bot: Bot) -> None:
    reply = await ask(shipped_bot, "vad har polisen lovat", prefer="sv-lattlast")
    assert reply.outcome is Outcome.ANSWERED and reply.topic_id == "loftena"
    assert reply.text.startswith(LATTLAST_LOFTENA)
    assert "Ett brottsoffer är någon som har blivit utsatt för ett brott." in reply.text
    assert "_(vem ansvarar: polisen och kommunen)_" in reply.text
    assert code_of(reply.lang) == "sv-lattlast" and reply.lang == "sv"
    assert language(reply.lang) == Language("sv-lattlast", "Lättläst svenska", "sv")
    plain = await ask(shipped_bot, "vad har polisen lovat", prefer="sv")
    assert not plain.text.startswith(LATTLAST_LOFTENA) and code_of(plain.lang) == "sv"
    assert not (await ask(shipped_bot, "vad har polisen lovat")).text.startswith(
        LATTLAST_LOFTENA)


async def test_lattlast_help_and_unknown(shipped_bot: Bot, fixture_bot: Bot) -> None:
    hello = await ask(shipped_bot, "hej", prefer="sv-lattlast")
    assert "Jag är en chattbot från Åsele kommun." in hello.text
    unknown = await ask(fixture_bot, "vad kostar hundskatten", prefer="sv-lattlast")
    assert unknown.outcome is Outcome.UNKNOWN
    assert unknown.text.startswith("Det kan jag inte svara på. Jag vill inte gissa.")
    assert "112" in unknown.text


async def test_an_english_page_stays_english_for_a_hej(shipped_bot: Bot) -> None:
    for text in ("hej", "ok", "tack", "Lomsjö?"):
        reply = await ask(shipped_bot, text, prefer="en")
        assert reply.lang == "en", text
    assert (await ask(shipped_bot, "hej", prefer="en")).text.startswith("Hi!")
    assert (await ask(shipped_bot, "hej")).lang == "sv"  # no page: as before


async def test_the_person_who_clearly_writes_the_other_language_is_followed(
        shipped_bot: Bot) -> None:
    english = await ask(shipped_bot, "What did the police promise?", prefer="sv")
    assert english.lang == "en" and english.topic_id == "loftena"
    swedish = await ask(shipped_bot, "vad har polisen lovat i Åsele", prefer="en")
    assert swedish.lang == "sv" and code_of(swedish.lang) == "sv"
    on_lattlast = await ask(shipped_bot, "What did the police promise?", prefer="sv-lattlast")
    assert on_lattlast.lang == "en" and code_of(on_lattlast.lang) == "en"
    # A language the transport or the person chose still wins over the page.
    chosen = await ask(shipped_bot, "vad har polisen lovat", prefer="sv-lattlast", lang="en")
    assert chosen.lang == "en"


async def test_an_unknown_page_language_is_swedish(shipped_bot: Bot) -> None:
    reply = await ask(shipped_bot, "vad har polisen lovat", prefer="sma")  # no catalogue
    assert code_of(reply.lang) == "sv" and not reply.text.startswith(LATTLAST_LOFTENA)
    assert (await ask(shipped_bot, "hello there", prefer="xx")).lang == "en"


async def test_a_sami_page_speaks_the_municipality_s_catalogue(
        tmp_path: Path, clock: FixedClock, store: Store) -> None:
    holder = KnowledgeHolder.load(_kb_with_sma(tmp_path, SHIPPED))
    bot = build_bot(Config(), clock, holder, store)
    reply = await ask(bot, "hej", prefer="sma")
    assert reply.text.startswith("Buerie biejjie! Manne Åsele kommun chattbot.")
    assert code_of(reply.lang) == "sma" and language(reply.lang).html_lang == "sma"
    # What the catalogue and the base do not hold is said in Swedish.
    answer = await ask(bot, "vad har polisen lovat", prefer="sma")
    assert answer.topic_id == "loftena" and "Medborgarlöfte 2025–2027" in answer.text


async def test_feedback_on_a_lattlast_page_is_stored_as_swedish(shipped_bot: Bot,
                                                                store: Store) -> None:
    replies = [(await ask(shipped_bot, text, prefer="sv-lattlast")).text
               for text in ("/tyck", "2", "Fredrika", "Mörkt vid skolan", "4", "ja")]
    assert "Det betyder att den inte visar vem du är." in replies[0]
    assert "Svara **ja** om du vill spara." in replies[4]
    assert "Nu är din synpunkt sparad." in replies[5]
    [entry] = await store.list_feedback()
    assert entry.lang == "sv" and type(entry.lang) is str


async def test_a_dialogue_on_an_english_page_keeps_english_for_a_ja(shipped_bot: Bot) -> None:
    replies = [await ask(shipped_bot, text, prefer="en")
               for text in ("/tyck", "2", "Fredrika", "Dark by the school", "4", "ja")]
    assert [r.lang for r in replies] == ["en"] * 6


async def test_a_south_sami_page_gets_no_foreign_notice(shipped_bot: Bot) -> None:
    """The detector reads Sami as Northern Sami ("se"): on a page in a language the
    municipality supplied, that is the page's own language, not a foreign one."""
    text = "Mov lea viehkie daarpesjamme"
    plain = await shipped_bot.handle(IncomingMessage("web", "r1", "u1", text))
    assert plain is not None and plain.outcome is Outcome.FOREIGN
    paged = await shipped_bot.handle(IncomingMessage("web", "r2", "u2", text, prefer="sma"))
    assert paged is not None and paged.outcome is not Outcome.FOREIGN


async def test_feedback_questions_are_lattlast_on_a_lattlast_page(shipped_bot: Bot) -> None:
    msg = IncomingMessage("web", "r3", "u3", "/tyck", prefer="sv-lattlast")
    first = await shipped_bot.handle(msg)
    assert first is not None and t("fb_category", "sv-lattlast") in first.text
    chosen = await shipped_bot.handle(IncomingMessage("web", "r3", "u3", "1",
                                                      prefer="sv-lattlast"))
    assert chosen is not None and t("fb_area", "sv-lattlast") in chosen.text
    assert t("fb_area", "sv-lattlast") != t("fb_area", "sv")
