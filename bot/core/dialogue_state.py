"""One dialogue under way: where it is, what was entered, and how its questions read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.core import choices
from bot.core.conversation_state import Held, Key
from bot.core.forms import Form, Step, numbered
from bot.core.messages import Choice, Lang, Outcome, Reply
from bot.core.texts import t
from bot.core.turn import Turn


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


# ------------------------------------------------------------ kept between processes
def freeze(session: Session) -> dict[str, Any]:
    """A session as JSON-able data (see conversation_state.encode): the form by its key
    and where it is by step name; its steps are built again by `thaw`."""
    step = session.step
    return {"form": session.form.key, "step": None if step is None else step.name,
            "lang": session.lang, "expires": session.expires, "data": dict(session.data),
            "paused": session.paused, "hinted": session.hinted,
            "draft": None if session.draft is None else [session.draft[0],
                                                         list(session.draft[1])]}


def thaw(frozen: dict[str, Any], form: Form, steps: Sequence[Step]) -> Session:
    """The session `freeze` gave, with `steps` as the form builds them now: at the step
    of that name (if the form no longer has it: the first one not yet answered)."""
    data = dict(frozen["data"])
    names = [s.name for s in steps]
    where = frozen["step"]
    if where is None:
        index = len(steps)
    elif where in names:
        index = names.index(where)
    else:
        index = next((i for i, n in enumerate(names) if n not in data), len(steps))
    draft = frozen.get("draft")
    return Session(form, steps, frozen["lang"], frozen["expires"], index, data,
                   bool(frozen["paused"]), bool(frozen["hinted"]),
                   None if draft is None else (draft[0], list(draft[1])))


class KeptSessions:
    """The `Stateful` side of `Dialogues` (conversation_state): its tables, one
    conversation's session and offer as JSON-able data, and back. A restored session is
    built again (its steps from its form) at the conversation's next turn."""

    state_name = "dialogues"
    _forms: dict[str, Form]
    _sessions: dict[Key, Session]
    _offers: dict[Key, tuple[str, dt.datetime]]
    _frozen: dict[Key, dict[str, Any]]

    def active(self, key: Key) -> bool:
        """A dialogue is under way or paused in this conversation."""
        return key in self._sessions or key in self._frozen

    def snapshot(self, key: Key) -> Held | None:
        session, offer = self._sessions.get(key), self._offers.get(key)
        frozen = freeze(session) if session is not None else self._frozen.get(key)
        if frozen is None and offer is None:
            return None
        until = max(t for t in (frozen and frozen["expires"], offer and offer[1]) if t)
        return {"session": frozen, "offer": list(offer) if offer else None}, until

    def restore(self, key: Key, held: Held | None) -> None:
        for table in (self._sessions, self._offers, self._frozen):
            table.pop(key, None)
        value = held[0] if held is not None else {}
        if value.get("offer"):
            self._offers[key] = (value["offer"][0], value["offer"][1])
        if value.get("session") and value["session"]["form"] in self._forms:
            self._frozen[key] = value["session"]

    def _held(self, key: Key, turn: Turn) -> Session | None:
        """The conversation's session, a restored one built again for this turn."""
        frozen = self._frozen.pop(key, None)
        if frozen is not None:
            form = self._forms[frozen["form"]]
            self._sessions[key] = thaw(frozen, form, form.steps(turn))
        return self._sessions.get(key)
