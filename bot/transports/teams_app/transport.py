"""The Teams app on the Microsoft 365 Agents SDK: a POST route on the bot's own aiohttp
server, personal chats, group chats and channels, and messages the bot starts.

Decisions:
- Authentication is the SDK's own (`jwt_authorization_decorator`, on this route only): with
  an app_id every activity needs a Bot Connector / Entra token for that app, and one
  without gets 401. Anonymous mode (no app_id) is for tests and the Agents Playground.
- The connection manager is built from our settings, never from the environment's
  CONNECTIONS__ variables; in anonymous mode its provider needs no network.
- An error inside a turn is logged by its type only, and the person gets the catalogue's
  apology: the SDK's default handler would send them the exception's text.
- A channel post's conversation id carries its thread ("19:…@thread.tacv2;messageid=…"):
  the room is the channel, so the staff channel is one room whatever thread is used.
- A redelivered activity (the Connector sends again what it saw no answer to in time) is
  answered once: activities in hand are kept in memory, answered ones in the event ledger
  under a hash of conversation and activity id (the ledger holds no id). A crash between
  the answer and the ledger lets a redelivery through: the core handles it twice.
- The SDK's loggers name conversations (in "Error accessing 'v3/conversations/<id>/…'");
  their lines keep their words and numbers here, never their text arguments.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import time
import warnings
from pathlib import Path
from typing import Any

from aiohttp import web
from microsoft_agents.activity import (
    Activity,
    ActivityEventNames,
    ActivityTypes,
    ConversationParameters,
    ConversationReference,
)
from microsoft_agents.hosting.aiohttp import CloudAdapter, jwt_authorization_decorator
from microsoft_agents.hosting.core import (
    AgentAuthConfiguration,
    AnonymousTokenProvider,
    ClaimsIdentity,
    ConnectionManager,
    TurnContext,
)
from microsoft_agents.hosting.core.connector import ConnectorClientBase
from pydantic import ValidationError

from bot.config import TeamsAppSettings
from bot.core.clock import Clock
from bot.core.messages import Choice, IncomingMessage, Outcome, Reply
from bot.core.ports import Handle, TransportState
from bot.core.texts import both
from bot.transports.ledger import LedgerPruner
from bot.transports.teams_app.cards import reply_activity
from bot.transports.teams_app.courier import TeamsAppCourier, Wait, persist
from bot.transports.teams_app.pool import PooledClientFactory, host_validator
from bot.transports.teams_app.references import References, load_key, minimal
from bot.transports.teams_text import plain_text

log = logging.getLogger("bot.teams_app")
HEADERS = {"Server": "teams-app"}
ERROR_TEXT = both("tapp_error")  # the person's language is unknown when a turn fails
LEDGER = "teams_app:in:"
LEDGER_DAYS = 7  # the Connector redelivers within minutes; a week is ample
MAX_ID = 1024


def _identifier(value: Any) -> str | None:
    if isinstance(value, str) and 0 < len(value) <= MAX_ID and value.isprintable():
        return value
    return None


def _submitted(activity: Activity) -> str | None:
    try:
        from bot.transports.teams_app.cards import submitted_text
    except ImportError:  # the cards are another module's: text works without them
        return None
    return submitted_text(activity)




def incoming(activity: Activity, now: dt.datetime) -> IncomingMessage | None:
    """The core's message for a Teams message activity, or None (nothing to read)."""
    conversation, sender = activity.conversation, activity.from_property
    if conversation is None or sender is None:
        return None
    full_room = _identifier(conversation.id)
    person = _identifier(sender.aad_object_id or sender.id)
    if full_room is None or person is None:
        return None
    personal = conversation.conversation_type == "personal"
    submitted = _submitted(activity)
    mentioned = False
    if submitted is not None:
        text = submitted
    else:
        mentioned = activity.is_recipient_mentioned()
        # The bot's own mention out by the SDK (by the entity), every other <at>…</at> and
        # tag by plain_text: names of people mentioned are no business of the core.
        text = plain_text(activity.remove_recipient_mention() if mentioned
                          else activity.text or "")
    if not text:
        return None
    room, _, thread = full_room.partition(";messageid=")
    return IncomingMessage(
        transport="teams_app", room=room, sender=person, text=text, is_direct=personal,
        addressed=personal or mentioned or submitted is not None,
        seen_by_others=not personal, event_id=_identifier(activity.id),
        thread=thread or None, time=now, lang=None)


