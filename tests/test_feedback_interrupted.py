"""/tyck does not derail: a crime told in it is the feedback, a question mid-dialogue is
answered, an emergency pauses it without losing anything, numbers of any script are
understood, and nothing typed earlier can lose the entry after "ja". Through Bot.handle on
the shipped knowledge base."""

from __future__ import annotations

import pytest

from bot.core.bot import Bot
from bot.core.messages import Outcome
from bot.features import feedback
from bot.privacy.redact import redact
from bot.store import Store
from bot.store.base import StoreError
from tests.conftest import ask, message

RATING = {"sv": "Hur trygg känner du dig där", "en": "How safe do you feel there"}
YES = {"sv": "ja", "en": "yes"}


async def run(bot: Bot, *texts: str, **kwargs: object) -> list[str]:
    return [(await ask(bot, text, **kwargs)).text for text in texts]


@pytest.mark.parametrize(("text", "lang"), [
    ("de langar knark bakom skolan", "sv"),
    ("någon har sprayat på busskuren", "sv"),
    ("Folk klottrar på skolans vägg varje helg", "sv"),
    ("det säljs hasch vid macken på kvällarna", "sv"),
    ("någon stal min cykel vid stationen", "sv"),
    ("ungdomar snattar i affären", "sv"),
    ("they sell drugs behind the school", "en"),
    ("someone sprayed graffiti on the bus stop", "en"),
    ("my neighbour beats his wife, it happens often", "en"),
    ("bikes get stolen at the station every week", "en"),
])
async def test_a_crime_told_in_feedback_is_the_feedback(
        shipped_bot: Bot, store: Store, text: str, lang: str) -> None:
    await run(shipped_bot, "/tyck", "2", "1")
    reply = await ask(shipped_bot, text)
    assert reply.outcome is not Outcome.EMERGENCY
    assert "114 14" in reply.text and "polisen.se" in reply.text and "112" in reply.text
    assert RATING[lang] in reply.text  # the text is taken: the next question is asked
    summary = await ask(shipped_bot, "3")  # the rating, never the text
    assert "3 –" in summary.text
    assert (await ask(shipped_bot, YES[lang])).outcome is Outcome.DIALOGUE
    [entry] = await store.list_feedback()
    assert (entry.text, entry.rating, entry.category, entry.lang) == (
        redact(text).text, 3, "narkotika-alkohol", lang)


async def test_an_emergency_in_feedback_pauses_it_and_keeps_what_was_written(
        shipped_bot: Bot, store: Store) -> None:
    await run(shipped_bot, "/tyck", "3", "2")
    first = await ask(shipped_bot, "min granne slår sin fru")
    assert first.outcome is Outcome.EMERGENCY and first.text.startswith("**Ring 112")
    assert "synpunkt" not in first.text  # 112 alone
    crisis = await ask(shipped_bot, "3")  # read in the light of the emergency
    assert crisis.outcome is Outcome.EMERGENCY
    await ask(shipped_bot, "det är lugnt nu")
    waiting = await ask(shipped_bot, "3")  # not taken as the text, nor as a rating
    assert waiting.outcome is Outcome.DIALOGUE and "/fortsätt" in waiting.text
    resumed = await ask(shipped_bot, "fortsätt")
    assert "> min granne slår sin fru" in resumed.text and "**ja**" in resumed.text
    taken = await ask(shipped_bot, "ja")
    assert "114 14" in taken.text and RATING["sv"] in taken.text
    await run(shipped_bot, "2", "ja")
    [entry] = await store.list_feedback()
    assert (entry.category, entry.area, entry.text, entry.rating) == (
        "skadegorelse", "fredrika", redact("min granne slår sin fru").text, 2)


@pytest.mark.parametrize("word", ["börja om", "restart"])
async def test_a_paused_feedback_restarts_with_one_word(shipped_bot: Bot, store: Store,
                                                        word: str) -> None:
    await run(shipped_bot, "/tyck", "3", "2", "det brinner i huset bredvid", "det är lugnt nu")
    assert "Vad gäller det?" in (await ask(shipped_bot, word)).text
    await run(shipped_bot, "1", "1", "Mörkt vid skolan", "hoppa över", "ja")
    [entry] = await store.list_feedback()
    assert (entry.category, entry.text) == ("trafik", redact("Mörkt vid skolan").text)


