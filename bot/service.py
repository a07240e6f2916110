"""`python -m bot run`: the store, the bot, every configured transport and the HTTP server
(/healthz, /metrics, Teams), until SIGTERM or SIGINT, then a clean shutdown in the reverse
order of the start (replies in flight are finished, the store closed last). SIGHUP
reloads the knowledge base."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.app import build_bot, own_rows, shared_chats
from bot.config import Config, HttpSettings
from bot.core.clock import Clock
from bot.core.metrics import Metrics
from bot.core.outbox import Outbox
from bot.core.ports import TransportSetupError
from bot.features.daily import run_daily
from bot.features.retention import purge_daily
from bot.knowledge.holder import KnowledgeHolder
from bot.store import Store, StoreError, open_store

if TYPE_CHECKING:
    from bot.transports.matrix.cross_signing import Result

log = logging.getLogger("bot")


def preflight(config: Config) -> tuple[list[str], list[str]]:
    """What `run` would stop on, checked without starting anything (for `check`): one
    line a problem; and notes, such as a running bot that already serves the port."""
    from bot.web import answers_as_bot, probe_listen

    problems: list[str] = []
    notes: list[str] = []
    try:
        open_store(config.store_url)  # the URL only: nothing is opened
    except StoreError as exc:
        problems.append(str(exc))
    folder = _unwritable(config.data_dir)
    if folder:
        problems.append(folder)
    if config.teams_app is not None:
        problems += _teams_app_problems(config)
    if config.http is not None or config.teams is not None or config.web_enabled \
            or config.teams_app is not None:
        http = config.http or HttpSettings()
        problem = probe_listen(http)
        if problem and answers_as_bot(http):
            notes.append(f"http.listen: {http.listen} is served by a running medborgarbot")
        elif problem:
            problems.append(problem)
    if config.shared_state.enabled and config.store_url.startswith("sqlite"):
        notes.append("shared_state is on with a SQLite store: one process only (several "
                     "processes need PostgreSQL)")
    if config.web is not None and config.web_enabled:
        problems += _web_problems()
        if config.web.public_url is None:
            notes.append("web.public_url is not set: the chat takes API calls from the "
                         "origin of the Host they are sent to (set it behind a proxy)")
    return problems, notes


def _teams_app_problems(config: Config) -> list[str]:
    """Anonymous mode takes activities from anyone who reaches the port: development only."""
    settings = config.teams_app
    if settings is None or not settings.anonymous or settings.development:
        return []
    return ["teams_app.anonymous: takes activities without a token from anyone who can "
            "reach the port; for development only (set teams_app.development: true)"]


def _web_problems() -> list[str]:
    """The web chat's page and files are there (an install without its package data)."""
    from bot.transports.webchat.front import STATIC

    try:
        from bot.transports.webchat import pages  # noqa: F401
    except Exception as exc:
        return [f"web: the chat page cannot be made ({type(exc).__name__}): reinstall"]
    missing = [n for n in ("chat.js", "chat.css", "widget.js", "widget.css")
               if not (STATIC / n).is_file()]
    return [f"web: missing {', '.join(missing)} in {STATIC}: reinstall"] if missing else []


def _unwritable(folder: Path) -> str | None:
    """Why `run` could not make or write `folder`, or None."""
    existing = folder.absolute()
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"data_dir: {existing} is not a folder"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"data_dir: cannot write in {existing}"
    return None


def _store_exists(url: str) -> bool:
    """A SQLite file that is not there holds no session: do not create one to look."""
    return not url.startswith("sqlite:///") or Path(url[len("sqlite:///"):]).exists()


async def matrix_identity(config: Config, reset: bool = False) -> Result:
    """The bot's cross-signing identity as the homeserver holds it (`check`), or a new
    one published (`matrix reset-identity`), with the device the store remembers."""
    from bot.transports.matrix.admin import identity

    assert config.matrix is not None
    url = config.store_url
    if not _store_exists(url):
        return await identity(config.matrix, config.data_dir, None, reset=reset)
    async with open_store(url) as store:
        return await identity(config.matrix, config.data_dir, store, reset=reset)


async def health(store: Store, transports: list[Any]) -> tuple[bool, str]:
    """200 when the store answers and every transport is connected."""
    try:
        store_ok = await store.ping()
    except Exception:
        store_ok = False
    if not store_ok:
        return False, "store not answering"
    down = [type(t).__name__ for t in transports if not t.connected]
    if down:
        return False, "not connected: " + ", ".join(down)
    # Running, but some residents cannot be served until an operator acts.
    problems = [p for p in (getattr(t, "problem", None) for t in transports) if p]
    if problems:
        return False, "; ".join(problems)
    return True, "ok"


async def supervise(runner: Any, stopping: asyncio.Event, pause: float = 5.0,
                    most: float = 300.0) -> None:
    """Run a transport; when it fails, log it and start it again after a pause that
    doubles up to `most`. A setup problem (a wrong password) is not retried: the operator
    must fix it, and /healthz reports the transport as down meanwhile."""
    name = type(runner).__name__
    while not stopping.is_set():
        try:
            await runner.run()
        except TransportSetupError as exc:
            log.error("%s; the other transports go on", exc)
            return
        except Exception as exc:  # a bug in one transport must not stop the others
            log.error("%s failed (%s); starting it again in %.0f s", name,
                      type(exc).__name__, pause)
        else:
            if not stopping.is_set():
                log.error("%s stopped by itself; the other transports go on", name)
            return
        try:
            await asyncio.wait_for(stopping.wait(), pause)
        except TimeoutError:
            pause = min(most, pause * 2)


