"""The knowledge base's self-test takes what sits a floor above it from the caller: the
safety check that screens examples, and the dialogue forms that exist."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.app import build_bot
from bot.config import Config
from bot.core.clock import FixedClock
from bot.features.safety import takes
from bot.knowledge.area import load_area
from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.loader import load_knowledge
from bot.knowledge.selftest import area_self_test, self_test, unknown_forms
from bot.store.base import Store

FIXTURE = Path(__file__).parent / "fixtures" / "kb"
SHIPPED = Path(__file__).resolve().parents[1] / "knowledge"
FORMS = ("feedback", "booking", "survey")


def with_topic_line(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "kb"
    shutil.copytree(SHIPPED, folder)
    topics = folder / "common" / "topics.yaml"
    text = topics.read_text("utf-8")
    assert text.count(old) == 1, old
    topics.write_text(text.replace(old, new), "utf-8")
    return folder


def test_the_shipped_base_passes_with_the_safety_check_and_the_forms() -> None:
    # Every municipality of the area, each with its own places and topics.
    area = load_area(SHIPPED)
    assert len(area) == 6 and area_self_test(area, takes, FORMS) == []


def test_an_example_the_safety_check_takes_is_named(tmp_path: Path) -> None:
    kb = load_knowledge(FIXTURE)
    example = kb.data.topics[0].examples[0]
    found = self_test(kb, screen=lambda text: text == example)
    assert found == [f'topics[{kb.data.topics[0].id}].examples[0]: "{example}" is taken by '
                     "the safety check (112 / police report) and never reaches the topic"]
    # Without a screen only the matcher is asked, as before the screen was passed in.
    assert self_test(kb) == []


def test_the_real_safety_check_takes_an_emergency() -> None:
    assert takes("det brinner i huset, hjälp")
    assert not takes("vad har polisen lovat")


def test_a_form_the_knowledge_base_names_must_exist(tmp_path: Path) -> None:
    kb = load_knowledge(with_topic_line(tmp_path, "    offers: booking\n",
                                        "    offers: quiz\n"))
    lines = unknown_forms(kb, FORMS)
    assert len(lines) == 1
    assert lines[0].endswith('.offers: no dialogue form "quiz" (known: booking, feedback, survey)')
    assert lines[0] in self_test(kb, forms=FORMS)


def test_a_form_name_is_a_plain_identifier(tmp_path: Path) -> None:
    from bot.knowledge.loader import KnowledgeError

    with pytest.raises(KnowledgeError):
        load_knowledge(with_topic_line(tmp_path, "    offers: booking\n",
                                       "    offers: Boka Nu!\n"))


async def test_building_the_bot_refuses_a_form_no_router_brings(
        tmp_path: Path, store: Store, clock: FixedClock) -> None:
    holder = KnowledgeHolder.load(with_topic_line(tmp_path, "    offers: booking\n",
                                                  "    offers: quiz\n"))
    with pytest.raises(ValueError, match='no dialogue form "quiz"'):
        build_bot(Config(), clock, holder, store)


async def test_a_reload_is_held_to_what_the_app_required(
        tmp_path: Path, store: Store, clock: FixedClock) -> None:
    folder = tmp_path / "kb"
    shutil.copytree(SHIPPED, folder)
    holder = KnowledgeHolder.load(folder)
    build_bot(Config(), clock, holder, store)
    assert holder.forms == frozenset(FORMS) and holder.screen is takes
    before = holder.kb
    topics = folder / "common" / "topics.yaml"
    topics.write_text(topics.read_text("utf-8").replace("    offers: booking\n",
                                                        "    offers: quiz\n"), "utf-8")
    problems = holder.reload()
    assert any('no dialogue form "quiz"' in p for p in problems)
    assert holder.kb is before  # the old base stays in service


def test_check_names_an_unknown_form(tmp_path: Path) -> None:
    from tests.test_cli import run

    folder = with_topic_line(tmp_path, "    offers: booking\n", "    offers: quiz\n")
    out = run("check", "--knowledge", str(folder))
    assert out.returncode == 1
    # The one problem; warnings (a theme no topic asks for) do not fail the check.
    assert [line for line in out.stderr.strip().splitlines()
            if not line.startswith("warning: ")] == [
        'topics[informationsinsatser].offers: no dialogue form "quiz" '
        "(known: booking, feedback, survey)"]
