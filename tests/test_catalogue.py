"""The text catalogues (bot/i18n/<lang>.yaml): checked at start and by `check`, used in full.

Every key in every language the bot speaks, the same `{placeholders}` across languages, no
key built at run time, no key the code uses that the catalogues lack; a third language may
lack keys (said in Swedish, listed as a warning); a knowledge base may reword a text.
"""

from __future__ import annotations

import ast
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core import texts
from bot.core.texts import CatalogueError, catalogue_findings, t
from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.loader import KnowledgeError, load_knowledge
from tests.conftest import FIXTURE, ROOT

pytestmark = pytest.mark.usefixtures("shipped_texts")

BOT = ROOT / "bot"
# The calls that take a catalogue key as their first argument.
KEY_TAKERS = {"t", "both"}
# A string in the code that starts like a feature's keys is meant as a key ("teams_app" is a
# transport's name, as the Outbox and addresses know it).
KEY_LIKE = re.compile(r"^(?!teams_app$)(?:act|bk|date|dialogue|fb|fbs|kb|month|ops|rep|report|"
                      r"safety|teams|matrix|console)_[a-z0-9_]+$")




def _drop_line(path: Path, prefix: str) -> None:
    lines = path.read_text("utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(prefix)]
    assert len(kept) == len(lines) - 1, prefix
    path.write_text("".join(kept), "utf-8")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), "utf-8")


# ------------------------------------------------------------------ the shipped catalogues

def test_shipped_catalogues_pass() -> None:
    found = catalogue_findings()
    assert found.problems == []
    assert found.warnings == []
    assert set(found.catalogues) >= {"sv", "en"}
    assert found.catalogues["sv"].texts.keys() == found.catalogues["en"].texts.keys()


def test_texts_are_the_catalogue_wording() -> None:
    assert t("bye", "sv") == "Hej då, ha det bra!"
    assert t("too_long", "en", size=5000, limit=4000) == (
        "Your message is too long for me (5000 characters; at most 4000). "
        "Please write shorter, one question at a time.")
    # Block scalars keep their line breaks, and nothing is added at the end.
    assert t("can_do", "sv").startswith("Du kan fråga mig om:\n- vad polisen")
    assert not t("can_do", "sv").endswith("\n")


def test_an_unknown_key_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="no text 'no_such_key'"):
        t("no_such_key", "sv")


# ------------------------------------------------------------------ the check

def test_a_missing_english_key_fails(folder: Path) -> None:
    _drop_line(folder / "en.yaml", "bye:")
    found = catalogue_findings(folder)
    assert len(found.problems) == 1
    assert found.problems[0].startswith(f"{folder / 'en.yaml'}: bye: missing")
    with pytest.raises(CatalogueError) as caught:
        texts.load(folder)
    assert caught.value.problems == found.problems


def test_a_placeholder_mismatch_fails(folder: Path) -> None:
    _replace(folder / "en.yaml", "Goodbye, take care!", "Goodbye {name}, take care!")
    problems = catalogue_findings(folder).problems
    assert len(problems) == 1
    assert "bye: placeholders {name} differ from sv.yaml's none" in problems[0]
    assert problems[0].startswith(f"{folder / 'en.yaml'}:")


def test_a_renamed_placeholder_fails(folder: Path) -> None:
    _replace(folder / "en.yaml", "({size} characters; at most {limit})",
             "({length} characters; at most {limit})")
    problems = catalogue_findings(folder).problems
    assert problems and "too_long: placeholders {length} {limit} differ" in problems[0]


def test_broken_yaml_fails_with_its_line(folder: Path) -> None:
    path = folder / "sv.yaml"
    path.write_text("greeting: Hej\nbye: [oavslutad\n", "utf-8")
    problems = catalogue_findings(folder).problems
    assert problems[0].startswith(f"{path}:")
    assert "not valid YAML" in problems[0]


def test_a_key_twice_and_a_value_that_is_no_text_fail(folder: Path) -> None:
    path = folder / "en.yaml"
    _replace(path, "\nack: Okay! Feel free to ask something else, or type **/help**.\n",
             "\nack: yes\nbye: Bye again\n")
    problems = catalogue_findings(folder).problems
    assert any("bye: defined twice" in p for p in problems)
    assert any("ack: must be text" in p for p in problems)


def test_a_key_only_one_language_has_fails(folder: Path) -> None:
    with (folder / "en.yaml").open("a", encoding="utf-8") as f:
        f.write("byee: Bye\n")
    problems = catalogue_findings(folder).problems
    assert len(problems) == 1 and "byee: not a key of sv.yaml" in problems[0]


def test_a_third_language_lacking_keys_is_a_warning_and_speaks_swedish(folder: Path) -> None:
    (folder / "fi.yaml").write_text("bye: Näkemiin!\nthanks: Ole hyvä!\n", "utf-8")
    found = catalogue_findings(folder)
    assert found.problems == []
    assert len(found.warnings) == 1
    missing = len(found.catalogues["sv"].texts) - 2
    assert f"fi.yaml: {missing} key(s) missing, said in sv meanwhile: greeting, can_do" \
        in found.warnings[0]
    texts.load(folder)
    assert t("bye", "fi") == "Näkemiin!"
    assert t("ack", "fi") == t("ack", "sv")
    # A language with no catalogue at all speaks Swedish too.
    assert t("ack", "de") == t("ack", "sv")


def test_a_third_language_with_a_wrong_placeholder_fails(folder: Path) -> None:
    (folder / "fi.yaml").write_text("greeting: Hei! Olen {nimi} botti.\n", "utf-8")
    problems = catalogue_findings(folder).problems
    assert len(problems) == 1 and "greeting: placeholders {nimi} differ" in problems[0]


