"""The safety check's texts, in Swedish and English: the 112 line, the support lines per
kind of emergency, the report channels, the line for an unsure message, and the short
guidance for the messages that follow an emergency."""

from __future__ import annotations

from bot.core.messages import Lang
from bot.core.texts import add_texts

TEXTS: dict[str, dict[Lang, str]] = {
    "safety_call": {
        "sv": "**Ring 112 nu** – om någon är i fara eller om det händer just nu.",
        "en": "**Call 112 now** – if anyone is in danger or if it is happening right now.",
    },
    "safety_unsure": {
        "sv": "**Är någon i fara just nu? Ring 112.**",
        "en": "**Is anyone in danger right now? Call 112.**",
    },
    "safety_no_alarm": {
        "sv": "Den här chatten kan inte larma någon eller skicka hjälp.",
        "en": "This chat cannot alert anyone or send help.",
    },
    "safety_line_suicide": {
        "sv": "Prata med någon: **Självmordslinjen 90101**. Råd om vård: **1177 Vårdguiden**.",
        "en": "Talk to someone: **Självmordslinjen** (suicide helpline) **90101**. "
              "Health advice: **1177 Vårdguiden**.",
    },
    "safety_line_domestic": {
        "sv": "Våld eller hot från en partner eller närstående: **Kvinnofridslinjen "
              "020-50 50 50**, gratis och dygnet runt.",
        "en": "Violence or threats from a partner or family member: **Kvinnofridslinjen** "
              "(national helpline) **020-50 50 50**, free, around the clock.",
    },
    "safety_line_child": {
        "sv": "Barn och unga kan ringa **Bris 116 111**.",
        "en": "Children and young people can call **Bris** (children's helpline) **116 111**.",
    },
    "safety_report": {
        "sv": "Den här chatten är **ingen polisanmälan** och för inte vidare tips.\n\n"
              "Anmäl eller tipsa via **114 14** eller på [polisen.se](https://polisen.se/) "
              "(sidorna ”Anmäl” och ”Tipsa polisen”).\n\n"
              "Pågår det just nu: ring **112**.",
        "en": "This chat is **not a police report** and does not pass tips on.\n\n"
              "Report a crime or give a tip via **114 14** or at "
              "[polisen.se](https://polisen.se/) (the pages ”Anmäl” (report) and ”Tipsa "
              "polisen” (tip off the police)).\n\n"
              "If it is happening right now: call **112**.",
    },
    "safety_distress": {
        "sv": "Jag är inte säker på att jag förstod dig rätt. Mår du eller någon annan "
              "dåligt, eller har något hänt? Du behöver inte klara det ensam: "
              "**Självmordslinjen 90101** om du har tankar på att skada dig, **1177 "
              "Vårdguiden** för råd om vård, **Kvinnofridslinjen 020-50 50 50** vid våld "
              "från en närstående, **Bris 116 111** för barn och unga. Polisen när det "
              "inte är akut: **114 14**.\n\n"
              "Menade du något annat? Skriv gärna med andra ord.",
        "en": "I am not sure I understood you. Are you or someone else not doing well, or "
              "has something happened? You do not have to handle it alone: "
              "**Självmordslinjen 90101** (suicide helpline) if you are thinking of hurting "
              "yourself, **1177 Vårdguiden** for health advice, **Kvinnofridslinjen "
              "020-50 50 50** for violence from someone close, **Bris 116 111** for "
              "children and young people. The police when it is not urgent: **114 14**.\n\n"
              "Did you mean something else? Please say it in other words.",
    },
    "safety_again": {
        "sv": "**Ring 112** om du inte redan har gjort det, och stanna kvar i telefon: "
              "larmoperatören säger vad du ska göra tills hjälpen är framme.",
        "en": "**Call 112** if you have not already, and stay on the line: the operator "
              "tells you what to do until help arrives.",
    },
    "safety_calm": {
        "sv": "Vad skönt att höra. Ring **112** igen om något förändras. Vill du prata med "
              "någon efteråt: **1177 Vårdguiden** eller, om det gäller tankar på att skada "
              "sig, **Självmordslinjen 90101**.",
        "en": "I am glad to hear it. Call **112** again if anything changes. If you want "
              "to talk to someone afterwards: **1177 Vårdguiden**, or, for thoughts of "
              "self-harm, **Självmordslinjen 90101**.",
    },
    "safety_guide_fire": {
        "sv": "Ta dig ut och stäng dörrarna efter dig, så sprids inte röken. Gå inte in "
              "igen. Varna andra i huset om du kan göra det utan fara.",
        "en": "Get out and close the doors behind you so that the smoke does not spread. "
              "Do not go back in. Warn others in the house if you can do it safely.",
    },
    "safety_guide_accident": {
        "sv": "Varna trafiken (varningsblinkers, varningstriangel) om du kan göra det "
              "säkert. Flytta inte en skadad person om det inte brinner eller finns annan "
              "fara; håll personen varm och prata med hen. Har någon gått genom isen: gå "
              "inte ut själv, räck ut något långt från säkert håll.",
        "en": "Warn other traffic (hazard lights, warning triangle) if you can do it "
              "safely. Do not move an injured person unless there is fire or other danger; "
              "keep them warm and talk to them. If someone went through the ice: do not go "
              "out yourself, reach out with something long from safe ground.",
    },
    "safety_guide_medical": {
        "sv": "Gör som larmoperatören säger. Andas personen inte: börja med "
              "hjärt-lungräddning, operatören hjälper dig genom den. Lämna inte personen "
              "ensam.",
        "en": "Do what the operator says. If the person is not breathing: start CPR, the "
              "operator will guide you through it. Do not leave the person alone.",
    },
    "safety_guide_suicide": {
        "sv": "Lämna inte personen ensam, och ta undan sådant hen kan skada sig med om du "
              "kan göra det utan fara. Fråga rakt ut hur hen mår, och lyssna. Gäller det "
              "dig själv: du behöver inte klara det här ensam, och det finns människor som "
              "vill prata med dig just nu.",
        "en": "Do not leave the person alone, and put away anything they could hurt "
              "themselves with if you can do it safely. Ask straight out how they are, and "
              "listen. If it is about you: you do not have to get through this alone, and "
              "there are people who want to talk with you right now.",
    },
    "safety_guide_violence": {
        "sv": "Ta dig i säkerhet om du kan: gå ut, till en granne, eller lås in dig. Gå "
              "inte emot den som är farlig. Kan du inte prata i telefon, låt samtalet till "
              "112 vara öppet.",
        "en": "Get to safety if you can: leave, go to a neighbour, or lock yourself in. Do "
              "not confront the person who is dangerous. If you cannot talk on the phone, "
              "keep the call to 112 open.",
    },
    "safety_guide_missing": {
        "sv": "Vänta inte: det finns ingen regel om att vänta 24 timmar innan man söker "
              "någon. Polisen drar i gång sökandet när du ringer 112. Ha klart var "
              "personen sågs senast, vilka kläder hen hade och hens telefonnummer.",
        "en": "Do not wait: there is no rule about waiting 24 hours before someone is "
              "searched for. The police start the search when you call 112. Have ready "
              "where the person was last seen, what they were wearing and their phone "
              "number.",
    },
    "safety_guide_traffic": {
        "sv": "Berätta för 112 var du är, åt vilket håll bilen kör och hur den ser ut "
              "(registreringsnumret om du såg det). Följ inte efter och försök inte stoppa "
              "den själv.",
        "en": "Tell 112 where you are, which way the car is going and what it looks like "
              "(the number plate if you saw it). Do not follow it and do not try to stop "
              "it yourself.",
    },
}

add_texts(TEXTS)

# The support lines, in the order they are shown, by the reason that calls for them.
SUPPORT_LINES = (("suicide", "safety_line_suicide"), ("domestic", "safety_line_domestic"),
                 ("child", "safety_line_child"))
# The guidance after an emergency, by the reason that comes first in this order.
GUIDES = (
    ("suicide", "safety_guide_suicide"), ("medical", "safety_guide_medical"),
    ("fire", "safety_guide_fire"), ("missing", "safety_guide_missing"),
    ("accident", "safety_guide_accident"), ("traffic", "safety_guide_traffic"),
    ("weapon", "safety_guide_violence"), ("violence", "safety_guide_violence"),
    ("threat", "safety_guide_violence"), ("break_in", "safety_guide_violence"),
    ("domestic", "safety_guide_violence"),
)
