"""Assembles the bot: the features' routers, included in one declared order, around one
knowledge base, store and clock."""

from __future__ import annotations

from bot.config import Config
from bot.core.bot import Bot
from bot.core.clock import Clock
from bot.core.commands import CommandRouter
from bot.core.conversation_state import Stateful
from bot.core.dialogues import Dialogues
from bot.core.metrics import Metrics
from bot.core.outbox import Outbox
from bot.core.roles import Local, Roles
from bot.core.router import Router, include
from bot.features import (
    activities,
    answers,
    digest_chat,
    feedback_staff,
    foreign_notice,
    reporting,
    request_status,
    sessions,
)
from bot.features.feedback import FeedbackForm
from bot.features.help import Help
from bot.features.operations import Operations
from bot.features.reminders import Reminders
from bot.features.safety import SafetyCheck
from bot.features.safety import takes as safety_takes
from bot.features.sessions import BookingForm
from bot.features.smalltalk import SmallTalk
from bot.features.survey import SurveyFeature
from bot.features.whereabouts import Whereabouts
from bot.knowledge.holder import KnowledgeHolder
from bot.store.base import Store, StoreError
from bot.store.conversations import StoredConversations, state_secret
from bot.store.webchats import StoredChats


def shared_state(config: Config, store: Store, clock: Clock) -> StoredConversations | None:
    """The store's conversation state when `shared_state` is on; None: in memory."""
    settings = config.shared_state
    if not settings.enabled:
        return None
    config.data_dir.mkdir(parents=True, exist_ok=True)
    secret = state_secret(settings.key, config.data_dir)
    return StoredConversations(store.db, secret, clock.now, transports=settings.transports,
                               lock_seconds=settings.lock_seconds)


def shared_chats(config: Config, store: Store, clock: Clock) -> StoredChats | None:
    """The web chat's conversations in the store when `shared_state` is on with "web" in
    its transports (any process serves any page); None: in the process's memory."""
    settings = config.shared_state
    if not settings.enabled or "web" not in settings.transports:
        return None
    config.data_dir.mkdir(parents=True, exist_ok=True)
    return StoredChats(store.db, state_secret(settings.key, config.data_dir), clock.now)


async def own_rows(store: Store, holder: KnowledgeHolder) -> None:
    """Rows stored without a municipality (before a police area: migration 5) are the
    default municipality's, and so is a row a caller adds without one (`Store.home`)."""
    store.home = store.home or holder.kb.id
    if store.home:
        await store.adopt(store.home)


def build_bot(config: Config, clock: Clock, holder: KnowledgeHolder, store: Store,
              outbox: Outbox | None = None, metrics: Metrics | None = None,
              safety: SafetyCheck | None = None) -> Bot:
    """The message path of DESIGN.md. `outbox` carries messages the bot sends on its own
    (notices, answers to requests); transports register their couriers on it.

    ValueError, naming it, when two routers bring the same command (or alias), form or
    text key, or when the knowledge base names a form that no router brings."""
    outbox = outbox or Outbox()
    store.home = store.home or holder.kb.id  # what a row without a municipality is
    local = {ident: Local(frozenset(own.staff), own.staff_room)
             for ident, own in config.roles.municipalities.items()}
    roles = Roles(config.roles.staff, config.roles.admins, config.roles.staff_room,
                  outbox.members, local)
    commands = CommandRouter()
    dialogues = Dialogues(on_event=metrics.dialogue if metrics else None)
    # Which municipality a conversation is about (and asking, where nothing says).
    where = Whereabouts(holder, config.municipalities)
    operations = Operations(holder, store, where.municipality)
    help_ = Help(holder, commands)
    booking = BookingForm(holder, store, outbox, roles, where.municipality)
    survey = SurveyFeature(holder, store, dialogues, roles, where)
    # The one order: each router's step joins the pipeline in it (the first step that
    # replies wins), and /hjälp lists the commands in it.
    routers: tuple[Router, ...] = (
        # 112 before anything, whatever dialogue is active; also reads unaddressed messages.
        (safety or SafetyCheck()).router(),
        # Every command, with its role check: "/logga …", and "Logga trafikkontroll: …"
        # said in words (the activities' command phrase), before an active dialogue.
        Router("commands", step=commands),
        help_.router(),  # /hjälp
        dialogues.router(),  # /avbryt, /fortsätt; an active dialogue; the way back to it
        feedback_staff.router(FeedbackForm(holder, store, config.feedback, where.municipality),
                              dialogues, roles, where),
        sessions.router(booking, dialogues, roles, where),
        survey.router(),  # /enkät (staff: öppna, stäng, resultat, texter); the invitation
        activities.router(holder, store, roles, where.municipality),
        reporting.router(holder, store, roles),
        # Follow-up and period-end reminders to the staff rooms (a daily job).
        Reminders(holder, store, outbox, roles).router(),
        operations.router(roles),  # /ladda om, /obesvarade; counts written in the background
        foreign_notice.router(holder),  # before small talk and the matcher misread it
        request_status.router(booking),  # "har ni fått min förfrågan?": /mina in words
        # "vad har polisen gjort (i Fredrika)?": the published digest; /sammanfattning
        # (staff); the month's draft on the 1st-7th (a daily job).
        digest_chat.router(holder, store, roles, outbox, where, config.digest,
                           config.language),
        SmallTalk(holder, help_).router(),
        answers.router(holder, dialogues, on_unknown=operations.count_unanswered,
                       where=where),
    )
    included = include(routers)
    commands.extend(included.commands)
    for form in included.forms:
        dialogues.register(form)
    # The knowledge base names forms by key (a topic's `starts: booking`): one that no router
    # brings fails here rather than in front of a resident, and a reload that names one, or
    # whose examples the safety check would take, is refused.
    holder.require([form.key for form in included.forms], screen=safety_takes)
    unbound = answers.bound_problems(holder, config.municipalities) + [
        f"roles.{problem}" for problem in answers.bound_problems(
            holder, {ident: ident for ident in config.roles.municipalities})] + [
        f"digest.{problem}" for problem in answers.bound_problems(
            holder, {ident: ident for ident in config.digest.municipalities})]
    if unbound:
        raise ValueError("; ".join(unbound))

    def on_error(exc: Exception) -> None:
        if metrics is not None and isinstance(exc, StoreError):
            metrics.store_errors.inc()

    # What remembers something of a conversation between its messages: kept in the store
    # around each turn when several processes serve one conversation (shared_state).
    stateful = [s for s in (*included.pipeline, where) if isinstance(s, Stateful)]
    bot = Bot(included.pipeline, clock, unaddressed=included.unaddressed,
              after=included.after, default_lang=config.language, metrics=metrics,
              on_error=on_error, state=shared_state(config, store, clock), stateful=stateful)
    bot.closers.extend(included.closers)
    bot.daily.extend(included.daily)
    return bot
