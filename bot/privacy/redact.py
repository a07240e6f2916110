"""Replace personal data in free-text feedback by visible Swedish markers.

Redacted, in this order (earlier kinds win, so a later pattern never sees their digits):

- ``[e-post]``: e-mail addresses (first: their local part may hold digits or a date).
- ``[personnummer]``: anything shaped like a personnummer or samordningsnummer (day + 60):
  a date (month 01-12, day 01-31 or 61-91) and four digits, 10 or 12 digits (century 18,
  19 or 20), separated by ``-``, ``+``, a dash, a space or nothing. The check digit is not
  required: a typo in a number is still someone's number. One exception: ten bare digits
  starting with 0 that are a valid Swedish phone number are left to the phone step,
  unless they also pass the personnummer check and are no mobile number.
- ``[telefonnummer]``: what Google's phonenumbers finds as a *valid* number (region SE),
  only when the text holds at least 6 digits. Leniency.VALID catches every usual written
  form yet leaves short numbers, prices, years, dates and postal codes alone (POSSIBLE
  swallows "2019-2022" and "2024-03-15"; the grouping leniencies miss "08-12345678").
  Then any Swedish mobile number (07x and seven digits) the matcher passed over because a
  letter or another number touches it ("0701234567tack").
  Public service numbers in ``PUBLIC_NUMBERS`` are kept: they identify nobody, and the
  bot itself tells people to call them (112, 114 14, 1177, 90101, 116 111,
  Kvinnofridslinjen 020-50 50 50, Åsele kommun's switchboard 0941-140 00).
- ``[adress]``: a street name (a word ending in -vägen, -gatan, -gränd, … ) followed by a
  house number (``Storgatan 12B``, ``Kyrkvägen 3 A``, ``Skolgatan 4, lgh 1102``), and the
  English ``12 Main Street``. A street without a number stays: a coarse place is wanted.
- ``[registreringsnummer]``: number plates ``ABC 123`` and ``ABC 12A`` (any case).
- ``[namn]``: persons' names ("Kalle Svensson", "min granne Lisa", "Anna-Karin"), found by
  bot.privacy.names; the caller passes the words to keep (the knowledge base's places).

Before all of it the text is put in NFC and stripped of invisible format characters
(zero-width spaces, direction overrides, tag characters), which could otherwise split a
number or a name so that no pattern sees it, or reorder what staff see.

Deliberately not redacted: postal codes and place names (coarse place), dates, times,
roads (E45, väg 90), spelled-out or obfuscated addresses ("anna at example dot se").

The contract: `redact` never raises for any string, and with `limit` the result is at most
`limit` characters, cut after redaction (never inside a marker) and ended with "…".
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass

import phonenumbers
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberType
from stdnum import luhn
from stdnum.exceptions import ValidationError
from stdnum.se import personnummer

from bot.privacy.names import find_names

PUBLIC_NUMBERS: frozenset[str] = frozenset(
    {"+46112", "+4611414", "+461177", "+4690101", "+46116111", "+4620505050", "+4694114000"}
)

# Units and counters after a number: "Storgatan 30 km/h" is a speed limit, not an address.
_UNIT = r"(?!\s*(?:%|:-|(?:km|kr|kronor|st|m|mil|min|kg|år|h|tim|timmar|sek|ggr|gånger|procent)\b))"

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])")

# Century only 18/19/20, so a 12-digit order number is not read as a 10-digit one inside it.
# With a separator the number may follow other digits ("070-123 45 67850101-1234"); bare
# digits inside a longer run of digits are not one (see _is_personnummer).
_PNR = re.compile(r"(?P<c>18|19|20)?(?P<d>\d{6})(?P<s> ?[-+\u2010-\u2015\u2212] ?| )?"
                  r"(?P<n>\d{4})(?!\d)")
# A Swedish mobile number that phonenumbers' matcher passes over because letters or more
# digits touch it ("0701234567tack", "+46 70 123 45 67 112"): 07[02369] and 7 digits.
_SEP = r"[ \u00a0]?[-\u2010-\u2015]?[ \u00a0]?"
_MOBILE = re.compile(rf"(?<![\d+])(?:\+46|0046|0){_SEP}(?:\(0\){_SEP})?7[02369](?:{_SEP}\d){{7}}"
                     r"(?!\d)")
# Invisible format characters (category Cf) are dropped, except a zero-width joiner
# between two non-letters (it joins emoji: 👨‍👩‍👧).
_ZWJ = "\u200d"
MARKERS = ("personnummer", "telefonnummer", "e-post", "adress", "registreringsnummer", "namn")
_MARKER = re.compile(r"\[(?:" + "|".join(MARKERS) + r")\]")
ELLIPSIS = "…"

_STREET_SUFFIX = (
    "vägen|väg|gatan|gata|gränden|gränd|stigen|backen|torget|torg|allén|allé|leden|plan|"
    "platsen|stråket|slingan|kajen"
)
# At least one letter before the suffix: a bare "väg 90" or "plan 2" is a road or a floor.
_STREET = re.compile(
    rf"(?<![\w-])(?P<name>(?i:[^\W\d_]+(?:{_STREET_SUFFIX})))"
    r"\s+\d{1,3}(?!\d)(?:\s?-\s?\d{1,3}(?!\d))?(?:\s[A-H]|[A-Ha-h])?(?!\w)"
    r"(?:,?\s*(?i:lgh)\.?\s*\d{4}(?!\d))?"
    rf"(?![:.,]\d){_UNIT}"
)
_STREET_EN = re.compile(
    r"(?<![\w-])\d{1,4}[A-Za-z]?\s+(?:[A-Z][a-z]+\s+){1,2}(?:Street|Road|Avenue|Lane|Drive)\b"
)
# Generic compounds that end like a street name but are not one.
_NOT_STREETS = frozenset(
    "riksväg riksvägen länsväg länsvägen europaväg europavägen motorväg motorvägen landsväg "
    "landsvägen cykelväg cykelvägen gångväg gångvägen genväg genvägen omväg grusväg huvudgata "
    "gågata gågatan flygplan våningsplan handlingsplan detaljplan översiktsplan åtgärdsplan "
    "trafikleden".split()
)

# Plates: 3 letters without I, Q, V (Å/Ä/Ö never appear), then 3 digits or 2 digits and a
# letter that is also not O. Lower case is accepted ("abc 123"), so common 3-letter words
# and abbreviations that precede numbers are excluded below.
_PLATE = re.compile(
    r"(?<![\w-])(?P<l>[A-HJ-PR-UW-Z]{3}) ?\d{2}[\dA-HJ-NPR-UW-Z](?![\w-]|[.,:/]\d)" + _UNIT,
    re.IGNORECASE,
)
_NOT_PLATES = frozenset(
    "och att det som den med har men ett sen kom han hon man kan ska far mor bor nya typ per "
    "tog hur tar bra ner upp mer nog jag dom dem alt ang tex all ute tre sju ref "
    "the and for was has are got had not but you any now our out two one ten yes top "
    "jan feb mar apr maj jun jul aug sep okt dec "
    "sos sek eur usd nok dkk gbp tel tfn mob lgh box kap art avd max tot ext rum bus".split()
)


@dataclass(frozen=True, slots=True)
class Redaction:
    text: str  # the redacted text
    found: dict[str, int]  # kind -> how many were replaced, e.g. {"personnummer": 1}
    truncated: bool = False  # cut to the limit after redaction


def _is_mobile(digits: str) -> bool:
    try:
        number = phonenumbers.parse(digits, "SE")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in (
        PhoneNumberType.MOBILE,
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def _digits(text: str) -> str:
    """ASCII digits for any decimal digits (fullwidth, Arabic-Indic ...)."""
    return "".join(str(unicodedata.digit(ch)) for ch in text)


def _checks_out(century: str, date: str, sep: str, serial: str) -> bool:
    """A real date (day - 60 for a samordningsnummer) and a correct check digit."""
    day = int(date[4:6])
    if day <= 60:
        return personnummer.is_valid(f"{century}{date}{sep}{serial}")
    try:
        personnummer.get_birth_date(f"{century}{date[:4]}{day - 60:02d}{sep}{serial}")
    except ValidationError:
        return False
    return luhn.is_valid(date + serial)


def _is_phone(digits: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(digits, "SE"))
    except phonenumbers.NumberParseException:
        return False


def _is_personnummer(m: re.Match[str]) -> bool:
    if not (m["s"] or "").strip() and m.start() and m.string[m.start() - 1].isdigit():
        return False  # ten or twelve digits inside a longer number
    date, serial = _digits(m["d"]), _digits(m["n"])
    month, day = int(date[2:4]), int(date[4:6])
    if not (1 <= month <= 12 and (1 <= day <= 31 or 61 <= day <= 91)):
        return False
    if m["c"] is None and len(m[0]) == 10 and date.startswith("0") and _is_phone(date + serial):
        # Ten bare digits 0…: see the module docstring.
        return _checks_out("", date, "-", serial) and not _is_mobile(date + serial)
    return True


def _street(m: re.Match[str]) -> bool:
    return m["name"].lower() not in _NOT_STREETS


def _plate(m: re.Match[str]) -> bool:
    return m["l"].lower() not in _NOT_PLATES


Keep = Callable[[re.Match[str]], bool] | None


def _sub(pattern: re.Pattern[str], kind: str, text: str, found: dict[str, int], keep: Keep) -> str:
    """Replace every match that `keep` accepts by ``[kind]`` and count it in `found`."""
    count = 0

    def replace(m: re.Match[str]) -> str:
        nonlocal count
        if keep is not None and not keep(m):
            return m[0]
        count += 1
        return f"[{kind}]"

    text = pattern.sub(replace, text)
    if count:
        found[kind] = found.get(kind, 0) + count
    return text


def _personnummer(text: str, found: dict[str, int]) -> str:
    """Like `_sub`, but a refused match is tried again one character on, so that
    "6719850101-1234" is not hidden by the refused "6719850101"."""
    parts: list[str] = []
    pos = last = count = 0
    while m := _PNR.search(text, pos):
        if _is_personnummer(m):
            parts += [text[last:m.start()], "[personnummer]"]
            pos = last = m.end()
            count += 1
        else:
            pos = m.start() + 1
    if count:
        found["personnummer"] = count
    return "".join(parts) + text[last:]


def _phones(text: str, found: dict[str, int]) -> str:
    parts: list[str] = []
    last = count = 0
    for match in phonenumbers.PhoneNumberMatcher(text, "SE", leniency=Leniency.VALID):
        if phonenumbers.format_number(match.number, PhoneNumberFormat.E164) in PUBLIC_NUMBERS:
            continue
        parts += [text[last : match.start], "[telefonnummer]"]
        last = match.end
        count += 1
    if count:
        found["telefonnummer"] = count
    return "".join(parts) + text[last:]


@functools.lru_cache(maxsize=16)
def _folded(keep: frozenset[str]) -> frozenset[str]:
    return frozenset(word.casefold() for word in keep)


def _names(text: str, found: dict[str, int], keep: frozenset[str]) -> str:
    spans = list(find_names(text, keep))
    for start, end in reversed(spans):
        text = text[:start] + "[namn]" + text[end:]
    if spans:
        found["namn"] = len(spans)
    return text


def clean(text: str) -> str:
    """`text` in NFC without invisible format characters (see the module docstring)."""
    text = unicodedata.normalize("NFC", text)
    if text.isascii():
        return text
    return "".join(ch for i, ch in enumerate(text) if unicodedata.category(ch) != "Cf" or (
        ch == _ZWJ and 0 < i < len(text) - 1
        and not (text[i - 1].isalnum() or text[i + 1].isalnum())))


def truncate(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending with "…", never inside a marker
    nor between a letter and its combining mark."""
    if len(text) <= limit:
        return text
    if limit < 1:
        return ""
    cut = limit - 1
    for m in _MARKER.finditer(text, max(0, cut - 25), cut + 25):
        if m.start() < cut < m.end():
            cut = m.start()
    while cut > 0 and (unicodedata.combining(text[cut]) or text[cut] in "\ufe0e\ufe0f\u200d"
                       or text[cut - 1] == _ZWJ):
        cut -= 1
    return text[:cut].rstrip() + ELLIPSIS


