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
    "fb_intro": {
        "sv": "Tack för att du vill lämna en synpunkt! Den är **anonym**. Det här sparas: vad "
              "det gäller, ungefär var, din text (utan personuppgifter), hur trygg du känner "
              "dig och datumet. Aldrig vem du är, ditt konto, rummet eller klockslaget.\n\n"
              "Det här är **ingen polisanmälan** och inga tips går vidare till polisen: vid "
              "akut fara ring **112**; anmäl eller tipsa på polisen.se eller **114 14**.",
        "en": "Thank you for giving feedback! It is **anonymous**. This is stored: what it is "
              "about, roughly where, your text (without personal data), how safe you feel and "
              "the date. Never who you are, your account, the room or the time of day.\n\n"
              "This is **not a police report** and no tips are passed to the police: in acute "
              "danger call **112**; report or tip off the police at polisen.se or **114 14**.",
    },
    "fb_category": {"sv": "Vad gäller det?", "en": "What is it about?"},
    "fb_area": {"sv": "Var ungefär?", "en": "Roughly where?"},
    "fb_text": {
        "sv": "Berätta med egna ord vad som hänt eller vad du önskar (högst 2 000 tecken). "
              "Skriv inga namn.",
        "en": "Tell us in your own words what happened or what you wish for (at most 2,000 "
              "characters). Please write no names.",
    },
    "fb_rating": {
        "sv": "Hur trygg känner du dig där, från 1 till 5?",
        "en": "How safe do you feel there, from 1 to 5?",
    },
    "fb_redacted": {
        "sv": "Jag tog bort personuppgifter ur texten ({kinds}); de sparas inte.",
        "en": "I removed personal data from the text ({kinds}); it is not stored.",
    },
    "fb_summary": {"sv": "**Din synpunkt:**", "en": "**Your feedback:**"},
    "fb_about": {"sv": "Gäller", "en": "About"},
    "fb_where": {"sv": "Var", "en": "Where"},
    "fb_safe": {"sv": "Trygghet", "en": "Feeling safe"},
    "fb_no_rating": {"sv": "inte angivet", "en": "not given"},
    "fb_saved": {
        "sv": "Tack! Din synpunkt är sparad, utan något som visar vem du är. Polisen och "
              "kommunen använder synpunkterna när de väljer vad de ska arbeta med.",
        "en": "Thank you! Your feedback is saved, without anything that shows who you are. "
              "The police and the municipality use feedback when they choose what to work on.",
    },
    "feedback_limit": {
        "sv": "Du har lämnat många synpunkter i dag. Välkommen tillbaka i morgon!",
        "en": "You have given a lot of feedback today. Welcome back tomorrow!",
    },
    "feedback_unavailable": {
        "sv": "Synpunkter kan inte lämnas här ännu. Kontakta kommunen i stället.",
        "en": "Feedback cannot be given here yet. Please contact the municipality instead.",
    },
    "feedback_offer": {
        "sv": "Vill du lämna en anonym synpunkt nu? Svara **ja**, så frågar jag några korta "
              "frågor.",
        "en": "Would you like to give anonymous feedback now? Reply **yes** and I'll ask a "
              "few short questions.",
    },
    "feedback_offer_private": {
        "sv": "Vill du lämna en anonym synpunkt? Skriv till mig privat och skriv **/tyck**.",
        "en": "Would you like to give anonymous feedback? Write to me privately and type "
              "**/tyck**.",
    },
    "fbs_head": {"sv": "**Synpunkter {start} – {end}:** {n} st",
                 "en": "**Feedback {start} – {end}:** {n}"},
    "fbs_none": {"sv": "Inga synpunkter under perioden.", "en": "No feedback in the period."},
    "fbs_by_category": {"sv": "Per kategori", "en": "By category"},
    "fbs_by_area": {"sv": "Per område", "en": "By area"},
    "fbs_by_month": {"sv": "Per månad", "en": "By month"},
    "fbs_rating": {"sv": "Upplevd trygghet i snitt: {mean} av 5 ({n} svar)",
                   "en": "Feeling safe on average: {mean} of 5 ({n} answers)"},
    "fbs_too_few": {
        "sv": "Texterna visas inte: perioden har färre än 3 synpunkter, och då kan en "
              "enskild person gå att känna igen.",
        "en": "Texts are not shown: the period holds fewer than 3 entries, and then a single "
              "person could be recognised.",
    },
    "fbs_latest": {"sv": "Senaste texterna", "en": "Latest texts"},
    "bad_period": {
        "sv": "Den perioden förstod jag inte. Skriv till exempel 2026, 2026-11, 30 dagar eller "
              "2026-01-01..2026-06-30.",
        "en": "I did not understand that period. Write for example 2026, 2026-11, 30 days or "
              "2026-01-01..2026-06-30.",
    },
    "error": {
        "sv": "Något gick fel hos mig. Försök igen om en stund. Vid akut fara: ring **112**.",
        "en": "Something went wrong on my side. Please try again shortly. In acute danger: "
              "call **112**.",
    },
}


def t(key: str, lang: Lang, **values: object) -> str:
    text = TEXTS[key][lang]
    return text.format(**values) if values else text
