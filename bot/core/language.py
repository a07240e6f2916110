"""Pick the reply language: English when the message reads as English, else Swedish."""

from __future__ import annotations

from bot.core.messages import Lang
from bot.knowledge.normalize import fold

_EN = frozenset("""
    the a an is are was were be do does did what who whom whose when where why how
    which can want could would should will you he she we they it my your our their me
    us him her them this that there here have has had not no yes please thanks thank
    hello hi hey of to in on for with about from by and or but if police municipality
    promise promises contact report help anonymous feedback long agreement goals drugs
    speeding safe unsafe village villages
""".split())
_SV = frozenset("""
    och att det som en ett är var vad vem vilka vilken när hur varför jag du han hon
    vi ni de dem mig dig oss er min din sin vår mitt ditt inte ej nej ja tack hej
    hallå med om på för till från av har hade kan kunde ska skulle vill måste finns
    får polisen kommunen löfte lovat snuten nån något några eller men också bara här
    där
""".split())
_EN_F = frozenset(fold(w) for w in _EN)
_SV_F = frozenset(fold(w) for w in _SV)
_SWEDISH_LETTERS = set("åäöÅÄÖ")


def detect(text: str, default: Lang = "sv") -> Lang:
    if any(ch in _SWEDISH_LETTERS for ch in text):
        return "sv"
    words = fold(text).split()
    en = sum(1 for w in words if w in _EN_F)
    sv = sum(1 for w in words if w in _SV_F)
    if en > sv:
        return "en"
    if sv > en:
        return "sv"
    return default
