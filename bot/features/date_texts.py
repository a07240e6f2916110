"""Texts for dates and times staff write in commands (bot.features.dates), in Swedish and
English: each names the date as written and what is wrong with it, on one line."""

from __future__ import annotations

from bot.core.messages import Lang
from bot.core.texts import add_texts

TEXTS: dict[str, dict[Lang, str]] = {
    "date_no_such": {
        "sv": "Datumet {words} finns inte i kalendern. Skriv till exempel 12/3 eller "
              "2026-03-12.",
        "en": "The date {words} is not in the calendar. Write for example 12/3 or 2026-03-12.",
    },
    "date_future": {
        "sv": "Datumet {words} ligger i framtiden: logga det som är gjort, till exempel idag, "
              "igår, måndag eller 12/3.",
        "en": "The date {words} is in the future: log what has been done, for example today, "
              "yesterday, monday or 12/3.",
    },
    "date_too_old": {
        "sv": "Datumet {words} ligger mer än {years} år bakåt. Stämmer året? Skriv till "
              "exempel 12/3 eller 2026-03-12.",
        "en": "The date {words} is more than {years} years back. Is the year right? Write for "
              "example 12/3 or 2026-03-12.",
    },
    "date_past": {
        "sv": "Datumet {words} har redan varit. Skriv en dag från och med idag, till exempel "
              "3/12 kl 14 eller imorgon 9.30.",
        "en": "The date {words} has already passed. Write a day from today on, for example "
              "3/12 14:00 or tomorrow 9:30.",
    },
    "date_too_far": {
        "sv": "Datumet {words} ligger mer än {years} år fram. Stämmer året? Skriv till exempel "
              "3/12 kl 14.",
        "en": "The date {words} is more than {years} years ahead. Is the year right? Write "
              "for example 3/12 14:00.",
    },
    "date_bad_time": {
        "sv": "Klockslaget {words} finns inte. Skriv till exempel 14:00 eller kl 9.30.",
        "en": "The time {words} does not exist. Write for example 14:00 or 9:30.",
    },
}
add_texts(TEXTS)
