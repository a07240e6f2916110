"""Assembles the bot: the pipeline of features around one knowledge base, store and clock."""

from __future__ import annotations

from bot.config import Config
from bot.core.bot import Bot
from bot.core.clock import Clock
from bot.core.commands import CommandRouter
from bot.core.dialogues import Dialogues
from bot.core.metrics import Metrics
from bot.core.outbox import Outbox
from bot.core.roles import Roles
from bot.features.activities import ActivityLog
from bot.features.answers import Answers
from bot.features.feedback import FeedbackForm
from bot.features.feedback_staff import FeedbackCommands
from bot.features.foreign_notice import ForeignNotice
from bot.features.operations import Operations
from bot.features.reporting import Reports
from bot.features.safety import SafetyCheck
from bot.features.sessions import BookingForm, SessionRequests
from bot.features.smalltalk import SmallTalk
from bot.knowledge.holder import KnowledgeHolder
from bot.store.base import Store, StoreError


def build_bot(config: Config, clock: Clock, holder: KnowledgeHolder, store: Store,
              outbox: Outbox | None = None, metrics: Metrics | None = None,
              safety: SafetyCheck | None = None) -> Bot:
    """The message path of DESIGN.md: safety, commands, an active dialogue, small talk,
    the matcher. `outbox` carries messages the bot sends on its own (notices, answers to
    requests); transports register their couriers on it."""
    outbox = outbox or Outbox()
    commands = CommandRouter()
    roles = Roles(config.roles.staff, config.roles.admins, config.roles.staff_room,
                  outbox.members)
    dialogues = Dialogues(on_event=metrics.dialogue if metrics else None)
    safety = safety or SafetyCheck()
    smalltalk = SmallTalk(holder, commands)

    dialogues.add_commands(commands)  # /avbryt, /fortsätt
    FeedbackCommands(FeedbackForm(holder, store, config.feedback), dialogues, commands, roles)
    SessionRequests(BookingForm(holder, store, outbox, config.roles.staff_room), dialogues,
                    commands, roles)
    activity_log = ActivityLog(holder, store, commands, roles)
    Reports(holder, store, commands, roles)
    operations = Operations(holder, store, commands, roles)
    pipeline = [safety, commands, activity_log, dialogues, ForeignNotice(holder), smalltalk,
                Answers(holder, dialogues, on_unknown=operations.count_unanswered)]

    def on_error(exc: Exception) -> None:
        if metrics is not None and isinstance(exc, StoreError):
            metrics.store_errors.inc()

    bot = Bot(pipeline, clock, unaddressed=[safety], after=[dialogues.after],
              default_lang=config.language,
              metrics=metrics, on_error=on_error)
    bot.closers.append(operations.settle)
    return bot
