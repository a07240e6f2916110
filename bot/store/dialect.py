"""The few pieces of SQL in which SQLite and PostgreSQL differ, named once.

Every query and migration is written once; where the two databases spell something
differently (a column type, a CHECK that PostgreSQL's types make needless), it takes the
piece from the database's `Dialect`. SQLite keeps days as 'YYYY-MM-DD' text and instants
as fixed-width ISO 8601 UTC text, so text order is time order on both.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dialect:
    name: str  # "sqlite", "postgres": what logs and tests call the database
    serial: str  # an id column the database assigns and never reuses
    small_int: str
    timestamp: str  # an instant
    length: str  # the function that counts characters (not bytes)
    # After a text column in ORDER BY: code-point order (as Python sorts), whatever the
    # database's collation. SQLite compares TEXT as BINARY: UTF-8 byte order, which is
    # code-point order; PostgreSQL needs "C" for it.
    code_point_order: str
    plain_date_template: str
    monday_template: str
    json_object_template: str
    # The function that tells the other processes on the database something (NOTIFY);
    # "": none (SQLite: one process), and statements that need it take the long way.
    notify: str

    def date(self, column: str) -> str:
        """The definition of a NOT NULL column holding a plain date."""
        return self.plain_date_template.format(c=column)

    def is_monday(self, column: str) -> str:
        """A condition: the day in `column` is a Monday."""
        return self.monday_template.format(c=column)

    def json_object(self, column: str) -> str:
        """The definition of a NOT NULL column holding a JSON object, '{}' by default."""
        return self.json_object_template.format(c=column)


# Each difference once, with both spellings side by side: (SQLite, PostgreSQL).
_PIECES: dict[str, tuple[str, str]] = {
    "serial": ("INTEGER PRIMARY KEY AUTOINCREMENT",
               "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"),
    "small_int": ("INTEGER", "SMALLINT"),
    "timestamp": ("TEXT", "TIMESTAMP WITH TIME ZONE"),
    "length": ("length", "char_length"),
    "code_point_order": ("", ' COLLATE "C"'),
    # SQLite's date() gives the text back only for a valid date.
    "plain_date_template": ("{c} TEXT NOT NULL CHECK (date({c}) IS {c})", "{c} DATE NOT NULL"),
    "monday_template": ("strftime('%w', {c}) = '1'", "extract(isodow FROM {c}) = 1"),
    "json_object_template": (
        "{c} TEXT NOT NULL DEFAULT '{{}}' CHECK (json_valid({c}) AND json_type({c}) = 'object')",
        "{c} JSONB NOT NULL DEFAULT '{{}}' CHECK (jsonb_typeof({c}) = 'object')"),
    "notify": ("", "pg_notify"),
}

SQLITE, POSTGRES = DIALECTS = tuple(
    Dialect(name, **{piece: spellings[i] for piece, spellings in _PIECES.items()})
    for i, name in enumerate(("sqlite", "postgres"))
)
