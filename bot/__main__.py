"""Command line: run | chat | ask | check | export | report | purge | matrix |
teams-package.

With no arguments (and no config.yaml) it starts the local terminal chat on the shipped
knowledge base; with a config file, `run` serves what it configures.

Every mistake ends in one line on stderr and exit status 1 (argparse's own usage errors
too), never a traceback: a date out of range, a period too long, an output file that
cannot be written, a full disk.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import sys
from pathlib import Path
from typing import NoReturn

from bot.check import check as _check
from bot.check import fail as _fail
from bot.config import Config, ConfigError, config_file, load_config
from bot.core.clock import Clock, FixedClock, SystemClock
from bot.core.messages import IncomingMessage
from bot.core.texts import CatalogueError
from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.loader import KnowledgeError
from bot.logs import setup_logging
from bot.outfile import OutputError, os_problem, silence_stdout, write_output
from bot.store import open_store

log = logging.getLogger("bot")


# `--today` moves the bot's clock: every feature then counts days, weeks and years from it,
# which needs room on both sides of the date (date.min and date.max are not days anyone
# means). Report and export periods may be any date: they only bound a query.
EARLIEST_TODAY = dt.date(1900, 1, 1)
LATEST_TODAY = dt.date(2199, 12, 31)
MAX_REPORT_YEARS = 30  # one row a month per promise: longer is megabytes of empty months


class _Parser(argparse.ArgumentParser):
    """argparse with one line and exit status 1 for a usage error, like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(1, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def _today(value: str) -> dt.date:
    day = _date(value)
    if not EARLIEST_TODAY <= day <= LATEST_TODAY:
        raise argparse.ArgumentTypeError(
            f"{value}: choose a day from {EARLIEST_TODAY} to {LATEST_TODAY}")
    return day


def _sender(value: str) -> str:
    """An id to act as: printable text (bytes that are not UTF-8 come as lone surrogates,
    which no store or hash can take)."""
    if not value or len(value) > 255 or not value.isprintable():
        raise argparse.ArgumentTypeError(f"not a usable id: {value!a}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m bot",
        description="medborgarbot: answers residents about the police's and the "
                    "municipality's citizen promise (medborgarlöfte).",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, metavar="FILE",
                        help="configuration file (default: config.yaml if it exists)")
    common.add_argument("--knowledge", type=Path, metavar="DIR",
                        help="knowledge folder (overrides the config's `knowledge`)")
    common.add_argument("--log-level", default=None, metavar="LEVEL",
                        help="DEBUG, INFO, WARNING or ERROR")
    common.add_argument("--log-format", choices=["text", "json"], default="text",
                        help="human-readable lines (default) or one JSON object a line")
    talk = argparse.ArgumentParser(add_help=False)
    talk.add_argument("--as", dest="sender", type=_sender, default="local", metavar="ID",
                      help="act as this sender id (default: local)")
    talk.add_argument("--today", type=_today, metavar="YYYY-MM-DD",
                      help="pretend today is this date (to see time-aware answers)")
    sheet = argparse.ArgumentParser(add_help=False)  # CSV starts with a UTF-8 BOM (outfile)
    sheet.add_argument("--excel", action="store_true", help="CSV for a Swedish Excel: ';' "
                       "between the cells, averages with a decimal comma")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", parents=[common], help="run the configured transports "
                   "(the terminal chat without a config file)",
                   description="Run the bot on the configured transports and HTTP server; "
                   "without a config file (or with `console: true`), start the local "
                   "terminal chat.")
    sub.add_parser("chat", parents=[common, talk], help="chat in the terminal",
                   description="Chat with the bot in the terminal; with piped input, one "
                   "reply block per line, separated by '---', until end of input.")
    ask = sub.add_parser("ask", parents=[common, talk], help="print the reply to one message",
                         description="Print the bot's reply to one message and exit.")
    ask.add_argument("message", help="the message, in quotes")
    ask.add_argument("--lang", choices=["sv", "en"],
                     help="answer in this language (default: detected from the message)")
    export = sub.add_parser("export", parents=[common, sheet], help="export stored data (feedback)",
                            description="Export the anonymous feedback as CSV: category, "
                            "area, text, rating, day, granularity, language.")
    export.add_argument("what", choices=["feedback"])
    export.add_argument("--format", choices=["csv"], default="csv")
    export.add_argument("--from", dest="start", type=_date, metavar="YYYY-MM-DD")
    export.add_argument("--to", dest="end", type=_date, metavar="YYYY-MM-DD")
    export.add_argument("--out", type=Path, metavar="FILE", help="default: standard output")
    export.add_argument("--kommun", action="append", metavar="ID", dest="municipalities",
                        help="in a police area: this municipality's rows only (repeat for "
                        "several); default: every row")
    rep = sub.add_parser("report", parents=[common, sheet], help="the follow-up report",
                         description="The follow-up report for a period: per promise the "
                         "activities done, per month; information sessions; the feedback "
                         "summary (cells under 3 shown as <3). HTML is one self-contained "
                         "file to open or print.")
    rep.add_argument("--from", dest="start", type=_date, metavar="YYYY-MM-DD",
                     help="default: two years before --to")
    rep.add_argument("--to", dest="end", type=_date, metavar="YYYY-MM-DD",
                     help="default: today")
    rep.add_argument("--format", choices=["md", "html", "csv"], default="md")
    rep.add_argument("--lang", choices=["sv", "en"], default="sv")
    rep.add_argument("--out", type=Path, metavar="FILE", help="default: standard output")
    rep.add_argument("--kommun", action="append", metavar="ID", dest="municipalities",
                     help="in a police area: this municipality's report (a folder under "
                     "knowledge/; repeat for several); default: the whole area")
    purge = sub.add_parser("purge", parents=[common], help="delete feedback past its retention",
                   description="Delete feedback older than feedback.retention_months "
                   "(default 24); the running bot also does this once a day.")
    purge.add_argument("--today", type=_today, metavar="YYYY-MM-DD",
                       help="count the retention from this date (not after today) instead "
                       "of today")
    sub.add_parser("check", parents=[common], help="validate and self-test the knowledge base",
                   description="Validate the configuration, the text catalogues and the "
                   "knowledge base and run the self-test (every example question must land "
                   "on its own topic); check what `run` needs (the store URL, data_dir, "
                   "the HTTP port free); with Matrix configured, read the bot's published "
                   "cross-signing keys. Exit 0 when clean, 1 with one line per problem.")
    matrix = sub.add_parser("matrix", parents=[common], help="the bot's Matrix identity",
                            description="Operator commands for the bot's Matrix account.")
    matrix.add_argument("action", choices=["reset-identity"],
                        help="reset-identity: publish new cross-signing keys in place of "
                        "whatever the homeserver holds (needs matrix.password)")
    teams = sub.add_parser("teams-package", parents=[common], help="the Teams app package",
                           description="Zip the Teams app package (manifest.json, color.png, "
                           "outline.png) from teams/, its placeholders filled from "
                           "teams_app.app_id and teams_app.manifest; checked against the "
                           "manifest 1.30 rules before it is written.")
    teams.add_argument("--out", type=Path, metavar="FILE",
                       default=Path("medborgarbot-teams.zip"),
                       help="the zip to write (default: medborgarbot-teams.zip)")
    teams.add_argument("--template", type=Path, metavar="DIR",
                       help="the folder with manifest.json and the icons (default: teams/)")
    return parser


