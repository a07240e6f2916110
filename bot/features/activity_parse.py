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
- "måndag"/"monday" is the most recent Monday, today included; "i måndags"/"last monday" is
  the most recent Monday before today (a week ago when today is Monday).
- "12/3" and "12 mars" without a year: the most recent such day not in the future. With
  an explicit year ("2026-12-24", "24/12-2026") a future date is "bad_date", like an
  impossible one ("31/2"). The first date of the line counts; later ones stay in the note.
- Counts: "2 st blåste över" and rattfylla/rattfyllor/rattfyllerister… count as
  "rattfylleri"; bil/bilar/cars/vehicles as "fordon"; a few singulars meet their plural
  ("1 elev" -> "elever"); "3 st" alone is "st". A bare number, or one before "i"/"på"/…,
  or before a place, is not a count.
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

from bot.knowledge.normalize import fold, strip_control
from bot.knowledge.schema import ActivityType, Place


@dataclass(frozen=True, slots=True)
class ParsedActivity:
    kind: str  # ActivityType.id
    promise: str | None  # that type's promise
    place: str | None  # the canonical Place.name, or None
    day: dt.date
    counts: dict[str, int] = field(default_factory=dict)  # {"fordon": 23}
    note: str = ""  # the rest of the line, tidied


@dataclass(frozen=True, slots=True)
class NotUnderstood:
    reason: Literal["empty", "unknown_kind", "bad_date"]
    suggestions: tuple[str, ...] = ()  # closest ActivityType ids, best first


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
_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "maj": 5, "may": 5, "jun": 6, "jul": 7,
           "aug": 8, "sep": 9, "okt": 10, "oct": 10, "nov": 11, "dec": 12}
_WEEKDAYS = {"man": 0, "mon": 0, "tis": 1, "tue": 1, "ons": 2, "wed": 2, "tor": 3, "thu": 3,
             "fre": 4, "fri": 4, "lor": 5, "sat": 5, "son": 6, "sun": 6}
_DEN = r"(?:\b(?:den|on)\s+)?"  # "den 12 mars", "on monday" go with the date
_ISO = re.compile(_DEN + r"(?<![\d/-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d-])", re.I)
_DAY_MONTH = re.compile(
    _DEN + r"(?<![\d/:.-])(\d{1,2})/(\d{1,2})(?:[-/](\d{4}|\d{2})(?!\d)|\s+(\d{4})(?!\d))?"
    r"(?![\d/])", re.I)
_NAMED = re.compile(
    _DEN + r"\b(\d{1,2})(?::?e)?\s*(januari|january|jan|februari|february|feb|mars|march|mar"
    r"|april|apr|maj|may|juni|june|jun|juli|july|jul|augusti|august|aug|september|sept|sep"
    r"|oktober|october|okt|oct|november|nov|december|dec)\b\.?(?:\s+(\d{4})\b)?", re.I)
_RELATIVE = re.compile(
    r"\b(?:(i\s*dag|today|i\s*kv[aä]ll|tonight|i\s*morse)|((?:i\s*)?f[oö]rr?g[aå]r"
    r"|(?:the\s+)?day\s+before\s+yesterday)|(i\s*g[aå]r|yesterday))\b", re.I)
_WEEKDAY = re.compile(
    r"\b(?:(i|last|on)\s+)?(m[aå]ndag|tisdag|onsdag|torsdag|fredag|l[oö]rdag|s[oö]ndag|monday"
    r"|tuesday|wednesday|thursday|friday|saturday|sunday)(s)?\b", re.I)
# Times stay in the note; they are found only so their digits are not taken as counts.
_TIME = re.compile(r"\b(?:kl\.?\s*)?\d{1,2}[:.]\d{2}(?:\s*[-–—]\s*\d{1,2}[:.]\d{2})?\b"
                   r"|\bkl\.?\s*\d{1,2}(?:\s*[-–—]\s*\d{1,2})?\b", re.I)
