"""The languages the bot answers in; defined here once."""

from __future__ import annotations

from typing import Literal, get_args

Lang = Literal["sv", "en"]
LANGS: tuple[Lang, ...] = get_args(Lang)
DEFAULT: Lang = "sv"
