"""The Teams app's cards (issue 14): a reply's choices as Adaptive Card buttons, and a
button's press handled exactly like typing what it sends."""

from __future__ import annotations

import json
from typing import Any

import pytest
from microsoft_agents.activity import Activity

from bot.app import build_bot
from bot.config import Config, Roles
from bot.core.bot import Bot
from bot.core.clock import FixedClock
from bot.core.literal import literal
from bot.core.messages import Choice, Outcome, Reply
from bot.knowledge.holder import KnowledgeHolder
from bot.store import Store
from bot.store.records import SessionRequest
from bot.transports.teams_app.cards import (
    MARK,
    MAX_BYTES,
    MAX_CHOICES,
    MAX_SEND,
    PER_ROW,
    reply_activity,
    submitted_text,
)
from tests.conftest import ask

STAFF = "staff-object-id"  # roles use Entra object ids on Teams
TEAMS = {"transport": "teams_app", "room": "a:personal-chat", "is_direct": True}
# Teams refuses a message over about 28 KB: the whole activity, card and all.
TEAMS_MOST = 28 * 1024


def card_of(activity: Activity) -> dict[str, Any]:
    [attachment] = activity.attachments or []
    assert attachment.content_type == "application/vnd.microsoft.card.adaptive"
    assert isinstance(attachment.content, dict)
    return attachment.content


def actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    sets = [e for e in card["body"] if e["type"] == "ActionSet"]
    assert all(len(s["actions"]) <= PER_ROW for s in sets)
    return [a for s in sets for a in s["actions"]]


def shown(card: dict[str, Any]) -> str:
    """The card's text as read: its lines, one a RichTextBlock."""
    return "\n".join("".join(run["text"] for run in e["inlines"])
                     for e in card["body"] if e["type"] == "RichTextBlock")


def press(action: dict[str, Any], typed: str | None = None) -> Activity:
    """The message Teams sends when the button is pressed: its data as `value`, no text.
    A button that opens a field (Action.ShowCard): its own button pressed with `typed` in
    the field, merged into the value as Teams does."""
    if action["type"] == "Action.ShowCard":
        [field] = action["card"]["body"]
        [action] = action["card"]["actions"]
        assert field["type"] == "Input.Text" and field["id"] == action["data"]["field"]
        assert field["label"] and field["maxLength"] > 0
        return Activity(type="message", value=action["data"] | {field["id"]: typed or ""})
    assert action["type"] == "Action.Submit" and typed is None
    return Activity(type="message", value=action["data"])


def size(activity: Activity) -> int:
    return len(activity.model_dump_json(exclude_none=True, by_alias=True).encode())


async def test_suggestions_become_buttons_whose_press_is_the_typed_number(
        shipped_bot: Bot) -> None:
    offered = await ask(shipped_bot, "kontakt", sender="@pressing", **TEAMS)
    assert offered.outcome is Outcome.SUGGESTED and len(offered.choices) >= 2
    activity = reply_activity(offered)
    card = card_of(activity)
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    buttons = actions(card)
    assert [b["title"] for b in buttons] == [c.label for c in offered.choices]
    assert [b["data"] for b in buttons] == [{MARK: 1, "send": str(n)}
                                            for n in range(1, len(buttons) + 1)]
    # The numbered list stays in the card's text, and Teams shows no second copy of it.
    for number, choice in enumerate(offered.choices, 1):
        assert f"{number}. {choice.label}" in shown(card)
    assert not activity.text and activity.summary
    for number, button in enumerate(buttons, 1):
        await ask(shipped_bot, "kontakt", sender="@pressing", **TEAMS)
        await ask(shipped_bot, "kontakt", sender="@typing", **TEAMS)
        sent = submitted_text(press(button))
        assert sent == str(number)
        pressed = await ask(shipped_bot, sent, sender="@pressing", **TEAMS)
        typed = await ask(shipped_bot, str(number), sender="@typing", **TEAMS)
        assert pressed.outcome is Outcome.ANSWERED
        assert (pressed.text, pressed.topic_id) == (typed.text, typed.topic_id)


async def test_feedback_categories_and_the_confirmation_are_buttons(
        shipped_bot: Bot) -> None:
    categories = await ask(shipped_bot, "/tyck", **TEAMS)
    buttons = actions(card_of(reply_activity(categories)))
    assert [b["data"]["send"] for b in buttons] == [c.send for c in categories.choices]
    assert len(buttons) >= 2


