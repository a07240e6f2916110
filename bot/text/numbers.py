"""Whole numbers as people type them, in any script, without trusting int() or isdigit().

`str.isdigit()` is true for "²" and "①", which `int()` then refuses; `int()` takes "٣" and
"３" but the folded text drops them; and a pasted run of thousands of digits makes `int()`
raise. Every place where a person's text becomes a number goes through `read_int`.
"""

from __future__ import annotations

import re
import unicodedata

MAX_DIGITS = 40  # longer digit runs are not a number anybody means (and int() is costly)
# What may stand around a number picked from a list: "3.", "3)", "(3)", "#3", "nr 3".
_AROUND = re.compile(r"^(?:nr\.?|no\.?|nummer|number|#)?\s*\(?\s*(.*?)\s*[).:!]*$", re.I)
# Thousands grouped by a space: "1 000", "12 500" (NFKC has made NBSP and thin spaces " ").
_GROUPED = re.compile(r"^\d{1,3}(?: \d{3})+$")


def ascii_digits(text: str) -> str:
    """`text` with compatibility forms unfolded ("²" -> "2", "①" -> "1", "３" -> "3"),
    every decimal digit of any script made ASCII ("٣" -> "3"), and combining marks (the
    keycap of "1️⃣") dropped."""
    out = []
    for ch in unicodedata.normalize("NFKC", text):
        if unicodedata.category(ch)[0] == "M":
            continue
        digit = unicodedata.decimal(ch, None) if not ch.isascii() else None
        out.append(str(digit) if digit is not None else ch)
    return "".join(out)


def read_int(text: str) -> int | None:
    """The whole number that `text` is, alone ("3", " ٣ ", "②", "3.", "(3)", "1 000"), or
    None when it is anything else ("-5", "3,5", "10**30", "två"). Never raises."""
    if len(text) > 4 * MAX_DIGITS:
        return None
    match = _AROUND.match(ascii_digits(text).strip())
    body = match.group(1) if match else ""
    if _GROUPED.match(body):
        body = body.replace(" ", "")
    if not body or len(body) > MAX_DIGITS or not body.isascii() or not body.isdigit():
        return None
    return int(body)



def grouped(n: int, lang: str) -> str:
    """A count as people read it: "44 803" in Swedish (a no-break space), "44,803" in
    English."""
    return f"{n:,}".replace(",", "\u00a0" if lang == "sv" else ",")


def decimal(x: float, lang: str) -> str:
    """A mean with one decimal, as people read it: "3,4" in Swedish, "3.4" in English."""
    text = f"{x:.1f}"
    return text if lang.startswith("en") else text.replace(".", ",")