def _auth_configuration(settings: TeamsAppSettings) -> AgentAuthConfiguration:
    if settings.anonymous:
        return AgentAuthConfiguration(anonymous_allowed=True)
    return AgentAuthConfiguration(client_id=settings.app_id, tenant_id=settings.tenant_id,
                                  client_secret=settings.client_secret,
                                  anonymous_allowed=False)


def _connections(settings: TeamsAppSettings, auth: AgentAuthConfiguration) -> Any:
    if settings.anonymous:
        # No token is ever fetched: nothing here may reach login.microsoftonline.com.
        return ConnectionManager(provider_factory=lambda _: AnonymousTokenProvider(),
                                 connections_configurations={"SERVICE_CONNECTION": auth})
    from microsoft_agents.authentication.msal import MsalConnectionManager

    return MsalConnectionManager(connections_configurations={"SERVICE_CONNECTION": auth})


class _NoArguments(logging.Filter):
    """The SDK's log lines with their text arguments (ids, URLs) replaced."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(a if isinstance(a, int | float) else "[…]"
                                for a in record.args)
        elif isinstance(record.args, dict):
            record.args = None
            record.msg = str(record.msg).split("%")[0] + "[…]"
        record.exc_info, record.exc_text = None, None  # tracebacks quote request paths
        return True


_QUIET = _NoArguments()


def _quiet_sdk_loggers() -> None:
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if name.startswith("microsoft_agents") and isinstance(logger, logging.Logger) \
                and _QUIET not in logger.filters:
            logger.addFilter(_QUIET)


class TeamsApp:
    def __init__(self, settings: TeamsAppSettings, handle: Handle, state: TransportState,
                 clock: Clock, data_dir: Path, wait: Wait | None = None) -> None:
        self.settings = settings
        self.handle = handle
        self.state = state
        self.clock = clock
        self._stopping = asyncio.Event()
        self._wait = wait or self._wait_unless_stopping
        self.references = References(state, load_key(data_dir))
        self.auth = _auth_configuration(settings)
        connections = _connections(settings, self.auth)
        self._clients = PooledClientFactory(connections)
        self.adapter = CloudAdapter(connection_manager=connections,
                                    channel_service_client_factory=self._clients,
                                    host_validator=host_validator(settings.development))
        self.adapter.on_turn_error = self._on_turn_error
        self._in_hand: set[str] = set()
        self._prune = LedgerPruner(self.state, self.clock, dt.timedelta(days=LEDGER_DAYS))
        self.courier = TeamsAppCourier(self._post_markdown, self.references, state, clock,
                                       settings, self._wait)

    @property
    def connected(self) -> bool:
        return True  # each request stands alone: there is no connection to lose

    def attach(self, app: web.Application) -> None:
        # The SDK's decorator reads its configuration under this string key; aiohttp warns
        # about string keys (NotAppKeyWarning), which `-W error` would turn into a failure.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", web.NotAppKeyWarning)
            app["agent_configuration"] = self.auth
        # The decorator stores the claims under a string request key: the same warning,
        # from the SDK's module only.
        warnings.filterwarnings("ignore", category=web.NotAppKeyWarning,
                                module=r"microsoft_agents\.hosting\.aiohttp")
        app.router.add_post(self.settings.path, jwt_authorization_decorator(self._request))
        app.on_shutdown.append(self._stop)
        _quiet_sdk_loggers()
        if self.settings.anonymous:
            log.warning("teams_app: anonymous mode: activities are taken without a token "
                        "(development only)")

    async def _stop(self, app: web.Application) -> None:
        self._stopping.set()  # retries waiting for their next try give up

    async def close(self) -> None:
        """Close the kept connections to the Connector (the outbox is drained)."""
        await self._clients.close()

    async def _wait_unless_stopping(self, seconds: float) -> bool:
        try:
            await asyncio.wait_for(self._stopping.wait(), seconds)
        except TimeoutError:
            return True
        return False

    async def _request(self, request: web.Request) -> web.StreamResponse:
        started = time.perf_counter()
        try:
            response: web.StreamResponse = await self.adapter.process(request, self)
        except ValidationError:  # JSON, but no activity
            response = web.Response(status=400)
        # Status and time only: never the body, the sender or the conversation.
        log.info("teams_app request status=%d ms=%.1f", response.status,
                 (time.perf_counter() - started) * 1000)
        return response

    async def on_turn(self, context: TurnContext) -> None:
        """The SDK's Agent: one activity from Teams."""
        activity = context.activity
        if activity.type == ActivityTypes.conversation_update:
            await self._remember(activity)  # installed in a team or chat: reachable now
            return
        if activity.type != ActivityTypes.message:
            return
        msg = incoming(activity, self.clock.now())
        if msg is None:
            return
        key = self._ledger_key(activity)
        if key is not None and (key in self._in_hand or await self.state.event_state(key)):
            log.info("teams_app: a redelivered activity was not answered again")
            return
        if key is not None:
            self._in_hand.add(key)
        try:
            await self._remember(activity, msg)
            try:
                reply = await self.handle(msg)
            except Exception:  # the apology follows (on_turn_error); no second try
                if key is not None:
                    await self.state.set_event_state(key, "failed", self.clock.now())
                raise
            sent = True
            if reply is not None and reply.text:
                sent = await persist(lambda: context.send_activity(reply_activity(reply)),
                                     self.settings, self._wait, "a reply")
            if key is not None:
                await self.state.set_event_state(key, "answered" if sent else "failed",
                                                  self.clock.now())
        finally:
            if key is not None:
                self._in_hand.discard(key)
        await self._prune()

    @staticmethod
    def _ledger_key(activity: Activity) -> str | None:
        if not activity.id or activity.conversation is None:
            return None
        seen = f"{activity.conversation.id}\0{activity.id}".encode()
        return LEDGER + hashlib.sha256(seen).hexdigest()[:40]

    async def _remember(self, activity: Activity, msg: IncomingMessage | None = None) -> None:
        """The conversation's reference (and, in a personal chat, the person's)."""
        conversation = activity.conversation
        if conversation is None or not activity.service_url:
            return
        room = (conversation.id or "").partition(";messageid=")[0]
        if not _identifier(room):
            return
        reference = minimal(activity.get_conversation_reference())
        reference["conversation"]["id"] = room  # the channel, not the thread
        await self.references.remember_room(room, reference)
        if msg is not None and msg.is_direct:
            await self.references.remember_person(msg.sender, reference)

    async def _on_turn_error(self, context: TurnContext, error: Exception) -> None:
        # The type only: an exception's text may quote the message or an id.
        log.error("teams_app: a turn failed: %s", type(error).__name__)
        activity = context.activity
        if activity is None or activity.name == ActivityEventNames.continue_conversation:
            return  # a message the bot starts: there is nobody to apologise to
        try:
            await context.send_activity(reply_activity(Reply(ERROR_TEXT, Outcome.COMMAND)))
        except Exception as exc:
            log.error("teams_app: the apology could not be sent: %s", type(exc).__name__)

    async def _post_markdown(self, reference: ConversationReference, markdown: str,
                             key: str, choices: tuple[Choice, ...] = ()) -> None:
        """Post `markdown` once into the referenced conversation (a channel: a new post),
        as a card when it has `choices`; raises what the Connector answered."""
        activity = reply_activity(Reply(markdown, Outcome.COMMAND, choices=choices))
        continuation = reference.get_continuation_activity()
        # The SDK posts to /activities/<continuation id>; the key makes the path say which
        # message this is (a random id otherwise), so that a retry names the same one.
        continuation.id = key.rpartition(":")[2]  # hex: no colon in the path
        failed: list[BaseException] = []
        channel = reference.conversation.conversation_type == "channel"

        async def post(context: TurnContext) -> None:
            # Caught here: raised, it would reach on_turn_error and not the retry.
            try:
                if channel:
                    client = context.services.get(ConnectorClientBase)
                    assert client is not None
                    await client.conversations.create_conversation(ConversationParameters(
                        is_group=True, agent=reference.agent, activity=activity,
                        tenant_id=reference.conversation.tenant_id,
                        channel_data={"channel": {"id": reference.conversation.id}}))
                else:
                    await context.send_activity(activity)
            except Exception as exc:
                failed.append(exc)

        if self.settings.anonymous:
            await self.adapter.continue_conversation_with_claims(
                ClaimsIdentity(), continuation, post)
        else:
            assert self.settings.app_id is not None
            await self.adapter.continue_conversation(self.settings.app_id, continuation, post)
        if failed:
            raise failed[0]
