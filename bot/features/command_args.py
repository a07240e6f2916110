"""What staff commands share in their arguments: an entry's id and a period.

Both end in a value or in a Reply with one clear line: a period outside the calendar, or an
id no row can have ("#0", twenty nines), never reaches the store or the generic error.
"""

from __future__ import annotations

import datetime as dt
import re

from bot.core.messages import Outcome, Reply
from bot.core.periods import PeriodError, parse_period
from bot.core.texts import t
from bot.core.turn import Turn
from bot.store.staff import MAX_ID

# "#12 rest", "12: rest", "12" (not "12abc", "1.5"); the digits are read only when there are
# few enough for an id.
_ID = re.compile(r"#?(\d+)[:,]?(?:\s+|$)(.*)", re.S)
_SHOWN_DIGITS = 12


def read_id(args: str) -> tuple[str, int | None, str] | None:
    """(the digits as written, the id or None when no row can have it, the rest); None
    when `args` does not start with an id."""
    match = _ID.fullmatch(args.strip())
    if match is None:
        return None
    digits = match.group(1)
    number = int(digits) if len(digits) <= len(str(MAX_ID)) else None
    return digits, number if number is not None and 1 <= number <= MAX_ID else None, \
        match.group(2).strip()


def shown_id(digits: str) -> str:
    """An id as written, shortened when it is absurdly long (a reply stays one line)."""
    digits = digits.lstrip("0") or "0"
    return digits if len(digits) <= _SHOWN_DIGITS else digits[:_SHOWN_DIGITS] + "…"


def read_period(turn: Turn, args: str, default_days: int = 90
                ) -> tuple[dt.date, dt.date] | Reply:
    """The period a staff member asked for, or a reply naming what is wrong with it."""
    try:
        return parse_period(args, turn.today, default_days=default_days)
    except PeriodError as err:
        return Reply(t(err.key, turn.lang), Outcome.COMMAND, turn.lang)
