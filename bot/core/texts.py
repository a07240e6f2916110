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
    "error": {
        "sv": "Något gick fel hos mig. Försök igen om en stund. Vid akut fara: ring **112**.",
        "en": "Something went wrong on my side. Please try again shortly. In acute danger: "
              "call **112**.",
    },
}


def t(key: str, lang: Lang, **values: object) -> str:
    text = TEXTS[key][lang]
    return text.format(**values) if values else text
