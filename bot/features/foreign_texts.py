"""The notice for a message in a language the bot does not read.

`NOTICE` holds one fixed sentence per language whose wording we are sure of; any other
language gets the Swedish and English lines alone. Every sentence says that the bot reads
Swedish and English, and gives 112 and 114 14.
"""

from __future__ import annotations

from bot.core.messages import Lang

TEXTS: dict[str, dict[Lang, str]] = {
    "foreign_notice": {
        "sv": "Jag förstår bara svenska och engelska: skriv gärna din fråga på något av dem. "
              "Vid akut fara: ring **112**. Polisen när det inte är akut: **114 14**.",
        "en": "I understand only Swedish and English: please write your question in one of "
              "them. In an emergency: call **112**. The police when it is not urgent: "
              "**114 14**.",
    },
}

NOTICE: dict[str, str] = {
    "fi": "Ymmärrän vain ruotsia ja englantia. Hätätilanteessa soita **112**. "
          "Poliisi, kun asia ei ole kiireellinen: **114 14**.",
    "de": "Ich verstehe nur Schwedisch und Englisch. Im Notfall: **112** anrufen. "
          "Polizei, wenn es nicht dringend ist: **114 14**.",
    "pl": "Rozumiem tylko po szwedzku i po angielsku. W nagłym wypadku dzwoń pod **112**. "
          "Policja w sprawach niepilnych: **114 14**.",
    "ar": "أفهم اللغتين السويدية والإنجليزية فقط. في حالة الطوارئ اتصل بالرقم **112**. "
          "الشرطة في غير حالات الطوارئ: **114 14**.",
    "fa": "من فقط سوئدی و انگلیسی می‌فهمم. در شرایط اضطراری با **112** تماس بگیرید. "
          "پلیس در موارد غیر اضطراری: **114 14**.",
    "uk": "Я розумію лише шведську та англійську. У надзвичайній ситуації телефонуйте "
          "**112**. Поліція, якщо справа не термінова: **114 14**.",
    "ru": "Я понимаю только шведский и английский. В экстренной ситуации звоните **112**. "
          "Полиция, если дело не срочное: **114 14**.",
    "es": "Solo entiendo sueco e inglés. En caso de emergencia, llame al **112**. "
          "Policía, si no es urgente: **114 14**.",
    "fr": "Je ne comprends que le suédois et l'anglais. En cas d'urgence, appelez le **112**. "
          "Police, si ce n'est pas urgent : **114 14**.",
    "tr": "Yalnızca İsveççe ve İngilizce anlıyorum. Acil durumda **112**'yi arayın. "
          "Acil olmayan durumlarda polis: **114 14**.",
}
