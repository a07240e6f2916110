"""The patterns of the safety check, on folded text (see bot.features.safety).

`fold` lowercases, turns å/ä into a and ö into o and drops punctuation, so every pattern
is written in folded form: "slår sönder" is "slar sonder", "dö" is "do", and English
"does"/"goes" lose their "e" ("oe" -> "o").
"""

from __future__ import annotations

import re

# Building blocks, spliced in where a pattern says <who>, <weapon> or <person>. "pa" is not
# a <who>: "slår på" means "switches on"; "en" alone is not one either ("slår en signal").
_PARTS = {
    "<person>": r"(?:en|ett) (?:man|kvinna|person|kille|tjej|gubbe|tant|unge|pojke|flicka|barn)",
    "<who>": r"(?:mig|oss|henne|honom|dem|dom|barnen|barnet|ungarna|ungen|nagon|nan|min|mitt"
    r"|mina|sin|sitt|sina|hans|hennes|varandra|folk|grannen|mamma|pappa|morsan|farsan|frugan"
    r"|sambon|me|us|her|him|them|my|his|someone"
    r"|somebody|each other|people|(?:en|a|the) (?:kille|tjej|man|kvinna|person|gubbe|grabb"
    r"|pojke|flicka|unge|guy|woman|girl|boy|kid))",
    "<weapon>": r"(?:kniv|kniven|knivar|pistol|pistolen|vapen|vapnet|gevar|gevaret|bossa|bossan"
    r"|hagelbossa|yxa|yxan|machete|slagtra|basebollstra|gun|knife|rifle|shotgun|axe|weapon)",
    # What a school or a youth centre signs up for or asks the police and the municipality for.
    "<signup>": r"(?:informationsinsats|forelasning|besok|temadag|bokning|kurs|utbildning|traff"
    r"|mote|foraldramote|informationskvall|info)\w*",
}
_PART = re.compile("|".join(_PARTS))


def _rx(block: str) -> re.Pattern[str]:
    """Whole-word alternation of `block`: `|`-separated alternatives, a line starting with
    `&` continues the line above (keeps lines short without a stray empty alternative)."""
    alternatives = "|".join(line.strip() for line in block.strip().splitlines())
    alternatives = alternatives.replace("|&", "")
    return re.compile(r"\b(?:" + _PART.sub(lambda m: _PARTS[m.group(0)], alternatives) + r")\b")


# Suicidal thoughts, first or third person: never vetoed, a missed one costs too much.
SUICIDE = _rx(r"""
    tar? livet av (?:mig|sig)|ta mitt (?:eget )?liv|ta mig av daga|hanga mig
    vill int(?:e)? (?:leva|finnas|vara kvar|vakna)|vill (?:bara )?(?:do|forsvinna)
    orkar int(?:e)? (?:leva|finnas|mer med livet)|orkar int(?:e)? (?:mer|langre)(?: nu)?$
    skar (?:sig|mig)(?! pa)|skada(?:r)? mig sjalv|battre (?:om jag var dod|utan mig)
    ingen mening (?:att|med att) leva|kill(?:ing)? (?:myself|himself|herself|themselves)
    end(?:ing)? (?:my|his|her) (?:own )?life|take (?:my|his|her) (?:own )?life
    (?:want|wanna|going) to die|wanna die|no reason to live|better off dead|suicidal
    (?:dont|don t|do not) want to (?:live|be alive|wake up)
    (?:going to |gonna )?end it (?:all|tonight|today|now)|(?:hurt|harm|cut) myself
    cut(?:ting|s)? (?:herself|himself)
    avskedsbrev(?! till (?:min |mitt )?(?:chef|jobb|arbetsgivare|kollegor))|suicide note
    (?:tabletterna|pillren|repet) (?:framfor|bredvid) mig
    ingen (?:skulle|kommer att) (?:bry sig|sakna mig) om jag (?:var borta|dog|forsvann)
    (?:nobody|no one|noone) (?:would|will) (?:care|miss me|notice) if i (?:was|were|am)
    & (?:gone|dead)
    (?:battre|better)(?: \w+){0,6} (?:when|if|om|nar) (?:i m|im|i am|i was|i were|jag ar|jag var)
    & (?:gone|dead|dod|borta(?! pa| hos| over| i ))|better (?:off )?without me
""")

