"""The chat safety survey through Bot.handle: the form, private only, once a person a
survey (forgotten when it closes), the invitation, staff's /enkät and its scopes, and
what is stored and logged."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from pathlib import Path

import pytest

import bot.app as app_module
from bot.app import build_bot
from bot.config import Config, LocalRoles, Roles
from bot.core.bot import Bot
from bot.core.clock import FixedClock
from bot.core.commands import CommandRouter
from bot.core.dialogues import Dialogues
from bot.core.messages import Outcome, Reply
from bot.core.roles import Local
from bot.core.roles import Roles as CoreRoles
from bot.core.router import Router, include
from bot.features import answers
from bot.features.safety import SafetyCheck
from bot.features.survey import SurveyFeature
from bot.features.whereabouts import Whereabouts
from bot.knowledge.area import load_area
from bot.knowledge.holder import KnowledgeHolder
from bot.store import Store
from bot.store.base import StoreError
from bot.store.records import Survey, SurveyAnswer
from tests.conftest import SHIPPED, TODAY, ask

POLIS, DORA, ASA = "@polis:x", "@dora:x", "@asa:x"
PHONE = "070-123 45 67"
QUESTION = "Vad har polisen lovat?"


def survey_bot(config: Config, clock: FixedClock, holder: KnowledgeHolder,
               store: Store) -> Bot:
    """The app's bot once bot/app.py includes the survey's router; until then the parts
    of its pipeline these tests need, in the app's order, with the survey's router."""
    if hasattr(app_module, "SurveyFeature") or hasattr(app_module, "survey"):
        return build_bot(config, clock, holder, store)
    local = {ident: Local(frozenset(own.staff), own.staff_room)
             for ident, own in config.roles.municipalities.items()}
    roles = CoreRoles(config.roles.staff, config.roles.admins, config.roles.staff_room,
                      None, local)
    commands = CommandRouter()
    dialogues = Dialogues()
    where = Whereabouts(holder, config.municipalities)
    routers: tuple[Router, ...] = (
        SafetyCheck().router(), Router("commands", step=commands), dialogues.router(),
        SurveyFeature(holder, store, dialogues, roles, where).router(),
        answers.router(holder, dialogues, where=where))
    included = include(routers)
    commands.extend(included.commands)
    for form in included.forms:
        dialogues.register(form)
    return Bot(included.pipeline, clock, unaddressed=included.unaddressed,
               after=included.after)


@pytest.fixture
def bot(store: Store, clock: FixedClock, shipped_holder: KnowledgeHolder) -> Bot:
    roles = Roles(staff=[POLIS], municipalities={
        "dorotea": LocalRoles(staff=[DORA]), "asele": LocalRoles(staff=[ASA])})
    return survey_bot(Config(roles=roles), clock, shipped_holder, store)


async def say(bot: Bot, *texts: str, **kwargs: object) -> list[Reply]:
    return [await ask(bot, text, **kwargs) for text in texts]


async def open_asele(bot: Bot, args: str = "") -> Reply:
    reply = await ask(bot, f"/enkät öppna {args} Åsele".replace("  ", " "), sender=POLIS)
    assert "är öppen" in reply.text, reply.text
    return reply


async def answer_all(bot: Bot, **kwargs: object) -> list[Reply]:
    return await say(bot, "/enkät", "4", "2", "nej", "3, 1", f"Mörkt vid skolan, ring {PHONE}",
                     "ja", **kwargs)


# ------------------------------------------------------------------ the form
async def test_full_flow_stores_only_the_answers(bot: Bot, store: Store,
                                                 shipped_holder: KnowledgeHolder) -> None:
    await open_asele(bot)
    replies = await answer_all(bot, sender="@anna:x", room="!anna-dm:x")
    first = replies[0].text
    assert "anonyma" in first and "1. mycket otrygg" in first
    assert replies[0].outcome is Outcome.DIALOGUE and len(replies[0].choices) == 5
    assert "1. Inbrott och stölder" in replies[1].text
    assert "1. Ja" in replies[2].text and "2. Nej" in replies[2].text
    themes = shipped_holder.area.bases["asele"].data.themes
    assert f"1. {themes[0].label.sv}" in replies[3].text and "2, 5, 1" in replies[3].text
    assert "hoppa över" in replies[4].text.lower()
    summary = replies[5].text
    assert "telefonnummer" in summary and PHONE not in summary
    assert "ganska trygg" in summary and "Trafiken" in summary
    assert f"{themes[2].label.sv}, {themes[0].label.sv}" in summary
    assert "sparade" in replies[6].text
    [survey] = await store.list_surveys()
    [row] = await store.survey_answers(survey.id or 0)
    assert row == SurveyAnswer(survey=survey.id or 0, answers={
        "trygg-kvall": 4, "oro": "trafik", "undvikit": "nej",
        "prioritera": [themes[2].id, themes[0].id],
        "ovrigt": "Mörkt vid skolan, ring [telefonnummer]"},
        lang="sv", municipality="asele", id=row.id)


async def test_a_question_about_the_open_survey(bot: Bot) -> None:
    # With none open, the knowledge base says what a trygghetsmätning is.
    [before] = await say(bot, "vad är det för enkät?", sender="@q0:x")
    assert "trygghetsmätning" in before.text
    await open_asele(bot)
    for n, text in enumerate(["vad är det för enkät ni har?", "enkät", "What survey is this?",
                              "trygghetsundersökningen?"]):
        reply = await ask(bot, text, sender=f"@q{n + 1}:x")
        assert "pågår en trygghetsenkät i Åsele" in reply.text or "running in Åsele" in \
            reply.text, (text, reply.text)
        assert reply.text.count("/enkät") + reply.text.count("/survey") == 1  # no invite
        assert [c.send for c in reply.choices] == ["/enkät"]
    for n, text in enumerate(["jag vill vara med i trygghetsundersökningen",
                              "hur svarar man på enkäten?", "can I fill in the safety survey",
                              "jag vill svara på frågorna om trygghet"]):
        reply = await ask(bot, text, sender=f"@w{n}:x")
        assert reply.outcome is Outcome.DIALOGUE and "1. " in reply.text, (text, reply.text)


async def test_words_skip_and_english(bot: Bot, store: Store) -> None:
    await open_asele(bot)
    replies = await say(bot, "I would like to take the survey", "very safe", "traffic", "yes",
                        "trafik", "skip", "yes")
    assert "How safe" in replies[0].text
    assert "saved" in replies[-1].text
    [survey] = await store.list_surveys()
    [row] = await store.survey_answers(survey.id or 0)
    assert row.answers == {"trygg-kvall": 5, "oro": "trafik", "undvikit": "ja",
                           "prioritera": ["trafik"]}
    assert row.lang == "en"


@pytest.mark.parametrize(("phrase", "first"), [
    ("Jag vill svara på enkäten", "1. mycket otrygg"), ("trygghetsenkät", "1. mycket otrygg"),
    ("I want to answer the survey", "1. very unsafe"), ("take the survey", "1. very unsafe")])
async def test_started_in_words(bot: Bot, phrase: str, first: str) -> None:
    await open_asele(bot)
    reply = await ask(bot, phrase)
    assert reply.outcome is Outcome.DIALOGUE and first in reply.text


async def test_bad_answers_get_one_line_and_lose_nothing(bot: Bot, store: Store) -> None:
    await open_asele(bot)
    await say(bot, "/enkät", "4", "2", "nej")
    bad = await ask(bot, "banan och äpplen")
    assert "Det kunde jag inte läsa" in bad.text and bad.outcome is Outcome.DIALOGUE
    many = await ask(bot, "1 2 3 4")
    assert "högst 3" in many.text
    await say(bot, "2 2 1", "-", "ja")
    [survey] = await store.list_surveys()
    [row] = await store.survey_answers(survey.id or 0)
    assert row.answers["trygg-kvall"] == 4 and row.answers["undvikit"] == "nej"
    assert len(row.answers["prioritera"]) == 2 and "ovrigt" not in row.answers


async def test_cancel_stores_nothing(bot: Bot, store: Store) -> None:
    await open_asele(bot)
    await say(bot, "/enkät", "4", "2", "avbryt")
    [survey] = await store.list_surveys()
    assert await store.survey_answers(survey.id or 0) == []
    assert "1. mycket otrygg" in (await ask(bot, "/enkät")).text  # nothing counted: may start again


# ------------------------------------------------------------------ refusals
@pytest.mark.parametrize("where", [{"is_direct": False, "addressed": True},
                                   {"seen_by_others": True}])
async def test_refused_where_others_read(bot: Bot, where: dict[str, bool]) -> None:
    await open_asele(bot)
    for start in ("/enkät", "jag vill svara på enkäten"):
        reply = await ask(bot, start, **where)
        assert "privat samtal med mig" in reply.text
        assert "1. mycket otrygg" not in reply.text


async def test_nothing_open(bot: Bot, clock: FixedClock) -> None:
    reply = await ask(bot, "/enkät")
    assert "pågår ingen trygghetsenkät" in reply.text
    await open_asele(bot, "2026-12-10 2027-01-10")
    reply = await ask(bot, "/enkät")
    assert "Nästa öppnar 2026-12-10" in reply.text


async def test_twice_refused_and_forgotten_when_closed(bot: Bot, store: Store) -> None:
    await open_asele(bot)
    await answer_all(bot)
    again = await ask(bot, "/enkät")
    assert "redan svarat" in again.text
    other = await ask(bot, "/enkät", sender="@bertil:x", room="!b:x")
    assert "1. mycket otrygg" in other.text  # one person, not everyone
    closed = await ask(bot, "/enkät stäng Åsele", sender=POLIS)
    assert "stängd" in closed.text and "med 1 svar" in closed.text
    assert "pågår ingen" in (await ask(bot, "/enkät")).text
    await open_asele(bot)
    await answer_all(bot)
    surveys = await store.list_surveys()
    assert [len(await store.survey_answers(s.id or 0)) for s in surveys] == [1, 1]


async def test_forgotten_when_the_last_day_passed(bot: Bot, store: Store,
                                                  clock: FixedClock) -> None:
    await open_asele(bot, "idag 2026-11-29")
    await answer_all(bot)
    clock.advance(dt.timedelta(days=2))
    reply = await ask(bot, "/enkät")
    assert "pågår ingen" in reply.text and "2026-11-28–2026-11-29" in reply.text
    await open_asele(bot)
    saved = await answer_all(bot)
    assert "sparade" in saved[-1].text


# ------------------------------------------------------------------ the invitation
async def test_invited_once_a_conversation_only_while_open(bot: Bot) -> None:
    before = await ask(bot, QUESTION)
    assert before.outcome is Outcome.ANSWERED and "/enkät" not in before.text
    await open_asele(bot)
    first = await ask(bot, QUESTION)
    assert "Just nu pågår en trygghetsenkät" in first.text
    assert first.choices[-1].send == "/enkät"
    second = await ask(bot, QUESTION)
    assert "trygghetsenkät" not in second.text
    other = await ask(bot, QUESTION, sender="@bertil:x", room="!b:x")
    assert "Just nu pågår" in other.text
    await ask(bot, "/enkät stäng Åsele", sender=POLIS)
    after = await ask(bot, QUESTION, sender="@cecilia:x", room="!c:x")
    assert "Just nu pågår" not in after.text


@pytest.mark.parametrize("where", [{"is_direct": False, "addressed": True},
                                   {"seen_by_others": True}])
async def test_never_invited_where_others_read(bot: Bot, where: dict[str, bool]) -> None:
    await open_asele(bot)
    reply = await ask(bot, QUESTION, **where)
    assert reply.outcome is Outcome.ANSWERED and "Just nu pågår" not in reply.text


async def test_never_on_emergencies_dialogues_or_staff(bot: Bot) -> None:
    await open_asele(bot)
    emergency = await ask(bot, "Det brinner i huset bredvid!")
    assert emergency.outcome is Outcome.EMERGENCY and "Just nu pågår" not in emergency.text
    staff = await ask(bot, QUESTION, sender=POLIS)
    assert "Just nu pågår" not in staff.text
    await ask(bot, "/enkät", sender="@d:x", room="!d:x")
    during = await ask(bot, QUESTION, sender="@d:x", room="!d:x")
    assert "Just nu pågår" not in during.text


async def test_not_invited_after_answering(bot: Bot) -> None:
    await open_asele(bot)
    await answer_all(bot)
    assert "Just nu pågår" not in (await ask(bot, QUESTION)).text


async def test_a_survey_opened_elsewhere_is_seen_within_minutes(
        bot: Bot, store: Store, clock: FixedClock) -> None:
    assert "Just nu pågår" not in (await ask(bot, QUESTION)).text
    await store.add_survey(Survey("asele", TODAY, TODAY))  # another process
    assert "Just nu pågår" not in (await ask(bot, QUESTION, sender="@b:x", room="!b")).text
    clock.advance(dt.timedelta(minutes=11))
    assert "Just nu pågår" in (await ask(bot, QUESTION, sender="@c:x", room="!c")).text


async def test_a_store_that_fails_does_not_stop_answers(
        bot: Bot, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(**kwargs: object) -> list[Survey]:
        raise StoreError("down")

    monkeypatch.setattr(store, "list_surveys", broken)
    reply = await ask(bot, QUESTION)
    assert reply.outcome is Outcome.ANSWERED and "Just nu pågår" not in reply.text


# ------------------------------------------------------------------ staff
async def test_residents_get_the_staff_refusal(bot: Bot, store: Store) -> None:
    for words in ("öppna", "stäng", "resultat", "texter"):
        reply = await ask(bot, f"/enkät {words}")
        assert "för personal" in reply.text
    assert await store.list_surveys() == []


async def test_scopes(bot: Bot, store: Store) -> None:
    refused = await ask(bot, "/enkät öppna Åsele", sender=DORA)
    assert "inte för Åsele" in refused.text
    assert await store.list_surveys() == []
    mine = await ask(bot, "/enkät öppna", sender=DORA)
    assert "för Dorotea är öppen" in mine.text
    asele = await ask(bot, "/enkät öppna", sender=ASA)
    assert "för Åsele är öppen" in asele.text
    assert "inte för Dorotea" in (await ask(bot, "/enkät stäng Dorotea", sender=ASA)).text
    ids = {s.municipality: s.id for s in await store.list_surveys()}
    other = await ask(bot, f"/enkät resultat #{ids['asele']}", sender=DORA)
    assert "inte för Åsele" in other.text
    assert all(s.closed is None for s in await store.list_surveys())
    assert "Skriv vilken kommun" in (await ask(bot, "/enkät öppna", sender=POLIS)).text


@pytest.mark.parametrize(("args", "expected"), [
    ("2026-02-30", "finns inte i kalendern"),
    ("2025-01-01", "har redan varit"),
    ("2026-12-01 2026-11-30", "före startdatumet"),
    ("2026-12-01 2029-12-01", "mer än 1 år fram"),
])
async def test_absurd_dates_refused_in_one_line(bot: Bot, store: Store, args: str,
                                                expected: str) -> None:
    reply = await ask(bot, f"/enkät öppna {args} Åsele", sender=POLIS)
    assert expected in reply.text and "\n" not in reply.text
    assert await store.list_surveys() == []


async def test_one_open_survey_at_a_time(bot: Bot, store: Store) -> None:
    await open_asele(bot, "2026-12-01 2027-01-15")
    again = await ask(bot, "/enkät öppna Åsele", sender=POLIS)
    assert "redan en enkät 2026-12-01–2027-01-15" in again.text
    assert len(await store.list_surveys()) == 1


async def test_results_suppress_small_cells(bot: Bot, store: Store) -> None:
    await open_asele(bot)
    [survey] = await store.list_surveys()
    for scale, worry in ((4, "trafik"), (4, "trafik"), (5, "trafik"), (2, "vald")):
        await store.add_survey_answer(SurveyAnswer(
            survey.id or 0, {"trygg-kvall": scale, "oro": worry}, "sv", "asele"))
    # While it runs: the count alone (before and after one answer would tell it).
    running = (await ask(bot, "/enkät resultat", sender=ASA)).text
    assert "4 svar hittills" in running and "Trafiken" not in running
    assert "4 svar hittills" in (await ask(bot, "/enkät texter", sender=ASA)).text
    assert "stängd" in (await ask(bot, "/enkät stäng", sender=ASA)).text
    reply = await ask(bot, "/enkät resultat", sender=ASA)
    text = reply.text
    # The mean (3,8) with the counts would tell the hidden "<3" cells: left out.
    assert "4 svar" in text and "Medelvärde:" not in text and "för få svar" in text
    assert "2 – ganska otrygg: <3 (<3)" in text and "Våld och hot: .. (..)" in text
    assert "Trafiken: 3" not in text and "75 %" not in text
    assert "±50 procentenheter" in text and "inget slumpmässigt urval" in text


async def test_texts_only_from_three_answers_and_literal(bot: Bot, store: Store) -> None:
    await open_asele(bot)
    [survey] = await store.list_surveys()
    sid = survey.id or 0
    await store.add_survey_answer(SurveyAnswer(sid, {"ovrigt": "Mörkt **här**"}, "sv"))
    await store.close_survey(sid, TODAY)  # results and texts once it has closed
    assert "färre än 3" in (await ask(bot, "/enkät texter", sender=ASA)).text
    for n in range(2):
        await store.add_survey_answer(SurveyAnswer(sid, {"trygg-kvall": 3 + n}, "sv"))
    text = (await ask(bot, "/enkät texter", sender=ASA)).text
    assert "Fritextsvar (1)" in text and "**här**" not in text and "Mörkt" in text


# ------------------------------------------------------------------ privacy
async def test_rows_and_logs_hold_no_person(bot: Bot, store: Store,
                                            caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    await open_asele(bot)
    await answer_all(bot, sender="@secret-sender:x", room="!secret-room:x")
    rows = await store.db.fetch("SELECT * FROM survey_answers")
    assert len(rows) == 1
    stored = " ".join(str(v) for v in dict(rows[0]).values())
    for private in ("secret-sender", "secret-room", "$e1", PHONE):
        assert private not in stored
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for private in ("secret-sender", "secret-room", "Mörkt vid skolan", PHONE):
        assert private not in logged


# ------------------------------------------------------------------ the knowledge base
def test_a_municipality_s_own_survey_replaces_the_common_one(tmp_path: Path) -> None:
    folder = tmp_path / "knowledge"
    shutil.copytree(SHIPPED, folder)
    (folder / "dorotea" / "survey.yaml").write_text(
        "survey:\n  title: {sv: Doroteas enkät, en: Dorotea's survey}\n  questions:\n"
        "    - id: trygg\n      kind: scale\n      text: {sv: Hur trygg?, en: How safe?}\n",
        encoding="utf-8")
    area = load_area(folder)
    dorotea = area.files()["dorotea"].survey
    asele = area.files()["asele"].survey
    assert dorotea is not None and dorotea.title.sv == "Doroteas enkät"
    assert [q.id for q in dorotea.questions] == ["trygg"]
    assert asele is not None and len(asele.questions) == 5


def test_survey_questions_are_checked(shipped_holder: KnowledgeHolder) -> None:
    from pydantic import ValidationError

    from bot.knowledge.schema import Survey as Questions
    from bot.knowledge.selftest import survey_problems

    text = {"sv": "Fråga?", "en": "Question?"}
    with pytest.raises(ValidationError, match="needs `choices` or `choices_from`"):
        Questions.model_validate({"title": text, "questions": [
            {"id": "a", "kind": "choice", "text": text}]})
    with pytest.raises(ValidationError, match="duplicate question id: a"):
        Questions.model_validate({"title": text, "questions": [
            {"id": "a", "kind": "scale", "text": text}, {"id": "a", "kind": "yesno",
                                                          "text": text}]})
    with pytest.raises(ValidationError, match="takes no choices"):
        Questions.model_validate({"title": text, "questions": [
            {"id": "a", "kind": "scale", "text": text, "choices_from": "themes"}]})
    data = shipped_holder.area.files()["asele"]
    assert survey_problems(data) == []
    [line] = survey_problems(data.model_copy(update={"themes": []}))
    assert "survey.questions[prioritera]" in line and "themes: 0" in line


async def test_a_past_or_far_date_gets_a_surveys_hint(bot: Bot, store: Store) -> None:
    past = await ask(bot, "/enkät öppna 2020-01-01 2020-02-01 Åsele", sender=POLIS)
    assert "börjar tidigast i dag" in past.text and "kl 14" not in past.text
    far = await ask(bot, "/enkät öppna 2026-12-01 2099-01-01 Åsele", sender=POLIS)
    assert "2099-01-01" in far.text and "kl 14" not in far.text
    assert await store.list_surveys() == []
