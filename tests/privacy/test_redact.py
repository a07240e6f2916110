"""The redaction corpus: what must be replaced, and tricky numbers that must survive."""

from __future__ import annotations

import re

import pytest

from bot.privacy import Redaction, redact

PNR, TEL, MAIL = "[personnummer]", "[telefonnummer]", "[e-post]"
ADR, REG, NAME = "[adress]", "[registreringsnummer]", "[namn]"

# (text, redacted text, found)
POSITIVES: list[tuple[str, str, dict[str, int]]] = [
    # personnummer and samordningsnummer (all with a correct Luhn digit)
    ("Mitt personnummer är 850101-1236.", f"Mitt personnummer är {PNR}.", {"personnummer": 1}),
    ("pnr 8501011236, skriv till mig", f"pnr {PNR}, skriv till mig", {"personnummer": 1}),
    ("Jag heter X, 19850101-1236", f"Jag heter X, {PNR}", {"personnummer": 1}),
    ("198501011236 är mitt nummer", f"{PNR} är mitt nummer", {"personnummer": 1}),
    ("(850101 1236)", f"({PNR})", {"personnummer": 1}),
    (
        "Min mormor 190101+0007 bor på äldreboendet",
        f"Min mormor {PNR} bor på äldreboendet",
        {"personnummer": 1},
    ),
    ("samordningsnummer 850161-1233!", f"samordningsnummer {PNR}!", {"personnummer": 1}),
    ("samordningsnr 19850161-1233; tack", f"samordningsnr {PNR}; tack", {"personnummer": 1}),
    (
        "Dottern har 0505151233 och jag 811228-9841.",
        f"Dottern har {PNR} och jag {PNR}.",
        {"personnummer": 2},
    ),
    (
        "Testpersonen 121212-1212 är påhittad",
        f"Testpersonen {PNR} är påhittad",
        {"personnummer": 1},
    ),
    ("my id is 880320-0016", f"my id is {PNR}", {"personnummer": 1}),
    # the check digit is not required: a typo in a number is still someone's number
    ("Ordern 850101-1234 kom aldrig", f"Ordern {PNR} kom aldrig", {"personnummer": 1}),
    ("Ärende 8501011234 är öppet", f"Ärende {PNR} är öppet", {"personnummer": 1}),
    ("ordernummer 4501234567", f"ordernummer {PNR}", {"personnummer": 1}),
    ("samordningsnr 850161-1234", f"samordningsnr {PNR}", {"personnummer": 1}),
    ("jag är född 19850101 1234", f"jag är född {PNR}", {"personnummer": 1}),
    ("mormor 190101+0001 bor här", f"mormor {PNR} bor här", {"personnummer": 1}),
    ("pnr 800231-1234 (fel dag)", f"pnr {PNR} (fel dag)", {"personnummer": 1}),
    # other dashes, other digits, invisible characters inside the number
    ("pnr 850101–1234", f"pnr {PNR}", {"personnummer": 1}),
    ("pnr 850101 − 1234", f"pnr {PNR}", {"personnummer": 1}),
    ("pnr ８５０１０１-１２３４", f"pnr {PNR}", {"personnummer": 1}),
    ("pnr 850101\u200b-12\u20603\u00ad4", f"pnr {PNR}", {"personnummer": 1}),
    ("pnr \u202e850101-1234\u202c!", f"pnr {PNR}!", {"personnummer": 1}),
    # telephone numbers
    ("Ring mig på 070-123 45 67.", f"Ring mig på {TEL}.", {"telefonnummer": 1}),
    ("nr: 0701234567, efter kl 17", f"nr: {TEL}, efter kl 17", {"telefonnummer": 1}),
    ("Mobil +46 70 123 45 67 (sms går bra)", f"Mobil {TEL} (sms går bra)", {"telefonnummer": 1}),
    ("0046701234567 är mitt nr", f"{TEL} är mitt nr", {"telefonnummer": 1}),
    ("ring 070 123 45 67 så förklarar jag", f"ring {TEL} så förklarar jag", {"telefonnummer": 1}),
    (
        "Hemma: 08-123 456 78, jobb: 090-12 34 56.",
        f"Hemma: {TEL}, jobb: {TEL}.",
        {"telefonnummer": 2},
    ),
    (
        "Grannen har tel 0940-123 45 och det är lugnt",
        f"Grannen har tel {TEL} och det är lugnt",
        {"telefonnummer": 1},
    ),
    ("Mitt nummer +46701234567!", f"Mitt nummer {TEL}!", {"telefonnummer": 1}),
    ("call me at 076-123 45 67, thanks", f"call me at {TEL}, thanks", {"telefonnummer": 1}),
    ("Ring 073 - 123 45 67 ikväll", f"Ring {TEL} ikväll", {"telefonnummer": 1}),
    # ten bare digits that are both a mobile and a valid personnummer: read as a phone
    ("sms:a 0701011231 tack", f"sms:a {TEL} tack", {"telefonnummer": 1}),
    ("norskt nummer +47 412 34 567", f"norskt nummer {TEL}", {"telefonnummer": 1}),
    # ten bare digits 0… that fail the personnummer check but are a landline: a phone
    ("0611234567 är mitt nr", f"{TEL} är mitt nr", {"telefonnummer": 1}),
    # e-mail
    ("Mejla anna.svensson@exempel.se.", f"Mejla {MAIL}.", {"e-post": 1}),
    (
        "kontakt: Åsa_85+tips@mail.example.com, eller ring",
        f"kontakt: {MAIL}, eller ring",
        {"e-post": 1},
    ),
    ("(jonas1985@gmail.com)", f"({MAIL})", {"e-post": 1}),
    ("e-post: 850101-1236@exempel.se", f"e-post: {MAIL}", {"e-post": 1}),
    # number plates
    (
        "Bilen ABC 123 kör för fort varje kväll",
        f"Bilen {REG} kör för fort varje kväll",
        {"registreringsnummer": 1},
    ),
    (
        "En svart Volvo, ABC123, stod där.",
        f"En svart Volvo, {REG}, stod där.",
        {"registreringsnummer": 1},
    ),
    ("reg.nr XYZ 12A!", f"reg.nr {REG}!", {"registreringsnummer": 1}),
    ("mopeden hade skylt abc 123", f"mopeden hade skylt {REG}", {"registreringsnummer": 1}),
    ("Två bilar: GHT 456 och MLB 78C.", f"Två bilar: {REG} och {REG}.", {"registreringsnummer": 2}),
    # addresses
    ("Det luktar rök på Storgatan 12B.", f"Det luktar rök på {ADR}.", {"adress": 1}),
    ("Jag bor på Kyrkvägen 3 A i Åsele", f"Jag bor på {ADR} i Åsele", {"adress": 1}),
    ("Skolgatan 4, lgh 1102, har problem", f"{ADR}, har problem", {"adress": 1}),
    ("utanför björkvägen 7 på kvällarna", f"utanför {ADR} på kvällarna", {"adress": 1}),
    ("Vid Åsgränd 2-4 samlas ungdomar", f"Vid {ADR} samlas ungdomar", {"adress": 1}),
    ("Stortorget 1, Järnvägsallén 22 och Lillstigen 9.", f"{ADR}, {ADR} och {ADR}.", {"adress": 3}),
    ("I live at 12 Main Street near the school", f"I live at {ADR} near the school", {"adress": 1}),
    # several kinds in one text
    (
        "Hej! Jag (850101-1236) bor på Storgatan 12, nås på 070-123 45 67 eller "
        "anna@exempel.se. Bilen ABC 123 kör 90 där det är 40.",
        f"Hej! Jag ({PNR}) bor på {ADR}, nås på {TEL} eller {MAIL}. "
        f"Bilen {REG} kör 90 där det är 40.",
        {"personnummer": 1, "adress": 1, "telefonnummer": 1, "e-post": 1, "registreringsnummer": 1},
    ),
    (
        "Kalle Svensson på Storgatan 12 har pnr 850101-1234",
        f"{NAME} på {ADR} har pnr {PNR}",
        {"personnummer": 1, "adress": 1, "namn": 1},
    ),
    (
        "Ring 112 om det brinner. Annars 0702223344 eller Älvgatan 5.",
        f"Ring 112 om det brinner. Annars {TEL} eller {ADR}.",
        {"telefonnummer": 1, "adress": 1},
    ),
]

