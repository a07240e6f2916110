"""The dialogue engine on the core alone (a small form, stand-ins for the safety check and
the answers), with the injected clock: interruptions, questions mid-dialogue, numbers in
any script, a finish that fails, and memory that does not grow with the senders."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from typing import Any

import pytest

from bot.core.bot import Bot
from bot.core.clock import FixedClock
from bot.core.commands import Command, CommandRouter
from bot.core.dialogues import Choice, Dialogues, Form, NotAccepted, Step
from bot.core.forms import looks_like_question
from bot.core.messages import Lang, Outcome, Reply
from bot.core.turn import Turn
from bot.text.numbers import ascii_digits, read_int
from tests.conftest import message

COLOURS = tuple(Choice(v, {"sv": sv, "en": en}) for v, sv, en in (
    ("red", "Röd", "Red"), ("green", "Grön", "Green"), ("blue", "Blå", "Blue")))
QUESTION = {"sv": "Vilken färg?", "en": "Which colour?"}
STORY = {"sv": "Vad hände?", "en": "What happened?"}
STEPS = (Step("colour", QUESTION, COLOURS), Step("story", STORY, incident=True),
         Step("mood", {"sv": "Hur mår du?", "en": "How are you?"}, COLOURS, optional=True))


class ColourForm(Form):
    key = "colour"
    name = "Colour"

    def __init__(self) -> None:
        self.saved: list[tuple[dict[str, Any], Lang]] = []
        self.failures = 0  # how many finishes raise first (a store that is down)

    def steps(self, turn: Turn) -> Sequence[Step]:
        return STEPS

    def intro(self, turn: Turn) -> str:
        return "INTRO"

    def title(self, lang: Lang) -> str:
        return {"sv": "färgenkäten", "en": "the colour survey"}[lang]

    def summary(self, data: dict[str, Any], lang: Lang) -> str:
        return f"SUMMARY {data}"

    def accept(self, step: Step, text: str, lang: Lang) -> tuple[Any, str | None]:
        if text == "unreadable":
            raise NotAccepted("WRITE AGAIN")
        return text.upper(), None

    def notice(self, step: Step, text: str, lang: Lang) -> str | None:
        return "NOT A POLICE REPORT" if "spray" in text else None

    async def finish(self, data: dict[str, Any], turn: Turn) -> str:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("store down")
        self.saved.append((dict(data), turn.lang))
        return "SAVED"


async def safety(turn: Turn) -> Reply | None:
    """Stands in for the safety check: "BRAND" is an emergency (and the crisis lasts while
    the message says "still"), "sprayat" a report."""
    if "BRAND" in turn.text or "still" in turn.text:
        return Reply("CALL 112", Outcome.EMERGENCY, turn.lang)
    if "sprayat" in turn.text:
        return Reply("NO POLICE REPORT: 114 14", Outcome.REPORT, turn.lang)
    return None


async def answers(turn: Turn) -> Reply:
    """Stands in for the matcher: it knows one thing."""
    if "lovat" in turn.text or "promise" in turn.text:
        return Reply(f"ANSWER ({turn.lang})", Outcome.ANSWERED, turn.lang)
    return Reply("UNKNOWN", Outcome.UNKNOWN, turn.lang)


@pytest.fixture
def form() -> ColourForm:
    return ColourForm()


@pytest.fixture
def dialogues(form: ColourForm) -> Dialogues:
    dialogues = Dialogues()
    dialogues.register(form)
    return dialogues


@pytest.fixture
def bot(dialogues: Dialogues, clock: FixedClock) -> Bot:
    commands = CommandRouter()
    dialogues.add_commands(commands)

    async def colour(turn: Turn, args: str) -> Reply:
        return await dialogues.start("colour", turn)

    commands.add(Command(name="färg", run=colour, summary={"sv": "färg", "en": "colour"}))

    async def start(turn: Turn) -> Reply | None:
        if turn.text == "vill du?":
            dialogues.offer("colour", turn)
            return Reply("OFFERED", Outcome.ANSWERED, turn.lang)
        return None

    return Bot([safety, commands, start, dialogues, answers], clock, after=[dialogues.after])


async def say(bot: Bot, text: str, sender: str = "@a", **kwargs: object) -> Reply:
    reply = await bot.handle(message(text, sender=sender, **kwargs))
    assert reply is not None
    return reply


async def run(bot: Bot, *texts: str, sender: str = "@a") -> list[Reply]:
    return [await say(bot, text, sender) for text in texts]


# ---------------------------------------------------------------- numbers in any script
@pytest.mark.parametrize(("text", "number"), [
    ("2", 2), (" 2 ", 2), ("2.", 2), ("2)", 2), ("(2)", 2), ("#2", 2), ("nr 2", 2),
    ("²", 2), ("②", 2), ("٢", 2), ("۲", 2), ("２", 2), ("2\ufe0f\u20e3", 2), ("⑳", 20),
    ("1 000", 1000), ("१२", 12),
    ("-5", None), ("3,5", None), ("10**30", None), ("två", None), ("", None), ("2a", None),
    ("1" + "0" * 30, 10**30), ("9" * 5000, None), ("⑳" * 4000, None), ("٣" * 4000, None),
])
def test_read_int_takes_digits_of_any_script_and_never_raises(text: str,
                                                              number: int | None) -> None:
    assert read_int(text) == number


def test_ascii_digits() -> None:
    assert ascii_digits("ca ٢٥ elever, ³ klasser") == "ca 25 elever, 3 klasser"


@pytest.mark.parametrize(("text", "question"), [
    ("vad har polisen lovat?", True), ("när går avtalet ut", True),
    ("when does the agreement end?", True), ("jag undrar vem jag ringer", True),
    ("polisens löfte?", True), ("banan", False), ("bakom skolan", False), ("vad?", False),
    ("röd", False), ("Centrala Åsele", False),
])
def test_a_question_is_told_from_a_wrong_answer(text: str, question: bool) -> None:
    assert looks_like_question(text) is question


@pytest.mark.parametrize(("answer", "value"), [
    ("²", "green"), ("②", "green"), ("٢", "green"), ("２", "green"), ("2.", "green"),
    ("(3)", "blue"), ("3\ufe0f\u20e3", "blue"), ("Grön", "green"), ("blue", "blue"),
])
async def test_a_menu_takes_numbers_of_any_script(bot: Bot, form: ColourForm, answer: str,
                                                  value: str) -> None:
    await run(bot, "/färg", answer, "a story", "hoppa över", "ja")
    assert form.saved == [({"colour": value, "story": "A STORY", "mood": None}, "sv")]


@pytest.mark.parametrize("answer", ["⁴", "⑳", "0", "٩٩", "9" * 3000, "⑳" * 1500, "-1",
                                    "１２３４５６７８９０１２３４５６７８９０"])
async def test_a_number_that_fits_no_option_gets_the_question_again(
        bot: Bot, form: ColourForm, answer: str) -> None:
    await say(bot, "/färg")
    reply = await say(bot, answer)
    assert reply.outcome is Outcome.DIALOGUE and "Vilken färg?" in reply.text
    assert "passade inte" in reply.text
    assert "Vad hände?" in (await say(bot, "1")).text  # the dialogue is intact


# ---------------------------------------------------------------- questions mid-dialogue
@pytest.mark.parametrize(("question", "lang", "back"), [
    ("vad har polisen lovat?", "sv", "Tillbaka till färgenkäten"),
    ("Vad har ni lovat", "sv", "Tillbaka till färgenkäten"),
    ("what did the police promise?", "en", "Back to the colour survey"),
    ("when is the promise due", "en", "Back to the colour survey"),
])
async def test_a_question_at_a_menu_is_answered_and_the_way_back_shown(
        bot: Bot, form: ColourForm, question: str, lang: str, back: str) -> None:
    await say(bot, "/färg")
    reply = await say(bot, question)
    assert reply.outcome is Outcome.ANSWERED and reply.text.startswith(f"ANSWER ({lang})")
    assert back in reply.text and QUESTION[lang] in reply.text  # type: ignore[index]
    assert ("1. Röd" if lang == "sv" else "1. Red") in reply.text
    await run(bot, "1", "story", "2", {"sv": "ja", "en": "yes"}[lang])
    assert form.saved == [({"colour": "red", "story": "STORY", "mood": "green"}, lang)]


async def test_an_unknown_question_gets_its_honest_answer_and_the_way_back(
        bot: Bot) -> None:
    await run(bot, "/färg", "1", "story")
    reply = await say(bot, "vad kostar hundskatten?")  # at the optional menu step
    assert reply.text.startswith("UNKNOWN") and "Hur mår du?" in reply.text


@pytest.mark.parametrize("answer", ["banan", "bakom skolan", "lila", "-"])
async def test_a_wrong_answer_gets_the_question_and_the_offer_to_pause(
        bot: Bot, answer: str) -> None:
    await say(bot, "/färg")
    reply = await say(bot, answer)
    assert reply.outcome is Outcome.DIALOGUE and "Vilken färg?" in reply.text
    assert "paus" in reply.text


async def test_a_question_at_the_confirmation_keeps_it(bot: Bot, form: ColourForm) -> None:
    await run(bot, "/färg", "1", "story", "1")
    reply = await say(bot, "vad har polisen lovat?")
    assert reply.text.startswith("ANSWER") and "ja" in reply.text
    assert (await say(bot, "ja")).text == "SAVED"


async def test_a_command_mid_dialogue_shows_the_way_back(bot: Bot) -> None:
    await say(bot, "/färg")
    reply = await say(bot, "/okänt")
    assert reply.outcome is Outcome.COMMAND and "Vilken färg?" in reply.text


async def test_a_free_text_step_takes_anything(bot: Bot, form: ColourForm) -> None:
    await run(bot, "/färg", "1", "vad har polisen lovat?", "hoppa över", "ja")
    assert form.saved[0][0]["story"] == "VAD HAR POLISEN LOVAT?"


async def test_the_prompts_follow_a_change_of_language(bot: Bot, form: ColourForm) -> None:
    assert "Vilken färg?" in (await say(bot, "/färg")).text
    assert "Vad hände?" in (await say(bot, "Grön")).text  # an option shows no language
    # Free text in English: the next prompt is English; a bare number changes nothing.
    assert "How are you?" in (await say(bot, "the lights in Åsele are broken")).text
    assert "Shall I save" in (await say(bot, "3")).text
    assert (await say(bot, "yes")).text == "SAVED"
    assert form.saved[0][1] == "en"


async def test_a_language_the_transport_sets_wins(bot: Bot) -> None:
    await say(bot, "/färg")
    reply = await bot.handle(message("vad har polisen lovat?", sender="@a", lang="en"))
    assert reply is not None and "Which colour?" in reply.text


# ---------------------------------------------------------------- reports and emergencies
async def test_a_report_at_a_free_text_step_is_kept(bot: Bot, form: ColourForm) -> None:
    await run(bot, "/färg", "1")
    reply = await say(bot, "någon har sprayat på busskuren")
    assert reply.text.startswith("NO POLICE REPORT: 114 14")
    assert "Det du skrev finns med i färgenkäten" in reply.text and "Hur mår du?" in reply.text
    assert "NOT A POLICE REPORT" not in reply.text  # the report reply already says it
    await run(bot, "3", "ja")  # "3" is the mood, not the text
    assert form.saved[0][0] == {"colour": "red", "story": "NÅGON HAR SPRAYAT PÅ BUSSKUREN",
                                "mood": "blue"}


async def test_the_forms_notice_comes_with_a_text_the_safety_check_let_by(
        bot: Bot) -> None:
    await run(bot, "/färg", "1")
    assert "NOT A POLICE REPORT" in (await say(bot, "they spray the walls")).text


async def test_a_report_at_a_menu_step_shows_the_way_back(bot: Bot) -> None:
    await say(bot, "/färg")
    reply = await say(bot, "någon har sprayat på busskuren")
    assert reply.outcome is Outcome.REPORT and "Vilken färg?" in reply.text


async def test_an_emergency_pauses_and_keeps_everything(bot: Bot, form: ColourForm,
                                                        clock: FixedClock) -> None:
    await run(bot, "/färg", "2")
    emergency = await say(bot, "BRAND hos grannen, hon slår honom")
    assert emergency.text == "CALL 112"  # nothing but the emergency
    assert (await say(bot, "still burning")).text == "CALL 112"  # the crisis goes on
    clock.advance(dt.timedelta(minutes=40))  # longer than a dialogue's timeout
    # A bare number while paused is not taken as anything: the way back is told.
    number = await say(bot, "3")
    assert number.outcome is Outcome.DIALOGUE and "/fortsätt" in number.text
    # Another question is answered (and the way back not repeated).
    assert (await say(bot, "vad har polisen lovat?")).text == "ANSWER (sv)"
    resumed = await say(bot, "fortsätt")
    assert "> BRAND HOS GRANNEN, HON SLÅR HONOM" in resumed.text and "Vad hände?" in resumed.text
    again = await say(bot, "4")  # a number is no account of what happened
    assert "> BRAND HOS GRANNEN" in again.text
    assert "Hur mår du?" in (await say(bot, "ja")).text  # "ja" takes what was written
    await run(bot, "hoppa över", "ja")
    assert form.saved[0][0] == {"colour": "green", "story": "BRAND HOS GRANNEN, HON SLÅR HONOM",
                                "mood": None}


async def test_the_way_back_comes_once_after_the_emergency(bot: Bot) -> None:
    await run(bot, "/färg", "2", "BRAND")
    first = await say(bot, "vad har polisen lovat?")
    assert "/fortsätt" in first.text and first.text.startswith("ANSWER")
    assert "/fortsätt" not in (await say(bot, "vad har polisen lovat?")).text


async def test_a_new_text_replaces_the_draft(bot: Bot, form: ColourForm) -> None:
    await run(bot, "/färg", "2", "BRAND", "/fortsätt", "det var falsklarm", "1", "ja")
    assert form.saved[0][0]["story"] == "DET VAR FALSKLARM"


@pytest.mark.parametrize("word", ["/fortsätt", "fortsätt", "continue", "/resume", "/färg"])
async def test_one_word_resumes(bot: Bot, word: str) -> None:
    await run(bot, "/färg", "2", "BRAND")
    assert "Vad hände?" in (await say(bot, word)).text


@pytest.mark.parametrize("word", ["börja om", "restart", "Starta om"])
async def test_one_word_restarts(bot: Bot, form: ColourForm, word: str) -> None:
    await run(bot, "/färg", "2", "BRAND")
    restarted = await say(bot, word)
    assert "Vilken färg?" in restarted.text and "börjar om" in restarted.text
    await run(bot, "3", "x", "1", "ja")
    assert form.saved[0][0]["colour"] == "blue"


async def test_a_paused_dialogue_lasts_its_hold_and_no_longer(bot: Bot,
                                                              clock: FixedClock) -> None:
    await run(bot, "/färg", "2", "BRAND")
    clock.advance(dt.timedelta(hours=1, minutes=59))
    assert "Vad hände?" in (await say(bot, "fortsätt")).text
    await say(bot, "BRAND")
    clock.advance(dt.timedelta(hours=2, minutes=1))
    assert "inget påbörjat" in (await say(bot, "fortsätt")).text


async def test_pause_on_request(bot: Bot, form: ColourForm) -> None:
    await say(bot, "/färg")
    paused = await say(bot, "paus")
    assert "Pausat" in paused.text and "fortsätt" in paused.text
    assert (await say(bot, "vad har polisen lovat?")).text == "ANSWER (sv)"
    await run(bot, "fortsätt", "1", "x", "1", "ja")
    assert form.saved[0][0]["colour"] == "red"


async def test_cancel_ends_a_paused_dialogue(bot: Bot, form: ColourForm) -> None:
    await run(bot, "/färg", "2", "BRAND")
    assert "Inget sparades" in (await say(bot, "avbryt")).text
    assert "inget påbörjat" in (await say(bot, "fortsätt")).text


async def test_starting_again_mid_dialogue_loses_nothing(bot: Bot, form: ColourForm) -> None:
    await run(bot, "/färg", "2")
    again = await say(bot, "/färg")
    assert "redan" in again.text and "Vad hände?" in again.text
    await run(bot, "x", "1", "ja")
    assert form.saved[0][0]["colour"] == "green"


# ---------------------------------------------------------------- nothing lost at the end
async def test_a_finish_that_fails_keeps_the_dialogue(bot: Bot, form: ColourForm) -> None:
    form.failures = 1
    await run(bot, "/färg", "1", "story", "1")
    failed = await say(bot, "ja")
    assert failed.outcome is Outcome.DIALOGUE and "Inget är förlorat" in failed.text
    assert "SUMMARY" in failed.text
    assert (await say(bot, "ja")).text == "SAVED"
    assert len(form.saved) == 1


async def test_an_answer_the_form_refuses_is_asked_again(bot: Bot, form: ColourForm) -> None:
    await run(bot, "/färg", "1")
    refused = await say(bot, "unreadable")
    assert "WRITE AGAIN" in refused.text and "Vad hände?" in refused.text
    await run(bot, "ok story", "1", "ja")
    assert form.saved[0][0]["story"] == "OK STORY"


async def test_a_message_too_long_for_the_bot_shows_the_way_back(bot: Bot) -> None:
    await run(bot, "/färg", "1")
    reply = await say(bot, "x" * 5000)
    assert reply.outcome is Outcome.INVALID and "Vad hände?" in reply.text


# ---------------------------------------------------------------- memory
def _held(*objects: object) -> int:
    """Entries in every dict an object keeps, one level into the objects it holds."""
    total = 0
    for obj in objects:
        for value in vars(obj).values():
            if isinstance(value, dict):
                total += len(value)
            elif hasattr(value, "__dict__") and not callable(value):
                total += sum(len(v) for v in vars(value).values() if isinstance(v, dict))
    return total


async def test_twenty_thousand_senders_leave_nothing_behind(
        bot: Bot, dialogues: Dialogues, clock: FixedClock) -> None:
    baseline = _held(bot, dialogues)
    for i in range(20_000):
        text = ("/färg", "vill du?", "BRAND", "hej")[i % 4]
        await bot.handle(message(text, sender=f"@r{i}", room=f"!r{i}"))
    assert len(bot.locks) == 0  # a lock lives only while its conversation is handled
    assert dialogues.sizes()["sessions"] == 5_000 and dialogues.sizes()["offers"] == 5_000
    clock.advance(dt.timedelta(hours=3))  # past every timeout and hold
    await bot.handle(message("hej", sender="@last"))
    assert dialogues.sizes() == {"sessions": 0, "offers": 0}
    assert _held(bot, dialogues) == baseline


async def test_one_conversation_at_a_time_and_others_meanwhile(clock: FixedClock) -> None:
    gate, inside = asyncio.Event(), []

    async def slow(turn: Turn) -> Reply:
        inside.append(turn.text)
        if turn.text == "first":
            await gate.wait()
        return Reply(turn.text, Outcome.ANSWERED)

    bot = Bot([slow], clock)
    first = asyncio.create_task(bot.handle(message("first", sender="@a")))
    second = asyncio.create_task(bot.handle(message("second", sender="@a")))
    other = asyncio.create_task(bot.handle(message("other", sender="@b")))
    for _ in range(20):
        await asyncio.sleep(0)  # let every task run as far as it can (no wall clock)
    assert inside == ["first", "other"] and other.done() and not second.done()
    assert bot.locks.locked(("test", "!room", "@a"))
    gate.set()
    await asyncio.gather(first, second)
    assert inside == ["first", "other", "second"] and len(bot.locks) == 0


async def test_a_cancelled_waiter_leaves_no_lock(clock: FixedClock) -> None:
    gate = asyncio.Event()

    async def slow(turn: Turn) -> Reply:
        await gate.wait()
        return Reply("x", Outcome.ANSWERED)

    bot = Bot([slow], clock)
    holder = asyncio.create_task(bot.handle(message("1")))
    waiter = asyncio.create_task(bot.handle(message("2")))
    for _ in range(5):
        await asyncio.sleep(0)
    waiter.cancel()
    gate.set()
    await holder
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert len(bot.locks) == 0
