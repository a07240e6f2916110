"""Residents' text where staff (and requesters) read it: redacted, and shown literally in
/synpunkter, the staff notice, /förfrågningar, the DM after /bekräfta and /obesvarade."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from bot.app import build_bot
from bot.config import Config, Roles
from bot.core.bot import Bot
from bot.core.clock import FixedClock
from bot.core.literal import WJ
from bot.core.outbox import Outbox
from bot.core.plaintext import to_plain
from bot.features.feedback_staff import SHOWN, shown
from bot.knowledge.holder import KnowledgeHolder
from bot.store import Store
from bot.store.base import Feedback
from bot.transports.matrix.content import to_html
from tests.conftest import SHIPPED, ask
from tests.couriers import RecordingCourier, outbox_for

STAFF, TEACHER = "@polis1:x", "@larare:x"
STAFF_ROOM = "!personal:x"
HOSTILE = ("Kalle Svensson [klicka](https://evil.example/login) <b>fet</b> "
           "![bild](http://evil.example/x.png) @room **viktigt**")


class Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)


def markup(markdown: str) -> set[str]:
    parser = Markup()
    parser.feed(to_html(markdown))
    return parser.tags


@pytest.fixture
def courier() -> RecordingCourier:
    return RecordingCourier()


@pytest.fixture
def outbox(courier: RecordingCourier) -> Outbox:
    return outbox_for(courier, "test", "matrix")


@pytest.fixture
def bot(store: Store, clock: FixedClock, outbox: Outbox) -> Bot:
    config = Config(roles=Roles(staff=[STAFF], staff_room=STAFF_ROOM))
    return build_bot(config, clock, KnowledgeHolder.load(SHIPPED), store, outbox)


async def test_feedback_summary_shows_residents_text_redacted_and_literal(
        bot: Bot, store: Store) -> None:
    for i in range(3):
        for answer in ("/tyck", "1", "2", f"{HOSTILE} {i}", "3", "ja"):
            await ask(bot, answer, sender=f"@r{i}:x")
    stored = [e.text for e in await store.list_feedback()]
    assert all(text.startswith("[namn] [klicka](https://evil") for text in stored)
    summary = (await ask(bot, "/synpunkter", sender=STAFF)).text
    assert "Kalle" not in summary and "Svensson" not in summary
    html = to_html(summary)
    assert not markup(summary) & {"a", "img", "b", "em"}
    assert "<strong>viktigt" not in html and "**viktigt**" in html
    quoted = [line for line in to_plain(summary).splitlines() if "klicka" in line]
    assert len(quoted) == 3
    for line in quoted:
        assert line.replace(WJ, "").startswith(
            "[namn] [klicka](https://evil.example/login) <b>fet</b> ![bild]")
    assert "&lt;b&gt;fet" in html


async def test_an_old_entry_stored_before_names_were_redacted_is_redacted_when_shown(
        bot: Bot, store: Store) -> None:
    for text in ("Lisa Nilsson i Fredrika ringde", "mörkt", "ljust"):
        await store.add_feedback(Feedback(category="trafik", area="fredrika", text=text,
                                          rating=None, day=dt.date(2026, 11, 20),
                                          granularity="date", lang="sv"))
    summary = (await ask(bot, "/synpunkter", sender=STAFF)).text
    assert "[namn] i Fredrika ringde" in summary and "Lisa" not in summary


def test_a_shown_text_is_cut_to_its_length_after_redaction() -> None:
    text = "ring 0701234567 " * 40
    out = shown(text)
    assert "070" not in out and len(out) <= SHOWN + 50  # references make it longer
    assert to_plain(out).endswith("…") and "\n" not in out


async def test_booking_notice_list_and_dm_show_the_requesters_words_literally(
        bot: Bot, outbox: Outbox, courier: RecordingCourier) -> None:
    teacher = {"sender": TEACHER, "transport": "test"}
    for answer in ("/boka", "**Skolan** [x](https://evil.example) <i>", "1", "1",
                   "hoppa över", "> v 48 @room", "hoppa över", "ja"):
        await ask(bot, answer, **teacher)
    listed = (await ask(bot, "/förfrågningar", sender=STAFF)).text
    confirmed = await ask(bot, "/bekräfta 1 2026-12-03 [kl 10](https://evil.example)",
                          sender=STAFF)
    assert "#1" in confirmed.text
    await outbox.drain()
    [(_, notice)] = courier.rooms
    [(_, dm)] = courier.users
    for text in (listed, notice, dm):
        plain = to_plain(text).replace(WJ, "")
        assert "**Skolan** [x](https://evil.example) <i>" in plain
        assert "> v 48 @room" in plain
        assert not markup(text) & {"a", "i", "blockquote"}
        assert "<strong>Skolan" not in to_html(text)
    assert "[kl 10](https://evil.example)" in to_plain(dm).replace(WJ, "")


async def test_unanswered_questions_are_literal(bot: Bot, store: Store) -> None:
    await store.record_unanswered("[x](https://evil.example) **hej**", dt.date(2026, 11, 27))
    listed = (await ask(bot, "/obesvarade", sender=STAFF)).text
    assert "<a " not in to_html(listed) and "<strong>hej" not in to_html(listed)
    assert "[x](https://evil.example) **hej**" in to_plain(listed).replace(WJ, "")
    assert re.search(r"1\. .*\(1\)", to_plain(listed))
