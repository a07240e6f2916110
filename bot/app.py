"""Assembles the bot: the pipeline of features around one knowledge base, store and clock."""

from __future__ import annotations

from bot.config import Config
from bot.core.bot import Bot
from bot.core.clock import Clock
from bot.core.commands import Command, CommandRouter
from bot.core.dialogues import Dialogues
from bot.core.messages import Reply
from bot.core.roles import Roles
from bot.core.turn import Turn
from bot.features.answers import Answers
from bot.features.feedback import FeedbackForm
from bot.features.feedback_staff import FeedbackCommands
from bot.features.safety import SafetyCheck
from bot.features.smalltalk import SmallTalk
from bot.knowledge.holder import KnowledgeHolder
from bot.store.base import Store


def build_bot(config: Config, clock: Clock, holder: KnowledgeHolder, store: Store) -> Bot:
    """The message path of DESIGN.md: safety, commands, an active dialogue, small talk,
    the matcher."""
    commands = CommandRouter()
    roles = Roles(config.roles.staff, config.roles.admins)
    dialogues = Dialogues()
    safety = SafetyCheck()
    smalltalk = SmallTalk(holder, commands)

    async def cancel(turn: Turn, args: str) -> Reply:
        return await dialogues.cancel(turn)

    commands.add(Command(name="avbryt", aliases=("cancel",), run=cancel,
                         summary={"sv": "avbryter det vi håller på med",
                                  "en": "cancels what we are doing"}))
    FeedbackCommands(FeedbackForm(holder, store, config.feedback), dialogues, commands, roles)
    pipeline = [safety, commands, dialogues, smalltalk, Answers(holder, dialogues)]
    return Bot(pipeline, clock, unaddressed=[safety], default_lang=config.language)
