"""Whether a feedback text tells of a crime: dealing, drugs, vandalism, theft, violence,
threats, drunk driving. Such a text is kept as the feedback it is, with a word that the
chat is not a police report (114 14, polisen.se; in danger 112).

The words are read on folded text (å, ä -> a; ö -> o), so "slår" is "slar" and "långa"
(long) is "langa": only the dealing forms of "langa" are listed. A false hit costs one
extra line, a missed one only that line: the safety check's own report verdict is asked
as well.
"""

from __future__ import annotations

import re

from bot.features.safety import detect
from bot.text.normalize import fold

_CRIME = re.compile(r"\b(?:" + "|".join(r"""
    knark\w* narkotik\w* hasch\w* cannabis marijuana droger drogerna drogen drogh\w*
    kokain\w* amfetamin\w* tjack\w* heroin\w* ecstasy mdma
    langar langade langat langare langarna langning\w* langa\s+(?:knark|droger|sprit|alkohol)
    klott\w* sprayat sprayar sprayade sprejat sprejar graffiti taggar taggat taggade
    skadegor\w* vandalis\w* krossa\w* slagit\s+sonder slog\s+sonder sonderslag\w*
    stold\w* stolder stal stulit stulen stulna snatt\w* inbrott\w* brot\s+sig\s+in
    brutit\s+sig\s+in bryter\s+sig\s+in ranad\w* ranar ranet ranforsok
    misshand\w* slagsmal\w* slar\s+(?:sin|sina|henne|honom|barn\w*|mig|folk)
    slog\s+(?:sin|henne|honom|mig|ner)
    hotar hotade hotat hotfull\w* knivhot\w* olaga\s+hot valdsam\w* valdet
    rattfyll\w* fyllekor\w* smitning\w* bedrag\w* trakasser\w* brottslig\w* brott
    drugs? dealer dealers dealing\s+drugs drug\s+dealing sell(?:s|ing)?\s+(?:drugs|weed|cocaine)
    cocaine weed graffiti vandal\w* spray\s+painted smashed stole stolen steal\w* theft
    thie(?:f|ves) shoplift\w* burglar\w* broke\s+in broken\s+into break\s+ins? robbed
    robber\w* mugg\w* assault\w* beats\s+(?:his|her|their|my|the) beat\s+up threat\w*
    stabb\w* drunk\s+driv\w* drink\s+driv\w* harass\w* crimes? criminal\w*
""".split()) + r")\b")


def mentions_crime(text: str) -> bool:
    if _CRIME.search(fold(text)):
        return True
    alert = detect(text)
    return alert is not None and alert.kind == "report"
