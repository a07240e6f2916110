"""The activity log's texts, in Swedish and English."""

from __future__ import annotations

from bot.core.messages import Lang
from bot.core.texts import add_texts

TEXTS: dict[str, dict[Lang, str]] = {
    "act_serves": {"sv": "Hör till medborgarlöftet {period}", "en": "Serves the promise {period}"},
    "act_other": {
        "sv": "**Övrigt arbete:** hör inte till något av löftena i medborgarlöftet {period}, "
              "som gällde den dagen.",
        "en": "**Other work:** serves none of the promises of the citizen promise {period}, "
              "which was in force that day.",
    },
    "act_other_no_period": {
        "sv": "**Övrigt arbete:** inget medborgarlöfte gällde den dagen.",
        "en": "**Other work:** no citizen promise was in force that day.",
    },
    "act_other_place": {
        "sv": "Gjordes den i {places}? Lägg till platsen med /ändra, så räknas den för löftet.",
        "en": "Was it done in {places}? Add the place with /edit and it counts for the promise.",
    },
    "act_list_serves": {"sv": "löfte {period}: {title}", "en": "promise {period}: {title}"},
    "act_list_other": {"sv": "övrigt arbete", "en": "other work"},
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
    "act_big_count": {
        "sv": "Antalet {words} är större än jag kan logga (högst {most} i en loggning). "
              "Stämmer siffran? Skriv om raden, till exempel 23 fordon.",
        "en": "The count {words} is larger than I can log (at most {most} in one entry). Is "
              "the number right? Write the line again, for example 23 fordon.",
    },
    "act_note_cut": {
        "sv": "Texten var för lång ({size} tecken): jag sparade de första {most}.",
        "en": "The text was too long ({size} characters): I kept the first {most}.",
    },
    "act_not_yours": {
        "sv": "#{id} loggades av någon annan: bara den som loggade den, eller en "
              "administratör, kan ändra den.",
        "en": "#{id} was logged by someone else: only the person who logged it, or an "
              "administrator, can change it.",
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
