"""The answers' own texts: the honest "I can't answer that" and where to ask instead."""

from __future__ import annotations

from bot.core.messages import Lang

TEXTS: dict[str, dict[Lang, str]] = {
    "cannot_answer": {
        "sv": "Det kan jag tyvärr inte svara på, och jag vill inte gissa. Jag kan svara på "
              "frågor om medborgarlöftet i {name}: vad polisen och kommunen har lovat, målen, "
              "vem du kontaktar och hur länge avtalet gäller (skriv **/hjälp**). "
              "Fråga gärna här i stället:",
        "en": "I'm sorry, I can't answer that, and I'd rather not guess. I can answer "
              "questions about the citizen promise in {name}: what the police and the "
              "municipality promised, the goals, whom to contact and how long the agreement "
              "runs (type **/help**). You can ask here instead:",
    },
    "ask_municipality": {
        "sv": "kommunens frågor: växeln **{phone}**, {website}",
        "en": "the municipality's matters: the switchboard **{phone}**, {website}",
    },
    "ask_municipality_web": {
        "sv": "kommunens frågor: {website}",
        "en": "the municipality's matters: {website}",
    },
    "ask_police": {
        "sv": "polisen när det inte är akut: **114 14**, polisen.se – vid akut fara: **112**",
        "en": "the police when it is not urgent: **114 14**, polisen.se – "
              "in an emergency: **112**",
    },
}