def _load(args: argparse.Namespace, answering: bool = True
          ) -> tuple[Config, KnowledgeHolder]:
    config = load_config(args.config)
    folder = args.knowledge or config.knowledge
    if answering:
        # The safety model and the language identifier first: reading them takes a
        # passing 50 and 40 MB that, after a large area's knowledge, would be the process's
        # peak (bench/area_scale.py).
        from bot.features.safety import default_model
        from bot.text import foreign

        default_model()
        foreign.preload()
    return config, KnowledgeHolder.load(folder)


def _clock(args: argparse.Namespace) -> Clock:
    today = getattr(args, "today", None)
    return FixedClock(today) if today else SystemClock()


async def _chat(args: argparse.Namespace,
                loaded: tuple[Config, KnowledgeHolder] | None = None) -> int:
    from bot.app import build_bot, own_rows
    from bot.core.outbox import Outbox
    from bot.transports.console import ConsoleCourier, run_console

    config, holder = loaded or _load(args)
    config.data_dir.mkdir(parents=True, exist_ok=True)
    outbox = Outbox()
    # Locally, answers by DM and notices for the staff room appear right here (the
    # terminal stands in for the staff room's transport, which is not running); with piped
    # output on stderr, so that stdout keeps one reply block per input line.
    courier = ConsoleCourier(sys.stdout if sys.stdout.isatty() else sys.stderr)
    outbox.register("console", courier)
    rooms = [config.roles.staff_room,
             *(own.staff_room for own in config.roles.municipalities.values())]
    for transport in {room.transport for room in rooms if room is not None}:
        outbox.register(transport, courier)
    clock = _clock(args)
    store = open_store(config.store_url)
    store.clock = clock.now  # `--today` stamps what is stored too
    async with store:
        await own_rows(store, holder)
        bot = build_bot(config, clock, holder, store, outbox)
        try:
            await run_console(bot.handle, sender=getattr(args, "sender", "local"))
        finally:  # also when the output fails: what is being saved is saved
            await outbox.drain()
            await bot.close()
    return 0


