"""Floor 0: the text catalogues (`<lang>.yaml`, one flat map a language), their reader
(catalogue.py) and their check (check.py). bot.core.texts speaks from them.

Imports nothing from the rest of the bot."""