# Present-tense signals of acute danger, by reason.
ACUTE: tuple[tuple[str, re.Pattern[str]], ...] = (
    # Topic words, vetoable; the helplines' own names ("Självmordslinjen") are KB questions.
    ("suicide", _rx(r"""
        sjalvmord(?:et|en|stankar|sforsok|sbenagen)?\b|sjalvskad\w*|self harm\w*
        suicid(?:e|al)?\b(?! (?:helpline|hotline|line))
    """)),
    ("weapon", _rx(r"""
        (?:hotar|viftar|har|haller|siktar|pekar|springer|star|med|has|holding|waving|pointing|got
        &|with) (?:en |ett |sin |sitt |a |an |his |her |the )?<weapon>
        bevapnad\w*|(?:is|are) armed|armed (?:man|men|person|people|robbery)|knivhug\w*|knivhogg
        knivskur\w*|skjut(?:er|s)(?! upp| fram)|skottlossning|stabbing|shots fired
        shooting (?:at|people|someone|everyone|in the|outside)
        (?:been|was|got|is|are) (?:stabbed|shot)
    """)),
    ("threat", _rx(r"""
        hotar (?:mig|oss|henne|honom|barnen|min|mitt|mina)|blir hotad\w*
        hotar att (?:doda|morda|skada|sla|skjuta|knivhugga|hugga|branna)
        (?:ska|kommer att|tanker|vill|forsoker) (?:doda|morda|skada|sla ihjal) (?:mig|oss|henne
        &|honom|barnen)
        forfoljer (?:mig|oss)|last in (?:mig|oss)|gommer (?:mig|oss)|gomt (?:mig|oss)
        (?:foljer|forfoljer|springer|jagar|smyger) efter (?:mig|oss)|jagar (?:mig|oss)
        blir (?:forfoljd|jagad)|(?:being|am being) (?:followed|chased|stalked)|chasing (?:me|us)
        threaten(?:ing|s) (?:me|us|to|her|him|my)|(?:stalking|following) me|hiding from
        (?:going to|gonna|will|wants to|trying to) (?:kill|hurt) (?:me|us|her|him|my)
        locked (?:myself|us) in
        foljt efter (?:mig|oss)|foljde efter (?:mig|oss) (?:hem|hit|hela vagen)
        followed (?:me|us) (?:home|here|all the way)
        (?:has been|have been|keeps) following (?:me|us)
        (?:(?:nagon|nan|han|hon|<person>|mitt ex|exet) star|star (?:nagon|nan|<person>|mitt ex))
        & (?:och \w+ )?utanfor (?:(?:min|mitt|var|vart) (?:dorr|fonster|hus)|dorren|fonstret|huset)
        tittar in (?:genom|i) (?:mitt|mina|vart|vara) fonster
        (?:someone|somebody|he|she|they|a (?:man|guy)|my ex) (?:is |are )?(?:standing )?outside
        & (?:my|our) (?:house|door|window|flat|apartment)
    """)),
    ("violence", _rx(r"""
        (?:slar|sparkar|misshandlar|knuffar|stryper|attackerar|overfaller|valdtar|hugger
        &|spoar) (?:ihjal |ner |pa )?<who>
        blir (?:slagen|misshandlad|attackerad|overfallen|valdtagen|ranad)|slass|stryps
        (?:skriker|ropar|skrik) (?:pa|efter) hjalp|pagaende (?:misshandel|slagsmal|ran)
        slagsmal pagar|ranar (?:mig|oss|butiken|affaren|banken)
        (?:ring|skicka|tillkalla|kan (?:du|ni) ringa) (?:hit )?polis(?:en)?(?! pa 114| 114)
        (?:hitting|beating|kicking|attacking|strangling|choking|raping|assaulting|punching
        &|hurting) (?:up )?<who>
        (?:hits|beats) (?:me|her|him|us)|screaming for help|send (?:the )?police
        being (?:attacked|beaten|assaulted|hit|raped|robbed|threatened)
        blev (?:precis|nyss|just) (?:slagen|misshandlad|knivhuggen|skjuten|overfallen|attackerad)
        (?:was|got|been) just (?:attacked|stabbed|shot|beaten|assaulted|robbed|mugged)
        just (?:got|been) (?:attacked|stabbed|shot|beaten|assaulted|robbed|mugged)
    """)),
    ("break_in", _rx(r"""
        (?:bryter|forsoker bryta|haller pa att bryta) (?:sig )?in|slar sonder
        (?:slar|sparkar|bryter) (?:sonder|upp|in) (?:dorr|fonster|rut|las|port|garage)\w*
        (?:nagon|nan|nagra|tjuvar?) (?:ar )?inne (?:i|hos)|(?:forsoker|haller pa att) ta sig in
        tagit sig in (?:i|hos) (?:lagenheten|huset|hemmet|mig|oss)
        det ar (?:nagon|nan|nagra) (?:inne )?i (?:huset|lagenheten|hemmet|stugan)(?! som)
        hor (?:steg|nagon|nan)(?: \w+)? (?:i|pa) (?:huset|lagenheten|overvaningen|nedervaningen
        &|kallaren|vinden)
        (?:hear|hearing) (?:footsteps|someone|somebody) (?:in|downstairs|upstairs)
        inbrott pagar|pagaende inbrott|pagar (?:ett )?inbrott|breaking in(?:to)?
        (?:trying to|is|are) break(?:ing)? in|(?:trying|tries) to get in|intruders?
        (?:someone|somebody|intruders?|burglars?) (?:is |are )?in (?:my|our|the) (?:house|home|flat
        &|apartment|garage)
    """)),
    ("fire", _rx(r"""
        brinner(?! inte| bra| dalig)|ar brand|ryker (?:ur|fran)|brandlarmet (?:gar|tjuter|piper)
        (?:skorstens)?(?:brand|eld) (?:i|pa|hos) (?:huset|bilen|ladan|skogen|lagenheten|koket
        &|garaget|stugan|skolan|villan|oss|mig|grannen|grannarna)
        rok (?:ur|fran|kommer|valler)|(?:valler|ryker|kommer) (?:rok|ut rok)|rok overallt|i lagor
        in flames|(?:elden|branden|roken|fire) (?:sprider|is spreading)|luktar (?:brant|rok)
        smell(?:s)? (?:of )?smoke|smoke (?:everywhere|in the|coming|from|pouring)
        (?:tant|tander|satter|satt) eld pa|eldar upp|set(?:ting)? fire to|on fire|(?:is|are) burning
        there (?:is|s) a fire|house fire|fire in (?:the|my|our|a)
        (?:ring|ringa|skicka|tillkalla) (?:brandkaren|raddningstjansten)
    """)),
    ("accident", _rx(r"""
        ligger (?:pa taket|i diket)|voltat|voltade|frontalkrock\w*|viltolycka
        (?:kort|korde|kor|akt|akte|akit|hamnat|hamnade|landat|landade|sladdat|sladdade)
        & (?:precis |rakt |just )?(?:ner )?i diket
        (?:har|det har) (?:hant|skett) en (?:\w+ )?olycka|(?:blivit|blev precis|ar) pakord
        (?:svart |hart )?skadade? (?:personer|folk)|(?:svart|allvarligt) skadad\w*
        (?:han|hon|nagon|nan|folk|flera|personen|foraren|jag) ar (?:\w+ )?skadad\w*|fastklamd
        sitter fast i bilen|genom isen|drunknar|(?:is |are )?drowning
        (?:kort|korde|akt|akte|sladdat|sladdade) av vagen
        (?:foraren|han|hon|nagon|nan|personen|folk) sitter fast
        (?:kort|korde) (?:pa|over) (?:ett barn|en (?:cyklist|fotgangare|unge|kille|tjej
        &|man|kvinna)|nagon|nan|mitt barn|min (?:son|dotter|man|fru|sambo|pappa|mamma|kompis))
        (?:car|truck|bus|van|lorry|tractor) (?:just )?(?:hit|ran over) (?:a|an|my|the|someone
        &|somebody)
        (?:kort|kor|korde|krockat|krockade|kolliderat|kolliderade) (?:pa|med) (?:en |ett )?(?:alg
        &|radjur|ren|hjort|vildsvin|bjorn)
        on (?:its|the) roof|in the ditch|car crash|hit by a car|run over by|rolled over
        (?:is|are|badly|seriously) (?:injured|hurt)|fell through the ice
        trapped in (?:the|a|my|his|her|their) (?:car|vehicle|house|building|wreck)
        there (?:has|s) been an? (?:\w+ )?(?:accident|crash)
        hit (?:a|an) (?:moose|deer|elk|reindeer)
    """)),
    ("medical", _rx(r"""
        andas (?:inte|knappt)|slutat andas|medvetslos|livlos|svimm(?:at|ade)|tupp(?:at|ade) av
        krampanfall|blo(?:d|der)(?: \w+)? (?:mycket|kraftigt|massor|ymnigt)|bloder|blodar|blodande
        hjartattack|hjartstopp|stroke|ont i brostet|brostsmart\w*|overdos\w*|kvavs|satt i halsen
        allergisk chock|ror sig int(?:e)?|(?:far|fick) ingen luft|kan int(?:e)? andas
        (?:han|hon|nagon|nan|pappa|mamma|kompis\w*|barnet|<person>) (?:\w+ ){0,4}vaknar int(?:e)?
        gar int(?:e)? att vacka|kan int(?:e)? resa sig|(?:isn t|isnt|is not|won t|wont|will not)
        & (?:waking up|wake up)(?! (?:early|in time|before|at|for))
        (?:tagit|tog|atit|at|svalt) (?:\w+ ){0,2}(?:piller|tabletter)
        (?:nagon|nan|han|hon|pappa|mamma|<person>) ligger (?:\w+ )?(?:pa|i) (?:vagen|marken|golvet
        &|gatan|isen|snon)
        ligger <person> (?:pa|i)|(?:ring|ringa|skicka|tillkalla) (?:en )?ambulans(?:en)?
        (?:he|she|they|someone|somebody|person|man|woman|child|dad|mom|mum) (?:is |are )?(?:not
        &|isn t|isnt) (?:moving|responding)
        (?:not|stopped|isn t|isnt) breathing|(?:can t|cant|cannot) breathe|unconscious|passed out
        collapsed|bleeding|heart attack|chest pain|overdosed?|seizure|choking|anaphyla\w*
        (?:took|taken|swallowed) (?:\w+ ){0,3}(?:pills|tablets)|(?:call|send) an ambulance
    """)),
)

