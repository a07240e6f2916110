"""The knowledge base in service, swapped only for a base that loaded cleanly."""

from __future__ import annotations

import logging
from pathlib import Path

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.loader import KnowledgeError, load_knowledge

log = logging.getLogger(__name__)


class KnowledgeHolder:
    def __init__(self, kb: KnowledgeBase, folder: Path | None = None) -> None:
        self.kb = kb
        self.folder = folder

    @classmethod
    def load(cls, folder: Path) -> KnowledgeHolder:
        return cls(load_knowledge(folder), folder)

    def reload(self) -> list[str]:
        """Load the folder again and self-test it; keep the old base on any problem.

        Returns the problems (empty when the new base is in service)."""
        from bot.knowledge.selftest import self_test

        if self.folder is None:
            return ["no knowledge folder to reload from"]
        try:
            kb = load_knowledge(self.folder)
        except KnowledgeError as exc:
            log.warning("knowledge reload refused: %d problem(s)", len(exc.problems))
            return exc.problems
        problems = self_test(kb)
        if problems:
            log.warning("knowledge reload refused: self-test found %d problem(s)", len(problems))
            return problems
        self.kb = kb
        log.info("knowledge reloaded: %d topics", len(kb.topics))
        return []