async def run_service(config: Config, holder: KnowledgeHolder, clock: Clock,
                      stopping: asyncio.Event | None = None) -> int:
    """Serve until SIGTERM or SIGINT (or until `stopping` is set). Each piece goes on one
    exit stack as it starts (store, bot, outbox, HTTP server, chat transports, retention)
    and is closed in the reverse order, also when a later piece fails to start."""
    from bot.web import OpsServer, make_app

    stopping = stopping or asyncio.Event()
    config.data_dir.mkdir(parents=True, exist_ok=True)
    async with contextlib.AsyncExitStack() as stack:
        store = open_store(config.store_url)
        store.clock = clock.now  # what the store stamps follows the bot's clock
        await stack.enter_async_context(store)
        metrics = Metrics()
        outbox = Outbox()
        await own_rows(store, holder)
        bot = build_bot(config, clock, holder, store, outbox, metrics)
        stack.push_async_callback(bot.close)
        transports: list[Any] = []
        runners = []
        if config.matrix is not None:
            # Imported here: matrix-nio and its crypto take a second to load.
            from bot.transports.matrix.courier import MatrixCourier
            from bot.transports.matrix.transport import MatrixTransport

            matrix = MatrixTransport(
                config.matrix, config.data_dir, bot.handle, store, clock,
                on_reconnect=lambda: metrics.reconnects.labels("matrix").inc())
            outbox.register("matrix", MatrixCourier(matrix))
            transports.append(matrix)
            runners.append(matrix)
        app = make_app(lambda: health(store, transports), metrics)
        if config.teams is not None:
            from bot.transports.teams import TeamsWebhook

            teams = TeamsWebhook(config.teams, bot.handle, clock)
            teams.attach(app)
            transports.append(teams)
        if config.teams_app is not None:
            from bot.transports.teams_app import TeamsApp  # the SDK loads in a second

            teams_app = TeamsApp(config.teams_app, bot.handle, store, clock, config.data_dir)
            teams_app.attach(app)
            stack.push_async_callback(teams_app.close)  # after the outbox is drained
            outbox.register("teams_app", teams_app.courier, rooms=True, people=True)
            transports.append(teams_app)
        if config.web is not None and config.web_enabled:
            from bot.transports.webchat import WebChat

            web_chat = WebChat(config.web, bot.handle, clock,
                               shared=shared_chats(config, store, clock))
            web_chat.attach(app)  # its streams end and its replies land as the server stops
            # A live conversation is a room the bot can post in; a page has no person.
            outbox.register("web", web_chat.courier, rooms=True, people=False)
            transports.append(web_chat)
        # Pushed here, it runs after the server and the chat transports have stopped (what
        # a request in flight queued is sent too) and before a transport's own close.
        stack.push_async_callback(outbox.drain)
        if config.http is not None or config.teams is not None or config.web_enabled \
                or config.teams_app is not None:
            # Before the chat transports log in: a port in use stops the start right here.
            server = OpsServer(config.http or HttpSettings(), app)
            await server.start()
            stack.push_async_callback(server.stop)  # Teams replies in flight are finished
        # A transport that fails is restarted, and never stops the others.
        running = [asyncio.create_task(supervise(r, stopping)) for r in runners]
        stack.push_async_callback(_stop_runners, runners, running, stopping)
        retention = asyncio.create_task(purge_daily(
            store, clock, config.feedback.retention_months, stopping))
        stack.push_async_callback(_stop_task, retention, stopping)
        # The features' daily work: follow-up reminders, the month's digest draft.
        daily = asyncio.create_task(run_daily(bot.daily, clock, stopping))
        stack.push_async_callback(_stop_task, daily, stopping)
        _handle_signals(stack, stopping, runners, holder)
        if not config.chat_transports:
            log.warning("no chat transport is configured (matrix, teams): serving only "
                        "/healthz and /metrics")
        # What start-up loaded (knowledge base, models, catalogues) lives as long as the
        # process: moved out of the collector's reach, so that a full collection no longer
        # walks it (150-250 ms pauses in bench/webchat_load.py before this).
        gc.collect()
        gc.freeze()
        log.info("medborgarbot running: %d topics, %d transport(s)", len(holder.kb.topics),
                 len(transports))
        await stopping.wait()
    log.info("medborgarbot stopped")
    return 0


async def _stop_runners(runners: list[Any], running: list[asyncio.Task[None]],
                        stopping: asyncio.Event) -> None:
    stopping.set()
    for runner in runners:
        runner.stop()
    await asyncio.gather(*running)


async def _stop_task(task: asyncio.Task[None], stopping: asyncio.Event) -> None:
    stopping.set()
    await task


def _handle_signals(stack: contextlib.AsyncExitStack, stopping: asyncio.Event,
                    runners: list[Any], holder: KnowledgeHolder) -> None:
    """SIGTERM and SIGINT stop the service, SIGHUP reloads the knowledge base; the
    handlers go with the service (a test or an embedding loop lives on)."""
    def stop() -> None:
        stopping.set()
        for runner in runners:
            runner.stop()

    reloading: set[asyncio.Task[None]] = set()

    async def reload_now() -> None:
        problems = await holder.reload_in_background()  # the loop answers meanwhile
        if problems:
            log.warning("knowledge reload on SIGHUP refused: %d problem(s)", len(problems))
            for problem in problems[:20]:
                log.warning("knowledge: %s", problem)

    def reload() -> None:
        task = asyncio.ensure_future(reload_now())
        reloading.add(task)
        task.add_done_callback(reloading.discard)

    loop = asyncio.get_running_loop()
    for sig, handler in ((signal.SIGTERM, stop), (signal.SIGINT, stop),
                         (signal.SIGHUP, reload)):
        loop.add_signal_handler(sig, handler)
        stack.callback(loop.remove_signal_handler, sig)
