"""Assembles the bot: the pipeline of features around one knowledge base and clock."""

from __future__ import annotations

from bot.config import Config
from bot.core.bot import Bot
from bot.core.clock import Clock
from bot.core.commands import CommandRouter
from bot.features.answers import Answers
from bot.features.safety import SafetyCheck
from bot.features.smalltalk import SmallTalk
from bot.knowledge.holder import KnowledgeHolder


def build_bot(config: Config, clock: Clock, holder: KnowledgeHolder) -> Bot:
    """The message path of DESIGN.md: safety, commands, small talk, the matcher."""
    commands = CommandRouter()
    safety = SafetyCheck()
    pipeline = [safety, commands, SmallTalk(holder, commands), Answers(holder)]
    return Bot(pipeline, clock, unaddressed=[safety], default_lang=config.language)
