"""Greetings, thanks and help: short friendly answers that say what the bot can do."""

from __future__ import annotations

import re

from bot.core.messages import Outcome, Reply
from bot.core.router import Router
from bot.core.texts import t
from bot.core.turn import Turn
from bot.features.help import Help
from bot.knowledge.holder import KnowledgeHolder
from bot.text.normalize import fold
from bot.text.numbers import read_int

_GREETINGS = {fold(w) for w in """
    hej hejsan hallå tjena tjenare tja tjabba morsning god morgon dag kväll middag
    hello hi hey hiya yo good morning evening afternoon goddag
""".split()}
_THANKS = {fold(w) for w in """
    tack tackar tusen så mycket snällt toppen bra perfekt thanks thank you thx cheers
    great
""".split()}
# What may follow a thank-you ("tack för hjälpen", "thanks for the answer").
_THANKED_FOR = {fold(w) for w in """
    för hjälpen svaret svar infon informationen det det här så mycket for the help
    answer info information
""".split()}
_BYE = {fold(p) for p in ("hej då", "hejdå", "adjö", "vi ses", "ha det bra", "bye",
                          "goodbye", "see you", "bye bye")}
_HELP = {fold(w) for w in """
    hjälp help hjälpa hjalp vad kan du göra gör funkar fungerar du ni what can you do
    how does this work work are there start starta meny menu kommandon commands info
""".split()}
# Acknowledgements that ask nothing ("ok", "jaha").
_ACK = {fold(w) for w in """
    ok okej okey okay oki jaha aha ja japp jo nej nä nope yes no precis mm mhm visst
    kanon fint sure alright right fine cool coolt najs nice
""".split()}
# Words that may stand beside a greeting without making it a question.
_FILLER = {fold(w) for w in """
    bot botten boten du ni där på er dig alla allihop all
""".split()}
# "Who are you?" or "are you a bot?" on its own, after an optional greeting, on folded text.
# Only the whole message: "vem är kommunpolis" or "vad heter hen" are questions for the matcher.
_IDENTITY = re.compile(r"""
    ^(?:(?:hej|hejsan|halla|tjena|hello|hi|hey)\s+)?
    (?:(?:vem|vad)\s+(?:ar|heter)\s+(?:du|ni)(?:\s+for\s+(?:nagot|nat|en|nagon))?
      |vem\s+ar\s+det\s+som\s+svarar
      |who\s+(?:are\s+you|is\s+this)
      |what\s+(?:is|s)\s+your\s+name|whats\s+your\s+name
      |what\s+are\s+you
      |(?:ar|e|a)\s+(?:du|ni|det\s+har)\s+{sv}(?:\s+eller\s+{sv})?
      |(?:are\s+you|is\s+this)\s+{en}(?:\s+or\s+{en})?)
    (?:\s+(?:egentligen|da|then|really))?$""".format(
    sv=r"(?:en\s+|ett\s+)?(?:bot|robot|chatt?bot|ai|dator|manniska|riktig\s+person|person)",
    en=r"(?:a\s+|an\s+)?(?:bot|robot|chat\s*bot|ai|computer|machine|human|real\s+person"
       r"|person|real)"), re.VERBOSE)


# What a message may be made of, to be only thanks, a greeting, an acknowledgement, a plea.
_THANKS_ONLY = _THANKS | _THANKED_FOR | _FILLER
_GREETING_ONLY = _GREETINGS | _FILLER
_ACK_ONLY = _ACK | _THANKS | _FILLER
_HELP_ONLY = _HELP | _GREETINGS | _FILLER


class SmallTalk:
    """Answers messages made only of greeting, thanks or help words."""

    def __init__(self, holder: KnowledgeHolder, help: Help) -> None:
        self.holder = holder
        self.help = help

    def router(self) -> Router:
        return Router("smalltalk", step=self)

    async def __call__(self, turn: Turn) -> Reply | None:
        folded = turn.folded
        words = set(turn.words)
        if not words and read_int(turn.text) is None:  # emoji or punctuation ("👍", "???"),
            # not a number in another script ("٢" folds to nothing): that picks a suggestion
            return Reply(t("empty", turn.lang), Outcome.SMALLTALK, turn.lang)
        if " ".join(w for w in turn.words if w not in _FILLER) in _BYE:
            return Reply(t("bye", turn.lang), Outcome.SMALLTALK, turn.lang)
        if words <= _THANKS_ONLY and words & _THANKS:
            return Reply(t("thanks", turn.lang), Outcome.SMALLTALK, turn.lang)
        if words <= _GREETING_ONLY and words & _GREETINGS:
            return Reply(self.help.text(turn, greet=True), Outcome.SMALLTALK, turn.lang)
        if _IDENTITY.match(folded):
            name = self.holder.kb.data.municipality.name.get(turn.lang)
            return Reply(t("who_am_i", turn.lang, name=name) + "\n\n" + t("can_do", turn.lang),
                         Outcome.SMALLTALK, turn.lang)
        if words <= _ACK_ONLY and words & _ACK:
            return Reply(t("ack", turn.lang), Outcome.SMALLTALK, turn.lang)
        if words <= _HELP_ONLY and words & _HELP:
            return Reply(self.help.text(turn, greet=bool(words & _GREETINGS)),
                         Outcome.SMALLTALK, turn.lang)
        return None
