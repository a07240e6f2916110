"""Dialogues: forms of named steps, one per conversation, in memory only.

The engine holds one session per conversation key (transport, room, sender); `Bot.handle`
serialises each conversation, so a session is never changed by two messages at once. It
understands choices by number (in any script) or by words, repeats a question when an
answer fits no choice, ends on cancel words, and drops a session left alone past its
timeout (from the injected clock) without storing anything. A restart forgets sessions:
nothing half-done is ever stored. (With `shared_state`, for transports whose messages may
reach any of several processes, a session lives sealed in the store between its messages,
see bot.core.conversation_state, and is deleted when it ends or expires.)

A dialogue does not derail, and does not trap:
- A free-text step takes any text. One that tells of a crime is kept, with the form's
  notice ("this is not a police report"), also when the safety check answered it with
  its report reply first (`after` sees that reply and keeps the text).
- A menu step takes an option; a message that fits none and reads as a question ("vad
  har polisen lovat?") goes on to the rest of the pipeline, and its answer ends with the
  way back to the question. Anything else gets the question again.
- Only an emergency interrupts: the session is paused, with what was entered (and the
  text of a step that tells what happened), for `hold`; **fortsätt** (or /fortsätt, which
  also passes an ongoing crisis) resumes it, **börja om** restarts it, **avbryt** ends it.
  "paus" pauses it on request. The way back is shown once, on the first reply after the
  pause that is not about the emergency.
- The prompts follow the person's language when a message shows it.
- The confirmation ends the session only once the form has finished: a store that fails
  leaves the dialogue at its confirmation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from bot.core import choices
from bot.core.commands import Command, CommandRouter
from bot.core.dialogue_state import KeptSessions, Session
from bot.core.forms import (
    CANCEL,
    NO,
    PAUSE,
    REPLY_WORDS,
    RESTART,
    RESUME,
    SKIP,
    YES,
    Choice,
    Form,
    NotAccepted,
    Step,
    looks_like_question,
    pick,
)
from bot.core.messages import Lang, Outcome, Reply
from bot.core.router import Router
from bot.core.texts import t
from bot.core.turn import Turn
from bot.text.language import evidence
from bot.text.numbers import read_int

__all__ = ["CANCEL", "NO", "REPLY_WORDS", "SKIP", "YES", "Choice", "Dialogues", "Form",
           "NotAccepted", "Session", "Step", "pick"]

log = logging.getLogger(__name__)
Key = tuple[str, str, str]
HOLD = dt.timedelta(hours=2)  # how long a paused dialogue waits (an emergency takes time)


class Dialogues(KeptSessions):
    """The pipeline step for dialogues, the hook that sees every reply (`after`), and the
    way features start or offer one. `Stateful` (conversation_state, via KeptSessions): a
    conversation's session and offer can be kept outside the process between messages."""

    state_name = "dialogues"

    def __init__(self, timeout: dt.timedelta = dt.timedelta(minutes=15), hold: dt.timedelta =
                 HOLD, on_event: Callable[[str, str], None] | None = None) -> None:
        self.timeout = timeout
        self.hold = hold
        self.on_event = on_event  # (form name, "started" | "completed" | ...): metrics
        self._forms: dict[str, Form] = {}
        self._sessions: dict[Key, Session] = {}
        self._offers: dict[Key, tuple[str, dt.datetime]] = {}
        # Sessions restored from outside, built again (their steps) at their next turn.
        self._frozen: dict[Key, dict[str, Any]] = {}
        self._swept: dt.datetime | None = None

    def register(self, form: Form) -> None:
        """A form features start by its key; two forms under one key are refused."""
        if form.key in self._forms:
            raise ValueError(f"form {form.key} registered twice")
        self._forms[form.key] = form

    def router(self) -> Router:
        """/avbryt and /fortsätt, the step for an active dialogue, the hook on every reply.
        The forms come from the features' routers (`register`)."""
        return Router("dialogues", commands=self.commands(), step=self, after=self.after)

    def commands(self) -> tuple[Command, ...]:
        async def cancel(turn: Turn, args: str) -> Reply:
            return await self.cancel(turn)

        async def resume(turn: Turn, args: str) -> Reply:
            return self.resume(turn)

        return (Command(name="avbryt", aliases=("cancel",), run=cancel, summary="cmd_avbryt"),
                Command(name="fortsätt", aliases=("continue", "resume"), run=resume,
                        summary="cmd_fortsatt"))

    def add_commands(self, commands: CommandRouter) -> None:
        """For a bot put together by hand, without routers (tests)."""
        commands.extend(self.commands())

    def sizes(self) -> dict[str, int]:
        """How many conversations each table holds (for tests and metrics)."""
        return {"sessions": len(self._sessions), "offers": len(self._offers)}

    def offer(self, key: str, turn: Turn) -> None:
        """Remember that form `key` was offered; a "ja" next starts it."""
        if not self.active(turn.msg.conversation):
            self._offers[turn.msg.conversation] = (key, turn.now + self.timeout)

    async def start(self, key: str, turn: Turn) -> Reply:
        form = self._forms[key]
        if not turn.msg.is_direct:  # nothing personal is collected in a shared room
            return Reply(t("dialogue_private", turn.lang), Outcome.DIALOGUE, turn.lang)
        conversation = turn.msg.conversation
        existing = self._held(conversation, turn)
        if existing is not None and turn.now <= existing.expires:
            return self._back(existing, form, turn)
        refusal = form.refuse(turn)
        if refusal:
            return Reply(refusal, Outcome.DIALOGUE, turn.lang)
        session = Session(form, form.steps(turn), turn.lang, turn.now + self.timeout,
                          data=form.begin(turn))
        self._sessions[conversation] = session
        self._offers.pop(conversation, None)
        log.info("dialogue started: %s", form.name)
        if self.on_event:
            self.on_event(form.name, "started")
        return session.ask([form.intro(turn)])

    async def cancel(self, turn: Turn) -> Reply:
        self._held(turn.msg.conversation, turn)
        session = self._end(turn.msg.conversation, "cancelled")
        lang = self._follow(session, turn) if session else turn.lang
        return Reply(t("cancelled" if session else "nothing_to_cancel", lang),
                     Outcome.DIALOGUE, lang)

    def resume(self, turn: Turn) -> Reply:
        session = self._current(turn)
        if session is None:
            return Reply(t("dialogue_nothing_to_resume", turn.lang), Outcome.DIALOGUE,
                         turn.lang)
        self._follow(session, turn)
        if session.paused:
            return self._resume(session, turn)
        return session.ask()

    # ------------------------------------------------------------------ the pipeline step
    async def __call__(self, turn: Turn) -> Reply | None:
        session = self._current(turn)
        if session is not None:
            return await self._answer(session, turn)
        key, answer = turn.msg.conversation, turn.folded
        offered = self._offers.pop(key, None)
        if offered and turn.now <= offered[1] and answer in YES:
            return await self.start(offered[0], turn)
        if answer in ("avbryt", "cancel"):
            return Reply(t("nothing_to_cancel", turn.lang), Outcome.DIALOGUE, turn.lang)
        if answer in RESUME:
            return Reply(t("dialogue_nothing_to_resume", turn.lang), Outcome.DIALOGUE,
                         turn.lang)
        return None

    async def _answer(self, session: Session, turn: Turn) -> Reply | None:
        key, text = turn.msg.conversation, turn.text.strip()
        answer = turn.folded  # the same as fold(text): folding strips
        step = session.step
        choice = pick(step.choices, text, session.lang, folded=answer) if (
            step is not None and step.choices and not session.paused) else None
        if choice is None and answer not in REPLY_WORDS:
            # An option or a reply word says nothing of the language ("Centrala Åsele",
            # "hoppa över"): only the person's own words do.
            self._follow(session, turn)
        lang = session.lang
        if answer in CANCEL:
            self._end(key, "cancelled")
            return Reply(t("cancelled", lang), Outcome.DIALOGUE, lang)
        if answer in RESTART:
            return self._restart(session, turn)
        if session.paused:
            if answer in RESUME:
                return self._resume(session, turn)
            session.expires = turn.now + self.hold
            if read_int(text) is not None:  # an answer to the paused question, surely
                session.hinted = True
                return Reply(session.hint(lang), Outcome.DIALOGUE, lang,
                             choices=choices.paused(lang))
            return None  # anything else is the person's own business; `after` adds the hint
        session.expires = turn.now + self.timeout
        if answer in PAUSE:
            self._pause(session, turn.now, "on request")
            session.hinted = True
            return Reply(t("dialogue_paused", lang, what=session.what(lang),
                           hours=int(self.hold.total_seconds() // 3600)),
                         Outcome.DIALOGUE, lang, choices=(
                             choices.word("choice_resume", lang),
                             choices.word("choice_cancel", lang)))
        if answer in RESUME:
            return session.ask()
        if step is None:
            if answer in YES:
                return await self._finish(session, turn)
            if answer in NO:
                self._end(key, "cancelled")
                return Reply(t("cancelled", lang), Outcome.DIALOGUE, lang)
            if looks_like_question(text, turn.words):
                return None  # answered by the pipeline; `after` adds the way back
            return session.ask([t("confirm_again", lang)])
        if choice is not None:
            return self._advance(session, choice.value, [])
        # "-" folds to nothing, as do "٣" and "👍": only the dash itself is a skip.
        if step.optional and (answer in SKIP if answer else text in ("-", "–", "—")):
            return self._advance(session, None, [])
        if step.choices:
            if looks_like_question(text, turn.words):
                return None
            return session.ask([t("pick_one", lang), t("dialogue_ask_first", lang)])
        if session.draft is not None:
            if answer in YES:
                value, notes = session.draft
                session.draft = None
                return self._advance(session, value, notes)
            if read_int(text) is not None:  # a number is no account of what happened
                return session.ask(session.draft_lines(), draft=True)
            session.draft = None
        return self._take(session, text, [], notice=True)

    # ------------------------------------------------------------------ every reply
    def after(self, turn: Turn, reply: Reply) -> Reply:
        """Sees every reply before it leaves. A reply the dialogue did not give, while one
        is under way, gets the way back to it; an emergency pauses it; a report about the
        text a free-text step asked for is taken as the answer."""
        self._sweep(turn.now)
        session = self._current(turn)
        if session is None or reply.outcome is Outcome.DIALOGUE:
            return reply
        if reply.outcome is Outcome.EMERGENCY and not session.paused:
            self._keep_incident(session, turn)
            self._pause(session, turn.now, "by an emergency")
            return reply  # 112 and nothing else
        if session.paused:
            session.expires = turn.now + self.hold
            # A number answers the paused question (the hint again), not the reply's
            # suggestions: no buttons that would say otherwise.
            if session.hinted or reply.outcome is Outcome.EMERGENCY:  # 112 stays alone
                return dataclasses.replace(reply, choices=()) if reply.choices else reply
            session.hinted = True
            return dataclasses.replace(reply, text=reply.text + "\n\n" +
                                       f"_{session.hint(reply.lang)}_",
                                       choices=choices.paused(reply.lang))
        self._follow(session, turn)
        session.expires = turn.now + self.timeout
        step = session.step
        if (reply.outcome is Outcome.REPORT and step is not None and not step.choices
                and not turn.text.startswith("/")):
            kept = t("dialogue_kept_report", session.lang, what=session.what())
            taken = self._take(session, turn.text.strip(), [kept], notice=False)
            return dataclasses.replace(reply, text=reply.text + "\n\n" + taken.text,
                                       choices=taken.choices)
        # The way back ends the reply: a number now picks from the dialogue's list.
        return dataclasses.replace(reply, text=f"{reply.text}\n\n{session.way_back()}",
                                   choices=session.choices())

    # ------------------------------------------------------------------ the parts
    def _current(self, turn: Turn) -> Session | None:
        key = turn.msg.conversation
        session = self._held(key, turn)
        if session is not None and turn.now > session.expires:
            self._end(key, "timed out")
            return None
        return session

    def _follow(self, session: Session | None, turn: Turn) -> Lang:
        """Follows a change of language the message shows ("when does it end?")."""
        if session is None:
            return turn.lang
        # A message that shows a language follows the turn's reading of it, which keeps a
        # web page's own language (lättläst, an English page's "ja") unless clearly another.
        lang = turn.msg.lang or (turn.lang if evidence(turn.text, words=turn.words) else None)
        if lang is not None:
            session.lang = lang
        return session.lang

    def _advance(self, session: Session, value: Any, notes: list[str]) -> Reply:
        step = session.step
        assert step is not None
        session.data[step.name] = value
        session.index += 1
        return session.ask(notes)

    def _take(self, session: Session, text: str, before: list[str], *, notice: bool) -> Reply:
        """A free-text answer: accepted (with the form's notes), or the question again
        with the reason."""
        step, lang = session.step, session.lang
        assert step is not None and not step.choices
        if len(text) > step.max_chars:
            return session.ask([*before, t("answer_too_long", lang, limit=step.max_chars)])
        try:
            value, note = session.form.accept(step, text, lang)
        except NotAccepted as refused:
            return session.ask([*before, refused.message])
        notes = [*before, note or ""]
        if notice:
            notes.append(session.form.notice(step, text, lang) or "")
        return self._advance(session, value, notes)

    def _keep_incident(self, session: Session, turn: Turn) -> None:
        """An emergency told at a step that asks what happened is kept as a draft of its
        answer, offered again on resuming."""
        step, text = session.step, turn.text.strip()
        if (step is None or step.choices or not step.incident or not text
                or text.startswith("/") or turn.folded in REPLY_WORDS
                or len(text) > step.max_chars):
            return
        try:
            value, note = session.form.accept(step, text, session.lang)
        except NotAccepted:
            return
        session.draft = (value, [note or "", session.form.notice(step, text, session.lang)
                                 or ""])

    def _pause(self, session: Session, now: dt.datetime, why: str) -> None:
        session.paused, session.hinted = True, False
        session.expires = now + self.hold
        log.info("dialogue paused %s: %s", why, session.state())

    def _resume(self, session: Session, turn: Turn) -> Reply:
        session.paused, session.hinted = False, False
        session.expires = turn.now + self.timeout
        log.info("dialogue resumed: %s", session.state())
        lang = session.lang
        return session.ask([t("dialogue_resumed", lang, what=session.what(lang)),
                            *session.draft_lines()], draft=True)

    def _restart(self, session: Session, turn: Turn) -> Reply:
        session.steps = session.form.steps(turn)
        session.index, session.data, session.draft = 0, session.form.begin(turn), None
        session.paused = session.hinted = False
        session.expires = turn.now + self.timeout
        log.info("dialogue restarted: %s", session.state())
        return session.ask([t("dialogue_restarted", session.lang)])

    def _back(self, session: Session, form: Form, turn: Turn) -> Reply:
        """Starting a form while one is under way or paused: back to it, nothing lost."""
        lang = self._follow(session, turn)
        what = session.what(lang)
        if session.form is not form:
            return session.ask([t("dialogue_other_active", lang, what=what)])
        if session.paused:
            return self._resume(session, turn)
        return session.ask([t("dialogue_already", lang, what=what)])

    async def _finish(self, session: Session, turn: Turn) -> Reply:
        lang = session.lang
        # The same text in the session's language: its fold goes with it, not folded again.
        in_lang = dataclasses.replace(turn, lang=lang, given_fold=turn.folded)
        try:
            text = await session.form.finish(session.data, in_lang)
        except Exception as exc:  # kept at the confirmation: "ja" again saves it
            log.error("dialogue not finished: %s at %s", type(exc).__name__, session.state())
            return session.ask([t("dialogue_save_failed", lang)])
        self._end(turn.msg.conversation, "completed")
        return Reply(text, Outcome.DIALOGUE, lang)

    def _end(self, key: Key, how: str) -> Session | None:
        session = self._sessions.pop(key, None)
        if session is not None:
            log.info("dialogue %s: %s at %s", how, session.form.name, session.state())
            if self.on_event:
                self.on_event(session.form.name, how)
        return session

    def _sweep(self, now: dt.datetime) -> None:
        """Forget sessions and offers nobody came back to (at most once a minute)."""
        if self._swept is not None and dt.timedelta(0) <= now - self._swept < dt.timedelta(
                minutes=1):
            return
        self._swept = now
        for key in [k for k, s in self._sessions.items() if now > s.expires]:
            self._end(key, "timed out")
        for key in [k for k, (_, until) in self._offers.items() if now > until]:
            del self._offers[key]
