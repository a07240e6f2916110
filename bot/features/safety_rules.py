"""The rule vote of the safety check: the frame patterns of `safety_patterns`, read once.

`scan` runs every pattern over the folded text and returns what fired as named signals;
`verdict` turns signals into the rules' own verdict. The signals are also features of the
classifier (`safety_model`), so the model learns how far to trust each pattern.

Acute signals are present-tense phrases; past tense, hearsay, hypotheticals and general
questions veto them unless the message also says that it is happening now (a vetoed crime
still gets the report channels, unless it is a hypothetical about nobody in particular).
Topic words ("inbrott", "brand") count only next to "nu"/"right now". Suicidal phrases
are never vetoed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.features import safety_patterns as P
from bot.text.normalize import fold

Verdict = Literal["emergency", "report"]


@dataclass(frozen=True, slots=True)
class Signals:
    """What the patterns found in one folded message."""

    fired: frozenset[str]  # every pattern that matched, as "now", "acute:fire", "tip", ...
    acute: frozenset[str]  # reasons the rules call acute (empty: not an emergency by rule)
    # A suicidal statement, a missing child or a bare cry: the model needs stronger
    # evidence to overrule these than other patterns.
    strong: bool
    cry: bool  # the whole message is a cry for help ("BRAND!!", "polis snabbt"): 112, always
    report: bool  # the rules call it a crime to report or a tip
    harmed: bool  # a report where someone was hurt or threatened


_EMOJI = str.maketrans({emoji: f" {word} " for emoji, word in P.EMOJI_WORDS.items()})


def prepare(text: str, folded: str | None = None) -> str:
    """The folded text the safety check reads: `fold`, with emergency emojis as words.
    `folded`: `fold(text)` when the caller has it (a turn's), used when there is no emoji."""
    spelt = text.translate(_EMOJI)
    if folded is not None and spelt == text:
        return folded
    return fold(spelt)


def scan(t: str) -> Signals:
    """The pattern signals of folded text `t`. The frames (now, past, hypothetical, habit)
    are read only where there is a danger, a crime or driving for them to frame."""
    fired = {name for name, rx in _FLAGS if rx.search(t)}
    hits = {r for r, rx in P.ACUTE if rx.search(t)}
    fired.update("acute:" + r for r in hits)
    needs_now = {r for r, rx in P.NEEDS_NOW if rx.search(t)}
    fired.update("topic:" + r for r in needs_now)
    cries = {r for r, rx in P.CRY if rx.search(t)}
    fired.update("cry:" + r for r in cries)
    if hits or needs_now or fired & _FRAMED:
        fired.update(name for name, rx in _FRAMES if rx.search(t))
    elif P.VEHICLE.search(t):  # "mopeder kör på skolgården på kvällarna": a complaint
        # Not "now": the model has the word, and as a signal it lifted "isen är 40 cm nu,
        # bra skoterföre" toward 112.
        fired.update(name for name, rx in _FRAMES if name != "now" and rx.search(t))

    now, unreal = "now" in fired, "unreal" in fired
    framed = unreal or "past" in fired or "habit" in fired
    # "Nu" overrides a past or general frame for a clear signal ("vad gör polisen, han slår
    # henne NU"), but a bare topic word needs "now" and no such frame ("hur är det nu").
    acute = set(hits) if now or not framed else set()
    if now and not framed:
        acute |= needs_now
    strong = bool(cries) or "suicide" in fired or "missing_child" in fired
    if "suicide" in fired:
        acute.add("suicide")
    if "missing_child" in fired:
        acute.add("missing")
    acute |= cries
    if acute:
        return Signals(frozenset(fired), frozenset(acute | who(t, acute)), strong,
                       bool(cries), False, False)
    # A crime signal that is over, hypothetical or hearsay still deserves the report channels.
    # A hypothetical about anyone at all, with no writer in it, is a question: no report.
    # (The patterns below only decide between verdicts, so they run only when they can.)
    if unreal and hits & P.CRIME and P.GENERIC.search(t) and not P.FIRST_PERSON.search(t):
        hits -= P.CRIME
    tip = "tip" in fired and P.TIP_TOPIC.search(t) is not None
    over = "past_crime" in fired and not unreal
    seen = "observed" in fired and not unreal
    report = bool(hits & P.CRIME or tip or over or seen or "report" in fired)
    return Signals(frozenset(fired), frozenset(), False, False, report,
                   report and harmed(t, hits))


def harmed(t: str, hits: set[str] | frozenset[str] = frozenset()) -> bool:
    """Someone was hurt or threatened: a report that may call for a support line."""
    return bool(hits & P.HARM) or P.HARMED.search(t) is not None


def who(t: str, reasons: frozenset[str] | set[str]) -> set[str]:
    """A partner or family member in violence or threats adds Kvinnofridslinjen; a child in
    any harm, self-harm included, adds Bris."""
    if not reasons & P.HARM:
        return set()
    violent = reasons & (P.HARM - {"suicide"})
    found = {"domestic"} if violent and P.DOMESTIC.search(t) else set()
    return found | {"child"} if P.CHILD.search(t) else found


_FLAGS = (
    ("suicide", P.SUICIDE), ("missing_child", P.MISSING_CHILD), ("report", P.REPORT),
    ("tip", P.TIP), ("past_crime", P.PAST_CRIME), ("observed", P.OBSERVED),
)
_FRAMED = frozenset({"past_crime", "observed"})  # a crime that is over, or one seen
_FRAMES = (("now", P.NOW), ("past", P.PAST), ("unreal", P.UNREAL), ("habit", P.HABIT),
           ("often", P.OFTEN))  # "often" only informs the model: it frames nothing
