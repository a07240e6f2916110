"""The activity log's texts, in Swedish and English."""

from __future__ import annotations

from bot.core.messages import Lang
from bot.core.texts import add_texts

TEXTS: dict[str, dict[Lang, str]] = {
    "act_serves": {"sv": "Hör till medborgarlöftet {period}", "en": "Serves the promise {period}"},
    "act_logged": {"sv": "Loggat som #{id}:", "en": "Logged as #{id}:"},
    "act_undone": {"sv": "Borttaget: #{id}", "en": "Removed: #{id}"},
    "act_edited": {"sv": "Rättat: #{id}", "en": "Corrected: #{id}"},
    "act_nothing_to_undo": {
        "sv": "Du har ingen loggning från det senaste dygnet att ångra.",
        "en": "You have no entry from the last day to undo.",
    },
    "act_no_such": {"sv": "Det finns ingen loggning #{id}.", "en": "There is no entry #{id}."},
    "act_edit_how": {
        "sv": "Skriv till exempel: /ändra 12 trafikkontroll Lomsjö igår 23 fordon",
        "en": "Write for example: /edit 12 trafikkontroll Lomsjö yesterday 23 fordon",
    },
    "act_bad_date": {
        "sv": "Det datumet kunde jag inte använda (det finns inte, eller ligger i "
              "framtiden). Skriv till exempel idag, igår, måndag, 12/3 eller 2026-03-12.",
        "en": "I could not use that date (it does not exist, or it is in the future). Write "
              "for example today, yesterday, monday, 12/3 or 2026-03-12.",
    },
    "act_did_you_mean": {
        "sv": "Den aktiviteten känner jag inte till. Menade du {names}?",
        "en": "I don't know that activity. Did you mean {names}?",
    },
    "act_how": {
        "sv": "Skriv till exempel: /logga trafikkontroll Lomsjö igår 23 fordon\n"
              "Aktiviteter: {kinds}.",
        "en": "Write for example: /log trafikkontroll Lomsjö yesterday 23 fordon\n"
              "Activities: {kinds}.",
    },
    "act_list_head": {"sv": "**Aktiviteter {start} – {end}:** {n} st",
                      "en": "**Activities {start} – {end}:** {n}"},
    "act_list_more": {"sv": "… och {n} till.", "en": "… and {n} more."},
}
add_texts(TEXTS)