NEGATIVES: list[str] = [
    # dates, years, periods
    "Det hände 2024-03-15 vid skolan.",
    "Senast den 15/3 var det lugnt.",
    "den 3 maj 2022 brann det",
    "Löftet gällde 2021–2022.",
    "under perioden 2019-2022 blev det bättre",
    "20240315 skrev jag förra gången",
    # prices
    "Biljetten kostar 149 kr.",
    "Jag fick böta 1 500 kr!",
    "Säljs för 2000:- på torget",
    "1 500 000 kr till nya gatlyktor",
    # speeds and times
    "De kör 90 km/h förbi skolan",
    "kör 90 där det är 40",
    "vid 100 km/h blir det farligt",
    "Öppet 14:00–15:30 varje dag",
    "Efter kl 22 blir det stökigt",
    "kl 14.00-15.30 på fredagar",
    # emergency and service numbers
    "Ring 112 vid fara.",
    "Polisen når du på 114 14.",
    "eller 11414 om det inte är akut",
    "Sjukvårdsråd: 1177",
    "Självmordslinjen 90101 är öppen dygnet runt",
    "Bris 116 111 för barn och unga",
    "Kvinnofridslinjen 020-50 50 50",
    "Kommunens växel 0941-140 00 svarar",
    "112, 114 14, 1177 och 90101",
    "SOS 112",
    # counts, roads, postal codes, weeks
    "Vi räknade 23 fordon på en timme.",
    "Skolan har 40 elever.",
    "Längs E45 mot Åsele",
    "På väg 90 vid bron",
    "Rv 92 är ofta mörk",
    "Adress: Box 1, 919 32 Åsele",
    "Det var v.48 eller v 48",
    "vecka 48 i år",
    # not shaped like a personnummer: no month 13 or 00, no day 00, 32-60 or over 91
    "ref 199913451234",
    "Ärende 8513011234 är öppet",
    "ordernummer 4500001234",
    "ref 8501321234 och 8501001234",
    "kod 8501921234",
    "faktura 1234567890",
    "0000000000",
    "ärendenummer 2024-123456",
    "Det hände 2024-03-15 14:30",
    "perioden 2025-2027, kl 14:00-15:30, 23 fordon",
    # streets without number, misc.
    "Vid Storgatan är det mörkt",
    "Storgatan 30 km/h gäller inte",
    "Längs riksväg 90 och länsväg 350",
    "Planen gäller våningsplan 2",
    "3 st ungdomar, 50 % av kvällarna",
    "Buss nr 5 går inte",
    "det var typ 100 personer och han 123 gånger",
    "the car was 100 km away",
    "Vi har 123 medlemmar",
    "har 100 kr, med 120 i kurvorna",
    "lgh 110 och tfn 123",
    "Rum 123 och kap 4",
]