@pytest.mark.parametrize(("before", "question", "back", "step"), [
    ((), "vad har polisen lovat?", "Tillbaka till din synpunkt", "Vad gäller det?"),
    (("2",), "när går avtalet ut?", "Tillbaka till din synpunkt", "Var ungefär?"),
    (("2",), "when does the agreement end?", "Back to your feedback", "Roughly where?"),
    (("2", "1", "Mörkt vid skolan"), "hur länge gäller avtalet?",
     "Tillbaka till din synpunkt", "Hur trygg"),
    (("2", "1", "Mörkt vid skolan", "4"), "vad har kommunen lovat?",
     "Tillbaka till din synpunkt", "Svara **ja**"),
    (("2", "1", "Dark at the school"), "who do I call about the promise?",
     "Back to your feedback", "How safe"),
])
async def test_a_question_mid_dialogue_is_answered_and_the_dialogue_goes_on(
        shipped_bot: Bot, store: Store, before: tuple[str, ...], question: str, back: str,
        step: str) -> None:
    await run(shipped_bot, "/tyck", *before)
    reply = await ask(shipped_bot, question)
    assert reply.outcome is not Outcome.DIALOGUE and reply.outcome is not Outcome.INVALID
    assert back in reply.text and step in reply.text
    assert reply.text.index(back) > 0  # the answer comes first
    for answer in ["2", "1", "Mörkt vid skolan", "4", "ja"][len(before):]:
        await ask(shipped_bot, answer)
    [entry] = await store.list_feedback()
    assert (entry.category, entry.area, entry.rating) == ("narkotika-alkohol",
                                                          "centrala-asele", 4)


async def test_the_dialogue_follows_a_change_to_english(shipped_bot: Bot,
                                                        store: Store) -> None:
    assert "Vad gäller det?" in (await ask(shipped_bot, "/tyck")).text
    question = await ask(shipped_bot, "how long does the agreement run?")
    assert question.lang == "en" and "Back to your feedback" in question.text
    assert "What is it about?" in question.text
    assert "Roughly where?" in (await ask(shipped_bot, "1")).text
    assert "Tell us in your own words" in (await ask(shipped_bot, "2")).text
    assert RATING["en"] in (await ask(shipped_bot, "Cars drive too fast at night")).text
    assert "Shall I save" in (await ask(shipped_bot, "4")).text
    assert "Thank you" in (await ask(shipped_bot, "yes")).text
    [entry] = await store.list_feedback()
    assert (entry.lang, entry.category, entry.area, entry.rating) == ("en", "trafik",
                                                                      "fredrika", 4)


@pytest.mark.parametrize("digits", [("²", "①", "٣"), ("２", "１", "３"), ("2.", "(1)", "3)"),
                                    ("۲", "١", "³")])
async def test_menus_take_digits_of_any_script(shipped_bot: Bot, store: Store,
                                               digits: tuple[str, str, str]) -> None:
    category, area, rating = digits
    await run(shipped_bot, "/tyck", category, area, "Mörkt vid skolan", rating, "ja")
    [entry] = await store.list_feedback()
    assert (entry.category, entry.area, entry.rating) == ("narkotika-alkohol",
                                                          "centrala-asele", 3)


@pytest.mark.parametrize("pick", ["²", "②", "٢", "２", "2.", "(2)"])
async def test_a_suggestion_is_picked_with_digits_of_any_script(shipped_bot: Bot,
                                                                pick: str) -> None:
    assert (await ask(shipped_bot, "polis", sender="@a")).outcome is Outcome.SUGGESTED
    assert (await ask(shipped_bot, "polis", sender="@b")).outcome is Outcome.SUGGESTED
    plain = await ask(shipped_bot, "2", sender="@a")
    picked = await ask(shipped_bot, pick, sender="@b")
    assert picked.outcome is Outcome.ANSWERED and picked.topic_id == plain.topic_id


