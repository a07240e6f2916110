"""Hostile inputs: huge, binary, control characters, markup, absurd numbers and dates,
injection attempts, other scripts. Used by tests/test_hostile_inputs.py at every pipeline
step, every command and every dialogue step."""

from __future__ import annotations

HOSTILE: list[str] = [
    # size
    "a" * 3999, "å" * 3999, "1" * 3999, "ord " * 999, "[" * 3000, "](" * 1900,
    "<at>" * 900, "*_" * 1900, "\\" * 3000, "```" * 1300, "@" * 3000, "#" * 3000,
    "a" * 4001,  # just over the limit
    # control and invisible characters
    "\x00", "hej\x00då", "\x1b[31mröd\x1b[0m", "\u202eabc\u202c", "\u200b" * 50, "\ufeff",
    "\ud800", "a\udfffb", "\x7f\x08\x07", "\r\r\r", "\n" * 200, "\t" * 100, "\u2028\u2029",
    "\U000e0041\U000e0042",  # tag characters
    # binary and replacement characters
    bytes(range(32, 256)).decode("latin-1"), "\ufffd" * 30, "ok \ufffd\ufffd",
    # markup
    "<script>alert(1)</script>", "[klicka här](javascript:alert(1))",
    "![x](https://example.com/x.png)", "@room", "<at>Polisen</at> hej", "**fet** _kursiv_ `kod`",
    "# rubrik\n> citat\n- lista", "|a|b|\n|-|-|\n|1|2|", "<img src=x onerror=alert(1)>",
    "&lt;b&gt;&#0;&#x110000;", "<!-- kommentar -->", "<a href='https://evil'>polisen.se</a>",
    # numbers
    "2147483648", "-1", "0", "1e308", "NaN", "inf", "٣", "²", "①", "１２", "3️⃣",
    "9" * 400, "10**30", "-0", "0x1F", "1/0", "½",
    # dates
    "0000-00-00", "0001-01-01", "9999-12-31", "31/02", "32/13", "2026-02-30",
    "99999-01-01", "1/1-99999", "igår igår igår", "måndag tisdag onsdag", "25:99",
    "kl 99.99", "vecka 99", "1970-01-01T00:00:00Z",
    # injection and format strings
    "'; DROP TABLE feedback; --", "%s%s%s%n", "{name}{0}{promise[x]}{__class__}",
    "${jndi:ldap://x}", "../../etc/passwd", "{{7*7}}", "\\u0000",
    # emoji and other scripts
    "🚨" * 200, "👨‍👩‍👧‍👦", "مرحبا كيف حالك", "Привіт", "ᚠᛇᚻ", "𝔥𝔢𝔧", "Z̸̡̛̙a̷l̴g̷o̶" * 50,
]

# Staff commands with an argument slot; "{x}" is the hostile input.
STAFF_COMMANDS = [
    "/logga {x}", "/logga trafikkontroll {x}", "/logga trafikkontroll Fredrika {x}",
    "/aktiviteter {x}", "/synpunkter {x}", "/rapport {x}", "/obesvarade {x}",
    "/bekräfta 1 {x}", "/avböj 1 {x}", "/genomförd {x}", "/ändra 1 {x}", "/ändra {x}",
    "/ångra {x}", "/förfrågningar {x}", "/hjälp {x}", "{x}",
]
RESIDENT_COMMANDS = ["{x}", "/hjälp {x}", "/tyck {x}", "/boka {x}", "/avbryt {x}",
                     "/fortsätt {x}", "/logga {x}"]

# Good answers for each step of the two dialogues, in order.
FEEDBACK = ["/tyck", "1", "1", "Det är mörkt vid skolan på kvällarna", "3", "ja"]
BOOKING = ["/boka", "Åsele skola", "1", "1", "25", "vecka 50", "hoppa över", "ja"]
