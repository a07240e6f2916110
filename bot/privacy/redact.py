"""Replace personal data in free-text feedback by visible Swedish markers.

Redacted, in this order (earlier kinds win, so a later pattern never sees their digits):

- ``[e-post]``: e-mail addresses (first: their local part may hold digits or a date).
- ``[personnummer]``: personnummer and samordningsnummer (day + 60), 10 or 12 digits,
  separated by ``-``, ``+``, a space or nothing. Only numbers with a real date and a correct
  Luhn digit count: a date + 4 digits that fails Luhn is kept, because it is *not* a
  personnummer (an order or case number) and hiding it would destroy useful feedback.
  One exception: ten bare digits that are also a valid Swedish mobile number (07…) are left
  to the phone step, since a phone number is by far the likelier reading.
- ``[telefonnummer]``: what Google's phonenumbers finds as a *valid* number (region SE),
  only when the text holds at least 6 digits. Leniency.VALID catches every usual written
  form yet leaves short numbers, prices, years, dates and postal codes alone (POSSIBLE
  swallows "2019-2022" and "2024-03-15"; the grouping leniencies miss "08-12345678").
  Public service numbers in ``PUBLIC_NUMBERS`` are kept: they identify nobody, and the
  bot itself tells people to call them (112, 114 14, 1177, 90101, 116 111,
  Kvinnofridslinjen 020-50 50 50, Åsele kommun's switchboard 0941-140 00).
- ``[adress]``: a street name (a word ending in -vägen, -gatan, -gränd, … ) followed by a
  house number (``Storgatan 12B``, ``Kyrkvägen 3 A``, ``Skolgatan 4, lgh 1102``), and the
  English ``12 Main Street``. A street without a number stays: a coarse place is wanted.
- ``[registreringsnummer]``: number plates ``ABC 123`` and ``ABC 12A`` (any case).

Deliberately not redacted: names (no reliable way to tell them from places and words, and
false hits would ruin the feedback), postal codes and place names (coarse place), dates,
times, roads (E45, väg 90), numbers failing the personnummer check, spelled-out or
obfuscated addresses ("anna at example dot se").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import phonenumbers
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberType
from stdnum import luhn
from stdnum.exceptions import ValidationError
from stdnum.se import personnummer

PUBLIC_NUMBERS: frozenset[str] = frozenset(
    {"+46112", "+4611414", "+461177", "+4690101", "+46116111", "+4620505050", "+4694114000"}
)

# Units and counters after a number: "Storgatan 30 km/h" is a speed limit, not an address.
_UNIT = r"(?!\s*(?:%|:-|(?:km|kr|kronor|st|m|mil|min|kg|år|h|tim|timmar|sek|ggr|gånger|procent)\b))"

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])")

# Century only 18/19/20, so a 12-digit order number is not read as a 10-digit one inside it.
_PNR = re.compile(r"(?<!\d)(?P<c>18|19|20)?(?P<d>\d{6}) ?(?P<s>[-+])? ?(?P<n>\d{4})(?!\d)")

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


def _is_mobile(digits: str) -> bool:
    try:
        number = phonenumbers.parse(digits, "SE")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in (
        PhoneNumberType.MOBILE,
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def _is_personnummer(m: re.Match[str]) -> bool:
    century, date, sep, serial = m["c"] or "", m["d"], m["s"], m["n"]
    if len(m[0]) == 10 and date.startswith("07") and _is_mobile(m[0]):
        return False  # ten bare digits 07…: see the module docstring
    day = int(date[4:6])
    if day <= 60:
        return personnummer.is_valid(f"{century}{date}{sep or '-'}{serial}")
    # Samordningsnummer: stdnum rejects day + 60 as a date, so check the real date and
    # the Luhn digit (computed over the number as written) separately.
    real = f"{century}{date[:4]}{day - 60:02d}{sep or '-'}{serial}"
    try:
        personnummer.get_birth_date(real)
    except ValidationError:
        return False
    return luhn.is_valid(date + serial)


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


def redact(text: str) -> Redaction:
    """Return `text` with personal data replaced by markers, and what was replaced."""
    found: dict[str, int] = {}
    if "@" in text:
        text = _sub(_EMAIL, "e-post", text, found, None)
    if not any(ch.isdigit() for ch in text):  # every kind below needs a digit
        return Redaction(text, found)
    text = _sub(_PNR, "personnummer", text, found, _is_personnummer)
    # The matcher is the slow part; no valid Swedish number has fewer than 6 digits.
    if sum(ch.isdigit() for ch in text) >= 6:
        text = _phones(text, found)
    text = _sub(_STREET, "adress", text, found, _street)
    text = _sub(_STREET_EN, "adress", text, found, None)
    text = _sub(_PLATE, "registreringsnummer", text, found, _plate)
    return Redaction(text, found)
