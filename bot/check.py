"""`python -m bot check`: everything `run` would stop on, one line each, before it runs.

The configuration (and what `run` would fail to open: the store URL, data_dir, the port),
the text catalogues, the knowledge base and its self-test, the bot as `run` builds it (a
form no router brings, two routers claiming one command), the knowledge folder's own report
page, and the Matrix identity.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.config import Config, ConfigError, load_config
from bot.core.clock import SystemClock
from bot.core.texts import catalogue_findings
from bot.knowledge.area import load_area
from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.loader import KnowledgeError
from bot.store import open_store


def fail(problems: list[str]) -> int:
    for line in problems:
        print(line, file=sys.stderr)
    return 1


def check(args: argparse.Namespace) -> int:
    from bot.knowledge.selftest import area_self_test, unasked_themes

    problems: list[str] = []
    notes: list[str] = []
    folder = args.knowledge
    config: Config | None = None
    try:
        config = load_config(args.config)
        folder = folder or config.knowledge
    except ConfigError as exc:
        problems.extend(exc.problems)
        folder = folder or Config().knowledge
    if config is not None:  # what `run` would stop on: the store URL, data_dir, the port
        from bot.service import preflight

        found, notes = preflight(config)
        problems.extend(found)
    catalogues = catalogue_findings()  # the bot's own words: bot/i18n/<lang>.yaml
    for warning in catalogues.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if catalogues.problems:
        return fail(problems + catalogues.problems)
    try:
        area = load_area(folder)
    except KnowledgeError as exc:
        return fail(problems + exc.problems)
    from bot.app import build_bot
    from bot.features.report import page_problems
    from bot.features.safety import takes

    problems.extend(area_self_test(area, screen=takes))  # every municipality's own
    for warning in unasked_themes(area):
        print(f"warning: {warning}", file=sys.stderr)
    kb = area.default_base
    holder = KnowledgeHolder(kb, folder, area)
    try:  # built as `run` builds it: a form the topics name that no router brings, a clash
        build_bot(config or Config(), SystemClock(), holder,
                  open_store("sqlite:///:memory:"))  # never opened
    except ValueError as exc:
        problems.append(str(exc))
    # The knowledge folder's own report page (templates/), rendered once, empty.
    problems.extend(page_problems(kb, holder.templates, SystemClock().now().date()))
    if not problems and config is not None and config.matrix is not None:
        from bot.service import matrix_identity

        result = asyncio.run(matrix_identity(config))
        if result.problem:
            problems.append(result.problem)
        notes.append(result.line)
    if problems:
        return fail(problems)
    for ident, base in area.bases.items():
        examples = sum(len(t.examples) for t in base.data.topics)
        print(f"{folder / ident if ident else folder}: ok: {len(base.topics)} topics, "
              f"{examples} example questions, {len(base.periods)} periods, "
              f"{len(base.promise_index)} promises")
    for note in notes:
        print(note)
    return 0