# A bare cry ("BRAND!!", "polis snabbt"): the whole message is the alarm.
_URGE = r"(?: (?:snabbt|fort|skynda|nu|now|asap|quick|hjalp|help|please|snalla|kom|come))"
CRY: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("fire", re.compile(rf"^(?:hjalp )?(?:brand|eld|fire){_URGE}*$")),
    ("medical", re.compile(rf"^(?:hjalp )?(?:ambulans|ambulance){_URGE}*$")),
    ("violence", re.compile(rf"^(?:hjalp )?(?:polis|police){_URGE}+$")),
)
# A missing child: 112 at once, whatever else the message says.
MISSING_CHILD = _rx(r"""
    (?:barnet|mitt barn|vart barn|min son|min dotter|sonen|dottern|ungen|var unge
    &|(?:my|our) (?:son|daughter|child|kid)) (?:\w+ )?(?:ar|har|is|has) (?:\w+ )?(?:forsvunn\w*
    &|borta(?! pa (?:lager|kollo|semester|resa)| hos)|missing|gone|inte kommit hem|not come home)
    hittar int(?:e)? (?:mitt barn|vart barn|min son|min dotter|sonen|dottern|ungen|var unge
    &|(?:var|min) \d+ ?aring)
    (?:can t|cant|cannot) find (?:my|our) (?:son|daughter|child|kid|little (?:girl|boy)|baby
    &|toddler|\d+ year old)
    (?:my|our) (?:son|daughter|child|kid) (?:didn t|didnt|did not|hasn t|hasnt|has not|never)
    & (?:come|came) home
""")