def redact(text: str, keep: Collection[str] = frozenset(), *,
           limit: int | None = None) -> Redaction:
    """Return `text` with personal data replaced by markers, and what was replaced.

    `keep`: words never taken for a person's name on their own (any case), such as the
    knowledge base's places ("Fredrika", "Lomsjö"). `limit`: the most characters the
    result may have; a longer redacted text is cut (see `truncate`). Never raises."""
    found: dict[str, int] = {}
    text = clean(text)
    if "@" in text:
        text = _sub(_EMAIL, "e-post", text, found, None)
    if any(ch.isdigit() for ch in text):  # every kind below but names needs a digit
        text = _personnummer(text, found)
        # The matcher is the slow part; no valid Swedish number has fewer than 6 digits.
        if sum(ch.isdigit() for ch in text) >= 6:
            text = _phones(text, found)
            text = _sub(_MOBILE, "telefonnummer", text, found, None)
        text = _sub(_STREET, "adress", text, found, _street)
        text = _sub(_STREET_EN, "adress", text, found, None)
        text = _sub(_PLATE, "registreringsnummer", text, found, _plate)
    words = _folded(keep if isinstance(keep, frozenset) else frozenset(keep))
    text = _names(text, found, words)
    if limit is not None and len(text) > limit:
        return Redaction(truncate(text, limit), found, truncated=True)
    return Redaction(text, found)
