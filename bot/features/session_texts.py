"""The information-session requests' texts, in Swedish and English."""

from __future__ import annotations

from bot.core.messages import Lang
from bot.core.texts import add_texts

TEXTS: dict[str, dict[Lang, str]] = {
    "bk_intro": {
        "sv": "Kommunen och polisen håller **informationsinsatser** för lärare och personal "
              "som möter barn och unga: brottsförebyggande arbete, drogtecken och symptom. "
              "Jag ställer några frågor och skickar din förfrågan till samordnarna. Den "
              "sparas med ditt konto, så att svaret kan nå dig här.",
        "en": "The municipality and the police hold **information sessions** for teachers "
              "and staff who meet children and young people: crime prevention, signs and "
              "symptoms of drug use. I'll ask a few questions and send your request to the "
              "coordinators. It is stored with your account, so that the answer can reach "
              "you here.",
    },
    "bk_organisation": {"sv": "Vilken skola eller verksamhet gäller det?",
                        "en": "Which school or workplace is it for?"},
    "bk_audience": {"sv": "Vilka ska informationen riktas till?",
                    "en": "Who is the session for?"},
    "bk_topic": {"sv": "Vad ska den handla om?", "en": "What should it be about?"},
    "bk_size": {"sv": "Ungefär hur många blir ni?", "en": "About how many will you be?"},
    "bk_wished": {"sv": "När skulle det passa? En vecka, en månad eller datum.",
                  "en": "When would suit you? A week, a month or dates."},
    "bk_contact": {
        "sv": "Hur når vi dig bäst? Skriv hoppa över så svarar vi här i chatten.",
        "en": "How do we best reach you? Type skip and we answer here in the chat.",
    },
    "bk_title": {"sv": "din förfrågan", "en": "your request"},
    "bk_size_how": {
        "sv": "Skriv ungefär hur många ni blir med siffror, till exempel 25, eller **hoppa "
              "över**.",
        "en": "Write about how many you will be in digits, for example 25, or **skip**.",
    },
    "bk_size_range": {
        "sv": "Skriv ett antal från 1 till {most}, eller **hoppa över**.",
        "en": "Write a number from 1 to {most}, or **skip**.",
    },
    "bk_here": {"sv": "här i chatten", "en": "here in the chat"},
    "bk_people": {"sv": "ca {n} personer", "en": "about {n} people"},
    "bk_when": {"sv": "önskad tid: {when}", "en": "wished time: {when}"},
    "bk_reach": {"sv": "Svar: {contact}", "en": "Answer: {contact}"},
    "bk_summary": {"sv": "**Din förfrågan:**", "en": "**Your request:**"},
    "bk_sent": {
        "sv": "Tack! Förfrågan **#{id}** är skickad till samordnarna. Du får svar här i "
              "chatten.",
        "en": "Thank you! Request **#{id}** has gone to the coordinators. You'll get the "
              "answer here in the chat.",
    },
    "bk_notice": {
        "sv": "📣 Ny förfrågan **#{id}** om informationsinsats: {line}\n\n"
              "Svara med `/bekräfta {id} <datum och tid>` eller `/avböj {id} <skäl>`.",
        "en": "📣 New request **#{id}** for an information session: {line}\n\n"
              "Answer with `/confirm {id} <date and time>` or `/decline {id} <reason>`.",
    },
    "bk_unavailable": {
        "sv": "Förfrågningar kan inte göras här ännu. Kontakta kommunen i stället.",
        "en": "Requests cannot be made here yet. Please contact the municipality.",
    },
    "bk_none": {"sv": "Inga öppna förfrågningar.", "en": "No open requests."},
    "bk_list_head": {"sv": "**Förfrågningar:** {n} st", "en": "**Requests:** {n}"},
    "bk_which": {"sv": "Vilken förfrågan? Skriv dess nummer, till exempel 7.",
                 "en": "Which request? Give its number, for example 7."},
    "bk_no_such": {"sv": "Det finns ingen förfrågan #{id}.", "en": "There is no request #{id}."},
    "bk_wrong_status": {"sv": "Förfrågan #{id} är redan {status}.",
                        "en": "Request #{id} is already {status}."},
    "bk_status_open": {"sv": "öppen", "en": "open"},
    "bk_status_confirmed": {"sv": "bekräftad", "en": "confirmed"},
    "bk_status_declined": {"sv": "avböjd", "en": "declined"},
    "bk_status_done": {"sv": "genomförd", "en": "held"},
    "bk_confirm_how": {"sv": "Skriv när: /bekräfta 7 2026-12-03 14:00",
                       "en": "Say when: /confirm 7 2026-12-03 14:00"},
    "bk_decline_how": {"sv": "Skriv ett skäl: /avböj 7 vi hinner inte i höst",
                       "en": "Give a reason: /decline 7 we have no time this autumn"},
    "bk_confirmed": {"sv": "Bekräftad: #{id}. Svaret har skickats till den som frågade.",
                     "en": "Confirmed: #{id}. The answer has gone to the requester."},
    "bk_declined": {"sv": "Avböjd: #{id}. Svaret har skickats till den som frågade.",
                    "en": "Declined: #{id}. The answer has gone to the requester."},
    "bk_not_told": {
        "sv": "Sparat för #{id}, men jag når inte den som frågade härifrån; kontakta hen "
              "själv.",
        "en": "Saved for #{id}, but I cannot reach the requester from here; please contact "
              "them yourself.",
    },
    "bk_confirmed_dm": {
        "sv": "Din förfrågan **#{id}** ({line}) är **bekräftad**: {when}. Välkomna!",
        "en": "Your request **#{id}** ({line}) is **confirmed**: {when}. Welcome!",
    },
    "bk_declined_dm": {
        "sv": "Din förfrågan **#{id}** ({line}) kunde tyvärr inte ordnas: {reason}",
        "en": "Your request **#{id}** ({line}) could not be arranged, sorry: {reason}",
    },
    "bk_done": {"sv": "Genomförd: #{id}, loggad som aktivitet #{activity}.",
                "en": "Held: #{id}, logged as activity #{activity}."},
    "booking_offer": {
        "sv": "Vill du göra en förfrågan om en informationsinsats nu? Svara **ja**.",
        "en": "Would you like to request an information session now? Reply **yes**.",
    },
    "booking_offer_private": {
        "sv": "Vill du göra en förfrågan? Skriv till mig privat och skriv **/boka**.",
        "en": "Would you like to make a request? Write to me privately and type **/book**.",
    },
}
add_texts(TEXTS)