# Topic words that only mean danger when the message says it is happening now.
NEEDS_NOW: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("break_in", _rx(r"inbrott|tjuv(?:ar|en|arna)?|burglar\w*|break in|thie(?:f|ves)")),
    ("fire", _rx(r"brand(?:en)?|eld(?:en)?|skogsbrand(?:en)?|rok|fire|burning|smoke")),
    ("accident", _rx(r"""
        (?:trafik)?olycka(?:n)?|krock(?:at|ade|en)?|kollision|i diket|accident|crash(?:ed)?
        kor (?:full|onykter|packad|berusad|drogad|pa fyllan|rattfull|dragen)|rattfull|drunk driv\w*
        driving drunk
    """)),
    ("violence", _rx(r"""
        brak(?:ar)?|slagsmal|misshandel|fight(?:ing)?|brawl|skott|shots
        blev (?:slagen|misshandlad|knivhuggen|skjuten|overfallen|attackerad|ranad)
        (?:was|got|been) (?:attacked|stabbed|shot|beaten|assaulted|robbed|mugged)
    """)),
)

NOW = _rx(r"""
    nu(?! for tiden)|precis(?! som)|nyss|pagar|pagaende|akut|haller pa|right now|now|currently
    at the moment|as we speak|(?:is|are) happening|just (?:happened|crashed|now)
""")
# A time in the past: the danger is over, so it is a report, not a 112 case.
PAST = _rx(r"""
    igar|i ?forrgar|i ?fjol|i (?:somras|vintras|hostas|varas)|yesterday
    forra (?:aret|veckan|manaden|helgen|natten|vintern|sommaren|hosten|varen|gangen)
    for (?:en|ett|tva|tre|fyra|fem|nagra|ett par|\d+) (?:dag|veck|manad|ar)\w* (?:sedan|sen)
    last (?:year|week|month|night|weekend|summer|winter|time)
    (?:days|weeks|months|years|a week|a month|a year) ago
""")
# Hearsay, hypotheticals, habits and general questions: nothing is happening to the writer.
UNREAL = _rx(r"""
    hor(?:de|t) (?:om|att)|las(?:a|te|t) (?:om|i|att)|i tidningen|(?:pa|i) nyheterna|rykte\w*
    heard (?:about|that|of)|read (?:about|in)|(?:in|on) the news|^(?:om|ifall)|tank(?: er)? om
    om (?:det|nagon|nan) skulle|om man|ifall|i fall att
    vad (?:hander|gor (?:jag|man|vi|ni)|ska (?:jag|man|vi) gora) om|hypotetiskt|what if
    what (?:should|do) (?:i|we) do if|in case|if (?:someone|somebody|anyone|there|i see|you see)
    hur (?:manga|vanligt|ofta)|statistik\w*|statistics|how (?:many|common|often)|finns det
    vad (?:gor|kan|ska) (?:polisen|kommunen|ni|snuten)
    (?:arbetar|jobbar) (?:polisen|kommunen|ni) (?:med|mot)
    mot (?:brander|inbrott|vald|knivbrott|olyckor)|forebygg\w*|prevent\w*|(?:is|are) there
    (?:ska|bor|kan|nar ska|nar bor) (?:jag|vi|man) ringa|when to call
    (?:should|do|can|shall) (?:i|we|one) call
    what (?:does|do|is|are) (?:the police|the municipality|you) (?:do|doing)
""")
# A hypothetical about anyone at all ("om någon blir misshandlad, vem hjälper då"): with
# no first person in the message it is a question, not a crime to report.
GENERIC = _rx(r"""
    om (?:man|nagon|nan|ens)|ifall (?:man|nagon|nan)|if (?:someone|somebody|anyone|one|you)
""")
FIRST_PERSON = _rx(r"jag|mig|min|mitt|mina|vi|oss|me|my|we|us|our")
# Habits and recurring things: nothing acute, but an observed habit ("langar varje fredag")
# is still a tip. Not "hela tiden"/"all the time" nor "gang pa gang": in "kor over
# mittlinjen hela tiden" they mean over and over, right now.
_DAYS = r"(?:man|tis|ons|tors|fre|lor|son)dag"
# "Varje"/"varenda" + a time; "på"/"om"/"under" + a time in the plural ("på kvällarna";
# not "på vår gata" nor "på helgen", which is this weekend).
_EVERY_SV = (r"(?:morgon|kvall|natt|dag|vecka|helg|ar|sommar|vinter|host|lov|rast|midsommar"
             rf"|gang|{_DAYS}(?:skvall)?|(?:morgnar|kvallar|natter|dagar|helger|{_DAYS}ar))")
