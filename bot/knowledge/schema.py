"""The knowledge base schema: what a municipality writes in knowledge/*.yaml.

Validated with pydantic on load; every model forbids unknown keys so that a typo in a key
is reported instead of silently ignored.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.knowledge.shared import short_name
from bot.text.lang import Lang, fallbacks

Responsible = Literal["polis", "kommun"]


class Strict(BaseModel):
    # Numbers are fine where text is expected ("keywords: [11414]").
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


class Text(Strict):
    """A user-facing text in Swedish and English (both required), and optionally in the
    reply languages a web page may prefer: lättläst svenska (`sv-lattlast`: easy-to-read
    Swedish, short sentences and common words) and South Sami (`sma`). A reply in one of
    those gets its variant where the text has one, else the Swedish."""

    sv: str = Field(min_length=1)
    en: str = Field(min_length=1)
    sv_lattlast: str | None = Field(None, alias="sv-lattlast", min_length=1)
    sma: str | None = Field(None, min_length=1)

    def get(self, lang: str) -> str:
        """The text in `lang` (a code, or a turn's ReplyLang), else along its fallbacks:
        "sv-lattlast" -> "sv", "sma" -> "sv", "en-GB" -> "en"."""
        if lang == "en" and type(lang) is str:  # the common cases first
            return self.en
        if lang == "sv" and type(lang) is str:
            return self.sv
        written = self.written()
        return next(written[code] for code in fallbacks(lang) if code in written)

    def written(self) -> dict[str, str]:
        """Every language this text is written in -> its text, Swedish first."""
        return {"sv": self.sv, "en": self.en,
                **({"sv-lattlast": self.sv_lattlast} if self.sv_lattlast else {}),
                **({"sma": self.sma} if self.sma else {})}


class Municipality(Strict):
    name: Text
    # What `{kommun}` says ("Åsele"); without it, the Swedish name without "kommun".
    short: str | None = Field(None, min_length=1)
    website: str
    police_area: str | None = None

    @property
    def short_name(self) -> str:
        """What {kommun} says: `short`, else the Swedish name without "kommun"."""
        return self.short or short_name(self.name.sv)


Url = Annotated[str, Field(pattern=r"^https?://\S+$")]
PlaceKind = Literal["municipality", "town", "village"]


class Theme(Strict):
    """What promises can be about ("trafik"): topics ask for the promises on a theme with
    {promises_about[ID]}, so that a new period's promises reach the right answers."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)
    label: Text  # "trafik" / "traffic", used in "none of the current promises is about …"


class Promise(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    responsible: list[Responsible] = Field(min_length=1)
    text: Text  # as published (sv), with a translation (en)
    title: Text | None = None  # a short label ("Narkotika bland unga")
    themes: list[str] = []  # Theme ids
    # The activity types (ids in `activities`) that serve this promise when they are done
    # within its period. `places` (Place names) and `place_kinds` limit that to activities
    # logged at one of those places; with neither, the place does not matter.
    activities: list[str] = []
    places: list[str] = []
    place_kinds: list[PlaceKind] = []

    def short(self, lang: Lang) -> str:
        return self.title.get(lang) if self.title else self.text.get(lang)


class Period(Strict):
    """One promise period (e.g. 2021–2022). A period may exist as a document only."""

    id: str = Field(pattern=r"^[0-9]{4}(-[0-9]{4})?$")
    start: dt.date
    end: dt.date
    document: Url | None = None  # where the text is published (its source)
    sources: list[Url] = []  # further addresses that publish the same text
    note: Text | None = None
    promises: list[Promise] = []

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self

    @property
    def label(self) -> str:
        if self.start.year == self.end.year:
            return str(self.start.year)
        return f"{self.start.year}–{self.end.year}"

    @property
    def links(self) -> list[str]:
        """Every source address, the document first."""
        return [*([self.document] if self.document else []), *self.sources]


class FollowUp(Strict):
    """How often the agreement is followed up, counted from its start: every N years or
    every N months (exactly one of them), and by whom."""

    every_years: int | None = Field(None, ge=1)
    every_months: int | None = Field(None, ge=1)
    by: Text

    @model_validator(mode="after")
    def _one_interval(self) -> FollowUp:
        if (self.every_years is None) == (self.every_months is None):
            raise ValueError("write exactly one of every_years and every_months")
        return self

    @property
    def months(self) -> int:
        """The interval in months."""
        return self.every_months if self.every_months is not None else 12 * (self.every_years or 0)


class Agreement(Strict):
    """The samverkansöverenskommelse the promises build on."""

    name: Text
    start: dt.date
    end: dt.date
    prolonged_until_further_notice: bool = False
    follow_up: FollowUp | None = None
    document: str | None = None


class Document(Strict):
    title: Text
    url: Url


class Contact(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)
    role: Text
    name: str = ""  # filled in by the municipality; empty means "not published"
    phone: str | None = None
    url: str | None = None
    email: str | None = None
    description: Text | None = None


class Place(Strict):
    name: str = Field(min_length=1)
    kind: PlaceKind
    aliases: list[str] = []


class ChoiceItem(Strict):
    """One choice of a dialogue step (a feedback category, an area)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    label: Text
    words: list[str] = []  # other words residents use for it


class FeedbackChoices(Strict):
    """What the anonymous feedback dialogue asks about: categories and coarse areas."""

    categories: list[ChoiceItem] = Field(min_length=1)
    areas: list[ChoiceItem] = Field(min_length=1)


class ActivityType(Strict):
    """Something staff do and log with /logga. Which promise it serves depends on the period
    it was done in: each promise lists its activity types (`Promise.activities`)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    label: Text
    words: list[str] = []  # other words staff use for it ("blåskontroll")
    # Whether the public digest may name where it was done ("Trafikkontroll: 2 – Fredrika
    # 2"). False for work with people (talks with young people, violence prevention): in
    # a village, the place and the day's count could point to someone. Then only counts.
    public_place: bool = True

    @model_validator(mode="before")
    @classmethod
    def _no_single_promise(cls, data: Any) -> Any:
        if isinstance(data, dict) and "promise" in data:
            raise ValueError(
                "`promise` is no longer written here: list the activity under each promise "
                "it serves (periods[].promises[].activities), so that it counts for the "
                "period in which it was done")
        return data


class BookingChoices(Strict):
    """What an information-session request asks: who it is for, and about what."""

    audiences: list[ChoiceItem] = Field(min_length=1)
    topics: list[ChoiceItem] = Field(min_length=1)


SurveyKind = Literal["scale", "choice", "yesno", "rank", "text"]


class SurveyQuestion(Strict):
    """One question of the chat safety survey (trygghetsenkät). `scale` is 1–5 (1 = very
    unsafe … 5 = very safe, labelled by the bot's catalogue), `yesno` ja/nej, `choice` one
    of `choices`, `rank` up to `pick` of them in order, `text` free text (redacted as
    feedback is). `choices_from: themes` takes the base's themes as the choices."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)
    kind: SurveyKind
    text: Text
    choices: list[ChoiceItem] = []
    choices_from: Literal["themes"] | None = None
    pick: int = Field(3, ge=1, le=10)
    optional: bool = False

    @model_validator(mode="after")
    def _choices_fit(self) -> SurveyQuestion:
        listed = bool(self.choices) or self.choices_from is not None
        if self.kind in ("choice", "rank") and not listed:
            raise ValueError(f"a {self.kind} question needs `choices` or `choices_from`")
        if self.kind not in ("choice", "rank") and listed:
            raise ValueError(f"a {self.kind} question takes no choices")
        if self.choices and self.choices_from is not None:
            raise ValueError("`choices` or `choices_from`, not both")
        ids = [c.id for c in self.choices]
        if len(set(ids)) != len(ids):
            raise ValueError("duplicate choice id")
        return self


class Survey(Strict):
    """The questions of the chat safety survey; staff open and close its periods."""

    title: Text
    intro: Text | None = None
    questions: list[SurveyQuestion] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Survey:
        ids = [q.id for q in self.questions]
        doubled = sorted({i for i in ids if ids.count(i) > 1})
        if doubled:
            raise ValueError(f"duplicate question id: {', '.join(doubled)}")
        return self


# A dialogue form by its key ("feedback", "booking"). The forms are the features'; which
# keys exist is checked when the bot is built and by `check` (knowledge.selftest).
Dialogue = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")]


class Topic(Strict):
    """One answerable topic: example questions, keywords and the answer."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: Text
    examples: list[str] = Field(min_length=1)
    keywords: list[str] = []
    answer: Text
    followups: list[str] = []
    starts: Dialogue | None = None  # a high-confidence match starts this dialogue
    offers: Dialogue | None = None  # the answer offers this dialogue ("ja" starts it)

    @field_validator("examples", "keywords")
    @classmethod
    def _no_blank(cls, values: list[str]) -> list[str]:
        for v in values:
            if not v.strip():
                raise ValueError("empty entry")
        return values


class KnowledgeFile(Strict):
    """The merged content of every YAML file in the knowledge folder."""

    municipality: Municipality
    periods: list[Period] = Field(min_length=1)
    agreement: Agreement | None = None
    documents: list[Document] = []
    themes: list[Theme] = []
    contacts: list[Contact] = []
    places: list[Place] = []
    synonyms: dict[str, list[str]] = {}
    stopwords: list[str] = []
    feedback: FeedbackChoices | None = None
    activities: list[ActivityType] = []
    booking: BookingChoices | None = None
    survey: Survey | None = None  # the chat safety survey's questions (trygghetsenkät)
    topics: list[Topic] = Field(min_length=1)
    # This deployment's wording of the bot's own texts: a catalogue key (bot/i18n/sv.yaml)
    # -> {sv, en}, with the catalogue's {placeholders}. Checked when the base loads.
    texts: dict[str, Text] = {}
