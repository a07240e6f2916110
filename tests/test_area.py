"""A police area in one deployment (issue 15): knowledge/common/ shared by every
municipality, one folder each, every municipality's base loaded and checked on its own, and
a message answered from the municipality it names."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bot.app import build_bot
from bot.config import Config
from bot.core.bot import Bot
from bot.core.clock import FixedClock
from bot.core.texts import t
from bot.knowledge.area import load_area
from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.loader import KnowledgeError, load_knowledge
from bot.store import Store
from tests.conftest import FIXTURE, SHIPPED, ask

TODAY = dt.date(2026, 11, 30)
SIX = ["asele", "dorotea", "lycksele", "sorsele", "storuman", "vilhelmina"]


@pytest.fixture(scope="module")
def area_bases() -> dict:
    return load_area(SHIPPED).bases


def test_the_shipped_area_is_six_municipalities_with_asele_first(area_bases: dict) -> None:
    area = load_area(SHIPPED)
    assert (area.name, area.default, sorted(area.bases)) == ("Södra Lappland", "asele", SIX)
    assert next(iter(area.bases)) == "asele" and area.default_base.id == "asele"
    assert [kb.short_name for kb in area.bases.values()] == [
        "Åsele", "Dorotea", "Lycksele", "Sorsele", "Storuman", "Vilhelmina"]
    # Every municipality answers every shared topic, and some a topic of their own.
    shared = set(area.bases["asele"].topics)
    assert all(shared <= set(kb.topics) for kb in area.bases.values())
    assert {ident: sorted(set(kb.topics) - shared) for ident, kb in area.bases.items()
            if set(kb.topics) - shared} == {"dorotea": ["skoter"],
                                            "storuman": ["grannsamverkan"]}
    for ident, kb in area.bases.items():
        assert kb.id == ident and kb.data.municipality.police_area == "Södra Lappland"
        assert {"kommunen", "kommunpolis", "nodnummer"} <= set(kb.contact_index)
    # The flat loader on an area's folder gives the default municipality's base.
    assert load_knowledge(SHIPPED).data.municipality.name.sv == "Åsele kommun"


def test_shared_topics_speak_of_each_municipality(area_bases: dict) -> None:
    day = TODAY
    area = area_bases
    for ident, kb in area.items():
        name = kb.short_name
        # {kommun} in a shared example is the municipality's name in its own base.
        examples = [e for topic in kb.data.topics for e in topic.examples]
        assert f"Vad är medborgarlöftet i {name}?" in examples
        assert not [e for e in examples if "{" in e]
        police = kb.answer("kontakta-kommunpolis", "sv", day)
        assert f"kommunpolisen för {name}" in police
        others = [kb2.short_name for other, kb2 in area.items() if other != ident]
        assert not [o for o in others if f"för {o}" in police]
        phone = kb.contact_index["kommunen"].phone
        assert phone and phone in kb.answer("brottsstatistik", "sv", day)
    # Åsele's own topics replace the shared ones: its places, its agreement's goals.
    asele, dorotea = area_bases["asele"], area_bases["dorotea"]
    assert "Fredrika" in asele.answer("platser", "sv", day)
    assert "Fredrika" not in dorotea.answer("platser", "sv", day)
    assert "tre mål" in asele.answer("mal", "sv", day)
    assert "tre mål" not in dorotea.answer("mal", "sv", day)


def test_a_municipality_without_sources_says_so(area_bases: dict) -> None:
    day = TODAY
    sorsele = area_bases["sorsele"]
    assert sorsele.data.agreement is None
    assert t("kb_ag_unknown", "sv", municipality="Sorsele kommun") in \
        sorsele.answer("avtalets-giltighet", "sv", day)
    # A period named with no source at all is not said to exist as a signed document.
    listing = sorsele.answer("loftena", "sv", day)
    assert t("kb_points_unknown", "sv") in listing
    assert "undertecknade" not in listing


def copy_area(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(SHIPPED, target)
    return target


def test_every_municipalitys_problems_are_named_by_file_and_line(tmp_path: Path) -> None:
    folder = copy_area(tmp_path)
    dorotea = folder / "dorotea" / "dorotea.yaml"
    dorotea.write_text(dorotea.read_text("utf-8").replace("start: 2019-01-01",
                                                          "start: 2019-13-01", 1), "utf-8")
    storuman = folder / "storuman" / "storuman.yaml"
    storuman.write_text(storuman.read_text("utf-8").replace("municipality:",
                                                            "municipalty:", 1), "utf-8")
    with pytest.raises(KnowledgeError) as raised:
        load_area(folder)
    problems = raised.value.problems
    assert any(p.startswith(f"{dorotea}:") and "not a date" in p for p in problems)
    assert any(p.startswith(f"{storuman}:") for p in problems)


def test_a_shared_topic_after_a_replaced_one_is_named_by_its_own_line(tmp_path: Path) -> None:
    folder = copy_area(tmp_path)
    shared = folder / "common" / "topics.yaml"
    lines = shared.read_text("utf-8").split("\n")
    # Åsele replaces "mal", "platser" and others; break a topic after them all.
    at = next(i for i, line in enumerate(lines) if line == "  - id: om-boten")
    lines.insert(at + 1, "    colour: blue")
    shared.write_text("\n".join(lines), "utf-8")
    with pytest.raises(KnowledgeError) as raised:
        load_area(folder)
    # Every municipality shares the file, and Åsele reads it without the topics it
    # replaces: the same line all the same, said once.
    mine = [p for p in raised.value.problems if p.startswith(f"{shared}:")]
    assert len(mine) == 1 and mine[0].startswith(f"{shared}:{at + 2}:") and "colour" in mine[0]


def test_the_default_must_be_one_of_the_folders(tmp_path: Path) -> None:
    folder = copy_area(tmp_path)
    (folder / "area.yaml").write_text("name: Södra Lappland\ndefault: malå\n", "utf-8")
    with pytest.raises(KnowledgeError) as raised:
        load_area(folder)
    assert raised.value.problems == [
        f"{folder / 'area.yaml'}: default: 'malå' is none of the municipality folders "
        f"({', '.join(SIX)})"]


def test_a_folder_of_files_is_an_area_of_one() -> None:
    area = load_area(FIXTURE)
    assert len(area) == 1 and area.named_in("vad har ni lovat i Lycksele?") is None


@pytest.mark.parametrize(("text", "named"), [
    ("vad har polisen lovat i Lycksele?", "lycksele"),
    ("skoteråkning i Borgafjäll", "dorotea"),  # a village of Dorotea's
    ("poliser i Tärnaby", "storuman"),
    ("LOVAT I SORSELE KOMMUN", "sorsele"),
    ("trafik i halla", "asele"),  # typed without ä: the village Hälla
    ("hallå, vad har ni lovat?", None),  # typed with å: a greeting, not Hälla
    ("Åsele eller Dorotea?", None),  # two: neither
    ("vad händer i centrum", None),  # every town has one
    ("vad har polisen lovat", None),
])
def test_the_municipality_a_message_names(text: str, named: str | None) -> None:
    assert load_area(SHIPPED).named_in(text) == named


@pytest.fixture
def area_bot(shipped_holder: KnowledgeHolder, clock: FixedClock, store: Store) -> Bot:
    return build_bot(Config(), clock, shipped_holder, store)


async def test_a_conversation_is_answered_about_the_municipality_it_names(
        area_bot: Bot) -> None:
    lycksele = t("answer_about", "sv", name="Lycksele kommun")
    asked = await ask(area_bot, "vad har polisen lovat i Lycksele?")
    assert asked.text.startswith(lycksele) and "Lycksele centrum" in asked.text
    # The conversation stays with Lycksele until it names another.
    police = await ask(area_bot, "vem är kommunpolis?")
    assert police.text.startswith(lycksele) and "kommunpolisen för Lycksele" in police.text
    back = await ask(area_bot, "vad har polisen lovat i Åsele?")
    assert not back.text.startswith("_") and "våldsprevention" in back.text
    # Another conversation is about the default municipality, without saying so.
    other = await ask(area_bot, "vem är kommunpolis?", room="!other:x", sender="@other:x")
    assert not other.text.startswith("_") and "kommunpolisen för Åsele" in other.text


async def test_a_room_or_transport_bound_to_a_municipality_is_about_it(
        shipped_holder: KnowledgeHolder, clock: FixedClock, store: Store) -> None:
    config = Config(municipalities={"web": "dorotea", "matrix": "storuman",
                                    "matrix:!vilhelmina:x": "vilhelmina"})
    bot = build_bot(config, clock, shipped_holder, store)
    web = {"transport": "web", "room": "c1", "sender": "w1"}
    # Dorotea's own chat: its answers need not say whose.
    police = await ask(bot, "vem är kommunpolis?", **web)
    assert "kommunpolisen för Dorotea" in police.text and not police.text.startswith("_")
    # Naming another municipality still answers about it, and says so.
    named = await ask(bot, "vem är kommunpolis i Lycksele?", **web)
    assert named.text.startswith(t("answer_about", "sv", name="Lycksele kommun"))
    # A room's own binding wins over its transport's.
    for room, name in (("!vilhelmina:x", "Vilhelmina"), ("!other:x", "Storuman")):
        reply = await ask(bot, "vem är kommunpolis?", transport="matrix", room=room,
                          sender=f"@{room}")
        assert f"kommunpolisen för {name}" in reply.text and not reply.text.startswith("_")
    # Anything unbound is about the area's default.
    console = await ask(bot, "vem är kommunpolis?", transport="console", room="t")
    assert "kommunpolisen för Åsele" in console.text


def test_a_binding_to_no_municipality_stops_the_build(
        shipped_holder: KnowledgeHolder, clock: FixedClock, store: Store) -> None:
    with pytest.raises(ValueError) as raised:
        build_bot(Config(municipalities={"web": "malå"}), clock, shipped_holder, store)
    assert str(raised.value) == (
        f"municipalities.web: 'malå' is none of the municipalities ({', '.join(SIX)})")


async def test_a_municipality_a_reload_takes_away_is_forgotten(
        tmp_path: Path, clock: FixedClock, store: Store) -> None:
    folder = copy_area(tmp_path)
    holder = KnowledgeHolder.load(folder)
    bot = build_bot(Config(municipalities={"web": "sorsele"}), clock, holder, store)
    assert "Lycksele" in (await ask(bot, "vem är kommunpolis i Lycksele?")).text
    web = {"transport": "web", "room": "c1", "sender": "w1"}
    assert "Sorsele" in (await ask(bot, "vem är kommunpolis?", **web)).text
    shutil.rmtree(folder / "lycksele")
    shutil.rmtree(folder / "sorsele")
    assert holder.reload() == []
    # The conversation that was about Lycksele, the place bound to Sorsele: the default.
    for where in ({}, web):
        reply = await ask(bot, "vem är kommunpolis?", **where)
        assert "kommunpolisen för Åsele" in reply.text and not reply.text.startswith("_")


def test_check_warns_of_a_theme_no_topic_asks_for(tmp_path: Path) -> None:
    from bot.knowledge.selftest import unasked_themes

    lines = unasked_themes(load_area(SHIPPED))
    assert [line for line in lines if line.startswith("themes[tobak]")] == [
        "themes[tobak] (asele, dorotea, lycksele): promises are about it, but no topic asks "
        "for it ({promises_about[tobak]}); add a topic, or use a theme one asks for"]
    # A topic that asks for it ends the warning, for every municipality.
    folder = copy_area(tmp_path)
    topics = folder / "common" / "topics.yaml"
    text = topics.read_text("utf-8")
    assert text.count("{promises_about[narkotika]}") == 2
    topics.write_text(text.replace("{promises_about[narkotika]}",
                                   "{promises_about[narkotika]}\n\n        "
                                   "{promises_about[tobak]}"), "utf-8")
    assert not [line for line in unasked_themes(load_area(folder))
                if line.startswith("themes[tobak]")]