_PLURAL_SV = (r"(?:morgnarna|kvallarna|kvallana|kvallera|natterna|nattena|nattera|helgerna"
              rf"|helgera|dagarna|eftermiddagarna|veckorna|sommarna|vintrarna|loven|rasterna"
              rf"|{_DAYS}arna|{_DAYS}skvallarna|morgnar|kvallar|natter|helger|lov|raster)")
_WHEN_EN = (r"(?:morning|mornings|evening|evenings|night|nights|day|days|afternoon|afternoons"
            r"|week|weekend|weekends|year|summer|winter|time|(?:mon|tues|wednes|thurs|fri"
            r"|satur|sun)day(?: nights?)?)")
HABIT = _rx(rf"""
    (?:varje|varenda|vareviga|alla) {_EVERY_SV}|(?:pa|om|under|hela) {_PLURAL_SV}
    hela (?:vintern|sommaren|hosten|varen|lovet)|dagligen|varannan|brukar|brukade|numera
    titt som tatt|(?:every|each|most) {_WHEN_EN}|(?:friday|saturday|weekend) nights
    (?:on|during|in) (?:the )?(?:weekends|evenings|mornings|afternoons|nights|holidays)
    usually|regularly|daily|nightly|every so often|these days|nowadays
""")
# Often, always: a feature for the model, no veto ("han som alltid tjatar på mig står vid
# busskuren med kniv"; "kör över mittlinjen hela tiden" is happening now).
OFTEN = _rx(r"""
    ofta|(?<!for )alltid|jamt|standigt|hela tiden|always|often|all the time|constantly
    frequently|over and over
""")
# A vehicle or driving: complaints about traffic are as common as traffic emergencies, so
# the frames past, hypothetical, habit and often are read for these too (features for the
# model: no rule fires on them; the vehicle itself is no feature, the model has the words).
VEHICLE = _rx(r"""
    bil|bilen|bilar|bilarna|bilist\w*|(?!mobil)\w+bil(?:en|ar|arna)?|mopp(?:e|en|ar|arna|ed|eden|eder)
    moped\w*|epa\w*|(?:a )?traktor\w*|skoter\w*|skotrar\w*|fyrhjuling\w*|cross\w*|motorcyk\w*
    mc|lastbil\w*|buss|bussen|bussar|bussarna|kor|kors|korde|korning\w*|buskor\w*
    race\w*|ratten|forare\w*|foraren|car|cars|drive\w*|driving|drove|truck\w*|lorr\w*
    mopeds?|scooters?|snowmobil\w*|quads?|atvs?|motorbik\w*|motorcycl\w*|bus|buses
    tractors?|speed\w*
""")

