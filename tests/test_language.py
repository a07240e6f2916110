"""Which language a message is in: Swedish or English for the reply, and a language the bot
does not read for the notice. Measured on every Swedish and English message the project
has (the knowledge base's examples, the safety corpus with its dialect, teenage, second-
language and no-å/ä/ö writers, the probe sets): none may be taken for a foreign language."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.core.bot import Bot
from bot.core.messages import Outcome
from bot.features.foreign_notice import NOTICE
from bot.knowledge.holder import KnowledgeHolder
from bot.text.foreign import identify
from bot.text.language import detect
from tests.conftest import ROOT, ask

DATA = Path(__file__).parent / "data"


def _strings(node: object, out: list[str]) -> list[str]:
    if isinstance(node, str):
        out.append(node)
    elif isinstance(node, list):
        for item in node:
            _strings(item, out)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key not in ("voice", "lang", "kind", "writer", "expect"):
                _strings(value, out)
    return out


def own_language_messages(holder: KnowledgeHolder) -> list[str]:
    messages = [ex for topic in holder.kb.data.topics for ex in topic.examples]
    files = [*(ROOT / "training" / "safety_corpus").glob("*.yaml"),
             *(ROOT / "bench" / "safety_probes").glob("*/*.yaml")]
    for path in sorted(files):
        _strings(yaml.safe_load(path.read_text(encoding="utf-8")), messages)
    for name in ("questions.yaml", "more_questions.yaml", "probes.yaml"):
        cases = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))["cases"]
        messages += [c["q"] for c in cases if c.get("outcome") != "foreign"]
    return list(dict.fromkeys(messages))


# Lines in those files that really are in another language (a German tourist, a Polish
# worker asking to write Polish): flagging them is right.
TRULY_FOREIGN = {
    "Danke! Sehr hilfreich", "Kann ich auch auf Deutsch schreiben?", "Spreekt u Nederlands?",
    "Sprechen Sie Deutsch? Nur eine kurze Frage", "Wesołych Świąt, glad påsk 🐣",
    "mogę pisać po polsku? mój szwedzki jest słaby", "kiitos", "dziękuję, tack",
    "ok dzwonię",
}


def test_no_swedish_or_english_message_is_taken_for_a_foreign_language(
        shipped_holder: KnowledgeHolder) -> None:
    messages = own_language_messages(shipped_holder)
    assert len(messages) > 10_000
    analyser = shipped_holder.kb.analyser
    flagged = {m: code for m in messages
               if (code := identify(m, analyser.stopwords, analyser.known_words))}
    assert set(flagged) <= TRULY_FOREIGN, {m: c for m, c in flagged.items()
                                           if m not in TRULY_FOREIGN}


def test_messages_in_other_languages_are_recognised(shipped_holder: KnowledgeHolder) -> None:
    samples = yaml.safe_load((DATA / "foreign_messages.yaml").read_text(encoding="utf-8"))
    analyser = shipped_holder.kb.analyser
    found = {lang: [identify(m, analyser.stopwords, analyser.known_words) for m in texts]
             for lang, texts in samples.items()}
    total = sum(len(texts) for lang, texts in samples.items() if lang != "sma")
    hits = sum(1 for lang, codes in found.items() if lang != "sma" for c in codes if c)
    assert hits >= 0.9 * total, found
    for lang in ("fi", "de", "pl", "ar", "fa", "uk", "so"):  # every one of these
        assert all(found[lang][:2]), (lang, found[lang])
    # A named language is the right one: a Finnish sentence never gets the Polish notice.
    wrong = [(lang, code) for lang, codes in found.items() for code in codes
             if code and code != "und" and code != lang and lang != "sma"]
    assert not wrong


@pytest.mark.parametrize(("text", "code"), [
    ("Дякую, де поліція?", "uk"),  # і, ї, є, ґ are Ukrainian only
    ("Где полицейский участок? Спасибо, вы очень помогли", "ru"),
    ("شماره تلفن پلیس چیست؟", "fa"),  # پ گ چ ژ are Persian, not Arabic
    ("ما هو رقم الشرطة؟", "ar"),
    ("ሰላም፡ ፖሊስ ከመይ ክረክብ እኽእል?", "und"),  # Tigrinya: foreign, but no sentence of ours
    ("apua", "fi"),  # one word: only an unambiguous cry or courtesy
    ("Pomocy", "pl"),
])
def test_scripts_and_single_words(text: str, code: str) -> None:
    assert identify(text) == code


@pytest.mark.parametrize("text", [
    "jaha", "nää", "hejdå", "nej", "aha", "byeee", "ok", "tack", "polisen", "Fredrika",
    "vem ä hä ja pratar me", "sparas hä va ja skriv?", "okej hej da",
    "ka gjør æ no??", "hvor lenge gjelder avtalen",  # Norwegian readers read Swedish
    "mitt konto pa swish anvands av nan annan", "var kan man aka langdskidor i asele",
    "🚓🚓", "112", "", "asdfghjkl",
])
def test_swedish_norwegian_and_noise_are_not_foreign(text: str) -> None:
    assert identify(text) is None


@pytest.mark.parametrize(("text", "lang"), [
    ("What did the police promise in Åsele?", "en"),
    ("is the medborgarlöfte still valid", "en"),
    ("who is the kommunpolis", "en"),
    ("what is a trygghetsvandring", "en"),
    ("do police ever come to Gafsele or Lomsjö", "en"),
    ("how do I reach Åsele kommun", "en"),
    ("vad har polisen lovat i Åsele", "sv"),
    ("he brinn i källarn, hörs smällar", "sv"),  # dialect "he" = "det"
    ("nar gar avtalet ut", "sv"),
    ("vad gör polisen för att minska brott", "sv"),
    ("Lomsjö?", "sv"),
    ("knark", "sv"),  # nothing to go by: the default
])
def test_reply_language(text: str, lang: str) -> None:
    assert detect(text) == lang


async def test_the_notice_names_112_and_114_14_in_the_language(shipped_bot: Bot) -> None:
    reply = await ask(shipped_bot, "Mikä on poliisin puhelinnumero?")
    assert reply.outcome is Outcome.FOREIGN
    assert NOTICE["fi"] in reply.text  # the Finnish sentence: Finnish was recognised
    assert "svenska och engelska" in reply.text and "Swedish and English" in reply.text
    assert "112" in reply.text and "114 14" in reply.text
    somali = await ask(shipped_bot, "Sidee baan ula xiriiraa booliska?")
    assert somali.outcome is Outcome.FOREIGN  # no sentence of ours: Swedish and English
    assert somali.text.startswith("Jag förstår bara svenska och engelska")


async def test_a_chosen_language_is_not_second_guessed(shipped_bot: Bot) -> None:
    reply = await ask(shipped_bot, "Wie kann ich die Polizei erreichen?", lang="en")
    assert reply.outcome is not Outcome.FOREIGN


async def test_safety_comes_before_the_notice(shipped_bot: Bot) -> None:
    reply = await ask(shipped_bot, "det brinner i grannhuset")
    assert reply.outcome is Outcome.EMERGENCY