@pytest.mark.parametrize(("text", "expected", "found"), POSITIVES)
def test_redacts(text: str, expected: str, found: dict[str, int]) -> None:
    result = redact(text)
    assert result == Redaction(expected, found)


@pytest.mark.parametrize("text", NEGATIVES)
def test_keeps(text: str) -> None:
    assert redact(text) == Redaction(text, {})


def test_corpus_is_big_enough() -> None:
    assert len(POSITIVES) >= 40 and len(NEGATIVES) >= 40
    kinds = {kind for _, _, found in POSITIVES for kind in found}
    assert kinds == {"personnummer", "telefonnummer", "e-post", "registreringsnummer", "adress",
                     "namn"}


ALL_TEXTS = [t for t, _, _ in POSITIVES] + NEGATIVES


@pytest.mark.parametrize("text", ALL_TEXTS)
def test_idempotent(text: str) -> None:
    once = redact(text)
    twice = redact(once.text)
    assert twice.text == once.text
    assert twice.found == {}


def test_markers_hold_no_digits() -> None:
    markers = {m for t in ALL_TEXTS for m in re.findall(r"\[[^\]]*\]", redact(t).text)}
    assert markers == {PNR, TEL, MAIL, ADR, REG, NAME}
    assert not any(ch.isdigit() for m in markers for ch in m)


def test_empty_and_digitless() -> None:
    assert redact("") == Redaction("", {})
    assert redact("Inga siffror här, bara å, ä och ö.") == Redaction(
        "Inga siffror här, bara å, ä och ö.", {}
    )


def test_found_counts_repeated_kind() -> None:
    text = "0701234567 / 0702223344 / 0703334455"
    assert redact(text).found == {"telefonnummer": 3}
