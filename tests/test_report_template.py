"""The follow-up report's HTML page is a Jinja2 template a municipality can restyle, or
add its logo to, from its knowledge folder's templates/; autoescape holds in its own page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.features.report import build_report
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.loader import load_knowledge
from bot.store.base import Store
from tests.test_report import (
    ACTIVITIES,
    END,
    FEEDBACK,
    REQUESTS,
    ROOT,
    START,
    TODAY,
    html_section,
)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge(ROOT / "knowledge")


def own_templates(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name.replace("_", ".")).write_text(text, "utf-8")
    return folder


def test_a_municipality_restyles_the_page(kb: KnowledgeBase, tmp_path: Path) -> None:
    own = own_templates(tmp_path, report_css="body { color: #123456; }\n")
    text = build_report(kb, START, END, ACTIVITIES, REQUESTS, FEEDBACK, "html", "sv", TODAY,
                        template_dir=own)
    assert "<style>\nbody { color: #123456; }\n</style>" in text
    assert "--ink" not in text  # its style instead of the shipped one
    assert "38 fordon, 2 rattfylleri" in html_section(text, "narvaro-byarna")


def test_a_municipality_adds_its_logo(kb: KnowledgeBase, tmp_path: Path) -> None:
    logo = '<svg class="logo" role="img" aria-label="Åsele kommun"></svg>'
    own = own_templates(tmp_path, report_html_j2='{% extends "shipped/report.html.j2" %}'
                        f"{{% block logo %}}{logo}{{% endblock %}}")
    text = build_report(kb, START, END, ACTIVITIES, REQUESTS, FEEDBACK, "html", "sv", TODAY,
                        template_dir=own)
    assert text.index(logo) < text.index("<h1>Uppföljning av medborgarlöftet")
    assert "--ink" in text and text.count("<svg") == 6  # the shipped style; 5 charts
    assert "&lt;script&gt;alert(&#39;place&#39;)" in text and "<script" not in text


def test_an_own_page_escapes_what_staff_typed(kb: KnowledgeBase, tmp_path: Path) -> None:
    own = own_templates(tmp_path, report_html_j2="{% for s in rep.sections %}"
                        "{% for place, n in s.places %}<p>{{ place }}: {{ num(n) }}</p>"
                        "{% endfor %}{% endfor %}")
    text = build_report(kb, START, END, ACTIVITIES, REQUESTS, FEEDBACK, "html", "sv", TODAY,
                        template_dir=own)
    assert "<p>&lt;script&gt;alert(&#39;place&#39;)&lt;/script&gt;: 1</p>" in text
    assert "<script" not in text


async def test_the_knowledge_folder_s_templates_win(tmp_path: Path, store: Store) -> None:
    from bot.features.reporting import report as chat_report
    from bot.knowledge.holder import KnowledgeHolder

    folder = tmp_path / "kb"
    shutil.copytree(ROOT / "knowledge", folder)
    holder = KnowledgeHolder.load(folder)
    assert holder.templates is None  # the shipped page
    own = own_templates(folder, report_css="body { color: #654321; }\n")
    assert holder.templates == own
    text = await chat_report(holder, store, START, END, "html", "sv", TODAY)
    assert "#654321" in text and "Uppföljning av medborgarlöftet" in text


def test_check_names_a_broken_own_page(kb: KnowledgeBase, tmp_path: Path) -> None:
    from bot.features.report import page_problems

    assert page_problems(kb, None, TODAY) == []
    own = own_templates(tmp_path, report_html_j2="<h1>{% if %}</h1>")
    [line] = page_problems(kb, own, TODAY)
    assert line.startswith(f"{own / 'report.html.j2'}:1: ")
    (own / "report.html.j2").write_text("{{ rep.no_such_thing }}", "utf-8")
    assert page_problems(kb, own, TODAY) == [f"{own}: 'bot.features.report_model.Report "
                                             "object' has no attribute 'no_such_thing'"]
    (own / "report.html.j2").write_text("<h1>{{ rep.title }}</h1>", "utf-8")
    assert page_problems(kb, own, TODAY) == []
