from __future__ import annotations

import io

from bot.core.messages import IncomingMessage, Outcome, Reply
from bot.core.plaintext import to_plain
from bot.transports.console import SEPARATOR, run_console


async def test_console_hands_each_line_to_the_core_as_a_direct_message() -> None:
    seen: list[IncomingMessage] = []

    async def handle(msg: IncomingMessage) -> Reply | None:
        seen.append(msg)
        return Reply(f"**svar** på rad {len(seen)}", Outcome.ANSWERED)

    out = io.StringIO()
    count = await run_console(handle, sender="@staff1:localhost",
                              stdin=io.StringIO("första\r\nandra\n"), stdout=out)
    assert count == 2
    assert [m.text for m in seen] == ["första", "andra"]
    assert all(m.is_direct and m.sender == "@staff1:localhost" for m in seen)
    assert len({m.event_id for m in seen}) == 2
    assert out.getvalue() == f"svar på rad 1\n{SEPARATOR}\nsvar på rad 2\n{SEPARATOR}\n"


def test_terminal_text_renders_markdown_plainly() -> None:
    text = to_plain("Hej **du**!\n\n- [polisen](https://polisen.se)\n- https://x.se\n\n"
                       "1. ett\n2. två")
    assert text == ("Hej du!\n\n• polisen (https://polisen.se)\n• https://x.se\n\n"
                    "1. ett\n2. två")
    assert "\033[1m" in to_plain("**fet**", colour=True)


def test_wrap_keeps_words_whole_and_indents_list_items() -> None:
    from bot.core.plaintext import wrap

    text = "• " + "ord " * 30 + "\n1. kort\nvanlig rad " + "x" * 10
    lines = wrap(text, 40).splitlines()
    assert all(len(line) <= 40 for line in lines)
    assert lines[0].startswith("• ord") and lines[1].startswith("  ord")
    assert "1. kort" in lines


async def test_console_courier_prints_what_would_be_sent_elsewhere() -> None:
    from bot.transports.console import ConsoleCourier

    out = io.StringIO()
    courier = ConsoleCourier(out)
    assert await courier.to_room("!personal", "**Ny** förfrågan #1")
    assert await courier.to_user("@larare:x", "Bekräftad")
    assert out.getvalue() == "\n[→ !personal]\nNy förfrågan #1\n\n[→ @larare:x]\nBekräftad\n"
    assert courier.members("!personal") == frozenset()