async def _run(args: argparse.Namespace) -> int:
    """Serve what the configuration names; the terminal chat only when asked for
    (`console: true`) or when there is no config file and nothing to serve (a first
    `make run`). A config file that names nothing to run is an error, not a chat that
    ends at once on a container's empty standard input."""
    from bot.service import run_service

    config, holder = _load(args)
    file = config_file(args.config)
    if config.console or (file is None and not config.serves):
        logging.getLogger("bot").setLevel((args.log_level or "WARNING").upper())
        return await _chat(args, (config, holder))
    if not config.serves:
        return _fail([f"{file}: nothing to run: configure matrix, teams or http, or set "
                      "`console: true` for the terminal chat (or: python -m bot chat)"])
    return await run_service(config, holder, SystemClock())


async def _ask(args: argparse.Namespace) -> int:
    from bot.app import build_bot
    from bot.core.plaintext import to_plain

    config, holder = _load(args)
    # One message cannot finish a dialogue: nothing to keep, so no file is touched.
    clock = _clock(args)
    store = open_store("sqlite://:memory:")
    store.clock = clock.now
    async with store:
        bot = build_bot(config, clock, holder, store)
        reply = await bot.handle(IncomingMessage(
            transport="console", room="console", sender=args.sender, text=args.message,
            is_direct=True, event_id="ask-1", lang=args.lang))
        await bot.close()
    print(to_plain(reply.text) if reply else "")
    return 0


async def _export(args: argparse.Namespace) -> int:
    import csv
    import io

    from bot.features.report import csv_cell
    from bot.outfile import spreadsheet, write_stdout

    config = load_config(args.config)
    if args.start and args.end and args.end < args.start:
        return _fail([f"--from {args.start} is after --to {args.end}"])
    async with open_store(config.store_url) as store:
        entries = await store.list_feedback(args.start, args.end,
                                            municipalities=args.municipalities)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["category", "area", "text", "rating", "day", "granularity", "lang",
                     "municipality"])
    for e in entries:
        # A resident's text that starts like a formula stays text in a spreadsheet.
        writer.writerow([e.category, e.area, csv_cell(e.text), e.rating or "",
                         e.day.isoformat(), e.granularity, e.lang, e.municipality])
    text = spreadsheet(buffer.getvalue(), excel=args.excel)
    if args.out:
        write_output(args.out, text)
        print(f"{len(entries)} feedback entries written to {args.out}", file=sys.stderr)
    else:
        write_stdout(text)
    return 0