async def test_a_reply_without_choices_is_teams_html_without_a_card(
        shipped_bot: Bot) -> None:
    answer = await ask(shipped_bot, "vad har polisen lovat om trafik", **TEAMS)
    assert answer.choices == ()
    activity = reply_activity(answer)
    assert not activity.attachments and activity.text_format == "xml"
    assert activity.text and activity.text.startswith("<")
    quoted = reply_activity(Reply("Du skrev: " + literal("<at>Anna</at> **x**"),
                                  Outcome.ANSWERED))
    assert "<at>" not in (quoted.text or "") and "&lt;at&gt;" in (quoted.text or "")
    assert "<strong>" not in (quoted.text or "")


def test_hostile_text_and_labels_stay_text_within_the_limits() -> None:
    hostile = "<at>Rektor</at> **fet** [klicka](https://evil.example) `x` 😀 " * 400
    reply = Reply("Du skrev: " + literal(hostile) + "\n\n1. a\n2. b", Outcome.DIALOGUE,
                  choices=(Choice(hostile, "1"), Choice("b\u202e\nc", "2")))
    activity = reply_activity(reply)
    card = card_of(activity)
    assert size(activity) <= MAX_BYTES + 1_000 < TEAMS_MOST
    runs = [r for e in card["body"] if e["type"] == "RichTextBlock" for r in e["inlines"]]
    # The resident's markup is shown as typed: no bold, no link, no code, no mention.
    assert not any(set(r) - {"type", "text"} for r in runs), runs[:3]
    assert "<at>Rektor</at> **fet** [klicka](https://evil.example)" in shown(card)
    assert all(e["type"] in ("RichTextBlock", "ActionSet") for e in card["body"])
    first, second = actions(card)
    assert first["title"].startswith("<at>Rektor</at> **fet**") and len(first["title"]) <= 60
    assert second["title"] == "b c"  # no override, no line break
    assert len(activity.summary or "") <= 200
    json.dumps(card)  # plain JSON all through


def test_wide_text_is_cut_to_fit_and_the_core_formatting_stays() -> None:
    reply = Reply("**Svar:** " + "😀" * 30_000 + "\n\n1. Ja", Outcome.SUGGESTED,
                  choices=(Choice("Ja", "1"),))
    activity = reply_activity(reply)
    card = card_of(activity)
    assert size(activity) < TEAMS_MOST
    assert card["body"][0]["inlines"][0] == {"type": "TextRun", "text": "Svar:",
                                             "weight": "Bolder"}
    assert "…" in shown(card) and len(actions(card)) == 1


def test_choices_are_capped_and_unsendable_ones_dropped() -> None:
    many = tuple(Choice(f"Val {i}", str(i)) for i in range(1, 25))
    bad = (Choice("rad", "a\nb"), Choice("lång", "x" * (MAX_SEND + 1)), Choice("tom", " "))
    buttons = actions(card_of(reply_activity(Reply("Välj", Outcome.DIALOGUE,
                                                   choices=bad + many))))
    assert [b["data"]["send"] for b in buttons] == [str(i) for i in range(1, 11)]
    assert len(buttons) == MAX_CHOICES
    only_bad = reply_activity(Reply("Välj", Outcome.DIALOGUE, choices=bad))
    assert not only_bad.attachments and only_bad.text_format == "xml"


@pytest.mark.parametrize("value", [
    None, "1", ["1"], {"send": "1"}, {MARK: True, "send": "1"}, {MARK: 2, "send": "1"},
    {MARK: 1}, {MARK: 1, "send": 1}, {MARK: 1, "send": ""}, {MARK: 1, "send": "a\nb"},
    {MARK: 1, "send": "x" * (MAX_SEND + 1)}, {MARK: 1, "send": "\u202e1"}])
def test_anything_but_our_button_submits_nothing(value: object) -> None:
    assert submitted_text(Activity(type="message", value=value)) is None


def test_only_a_message_carries_a_submission() -> None:
    data = {MARK: 1, "send": "/avböj 3"}
    assert submitted_text(Activity(type="message", value=data)) == "/avböj 3"
    assert submitted_text(Activity(type="invoke", value=data)) is None


@pytest.fixture
def staff_bot(shipped_holder: KnowledgeHolder, clock: FixedClock, store: Store) -> Bot:
    return build_bot(Config(roles=Roles(staff=[STAFF])), clock, shipped_holder, store)


def request(**fields: Any) -> SessionRequest:
    return SessionRequest(**{"organisation": "Centralskolan", "audience": "larare",
                             "topic": "drogtecken", "size": 25, "wished": "vecka 50",
                             "contact": "chat", "requester": "teacher-object-id",
                             "transport": "teams_app", **fields})


