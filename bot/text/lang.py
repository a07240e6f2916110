"""The languages the bot reads and the languages it answers in; defined here once.

The bot reads two languages, Swedish and English (`Lang`): the detector tells them apart,
the dialogues key their questions by them, and the store keeps them with a row. It can
answer in more: any language a text catalogue exists for (`bot/i18n/<code>.yaml`, or a
knowledge base's `i18n/` folder), such as "sv-lattlast" (lättläst svenska, easy-to-read
Swedish) or "sma" (South Sami), a code a web page prefers.

Such a reply language travels as a `ReplyLang`: a string that *is* its base language
("sv") for every comparison, dictionary key and stored row, so that all code written for
two languages keeps working unchanged, and that carries the catalogue it speaks from in
`code` ("sv-lattlast"). `t(key, lang)` and `Text.get(lang)` read `code` first and fall
back along `fallbacks(code)`; code that only knows sv and en sees "sv".
"""

from __future__ import annotations

from typing import Literal, get_args

Lang = Literal["sv", "en"]
LANGS: tuple[Lang, ...] = get_args(Lang)
DEFAULT: Lang = "sv"


def base(code: str) -> Lang:
    """The language the bot reads that a reply language belongs to: "en" for "en" and
    "en-*", else Swedish ("sv-lattlast", and "sma": Sami readers here read Swedish)."""
    code = code_of(code)
    return "en" if code == "en" or code.startswith("en-") else DEFAULT


def code_of(lang: str) -> str:
    """The catalogue code a language value speaks from: a ReplyLang's `code`, else the
    value itself ("sv", "en", "sma")."""
    return lang.code if isinstance(lang, ReplyLang) else str(lang)


def fallbacks(lang: str) -> tuple[str, ...]:
    """Where a text is looked for, in order: the code itself, its prefix ("sv-lattlast"
    -> "sv", "en-GB" -> "en"), then Swedish. English only for "en" and "en-*"."""
    code = code_of(lang)
    chain = [code, code.split("-", 1)[0], DEFAULT]
    return tuple(dict.fromkeys(c for c in chain if c))


class ReplyLang(str):
    """A reply language beyond sv and en: equal to, hashed and stored as its base ("sv"),
    speaking from the catalogue `code` ("sv-lattlast"). Built with `speaking(code)`."""

    __slots__ = ("code",)
    code: str

    def __new__(cls, code: str) -> ReplyLang:
        self = super().__new__(cls, base(code))
        self.code = code
        return self

    def __repr__(self) -> str:
        return f"ReplyLang({self.code!r})"

    def __reduce__(self) -> tuple[type[ReplyLang], tuple[str]]:
        return ReplyLang, (self.code,)


def speaking(code: str) -> Lang:
    """The value a turn carries to reply in `code`: plain "sv" or "en" for those, else a
    ReplyLang (typed as its base: that is what every consumer of a `Lang` sees)."""
    code = code_of(code)
    if code in LANGS:
        return code  # type: ignore[return-value]
    return ReplyLang(code)  # type: ignore[return-value]