DOMESTIC = _rx(r"""
    (?:min|mitt|hennes|hans|sin|sitt|my|her|his) (?:sambo|man|make|fru|hustru|flickvan|pojkvan|kille
    &|tjej|partner|ex|far|mor|bror|brorsa|syster|son|dotter|husband|wife|boyfriend|girlfriend|dad
    &|father|mother|mom|mum|stepdad|stepfather|brother|sister)
    (?:styv)?(?:pappa|mamma)|farsan|morsan|exet|ex(?:sambo|pojkvan|flickvan|man|fru|make)
    ex (?:boyfriend|girlfriend|husband|wife)
""")
CHILD = _rx(r"""
    barn(?:et|en)?|ungen|ungarna|bebis(?:en)?|spadbarn\w*|sonen|dottern|lillebror|lillasyster
    (?:min|mitt|my|our) (?:son|dotter|daughter)|child(?:ren)?|kids?|baby|toddler|infant
    little (?:brother|sister)
    (?:pappa|mamma|farsan|morsan|styvpappa|styvmamma|foraldrar|dad|mom|mum|father|mother|stepdad
    &|stepmom|parents) (?:\w+ ){0,3}(?:mig|me)
""")
# Only these kinds of danger make a partner or a child a reason for Kvinnofridslinjen or Bris.
HARM = frozenset({"violence", "weapon", "threat", "suicide"})
CRIME = frozenset({"violence", "weapon", "threat", "break_in"})
HARMED = _rx(r"""
    misshandl\w*|slog|slagen|hot(?:ad|ade|ar|at|et|full)\w*|vald\w*|assault\w*|beaten|threat\w*
    hit me|abus\w*
""")

