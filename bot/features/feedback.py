"""Anonymous safety feedback: the dialogue, the flood guard, and the staff summary.

What is stored cannot point back to the person: category, coarse area, the redacted text,
the rating, the date (or ISO week) and the language. Never a sender, room, event, device
or time of day; the flood guard counts per person in memory under a keyed hash that is
never stored and is forgotten the next day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable, Sequence
from typing import Any

from bot.config import FeedbackSettings
from bot.core.dialogues import REPLY_WORDS, Choice, Form, NotAccepted, Step
from bot.core.literal import literal
from bot.core.messages import Lang
from bot.core.texts import t
from bot.core.turn import Turn
from bot.features.feedback_crime import mentions_crime
from bot.features.place_words import area_place_words
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.holder import KnowledgeHolder
from bot.knowledge.schema import ChoiceItem, FeedbackChoices
from bot.privacy.redact import redact
from bot.store.base import MAX_FEEDBACK_TEXT, Feedback
from bot.store.ports import FeedbackRepo
from bot.text.lang import base
from bot.text.normalize import fold
from bot.text.numbers import read_int

log = logging.getLogger(__name__)
MAX_TEXT = MAX_FEEDBACK_TEXT  # what is stored, after redaction, and what may be written
# The name of each kind of personal data redaction removes, by its kind: catalogue keys.
_KINDS = {"personnummer": "fb_kind_personnummer", "telefonnummer": "fb_kind_telefonnummer",
          "e-post": "fb_kind_email", "registreringsnummer": "fb_kind_registreringsnummer",
          "adress": "fb_kind_adress", "namn": "fb_kind_namn"}
# The rating scale, 1 to 5: catalogue keys.
RATINGS = ("fb_rating_1", "fb_rating_2", "fb_rating_3", "fb_rating_4", "fb_rating_5")


class FloodGuard:
    """At most `per_day` entries a person a day, counted under an HMAC with a key that
    lives only in this process, so that the count cannot be tied to anyone later."""

    def __init__(self, per_day: int) -> None:
        self.per_day = per_day
        self._key = secrets.token_bytes(32)
        self._day: dt.date | None = None
        self._counts: dict[bytes, int] = {}

    def _slot(self, turn: Turn) -> bytes:
        if turn.today != self._day:
            self._day, self._counts = turn.today, {}
        who = f"{turn.msg.transport}\0{turn.msg.sender}".encode()
        return hmac.new(self._key, who, hashlib.sha256).digest()

    def full(self, turn: Turn) -> bool:
        slot = self._slot(turn)  # first: it may start a new day's counts
        return self._counts.get(slot, 0) >= self.per_day

    def count(self, turn: Turn) -> None:
        slot = self._slot(turn)
        self._counts[slot] = self._counts.get(slot, 0) + 1


def _choices(items: Sequence[ChoiceItem]) -> tuple[Choice, ...]:
    return tuple(Choice(i.id, {"sv": i.label.sv, "en": i.label.en}, tuple(i.words))
                 for i in items)


def stored_day(today: dt.date, granularity: str) -> dt.date:
    """The date kept: the day, or the Monday of its ISO week."""
    return today - dt.timedelta(days=today.weekday()) if granularity == "week" else today


class FeedbackForm(Form):
    key = "feedback"
    name = "Feedback"

    def __init__(self, holder: KnowledgeHolder, store: FeedbackRepo,
                 settings: FeedbackSettings,
                 where: Callable[[Turn], str | None] | None = None) -> None:
        self.holder = holder
        self.store = store
        self.settings = settings
        self.guard = FloodGuard(settings.per_day)
        # The municipality a conversation is about (features.whereabouts): its areas are
        # asked for, and the entry is counted for it.
        self.where = where or (lambda turn: None)

    def _kb(self, ident: str | None) -> KnowledgeBase:
        return self.holder.area.bases.get(ident or "") or self.holder.kb

    def _choices(self, data: dict[str, Any]) -> FeedbackChoices:
        choices = self._kb(data.get("municipality")).data.feedback
        assert choices is not None  # refuse() said so already
        return choices

    def begin(self, turn: Turn) -> dict[str, Any]:
        return {"municipality": self._kb(self.where(turn)).id}

    def refuse(self, turn: Turn) -> str | None:
        if self._kb(self.where(turn)).data.feedback is None:
            return t("feedback_unavailable", turn.lang)
        return t("feedback_limit", turn.lang) if self.guard.full(turn) else None

    def steps(self, turn: Turn) -> Sequence[Step]:
        choices = self._choices(self.begin(turn))
        def q(key: str) -> dict[Lang, str]:
            return _question(key, turn.lang)

        ratings = tuple(Choice(str(n), q(key)) for n, key in enumerate(RATINGS, 1))
        return (Step("category", q("fb_category"), _choices(choices.categories)),
                Step("area", q("fb_area"), _choices(choices.areas)),
                Step("text", q("fb_text"), max_chars=MAX_TEXT, incident=True),
                Step("rating", q("fb_rating"), ratings, optional=True))

    def intro(self, turn: Turn) -> str:
        if turn.msg.seen_by_others:
            return t("fb_seen_by_others", turn.lang) + "\n\n" + t("fb_intro", turn.lang)
        return t("fb_intro", turn.lang)

    def title(self, lang: Lang) -> str:
        return t("fb_title", lang)

    def accept(self, step: Step, text: str, lang: Lang) -> tuple[Any, str | None]:
        if read_int(text) is not None or fold(text) in REPLY_WORDS:  # "3", "ja": a slip
            raise NotAccepted(t("fb_text_words", lang))
        return redacted_answer(self.holder, text, lang)

    def notice(self, step: Step, text: str, lang: Lang) -> str | None:
        return t("fb_not_a_report", lang) if mentions_crime(text) else None

    def _label(self, items: Sequence[ChoiceItem], value: str, lang: Lang) -> str:
        return next((i.label.get(lang) for i in items if i.id == value), value)

    def summary(self, data: dict[str, Any], lang: Lang) -> str:
        choices = self._choices(data)
        rating = data.get("rating")
        shown = (f"{rating} – {t(RATINGS[int(rating) - 1], lang)}" if rating
                 else t("fb_no_rating", lang))
        quoted = "\n".join(f"> {literal(line)}" if line.strip() else ">"
                           for line in data["text"].splitlines())
        return "\n".join([
            t("fb_summary", lang),
            f"- {t('fb_about', lang)}: {self._label(choices.categories, data['category'], lang)}",
            f"- {t('fb_where', lang)}: {self._label(choices.areas, data['area'], lang)}",
            f"- {t('fb_safe', lang)}: {shown}",
            "", quoted])

    async def finish(self, data: dict[str, Any], turn: Turn) -> str:
        if self.guard.full(turn):
            return t("feedback_limit", turn.lang)
        rating = data.get("rating")
        await self.store.add_feedback(Feedback(
            category=data["category"], area=data["area"], text=data["text"],
            rating=int(rating) if rating else None,
            day=stored_day(turn.today, self.settings.time_granularity),
            granularity=self.settings.time_granularity, lang=turn.lang,
            municipality=self._kb(data.get("municipality")).id))
        self.guard.count(turn)
        return t("fb_saved", turn.lang)


def redacted_answer(holder: KnowledgeHolder, text: str, lang: Lang) -> tuple[str, str | None]:
    """A resident's free text as it may be stored (personal data replaced, at most MAX_TEXT
    characters), with a note saying what was replaced or cut; NotAccepted when redaction
    fails (never stored unredacted: the text can be written again). Feedback and the
    survey's free text both."""
    try:
        result = redact(text, area_place_words(holder.area))
    except Exception as exc:
        log.error("redaction failed: %s", type(exc).__name__)
        raise NotAccepted(t("fb_unreadable", lang)) from None
    notes = []
    if result.found:
        kinds = ", ".join(t(_KINDS[kind], lang) if kind in _KINDS else kind
                          for kind in result.found)
        notes.append(t("fb_redacted", lang, kinds=kinds))
    kept = _fit(result.text, MAX_TEXT)
    if kept != result.text:  # the markers made it longer than what can be stored
        notes.append(t("fb_shortened", lang))
    return kept, " ".join(notes) or None


def _fit(text: str, limit: int) -> str:
    """`text`, or as much of it as fits in `limit` characters with " …" at the end, cut
    between words and never inside a marker such as "[telefonnummer]"."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 2]
    if cut.rfind("[") > cut.rfind("]"):
        cut = cut[:cut.rfind("[")]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + " …"


def _question(key: str, lang: str = "sv") -> dict[Lang, str]:
    """The question in both languages the bot reads; the Swedish one in the person's
    variety of Swedish (lättläst on a lättläst page) when they write Swedish."""
    return {"sv": t(key, lang if base(lang) == "sv" else "sv"), "en": t(key, "en")}
