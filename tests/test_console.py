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


async def test_console_replaces_undecodable_bytes_and_goes_on() -> None:
    seen: list[str] = []

    async def handle(msg: IncomingMessage) -> Reply | None:
        seen.append(msg.text)
        return Reply("ok", Outcome.ANSWERED)

    # A strict UTF-8 stdin, as under any UTF-8 locale but C.UTF-8.
    stdin = io.TextIOWrapper(io.BytesIO(b"hej \xff d\xe5\n\xc3\nn\xc3\xa4r\n"),
                             encoding="utf-8", errors="strict")
    out = io.StringIO()
    assert await run_console(handle, stdin=stdin, stdout=out) == 3
    assert seen == ["hej \ufffd d\ufffd", "\ufffd", "när"]
    assert out.getvalue().count(SEPARATOR) == 3


async def test_an_endless_line_is_read_only_so_far() -> None:
    from bot.transports.console import MAX_LINE

    seen: list[str] = []

    async def handle(msg: IncomingMessage) -> Reply | None:
        seen.append(msg.text)
        return None

    stdin = io.StringIO("x" * (5 * MAX_LINE + 7) + "\nnästa\n" + "y" * MAX_LINE)
    assert await run_console(handle, stdin=stdin, stdout=io.StringIO()) == 3
    assert [len(text) for text in seen] == [MAX_LINE, 5, MAX_LINE]
    assert seen[1] == "nästa"


async def test_a_failing_core_gets_the_apology_and_the_chat_goes_on() -> None:
    calls: list[str] = []

    async def handle(msg: IncomingMessage) -> Reply | None:
        calls.append(msg.text)
        if msg.text == "boom":
            raise RuntimeError(msg.text)
        return Reply("svar", Outcome.ANSWERED)

    out = io.StringIO()
    await run_console(handle, stdin=io.StringIO("boom\nhej\n"), stdout=out)
    assert calls == ["boom", "hej"]
    assert out.getvalue().startswith("Något gick fel hos mig.")
    assert out.getvalue().endswith(f"svar\n{SEPARATOR}\n")
