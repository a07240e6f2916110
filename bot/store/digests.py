"""The public digests of what police and municipality did (`records.Digest`): a draft
staff preview, then publish. Texts are one JSON object, language -> Markdown.

One draft a municipality and span: saving a draft for a (municipality, start, end) that
has one replaces its texts and made time in place, keeping its id (one atomic upsert on
the partial unique index `digests_one_draft`, so two processes saving at once leave one
draft). A published digest is never changed: a draft saved for a span already published
is a new row.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Collection, Mapping
from typing import get_args

from bot.store.checks import (
    checked_limit,
    checked_municipality_id,
    checked_text,
    no_home,
    plain_date,
    utc,
)
from bot.store.database import Database, Executor, Query, Row, as_date, as_time
from bot.store.records import LANGUAGES, Digest, DigestState
from bot.store.staff import aware, record_id

MAX_DIGEST_TEXT = 20_000
STATES: tuple[str, ...] = get_args(DigestState)

# "end" is a reserved word in SQL: quoted wherever it is named.
COLUMNS = 'id, municipality, start, "end", texts, state, made, published'
INSERT = ('INSERT INTO digests (municipality, start, "end", texts, state, made, published)'
          " VALUES ($1, $2, $3, $4, $5, $6, $7)")
UPSERT = (f"{INSERT}"
          ' ON CONFLICT (municipality, start, "end") WHERE state = \'draft\''
          " DO UPDATE SET texts = excluded.texts, made = excluded.made RETURNING id")


class DigestRepository:
    def __init__(self, db: Database, now: Callable[[], dt.datetime],
                 home: Callable[[], str] = no_home) -> None:
        self._db = db
        self._now = now
        self._home = home

    async def save_digest(self, digest: Digest) -> int:
        """Store `digest` (its id is ignored; made is now when None; municipality "" is
        the home) and return its id: a draft replaces the draft of the same municipality
        and span (which keeps its id), a published one is always a new row (published
        is made when None). ValueError when a field is wrong."""
        d = checked_digest(digest, self._now(), self._home())
        values = (d.municipality, d.start, d.end, texts_json(d.texts), d.state, d.made,
                  d.published)
        sql = UPSERT if d.state == "draft" else f"{INSERT} RETURNING id"
        return int(await self._db.fetchval(sql, *values))

    async def get_digest(self, digest_id: int) -> Digest | None:
        rid = record_id(digest_id, "digest id")
        if rid is None:
            return None
        row = await self._db.fetchrow(f"SELECT {COLUMNS} FROM digests WHERE id = $1", rid)
        return None if row is None else _digest(row)

    async def list_digests(
        self, state: DigestState | None = None, *,
        municipalities: Collection[str] | None = None, limit: int = 50,
    ) -> list[Digest]:
        """At most `limit` digests in `state` (None: any) of `municipalities` (None: all;
        empty: none), newest first (by end, then id, descending)."""
        query = Query()
        query.within(municipalities)
        if state is not None:
            query.where(f"state = {query.arg(checked_state(state))}")
        cap = query.arg(checked_limit(limit))
        rows = await self._db.fetch(
            f'SELECT {COLUMNS} FROM digests{query.sql} ORDER BY "end" DESC, id DESC'
            f" LIMIT {cap}", *query.args)
        return [_digest(row) for row in rows]

    async def publish_digest(self, digest_id: int, at: dt.datetime) -> Digest:
        """Publish the draft at `at` and return it as stored; one already published is
        returned unchanged. KeyError when there is none."""
        at = aware(at, "digest published")
        rid = record_id(digest_id, "digest id")
        row = None
        if rid is not None:
            row = await self._db.fetchrow(
                "UPDATE digests SET state = 'published', published = $1"
                f" WHERE id = $2 AND state = 'draft' RETURNING {COLUMNS}", at, rid)
            if row is None:  # published already, or none
                row = await self._db.fetchrow(
                    f"SELECT {COLUMNS} FROM digests WHERE id = $1", rid)
        if row is None:
            raise KeyError(f"no digest {digest_id}")
        return _digest(row)


async def adopt(tx: Executor, municipality: str) -> int:
    """Give the digests that have no municipality `municipality`; how many rows. A draft
    without one whose span already has a draft of `municipality` gives way to it."""
    await tx.execute(
        "DELETE FROM digests WHERE municipality = '' AND state = 'draft' AND EXISTS"
        " (SELECT 1 FROM digests AS d WHERE d.municipality = $1 AND d.state = 'draft'"
        ' AND d.start = digests.start AND d."end" = digests."end")', municipality)
    return await tx.execute(
        "UPDATE digests SET municipality = $1 WHERE municipality = ''", municipality)


# -- checks on the way in --------------------------------------------------------------


def checked_state(state: object) -> DigestState:
    if state not in STATES:
        raise ValueError(f"digest state must be one of {', '.join(STATES)}")
    return state  # type: ignore[return-value]  # checked just above


def checked_texts(texts: object) -> dict[str, str]:
    """Language -> Markdown of at most MAX_DIGEST_TEXT characters, at least one."""
    if not isinstance(texts, Mapping) or not texts:
        raise ValueError("digest texts must be a non-empty mapping of language to text")
    checked: dict[str, str] = {}
    for lang, text in texts.items():
        if lang not in LANGUAGES:
            raise ValueError(f"digest texts: a language must be one of {', '.join(LANGUAGES)}")
        checked[lang] = checked_text(text, f"digest text ({lang})", MAX_DIGEST_TEXT)
    return checked


def checked_digest(digest: Digest, now: dt.datetime, home: object = "") -> Digest:
    """`digest` as the store saves it, or ValueError naming the field that is wrong."""
    if not isinstance(digest, Digest):
        raise ValueError("not a Digest")
    start = plain_date(digest.start, "digest start")
    end = plain_date(digest.end, "digest end")
    if end < start:
        raise ValueError("digest end is before its start")
    state = checked_state(digest.state)
    made = utc(now) if digest.made is None else aware(digest.made, "digest made")
    published = None
    if state == "published":
        published = made if digest.published is None else aware(digest.published,
                                                                 "digest published")
    elif digest.published is not None:
        raise ValueError("a draft digest has no published time")
    return dataclasses.replace(
        digest, start=start, end=end, texts=checked_texts(digest.texts), state=state,
        made=made, published=published, id=None,
        municipality=checked_municipality_id(digest.municipality, home,
                                             "digest municipality"))


def texts_json(texts: Mapping[str, str]) -> str:
    return json.dumps(texts, ensure_ascii=False, separators=(",", ":"))


def _digest(row: Row) -> Digest:
    return Digest(row["municipality"], as_date(row["start"]), as_date(row["end"]),
                  dict(sorted(json.loads(row["texts"]).items())), row["state"],
                  as_time(row["made"]), as_time(row["published"]), id=row["id"])
