"""Reply choices: the picks a reply offers as buttons (issue 13). A button's `send`, sent
back as the person's message, does what typing the answer does; the text keeps its
numbered list for plain-text transports."""

from __future__ import annotations

import pytest

from bot.core import choices
from bot.core.bot import Bot
from bot.core.messages import Choice, Outcome, Reply
from bot.store import Store
from tests.conftest import ask

# Reaches the feedback dialogue's confirmation: category, area, text, no rating.
TO_CONFIRM = ("/tyck", "1", "1", "Fart vid skolan", "hoppa över")


async def run(bot: Bot, *texts: str, **kwargs: object) -> Reply:
    reply = None
    for text in texts:
        reply = await ask(bot, text, **kwargs)
    assert reply is not None
    return reply


def listed(reply: Reply) -> None:
    """Every numbered button stands in the text as its numbered line."""
    for choice in reply.choices:
        if choice.send.isdigit():
            assert f"{choice.send}. {choice.label}" in reply.text, reply.text


@pytest.mark.parametrize(("question", "lang"), [("polis", "sv"), ("police", "en")])
async def test_suggestions_carry_one_button_a_number(shipped_bot: Bot, question: str,
                                                     lang: str) -> None:
    reply = await ask(shipped_bot, question, lang=lang)
    assert reply.outcome is Outcome.SUGGESTED and reply.lang == lang
    assert [c.send for c in reply.choices] == ["1", "2"]
    listed(reply)
    if lang == "en":
        assert all("olice" in c.label for c in reply.choices)  # not "Polisen"


@pytest.mark.parametrize("question", ["polis", "kontakt"])
async def test_pressing_a_suggestion_gives_what_typing_it_gives(shipped_bot: Bot,
                                                               question: str) -> None:
    offered = await ask(shipped_bot, question, sender="@pressing")
    assert offered.outcome is Outcome.SUGGESTED and offered.choices
    listed(offered)
    for number, choice in enumerate(offered.choices, 1):
        await ask(shipped_bot, question, sender="@pressing")
        await ask(shipped_bot, question, sender="@typing")
        pressed = await ask(shipped_bot, choice.send, sender="@pressing")
        typed = await ask(shipped_bot, str(number), sender="@typing")
        assert pressed.outcome is Outcome.ANSWERED and pressed.topic_id is not None
        assert (pressed.text, pressed.topic_id) == (typed.text, typed.topic_id)


async def test_a_plain_answer_carries_no_choices(shipped_bot: Bot) -> None:
    reply = await ask(shipped_bot, "vad har polisen lovat om trafik")
    assert reply.outcome is Outcome.ANSWERED and reply.choices == ()
    assert (await ask(shipped_bot, "hej")).choices == ()


async def test_the_confirmation_carries_yes_and_cancel(shipped_bot: Bot,
                                                       store: Store) -> None:
    confirm = await run(shipped_bot, *TO_CONFIRM, sender="@yes")
    assert "Svara **ja**" in confirm.text
    assert [c.label for c in confirm.choices] == ["Ja", "Avbryt"]
    yes, cancel = confirm.choices
    saved = await ask(shipped_bot, yes.send, sender="@yes")
    assert "sparad" in saved.text and saved.choices == ()
    assert len(await store.list_feedback()) == 1
    await run(shipped_bot, *TO_CONFIRM, sender="@no")
    cancelled = await ask(shipped_bot, cancel.send, sender="@no")
    assert "Inget sparades" in cancelled.text
    assert len(await store.list_feedback()) == 1


async def test_the_confirmation_in_english(shipped_bot: Bot) -> None:
    confirm = await run(shipped_bot, *TO_CONFIRM, lang="en")
    assert "Reply **yes**" in confirm.text
    assert [(c.label, c.send) for c in confirm.choices] == [("Yes", "Yes"),
                                                            ("Cancel", "Cancel")]


