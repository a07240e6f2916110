"""Privacy helpers: keep personal data out of what the bot stores or shows back."""

from bot.privacy.redact import Redaction, redact

__all__ = ["Redaction", "redact"]
