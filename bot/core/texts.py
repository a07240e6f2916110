"""The core's own user-facing texts, in Swedish and English.

Answers about the promise live in the knowledge base; these are the bot's framing words.
"""

from __future__ import annotations

from bot.core.messages import Lang

TEXTS: dict[str, dict[Lang, str]] = {
    "greeting": {
        "sv": "Hej! Jag är {name}s chattbot för medborgarlöftet mellan polisen och kommunen.",
        "en": "Hi! I am {name}'s chat bot for the citizen promise (medborgarlöfte) of the "
              "police and the municipality.",
    },
    "can_do": {
        "sv": "Du kan fråga mig om:\n"
              "- vad polisen och kommunen har lovat, och för vilken period\n"
              "- målen, uppföljningen och hur länge avtalet gäller\n"
              "- vem du kontaktar, och hur du lämnar en synpunkt\n\n"
              "Skriv din fråga med egna ord, till exempel _Vad har polisen lovat?_\n"
              "Vid akut fara: ring **112**. Jag tar inte emot polisanmälningar.",
        "en": "You can ask me about:\n"
              "- what the police and the municipality have promised, and for which period\n"
              "- the goals, the follow-up and how long the agreement runs\n"
              "- whom to contact, and how to give feedback\n\n"
              "Ask in your own words, for example _What have the police promised?_\n"
              "In acute danger: call **112**. I do not take police reports.",
    },
    "who_am_i": {
        "sv": "Jag är {name}s chattbot för medborgarlöftet mellan polisen och kommunen: ett "
              "automatiskt program, ingen människa, och ingen läser chatten. Jag svarar "
              "utifrån det som kommunen och polisen har publicerat.",
        "en": "I am {name}'s chat bot for the citizen promise (medborgarlöfte) of the police "
              "and the municipality: an automatic program, not a person, and nobody reads "
              "this chat. I answer from what the municipality and the police have published.",
    },
    "commands": {"sv": "Kommandon:", "en": "Commands:"},
    "thanks": {
        "sv": "Varsågod! Hör av dig om du undrar något mer.",
        "en": "You're welcome! Ask me anytime.",
    },
    "ack": {
        "sv": "Okej! Fråga gärna om något annat, eller skriv **/hjälp**.",
        "en": "Okay! Feel free to ask something else, or type **/help**.",
    },
    "bye": {"sv": "Hej då, ha det bra!", "en": "Goodbye, take care!"},
    "unknown": {
        "sv": "Det vet jag tyvärr inte, och jag vill inte gissa. Jag kan svara på frågor om "
              "medborgarlöftet i {name}: vad polisen och kommunen har lovat, målen, vem du "
              "kontaktar och hur länge avtalet gäller. Skriv **/hjälp** för mer.\n"
              "Vid akut fara: ring **112**. Polisen når du på **114 14**.",
        "en": "I'm sorry, I don't know that, and I'd rather not guess. I can answer questions "
              "about the citizen promise in {name}: what the police and the municipality "
              "promised, the goals, whom to contact and how long the agreement runs. "
              "Type **/help** for more.\n"
              "In acute danger: call **112**. The police: **114 14**.",
    },
    "did_you_mean": {"sv": "Menade du något av detta?", "en": "Did you mean one of these?"},
    "not_sure": {
        "sv": "Jag är inte säker på vad du menar. Menade du något av detta?",
        "en": "I'm not sure what you mean. Did you mean one of these?",
    },
    "pick_number": {
        "sv": "Svara med en siffra, eller ställ frågan med andra ord.",
        "en": "Reply with a number, or ask in other words.",
    },
    "also_ask": {"sv": "Du kan också fråga om", "en": "You can also ask about"},
    "too_long": {
        "sv": "Ditt meddelande är för långt för mig ({size} tecken; högst {limit}). "
              "Skriv gärna kortare, en fråga i taget.",
        "en": "Your message is too long for me ({size} characters; at most {limit}). "
              "Please write shorter, one question at a time.",
    },
    "unreadable": {
        "sv": "Jag kunde inte läsa ditt meddelande. Skriv din fråga som vanlig text.",
        "en": "I could not read your message. Please write your question as plain text.",
    },
    "empty": {
        "sv": "Skriv din fråga, så svarar jag. Skriv **/hjälp** för att se vad jag kan.",
        "en": "Type your question and I'll answer. Type **/help** to see what I can do.",
    },
    "unknown_command": {
        "sv": "Det kommandot känner jag inte till. Skriv **/hjälp** för att se kommandona.",
        "en": "I don't know that command. Type **/help** to see the commands.",
    },
    "not_allowed": {
        "sv": "Det kommandot är för personal.",
        "en": "That command is for staff.",
    },
    "dialogue_private": {
        "sv": "Det tar vi hellre i ett privat samtal: skriv till mig direkt, så börjar vi "
              "där. Jag samlar inte in synpunkter i gemensamma rum.",
        "en": "Let's take that in private: write to me directly and we start there. "
              "I don't collect feedback in shared rooms.",
    },
    "cancelled": {
        "sv": "Avbrutet. Inget sparades.",
        "en": "Cancelled. Nothing was saved.",
    },
    "nothing_to_cancel": {
        "sv": "Det finns inget att avbryta just nu.",
        "en": "There is nothing to cancel right now.",
    },
    "pick_one": {
        "sv": "Det svaret passade inte något av alternativen. Svara med en siffra eller ett "
              "ord ur listan.",
        "en": "That answer did not fit any of the choices. Reply with a number or a word "
              "from the list.",
    },
    "answer_too_long": {
        "sv": "Det blev för långt: högst {limit} tecken. Skriv gärna kortare.",
        "en": "That is too long: at most {limit} characters. Please write shorter.",
    },
    "confirm": {
        "sv": "Ska jag spara det här? Svara **ja** för att spara, eller **avbryt**.",
        "en": "Shall I save this? Reply **yes** to save, or **cancel**.",
    },
    "confirm_again": {
        "sv": "Svara **ja** för att spara eller **avbryt** för att låta bli.",
        "en": "Reply **yes** to save or **cancel** to leave it.",
    },
    "cancel_hint": {
        "sv": "Skriv avbryt för att sluta.",
        "en": "Type cancel to stop.",
    },
    "skip_or_cancel": {
        "sv": "Skriv hoppa över för att hoppa över, eller avbryt för att sluta.",
        "en": "Type skip to skip, or cancel to stop.",
    },
    "lost_question": {
        "sv": "Jag har ingen fråga öppen till dig just nu; jag kan ha startats om, och då "
              "glömmer jag påbörjade samtal. Inget halvfärdigt sparades. Börja gärna om.",
        "en": "I have no open question for you right now; I may have restarted, and then I "
              "forget conversations in progress. Nothing half-done was saved. Please start "
              "again.",
    },
    "bad_period": {
        "sv": "Den perioden förstod jag inte. Skriv till exempel 2026, 2026-11, 30 dagar eller "
              "2026-01-01..2026-06-30.",
        "en": "I did not understand that period. Write for example 2026, 2026-11, 30 days or "
              "2026-01-01..2026-06-30.",
    },
    "bad_period_date": {
        "sv": "Den perioden har ett datum som inte finns i kalendern (som 2026-02-30, månad 13 "
              "eller år 0000). Skriv till exempel 2026, 2026-11 eller 2026-01-01..2026-06-30.",
        "en": "That period has a date that is not in the calendar (like 2026-02-30, month 13 "
              "or year 0000). Write for example 2026, 2026-11 or 2026-01-01..2026-06-30.",
    },
    "bad_period_order": {
        "sv": "Den perioden slutar innan den börjar. Skriv det tidigaste datumet först, till "
              "exempel 2026-01-01..2026-06-30.",
        "en": "That period ends before it starts. Write the earliest date first, for example "
              "2026-01-01..2026-06-30.",
    },
    "bad_period_range": {
        "sv": "Den perioden går utanför kalendern, som räcker från år 1 till år 9999. Skriv "
              "till exempel 2026, 30 dagar eller 2026-01-01..2026-06-30.",
        "en": "That period goes outside the calendar, which runs from year 1 to year 9999. "
              "Write for example 2026, 30 days or 2026-01-01..2026-06-30.",
    },
    "error": {
        "sv": "Något gick fel hos mig. Försök igen om en stund. Vid akut fara: ring **112**.",
        "en": "Something went wrong on my side. Please try again shortly. In acute danger: "
              "call **112**.",
    },
}


_ALL: dict[str, dict[Lang, str]] = dict(TEXTS)


def add_texts(texts: dict[str, dict[Lang, str]]) -> None:
    """A feature's own texts; keys must be new, so that no feature overrides another."""
    clash = _ALL.keys() & texts.keys()
    if clash:
        raise ValueError(f"text keys defined twice: {sorted(clash)}")
    _ALL.update(texts)


def t(key: str, lang: Lang, **values: object) -> str:
    text = _ALL[key][lang]
    return text.format(**values) if values else text
