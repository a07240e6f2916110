""""Har ni fått min förfrågan?": a question about one's own information-session request
is answered from the store, as /mina answers it, in the person's own words.

Residents do not know commands; they write "hur går det med vår bokning av föreläsningen?",
"I never heard back about the info evening we asked for", a polite letter ("Undertecknad
… inkom den 3 februari med en förfrågan …") or a text ("e de klart me datum? ja skicka in
de förra veckan"). The rule, on folded words, fits in a sentence:

    a STATUS cue (hört, svar, besked, bekräftat, klart, hur går det, received, heard back …)
    AND either a REQUEST word marked as the person's own (min/vår/my/our before it, "the",
    a definite form "föreläsningen", or a SENT verb: bokade, skickade, inkom, asked, sent …)
    or, with no request word at all, a sending verb in the past ("skicka in de förra
    veckan"). Words that also name other things ("besök", "visit", "talk") need the
    possessive or the sent verb: "vi fick besök av polisen, vad hände?" is not a request.

Not taken: a message that cancels or moves a request (its own answer: the chat cannot,
the coordinators can, and /mina gives the number to quote), one that names another service
or errand (a bus ticket, a passport, the library, feedback, a police report, a plea for
help), one about what the police promised unless the request is the person's own, and
"how do I book" (no sent verb, no own request). Misspelt long words meet their keyword by
one edit (two for long ones), never a real word (lexicon).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import Enum
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz.distance import Levenshtein

from bot.core.messages import Outcome, Reply
from bot.core.router import Router
from bot.core.texts import t
from bot.core.turn import Turn
from bot.features.sessions import BookingForm, mine_lines
from bot.text import lexicon

TOPIC = "mina-forfragningar"  # the knowledge topic this step answers from the store


class Kind(Enum):
    STATUS = "status"  # how is my request going?
    CANCEL = "cancel"  # cancel or move my request


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Request words, folded. Swedish ones count inside a compound ("drogföreläsningen"),
# English ones at the start of a word ("sessions", never "possession"). WEAK ones also name
# other things ("vi fick besök av polisen"): they count only with a possessive or a strong
# sent verb.
_REQUEST_SV = ("forfragan", "forfragning", "bokning", "bestallning", "forelasning",
               "informationsinsats", "infoinsats", "infokvall", "informationskvall",
               "infotraff", "informationstraff", "informationsmote", "personaltraff")
_REQUEST_EN = ("request", "booking", "session", "lecture", "presentation", "workshop",
               "seminar")
_INSATS = ("insats", "insatsen")  # alone only: "polisinsatsen" is an operation
_WEAK = ("besok", "utbildning", "foraldramote", "visit", "talk", "training")
_PHRASES = re.compile(r"\binfo(?:rmation)? (?:kvall|traff|evening|night|meeting)\w*")
_BEFORE_PHRASE = re.compile(r"\b(my|our|min|var|the) $")  # "our info evening"
_DEFINITE = ("en", "et", "n")  # "föreläsningen" (not "föreläsningarna": they in general)
_INDEFINITE = _set("en ett a an ny nytt nagon nan annan another any")
_POSSESSIVE = _set("min mitt mina var vart vara my our")

# Verbs that say a request was already sent. STRONG ones say it without a request word
# ("ja skicka in de förra veckan, e de klart?"); the others only beside one.
_SENT_STRONG = _set("""
    bokade bokat bokad bokades skickade skickat skickad skickades bestallde bestallt
    bestalld inkom inkommit inkommen inlamnad mejlade mailade oversande oversant sent
    submitted booked requested emailed mailed""")
_SENT = _SENT_STRONG | _set("""
    fragade fragat lamnade gjorde gjort ringde kontaktade skrev skrivit anmalde asked made
    ordered applied contacted wrote written""")
_ASKED = re.compile(r"\b(?:bad om|(?:jag|vi|som) bad|fragade om|lamnade in|lamnat in|"
                    r"ni skulle|asked for|put in|sent in|reached out)\b")
# Sending words that are not past by themselves, but are beside a time gone by ("ja skicka
# in de förra veckan").
_SEND = _set("skicka skickar boka bokar bestalla send book")
_PAST_TIME = re.compile(r"\b(?:forra|igar|forrgar|yesterday|last|i (?:host|hostas|vintras|"
                        r"varas|somras|januari|februari|mars|april|maj|juni|augusti|"
                        r"september|oktober|november|december))\b"
                        r"|\b(?:dag|dagar|vecka|veckor|manad|manader|week|weeks|days|month|"
                        r"months) (?:sen|sedan|ago)\b")

# Status cues: an answer, a confirmation, whether it arrived or was seen, how it is going.
_CUES = _set("""
    hort horde svar svaret svarat svarade besked beskedet bekraftat bekraftad bekraftelse
    bekraftelsen bekraftats godkand godkant beviljad beviljat klart klar bestamt bestamd
    bestamts status statusen laget datum planerad planerat inplanerad inplanerat spikat
    spikad fatt glomt missat vantar vantat aterkoppling aterkommit uppdatering erhallit
    hunnit hittat kolla kollar kollat tittat sett inbokad inbokat avbokad installd mottagen
    mottagit registrerad registrerat registrerats hant heard hear received receive got get
    answered answer reply replied response confirmed confirmation confirm update news
    scheduled approved accepted pending happened happening waiting forgot forgotten missed
    seen checking cancelled canceled processed date hamnat avbojt avbojd nekad nekat
    declined rejected titta behandlad behandlat behandlats""")
_CUE_PHRASES = re.compile(r"""\b(?:
    fick\ ni | kommit\ (?:fram|in) | tagit\ emot | (?:nagot|nat)\ nytt | vart\ tog
    | (?:blir|blev)\ (?:det|de|den) | (?:bli|blir|blev)\ av | (?:hander|hande)\ det
    | (?:hander|hande)(?:\ nu)?\ med | ligger\ det\ till | ser\ det\ ut | hur\ langt
    | hur\ det\ gar | (?:gar|gatt|gick)\ de(?:t)?(?!\ till) | (?:gatt|gick|ga)\ igenom
    | (?:har|ni|nagon|nan)\ last | stallt\ in | (?:nar\ )?kommer\ ni | nar\ far
    | vet\ ni\ (?:nagot|nat|nan) | (?:go|gone|went)\ through | looked\ at | any\ word
    | when\ will | when\ are\ you | still\ open | check(?:ing)?\ (?:in|on)
    | do\ you\ know | star\ det\ till | hor\ ni | ni\ fick | foljer\ upp
    | follow(?:ing)?\ up)\b""", re.VERBOSE)
# Cancelling or moving: the chat cannot (see module doc); "avbokad?" asks a status.
_CANCEL = re.compile(r"\b(?:avboka|avbokar|avbokning\w*|avbestalla|ombokning\w*|omboka|"
                     r"stalla in|flytta|flyttar|skjuta upp|(?:byta|andra) (?:tid|dag|datum)"
                     r"\w*|cancel|cancelling|reschedule|postpone|(?:move|change) (?:the|our|"
                     r"my|it|date|time))\b")
# Another service or errand: a bus ticket, a passport, feedback, a police report, a plea.
_ELSEWHERE = re.compile(r"buss|biljett|flyg|hotell|tvattstug|vardcentral|lakare|bibliotek|"
                        r"apotek|paket|leverans|fardtjanst|skolskjuts|restaurang|korkort|"
                        r"synpunkt|(?<!intresse)anmalan|klagomal|utredning|ticket|flight|"
                        r"passport|complaint|feedback|\b(?:bus|train|pass|passet|resa|resan|tips|"
                        r"tipset|report)\b")
# Without a request word, a sent verb needs the session's world around it ("för klassen",
# "datum") and no other thing sent ("ett mejl till kommunen") or plea ("bad om hjälp").
_CONTEXT = re.compile(r"skol|klass|personal|elev|larar|foralder|fritids|datum|school|"
                      r"class|staff|teacher|pupil|student|parent|\bdate\b")
_OTHER_SENT = re.compile(r"\b(?:mejl|mail|email|brev|sms|meddelande|message|letter|hjalp|"
                         r"help)\b")
_PROMISE = re.compile(r"lofte|lovat|lovade|promise")
_THANKS = _set("tack tackar thanks thank")
# How to book, or booking anew: "vi bokade en förra året, kan vi boka en till?".
_HOW_OR_NEW = re.compile(r"\b(?:hur|how|en till|igen|again|another|vad ska|what should|"
                         r"(?:ska|skall|kan|far|maste|should|can|could|may|must|do) "
                         r"(?:jag|vi|man|i|we|one)|(?:ska|skall|maste|must|should|need to) "
                         r"(?:sta|vara|innehalla|be|contain|include))\b")

TYPO_LEN = 6  # shorter words are not corrected
REAL_WORD = 3.0  # as common as this (Zipf) in Swedish or English: a word, not a typo
_KNOWN = _SENT | _CUES
_TYPO_TARGETS = tuple(w for w in (*_REQUEST_SV, *_REQUEST_EN, *_SENT, *_CUES)
                      if len(w) >= 7)


@lru_cache(maxsize=8192)
def _spelt(word: str) -> str:
    """The keyword a misspelt word stands for, with the ending it was given ("forfrgan" ->
    "forfragan", "forfragningn" -> "forfragningn"), else the word itself."""
    if (len(word) < TYPO_LEN or word in _KNOWN or _request(word) is not None
            or lexicon.zipf(word) >= REAL_WORD):
        return word
    for target in _TYPO_TARGETS:
        most = 2 if len(target) >= 11 else 1
        for k in (len(target), len(target) - 1, len(target) + 1):  # the same length first
            if k <= len(word) and Levenshtein.distance(
                    word[:k], target, score_cutoff=most) <= most:
                return target + word[k:]
    return word


def _request(word: str) -> tuple[bool, bool] | None:
    """(weak, with a definite ending) for a request word, else None."""
    for stem in _REQUEST_SV:
        at = word.find(stem)
        if at >= 0:
            rest = word[at + len(stem):]
            return False, rest in _DEFINITE or (rest == "" and stem == "forfragan")
    if word.startswith(_REQUEST_EN) or word in _INSATS:
        return False, word == "insatsen"
    if word.startswith(_WEAK) or word.endswith(("besok", "besoket")):
        return True, False
    return None


class _Request(NamedTuple):
    """What the request words of a message say."""

    named: bool  # a request word counts ("förfrågan"; "besök" only as one's own)
    mine: bool  # with a possessive before it ("vår bokning", "my request")
    definite: bool  # "föreläsningen", "the booking": a known one, not "en föreläsning"


def _nouns(words: Sequence[str], text: str, strong: bool) -> _Request:
    named = mine = definite = False
    for i, word in enumerate(words):
        found = _request(word)
        if found is None:
            continue
        weak, ending = found
        before = words[max(0, i - 3):i]
        possessive = any(w in _POSSESSIVE for w in before)
        if weak and (not (possessive or strong) or words[i + 1:i + 2] == ["av"]):
            continue  # "vi fick besök av polisen"
        named = True
        mine = mine or possessive
        definite = definite or before[-1:] == ["the"] or (
            ending and not (before and before[-1] in _INDEFINITE))
    for found in _PHRASES.finditer(text):
        named = True
        before = _BEFORE_PHRASE.search(text, 0, found.start())
        mine = mine or (before is not None and before.group(1) != "the")
        definite = definite or before is not None
    return _Request(named, mine, definite)


def read(words: Sequence[str], question: bool = False) -> Kind | None:
    """What folded words ask about one's own request, if anything (see module doc).
    `question`: the message asks something ("?"), which an own request with no status word
    needs ("finns min förfrågan kvar?")."""
    text = " ".join(words)
    strong = (any(w in _SENT_STRONG for w in words) or bool(_ASKED.search(text))
              or (any(w in _SEND for w in words) and bool(_PAST_TIME.search(text))))
    sent = strong or any(w in _SENT for w in words)
    cue = bool(_CUE_PHRASES.search(text)) or any(w in _CUES for w in words)
    cancel = bool(_CANCEL.search(text))
    possessive = any(w in _POSSESSIVE for w in words)
    if not (cue or sent or cancel or (question and possessive)) or _ELSEWHERE.search(text):
        return None  # most messages end here, before a typo is looked for
    words = [_spelt(w) for w in words]
    sent = sent or any(w in _SENT for w in words)
    cue = cue or any(w in _CUES for w in words)
    request = _nouns(words, " ".join(words), strong)
    if cancel and (request.named or sent):
        return Kind.CANCEL
    if words[0] in _THANKS and not sent:
        return None
    if _PROMISE.search(text) and not (sent or possessive):
        return None  # "blev det föreläsningarna polisen lovade?": the promise's question
    if request.named:
        if cue and (request.mine or request.definite or sent):
            return Kind.STATUS
        if question and (request.mine or strong) and not _HOW_OR_NEW.search(text):
            return Kind.STATUS  # "finns min förfrågan kvar?", "vår insats, när blir den?"
        return None
    if cue and strong and _CONTEXT.search(text) and not _OTHER_SENT.search(text):
        return Kind.STATUS
    return None


def router(form: BookingForm) -> Router:
    return Router("request_status", step=RequestStatus(form),
                  texts=("rs_found", "rs_none", "rs_cancel"))


class RequestStatus:
    """The step: after dialogues and the foreign notice, before small talk and answers."""

    def __init__(self, form: BookingForm) -> None:
        self.form = form

    async def __call__(self, turn: Turn) -> Reply | None:
        if self.form.holder.kb.data.booking is None:  # this base takes no requests
            return None
        kind = read(turn.words, question="?" in turn.text)
        if kind is None:
            return None
        topic = TOPIC if TOPIC in self.form.holder.kb.topics else None
        if kind is Kind.CANCEL:
            return Reply(t("rs_cancel", turn.lang), Outcome.ANSWERED, turn.lang)
        if not turn.msg.is_direct:  # another's eyes: the list only in private, as /mina
            return Reply(t("bk_mine_private", turn.lang), Outcome.ANSWERED, turn.lang,
                         topic_id=topic)
        lines = await mine_lines(self.form, turn)
        text = "\n".join([t("rs_found", turn.lang), *lines]) if lines else \
            t("rs_none", turn.lang)
        return Reply(text, Outcome.ANSWERED, turn.lang, topic_id=topic)