_REG_NUMBER = re.compile(r"\b[A-Za-z]{3}\s?\d{2}[A-Za-z0-9]\b")  # "ABC 123" is not 123 of anything


def _exact(year: int, month: int, day: int, today: dt.date) -> dt.date | None:
    """A date with its year given; None when impossible or in the future."""
    try:
        date = dt.date(year + 2000 if year < 100 else year, month, day)
    except ValueError:
        return None
    return date if date <= today else None


def _recent(month: int, day: int, today: dt.date) -> dt.date | None:
    """The most recent day/month not after today; None when no year has it."""
    try:
        dt.date(2000, month, day)  # a leap year: anything invalid here is never valid
    except ValueError:
        return None
    year = today.year
    while True:  # ends within 8 years, even for 29/2
        try:
            date = dt.date(year, month, day)
            if date <= today:
                return date
        except ValueError:
            pass
        year -= 1


def _date_of(m: re.Match[str], today: dt.date) -> dt.date | None:
    if m.re is _ISO:
        return _exact(int(m[1]), int(m[2]), int(m[3]), today)
    if m.re is _DAY_MONTH:
        year = m[3] or m[4]
        if year:
            return _exact(int(year), int(m[2]), int(m[1]), today)
        return _recent(int(m[2]), int(m[1]), today)
    if m.re is _NAMED:
        month = _MONTHS[_fold(m[2])[:3]]
        return _exact(int(m[3]), month, int(m[1]), today) if m[3] else _recent(
            month, int(m[1]), today)
    if m.re is _RELATIVE:
        return today - dt.timedelta(days=0 if m[1] else 2 if m[2] else 1)
    back = (today.weekday() - _WEEKDAYS[_fold(m[2])[:3]]) % 7
    strict = bool(m[3]) or (m[1] or "").lower() == "last"  # "i måndags", "last monday"
    return today - dt.timedelta(days=7 if back == 0 and strict else back)


# ------------------------------------------------------------------ counts
_COUNT = re.compile(r"(?<![\w/:.,\-–])(\d{1,5})(?!\d)(?:\s*(st|stycken|styck)\b\.?)?"
                    r"(?:\s*([^\W\d_]+)(?:\s+([^\W\d_]+))?)?")
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

    dates = sorted((m for rx in (_ISO, _DAY_MONTH, _NAMED, _RELATIVE, _WEEKDAY)
                    for m in rx.finditer(text)), key=lambda m: m.start())
    day: dt.date | None = today
    if dates:
        day = _date_of(dates[0], today)
        take(*dates[0].span())
    for m in (*dates[1:], *_TIME.finditer(text), *_REG_NUMBER.finditer(text)):
        take(*m.span(), remove=False)

    kind_vocab = _vocabulary([(k.id, (k.id, k.label.sv, k.label.en, *k.words)) for k in kinds])
    place_vocab = _vocabulary([(p.name, (p.name, *p.aliases)) for p in places])
    counts: dict[str, int] = {}
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
        counts[unit] = counts.get(unit, 0) + int(m[1])
        take(m.start(), end)

    joined = "".join(masked)
    tokens = [_Token(m.start(), m.end(), _fold(m[0])) for m in _WORD.finditer(joined)]
    tokens = [t for t in tokens if t.folded]
    by_id = {k.id: k for k in kinds}
    skip = 0
    kind = _match_at(joined, tokens, 0, kind_vocab) if tokens else None
    if kind is None and tokens and (lead := _match_at(joined, tokens, 0, place_vocab)):
        skip = lead[1]  # "/logga Lomsjö trafikkontroll": the place came first
        kind = _match_at(joined, tokens, skip, kind_vocab) if skip < len(tokens) else None
    if kind is None:
        word = tokens[min(skip, len(tokens) - 1)].folded if tokens else ""
        return NotUnderstood("unknown_kind", _suggest(word, kind_vocab) if word else ())
    if day is None:
        return NotUnderstood("bad_date")
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
    return ParsedActivity(kind[0], by_id[kind[0]].promise, place, day, counts,
                          _tidy("".join(note)))
