from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.loader import KnowledgeError, load_knowledge
from tests.conftest import FIXTURE


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(FIXTURE, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def _problems(folder: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(folder)
    return caught.value.problems


def test_fixture_loads() -> None:
    kb = load_knowledge(FIXTURE)
    assert set(kb.topics) >= {"lofte", "narkotika", "byar"}
    assert [p.id for p in kb.periods] == ["2019-2020", "2021-2022"]


def test_bad_date_names_file_line_and_key(kb_dir: Path) -> None:
    base = kb_dir / "base.yaml"
    _edit(base, "end: 2022-12-31\n    promises", "end: 2022-13-01\n    promises")
    line = _line_of(base, "2022-13-01")
    assert _problems(kb_dir) == [f'{base}:{line}: periods[1].end: not a date: "2022-13-01"']


def test_unknown_key_is_reported_not_ignored(kb_dir: Path) -> None:
    topics = kb_dir / "topics.yaml"
    _edit(topics, "    keywords: [lovat", "    keywrods: [lovat")
    line = _line_of(topics, "keywrods")
    problems = _problems(kb_dir)
    assert f"{topics}:{line}: topics[0].keywrods: unknown key" in problems


def test_missing_answer_language_points_at_the_topic(kb_dir: Path) -> None:
    topics = kb_dir / "topics.yaml"
    _edit(topics, 'answer: {sv: Polisen kontrollerar hastigheten., en: The police check speeds.}',
          "answer: {sv: Polisen kontrollerar hastigheten.}")
    line = _line_of(topics, "answer: {sv: Polisen kontrollerar")
    assert _problems(kb_dir) == [f"{topics}:{line}: topics[3].answer.en: missing"]


def test_yaml_syntax_error_has_a_line(kb_dir: Path) -> None:
    base = kb_dir / "base.yaml"
    base.write_text(base.read_text(encoding="utf-8") + "broken: [unclosed\n", encoding="utf-8")
    problems = _problems(kb_dir)
    assert len(problems) == 1
    assert problems[0].startswith(f"{base}:") and "YAML syntax" in problems[0]


def test_duplicate_key_in_a_file(kb_dir: Path) -> None:
    base = kb_dir / "base.yaml"
    _edit(base, "  website: https://testby.example\n",
          "  website: https://testby.example\n  website: https://other.example\n")
    line = _line_of(base, "other.example")
    assert _problems(kb_dir) == [f"{base}:{line}: municipality.website: defined twice"]


def test_lists_merge_across_files_and_errors_point_at_the_right_file(kb_dir: Path) -> None:
    extra = kb_dir / "zz_extra.yaml"  # after topics.yaml: merged index 6, its own index 0
    extra.write_text(
        "topics:\n"
        "  - id: extra\n"
        "    title: {sv: Extra, en: Extra}\n"
        "    examples: [något helt annat om extra saker]\n"
        "    answer: {sv: 'Se {promise[finns-inte]}', en: 'See {promise[finns-inte]}'}\n",
        encoding="utf-8")
    problems = _problems(kb_dir)
    assert f'{extra}:5: topics[0].answer.sv: no promise with id "finns-inte"' in problems


def test_section_in_two_files_is_an_error(kb_dir: Path) -> None:
    (kb_dir / "more.yaml").write_text("agreement: null\n", encoding="utf-8")
    assert any("agreement: defined in another file too" in p for p in _problems(kb_dir))


@pytest.mark.parametrize(("answer", "message"), [
    ("'{unknown}'", "unknown placeholder {unknown}"),
    ("'{contact[nobody]}'", 'no contact with id "nobody"'),
    ("'a { b'", "bad braces"),
])
def test_placeholders_are_checked(kb_dir: Path, answer: str, message: str) -> None:
    topics = kb_dir / "topics.yaml"
    _edit(topics, 'answer: {sv: "{agreement}", en: "{agreement}"}',
          f'answer: {{sv: {answer}, en: "{{agreement}}"}}')
    problems = _problems(kb_dir)
    assert any(message in p and "topics[4].answer.sv" in p for p in problems), problems


def test_duplicate_ids_and_unknown_followups(kb_dir: Path) -> None:
    topics = kb_dir / "topics.yaml"
    _edit(topics, "  - id: hastighet", "  - id: byar")
    _edit(topics, "followups: [byar]", "followups: [saknas]")
    problems = _problems(kb_dir)
    assert any('duplicate id "byar"' in p for p in problems)
    assert any('no topic with id "saknas"' in p for p in problems)


def test_not_a_folder_and_empty_folder(tmp_path: Path) -> None:
    assert "not a folder" in _problems(tmp_path / "nope")[0]
    assert "no .yaml files" in _problems(tmp_path)[0]


def test_binary_file_is_refused(kb_dir: Path) -> None:
    (kb_dir / "zz.yaml").write_bytes(b"\xff\xfe\x00binary")
    assert any("not UTF-8" in p for p in _problems(kb_dir))


def test_invalid_reload_keeps_the_base_in_service(kb_dir: Path) -> None:
    holder = KnowledgeHolder.load(kb_dir)
    before = holder.kb
    _edit(kb_dir / "base.yaml", "start: 2021-01-01", "start: tomorrow")
    problems = holder.reload()
    assert problems and "periods[1].start" in problems[0]
    assert holder.kb is before
    _edit(kb_dir / "base.yaml", "start: tomorrow", "start: 2021-01-01")
    assert holder.reload() == []
    assert holder.kb is not before


# ------------------------------------------------------------------ periods, themes, mapping


def _add(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def test_promise_references_are_checked(kb_dir: Path) -> None:
    _add(kb_dir / "zz_mapping.yaml",
         "themes:\n"
         "  - id: trafik\n"
         "    label: {sv: trafik, en: traffic}\n"
         "activities:\n"
         "  - id: trafikkontroll\n"
         "    label: {sv: Trafikkontroll, en: Traffic check}\n")
    base = kb_dir / "base.yaml"
    _edit(base, "        text: {sv: Fler trafikkontroller i byarna., en: More traffic checks "
                "in the villages.}\n",
          "        text: {sv: Fler trafikkontroller i byarna., en: More traffic checks "
          "in the villages.}\n"
          "        themes: [trafik, trafk]\n"
          "        activities: [trafikkontroll, fiskekontroll]\n"
          "        places: [Gräsmyr, Atlantis]\n")
    problems = _problems(kb_dir)
    assert len(problems) == 3, problems
    assert any('periods[1].promises[1].themes[1]: no theme "trafk"' in p for p in problems)
    assert any('promises[1].activities[1]: no activity type "fiskekontroll"' in p
               for p in problems)
    assert any('promises[1].places[1]: no place "Atlantis"' in p for p in problems)
    line = _line_of(base, "themes: [trafik, trafk]")
    assert any(p.startswith(f"{base}:{line}:") for p in problems)


def test_an_activity_with_the_old_single_promise_is_explained(kb_dir: Path) -> None:
    _add(kb_dir / "zz_activities.yaml",
         "activities:\n"
         "  - id: trafikkontroll\n"
         "    label: {sv: Trafikkontroll, en: Traffic check}\n"
         "    promise: byar\n")
    [problem] = _problems(kb_dir)
    assert "activities[0]" in problem and "periods[].promises[].activities" in problem


def test_overlapping_periods_are_an_error(kb_dir: Path) -> None:
    base = kb_dir / "base.yaml"
    _edit(base, "    start: 2021-01-01\n", "    start: 2020-07-01\n")
    [problem] = _problems(kb_dir)
    assert "periods[1].start: overlaps period \"2019-2020\"" in problem


def test_unknown_theme_in_an_answer(kb_dir: Path) -> None:
    topics = kb_dir / "topics.yaml"
    _edit(topics, 'answer: {sv: "{promises}", en: "{promises}"}',
          'answer: {sv: "{promises_about[trafik]}", en: "{earlier} {period}"}')
    [problem] = _problems(kb_dir)
    assert 'topics[0].answer.sv: no theme with id "trafik"' in problem


def test_a_source_must_be_an_address(kb_dir: Path) -> None:
    base = kb_dir / "base.yaml"
    _edit(base, "    document: https://testby.example/2019.pdf\n",
          "    document: https://testby.example/2019.pdf\n    sources: [testby.example/kopia]\n")
    [problem] = _problems(kb_dir)
    assert "periods[0].sources[0]" in problem
