"""An area's bases share what their municipalities have in common (bot.knowledge.common)
and answer exactly as bases built alone."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
import yaml

from bot.knowledge.area import load_area
from bot.knowledge.base import KnowledgeBase

SHIPPED = Path(__file__).resolve().parents[1] / "knowledge"


def _asked(bases: dict[str, KnowledgeBase]) -> list[str]:
    """Every example, keyword and place of the area, each also with a letter dropped and
    one added, and words no base knows."""
    texts = {text for kb in bases.values() for topic in kb.data.topics
             for text in (*topic.examples, *topic.keywords)}
    texts |= {f"kommer polisen till {place.name}?" for kb in bases.values()
              for place in kb.data.places}
    rng = random.Random(15)
    for text in sorted(texts):
        if len(text) > 6:
            i = rng.randrange(1, len(text) - 1)
            texts |= {text[:i] + text[i + 1:], text[:i] + rng.choice("aeknrsåäö") + text[i:]}
    texts |= {"väder", "plånbok", "vem vann hockeyn igår", "trafik", "misstänkt",
              "samverkansavtalet", "kommunpolisn", "numret", "hallå", "Hälla"}
    return sorted(texts)


def _same(shared: KnowledgeBase, alone: KnowledgeBase, asked: list[str]) -> None:
    for text in asked:
        assert shared.analyser.weighted_terms(text) == alone.analyser.weighted_terms(text), text
        assert shared.match(text) == alone.match(text), text
    assert shared.matcher.context_terms == alone.matcher.context_terms


@pytest.fixture(scope="module")
def shipped() -> dict[str, KnowledgeBase]:
    area = load_area(SHIPPED)
    return {ident: area.bases[ident] for ident in area.bases}


def test_bases_of_an_area_share_their_common_part(shipped: dict[str, KnowledgeBase]) -> None:
    layered = [ident for ident, kb in shipped.items() if kb.analyser.under is not None]
    # Åsele's own villages may be named in shared topics ("Gafsele"): built alone then.
    assert len(layered) >= len(shipped) - 1
    shared = {id(kb.analyser.under) for ident, kb in shipped.items() if ident in layered}
    assert len(shared) == 1  # their shared part analysed once
    assert all(kb.matcher.under is not None for ident, kb in shipped.items()
               if ident in layered)


def test_a_base_built_over_the_shared_part_answers_as_one_built_alone(
        shipped: dict[str, KnowledgeBase]) -> None:
    asked = _asked(shipped)
    for ident, kb in shipped.items():
        _same(kb, KnowledgeBase(kb.data, ident), asked)


def test_a_village_a_shared_text_reads_builds_its_base_alone(tmp_path: Path) -> None:
    """Dorotea with a village named like a word of the shared topics ("kommunpolis"):
    the shared texts read otherwise there, so its base is built on its own."""
    folder = tmp_path / "knowledge"
    shutil.copytree(SHIPPED, folder)
    path = folder / "dorotea" / "dorotea.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["places"].append({"name": "Kommunpolis", "kind": "village"})
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    area = load_area(folder)
    dorotea = area.bases["dorotea"]
    assert dorotea.analyser.under is None
    assert area.bases["lycksele"].analyser.under is not None
    _same(dorotea, KnowledgeBase(dorotea.data, "dorotea"),
          ["hur når jag kommunpolisen", "kommunpolis", "skoter i borgafjäll"])


def test_the_loader_validates_a_shared_topic_once() -> None:
    area = load_area(SHIPPED)
    files = area.files()
    kept = {id(t) for t in files["lycksele"].topics} & {id(t) for t in files["sorsele"].topics}
    assert len(kept) > 20  # the very same Topic objects
    names_kommun = [t for t in files["lycksele"].topics if "Lycksele" in " ".join(t.examples)
                    and id(t) not in kept]
    assert names_kommun  # a topic whose examples name the municipality is its own
