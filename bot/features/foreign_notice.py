"""A message in a language the bot does not read gets a short notice, in that language
where we have a sentence for it, that the bot reads Swedish and English, with 112 and
114 14. It stands before small talk and the matcher, which would otherwise answer a
Finnish question with a list of unrelated suggestions."""

from __future__ import annotations

from bot.core.messages import Outcome, Reply
from bot.core.router import Router
from bot.core.texts import notices, t
from bot.core.turn import Turn
from bot.knowledge.holder import KnowledgeHolder
from bot.text import foreign
from bot.text.lang import LANGS

# One fixed sentence for each language whose wording we are sure of (bot/i18n/notices.yaml);
# any other language gets the Swedish and English `foreign_notice` alone.
NOTICE = notices()


def router(holder: KnowledgeHolder) -> Router:
    return Router("foreign_notice", step=ForeignNotice(holder))


class ForeignNotice:
    def __init__(self, holder: KnowledgeHolder) -> None:
        self.holder = holder
        foreign.preload()

    async def __call__(self, turn: Turn) -> Reply | None:
        if turn.msg.lang is not None:  # the person or the transport chose a language
            return None
        if turn.msg.prefer and turn.msg.prefer.split("-")[0] not in LANGS:
            # The page is in a language the municipality supplied (South Sami): its words
            # are not foreign there, even though the detector cannot read them.
            return None
        analyser = self.holder.kb.analyser
        code = foreign.identify(turn.text, analyser.stopwords, analyser.known_words,
                                words=turn.words)
        if code is None:
            return None
        lines = [NOTICE[code]] if code in NOTICE else []
        lines += [t("foreign_notice", "sv"), t("foreign_notice", "en")]
        return Reply("\n\n".join(lines), Outcome.FOREIGN, turn.lang)
