"""Activities as Teams sends them to a bot's /api/messages: a message in a personal chat,
a channel post that mentions the bot, and the message an Adaptive Card's Action.Submit
becomes. Shaped after what Teams posts (Bot Framework Activity schema, Teams channelData);
ids are random per person, so that a byte scan that finds one found a real leak."""

from __future__ import annotations

import datetime as dt
import html
import itertools
import secrets
from dataclasses import dataclass, field
from typing import Any

__all__ = ["APP_ID", "BOT", "CHANNEL", "TEAM", "TENANT", "Person", "channel_message",
           "personal_message", "submit"]

TENANT = "72f988bf-86f1-41af-91ab-" + secrets.token_hex(6)
APP_ID = "0d5e1f2a-3b4c-4d5e-8f90-" + secrets.token_hex(6)
BOT = {"id": f"28:{APP_ID}", "name": "Medborgarbot"}
CHANNEL = f"19:{secrets.token_hex(16)}@thread.tacv2"  # the staff channel
TEAM = f"19:{secrets.token_hex(16)}@thread.tacv2"
MENTION = "<at>Medborgarbot</at>"
_ids = itertools.count(1)


def _guid() -> str:
    h = secrets.token_hex(16)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:]}"


@dataclass(frozen=True)
class Person:
    """Someone in the tenant: their Entra object id (what roles name), their Teams user id
    and the personal chat the bot has with them."""

    name: str
    aad: str = field(default_factory=_guid)
    user_id: str = field(default_factory=lambda: "29:1" + secrets.token_urlsafe(40))
    chat: str = field(default_factory=lambda: "a:1" + secrets.token_urlsafe(60))

    @property
    def account(self) -> dict[str, str]:
        return {"id": self.user_id, "name": self.name, "aadObjectId": self.aad}


def _activity_id() -> str:
    return f"1764{next(_ids):09d}"


def _base(person: Person, service_url: str, now: dt.datetime) -> dict[str, Any]:
    stamp = now.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {
        "type": "message", "id": _activity_id(), "timestamp": stamp,
        "localTimestamp": now.isoformat(timespec="milliseconds"),
        "serviceUrl": service_url, "channelId": "msteams", "from": person.account,
        "recipient": dict(BOT), "locale": "sv-SE", "localTimezone": "Europe/Stockholm",
        "entities": [{"type": "clientInfo", "locale": "sv-SE", "country": "SE",
                      "platform": "Web", "timezone": "Europe/Stockholm"}],
        "channelData": {"tenant": {"id": TENANT}},
    }


def personal_message(person: Person, text: str, service_url: str, now: dt.datetime,
                     **extra: Any) -> dict[str, Any]:
    """`person` writes `text` in their personal chat with the bot."""
    activity = _base(person, service_url, now) | {
        "text": text, "textFormat": "plain",
        "conversation": {"conversationType": "personal", "tenantId": TENANT,
                         "id": person.chat}}
    return activity | extra


def channel_message(person: Person, text: str, service_url: str, now: dt.datetime,
                    channel: str = CHANNEL, *, thread: str | None = None,
                    **extra: Any) -> dict[str, Any]:
    """`person` posts "@Medborgarbot `text`" in `channel` (a new post, or a reply in the
    thread whose root is `thread`): the conversation id carries the thread's root."""
    activity = _base(person, service_url, now)
    root = thread or activity["id"]
    activity |= {
        "text": f"{MENTION} {html.escape(text, quote=False)}", "textFormat": "plain",
        "attachments": [{"contentType": "text/html",
                         "content": f"<p>{MENTION} {html.escape(text, quote=False)}</p>"}],
        "conversation": {"isGroup": True, "conversationType": "channel", "tenantId": TENANT,
                         "id": f"{channel};messageid={root}"},
        "channelData": {"teamsChannelId": channel, "teamsTeamId": TEAM,
                        "channel": {"id": channel}, "team": {"id": TEAM},
                        "tenant": {"id": TENANT}}}
    activity["entities"] = [{"type": "mention", "text": MENTION, "mentioned": dict(BOT)},
                            *activity["entities"]]
    return activity | extra


def submit(person: Person, action: dict[str, Any], card_activity_id: str,
           conversation: dict[str, Any], service_url: str, now: dt.datetime,
           inputs: dict[str, Any] | None = None) -> dict[str, Any]:
    """`person` presses `action` (an Action.Submit) on the card the bot posted as
    `card_activity_id` in `conversation` (the activity's conversation object): Teams sends
    a message with no text whose `value` is the action's data merged with the card's
    inputs (a string `data`, or msteams imBack/messageBack, become text as Teams does)."""
    data = action.get("data")
    activity = _base(person, service_url, now) | {
        "replyToId": card_activity_id, "conversation": dict(conversation)}
    teams = data.get("msteams") if isinstance(data, dict) else None
    if isinstance(teams, dict) and teams.get("type") == "imBack":
        activity["text"] = str(teams.get("value"))  # as if typed
    elif isinstance(teams, dict) and teams.get("type") == "messageBack":
        activity |= {"text": teams.get("text"), "value": teams.get("value")}
    elif isinstance(data, str):  # a string data is sent as the message's text
        activity["text"] = data
    else:
        activity["value"] = (dict(data) if isinstance(data, dict) else {}) | (inputs or {})
    activity["channelData"] = activity["channelData"] | {"source": {"name": "message"},
                                                         "legacy": {"replyToId": card_activity_id}}
    if conversation.get("conversationType") == "channel":
        channel = conversation["id"].partition(";")[0]
        activity["channelData"] |= {"teamsChannelId": channel, "teamsTeamId": TEAM,
                                    "channel": {"id": channel}, "team": {"id": TEAM}}
    return activity
