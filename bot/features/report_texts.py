"""The follow-up report's labels, in Swedish and English."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "sv": {
        "title": "Uppföljning av medborgarlöftet – {m}",
        "period": "Period", "made": "Sammanställd", "periods": "Löftesperioder",
        "summary": "Sammanfattning", "promise": "Löfte", "activities": "Aktiviteter",
        "heading": "Medborgarlöfte {label} – löfte {i} av {n}",
        "other": "Övrigt arbete",
        "other_text": "Aktiviteter som inte hör till något av löftena i den period då de "
                      "gjordes, t.ex. trafikkontroller under en period utan trafiklöfte.",
        "responsible": "Ansvar", "entries": "Antal aktiviteter", "sums": "Summor",
        "place": "Plats", "places": "Platser", "no_place": "(ingen plats angiven)",
        "kind": "Typ", "kinds": "Per typ", "unit": "Enhet", "sum": "Summa",
        "month": "Månad", "months": "Aktiviteter per månad", "none": "Inga",
        "chart": "Aktiviteter per månad, {first} till {last}, totalt {n}: {values}",
        "current": "gäller nu, till och med {d}", "ended": "avslutad {d}",
        "upcoming": "börjar gälla {d}",
        "state_current": "pågår", "state_ended": "avslutad", "state_upcoming": "kommande",
        "sessions": "Informationsinsatser",
        "sessions_note": "Förfrågningar som kommit in under perioden; var och en räknas "
                         "efter sin nuvarande status.",
        "audience": "Målgrupp", "topic": "Ämne", "total": "Totalt",
        "requested": "Förfrågningar", "confirmed": "Bekräftade", "declined": "Avböjda",
        "done": "Genomförda", "open": "Obesvarade",
        "feedback": "Synpunkter från invånare",
        "feedback_note": "Anonyma synpunkter under perioden. Antal under 3 visas som <3, "
                         "ett antal som annars kunde räknas fram ur summan visas som .., "
                         "och inga fritexter visas, så att ingen kan pekas ut.",
        "category": "Kategori", "area": "Område", "count": "Antal",
        "who_polis": "polisen", "who_kommun": "kommunen", "and": "och",
    },
    "en": {
        "title": "Follow-up of the citizen promise – {m}",
        "period": "Period", "made": "Made", "periods": "Promise periods",
        "summary": "Summary", "promise": "Promise", "activities": "Activities",
        "heading": "Citizen promise {label} – promise {i} of {n}",
        "other": "Other work",
        "other_text": "Activities that serve none of the promises of the period in which "
                      "they were done, e.g. traffic checks in a period with no traffic "
                      "promise.",
        "responsible": "Responsible", "entries": "Number of activities", "sums": "Totals",
        "place": "Place", "places": "Places", "no_place": "(no place given)",
        "kind": "Type", "kinds": "By type", "unit": "Unit", "sum": "Total",
        "month": "Month", "months": "Activities per month", "none": "None",
        "chart": "Activities per month, {first} to {last}, {n} in all: {values}",
        "current": "in force now, until {d}", "ended": "ended on {d}",
        "upcoming": "starts on {d}",
        "state_current": "current", "state_ended": "ended", "state_upcoming": "upcoming",
        "sessions": "Information sessions",
        "sessions_note": "Requests received during the period; each is counted by its "
                         "current status.",
        "audience": "Audience", "topic": "Topic", "total": "Total",
        "requested": "Requests", "confirmed": "Confirmed", "declined": "Declined",
        "done": "Held", "open": "Not answered",
        "feedback": "Feedback from residents",
        "feedback_note": "Anonymous feedback during the period. Counts under 3 are shown "
                         "as <3, a count that would give one away by subtraction from the "
                         "total as .., and no texts are shown, so that nobody can be "
                         "singled out.",
        "category": "Category", "area": "Area", "count": "Count",
        "who_polis": "the police", "who_kommun": "the municipality", "and": "and",
    },
}
