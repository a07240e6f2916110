"""The dialogue engine's texts for pausing, resuming and finding the way back, in Swedish
and English. `{what}` is the form's own name for what the person is doing ("din synpunkt")."""

from __future__ import annotations

from bot.core.messages import Lang
from bot.core.texts import add_texts

TEXTS: dict[str, dict[Lang, str]] = {
    "dialogue_this": {"sv": "det vi höll på med", "en": "what we were doing"},
    "dialogue_back": {"sv": "Tillbaka till {what}:", "en": "Back to {what}:"},
    "dialogue_ask_first": {
        "sv": "Har du en annan fråga? Ställ den, så svarar jag och vi fortsätter sedan här. "
              "Eller skriv **paus**.",
        "en": "Do you have another question? Ask it, and I'll answer and we go on here "
              "afterwards. Or type **pause**.",
    },
    "dialogue_paused": {
        "sv": "Pausat. Jag sparar {what} här i samtalet i {hours} timmar. Fråga gärna om "
              "något annat; skriv **fortsätt** när du vill fortsätta, eller **avbryt**.",
        "en": "Paused. I keep {what} here in the chat for {hours} hours. Feel free to ask "
              "something else; type **continue** when you want to go on, or **cancel**.",
    },
    "dialogue_paused_hint": {
        "sv": "Du kan fortsätta med {what} där du slutade: skriv **/fortsätt**. Eller skriv "
              "**börja om** eller **avbryt**.",
        "en": "You can go on with {what} where you left off: type **/continue**. Or type "
              "**restart** or **cancel**.",
    },
    "dialogue_resumed": {"sv": "Vi fortsätter med {what} där du slutade.",
                         "en": "Let's go on with {what} where you left off."},
    "dialogue_draft": {
        "sv": "Det här skrev du. Svara **ja** för att använda det, eller skriv en ny text:",
        "en": "This is what you wrote. Reply **yes** to use it, or write a new text:",
    },
    "dialogue_kept_report": {"sv": "Det du skrev finns med i {what}.",
                             "en": "What you wrote is kept in {what}."},
    "dialogue_already": {
        "sv": "Du har redan börjat med {what}; vi fortsätter där du var. Skriv **börja om** "
              "för att börja från början.",
        "en": "You have already started {what}; let's go on where you were. Type "
              "**restart** to start from the beginning.",
    },
    "dialogue_other_active": {
        "sv": "Du håller på med {what}. Gör klart den först, eller skriv **avbryt**.",
        "en": "You are in the middle of {what}. Finish it first, or type **cancel**.",
    },
    "dialogue_restarted": {"sv": "Vi börjar om från början.",
                           "en": "Let's start again from the beginning."},
    "dialogue_nothing_to_resume": {
        "sv": "Det finns inget påbörjat att fortsätta med just nu. Skriv **/hjälp** för att "
              "se vad jag kan.",
        "en": "There is nothing started to continue right now. Type **/help** to see what "
              "I can do.",
    },
    "dialogue_save_failed": {
        "sv": "Det gick inte att spara just nu. Inget är förlorat: svara **ja** igen om en "
              "stund, eller **avbryt**.",
        "en": "It could not be saved just now. Nothing is lost: reply **yes** again in a "
              "little while, or **cancel**.",
    },
}
add_texts(TEXTS)