async def test_staff_list_buttons_do_what_typing_the_command_does(staff_bot: Bot,
                                                                  store: Store) -> None:
    first = await store.add_request(request())
    second = await store.add_request(request(organisation="Åsele skola"))
    listed = await ask(staff_bot, "/förfrågningar", sender=STAFF, **TEAMS)
    assert [(c.label, c.send) for c in listed.choices] == [
        (f"Bekräfta #{first}", f"/bekräfta {first}"), (f"Avböj #{first}", f"/avböj {first}"),
        (f"Bekräfta #{second}", f"/bekräfta {second}"),
        (f"Avböj #{second}", f"/avböj {second}")]
    assert all(c.ask for c in listed.choices)  # the time, the reason
    buttons = actions(card_of(reply_activity(listed)))
    assert [b["title"] for b in buttons] == [c.label for c in listed.choices]
    assert "Centralskolan" in shown(card_of(reply_activity(listed)))
    for button, choice in zip(buttons, listed.choices, strict=True):
        # Pressed with an empty field: the command alone, as typed.
        sent = submitted_text(press(button, " "))
        assert sent == choice.send
        pressed = await ask(staff_bot, sent, sender=STAFF, **TEAMS)
        typed = await ask(staff_bot, choice.send, sender=STAFF, **TEAMS)
        assert pressed.text == typed.text and pressed.outcome is Outcome.COMMAND
        # Nothing is changed without a date or a reason: the reply asks for it, for this
        # request by its number.
        assert choice.send.split()[1] in pressed.text
        assert ("/bekräfta" in pressed.text) == choice.send.startswith("/bekräfta")
    assert [r.status for r in await store.list_requests(None)] == ["open", "open"]
    # With the field filled, the press is the whole typed command.
    confirm, decline = buttons[0], buttons[3]
    assert submitted_text(press(confirm, " 2026-12-10 09:00 i aulan ")) == \
        f"/bekräfta {first} 2026-12-10 09:00 i aulan"
    for button, answer in ((confirm, "2026-12-10 09:00 i aulan"), (decline, "vi hinner inte")):
        sent = submitted_text(press(button, answer))
        assert sent is not None
        pressed = await ask(staff_bot, sent, sender=STAFF, **TEAMS)
        assert pressed.outcome is Outcome.COMMAND and f"#{sent.split()[1]}" in pressed.text
    assert [(r.status, r.answer) for r in await store.list_requests(None)] == [
        ("confirmed", "2026-12-10 09:00 i aulan"), ("declined", "vi hinner inte")]


@pytest.mark.parametrize("value", [
    {MARK: 1, "send": "/avböj 3", "field": "answer-0"},  # the field was not sent
    {MARK: 1, "send": "/avböj 3", "field": "answer-0", "answer-0": 7},
    {MARK: 1, "send": "/avböj 3", "field": "send", "answer-0": "x"},  # not a field's id
    {MARK: 1, "send": "/avböj 3", "field": "other", "other": "x"},
    {MARK: 1, "send": "/avböj 3", "answer-0": "no field named"}])
def test_a_field_that_is_not_the_buttons_adds_nothing(value: object) -> None:
    assert submitted_text(Activity(type="message", value=value)) == "/avböj 3"


async def test_only_answerable_requests_get_buttons_and_english_sends_english(
        staff_bot: Bot, store: Store) -> None:
    kept = await store.add_request(request())
    gone = await store.add_request(request(organisation="Åsele skola"))
    declined = await ask(staff_bot, f"/avböj {gone} vi hinner inte", sender=STAFF, **TEAMS)
    assert f"#{gone}" in declined.text
    every = await ask(staff_bot, "/förfrågningar alla", sender=STAFF, **TEAMS)
    assert {c.send.split()[1] for c in every.choices} == {str(kept)}
    english = await ask(staff_bot, "/requests", sender=STAFF, lang="en", **TEAMS)
    assert [(c.label, c.send) for c in english.choices] == [
        (f"Confirm #{kept}", f"/confirm {kept}"), (f"Decline #{kept}", f"/decline {kept}")]
    asked = await ask(staff_bot, f"/confirm {kept}", sender=STAFF, lang="en", **TEAMS)
    assert f"/confirm {kept} " in asked.text


async def test_residents_get_no_staff_buttons(staff_bot: Bot, store: Store) -> None:
    await store.add_request(request())
    refused = await ask(staff_bot, "/förfrågningar", sender="resident-object-id", **TEAMS)
    assert refused.choices == () and not reply_activity(refused).attachments