# ------------------------------------------------------------------ every key, written out

def _calls_and_strings() -> Iterator[tuple[Path, ast.AST]]:
    for path in sorted(BOT.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
            yield path, node


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


def test_every_key_the_code_names_is_in_the_catalogues() -> None:
    keys = catalogue_findings().catalogues["sv"].texts.keys()
    unknown = []
    for path, node in _calls_and_strings():
        where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
        if (isinstance(node, ast.Call) and _name(node.func) in KEY_TAKERS and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str) and node.args[0].value not in keys):
            unknown.append(f"{where}: {node.args[0].value}")
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and KEY_LIKE.fullmatch(node.value) and node.value not in keys):
            unknown.append(f"{where}: {node.value}")
    assert not unknown, "keys the catalogues lack:\n" + "\n".join(unknown)


def test_no_key_is_built_at_run_time() -> None:
    """t(f"{x}_offer") or t("bk_status_" + s) hides a key from a search, and from the
    catalogue check: the first argument of t() is a name, a lookup or the key itself."""
    built = []
    for path, node in _calls_and_strings():
        if not (isinstance(node, ast.Call) and _name(node.func) in KEY_TAKERS and node.args):
            continue
        key = node.args[0]
        if isinstance(key, ast.JoinedStr | ast.BinOp) or (
                isinstance(key, ast.Call) and _name(key.func) in ("format", "join")):
            built.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not built, "keys built at run time:\n" + "\n".join(built)


def test_every_catalogue_key_is_written_out_somewhere() -> None:
    """A key no file names is dead, or is built from pieces at run time."""
    sources = "\n".join(p.read_text("utf-8") for p in sorted(BOT.rglob("*"))
                        if p.suffix in (".py", ".j2", ".html") and p.is_file())
    keys = catalogue_findings().catalogues["sv"].texts
    unused = [k for k in keys if f'"{k}"' not in sources and f"'{k}'" not in sources]
    assert not unused, "catalogue keys no code names: " + ", ".join(unused)


def test_the_notices_mention_the_numbers() -> None:
    for code, text in texts.notices().items():
        assert "112" in text and "114 14" in text, code


# ------------------------------------------------------------------ a deployment's wording

def _kb_with(tmp_path: Path, section: str) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(FIXTURE, target)
    (target / "texts.yaml").write_text(section, "utf-8")
    return target


def test_a_knowledge_base_may_reword_a_text(tmp_path: Path) -> None:
    folder = _kb_with(tmp_path, "texts:\n  bye:\n    sv: Ha det gott!\n    en: Take care!\n"
                                "  too_long:\n    sv: För långt ({size} av {limit}).\n"
                                "    en: Too long ({size} of {limit}).\n")
    holder = KnowledgeHolder(load_knowledge(folder), folder)
    assert t("bye", "sv") == "Ha det gott!"
    assert t("too_long", "en", size=9, limit=5) == "Too long (9 of 5)."
    assert t("ack", "sv").startswith("Okej!")  # the rest is the catalogue's
    (folder / "texts.yaml").unlink()
    assert holder.reload() == []  # the base that goes into service brings its wording
    assert t("bye", "sv") == "Hej då, ha det bra!"


def test_a_rewording_must_name_a_key_and_keep_its_placeholders(tmp_path: Path) -> None:
    folder = _kb_with(tmp_path, "texts:\n  byee:\n    sv: Hej\n    en: Bye\n"
                                "  too_long:\n    sv: För långt ({size}).\n"
                                "    en: Too long ({size} of {limit}).\n")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(folder)
    path = folder / "texts.yaml"
    assert caught.value.problems == [
        f"{path}:3: texts.byee: not a key of the text catalogues (bot/i18n)",
        f"{path}:6: texts.too_long.sv: placeholders {{size}} differ from the catalogue's "
        "{limit} {size}",
    ]


# ------------------------------------------------------------------ `check` and the start

def _keep_logging(level: str, fmt: str = "text") -> None:
    """`main` in this process must leave the logging of the tests that follow alone."""

def test_check_fails_on_a_missing_english_key(folder: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from bot.__main__ import main

    _drop_line(folder / "en.yaml", "bye:")
    monkeypatch.setattr(texts, "FOLDER", folder)
    monkeypatch.setattr("bot.__main__.setup_logging", _keep_logging)
    assert main(["check", "--knowledge", str(FIXTURE)]) == 1
    err = capsys.readouterr().err
    assert f"{folder / 'en.yaml'}: bye: missing" in err
    assert "Traceback" not in err


def test_check_passes_with_a_third_language_and_lists_what_it_lacks(
        folder: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from bot.__main__ import main

    (folder / "fi.yaml").write_text("bye: Näkemiin!\n", "utf-8")
    monkeypatch.setattr(texts, "FOLDER", folder)
    monkeypatch.setattr("bot.__main__.setup_logging", _keep_logging)
    assert main(["check", "--knowledge", str(FIXTURE)]) == 0
    out = capsys.readouterr()
    assert "ok" in out.out
    assert "warning: " in out.err and "fi.yaml" in out.err and "greeting" in out.err


def test_a_broken_catalogue_stops_the_bot_at_start(folder: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The holder puts the knowledge base in service at start and reads the catalogues
    then: a broken one is one line a problem before any resident writes."""
    _replace(folder / "sv.yaml", "Hej då, ha det bra!", "Hej då {namn}!")
    monkeypatch.setattr(texts, "FOLDER", folder)
    monkeypatch.setattr(texts, "_texts", None)
    with pytest.raises(CatalogueError) as caught:
        KnowledgeHolder(load_knowledge(FIXTURE), FIXTURE)
    assert any("bye: placeholders" in p for p in caught.value.problems)
