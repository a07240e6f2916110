"""Teams as a real app on the Microsoft 365 Agents SDK: personal chats, group chats and
channels, messages the bot starts, cards (see transport.py)."""

from bot.transports.teams_app.transport import TeamsApp

__all__ = ["TeamsApp"]
