"""Answers from the knowledge base, decided by the matcher's confidence band.

high -> the answer; medium -> the answer and "Menade du …?" with the runners-up; two
candidates too close to call -> suggestions alone; low -> an honest "I don't know".
Suggestions are numbered, and a reply of just that number picks one (kept in memory for a
short while per conversation, never stored).
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from bot.core.dialogues import Dialogues
from bot.core.messages import Outcome, Reply
from bot.core.texts import t
from bot.core.turn import Turn
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.matcher import Band

Key = tuple[str, str, str]
LOST = "\0lost"  # _picked: a bare number that answers no open question
START_SCORE = 0.8  # a dialogue starts by itself only on a clear match; else it is offered


class Answers:
    def __init__(self, holder: KnowledgeHolder, dialogues: Dialogues | None = None, *,
                 on_unknown: Callable[[Turn], Awaitable[None]] | None = None,
                 suggestion_ttl: dt.timedelta = dt.timedelta(minutes=15),
                 max_pending: int = 10_000) -> None:
        self.holder = holder
        self.dialogues = dialogues
        self.on_unknown = on_unknown  # counts what the knowledge base lacks
        self.suggestion_ttl = suggestion_ttl
        self.max_pending = max_pending
        self._pending: OrderedDict[Key, tuple[tuple[str, ...], dt.datetime]] = OrderedDict()

    async def __call__(self, turn: Turn) -> Reply:
        kb = self.holder.kb
        picked = self._picked(turn, kb)
        if picked == LOST:
            return Reply(t("lost_question", turn.lang), Outcome.UNKNOWN, turn.lang)
        if picked:
            return self._answer(kb, picked, turn, others=())
        result = kb.match(turn.text)
        best = result.best
        if best is None or result.band is Band.LOW:
            if self.on_unknown is not None:
                await self.on_unknown(turn)
            name = kb.data.municipality.name.get(turn.lang)
            return Reply(t("unknown", turn.lang, name=name), Outcome.UNKNOWN, turn.lang)
        ids = tuple(c.topic_id for c in result.candidates)
        if result.close:
            self._remember(turn, ids)
            lines = [t("not_sure", turn.lang), self._numbered(kb, ids, turn),
                     t("pick_number", turn.lang)]
            return Reply("\n\n".join(lines), Outcome.SUGGESTED, turn.lang)
        others = ids[1:] if result.band is Band.MEDIUM else ()
        starts = kb.topics[best.topic_id].starts
        if starts and not others and best.score >= START_SCORE and self.dialogues:
            return await self.dialogues.start(starts, turn)
        # Less sure: answer, and offer the dialogue instead of pushing into it.
        return self._answer(kb, best.topic_id, turn, others, offer=starts)

    def _answer(self, kb: KnowledgeBase, topic_id: str, turn: Turn,
                others: tuple[str, ...], offer: str | None = None) -> Reply:
        text = kb.answer(topic_id, turn.lang, turn.today, turn.text)
        topic = kb.topics[topic_id]
        if others:
            self._remember(turn, others)
            text += "\n\n_" + t("did_you_mean", turn.lang) + "_\n" + self._numbered(
                kb, others, turn)
            outcome = Outcome.SUGGESTED
        else:
            self._pending.pop(turn.msg.conversation, None)
            outcome = Outcome.ANSWERED
            titles = [kb.topics[f].title.get(turn.lang) for f in topic.followups
                      if f in kb.topics][:3]
            if titles:
                text += f"\n\n_{t('also_ask', turn.lang)}: {', '.join(titles)}_"
        offer = topic.offers or offer
        if offer and self.dialogues is not None:
            if turn.msg.is_direct:
                self.dialogues.offer(offer, turn)
                text += "\n\n" + t(f"{offer}_offer", turn.lang)
            else:
                text += "\n\n" + t(f"{offer}_offer_private", turn.lang)
        return Reply(text, outcome, turn.lang, topic_id=topic_id)

    @staticmethod
    def _numbered(kb: KnowledgeBase, ids: tuple[str, ...], turn: Turn) -> str:
        return "\n".join(f"{i}. {kb.topics[tid].title.get(turn.lang)}"
                         for i, tid in enumerate(ids, 1))

    def _remember(self, turn: Turn, ids: tuple[str, ...]) -> None:
        key = turn.msg.conversation
        self._pending[key] = (ids, turn.now + self.suggestion_ttl)
        self._pending.move_to_end(key)
        while len(self._pending) > self.max_pending:
            self._pending.popitem(last=False)

    def _picked(self, turn: Turn, kb: KnowledgeBase) -> str | None:
        choice = turn.text.strip().rstrip(".)")
        if not choice.isdigit() or len(choice) > 2:
            return None
        pending = self._pending.get(turn.msg.conversation)
        if pending is None:
            return LOST  # a bare number answers nothing open: a question lost in a restart
        ids, expires = pending
        if turn.now > expires:
            del self._pending[turn.msg.conversation]
            return LOST
        index = int(choice) - 1
        if 0 <= index < len(ids) and ids[index] in kb.topics:
            return ids[index]
        return None
