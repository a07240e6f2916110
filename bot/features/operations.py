"""Running it for real: /ladda om (admins) reloads the knowledge base; unanswered
questions are counted (redacted, no sender, no time of day) and /obesvarade lists them."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable

from bot.core.commands import Command
from bot.core.literal import literal
from bot.core.messages import Outcome, Reply
from bot.core.roles import WHOLE, Roles
from bot.core.router import Router
from bot.core.texts import t
from bot.core.turn import Turn
from bot.features.command_args import read_period
from bot.features.place_words import area_place_words
from bot.features.staff_scope import covered, display
from bot.knowledge.holder import KnowledgeHolder
from bot.privacy.redact import redact
from bot.store.ports import UnansweredRepo
from bot.text.normalize import fold

log = logging.getLogger(__name__)
MAX_TEXT = 300
TOP = 20


def normalised(text: str, keep: frozenset[str] = frozenset()) -> str:
    """What is counted: the question with personal data replaced, folded, at most 300
    characters (cut after redaction, so never half a number)."""
    return " ".join(fold(redact(text, keep).text).split())[:MAX_TEXT]


class Operations:
    def __init__(self, holder: KnowledgeHolder, store: UnansweredRepo,
                 where: Callable[[Turn], str | None] | None = None) -> None:
        self.holder = holder
        self.store = store
        # The municipality a conversation is about: a question is counted for it.
        self.where = where or (lambda turn: None)
        self.roles: Roles | None = None
        self._pending: set[asyncio.Task[None]] = set()

    def router(self, roles: Roles) -> Router:
        """/ladda om for admins, /obesvarade for staff; counts still being written are
        awaited at shutdown. `count_unanswered` is given to the answers."""
        self.roles = roles
        return Router("operations", closers=(self.settle,), commands=(
            Command(name="ladda", aliases=("reload",), run=self._reload, check=roles.is_admin,
                    usage="om", summary="cmd_ladda"),
            Command(name="obesvarade", aliases=("unanswered",), run=self._list,
                    check=roles.is_staff, usage="[period] [kommun]",
                    summary="cmd_obesvarade")))

    async def reload(self) -> list[str]:
        problems = await self.holder.reload_in_background()
        log.info("knowledge reload: %s", "refused" if problems else "done")
        return problems

    async def _reload(self, turn: Turn, args: str) -> Reply:
        if fold(args) not in ("", "om"):
            return Reply(t("ops_reload_how", turn.lang), Outcome.COMMAND, turn.lang)
        problems = await self.reload()
        if problems:
            text = t("ops_reload_failed", turn.lang) + "\n" + "\n".join(
                f"- `{p}`" for p in problems[:20])
        else:
            text = t("ops_reloaded", turn.lang, n=len(self.holder.kb.topics))
        return Reply(text, Outcome.COMMAND, turn.lang)

    async def count_unanswered(self, turn: Turn) -> None:
        """Called for every question the bot could not answer. The count is written in the
        background: the reply must not wait on the store (or fail with it)."""
        text = normalised(turn.text, area_place_words(self.holder.area))
        if text:
            ident = self.where(turn)
            municipality = ident if ident in self.holder.area.files() else self.holder.kb.id
            task = asyncio.ensure_future(self._record(text, turn.today, municipality))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)

    async def _record(self, text: str, day: dt.date, municipality: str) -> None:
        try:
            await self.store.record_unanswered(text, day, municipality)
        except Exception as exc:  # counting is a nicety: the answer went out anyway
            log.warning("unanswered question not counted: %s", type(exc).__name__)

    async def settle(self) -> None:
        """Wait for counts still being written (before listing them, and at shutdown)."""
        while self._pending:
            await asyncio.gather(*list(self._pending))

    async def _list(self, turn: Turn, args: str) -> Reply:
        await self.settle()
        area = self.holder.area
        scope = self.roles.scope(turn) if self.roles is not None else WHOLE
        cover = covered(area, scope, turn, args)
        if isinstance(cover, Reply):
            return cover
        period = read_period(turn, cover.rest)
        if isinstance(period, Reply):
            return period
        start, end = period
        top = await self.store.top_unanswered(start, end, limit=TOP,
                                              municipalities=cover.only)
        if not top:
            return Reply(t("ops_unanswered_none", turn.lang), Outcome.COMMAND, turn.lang)
        lines = [t("ops_unanswered_head", turn.lang, start=start.isoformat(),
                   end=end.isoformat())]
        several = len({u.municipality for u in top}) > 1
        lines += [f"{i}. {literal(u.text, one_line=True)} ({u.count})"
                  + (f" · {display(area, u.municipality)}" if several else "")
                  for i, u in enumerate(top, 1)]
        return Reply("\n".join(lines), Outcome.COMMAND, turn.lang)
