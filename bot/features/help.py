"""/hjälp: what the bot can do, and the commands the asker may use, in the order the
routers were included. Small talk gives the same text to a greeting or a plea for help."""

from __future__ import annotations

from bot.core.commands import Command, CommandRouter
from bot.core.messages import Outcome, Reply
from bot.core.router import Router
from bot.core.texts import t
from bot.core.turn import Turn
from bot.knowledge.holder import KnowledgeHolder


class Help:
    """Its own router, not small talk's: /hjälp heads the command list, while small talk's
    step comes late in the pipeline (after dialogues and the foreign notice)."""

    def __init__(self, holder: KnowledgeHolder, commands: CommandRouter) -> None:
        self.holder = holder
        self.commands = commands

    def router(self) -> Router:
        return Router("help", commands=(
            Command(name="hjälp", aliases=("help", "start"), run=self._command,
                    summary="cmd_hjalp"),))

    def text(self, turn: Turn, greet: bool = False) -> str:
        name = self.holder.kb.data.municipality.name.get(turn.lang)
        parts = [t("greeting", turn.lang, name=name)] if greet else []
        parts.append(t("can_do", turn.lang))
        lines = [t("commands", turn.lang)]
        for command in self.commands.visible(turn):
            shown = "help" if turn.lang == "en" and command.name == "hjälp" else command.name
            usage = f" {command.usage}" if command.usage else ""
            lines.append(f"- `/{shown}{usage}`: {t(command.summary, turn.lang)}")
        parts.append("\n".join(lines))
        return "\n\n".join(parts)

    async def _command(self, turn: Turn, args: str) -> Reply:
        return Reply(self.text(turn), Outcome.COMMAND, turn.lang)
