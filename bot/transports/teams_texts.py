"""The Teams transport's own words, in Swedish and English. They answer before the core
has read the message, so the person's language is unknown: both are sent."""

from __future__ import annotations

from bot.core.texts import add_texts, t

TEXTS = {
    "teams_late": {
        "sv": "Det tar längre tid än vanligt, jag arbetar fortfarande på det. Fråga gärna "
              "igen om en stund. Vid akut fara: ring **112**.",
        "en": "This is taking longer than usual. Please ask again shortly. In acute "
              "danger: call **112**.",
    },
    "teams_error": {
        "sv": "Något gick fel hos mig. Försök igen om en stund. Vid akut fara: ring **112**.",
        "en": "Something went wrong on my side. Please try again shortly. In acute danger: "
              "call **112**.",
    },
}
add_texts(TEXTS)


def both(key: str) -> str:
    """Swedish, then English."""
    return t(key, "sv") + "\n\n" + t(key, "en")
