"""Floor 0: text helpers every room may use (normalize, stemming, language detection, Lang).

Imports nothing from the rest of the bot."""
