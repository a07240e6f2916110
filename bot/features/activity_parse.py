"""Parse a staff member's activity log line: "/logga trafikkontroll Lomsjö igår 23 fordon".

Staff type these on a phone right after a shift, so the parser forgives: the activity type
and the place are matched fuzzily on folded text (typos, missing å/ä/ö), and whatever is
not understood is kept in the note instead of being dropped.

Decisions:
- The line is read in this order: dates (and times, which only shield their numbers),
  counts, the type, the place; the rest is the note, original casing kept.
- The type is the first word(s) not taken by a date or a count, or the words right after a
  leading place ("/logga Lomsjö trafikkontroll"). Nothing left for it is "unknown_kind".
- Only the best (then earliest) place is taken, with a preposition before it ("i Lomsjö");
  a second place stays in the note. Words under 5 letters must match exactly ("alla" is
  not Hälla).
- Dates (bot.features.dates): "måndag"/"monday" is the most recent Monday, today included;
  "i måndags"/"last monday" the most recent before today. "12/3" and "12 mars" without a
  year: the most recent such day not in the future. A date that is written but cannot be
  used is "bad_date" with the DateProblem (never today instead): not in the calendar
  ("31/2", "0000-01-01", "1/1-99999"), in the future ("2026-12-24", "imorgon"), or more
  than LOG_YEARS back ("0001-01-01" is year 1, not 2001). The first date of the line
  counts; later ones stay in the note.
- Counts: "2 st blåste över" and rattfylla/rattfyllor/rattfyllerister… count as
  "rattfylleri"; bil/bilar/cars/vehicles as "fordon"; a few singulars meet their plural
  ("1 elev" -> "elever"); "3 st" alone is "st". A bare number, or one before "i"/"på"/…,
  or before a place, is not a count. "10 000 fordon" is ten thousand. A count over
  MAX_COUNT (alone or summed, "2147483648 fordon") is "big_count": a typo, not a record.
- An unknown type gets up to three ids scoring at least 60 against its first word, so
  nonsense gets no suggestions. When both the type and the date are wrong, the type wins.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from rapidfuzz import fuzz, process

from bot.features.dates import (
    WEEK,
    WEEKDAY,
    DateProblem,
    find_dates,
    main_date,
    past_day,
    week_of,
)
from bot.knowledge.schema import ActivityType, Place
from bot.text.normalize import fold, strip_control


@dataclass(frozen=True, slots=True)
class ParsedActivity:
    kind: str  # ActivityType.id (the promise it serves depends on the day: kb.serves)
    place: str | None  # the canonical Place.name, or None
    day: dt.date
    counts: dict[str, int] = field(default_factory=dict)  # {"fordon": 23}
    note: str = ""  # the rest of the line, tidied
    dated: bool = field(default=False, compare=False)  # a date was written (not today's)


@dataclass(frozen=True, slots=True)
class NotUnderstood:
    reason: Literal["empty", "unknown_kind", "bad_date", "big_count"]
    suggestions: tuple[str, ...] = ()  # closest ActivityType ids, best first
    date: DateProblem | None = None  # what is wrong with the date ("bad_date")
    words: str = ""  # the count as written ("big_count"), shortened


# The vocabularies are folded on every call (the functions stay pure); caching fold makes
# that cheap.
_fold = lru_cache(maxsize=8192)(fold)

CUTOFF = 85  # fuzz.ratio: a typo or two in a long word, not another word
SUGGEST_FLOOR = 60
MIN_FUZZY = 5  # shorter words are too easily another word: exact only

# ------------------------------------------------------------------ the command
_COMMANDS = {"logga", "logg", "log"}
_SLASH = re.compile(r"\s*/(\w+)\b:?(.*)", re.S)
_COLON = re.compile(r"\s*(\w+)\s*:(.*)", re.S)
# "Logga trafikkontroll: …": a colon within the first words; never "logga in/ut".
_COLON_LATER = re.compile(r"\s*(\w+)\s+(?!(?:in|ut|out)\b)([^:\n]{1,80}:.*)", re.S | re.I)


def is_log_command(text: str) -> str | None:
    """The rest of the line if `text` is a log command ("/logga …", "Logga …:"), else None."""
    for pattern in (_SLASH, _COLON, _COLON_LATER):
        m = pattern.fullmatch(text)
        if m and _fold(m.group(1)) in _COMMANDS:
            return m.group(2).strip()
    return None


# ------------------------------------------------------------------ dates and times
# Times stay in the note; they are found only so their digits are not taken as counts.
_TIME = re.compile(r"\b(?:kl\.?\s*)?\d{1,2}[:.]\d{2}(?:\s*[-–—]\s*\d{1,2}[:.]\d{2})?\b"
                   r"|\bkl\.?\s*\d{1,2}(?:\s*[-–—]\s*\d{1,2})?\b", re.I)
_REG_NUMBER = re.compile(r"\b[A-Za-z]{3}\s?\d{2}[A-Za-z0-9]\b")  # "ABC 123" is not 123 of anything
LOG_YEARS = 10  # a date further back than 1 January ten years ago is a typo of the year


# ------------------------------------------------------------------ counts
_COUNT = re.compile(r"(?<![\w/:.,\-–])(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?!\d)"
                    r"(?:\s*(st|stycken|styck)\b\.?)?(?:\s*([^\W\d_]+)(?:\s+([^\W\d_]+))?)?")
MAX_COUNT = 99_999  # of one unit in one entry
_DIGITS_SHOWN = 12
_UNITS = {  # folded word(s) -> the unit stored, so that counts add up across entries
    **dict.fromkeys(["rattfylla", "rattfyllor", "rattfyllerist", "rattfyllerister",
                     "rattfylleri", "rattfyllerier", "blaste over", "blast over",
                     "drunk driver", "drunk drivers"], "rattfylleri"),
    **dict.fromkeys(["bil", "bilar", "car", "cars", "vehicle", "vehicles"], "fordon"),
    "elev": "elever", "person": "personer", "foralder": "föräldrar",
}
_NOT_UNITS = set("i pa vid och av till med for fran om som at in on and of the to kl den".split())
_PREPOSITIONS = {"i", "pa", "vid", "utanfor", "in", "at", "near"}

# ------------------------------------------------------------------ words and the note
_WORD = re.compile(r"[^\W\d_]+")
_JOINER = re.compile(r"[\s-]+")
_SPACE_BEFORE = re.compile(r"\s+([,.;:!?)])")
_REPEATED = re.compile(r"([,;:])(?:\s*[,;:.])+")
_EMPTY_PARENS = re.compile(r"\(\s*\)")
_EDGES = re.compile(r"^[\s,;:.!?\-–—]+|[\s,;:\-–—]+$")


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    folded: str


def _vocabulary(entries: Sequence[tuple[str, Sequence[str]]]) -> dict[str, str]:
    """Folded phrase -> value; the first entry to claim a phrase keeps it."""
    out: dict[str, str] = {}
    for value, phrases in entries:
        for phrase in phrases:
            if folded := _fold(phrase):
                out.setdefault(folded, value)
    return out


def _match_at(text: str, tokens: list[_Token], i: int,
              vocab: dict[str, str]) -> tuple[str, int, float] | None:
    """The best (value, number of words, score) for the words starting at tokens[i]."""
    longest = max((p.count(" ") + 1 for p in vocab), default=1)
    run = tokens[i:i + 1]
    while len(run) < longest and i + len(run) < len(tokens) and _JOINER.fullmatch(
            text[run[-1].end:tokens[i + len(run)].start]):
        run.append(tokens[i + len(run)])
    best: tuple[str, int, float] | None = None
    for n in range(1, len(run) + 1):
        cand = " ".join(t.folded for t in run[:n])
        if cand in vocab:
            hit: tuple[str, float] | None = (vocab[cand], 100.0)
        elif len(cand) >= MIN_FUZZY and (
                found := process.extractOne(cand, vocab.keys(), scorer=fuzz.ratio,
                                            score_cutoff=CUTOFF)):
            hit = (vocab[found[0]], found[1])
        else:
            hit = None
        if hit and (best is None or hit[1] >= best[2]):  # ties go to the longer phrase
            best = (hit[0], n, hit[1])
    return best


def _suggest(word: str, vocab: dict[str, str]) -> tuple[str, ...]:
    scores: dict[str, float] = {}
    for phrase, score, _ in process.extract(word, vocab.keys(), scorer=fuzz.ratio, limit=None):
        if score >= SUGGEST_FLOOR and score > scores.get(vocab[phrase], -1):
            scores[vocab[phrase]] = score
    return tuple(sorted(scores, key=lambda k: -scores[k])[:3])


def _tidy(text: str) -> str:
    text = " ".join(_EMPTY_PARENS.sub(" ", text).split())
    text = _REPEATED.sub(r"\1", _SPACE_BEFORE.sub(r"\1", text))
    text = _EDGES.sub("", text)
    return text if any(ch.isalnum() for ch in text) else ""


def parse_activity(text: str, kinds: Sequence[ActivityType], places: Sequence[Place],
                   today: dt.date) -> ParsedActivity | NotUnderstood:
    """Read one log line (with or without its "/logga") into its parts (see module doc)."""
    text = strip_control(text)
    rest = is_log_command(text)
    text = rest if rest is not None else text.strip()
    if not any(ch.isalnum() for ch in text):
        return NotUnderstood("empty")
    masked = list(text)  # dates, times and counts become "\0" so later steps skip them
    removed: list[tuple[int, int]] = []

    def take(start: int, end: int, remove: bool = True) -> None:
        masked[start:end] = "\0" * (end - start)
        if remove:
            removed.append((start, end))

    dates = find_dates(text)
    main = main_date(dates)
    day: dt.date | DateProblem = today
    if main is not None:
        day = past_day(main, today, LOG_YEARS, week_of(text))
        take(*main.span())
        if main.re is WEEKDAY:  # "onsdag v 48": the week is part of the date, not a note
            for week in WEEK.finditer(text):
                take(*week.span())
    for m in (*[d for d in dates if d is not main], *_TIME.finditer(text),
              *_REG_NUMBER.finditer(text)):
        take(*m.span(), remove=False)

    kind_vocab = _vocabulary([(k.id, (k.id, k.label.sv, k.label.en, *k.words)) for k in kinds])
    place_vocab = _vocabulary([(p.name, (p.name, *p.aliases)) for p in places])
    counts: dict[str, int] = {}
    too_big = ""
    for m in _COUNT.finditer("".join(masked)):
        first, second = (_fold(w) if w else "" for w in (m[3], m[4]))
        if second and f"{first} {second}" in _UNITS:
            unit, end = _UNITS[f"{first} {second}"], m.end(4)
        elif first and first not in _NOT_UNITS and first not in place_vocab:
            unit, end = _UNITS.get(first, m[3].lower()), m.end(3)
        elif m[2]:
            unit, end = "st", m.end(2)
        else:
            continue
        digits = "".join(m[1].split())
        number = int(digits) if len(digits) <= len(str(MAX_COUNT)) else MAX_COUNT + 1
        counts[unit] = counts.get(unit, 0) + number
        if counts[unit] > MAX_COUNT and not too_big:
            shown = digits if len(digits) <= _DIGITS_SHOWN else digits[:_DIGITS_SHOWN] + "…"
            too_big = f"{shown} {unit}" if number > MAX_COUNT else f"{counts[unit]} {unit}"
        take(m.start(), end)

    joined = "".join(masked)
    tokens = [_Token(m.start(), m.end(), _fold(m[0])) for m in _WORD.finditer(joined)]
    tokens = [t for t in tokens if t.folded]
    skip = 0
    kind = _match_at(joined, tokens, 0, kind_vocab) if tokens else None
    if kind is None and tokens and (lead := _match_at(joined, tokens, 0, place_vocab)):
        skip = lead[1]  # "/logga Lomsjö trafikkontroll": the place came first
        kind = _match_at(joined, tokens, skip, kind_vocab) if skip < len(tokens) else None
    if kind is None:
        word = tokens[min(skip, len(tokens) - 1)].folded if tokens else ""
        return NotUnderstood("unknown_kind", _suggest(word, kind_vocab) if word else ())
    if isinstance(day, DateProblem):
        return NotUnderstood("bad_date", date=day)
    if too_big:
        return NotUnderstood("big_count", words=too_big)
    kind_tokens = tokens[skip:skip + kind[1]]
    removed.append((kind_tokens[0].start, kind_tokens[-1].end))
    tokens = tokens[:skip] + tokens[skip + kind[1]:]

    place: str | None = None
    best: tuple[int, int, float] | None = None  # token index, words, score
    for i in range(len(tokens)):
        hit = _match_at(joined, tokens, i, place_vocab)
        if hit and (best is None or hit[2] > best[2]):
            place, best = hit[0], (i, hit[1], hit[2])
    if best:
        i, n, _ = best
        start = tokens[i].start
        if i and tokens[i - 1].folded in _PREPOSITIONS and joined[
                tokens[i - 1].end:start].isspace():
            start = tokens[i - 1].start
        removed.append((start, tokens[i + n - 1].end))

    note = list(text)
    for start, end in removed:
        note[start:end] = " " * (end - start)
    return ParsedActivity(kind[0], place, day, counts, _tidy("".join(note)), dated=bool(dates))
