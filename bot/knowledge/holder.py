"""The knowledge base in service, swapped only for a base that loaded cleanly."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection
from pathlib import Path

from bot.core.texts import use_overrides
from bot.knowledge.area import Area, load_area
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.loader import KnowledgeError
from bot.knowledge.selftest import Screen, area_self_test, unknown_forms

log = logging.getLogger(__name__)


class KnowledgeHolder:
    def __init__(self, kb: KnowledgeBase, folder: Path | None = None,
                 area: Area | None = None) -> None:
        self.folder = folder  # first: the base goes into service with its own catalogues
        # Every municipality's base (bot.knowledge.area); `kb` is the default one's.
        self.area = area or Area({kb.id: kb}, kb.id)
        self.kb = kb
        # What a reloaded base must also pass; the app says, when it is built (require).
        self.screen: Screen | None = None
        self.forms: frozenset[str] | None = None

    def require(self, forms: Collection[str], screen: Screen | None = None) -> None:
        """From now on a base goes into service only if every dialogue form its topics
        name is one of `forms`, and its examples get past `screen` (the safety check).

        ValueError naming the form when the base in service already names an unknown
        one: the bot would fail in front of the resident who asks."""
        # A shared topic's problem once, not once per municipality.
        problems = list(dict.fromkeys(p for data in self.area.files().values()
                                      for p in unknown_forms(data, forms)))
        if problems:
            raise ValueError("; ".join(problems))
        self.forms = frozenset(forms)
        self.screen = screen

    @property
    def templates(self) -> Path | None:
        """The knowledge folder's own templates (the report's page, report.html.j2), which
        win over the shipped ones; None when it has none."""
        folder = None if self.folder is None else self.folder / "templates"
        return folder if folder is not None and folder.is_dir() else None

    @property
    def kb(self) -> KnowledgeBase:
        return self._kb

    @kb.setter
    def kb(self, kb: KnowledgeBase) -> None:
        # The base's wording of the bot's own texts, and its own catalogues (i18n/sma.yaml),
        # go into service with it (this also reads the text catalogues at start, so a
        # broken one stops the bot there).
        self._kb = kb
        own = None if self.folder is None else self.folder / "i18n"
        use_overrides({key: text.written() for key, text in kb.data.texts.items()},
                      own if own is not None and own.is_dir() else None)

    @classmethod
    def load(cls, folder: Path) -> KnowledgeHolder:
        area = load_area(folder)
        return cls(area.default_base, folder, area)

    def reload(self) -> list[str]:
        """Load the folder again and self-test every municipality's base; keep the old
        ones on any problem.

        Returns the problems (empty when the new bases are in service)."""
        prepared = self._prepare()
        return prepared if isinstance(prepared, list) else self._commit(prepared)

    async def reload_in_background(self) -> list[str]:
        """reload(), with the loading and the self-test (seconds, for an area) in a worker
        thread: the service goes on answering meanwhile, and the new bases go into service
        on the event loop, between two messages."""
        prepared = await asyncio.to_thread(self._prepare)
        return prepared if isinstance(prepared, list) else self._commit(prepared)

    def _prepare(self) -> Area | list[str]:
        if self.folder is None:
            return ["no knowledge folder to reload from"]
        try:
            area = load_area(self.folder)
        except KnowledgeError as exc:
            log.warning("knowledge reload refused: %d problem(s)", len(exc.problems))
            return exc.problems
        problems = area_self_test(area, self.screen, self.forms)
        if problems:
            log.warning("knowledge reload refused: self-test found %d problem(s)", len(problems))
            return problems
        return area

    def _commit(self, area: Area) -> list[str]:
        self.area = area
        self.kb = area.default_base
        log.info("knowledge reloaded: %d municipalities, %d topics", len(area),
                 len(self.kb.topics))
        return []
