"""The feedback dialogue's and summary's texts, in Swedish and English."""

from __future__ import annotations

from bot.core.messages import Lang
from bot.core.texts import add_texts

TEXTS: dict[str, dict[Lang, str]] = {
    "fb_seen_by_others": {
        "sv": "**Obs:** här ser alla i kanalen vad du skriver. Det som sparas är anonymt, men "
              "kanalen ser vem som skrev. Vill du inte det, skriv **avbryt**.",
        "en": "**Note:** everyone in this channel sees what you write. What is stored is "
              "anonymous, but the channel sees who wrote it. If you do not want that, type "
              "**cancel**.",
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
    "fb_title": {"sv": "din synpunkt", "en": "your feedback"},
    "fb_not_a_report": {
        "sv": "Det tar jag med i din synpunkt. Men tänk på att den här chatten **inte är en "
              "polisanmälan** och att inga tips går vidare: anmäl eller tipsa via **114 14** "
              "eller på polisen.se. Är någon i fara just nu: ring **112**.",
        "en": "I'll keep that in your feedback. But remember that this chat is **not a "
              "police report** and passes no tips on: report or tip off the police via "
              "**114 14** or at polisen.se. If anyone is in danger right now: call **112**.",
    },
    "fb_shortened": {
        "sv": "Med personuppgifterna utbytta blev texten längre än 2 000 tecken, så jag kortade "
              "slutet. Du ser texten innan den sparas.",
        "en": "With the personal data replaced the text became longer than 2,000 characters, "
              "so I shortened the end. You see the text before it is saved.",
    },
    "fb_text_words": {
        "sv": "Skriv med några egna ord vad det gäller, så att det går att förstå för den "
              "som läser.",
        "en": "Please write a few words of your own about what it is, so that whoever "
              "reads it can understand.",
    },
    "fb_unreadable": {
        "sv": "Jag kunde inte gå igenom texten för att ta bort personuppgifter, så jag kan "
              "inte spara den. Skriv den gärna igen med andra ord.",
        "en": "I could not go through the text to remove personal data, so I cannot save "
              "it. Please write it again in other words.",
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
    "fbs_legend": {
        "sv": "_<3 betyder 1 eller 2; .. ett antal som döljs för att ett litet antal annars "
              "kunde räknas fram ur summan._",
        "en": "_<3 means 1 or 2; .. a count withheld because a small count could otherwise "
              "be worked out from the total._",
    },
}
add_texts(TEXTS)
