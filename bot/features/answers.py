"""Answers from the knowledge base, decided by the matcher's confidence band.

high -> the answer; medium, or two topics close at the top of a clear question -> the best
answer and "Menade du …?" with the runners-up; close and weak -> suggestions alone; low ->
an honest "I can't answer that" that says where such questions are answered (the
municipality's switchboard, 114 14).
Suggestions are numbered, and a reply of just that number picks one (kept in memory for a
short while per conversation, never stored).
Which municipality's base answers is decided by bot.features.whereabouts, which also asks
"Vilken kommun gäller det?" where the area has no default and nothing says.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping

from bot.core import choices
from bot.core.conversation_state import Held
from bot.core.dialogues import Dialogues
from bot.core.messages import Outcome, Reply
from bot.core.router import Router
from bot.core.texts import t
from bot.core.turn import Turn
from bot.features import whereabouts
from bot.features.whereabouts import Whereabouts
from bot.features.whereabouts import bound_problems as bound_problems
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.matcher import Band, MatchResult
from bot.knowledge.when import with_years
from bot.text.numbers import read_int

Key = tuple[str, str, str]
# The line that offers a dialogue, by the dialogue a topic offers: (in a private chat, in a
# shared room where it cannot start). Written out so that a search finds every key.
OFFERS = {"feedback": ("feedback_offer", "feedback_offer_private"),
          "booking": ("booking_offer", "booking_offer_private")}
LOST = "\0lost"  # _picked: a bare number that answers no open question
START_SCORE = 0.8  # a dialogue starts by itself only on a clear match; else it is offered
SUGGEST_ONLY_BELOW = 0.45
SWITCHBOARD = "kommunen"  # the contact whose number "I can't answer that" gives


def _bare(url: str | None) -> str:
    """"https://www.asele.se/" -> "asele.se": short, and not a link the chat renders."""
    if not url:
        return ""
    host = url.split("://", 1)[-1].split("/", 1)[0]
    return host.removeprefix("www.")


_SENTENCE = re.compile(r"(?<=[.?!])\s+|\n+")
_RANK = {Band.LOW: 0, Band.MEDIUM: 1, Band.HIGH: 2}


def best_part(kb: KnowledgeBase, text: str) -> MatchResult:
    """The match of the whole message, or of one of its sentences when that one is
    clearer: "Jag är rektor här. Vad har ni lovat om skolan?" is asked by its question,
    and the words around it ("som mamma till två") must not drown it."""
    result = kb.match(text)
    if result.band is Band.HIGH:
        return result
    parts = [p for p in _SENTENCE.split(text) if p.strip()]
    if len(parts) < 2:
        return result
    for part in parts[:8]:
        candidate = kb.match(part)
        if candidate.best is None:
            continue
        if (_RANK[candidate.band], candidate.best.score) > (
                _RANK[result.band], result.best.score if result.best else 0.0):
            result = candidate
    return result


def router(holder: KnowledgeHolder, dialogues: Dialogues | None = None, *,
           on_unknown: Callable[[Turn], Awaitable[None]] | None = None,
           bound: Mapping[str, str] | None = None,
           where: Whereabouts | None = None) -> Router:
    """Last in the pipeline: it always replies. `where`: the app's one Whereabouts (else
    one of its own, on `bound`)."""
    return Router("answers", step=Answers(holder, dialogues, on_unknown=on_unknown,
                                          bound=bound, where=where),
                  texts=whereabouts.TEXTS)


class Answers:
    def __init__(self, holder: KnowledgeHolder, dialogues: Dialogues | None = None, *,
                 on_unknown: Callable[[Turn], Awaitable[None]] | None = None,
                 suggestion_ttl: dt.timedelta = dt.timedelta(minutes=15),
                 max_pending: int = 10_000, bound: Mapping[str, str] | None = None,
                 where: Whereabouts | None = None) -> None:
        self.holder = holder
        # Which municipality a conversation is about (and asking, where nothing says).
        self.where = where or Whereabouts(holder, bound, max_entries=max_pending)
        self.where.on_choice("answers", self._respond)  # the question kept while asking
        self.dialogues = dialogues
        self.on_unknown = on_unknown  # counts what the knowledge base lacks
        self.suggestion_ttl = suggestion_ttl
        self.max_pending = max_pending
        self._pending: OrderedDict[Key, tuple[tuple[str, ...], dt.datetime]] = OrderedDict()

    async def __call__(self, turn: Turn) -> Reply:
        chosen = await self.where.take(turn)  # the reply to "Vilken kommun gäller det?"
        if chosen is not None:
            return chosen
        # Nothing says which municipality: ask (a bare number answers a list, not this).
        if read_int(turn.text) is None and self.where.should_ask(turn):
            return await self.where.ask(turn)
        return await self._respond(turn)

    async def _respond(self, turn: Turn) -> Reply:
        kb, home = self.where.bases(turn)
        picked = self._picked(turn, kb)
        if picked == LOST:
            return Reply(t("lost_question", turn.lang), Outcome.UNKNOWN, turn.lang)
        if picked:
            return self._answer(kb, home, picked, turn, others=())
        asked = with_years(turn.text, turn.today)  # "förra året" is a year too
        result = best_part(kb, asked)
        best = result.best
        if best is None or result.band is Band.LOW:
            if self.on_unknown is not None:
                await self.on_unknown(turn)
            return Reply(self._unknown(kb, turn), Outcome.UNKNOWN, turn.lang)
        ids = tuple(c.topic_id for c in result.candidates)
        # Suggestions alone only when no topic stands out at all; a clear question whose
        # best two topics are close gets the best answer and the other offered.
        if result.close and result.band is not Band.HIGH and best.score < SUGGEST_ONLY_BELOW:
            self._remember(turn, ids)
            lines = [t("not_sure", turn.lang), self._numbered(kb, ids, turn),
                     t("pick_number", turn.lang)]
            return Reply("\n\n".join(lines), Outcome.SUGGESTED, turn.lang,
                         choices=self._choices(kb, ids, turn))
        # Medium, or a clear question with two topics close at the top: the best answer,
        # and the others offered.
        others = ids[1:] if result.band is Band.MEDIUM or result.close else ()
        starts = kb.topics[best.topic_id].starts
        if starts and not others and best.score >= START_SCORE and self.dialogues:
            return await self.dialogues.start(starts, turn)
        # Less sure: answer, and offer the dialogue instead of pushing into it.
        return self._answer(kb, home, best.topic_id, turn, others, offer=starts, asked=asked)

    def _answer(self, kb: KnowledgeBase, home: KnowledgeBase | None, topic_id: str, turn: Turn,
                others: tuple[str, ...], offer: str | None = None,
                asked: str | None = None) -> Reply:
        text = kb.answer(topic_id, turn.lang, turn.today, asked or turn.text)
        if kb is not home:  # not the municipality this place is about: say whose
            text = t("answer_about", turn.lang,
                     name=kb.data.municipality.name.get(turn.lang)) + "\n\n" + text
        topic = kb.topics[topic_id]
        picks: tuple[choices.Choice, ...] = ()
        if others:
            picks = self._choices(kb, others, turn)
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
        if offer and self.dialogues is not None and not self.dialogues.active(
                turn.msg.conversation):  # not while one is under way or paused
            if turn.msg.is_direct:
                self.dialogues.offer(offer, turn)
                text += "\n\n" + t(OFFERS[offer][0], turn.lang)
                picks += (choices.word("choice_yes", turn.lang),)  # "ja" starts it
            else:
                text += "\n\n" + t(OFFERS[offer][1], turn.lang)
        return Reply(text, outcome, turn.lang, topic_id=topic_id, choices=picks)

    @staticmethod
    def _unknown(kb: KnowledgeBase, turn: Turn) -> str:
        """An honest "I can't answer that", with where such questions do get answered."""
        lang = turn.lang
        name = kb.data.municipality.name.get(lang)
        lines = [t("cannot_answer", lang, name=name)]
        switchboard = kb.contact_index.get(SWITCHBOARD)
        website = (switchboard.url if switchboard and switchboard.url
                   else kb.data.municipality.website)
        if switchboard is not None and switchboard.phone:
            lines.append(t("ask_municipality", lang, phone=switchboard.phone,
                           website=_bare(website)))
        elif website:
            lines.append(t("ask_municipality_web", lang, website=_bare(website)))
        lines.append(t("ask_police", lang))
        return "\n\n".join([lines[0], "\n".join(f"- {line}" for line in lines[1:])])

    @staticmethod
    def _numbered(kb: KnowledgeBase, ids: tuple[str, ...], turn: Turn) -> str:
        return "\n".join(f"{i}. {kb.topics[tid].title.get(turn.lang)}"
                         for i, tid in enumerate(ids, 1))

    @staticmethod
    def _choices(kb: KnowledgeBase, ids: tuple[str, ...], turn: Turn
                 ) -> tuple[choices.Choice, ...]:
        """The buttons for `_numbered`'s list: each sends its number, as typing it does."""
        return choices.numbered(kb.topics[tid].title.get(turn.lang) for tid in ids)

    # `Stateful` (bot.core.conversation_state): the numbered suggestions of one
    # conversation, kept outside the process between its messages when state is shared.
    state_name = "answers"

    def snapshot(self, key: Key) -> Held | None:
        pending = self._pending.get(key)
        return None if pending is None else (list(pending[0]), pending[1])

    def restore(self, key: Key, held: Held | None) -> None:
        self._pending.pop(key, None)
        if held is not None:
            self._pending[key] = (tuple(held[0]), held[1])

    def _remember(self, turn: Turn, ids: tuple[str, ...]) -> None:
        key = turn.msg.conversation
        self._pending[key] = (ids, turn.now + self.suggestion_ttl)
        self._pending.move_to_end(key)
        while len(self._pending) > self.max_pending:
            self._pending.popitem(last=False)

    def _picked(self, turn: Turn, kb: KnowledgeBase) -> str | None:
        choice = read_int(turn.text)  # "2", "2.", "²", "②", "٢", "２"
        if choice is None or choice > 99:
            return None
        pending = self._pending.get(turn.msg.conversation)
        if pending is None:
            return LOST  # a bare number answers nothing open: a question lost in a restart
        ids, expires = pending
        if turn.now > expires:
            del self._pending[turn.msg.conversation]
            return LOST
        index = choice - 1
        if 0 <= index < len(ids) and ids[index] in kb.topics:
            return ids[index]
        return None
