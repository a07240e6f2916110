"""One dialogue under way: where it is, what was entered, and how its questions read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.core import choices
from bot.core.forms import Form, Step, numbered
from bot.core.messages import Choice, Lang, Outcome, Reply
from bot.core.texts import t


@dataclass
class Session:
    form: Form
    steps: Sequence[Step]
    lang: Lang
    expires: dt.datetime
    index: int = 0
    data: dict[str, Any] = field(default_factory=dict)
    paused: bool = False
    hinted: bool = False  # the way back was shown since the pause
    # The text of an incident step that an emergency interrupted, as accepted, with its
    # notes: offered again on resuming ("ja" takes it), never taken without asking.
    draft: tuple[Any, list[str]] | None = None

    @property
    def confirming(self) -> bool:
        return self.index >= len(self.steps)

    @property
    def step(self) -> Step | None:
        return None if self.confirming else self.steps[self.index]

    def state(self) -> str:
        step = self.step
        return f"{self.form.name}:{'confirm' if step is None else step.name}"

    def what(self, lang: Lang | None = None) -> str:
        return self.form.title(lang or self.lang)

    def prompt(self) -> str:
        """The current question with its choices, or the summary to confirm."""
        lang, step = self.lang, self.step
        if step is None:
            return self.form.summary(self.data, lang) + "\n\n" + t("confirm", lang)
        parts = [f"**{step.question[lang]}**"]
        if step.choices:
            parts.append(numbered(step.choices, lang))
        parts.append(f"_{t('skip_or_cancel' if step.optional else 'cancel_hint', lang)}_")
        return "\n\n".join(parts)

    def ask(self, before: Sequence[str] = (), *, draft: bool = False) -> Reply:
        """The current question, after the lines in `before` (empty ones left out).
        `draft`: `before` offers the draft (`draft_lines`), which "ja" takes."""
        parts = [*(b for b in before if b), self.prompt()]
        return Reply("\n\n".join(parts), Outcome.DIALOGUE, self.lang,
                     choices=self.choices(draft=draft))

    def choices(self, *, draft: bool = False) -> tuple[Choice, ...]:
        """The buttons for what the prompt asks: the numbered options, "ja" to the draft,
        "hoppa över" on an optional step; "ja" or "avbryt" at the confirmation."""
        lang, step = self.lang, self.step
        if step is None:
            return (choices.word("choice_yes", lang), choices.word("choice_cancel", lang))
        picks = choices.numbered(c.label[lang] for c in step.choices)
        if draft and self.draft is not None:
            picks += (choices.word("choice_yes", lang),)
        if step.optional:
            picks += (choices.word("choice_skip", lang),)
        return picks

    def way_back(self) -> str:
        """What a reply to something else ends with while this dialogue is under way."""
        back = t("dialogue_back", self.lang, what=self.what())
        return f"_{back}_\n\n" + (t("confirm_again", self.lang) if self.step is None
                                 else self.prompt())

    def hint(self, lang: Lang) -> str:
        """How to go on with a paused dialogue."""
        return t("dialogue_paused_hint", lang, what=self.what(lang))

    def draft_lines(self) -> list[str]:
        if self.draft is None:
            return []
        quoted = "\n".join(f"> {line}" if line else ">"
                           for line in str(self.draft[0]).splitlines())
        return [t("dialogue_draft", self.lang), quoted]
