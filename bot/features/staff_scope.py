"""Which municipalities a staff command covers: the staff member's scope (`Roles.scope`),
narrowed by a municipality named in the command's words ("/rapport 2026 Dorotea").

In a deployment of one municipality this is that one (its name in the words is taken out,
as there is nothing else to choose).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.messages import Outcome, Reply
from bot.core.roles import Scope
from bot.core.texts import t
from bot.core.turn import Turn
from bot.knowledge.area import Area
from bot.knowledge.base import KnowledgeBase
from bot.text.normalize import fold

_KOMMUN = frozenset({"kommun", "kommune", "municipality"})


@dataclass(frozen=True)
class Covered:
    """The municipalities a command covers, in the area's order, and the words left."""

    ids: tuple[str, ...]
    rest: str
    all_of_them: bool  # every municipality of the area: the store needs no filter

    @property
    def only(self) -> tuple[str, ...] | None:
        """As a store filter: None for every row."""
        return None if self.all_of_them else self.ids


def names(area: Area) -> dict[str, str]:
    """A municipality's short name, its id and its name, folded -> its id."""
    found: dict[str, str] = {}
    for ident, data in area.files().items():
        for name in (ident, data.municipality.short_name, data.municipality.name.sv):
            found.setdefault(fold(name), ident)
    return found


def named_word(area: Area, words: list[str]) -> tuple[str | None, list[str]]:
    """The municipality the words name ("Dorotea", "dorotea kommun", "Åsele kommun"), and
    the words without it."""
    known = names(area)
    found, kept = None, []
    skip = False
    for i, word in enumerate(words):
        if skip:
            skip = False
            continue
        key = fold(word.strip(".,:;!?"))
        pair = f"{key} {fold(words[i + 1])}" if i + 1 < len(words) else ""
        if found is None and pair in known:
            found, skip = known[pair], True
        elif found is None and key in known:
            found = known[key]
            skip = i + 1 < len(words) and fold(words[i + 1]) in _KOMMUN
        else:
            kept.append(word)
    return found, kept


def display(area: Area, ident: str) -> str:
    files = area.files()
    return files[ident].municipality.short_name if ident in files else ident


def whose(area: Area, ident: str | None) -> str:
    """" (Dorotea)" after a row's number in a police area: whose it is; "" for one."""
    return f" ({display(area, ident or '')})" if len(area) > 1 else ""


def not_yours(area: Area, scope: Scope, ident: str, turn: Turn) -> Reply:
    mine = ", ".join(display(area, u) for u in area.files() if scope.covers(u))
    return Reply(t("scope_not_yours", turn.lang, name=display(area, ident), names=mine),
                 Outcome.COMMAND, turn.lang)


def covered(area: Area, scope: Scope, turn: Turn, args: str) -> Covered | Reply:
    """What a staff command with `args` covers: the municipality its words name (refused
    when it is not one of the staff member's), else every one of theirs."""
    named, rest = named_word(area, args.split())
    if named is not None:
        if not scope.covers(named):
            return not_yours(area, scope, named, turn)
        return Covered((named,), " ".join(rest), len(area) == 1)
    ids = tuple(ident for ident in area.files() if scope.covers(ident))
    return Covered(ids, " ".join(rest), len(ids) == len(area))


def base_of(area: Area, ident: str | None, fallback: KnowledgeBase) -> KnowledgeBase:
    """The base of a row's municipality; `fallback` (the default's) for one the area no
    longer has, so an old row still shows."""
    return area.bases.get(ident or "") or fallback
