"""Years a question names without digits: "förra året", "i fjol", "last year", "i år".

They are replaced by the year they stand for, so that the matcher weighs them like any
year (a context word, not the subject: "förra året" is no longer read as the words of
"how many crimes last year") and the answer picks that year's period."""

from __future__ import annotations

import datetime as dt
import re

# (pattern over the lower-cased text, years from today's year)
_RELATIVE = [
    (r"\bförrförra\s+året\b|\bforrforra\s+aret\b|\byear before last\b", -2),
    (r"\bförra\s+år(et)?\b|\bforra\s+ar(et)?\b|\bi\s*fjol\b|\bfjolåret\b|\bfjolaret\b"
     r"|\blast\s+year\b|\bprevious\s+year\b", -1),
    (r"\bi\s*år\b|\bdet\s+här\s+året\b|\bdetta\s+år\b|\bthis\s+year\b|\bi\s+ar\b(?!\w)", 0),
    (r"\bnästa\s+år\b|\bnasta\s+ar\b|\bnext\s+year\b", 1),
]
_PATTERNS = [(re.compile(p, re.IGNORECASE), shift) for p, shift in _RELATIVE]


def with_years(text: str, today: dt.date) -> str:
    """`text` with each relative year replaced by the year it stands for."""
    for pattern, shift in _PATTERNS:
        text = pattern.sub(str(today.year + shift), text)
    return text