async def _report(args: argparse.Namespace) -> int:
    from bot.app import own_rows
    from bot.features.reporting import FOLLOW_UP_DAYS, report
    from bot.outfile import spreadsheet, write_stdout

    today = _clock(args).now().date()  # the one clock of the CLI, as every command's
    end = args.end or today
    start = args.start or _days_before(end, FOLLOW_UP_DAYS - 1)
    if end < start:
        return _fail([f"--from {start} is after --to {end}"])
    if (end.year - start.year) * 12 + end.month - start.month >= MAX_REPORT_YEARS * 12:
        return _fail([f"--from {start} --to {end}: a report covers at most "
                      f"{MAX_REPORT_YEARS} years; choose a shorter period"])
    config, holder = _load(args, answering=False)
    chosen = args.municipalities
    unknown = [ident for ident in chosen or () if ident not in holder.area.files()]
    if unknown:
        return _fail([f"--kommun {ident}: none of the municipalities "
                      f"({', '.join(holder.area.files())})" for ident in unknown])
    async with open_store(config.store_url) as store:
        await own_rows(store, holder)
        text = await report(holder, store, start, end, args.format, args.lang, today,
                            list(dict.fromkeys(chosen)) if chosen else None)
    if args.format == "csv":
        text = spreadsheet(text, excel=args.excel, decimal_comma=args.excel)
    if args.out:
        write_output(args.out, text)
        print(f"report written to {args.out}", file=sys.stderr)
    else:
        write_stdout(text if text.endswith("\n") else text + "\n")
    return 0


def _days_before(day: dt.date, days: int) -> dt.date:
    """`days` before `day`, or the first day there is."""
    return day - dt.timedelta(days=days) if day.toordinal() > days else dt.date.min


async def _purge(args: argparse.Namespace) -> int:
    from bot.features.retention import purge

    config = load_config(args.config)
    months = config.feedback.retention_months
    today = SystemClock().now().date()
    if args.today and args.today > today:
        # Counting from a later day would delete entries before their retention ends.
        return _fail([f"--today {args.today} is after today ({today}): that would delete "
                      "feedback before its retention ends"])
    async with open_store(config.store_url) as store:
        removed = await purge(store, _clock(args), months)
    print(f"removed {removed} feedback entries older than {months} months")
    return 0


def _matrix(args: argparse.Namespace) -> int:
    from bot.transports.matrix.cross_signing import State

    config = load_config(args.config)
    if config.matrix is None:
        return _fail(["matrix: not configured (no `matrix:` section)"])
    from bot.service import matrix_identity

    result = asyncio.run(matrix_identity(config, reset=True))
    if result.state is not State.OK:
        return _fail([result.line])
    print(result.line)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "run"
    # The terminal chat keeps log lines out of the conversation; `run` logs at INFO.
    level = getattr(args, "log_level", None) or ("INFO" if command == "run" else "WARNING")
    setup_logging(level, getattr(args, "log_format", "text"))
    if args.command is None:
        args = _parser().parse_args(["run", *(argv or [])])
    try:
        status = _dispatch(command, args)
        sys.stdout.flush()  # here a failure can still be told in one line; at exit it cannot
        return status
    except (ConfigError, KnowledgeError, CatalogueError) as exc:
        return _fail(exc.problems)
    except OutputError as exc:
        return _fail([str(exc)])
    except BrokenPipeError:  # `… | head`: the reader left, which is fine
        silence_stdout()
        return 0
    except OSError as exc:  # standard output on a full disk, a folder it cannot make, …
        log.debug("command failed", exc_info=True)
        return _fail([os_problem(exc)])
    except Exception as exc:  # setup problems the operator must fix: one line, no traceback
        from bot.core.ports import TransportSetupError
        from bot.store.base import StoreError

        if isinstance(exc, StoreError | TransportSetupError):
            return _fail([str(exc)])
        raise
    except KeyboardInterrupt:
        return 130


def _dispatch(command: str, args: argparse.Namespace) -> int:
    if command == "check":
        return _check(args)
    if command == "matrix":
        return _matrix(args)
    if command == "teams-package":
        from bot.teams_package import package

        return package(args)
    if command == "ask":
        return asyncio.run(_ask(args))
    if command == "export":
        return asyncio.run(_export(args))
    if command == "purge":
        return asyncio.run(_purge(args))
    if command == "report":
        return asyncio.run(_report(args))
    if command == "run":
        return asyncio.run(_run(args))
    return asyncio.run(_chat(args))


if __name__ == "__main__":
    sys.exit(main())