# A wish to report or tip, or a crime that is over. "Anmäla sig till" is signing up, and so
# is "min anmälan om en föreläsning" (a teacher's request for an information session).
REPORT = _rx(r"""
    (?:polis|brotts)?anmal(?!ningsplikt)\w*(?!(?: \w+){0,3} till (?!polis|snut))
    &(?!(?: \w+){0,3} (?:om|for|pa|till) (?:en |ett |var |vart |er )?<signup>)
    file a (?:police )?report|make a (?:police )?report|police report|report to the police
    report (?:a|an|the|this|my) (?:\w+ )?(?:crime|theft|burglary|break in|assault|robbery|fraud|scam
    &|dealer|drug dealer|stolen)
    report (?:it|this|that|him|her|them|someone|somebody) (?:to the police|anonymously)
    how (?:do|can) i report|(?:want|wish|like|need) to report
""")
# Only the writer giving a tip: "kan ni tipsa om ..." asks the bot for advice.
TIP = _rx(r"""
    (?:jag|vi|man) (?:vill |ska |kan |skulle vilja )?(?:tipsa|ge ett tips)
    (?:kan|far|ska|hur) (?:jag|vi|man) tipsa|tipsa (?:polisen|snuten|er)
    lamna (?:ett )?(?:anonymt )?tips|tips till polisen|tip off|tip (?:to|for|off) the police
    give (?:the police )?an? (?:anonymous )?tip|anonymous tip|tip the police
""")
TIP_TOPIC = _rx(r"""
    polis\w*|police|snut\w*|brott\w*|knark\w*|narkotika|lang\w*|drog\w*|saljer|rattfyll\w*
    stold|inbrott|olaglig\w*|hembrant|smuggl\w*|crime\w*|drugs?|deal(?:er|ers|ing)
""")
# A crime that is over: stolen, robbed, defrauded, broken into, vandalised.
PAST_CRIME = _rx(r"""
    stul(?:it|en|na)|stal (?:min|mitt|mina|var|vart|vara|hans|hennes)|snott|snod(?:de|d)
    bestul(?:en|na)|bestals|ranad\w*|misshandlad\w*|slog (?:mig|henne|honom|oss)|hotad
    hotade (?:mig|oss|henne|honom)|klottr\w*|skadegorelse|vandaliser\w*|(?:brutit|brot) sig in
    inbrott (?:i|hos) (?:min|mitt|mina|mig|oss|var|vart|vara)|(?:hade|har haft) inbrott
    blev (?:lurad|slagen|knivhuggen|skjuten|overfallen)
    (?:har )?blivit (?:lurad|slagen|overfallen|bestulen)
    utsatt for (?:ett )?(?:bedrageri|brott|stold|inbrott|misshandel|ran|hot)|stolen|stole|broke into
    burgled|vandali[sz]ed
    (?:was|got|were|been) (?:robbed|assaulted|attacked|beaten|threatened|scammed|burgled|mugged)
    (?:nagon|nan|nagra|dom|de|tjuv\w*) (?:har )?(?:tagit|tog) (?:(?:min|mitt|mina|var|vart|vara) )?
    &(?:cykel|moped|bil|planbok|mobil|telefon|vaska|skoter|snoskoter|bat|verktyg)\w*
    (?:brutit|brot) upp (?:min|mitt|mina|var|vart|vara|dorren|laset|forradet|bilen|garaget)\w*
    tagit sig in|det (?:har )?varit (?:ett )?inbrott (?:i|hos)
    lura(?:de|t) (?:mig|oss|min|mitt|mina|honom|henne|mamma|pappa|morsan|farsan)
    (?:foljde|forfoljde) efter (?:mig|oss)|forfoljde (?:mig|oss)
    (?:slagit|slog) sonder|krossa(?:t|de) (?:\w+ )?(?:ruta|rutan|rutor|rutorna|fonster)
    (?:blev|har blivit|ar) (?:repad|repat|sonderslag\w*|uppbrut\w*|nedklottr\w*|nedspray\w*)
    (?:sprayat|sprejat|sprayade|sprejade|taggat|taggade) (?:pa|ner|over)|spray ?paint\w*
    (?:got|was|been|were) (?:nicked|pinched|swiped)|graffiti (?:on|all over)
    (?:smashed|broke|keyed|slashed) (?:my|our|the) (?:\w+ )?(?:window|windows|car|door|tires|tyres)
""")

