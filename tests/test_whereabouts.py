"""Which municipality a conversation is about (issue 15), decided in one place: named in
the message > remembered > the embed's or binding's > the area's default; and, in an area
whose area.yaml gives no default, asked once with numbered choices, the question kept."""

from __future__ import annotations

import base64
import datetime as dt
import secrets
import shutil
from pathlib import Path

import pytest

from bot.app import build_bot
from bot.config import Config, SharedStateSettings
from bot.core.bot import Bot
from bot.core.clock import FixedClock
from bot.core.conversation_state import decode, encode
from bot.core.messages import Outcome, Reply
from bot.core.texts import t
from bot.core.turn import Turn
from bot.features.whereabouts import ASK_TIMES, REMEMBER_FOR, Whereabouts
from bot.knowledge.area import load_area
from bot.knowledge.holder import KnowledgeHolder
from bot.store import Store, open_store
from tests.conftest import SHIPPED, ask, message

SIX = ["asele", "dorotea", "lycksele", "sorsele", "storuman", "vilhelmina"]
NAMES = ["Åsele kommun", "Dorotea kommun", "Lycksele kommun", "Sorsele kommun",
         "Storumans kommun", "Vilhelmina kommun"]
WEB = {"transport": "web", "room": "c1", "sender": "w1"}


def no_default(tmp_path: Path) -> Path:
    """The shipped area, its area.yaml without `default`: an area that asks."""
    target = tmp_path / "knowledge"
    shutil.copytree(SHIPPED, target)
    (target / "area.yaml").write_text("name: Södra Lappland\n", "utf-8")
    return target


