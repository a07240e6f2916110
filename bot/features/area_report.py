"""The follow-up report of several municipalities (a police area): each municipality's own
report, from its own rows and promises, one after the other under the area's heading.

Markdown: the sections one after the other; CSV: one table with the municipality first in
every row; HTML: one page, each municipality's report an <article> (its ids prefixed with
the municipality's id, so that links within it stay its own).
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Mapping

from bot.core.messages import Lang
from bot.core.texts import t

Format = str
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S)
_IDS = re.compile(r'\b(id="|href="#)')


def combine(parts: Mapping[str, tuple[str, str]], fmt: Format, lang: Lang, area: str,
            start: str, end: str) -> str:
    """`parts`: municipality id -> (its name, its report in `fmt`), in the area's order."""
    title = t("rep_area_title", lang, area=area, start=start, end=end)
    names = ", ".join(name for name, _ in parts.values())
    if fmt == "csv":
        return _csv(parts)
    if fmt == "html":
        return _html(parts, lang, title, names)
    sections = [f"# {title}", "", t("rep_area_members", lang, names=names)]
    for _, text in parts.values():
        sections += ["", "---", "", text.rstrip()]
    return "\n".join(sections) + "\n"


def _csv(parts: Mapping[str, tuple[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header_written = False
    for ident, (_, text) in parts.items():
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        if not rows:
            continue
        if not header_written:
            writer.writerow(["municipality", *rows[0]])
            header_written = True
        for row in rows[1:]:
            writer.writerow([ident, *row])
    bom = "\ufeff" if any(text.startswith("\ufeff") for _, text in parts.values()) else ""
    return bom + out.getvalue()


def _html(parts: Mapping[str, tuple[str, str]], lang: Lang, title: str, names: str) -> str:
    pages = [text for _, text in parts.values()]
    first = pages[0] if pages else ""
    head = first[:first.find("<body")] if "<body" in first else ""
    head = re.sub(r"<title>.*?</title>", f"<title>{html.escape(title)}</title>", head,
                  count=1, flags=re.S)
    articles = []
    for ident, (name, text) in parts.items():
        found = _BODY.search(text)
        body = found.group(1) if found else html.escape(text)
        body = _IDS.sub(rf"\g<1>{ident}-", body)
        articles.append(f'<article aria-label="{html.escape(name)}">{body}</article>')
    return (f"{head}<body>\n<header><h1>{html.escape(title)}</h1>\n"
            f"<p class=\"meta\">{html.escape(t('rep_area_members', lang, names=names))}"
            "</p></header>\n" + "\n".join(articles) + "\n</body>\n</html>\n")
