"""The house of DESIGN.md holds: no import circle in `bot/`, and no import up the floors.

Every `import` and `from … import` is read with `ast`, wherever it stands: at the top, in a
function (a lazy import is still a dependency), and under `if TYPE_CHECKING:` (a type-only
import still ties the rooms together: no exemption).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# The rooms of `bot/` and their floors: a room imports its own modules and the rooms of the
# floors below, never above. A module `bot/<room>.py` or a package `bot/<room>/` is a room.
FLOORS: dict[str, int] = {
    "text": 0, "i18n": 0,
    "core": 1,
    "knowledge": 2, "store": 2, "privacy": 2, "config": 2, "logs": 2, "outfile": 2,
    "features": 3,
    "transports": 4, "web": 4,
    "app": 5, "service": 5, "check": 5, "__main__": 5, "teams_package": 5,
}
# `bot/__init__.py` (the version) sits below everything and imports nothing of `bot`.
FLOORS[""] = -1
# Imports between two different rooms of one floor, each a deliberate exception: (from
# room, to room). Empty: the rooms of a floor do not know one another, except on the top
# floor, whose rooms (app, service, check, __main__) assemble the rooms below and each other.
SAME_FLOOR: frozenset[tuple[str, str]] = frozenset()

Graph = dict[str, set[str]]


def modules(root: Path, package: str = "bot") -> dict[str, Path]:
    """Every module under root/package by dotted name (a package by its __init__)."""
    found = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _resolve(target: str, known: Mapping[str, Path]) -> str | None:
    """The module `target` names, or the nearest package above it that exists."""
    while target and target not in known:
        target = target.rpartition(".")[0]
    return target or None


def imports(name: str, path: Path, known: Mapping[str, Path], package: str = "bot"
            ) -> Iterator[str]:
    """The modules of `package` that module `name` imports, anywhere in its source."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                # `from . import x` in a/b.py is package a; in a/__init__.py it is a itself.
                here = name.split(".") if is_package else name.split(".")[:-1]
                base = ".".join(here[:len(here) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            # `from a import b` imports module a.b when there is one, else a name of a.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                       for alias in node.names]
        else:
            continue
        for target in targets:
            if target == package or target.startswith(package + "."):
                resolved = _resolve(target, known)
                if resolved is not None and resolved != name:
                    yield resolved


def graph(root: Path, package: str = "bot") -> Graph:
    known = modules(root, package)
    return {name: set(imports(name, path, known, package)) for name, path in known.items()}


def room(module: str) -> str:
    """"bot.features.safety" -> "features"; "bot.config" -> "config"; "bot" -> ""."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def unplaced(g: Graph) -> list[str]:
    return sorted(f"{m}: room {room(m)!r} has no floor in FLOORS" for m in g
                  if room(m) not in FLOORS)


def wrong_way(g: Graph, floors: Mapping[str, int] = FLOORS,
              same_floor: frozenset[tuple[str, str]] = SAME_FLOOR) -> list[str]:
    """One line per import that goes up a floor, or across to another room of one floor."""
    top = max(floors.values())
    lines = []
    for source in sorted(g):
        for target in sorted(g[source]):
            a, b = room(source), room(target)
            if a == b or a not in floors or b not in floors:
                continue
            fa, fb = floors[a], floors[b]
            if fb > fa:
                lines.append(f"{source} -> {target}: up from {a} (floor {fa}) "
                             f"to {b} (floor {fb})")
            elif fb == fa and fa != top and (a, b) not in same_floor:
                lines.append(f"{source} -> {target}: across floor {fa} from {a} to {b} "
                             "(not in SAME_FLOOR)")
    return lines


def circles(g: Graph) -> list[list[str]]:
    """Each import circle as a path that comes back to its start (Tarjan's strongly
    connected components; one circle shown per component)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(v: str) -> None:
        # Recursive: bot/ is a few hundred modules, far below the recursion limit.
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(g.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(component)

    for v in sorted(g):
        if v not in index:
            visit(v)
    return [_cycle(g, c) for c in components]


def _cycle(g: Graph, component: set[str]) -> list[str]:
    """A shortest path from the component's first module back to itself, inside it."""
    start = min(component)
    paths = {start: [start]}
    queue = [start]
    for v in queue:
        for w in sorted(g[v] & component):
            if w == start:
                return [*paths[v], start]
            if w not in paths:
                paths[w] = [*paths[v], w]
                queue.append(w)
    raise AssertionError("a strongly connected component always holds a cycle")


def problems(root: Path, package: str = "bot") -> list[str]:
    g = graph(root, package)
    return [*unplaced(g), *wrong_way(g),
            *("circle: " + " -> ".join(c) for c in circles(g))]


# ------------------------------------------------------------------ the house


def test_bot_has_no_circle_and_no_import_up_the_floors() -> None:
    found = problems(ROOT)
    assert not found, "imports against DESIGN.md's floors:\n" + "\n".join(found)


def test_the_walk_sees_the_whole_package() -> None:
    g = graph(ROOT)
    assert {"bot.app", "bot.core.bot", "bot.features.report", "bot.__main__"} <= set(g)
    # A known edge, so that a resolver that finds nothing cannot pass the test above.
    assert "bot.core.bot" in g["bot.app"]


# ------------------------------------------------------------------ the checker can fail


def write(root: Path, files: dict[str, str]) -> None:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, "utf-8")


@pytest.fixture
def house(tmp_path: Path) -> Path:
    write(tmp_path, {
        "bot/__init__.py": "",
        "bot/text/__init__.py": "",
        "bot/text/fold.py": "import re\n",
        "bot/core/__init__.py": "",
        "bot/core/turn.py": "from bot.text.fold import x\nfrom ..text import fold\n",
        "bot/knowledge/__init__.py": "",
        "bot/knowledge/base.py": "from bot.core import turn\n",
        "bot/features/__init__.py": "",
        "bot/features/answers.py": "import bot.knowledge.base\n",
        "bot/app.py": "from bot.features.answers import Answers\n",
        "bot/__main__.py": "def main():\n    from bot import app\n",
    })
    return tmp_path


def test_a_clean_house_passes(house: Path) -> None:
    assert problems(house) == []
    g = graph(house)
    assert g["bot.core.turn"] == {"bot.text.fold"}  # both forms, relative too
    assert g["bot.__main__"] == {"bot.app"}  # a lazy import counts


def test_an_upward_import_is_named(house: Path) -> None:
    write(house, {"bot/core/roles.py": "from bot.features.answers import Answers\n",
                  "bot/knowledge/render.py": "from typing import TYPE_CHECKING\n"
                                             "if TYPE_CHECKING:\n"
                                             "    from ..features import answers\n"})
    assert problems(house) == [
        "bot.core.roles -> bot.features.answers: up from core (floor 1) to features (floor 3)",
        "bot.knowledge.render -> bot.features.answers: up from knowledge (floor 2) "
        "to features (floor 3)",
    ]


def test_an_import_across_one_floor_needs_listing(house: Path) -> None:
    write(house, {"bot/store/__init__.py": "", "bot/store/base.py": "",
                  "bot/knowledge/holder.py": "from bot.store import base\n"})
    line = "bot.knowledge.holder -> bot.store.base: across floor 2 from knowledge to store"
    assert wrong_way(graph(house)) == [line + " (not in SAME_FLOOR)"]
    assert wrong_way(graph(house), same_floor=frozenset({("knowledge", "store")})) == []


def test_a_circle_is_named(house: Path) -> None:
    write(house, {"bot/knowledge/render.py": "from bot.knowledge.base import KB\n",
                  "bot/knowledge/base.py": "from typing import TYPE_CHECKING\n"
                                           "if TYPE_CHECKING:\n"
                                           "    from .render import Renderer\n"})
    assert problems(house) == ["circle: bot.knowledge.base -> bot.knowledge.render -> "
                               "bot.knowledge.base"]


def test_a_room_without_a_floor_is_named(house: Path) -> None:
    write(house, {"bot/gadgets.py": "from bot.app import x\n"})
    assert problems(house) == ["bot.gadgets: room 'gadgets' has no floor in FLOORS"]
