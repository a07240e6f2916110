"""Build the name lists the redactor ships (bot/privacy/data/*.txt) from PyPI packages.

    pip install faker mimesis      # not dependencies of the bot: only this script reads them
    python training/names_lists.py [--candidates]

Sources (all MIT or Apache-2.0, read from the installed packages, nothing downloaded):
- first names: Faker's sv_SE person provider, which takes the 500 most common women's
  and 500 most common men's first names from the Institute for Language and Folklore
  (Isof, name statistics 2023);
- surnames: the same provider's 500 most common surnames (Skatteverket, 2025) and the
  744 Swedish surnames of mimesis' sv locale;
- places: the Swedish area-code places of Google's libphonenumber geocoder (the
  phonenumbers package, already a dependency of the bot), split at "-".

Why not a runtime dependency: Faker installs 25 MB and takes about 0.2 s to import for
these 1,500 words; names-dataset holds the names of a leaked social-network scrape, which a
privacy feature must not ship. The lists change rarely; run this script when a package
publishes new statistics and review the diff.

`--candidates` prints the names that are also everyday words in Debian's wswedish and
wamerican word lists (/usr/share/dict/swedish, american-english). They are candidates
for bot/privacy/data/name_words.txt, which is chosen by hand: "Inga", "Per" and "Tom" are
there, a rare word like "Lisa" (relief) is not.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import phonenumbers.geodata
from faker.providers.person.sv_SE import Provider as FakerSv
from mimesis import datasets

DATA = Path(__file__).resolve().parents[1] / "bot" / "privacy" / "data"
NOT_NAMES = {"Namn"}  # a mimesis surname that is our own marker's word


def _write(name: str, source: str, words: set[str]) -> None:
    header = f"# {source}\n# One word a line; regenerate with training/names_lists.py.\n"
    (DATA / name).write_text(header + "\n".join(sorted(words)) + "\n", encoding="utf-8")


def _single(words: object) -> set[str]:
    return {w for w in words if isinstance(w, str) and w.replace("-", "").isalpha()} - NOT_NAMES


def build() -> tuple[set[str], set[str], set[str]]:
    first = _single([*FakerSv.first_names_female, *FakerSv.first_names_male])
    mimesis_sv = Path(datasets.__file__).parent / "sv" / "person.json"
    surnames = _single([*FakerSv.last_names,
                        *json.loads(mimesis_sv.read_text(encoding="utf-8"))["surnames"]])
    places = {part for prefix, names in phonenumbers.geodata.GEOCODE_DATA.items()
              if prefix.startswith("46") and "sv" in names
              for part in names["sv"].split("-")}
    return first, surnames, _single(places)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--candidates", action="store_true")
    args = parser.parse_args()
    first, surnames, places = build()
    if args.candidates:
        words: set[str] = set()
        for path, encoding in (("/usr/share/dict/swedish", "latin-1"),
                               ("/usr/share/dict/american-english", "utf-8")):
            words |= set(Path(path).read_text(encoding=encoding).split())
        print(" ".join(sorted(n for n in first | surnames if n.lower() in words)))
        return
    _write("first_names.txt", "Swedish first names: Faker sv_SE (MIT), from Isof's name "
           "statistics 2023 (500 women's, 500 men's).", first)
    _write("surnames.txt", "Swedish surnames: Faker sv_SE (MIT), from Skatteverket's 500 "
           "most common (2025), and mimesis' sv locale (MIT).", surnames)
    _write("places.txt", "Swedish places: the area-code places of libphonenumber's geocoder "
           "(phonenumbers, Apache-2.0).", places)
    print(f"{len(first)} first names, {len(surnames)} surnames, {len(places)} places")


if __name__ == "__main__":
    main()
