"""The words the renderer puts around the knowledge base's own texts, in Swedish and English.

Whether a period is current or has ended is decided on the day of the question, so these
frames, not the knowledge base, say "gäller nu" / "avslutad".
"""

from __future__ import annotations

from bot.core.messages import Lang
from bot.core.texts import add_texts

TEXTS: dict[str, dict[Lang, str]] = {
    "kb_promise_name": {"sv": "Medborgarlöfte {label}", "en": "Citizen promise {label}"},
    "kb_latest_name": {"sv": "Det senaste medborgarlöftet, {label}",
                       "en": "The latest citizen promise, {label}"},
    "kb_current": {"sv": "gäller nu, till och med {end}", "en": "in force now, until {end}"},
    "kb_upcoming": {"sv": "börjar gälla {start}", "en": "starts on {start}"},
    "kb_latest_ended": {"sv": "perioden slutade {end}", "en": "the period ended on {end}"},
    "kb_newer_maybe": {"sv": "; nyare löften kan finnas på {site}",
                       "en": "; newer promises may be published at {site}"},
    "kb_earlier": {"sv": "en tidigare period, avslutad {end}",
                   "en": "an earlier period, ended on {end}"},
    "kb_ended_short": {"sv": "avslutad {end}", "en": "ended on {end}"},
    "kb_responsible": {"sv": "ansvar", "en": "responsible"},
    "kb_and": {"sv": "och", "en": "and"},
    "kb_who_polis": {"sv": "polisen", "en": "the police"},
    "kb_who_kommun": {"sv": "kommunen", "en": "the municipality"},
    "kb_text_in_document": {"sv": "Löftets text finns i dokumentet.",
                            "en": "The text of the promise is in the document."},
    "kb_points_in_document": {
        "sv": "punkterna är inte publicerade, bara det undertecknade dokumentet",
        "en": "the points are not published, only the signed document",
    },
    "kb_source": {"sv": "Källa", "en": "Source"},
    "kb_sources": {"sv": "Källor", "en": "Sources"},
    "kb_no_period_for_year": {
        "sv": "För {year} känner jag inte till något medborgarlöfte i {name}.",
        "en": "I know of no citizen promise in {name} for {year}.",
    },
    "kb_earlier_head": {"sv": "**Tidigare medborgarlöften:**",
                        "en": "**Earlier citizen promises:**"},
    "kb_other_head": {"sv": "**Andra perioder, den senaste först:**",
                      "en": "**Other periods, the latest first:**"},
    # {promises_about[THEME]}
    "kb_about_none_current": {
        "sv": "Inget av löftena i medborgarlöftet {label}, som gäller nu, handlar om {theme}.",
        "en": "None of the promises in the citizen promise {label}, which is in force now, is "
              "about {theme}.",
    },
    "kb_about_unknown_current": {
        "sv": "Löftena i medborgarlöftet {label}, som gäller nu, är inte publicerade som text, "
              "så jag vet inte om något av dem handlar om {theme}.",
        "en": "The promises of the citizen promise {label}, which is in force now, are not "
              "published as text, so I do not know whether any of them is about {theme}.",
    },
    "kb_about_no_period": {
        "sv": "Just nu gäller inget medborgarlöfte som jag känner till, alltså inte heller "
              "något om {theme}.",
        "en": "No citizen promise that I know of is in force right now, so none about "
              "{theme} either.",
    },
    "kb_about_upcoming": {"sv": "**Kommande löfte om {theme}:**",
                          "en": "**A coming promise about {theme}:**"},
    "kb_about_earlier": {"sv": "**Tidigare löften om {theme}** (de gäller inte längre):",
                         "en": "**Earlier promises about {theme}** (no longer in force):"},
    "kb_about_never": {
        "sv": "Inget medborgarlöfte som jag känner till har handlat om {theme}.",
        "en": "No citizen promise that I know of has been about {theme}.",
    },
    # {agreement}
    "kb_ag_upcoming": {"sv": "{name} börjar gälla {start} och gäller till och med {end}.",
                       "en": "The {name} starts on {start} and runs until {end}."},
    "kb_ag_current": {"sv": "{name} gäller från {start} till och med {end}.",
                      "en": "The {name} runs from {start} until {end}."},
    "kb_ag_ended": {"sv": "{name} gällde från {start} till och med {end}.",
                    "en": "The {name} ran from {start} until {end}."},
    "kb_ag_prolong_if": {
        "sv": " Om ingen ny överenskommelse tecknas förlängs den tills vidare.",
        "en": " If no new agreement is signed, it is prolonged until further notice (tills "
              "vidare).",
    },
    "kb_ag_prolonged": {
        "sv": " Enligt överenskommelsen förlängs den tills vidare när ingen ny har tecknats, så "
              "den gäller tills vidare tills en ny ersätter den.",
        "en": " By its own terms it is prolonged until further notice (tills vidare) when no "
              "new agreement has been signed, so it stays in force until a new one replaces "
              "it.",
    },
}
add_texts(TEXTS)
