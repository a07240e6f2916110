"""Safety check that runs before everything else: acute danger (112) and crime reports.

Two votes read every message: the frame patterns (`safety_rules`) and a classifier trained
on a labelled corpus (`safety_model`, with the patterns' signals among its features).
`decide` joins them, and uncertainty errs toward safety:
- the whole message is a cry for help ("BRAND!!"), the model is sure enough, or a pattern
  fires and the model does not rule it out (a suicidal statement or a missing child needs
  the model to be surer) -> 112;
- the model is unsure, or it rules a pattern out -> the reply, whatever it is, opens with
  "Is anyone in danger right now? Call 112." and an "I don't know" becomes support lines;
- a crime that is over, or a tip -> 114 14 and polisen.se.
After an emergency the conversation stays one for `CRISIS_WINDOW`: what the person writes
next gets 112 again and short guidance for that kind of emergency, never a promise text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Literal

from bot.core.conversation_state import Held
from bot.core.dialogues import CANCEL, REPLY_WORDS
from bot.core.messages import Lang, Outcome, Reply
from bot.core.router import Router
from bot.core.texts import t
from bot.core.turn import Turn
from bot.features import safety_patterns as P
from bot.features.safety_model import SafetyModel, Scores, features
from bot.features.safety_rules import Signals, harmed, prepare, scan, who

Key = tuple[str, str, str]
# The support lines, in the order they are shown, by the reason that calls for them.
SUPPORT_LINES = (("suicide", "safety_line_suicide"), ("domestic", "safety_line_domestic"),
                 ("child", "safety_line_child"))
# The guidance after an emergency, by the reason that comes first in this order.
GUIDES = (
    ("suicide", "safety_guide_suicide"), ("medical", "safety_guide_medical"),
    ("fire", "safety_guide_fire"), ("missing", "safety_guide_missing"),
    ("accident", "safety_guide_accident"), ("traffic", "safety_guide_traffic"),
    ("weapon", "safety_guide_violence"), ("violence", "safety_guide_violence"),
    ("threat", "safety_guide_violence"), ("break_in", "safety_guide_violence"),
    ("domestic", "safety_guide_violence"),
)
# A crisis unfolds over minutes: help in the inland can take half an hour to arrive, and
# "he's not moving" or "what do I do?" may come long after the first message. Each message
# in the crisis starts the window again, so only a quiet half hour ends it.
CRISIS_WINDOW = dt.timedelta(minutes=30)
# Below this share of known features the model abstains (the corpus's own acute messages
# are all above 0.8; "asdfghjkl" is at 0.2).
MIN_COVERAGE = 0.5


@dataclass(frozen=True, slots=True)
class SafetyAlert:
    kind: Literal["emergency", "report", "unsure"]
    # From: violence, weapon, threat, domestic, break_in, fire, accident, medical, suicide,
    # missing, traffic, child, crime_report.
    reasons: frozenset[str]
    doubt: bool = False  # a report that may also be an emergency: "is anyone in danger?"


@cache
def default_model() -> SafetyModel:
    return SafetyModel.load()


def takes(text: str) -> bool:
    """Whether the safety check answers `text` itself (112, a police report), so that it
    never reaches the matcher: the knowledge base's self-test screens examples with it."""
    alert = detect(text)
    return alert is not None and alert.kind != "unsure"


def detect(text: str, model: SafetyModel | None = None, *,
           folded: str | None = None) -> SafetyAlert | None:
    """An alert if `text` describes acute danger, might, or is a crime to report.
    `folded`: `fold(text)` when the caller has it (a turn's), so as not to fold again."""
    folded = prepare(text, folded)
    if not folded:
        return None
    model = model or default_model()
    signals = scan(folded)
    scores = _NO_SCORES
    # An answer to the bot's own question ("2", "ja", "avbryt") gives a model nothing to
    # read, nor does gibberish: its prior alone must not say "is anyone in danger?".
    if not folded.replace(" ", "").isdigit() and folded not in REPLY_WORDS:
        scored = model.score(features(folded, signals.fired))
        if scored.coverage >= MIN_COVERAGE:
            scores = scored
    return decide(folded, signals, scores, model.thresholds)


_NO_SCORES = Scores(0.0, 0.0, 1.0, "", 0.0)


def decide(folded: str, signals: Signals, scores: Scores,
           thresholds: dict[str, float]) -> SafetyAlert | None:
    """Joins the rule vote and the model vote (see the module doc)."""
    model_kind = {scores.kind}
    if (signals.cry or scores.acute >= thresholds["emergency"]
            or (signals.acute and scores.acute >= thresholds["rule_floor"])
            or (signals.strong and scores.acute >= thresholds["strong_floor"])):
        reasons = set(signals.acute)
        if not reasons or scores.kind_p >= thresholds["kind"]:
            reasons |= model_kind
        return SafetyAlert("emergency", frozenset(reasons | who(folded, reasons)))
    doubt = bool(signals.acute) or scores.acute >= thresholds["unsure"]
    if signals.report or scores.report >= thresholds["report"]:
        hurt = signals.harmed or (not signals.report and harmed(folded))
        extra = who(folded, P.HARM) if hurt else set()
        return SafetyAlert("report", frozenset({"crime_report", *extra}), doubt)
    if doubt:  # the kinds the patterns saw (the model's guess of a kind is too weak here)
        return SafetyAlert("unsure", signals.acute)
    return None


