""""Har ni fått min förfrågan?" in words gets the person's own requests, as /mina shows
them; look-alikes (how to book, the police's promises, cancelling, a worry, the bus) do
not. The dev set (tests/data/request_status.yaml) was written for this step; every
message is a case of its own, and `test_figures` prints precision and recall on it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from bot.core.bot import Bot
from bot.core.clock import FixedClock
from bot.core.messages import Outcome
from bot.features.request_status import Kind, read
from bot.store import Store
from bot.store.records import SessionRequest
from bot.text.normalize import fold
from tests.conftest import ask

DEV = yaml.safe_load((Path(__file__).parent / "data" / "request_status.yaml")
                    .read_text(encoding="utf-8"))


def _text(case: str | dict) -> str:
    return case if isinstance(case, str) else case["q"]


def _params(kind: str) -> list:
    return [pytest.param(_text(case), id=_text(case)[:50], marks=[
        pytest.mark.xfail(reason=case["miss"], strict=True)] if isinstance(case, dict) else [])
        for case in DEV[kind]]


def _read(text: str) -> Kind | None:
    return read(fold(text).split(), question="?" in text)


@pytest.mark.parametrize("text", _params("status"))
def test_a_status_question_is_read(text: str) -> None:
    assert _read(text) is Kind.STATUS


@pytest.mark.parametrize("text", _params("lookalikes") + _params("cancel"))
def test_a_lookalike_is_no_status_question(text: str) -> None:
    assert _read(text) is not Kind.STATUS


@pytest.mark.parametrize("text", _params("cancel"))
def test_cancelling_gets_its_own_answer(text: str) -> None:
    assert _read(text) is Kind.CANCEL


def test_figures() -> None:
    """Precision and recall on the whole dev set (printed with -s)."""
    status = [_text(c) for c in DEV["status"]]
    others = [_text(c) for c in DEV["lookalikes"] + DEV["cancel"]]
    taken = [text for text in status + others if _read(text) is Kind.STATUS]
    hits = sum(1 for text in taken if text in status)
    precision, recall = hits / max(1, len(taken)), hits / len(status)
    print(f"\nrequest status dev set: {len(status)} status, {len(others)} look-alikes; "
          f"precision {precision:.2f}, recall {recall:.2f}")
    assert len(status) >= 30 and len(others) >= 30
    assert precision >= 0.97 and recall >= 0.97


async def _requests(store: Store, clock: FixedClock) -> None:
    now = clock.now()
    await store.add_request(SessionRequest(
        organisation="Centralskolan", audience="larare", topic="drogtecken", size=25,
        wished="vecka 12", contact="chat", requester="@anna", transport="test",
        created_at=now - dt.timedelta(days=20)))
    await store.add_request(SessionRequest(
        organisation="Någon annans skola", audience="elever", topic="annat", size=None,
        wished="i vår", contact="chat", requester="@erik", transport="test",
        created_at=now - dt.timedelta(days=3)))


async def test_the_own_requests_come_back_in_words(
        shipped_bot: Bot, store: Store, clock: FixedClock) -> None:
    await _requests(store, clock)
    await store.update_request(1, status="confirmed", answer="2026-12-10 09:00",
                               scheduled=dt.datetime(2026, 12, 10, 9, tzinfo=dt.UTC))
    reply = await ask(shipped_bot, "hur går det med vår bokning av föreläsningen för åk 8?")
    mine = await ask(shipped_bot, "/mina")
    assert reply.outcome is Outcome.ANSWERED and reply.topic_id == "mina-forfragningar"
    first, *rest = reply.text.splitlines()
    assert "Det här vet jag" in first and "/mina" in first
    assert rest == mine.text.splitlines()[1:]  # the list exactly as /mina shows it
    assert "Centralskolan" in reply.text and "**bekräftad**" in reply.text
    assert "Någon annans skola" not in reply.text


async def test_in_english(shipped_bot: Bot, store: Store, clock: FixedClock) -> None:
    await _requests(store, clock)
    reply = await ask(shipped_bot, "I never heard back about the info evening we asked for")
    assert reply.text.startswith("This is what I know") and "/my" in reply.text
    assert "Centralskolan" in reply.text and "**open**" in reply.text


async def test_with_none_it_says_so_and_how_to_make_one(shipped_bot: Bot) -> None:
    reply = await ask(shipped_bot, "har ni fått min förfrågan?", sender="@nobody")
    assert "ingen förfrågan" in reply.text and "/boka" in reply.text
    assert "e-post eller telefon" in reply.text  # sent another way: not visible here
    english = await ask(shipped_bot, "did you get my request?", sender="@nobody")
    assert "no request" in english.text and "/book" in english.text


async def test_in_a_shared_room_only_the_pointer(
        shipped_bot: Bot, store: Store, clock: FixedClock) -> None:
    await _requests(store, clock)
    reply = await ask(shipped_bot, "har ni fått min förfrågan?", room="!group",
                      is_direct=False, addressed=True)
    assert "privat" in reply.text and "/mina" in reply.text
    assert "Centralskolan" not in reply.text and len(reply.text.splitlines()) == 1


async def test_cancelling_says_the_chat_cannot(shipped_bot: Bot, store: Store,
                                               clock: FixedClock) -> None:
    await _requests(store, clock)
    reply = await ask(shipped_bot, "vi vill avboka föreläsningen")
    assert "kan jag inte göra här" in reply.text and "/mina" in reply.text
    assert "Centralskolan" not in reply.text
    [request, _] = await store.list_requests()
    assert request.status == "open"  # nothing changed


@pytest.mark.parametrize("text", [
    "hur bokar man en föreläsning?", "vad har polisen lovat?", "när går bussen?",
])
async def test_lookalikes_go_on_to_the_answers(shipped_bot: Bot, text: str) -> None:
    reply = await ask(shipped_bot, text)
    assert reply.topic_id != "mina-forfragningar" and "Det här vet jag" not in reply.text


async def test_an_active_dialogue_keeps_the_message(shipped_bot: Bot) -> None:
    await ask(shipped_bot, "/boka")
    reply = await ask(shipped_bot, "vad hände med min bokning")  # the organisation's name?
    assert "Det här vet jag" not in reply.text and "ingen förfrågan" not in reply.text


async def test_a_base_that_takes_no_requests_leaves_it_to_the_answers(fixture_bot: Bot) -> None:
    reply = await ask(fixture_bot, "har ni fått min förfrågan?")
    assert "Det här vet jag" not in reply.text and "ingen förfrågan" not in reply.text