async def test_menu_steps_carry_their_options_and_skip_when_optional(
        shipped_bot: Bot, store: Store) -> None:
    first = await ask(shipped_bot, "/tyck")
    assert [c.send for c in first.choices] == [str(n) for n in range(1, 7)]
    listed(first)
    area = await ask(shipped_bot, first.choices[1].send)  # "Narkotika och alkohol"
    listed(area)
    free = await ask(shipped_bot, area.choices[1].send)  # Fredrika
    assert free.choices == ()  # free text: nothing to pick
    rating = await ask(shipped_bot, "Mörkt vid skolan")
    listed(rating)
    assert [c.send for c in rating.choices] == ["1", "2", "3", "4", "5", "Hoppa över"]
    await ask(shipped_bot, rating.choices[2].send)
    await ask(shipped_bot, "ja")
    [entry] = await store.list_feedback()
    assert (entry.category, entry.area, entry.rating) == ("narkotika-alkohol", "fredrika", 3)


async def test_an_offer_to_give_feedback_carries_yes(shipped_bot: Bot) -> None:
    offered = await ask(shipped_bot, "Känner mig otrygg vid busstationen när det är mörkt")
    assert "Svara **ja**" in offered.text
    assert offered.choices == (Choice("Ja", "Ja"),)
    started = await ask(shipped_bot, offered.choices[0].send)
    assert "Vad gäller det?" in started.text and started.choices


async def test_a_question_mid_menu_ends_with_the_menus_buttons(shipped_bot: Bot) -> None:
    """A number after the way back picks from the dialogue's list, not from the answer's
    suggestions: the buttons are the dialogue's."""
    menu = await ask(shipped_bot, "/tyck")
    aside = await ask(shipped_bot, "vad har polisen lovat?")
    assert "Tillbaka till" in aside.text
    assert aside.choices == menu.choices
    area = await ask(shipped_bot, aside.choices[0].send)
    assert "Var ungefär?" in area.text


async def test_a_paused_dialogue_offers_the_way_back(shipped_bot: Bot) -> None:
    await run(shipped_bot, "/tyck", "1")
    paused = await ask(shipped_bot, "paus")
    assert [c.label for c in paused.choices] == ["Fortsätt", "Avbryt"]
    hint = await ask(shipped_bot, "2")  # a number answers the paused question: the hint
    assert "/fortsätt" in hint.text
    assert [(c.label, c.send) for c in hint.choices] == [
        ("Fortsätt", "/fortsätt"), ("Börja om", "Börja om"), ("Avbryt", "Avbryt")]
    resumed = await ask(shipped_bot, hint.choices[0].send)
    assert "Var ungefär?" in resumed.text and len(resumed.choices) == 5


async def test_after_an_emergency_the_hint_replaces_the_answers_suggestions(
        shipped_bot: Bot) -> None:
    await run(shipped_bot, "/tyck", "1")
    emergency = await ask(shipped_bot, "han slår mig just nu")
    assert emergency.outcome is Outcome.EMERGENCY and emergency.choices == ()
    # A command passes an ongoing crisis; its reply gets the hint and its buttons.
    helped = await ask(shipped_bot, "/hjälp")
    assert "/fortsätt" in helped.text
    assert helped.choices == choices.paused("sv")
    resumed = await ask(shipped_bot, helped.choices[0].send)
    assert "Var ungefär?" in resumed.text


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("key", ["choice_yes", "choice_cancel", "choice_skip",
                                 "choice_restart"])
def test_every_word_button_sends_a_word_its_step_understands(key: str, lang: str) -> None:
    # The label itself when the step reads it as the typed word, as the catalogues do.
    button = choices.word(key, lang)  # type: ignore[arg-type]
    assert button.send == button.label


def test_a_reworded_label_still_sends_a_word_that_works(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(choices, "t", lambda key, lang: "Ja, gärna!")
    assert choices.word("choice_yes", "sv") == Choice("Ja, gärna!", "ja")