def render(alert: SafetyAlert, lang: Lang) -> str:
    """The Markdown reply for `alert`: short, the most urgent line first."""
    extras = [t(key, lang) for key in _support(alert.reasons)]
    # Blank lines: in Markdown a single newline would merge the lines into one paragraph.
    if alert.kind == "report":  # after a crime, a partner or a child still needs the line
        head = [t("safety_unsure", lang)] if alert.doubt else []
        return "\n\n".join([*head, t("safety_report", lang), *extras])
    if alert.kind == "unsure":
        return "\n\n".join([t("safety_unsure", lang), t("safety_distress", lang)])
    return "\n\n".join([t("safety_call", lang), *extras, t("safety_no_alarm", lang)])


def _support(reasons: frozenset[str]) -> list[str]:
    if not reasons & (P.HARM | {"domestic"}):
        reasons -= {"child"}  # Bris is for a child at risk of harm, not one who is missing
    return [key for reason, key in SUPPORT_LINES if reason in reasons]


def follow_up(reasons: tuple[str, ...], lang: Lang) -> str:
    """What a message after an emergency gets: 112 again, guidance for the two kinds that
    came first (an accident where someone is not breathing: both), the support lines."""
    guides = list(dict.fromkeys(_GUIDE[r] for r in reasons if r in _GUIDE))
    lines = [t("safety_again", lang), *(t(key, lang) for key in guides[:2])]
    return "\n\n".join(lines + [t(key, lang) for key in _support(frozenset(reasons))])


_GUIDE = dict(GUIDES)
_PRIORITY = {reason: i for i, (reason, _) in enumerate(GUIDES)}


def _in_order(reasons: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(reasons, key=lambda r: (_PRIORITY.get(r, len(_PRIORITY)), r)))


def _amend_unsure(alert: SafetyAlert, lang: Lang) -> Callable[[Reply], Reply]:
    def amend(reply: Reply) -> Reply:
        if reply.outcome in (Outcome.EMERGENCY, Outcome.REPORT, Outcome.DISTRESS):
            return reply
        if reply.outcome is Outcome.UNKNOWN:  # never "I don't know" to someone in distress
            return Reply(render(alert, lang), Outcome.DISTRESS, lang)
        lines = [t("safety_unsure", lang), reply.text,
                 *(t(key, lang) for key in _support(alert.reasons))]
        return dataclasses.replace(reply, text="\n\n".join(lines))
    return amend


class SafetyCheck:
    """The first pipeline step: an alert's reply ends the message's way; an unsure message
    goes on with "is anyone in danger?" put first on its reply.

    Group messages not meant for the bot get a reply only for acute danger, or in a crisis
    that person started: a report hint there would be noise, a 112 line is not."""

    def __init__(self, model: SafetyModel | None = None, *, window: dt.timedelta =
                 CRISIS_WINDOW, max_crises: int = 10_000) -> None:
        self.model = model or default_model()
        self.window = window
        self.max_crises = max_crises
        # Conversation -> (reasons in the order they came, until when): memory only, like
        # every conversation key.
        self._crises: OrderedDict[Key, tuple[tuple[str, ...], dt.datetime]] = OrderedDict()

    def router(self) -> Router:
        """First in the pipeline, and the one step that also reads group messages not meant
        for the bot (a cry for help gets 112 wherever it is written)."""
        return Router("safety", step=self, unaddressed=self)

    async def __call__(self, turn: Turn) -> Reply | None:
        alert = detect(turn.text, self.model, folded=turn.folded)
        key = turn.msg.conversation
        crisis = self._crisis(key, turn.now)
        plain = turn.folded
        if alert is not None and alert.kind == "emergency":
            reasons = self._remember(key, alert.reasons, turn.now)
            if crisis is None:  # the first word of it: short, 112 first
                return Reply(render(alert, turn.lang), Outcome.EMERGENCY, turn.lang)
            return self._follow_up(key, reasons, turn, plain)
        command = turn.text.startswith("/") or plain in CANCEL
        if crisis is not None and not command and (turn.addressed or alert is not None):
            return self._follow_up(key, crisis, turn, plain)
        if alert is None or not turn.addressed or command:  # a command: only 112 stops it
            return None
        if alert.kind == "report":
            return Reply(render(alert, turn.lang), Outcome.REPORT, turn.lang)
        turn.amend.append(_amend_unsure(alert, turn.lang))
        return None

    # `Stateful` (bot.core.conversation_state): a conversation's crisis, kept outside the
    # process between its messages when several processes serve it.
    state_name = "safety"

    def snapshot(self, key: Key) -> Held | None:
        found = self._crises.get(key)
        return None if found is None else (list(found[0]), found[1])

    def restore(self, key: Key, held: Held | None) -> None:
        self._crises.pop(key, None)
        if held is not None:
            self._crises[key] = (tuple(held[0]), held[1])

    def _follow_up(self, key: Key, reasons: tuple[str, ...], turn: Turn,
                   plain: str) -> Reply:
        if P.CALM.search(plain):
            del self._crises[key]
            return Reply(t("safety_calm", turn.lang), Outcome.EMERGENCY, turn.lang)
        self._remember(key, frozenset(), turn.now)
        return Reply(follow_up(reasons, turn.lang), Outcome.EMERGENCY, turn.lang)

    def _crisis(self, key: Key, now: dt.datetime) -> tuple[str, ...] | None:
        found = self._crises.get(key)
        if found is None:
            return None
        reasons, until = found
        if now > until:
            del self._crises[key]
            return None
        return reasons

    def _remember(self, key: Key, reasons: frozenset[str], now: dt.datetime) -> tuple[str, ...]:
        """Starts or extends the crisis; its reasons, the first ones first."""
        previous = self._crises.pop(key, ((), now))[0]
        merged = previous + tuple(r for r in _in_order(reasons) if r not in previous)
        self._crises[key] = (merged, now + self.window)
        while len(self._crises) > self.max_crises:
            self._crises.popitem(last=False)
        return merged
