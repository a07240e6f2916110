"""The web chat: a page on the bot's own server that residents reach from the
municipality's website (one script tag), Server-Sent Events + POST (see server.py)."""

from bot.transports.webchat.server import WebChat

__all__ = ["WebChat"]
