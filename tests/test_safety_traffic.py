"""Residents' everyday traffic complaints are not emergencies; a traffic emergency is.

Found by probes: the most common safety feedback ("mopeds on the footpath", "cars speed
past the school every morning") got "Ring 112 nu" and a crisis follow-up."""

from __future__ import annotations

import pytest

from bot.features.safety import detect
from bot.features.safety_rules import prepare, scan

COMPLAINTS = [
    "Mopeder kör på gångvägen vid skolan",
    "skotrar kör över isen nära badplatsen",
    "en bil kör jättefort förbi skolan varje morgon",
    "Bilar kör för fort genom byn",
    "ungdomar kör moped på skolgården på kvällarna",
    "EPA-traktorer kör runt på torget på nätterna",
]

EMERGENCIES = [
    "en bil har kört på ett barn vid skolan",
    "det ligger en skadad person på vägen",
    "han kör full just nu på E45, han kommer krocka",
    "rattfull förare på väg mot Åsele nu",
    "olycka vid korsningen, bilen brinner",
]


@pytest.mark.parametrize("text", COMPLAINTS)
def test_traffic_complaint_is_no_emergency(text: str) -> None:
    alert = detect(text)
    assert alert is None or alert.kind != "emergency", alert


@pytest.mark.parametrize("text", EMERGENCIES)
def test_traffic_emergency_gets_112(text: str) -> None:
    alert = detect(text)
    assert alert is not None and alert.kind == "emergency", alert


@pytest.mark.parametrize(("text", "habit"), [
    ("en bil kör jättefort förbi skolan varje morgon", True),
    ("ungdomar kör moped på skolgården på kvällarna", True),
    ("EPA-traktorer kör runt på torget på nätterna", True),
    ("people speed past the school every morning", True),
    ("cars race through the village on the weekends", True),
    ("bilen kör över mittlinjen hela tiden", False),  # over and over, right now
    ("det ligger en bil på vår gata", False),  # "på vår", not "på våren"
])
def test_habit_frame_is_read_for_driving(text: str, habit: bool) -> None:
    assert ("habit" in scan(prepare(text)).fired) is habit


def test_habit_vetoes_a_rule_but_now_overrides_it() -> None:
    assert not scan(prepare("grannen slår sin hund varje kväll")).acute
    assert scan(prepare("grannen slår sin fru varje kväll, han gör det nu")).acute
