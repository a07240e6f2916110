"""The Matrix transport's own words to residents, in Swedish and English. Where the
language of the person is unknown (a message nobody could read), both are sent."""

from __future__ import annotations

from bot.core.texts import add_texts, t

TEXTS = {
    "matrix_unreadable": {
        "sv": "Jag kunde inte läsa ditt krypterade meddelande. Skicka det gärna igen om en "
              "stund. Vid akut fara: ring **112**.",
        "en": "I could not read your encrypted message. Please send it again in a moment. "
              "In acute danger: call **112**.",
    },
    "matrix_no_verification": {
        "sv": "Jag är en chattbot och kan inte verifieras med emojier eller QR-kod. Min "
              "enhet är korssignerad av botens konto, så dina meddelanden är krypterade "
              "till mig ändå. Ställ gärna din fråga.",
        "en": "I am a chat bot and cannot be verified with emojis or a QR code. My device "
              "is cross-signed by the bot's account, so your messages to me are encrypted "
              "all the same. Go ahead and ask your question.",
    },
    "matrix_cancel_reason": {
        "sv": "Chattboten stöder inte interaktiv verifiering; dess enhet är korssignerad.",
        "en": "The chat bot does not support interactive verification; its device is "
              "cross-signed.",
    },
}
add_texts(TEXTS)


def both(key: str) -> str:
    """Swedish, then English: for when the person's language is unknown."""
    return t(key, "sv") + "\n\n" + t(key, "en")


def cancel_reason() -> str:
    """The reason in a verification cancel: read by client software, in English."""
    return t("matrix_cancel_reason", "en")