# Somebody seen doing a crime that the writer could tip the police about: dealing, drunk
# driving. Not acute by itself (that needs "nu" and goes to 112 above). A particular person,
# or what the writer saw: "folk kör full på helgerna" is about the promise, not a tip.
_DOING = (r"(?:langar|langade|langa|saljer (?:\w+ ){0,2}(?:knark|droger|narkotika|hasch|gras"
          r"|tjack|kokain|amfetamin|piller|hembrant|sprit)|(?:saljer|langar) (?:\w+ ){0,3}till"
          r" (?:unga|ungdomar|ungarna|barn|kids|minderariga|\d+ ?aringar)"
          r"|kor (?:alltid |ofta |jamt )?(?:full|fulla|onykter|packad|berusad"
          r"|drogad|pa fyllan|rattfull|dragen)|(?:dealing|dealar|selling) drugs|deals drugs"
          r"|drives? drunk|driving drunk|sell(?:s|ing)? (?:\w+ )?(?:drugs|weed|coke|pills))")
OBSERVED = _rx(rf"""
    (?:jag|vi) (?:ser|sag|har sett|vet|misstanker|tror|market) (?:\w+ ){{0,5}}{_DOING}
    ^(?:ser|sag|har sett) (?:\w+ ){{0,5}}{_DOING}
    (?:grannen|grannarna|granne|nagon|nan|han|hon|<person>) (?:\w+ ){{0,5}}{_DOING}
    det langas|det saljs (?:\w+ )?(?:knark|droger|narkotika|hasch|gras|tjack|sprit|hembrant)
    (?:i|we) (?:see|saw|know|think|suspect) (?:\w+ ){{0,5}}{_DOING}
    (?:someone|somebody|neighbou?rs?|he|she|(?:a|this|that) (?:guy|man|woman|girl|boy|person
    &|dude)) (?:\w+ ){{0,5}}{_DOING}
""")

# After an emergency: help has come or the danger is over ("ambulansen är här", "hon andas
# igen", "we found him"). Ends the emergency's follow-up with a calm word.
CALM = _rx(r"""
    (?:ambulansen|polisen|polis|brandkaren|raddningstjansten|hjalpen|dom|de|snuten)
    & (?:ar|har|e) (?:har|kommit|kommit nu|framme|pa plats|pa vag)
    (?:andas|vaknat|vaknade|ar vaken) (?:igen|nu)|(?:ar|kanns) lugnt (?:nu|igen)
    (?:vi )?(?:har )?hitta(?:t|de) (?:honom|henne|dem|dom|barnet|ungen)
    (?:hon|han|dom|de|barnet) (?:har )?kom(?:mit)? hem|elden ar slackt
    (?:det var|var bara) (?:ett )?(?:falsklarm|inget|ingenting)
    (?:the )?(?:ambulance|police|fire brigade|firefighters|help|they) (?:is |are |s |re |has
    & |have )?(?:here|on the way|on their way|arrived|come)
    (?:breathing|awake) again|(?:we )?found (?:him|her|them)|(?:came|is|got) (?:back )?home
    (?:it s|its|it is|all) (?:ok|okay|fine|calm|safe) now|false alarm|fire is out
""")


# Emojis that carry the danger in a message written with few words ("🔥🔥 ladan", "🚑
# snälla"), as the words `fold` would otherwise drop them for. Faces stay out: "💀" and
# "😭" are as often laughter as fear.
EMOJI_WORDS = {
    "🔥": "eld", "🚒": "brandkaren", "🧯": "brand", "🚑": "ambulans", "🚓": "polis",
    "👮": "polis", "🚨": "larm", "🆘": "hjalp", "🔪": "kniv", "🗡": "kniv", "🔫": "pistol",
    "💊": "tabletter", "🩸": "blod", "🧊": "is", "🌊": "vatten", "🚗": "bil", "🚙": "bil",
    "👊": "slag", "💥": "krock", "🤕": "skadad",
}