@pytest.mark.parametrize("text", ["3", "٣", "ja", "ok"])
async def test_a_number_or_a_yes_is_not_taken_as_the_text(shipped_bot: Bot, store: Store,
                                                          text: str) -> None:
    await run(shipped_bot, "/tyck", "1", "1")
    reply = await ask(shipped_bot, text)
    assert "egna ord" in reply.text and "Berätta" in reply.text


async def test_redaction_that_makes_the_text_too_long_does_not_lose_it(
        shipped_bot: Bot, store: Store) -> None:
    text = ("Mejla mig på a@b.se. " * 95)[:1990]  # each address becomes "[e-post]": longer
    assert len(text) == 1990 and len(redact(text).text) > 2000
    await run(shipped_bot, "/tyck", "1", "1")
    reply = await ask(shipped_bot, text)
    assert "kortade" in reply.text and RATING["sv"] in reply.text
    await ask(shipped_bot, "3")
    assert "sparad" in (await ask(shipped_bot, "ja")).text
    [entry] = await store.list_feedback()
    assert len(entry.text) <= 2000 and entry.text.endswith(" …") and "a@b.se" not in entry.text
    assert entry.text.startswith("Mejla mig på [e-post].")


async def test_a_redactor_that_fails_leaves_the_dialogue_at_the_text(
        shipped_bot: Bot, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(text: str) -> object:
        raise RuntimeError("the redactor broke on: " + text)

    await run(shipped_bot, "/tyck", "1", "1")
    with monkeypatch.context() as patch:
        patch.setattr(feedback, "redact", broken)
        reply = await ask(shipped_bot, "Ring 070-123 45 67")
    assert reply.outcome is Outcome.DIALOGUE and "personuppgifter" in reply.text
    assert "Berätta" in reply.text
    await run(shipped_bot, "Ring 070-123 45 67", "hoppa över", "ja")
    [entry] = await store.list_feedback()
    assert "070" not in entry.text


async def test_a_store_that_fails_after_yes_loses_nothing(
        shipped_bot: Bot, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    add = store.add_feedback
    calls = []

    async def flaky(entry: object) -> object:
        calls.append(entry)
        if len(calls) == 1:
            raise StoreError("database is locked")
        return await add(entry)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "add_feedback", flaky)
    await run(shipped_bot, "/tyck", "1", "1", "Mörkt vid skolan", "2")
    failed = await ask(shipped_bot, "ja")
    assert failed.outcome is Outcome.DIALOGUE and "Inget är förlorat" in failed.text
    assert "sparad" in (await ask(shipped_bot, "ja")).text
    assert len(await store.list_feedback()) == 1


HOSTILE = ["", " ", "\u200b", "🙂👍", "⑳" * 1500, "²" * 3000, "9" * 3999, "٣" * 3999,
           "-" * 10, "[x](javascript:alert(1))", "<script>alert(1)</script>", "**ja**",
           "JA!!!", "/", "//", "/ fortsätt", "/tyck", "/boka", "%s{0}{name}", "\x00\x01",
           "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇", "\u202eabc", "a" * 4001, "١٢٣٤٥٦٧٨٩٠" * 30,
           "nr ⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹⁹", "Vilken är bäst? 1 eller 2?"]


@pytest.mark.parametrize("step", range(5))
@pytest.mark.parametrize("text", HOSTILE)
async def test_no_input_at_any_step_breaks_or_ends_the_dialogue(
        shipped_bot: Bot, store: Store, step: int, text: str) -> None:
    await run(shipped_bot, "/tyck", *["2", "1", "Mörkt vid skolan", "3"][:step])
    reply = await shipped_bot.handle(message(text))
    assert reply is not None and "Något gick fel" not in reply.text
    if step == 4 and text in ("**ja**", "JA!!!"):  # a yes at the confirmation: saved
        assert len(await store.list_feedback()) == 1
        return
    assert "Inget sparades" in (await ask(shipped_bot, "avbryt")).text  # still under way
    assert await store.list_feedback() == []