@pytest.fixture(scope="module")
def asking_holder(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeHolder:
    return KnowledgeHolder.load(no_default(tmp_path_factory.mktemp("area")))


@pytest.fixture
def bot(asking_holder: KnowledgeHolder, clock: FixedClock, store: Store) -> Bot:
    return build_bot(Config(), clock, asking_holder, store)


def is_asked(reply: Reply) -> bool:
    return t("where_ask", "sv") in reply.text


def about(reply: Reply, name: str, *, labelled: str | None = None) -> bool:
    """The reply is the police contact's answer about `name`, saying whose it is when
    `labelled` (the municipality's full name), else not."""
    said = reply.text.startswith("_")
    if labelled is not None:
        said = not reply.text.startswith(t("answer_about", "sv", name=labelled))
    return f"kommunpolisen för {name}" in reply.text and not said


def test_an_area_asks_only_without_a_default(asking_holder: KnowledgeHolder,
                                            shipped_holder: KnowledgeHolder) -> None:
    assert asking_holder.area.asks and not shipped_holder.area.asks
    assert not load_area(SHIPPED).asks
    assert asking_holder.area.default == "asele"  # only the first folder's


async def test_asked_once_and_a_number_answers_the_kept_question(bot: Bot) -> None:
    asked = await ask(bot, "vem är kommunpolis?")
    assert is_asked(asked) and asked.outcome is Outcome.SUGGESTED
    assert [c.label for c in asked.choices] == NAMES
    assert [c.send for c in asked.choices] == ["1", "2", "3", "4", "5", "6"]
    assert "3. Lycksele kommun" in asked.text
    # The number answers the question asked before it: about Lycksele, its own now.
    assert about(await ask(bot, "3"), "Lycksele")
    # Remembered: the next question is not asked again, and is about Lycksele too.
    again = await ask(bot, "vem är kommunpolis?")
    assert not is_asked(again) and about(again, "Lycksele")
    # Another conversation has its own.
    assert is_asked(await ask(bot, "vem är kommunpolis?", sender="@bo"))


@pytest.mark.parametrize(("reply", "name"), [
    ("Lycksele", "Lycksele"),
    ("lyksele", "Lycksele"),  # a typo
    ("vilhelmna kommun", "Vilhelmina"),
    ("Borgafjäll", "Dorotea"),  # a village of Dorotea's
    ("i Åsele", "Åsele"),
])
async def test_a_name_answers_it(bot: Bot, reply: str, name: str) -> None:
    assert is_asked(await ask(bot, "vem är kommunpolis?"))
    assert about(await ask(bot, reply), name)


async def test_a_number_none_of_the_choices_asks_again(bot: Bot) -> None:
    await ask(bot, "vem är kommunpolis?")
    again = await ask(bot, "9")
    assert again.text.startswith(t("pick_one", "sv")) and is_asked(again)
    assert about(await ask(bot, "2"), "Dorotea")


async def test_something_else_is_a_new_question_asked_at_most_once_more(bot: Bot) -> None:
    assert ASK_TIMES == 2
    assert is_asked(await ask(bot, "vem är kommunpolis?"))
    # Not a choice: handled as any message; nothing places it, so asked (the second time).
    second = await ask(bot, "hur länge gäller avtalet?")
    assert is_asked(second)
    third = await ask(bot, "vem är kommunpolis?")
    # No third time: the area's first municipality answers, saying whose it is.
    assert not is_asked(third) and about(third, "Åsele", labelled="Åsele kommun")
    # The closed question takes no number: a bare one answers nothing open.
    assert (await ask(bot, "2")).text == t("lost_question", "sv")


async def test_a_question_naming_one_is_answered_and_remembered(bot: Bot) -> None:
    named = await ask(bot, "vem är kommunpolis i Storuman?")
    assert not is_asked(named) and about(named, "Storuman")  # its own, as chosen
    assert "kommunpolisen för Storuman" in (await ask(bot, "vem är kommunpolis?")).text
    # While asked, a whole question naming one is a question of its own, answered.
    await ask(bot, "vem är kommunpolis?", sender="@bo")
    other = await ask(bot, "hur når jag kommunpolisen i Sorsele?", sender="@bo")
    assert "Sorsele" in other.text and not is_asked(other)


async def test_the_embed_and_bindings_are_never_asked(asking_holder: KnowledgeHolder,
                                                      clock: FixedClock,
                                                      store: Store) -> None:
    config = Config(municipalities={"web": "dorotea", "matrix:!v:x": "vilhelmina"})
    bot = build_bot(config, clock, asking_holder, store)
    # The page's embed wins over its transport's binding; a room's binding counts.
    embed = await ask(bot, "vem är kommunpolis?", municipality="sorsele", **WEB)
    assert about(embed, "Sorsele")
    assert about(await ask(bot, "vem är kommunpolis?", sender="w2",
                           **{k: v for k, v in WEB.items() if k != "sender"}), "Dorotea")
    assert about(await ask(bot, "vem är kommunpolis?", transport="matrix", room="!v:x"),
                 "Vilhelmina")
    # An unknown embed id, on a transport bound to none: asked.
    assert is_asked(await ask(bot, "vem är kommunpolis?", municipality="malå"))
    # Named in the message beats the binding, says whose, and is remembered over it.
    named = await ask(bot, "vem är kommunpolis i Lycksele?", sender="w3",
                      **{k: v for k, v in WEB.items() if k != "sender"})
    assert about(named, "Lycksele", labelled="Lycksele kommun")
    later = await ask(bot, "vem är kommunpolis?", sender="w3",
                      **{k: v for k, v in WEB.items() if k != "sender"})
    assert "kommunpolisen för Lycksele" in later.text


def turn(text: str, now: dt.datetime, **kwargs: object) -> Turn:
    return Turn(message(text, **kwargs), text, "sv", now)


async def test_memory_is_bounded(asking_holder: KnowledgeHolder, clock: FixedClock) -> None:
    where = Whereabouts(asking_holder, max_entries=2)
    now = clock.now()
    for sender, ident in (("@a", "dorotea"), ("@b", "lycksele"), ("@c", "sorsele")):
        where.remember(turn("hej", now, sender=sender), ident)
    assert where.municipality(turn("hej", now, sender="@a")) is None  # the oldest: gone
    assert [where.municipality(turn("hej", now, sender=s)) for s in ("@b", "@c")] == [
        "lycksele", "sorsele"]
    assert len(where._memory) == 2


async def test_a_kept_message_goes_back_to_the_feature_that_asked(
        asking_holder: KnowledgeHolder, clock: FixedClock) -> None:
    where = Whereabouts(asking_holder)
    seen: list[tuple[str, str | None]] = []

    async def feedback(kept: Turn) -> Reply:
        seen.append((kept.text, where.municipality(kept)))
        return Reply("FORM", Outcome.DIALOGUE, kept.lang)

    where.on_choice("feedback", feedback)
    now = clock.now()
    first = turn("/tyck", now)
    assert where.municipality(first) is None and where.should_ask(first)
    asked = await where.ask(first, resume="feedback")
    assert is_asked(asked)
    assert (await where.take(turn("5", now))).text == "FORM"
    assert seen == [("/tyck", "storuman")]
    assert not where.should_ask(first)
    with pytest.raises(ValueError, match="no handler named 'booking'"):
        await where.ask(first, resume="booking")


async def test_an_old_question_is_not_answered_by_a_late_number(
        bot: Bot, clock: FixedClock) -> None:
    await ask(bot, "vem är kommunpolis?")
    clock.advance(dt.timedelta(hours=1))
    assert (await ask(bot, "1")).text == t("lost_question", "sv")


async def test_english_is_asked_in_english(bot: Bot) -> None:
    asked = await ask(bot, "who is the community police officer?", lang="en")
    assert t("where_ask", "en") in asked.text


async def test_a_reload_removing_a_municipality_forgets_it(
        tmp_path: Path, clock: FixedClock, store: Store) -> None:
    folder = no_default(tmp_path)
    holder = KnowledgeHolder.load(folder)
    bot = build_bot(Config(), clock, holder, store)
    await ask(bot, "vem är kommunpolis?")
    assert about(await ask(bot, "Sorsele"), "Sorsele")
    await ask(bot, "vem är kommunpolis?", sender="@bo")  # asked; Storuman is choice 5
    shutil.rmtree(folder / "sorsele")
    shutil.rmtree(folder / "storuman")
    assert holder.reload() == []
    # The conversation that chose Sorsele is asked again, among the four left.
    again = await ask(bot, "vem är kommunpolis?")
    assert is_asked(again) and len(again.choices) == 4
    # A choice a reload took away is none: asked again.
    gone = await ask(bot, "5", sender="@bo")
    assert gone.text.startswith(t("pick_one", "sv"))


# ------------------------------------------------------------ state shared by processes
async def test_a_snapshot_restores_what_was_known(asking_holder: KnowledgeHolder,
                                                  clock: FixedClock) -> None:
    one, two = Whereabouts(asking_holder), Whereabouts(asking_holder)

    async def answered(kept: Turn) -> Reply:
        return Reply(f"{kept.text}|{two.municipality(kept)}", Outcome.ANSWERED, kept.lang)

    for where in (one, two):
        where.on_choice("answers", answered)
    now = clock.now()
    first = turn("vem är kommunpolis?", now)
    key = first.msg.conversation
    await one.ask(first)
    held = one.snapshot(key)
    assert held is not None and held[1] == now + one.ask_ttl  # the kept text: no longer
    two.restore(key, decode(encode(held)))  # through the store's JSON
    assert two.snapshot(key) == held  # restore(snapshot) changes nothing
    reply = await two.take(turn("Lyksele", now))
    assert reply is not None and reply.text == "vem är kommunpolis?|lycksele"
    chosen = two.snapshot(key)
    assert chosen is not None and chosen[1] == now + REMEMBER_FOR
    assert "asked" not in chosen[0] and chosen[0]["about"] == "lycksele"
    one.restore(key, None)
    assert one.snapshot(key) is None and one.should_ask(first)
    one.restore(key, decode(encode(chosen)))
    assert one.municipality(first) == "lycksele"


async def test_asked_in_one_process_and_answered_in_another(
        tmp_path: Path, asking_holder: KnowledgeHolder) -> None:
    clock = FixedClock(dt.date(2026, 11, 28))
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    config = Config(data_dir=tmp_path, shared_state=SharedStateSettings(
        enabled=True, key=base64.b64encode(secrets.token_bytes(32)).decode(),
        transports=["test"]))
    async with open_store(url) as first, open_store(url) as second:
        a, b = (build_bot(config, clock, asking_holder, s) for s in (first, second))
        asked = await a.handle(message("vem är kommunpolis?", event_id="$1"))
        assert asked is not None and is_asked(asked)
        chosen = await b.handle(message("4", event_id="$2"))
        assert chosen is not None and about(chosen, "Sorsele")
        later = await a.handle(message("vem är kommunpolis?", event_id="$3"))
        assert later is not None and about(later, "Sorsele")


def test_only_what_differs_from_the_place_is_kept(shipped_holder: KnowledgeHolder,
                                                 clock: FixedClock) -> None:
    where, now = Whereabouts(shipped_holder), clock.now()
    # municipality() only reads; the answers step (bases) remembers a named one.
    assert where.municipality(turn("vad har ni lovat i Lycksele?", now)) == "lycksele"
    assert where.municipality(turn("vem är kommunpolis?", now)) == "asele"
    kb, home = where.bases(turn("vad har ni lovat i Lycksele?", now))
    assert (kb.id, home and home.id) == ("lycksele", "asele")
    assert where.municipality(turn("vem är kommunpolis?", now)) == "lycksele"
    # Back to the default: nothing left to keep (and nothing for a store to hold).
    where.bases(turn("och i Åsele?", now))
    assert where.snapshot(("test", "!room", "@anna")) is None and not where._memory
    where.bases(turn("vad har ni lovat i Åsele?", now, sender="@bo"))
    assert not where._memory


@pytest.mark.parametrize(("command", "answers"), [
    ("/tyck", ("1", "1", "Det är mörkt vid busshållplatsen på kvällarna", "3", "ja")),
    ("/boka", ("Borgaskolan", "1", "1", "20", "vecka 50", "hoppa över", "ja")),
])
async def test_a_dialogue_asks_which_municipality_first(bot: Bot, store: Store, command: str,
                                                        answers: tuple[str, ...]) -> None:
    asked = await ask(bot, command)
    assert is_asked(asked)
    started = await ask(bot, "2")  # Dorotea: its own areas and choices are asked
    assert started.outcome is Outcome.DIALOGUE and not is_asked(started)
    for line in answers:
        await ask(bot, line)
    rows = [*(await store.list_feedback()), *(await store.list_requests())]
    assert [row.municipality for row in rows] == ["dorotea"]
    # Remembered: the next one is not asked again.
    assert not is_asked(await ask(bot, command))


@pytest.mark.parametrize("back", ["och hos oss?", "Hur är det i vår kommun då?",
                                  "and in our municipality?"])
async def test_our_own_municipality_again_after_asking_about_another(
        shipped_holder: KnowledgeHolder, clock: FixedClock, store: Store, back: str) -> None:
    bot = build_bot(Config(), clock, shipped_holder, store)
    page = {**WEB, "municipality": "sorsele"}
    other = await ask(bot, "vem är kommunpolis i Lycksele?", **page)
    assert about(other, "Lycksele", labelled="Lycksele kommun")
    own = await ask(bot, f"{back} vem är kommunpolis", **page)
    assert "Lycksele" not in own.text and "Sorsele" in own.text
