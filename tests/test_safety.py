"""Tests for the safety check: acute danger (112), crime reports, and things that are neither."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.messages import IncomingMessage, Outcome
from bot.core.turn import Turn
from bot.features.safety import SafetyAlert, SafetyCheck, detect, render

EMERGENCIES = [
    # From questions.yaml.
    "Det är nån som slår sönder dörren hos grannen NU",
    "han som körde full körde precis i diket, bilen ligger på taket",
    "Min sambo hotar mig med kniv, jag har låst in mig på toan",
    # Swedish, everyday language, slang, typos, no punctuation, capitals.
    "HJÄLP det brinner i huset!!!",
    "det brinner i skogen nära byn",
    "ladan brinner",
    "det ryker ur fönstret hos grannen",
    "min pappa andas inte",
    "han är medvetslös",
    "hon blöder jättemycket",
    "någon bryter sig in i mitt hus",
    "nån försöker bryta sig in hos mig just nu",
    "det är nån inne i huset",
    "inbrott pågår i affären",
    "grannen slår sin fru",
    "min man slår mig, vad ska jag göra?",
    "pappa slår mig",
    "han slåår mig",
    "dom misshandlar en kille vid busstationen",
    "han har en kniv",
    "nån viftar med kniv utanför konsum",
    "någon skjuter vid skolan",
    "det har hänt en olycka vid bron, folk är skadade",
    "krock på vägen nu",
    "bil i diket nyss",
    "han kör full just nu",
    "min kompis vill ta livet av sig",
    "jag orkar inte leva mer",
    "jag vill dö",
    "jag vill inte leva längre",
    "JAG VILL TA LIVET AV MIG",
    "vill inte finnas längre",
    "tänker på självmord",
    "han hotar mig",
    "mitt ex står utanför och hotar mig",
    "två killar slåss utanför Konsum",
    "det är slagsmål utanför puben nu",
    "ring polisen!!",
    "ring ambulans",
    "barnet andas inte",
    "ett barn har gått genom isen",
    "min son har tagit en överdos",
    "vad gör polisen, grannen slår sin fru NU",
    "det brinner pa garaget",
    "Min Sambo Hotar Att Döda Mig",
    "ja vill int leva",
    "jag mår så dåligt vill bara försvinna",
    "min kompis skär sig",
    "mitt barn är försvunnet",
    "grannens hus står i lågor",
    "BRAND!!",
    "polis!! snabbt",
    "det ligger en man på vägen och rör sig inte",
    "min vän har tagit massa piller",
    "Någon har kört på en älg och ligger blödande på vägen",
    "det luktar rök i trapphuset",
    "någon har tänt eld på containern",
    "jag blev precis misshandlad",
    "snubben har en bössa",
    "det står en kille med kniv vid skolan",
    "hur anmäler jag att min sambo hotar mig",
    # English.
    "I want to kill myself",
    "i dont want to live anymore",
    "my daughter wants to kill herself",
    "there's a fire in my neighbours house",
    "my house is on fire",
    "my friend is not breathing",
    "he collapsed and is unconscious",
    "Someone is breaking into my house right now",
    "there is a burglar in my house",
    "my boyfriend is hitting me",
    "my husband is threatening to kill me",
    "he has a knife",
    "I hear shots right now",
    "There's been a car accident, people are injured",
    "someone is following me and i am scared",
    "a car just crashed outside the school",
    "help someones trying to get in",
    "my kid is missing",
    "smoke everywhere",
    "fire!!",
    "my friend took a lot of pills",
    "i am going to end it tonight",
    "I was just attacked",
    "he is threatening me with a knife",
    "someone is drowning in the lake",
    "någon följer efter mig just nu",
    "en kille har följt efter mig hela vägen, han springer efter mig",
    "I am being followed",
    # Found by a probe of everyday messages (2nd round).
    "farsan e full och slår morsan",
    "mitt ex har tagit sig in i lägenheten",
    "det är nån i huset, jag hör steg på övervåningen",
    "nån knivhögg min kompis",
    "en bil har följt efter mig från åsele och står nu utanför",
    "en kille följde efter mig hem från bussen",
    "någon står utanför mitt fönster och tittar in, jag är rädd",
    "det står en man utanför min dörr och vägrar gå",
    "skorstensbrand hos oss",
    "bil har kört av vägen vid E45, föraren sitter fast",
    "min mamma har ramlat och kan inte resa sig, hon svarar inte",
    "min kompis har tagit nåt och vaknar inte",
    "hon får ingen luft",
    "jag har tabletterna framför mig",
    "har skrivit ett avskedsbrev",
    "vi hittar inte vår 4-åring",
    "my ex is outside my house and wont leave, he threatened me",
    "someone followed me home and is standing outside",
    "a truck hit a kid on a bike",
    "my grandma fell and hit her head and isnt waking up",
    "my friend took something and wont wake up",
    "nobody would care if i was gone",
    "my son didnt come home and hes not answering",
    "we cant find our little girl",
]

REPORTS = [
    "jag blev misshandlad igår, hur anmäler jag?",
    "någon har stulit min cykel",
    "hur gör jag en polisanmälan",
    "vill tipsa polisen om langning",
    "jag vill tipsa om att någon säljer knark vid skolan",
    "hur kan jag tipsa polisen anonymt",
    "kan jag anmäla anonymt?",
    "mitt ex hotade mig i förrgår",
    "det har varit inbrott i min stuga",
    "nån har brutit sig in i förrådet",
    "jag blev rånad förra veckan",
    "blev lurad på nätet, vart vänder jag mig",
    "jag vill anmäla att min moped är stulen",
    "jag vill lämna ett anonymt tips om langning",
    "Om min man slår mig igen, vad gör jag?",
    "I want to report a crime",
    "I was robbed last week, how do I report it",
    "my bike was stolen",
    "someone stole my car",
    "how do I file a police report",
    "I want to give the police a tip about drug dealing",
    "I got scammed online",
    # Somebody seen doing a crime: a tip, for 114 14 or polisen.se.
    "jag ser folk som langar vid macken varje fredag",
    "grannen säljer knark",
    "det är nån som langar på skolgården",
    "min granne kör full varje helg",
    "I know someone who is dealing drugs at school",
    # Found by a probe of everyday messages (2nd round).
    "någon har tagit min cykel vid badplatsen",
    "inbrott i garaget i natt, dom tog verktygen",
    "nån har brutit upp mitt förråd i helgen",
    "det har varit inbrott i sommarstugan i vintras",
    "ser ofta samma bil langa vid bensinmacken",
    "det säljs knark vid fritidsgården",
    "en kille på mopedbil säljer snus och sprit till 13åringar",
    "han som bor på hörnet säljer tjack",
    "grannen har hembränt och säljer till ungdomar",
    "en gubbe i byn kör alltid full på lördagar",
    "någon har ringt och lurat min mamma att ge ut bankid",
    "de har slagit sönder busskuren igen",
    "nån har sprayat på min garageport",
    "min bil blev repad i natt",
    "en kille följde efter mig förra veckan",
    "my bike got nicked",
    "there is a guy who drives drunk every friday",
    "a woman in our street sells drugs from her house",
    "someone spray painted the school",
    "someone smashed my car window while i was at work",
]

NOTHING = [
    # From the brief and questions.yaml.
    "hjälp",
    "hjälp mig",
    "jag hörde om ett inbrott förra året",
    "vad gör polisen mot rattfylleri",
    "Varför står polisen å blåser folk vid Konsum hela tiden",
    "Fortkörning genom samhället, folk kör 90 där det är 40",
    "Finns det knark i Åsele på riktigt?",
    "Känner mig otrygg vid busstationen när det är mörkt",
    "vad är målen",
    "kan jag vara anonym",
    "Kan jag vara anonym om jag skriver här? sparar ni mitt nummer?",
    "hur ser man om ens unge röker gräs?",
    "vad gör kommunen mot bränder i skogen?",
    "what is a citizen promise",
    "Skulle vilja lämna synpunkt: bra med mer polis i byarna!",
    "Kommer snuten till Gafsele nån gång eller?",
    "vem ringer vi om vi ser kids som verkar påverkade",
    "Vi på fritidsgården ser kids som verkar påverkade, vem ringer vi?",
    "hej bot, funkar du? polsen svarar inte på 11414",
    "hur många olyckor var det i fjol",
    "Vem är kommunpolis för Åsele och hur når jag hen?",
    "Jag är lärare på centralskolan, kan vi boka en info om drogtecken till personalen i höst?",
    "vad kostar hundskatten",
    "länk till pdf",
    # Past, hearsay, hypotheticals, general questions.
    "vad händer om det brinner i skolan?",
    "jag läste om en olycka i tidningen",
    "det var en brand i Fredrika förra året",
    "det brann i byn i fjol",
    "hur många inbrott var det i Åsele 2022",
    "vad gör polisen mot knivbrott",
    "får man ha kniv i bilen?",
    "när ska man ringa 112",
    "när ska jag ringa polisen och när 114 14",
    "Finns det inbrott i byarna nu?",
    "jag hörde att någon stulit grannens bil",
    "vad gör kommunen för att förebygga självskador bland unga",
    "Hur jobbar polisen mot våld i nära relationer?",
    "hur ofta är det olyckor på E45",
    "det är precis som förra året, inget händer",
    "är det mycket fylla vid konsum nu för tiden",
    # Words that only look dangerous.
    "Vad gäller nu för medborgarlöftet?",
    "Kommer det mer polis nu?",
    "jag slår en signal till kommunen imorgon",
    "hur slår jag på notiser",
    "vi skjuter upp mötet",
    "kommunen hotar att stänga skolan",
    "hur anmäler jag mig till trygghetsvandringen?",
    "har lärare anmälningsplikt?",
    "hur gör jag en orosanmälan",
    "har ni några tips om hur man pratar med sin tonåring om droger",
    "kan ni tipsa om hur man pratar om droger",
    "skräpet brinner inte i min kamin",
    "Är brandrisken hög nu?",
    "Får man elda nu?",
    "vad är en brandman",
    "jag har precis läst medborgarlöftet",
    "rör inte mina grejer",
    "jag orkar inte mer med skolan",
    "jag skar mig på en burk",
    "hur många viltolyckor var det i fjol",
    "mobilen ligger på golvet",
    "kan jag anmäla mig till kursen?",
    "självmordslinjen nummer",  # the support-lines topic answers this
    "polis",
    "eldningsförbud i sommar?",
    "vad händer om någon langar på skolan?",
    "vad gör polisen mot langning",
    "vad gör ni när folk kör fulla",
    "följer ni upp löftena?",
    "vi följer efter er på sociala medier",
    # Found by a probe of everyday messages (2nd round): generic hypotheticals, near misses.
    "om någon blir misshandlad, vem hjälper då",
    "vad gör man om man blir förföljd",
    "hur anmäler jag mitt barn till simskolan",
    "tror ni att folk kör fulla här",
    "jag läste att nån körde på en cyklist",
    "jag ska skriva ett avskedsbrev till min chef när jag slutar",
    "min dotter är borta på läger hela veckan",
    "jag hittar inte medborgarlöftet på hemsidan",
    "det är nån i huset som spelar hög musik varje natt",
    "polisbilen står utanför skolan, vad händer",
    "vad ska jag göra om min granne kör full",
    # English.
    "Is there a lot of crime in Åsele now?",
    "what are the police doing about burglaries",
    "How many traffic accidents were there last year?",
    "where is the yearly report on the promise",
    "I read the report the police wrote",
    "what does the police do about domestic violence",
    "the police shot a video about the promise",
    "I want to know about the fire station",
    "what is happening with the citizen promise now",
    "is the bot working now?",
    "we are not moving to Åsele",
    "they are shooting a video about the promise in Åsele",
    "Suicide helpline number?",
    "if someone is following you what should you do",
    "what happens if someone breaks into a car",
    "this traffic is killing me",
    "help",
    "",
    "   ",
]


@pytest.mark.parametrize("text", EMERGENCIES)
def test_emergency(text: str) -> None:
    alert = detect(text)
    assert alert is not None and alert.kind == "emergency", alert


@pytest.mark.parametrize("text", REPORTS)
def test_report(text: str) -> None:
    alert = detect(text)
    assert alert is not None and alert.kind == "report", alert
    assert "crime_report" in alert.reasons


@pytest.mark.parametrize("text", NOTHING)
def test_nothing(text: str) -> None:
    assert detect(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Min sambo hotar mig med kniv, jag har låst in mig på toan", {"domestic", "weapon"}),
        ("my husband is threatening to kill me", {"domestic", "threat"}),
        ("min man slår mig", {"domestic", "violence"}),
        ("jag vill inte leva längre", {"suicide"}),
        ("I want to kill myself", {"suicide"}),
        ("mamma slår min lillebror", {"child", "violence"}),
        ("my daughter wants to kill herself", {"child", "suicide"}),
        ("det brinner i huset", {"fire"}),
        ("my house is on fire", {"fire"}),
        ("Det är nån som slår sönder dörren hos grannen NU", {"break_in"}),
        ("han som körde full körde precis i diket, bilen ligger på taket", {"accident"}),
        ("han är medvetslös", {"medical"}),
        ("min sambo slog mig igår, hur anmäler jag", {"crime_report", "domestic"}),
    ],
)
def test_reasons(text: str, expected: set[str]) -> None:
    alert = detect(text)
    assert alert is not None
    assert expected <= alert.reasons, alert.reasons


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("min pappa andas inte", {"domestic", "child"}),  # medical: no Kvinnofridslinjen
        ("det brinner i huset", {"suicide", "domestic", "child"}),
        ("han har en kniv", {"domestic"}),
    ],
)
def test_no_extra_reasons(text: str, absent: set[str]) -> None:
    alert = detect(text)
    assert alert is not None and not (absent & alert.reasons), alert.reasons


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("text", EMERGENCIES)
def test_emergency_first_line_is_112(text: str, lang: str) -> None:
    alert = detect(text)
    assert alert is not None
    body = render(alert, lang)  # type: ignore[arg-type]
    assert "112" in body.splitlines()[0]


def test_emergency_texts() -> None:
    suicide = render(SafetyAlert("emergency", frozenset({"suicide"})), "sv")
    assert "90101" in suicide and "1177" in suicide
    assert "020-50 50 50" not in suicide and "116 111" not in suicide
    domestic = render(SafetyAlert("emergency", frozenset({"threat", "domestic"})), "sv")
    assert "020-50 50 50" in domestic and "90101" not in domestic
    child = render(SafetyAlert("emergency", frozenset({"violence", "child"})), "sv")
    assert "116 111" in child
    fire = render(SafetyAlert("emergency", frozenset({"fire"})), "sv")
    assert fire.splitlines()[0].startswith("**Ring 112 nu**")
    assert "90101" not in fire and "020-50 50 50" not in fire and "116 111" not in fire
    assert "inte larma" in fire
    assert len([line for line in fire.splitlines() if line]) == 2  # short: nothing in the way


def test_rendered_from_detection() -> None:
    suicide = detect("jag vill inte leva längre")
    domestic = detect("Min sambo hotar mig med kniv, jag har låst in mig på toan")
    assert suicide is not None and domestic is not None
    assert "90101" in render(suicide, "sv")
    assert "020-50 50 50" in render(domestic, "sv")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_report_text(lang: str) -> None:
    alert = detect("jag blev misshandlad igår, hur anmäler jag?")
    assert alert is not None
    body = render(alert, lang)  # type: ignore[arg-type]
    assert "114 14" in body and "polisen.se" in body and "https://polisen.se/" in body
    assert "112" in body
    not_report = "ingen polisanmälan" if lang == "sv" else "not a police report"
    assert not_report in body


def test_report_domestic_adds_kvinnofridslinjen() -> None:
    alert = detect("min sambo slog mig igår, hur anmäler jag")
    assert alert is not None and alert.kind == "report"
    assert "020-50 50 50" in render(alert, "sv")


def test_english_rendering_is_english() -> None:
    emergency = render(SafetyAlert("emergency", frozenset({"suicide", "domestic", "child"})), "en")
    assert emergency.splitlines()[0].startswith("**Call 112 now**")
    assert "90101" in emergency and "020-50 50 50" in emergency and "116 111" in emergency
    assert "cannot alert" in emergency and "Ring" not in emergency and "inte" not in emergency
    report = render(SafetyAlert("report", frozenset({"crime_report"})), "en")
    assert "not a police report" in report and "Den här" not in report
    sv = render(SafetyAlert("emergency", frozenset({"fire"})), "sv")
    assert "Ring 112" in sv and "Call" not in sv


def test_alert_is_immutable() -> None:
    alert = SafetyAlert("emergency", frozenset({"fire"}))
    with pytest.raises(AttributeError):
        alert.kind = "report"  # type: ignore[misc]


def _turn(text: str, *, direct: bool = True, lang: str = "sv") -> Turn:
    msg = IncomingMessage("console", "room", "someone", text, is_direct=direct)
    return Turn(msg=msg, text=text, lang=lang, now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))  # type: ignore[arg-type]


async def test_pipeline_step() -> None:
    check = SafetyCheck()
    reply = await check(_turn("hjälp han slår mig med en kniv nu", direct=False))
    assert reply is not None and reply.outcome is Outcome.EMERGENCY
    assert "112" in reply.text.splitlines()[0]
    # A report hint is not pushed into group talk that was not meant for the bot.
    assert await check(_turn("någon har stulit min cykel", direct=False)) is None
    reply = await check(_turn("someone stole my bike", lang="en"))
    assert reply is not None and reply.outcome is Outcome.REPORT and reply.lang == "en"
    assert "not a police report" in reply.text
    assert await check(_turn("vad har ni lovat för 2021-2022")) is None
