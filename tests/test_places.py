"""Place names people recognise, in their language, offline: the shipped place file on real
coordinates, the labels of a day, the place file's format and its build script."""

import importlib.util
import json
import os
import struct
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tripexif.geocode import labels, offline
from tripexif.geocode.nearby import NearbyPlace
from tripexif.geocode.offline import OfflineGeocoder
from tripexif.geocode.placefile import (
    LOCAL,
    LandMask,
    PlaceFile,
    PlaceFileError,
    Source,
    SourcePlace,
    pack,
)
from tripexif.model import Day, Place, Stop

from trips import Shot, write

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def english():
    return OfflineGeocoder()


# --- the "must show" places -------------------------------------------------------------

def test_tower_bridge_is_whitechapel_london(english):
    place = english.reverse(51.5055, -0.0754)
    assert place.label == "Whitechapel, London"
    assert place.display == "Whitechapel, London, England, United Kingdom"
    assert place.admin2 == "Greater London"


def test_the_british_museum_is_holborn(english):
    assert english.reverse(51.5194, -0.1270).label == "Holborn, London"


def test_shibuya_crossing_is_shibuya(english):
    assert english.reverse(35.6595, 139.7005).label == "Shibuya, Tokyo"


def test_kinkaku_ji_and_fushimi_inari_read_differently(english):
    kinkaku = english.reverse(35.0394, 135.7292)
    fushimi = english.reverse(34.9671, 135.7727)
    assert kinkaku.label == "Kamigyō-ku, Kyoto"
    assert fushimi.label == "Kyoto"
    assert kinkaku.display == "Kamigyō-ku, Kyoto, Japan"  # the prefecture is not said twice


def test_kehl_is_not_named_after_strasbourg_across_the_rhine(english):
    # Strasbourg's reach (5 km) covers Kehl's centre; the border does not move
    assert english.reverse(48.5727, 7.8140).display == "Kehl, Baden-Württemberg, Germany"
    assert english.reverse(48.5734, 7.7521).display == "Strasbourg, Grand-Est, France"


def test_kansas_city_kansas_is_not_a_district_of_kansas_city_missouri(english):
    assert english.reverse(39.1141, -94.6275).display == "Kansas City, Kansas, United States"
    assert english.reverse(39.0997, -94.5786).display == "Kansas City, Missouri, United States"


@pytest.mark.parametrize("where, lat, lon, display", [
    # the nearest place tells the region, not a deeper big town across the line
    ("Haneda airport, Ōta", 35.5494, 139.7798, "Tokyo, Japan"),
    ("Newark airport", 40.6895, -74.1745, "Newark, New Jersey, United States"),
    ("Kamakura", 35.3192, 139.5467, "Kamakura, Kanagawa, Japan"),  # not "..., Yokohama"
    # the town is of the nearest place's county: not Brooklyn, whose reach covers JFK too
    ("JFK airport", 40.6413, -73.7781, "Queens, New York, United States"),
    ("Kawasaki station", 35.5313, 139.6968, "Kawasaki, Kanagawa, Japan"),
    ("Niterói, across the bay", -22.8833, -43.1036, "Niterói, Rio de Janeiro, Brazil"),
    # a time zone's border is a country's: the river between Detroit and Windsor
    ("Windsor's riverfront", 42.3149, -83.0364, "Windsor, Ontario, Canada"),
    ("Detroit's Renaissance Center", 42.3293, -83.0398, "Detroit, Michigan, United States"),
    ("Zhuhai by the Macau border", 22.2208, 113.5500,
     "Zhuhai, Guangdong Sheng, China"),
    # a place that holds it deeply tells the region (GeoNames files Macau's parishes
    # under Zhuhai)
    ("Senado Square", 22.1937, 113.5395, "Sé, Macau, Macao"),
    ("Ciudad Juárez", 31.7386, -106.4870, "Ciudad Juárez, Chihuahua, Mexico"),
    ("El Paso", 31.7587, -106.4869, "El Paso, Texas, United States"),
    ("Annemasse", 46.1934, 6.2342, "Annemasse, Auvergne-Rhône-Alpes, France"),
    ("Weil am Rhein", 47.5936, 7.6208, "Weil am Rhein, Baden-Württemberg, Germany"),
    ("Saint-Louis", 47.5900, 7.5600, "Saint-Louis, Grand-Est, France"),
    ("EuroAirport, in France", 47.5896, 7.5299, "2 km NE of Hésingue, Grand-Est, France"),
    # a big town's limits reach past the circle of its area, not into another county
    ("Frankfurt airport", 50.0379, 8.5622, "Frankfurt am Main, Hessen, Germany"),
    ("LAX", 33.9416, -118.4085, "Los Angeles, California, United States"),
    ("Schiphol, in Haarlemmermeer", 52.3105, 4.7683,
     "Hoofddorp, Noord-Holland, The Netherlands"),
    ("Forêt de Sénart, not Paris", 48.665, 2.49, "3 km NW of Tigery, Île-de-France, France"),
])
def test_borders_counties_and_airports(english, where, lat, lon, display):
    assert english.reverse(lat, lon).display == display


def test_waiyevo_is_not_named_after_labasa(english):
    # no settlement on Taveuni is in GeoNames cities500: the nearest place, Savusavu, is
    # named with distance and direction, never Labasa (77 km, the bigger town)
    place = english.reverse(-16.79, 179.99)
    assert place.kind == "near"
    assert place.label == "70 km E of Savusavu"
    assert "Labasa" not in place.display


def test_a_point_at_sea(english):
    place = english.reverse(-25.0, -140.0)  # the South Pacific, between Pitcairn and Gambier
    assert place.kind == "sea"
    assert place.label == "at sea, 552 km off Rikitea"
    assert place.country == "French Polynesia"


def test_at_sea_within_territorial_waters(english):
    # 12 km off Suva, inside Fiji's territorial waters (timezonefinder's ocean zones begin
    # beyond them): the land mask tells it is sea
    place = english.reverse(-18.245, 178.44)
    assert place.kind == "sea"
    assert place.label == "at sea, 12 km off Suva"
    assert english.reverse(-18.3, 178.4).label == "at sea, 18 km off Suva"


@pytest.mark.parametrize("where, lat, lon, label", [
    ("the beach at Waikiki", 21.2766, -157.8278, "Waikīkī, Honolulu"),
    # an island built on the sea after the mask's GLOBE data: the airports' land
    ("Kansai airport", 34.4320, 135.2304, "1 km W of Tajiri"),
    # a lake is land in the mask: "at sea" would be wrong, the nearest town names it
    ("the middle of Lake Geneva", 46.45, 6.55, "6 km NW of Évian-les-Bains"),
    ("Mount Fuji", 35.3606, 138.7274, "11 km SW of Fujiyoshida"),
])
def test_not_at_sea(english, where, lat, lon, label):
    place = english.reverse(lat, lon)
    assert place.kind != "sea"
    assert place.label == label


@pytest.mark.parametrize("where, lat, lon, land", [
    ("Fontainebleau", 48.4047, 2.7016, True),
    ("Tower Bridge", 51.5055, -0.0754, True),
    ("Mount Fuji", 35.3606, 138.7274, True),
    ("Lake Geneva", 46.45, 6.55, True),
    ("Kansai airport (built 1994)", 34.4320, 135.2304, True),
    ("Chek Lap Kok airport (1998)", 22.3089, 113.915, True),
    ("Chubu Centrair airport (2005)", 34.8584, 136.805, True),
    ("10 km S of Suva", -18.2315, 178.4419, False),
    ("the Strait of Messina", 38.2068, 15.5977, False),
    ("Cook Strait", -41.2, 174.5, False),
])
def test_the_shipped_land_mask(english, where, lat, lon, land):
    assert english.file.has_land
    assert english.file.land_at(lat, lon) is land


def test_the_shipped_land_mask_is_read_fast(english):
    f = PlaceFile(offline.DATA)  # no block read yet
    started = time.perf_counter()
    f.sea_at(-18.245, 178.44)
    assert time.perf_counter() - started < 0.01


def test_japanese_cities_read_as_people_say_them(english):
    """GeoNames' "Nara-shi" reads "Nara" (the label, a trip title); its local and Japanese
    names stay as their sources give them."""
    nara = english.reverse(34.685, 135.805)
    assert (nara.label, nara.display) == ("Nara", "Nara, Japan")
    assert nara.local_name == "奈良"
    assert OfflineGeocoder("ja").reverse(34.685, 135.805).name == "奈良"
    assert english.reverse(34.3961, 135.8577).display == "Yoshino, Nara, Japan"  # -chō
    assert english.reverse(35.0295, 135.7567).label == "Kamigyō-ku, Kyoto"  # a ward's -ku


@pytest.mark.parametrize("name, country, english", [
    ("Nara-shi", "JP", "Nara"),
    ("Nishi-Tokyo-shi", "JP", "Nishi-Tokyo"),
    ("Yoshino-chō", "JP", "Yoshino"),
    ("Kozakai-cho", "JP", "Kozakai"),
    ("Kiso-machi", "JP", "Kiso"),
    ("Hinohara-mura", "JP", "Hinohara"),
    ("Kamigyō-ku", "JP", "Kamigyō-ku"),  # a ward: Kita-ku would be "north" alone
    ("Shibuya", "JP", "Shibuya"),
    ("Hiroshima", "JP", "Hiroshima"),  # no hyphen: part of the name
    ("-shi", "JP", "-shi"),
    ("Kō-shi", "CN", "Kō-shi"),  # only Japan's municipalities
])
def test_the_build_drops_japanese_municipality_endings(build, name, country, english):
    assert build.english_name(name, country) == english


def test_the_build_makes_land_of_the_airports(build):
    import numpy as np

    land = np.zeros((180, 360), dtype=bool)  # one cell a degree, all sea
    build.mark_land(land, 1, [(34.43, 135.24), (-16.5, 179.9)], 60.0)
    rows, cols = np.nonzero(land)
    # 60 km around 34.43°N 135.24°E: 33.89-34.97°N, 134.59-135.89°E (rows 55-56 from the
    # north pole, columns 314-315 from 180°W); and 15.96-17.04°S across ±180°
    assert {(int(r), int(c)) for r, c in zip(rows, cols, strict=True)} == {
        (55, 314), (55, 315), (56, 314), (56, 315),
        (105, 359), (106, 359), (107, 359), (105, 0), (106, 0), (107, 0)}


@pytest.mark.parametrize("language, kyoto, tokyo, japan", [
    ("ko", "교토 시", "도쿄", "일본"),
    ("ja", "京都市", "東京都", "日本"),
    ("ja-JP", "京都市", "東京都", "日本"),
])
def test_names_in_korean_and_japanese(language, kyoto, tokyo, japan):
    g = OfflineGeocoder(language)
    fushimi = g.reverse(34.9671, 135.7727)
    assert (fushimi.name, fushimi.country) == (kyoto, japan)
    assert fushimi.label == kyoto
    assert g.reverse(35.6595, 139.7005).name == tokyo


def test_a_name_without_a_translation_falls_back_to_the_local_name_then_english():
    zh = OfflineGeocoder("zh").reverse(35.6595, 139.7005)
    assert zh.district == "渋谷区"  # no Chinese name for Shibuya: the Japanese one, in Han
    ko = OfflineGeocoder("ko").reverse(35.6595, 139.7005)
    # nor a Korean one: the Japanese one is not in Hangul, so English
    assert (ko.district, ko.name, ko.admin1, ko.country) == ("Shibuya", "도쿄", "Tokyo", "일본")
    assert OfflineGeocoder("fr").reverse(35.6595, 139.7005).district == "Shibuya"
    holborn = OfflineGeocoder("fr").reverse(51.5194, -0.1270)
    assert (holborn.district, holborn.name, holborn.country) == ("Holborn", "Londres",
                                                                 "Royaume-Uni")


def test_a_translation_that_reads_as_in_english_is_no_gap():
    # pycountry's German for Japan is "Japan": not a missing name to fill with 日本
    assert OfflineGeocoder("de").reverse(35.6595, 139.7005).country == "Japan"


def test_iso_region_names_read_in_order():
    assert OfflineGeocoder().reverse(40.4168, -3.7038).admin1 == "Comunidad de Madrid"
    assert OfflineGeocoder("fr").reverse(40.4168, -3.7038).admin1 == "Communauté de Madrid"


def test_readable_scripts():
    assert offline.readable("渋谷区", "ja") and offline.readable("しぶや", "ja")
    assert offline.readable("渋谷区", "zh") and not offline.readable("しぶや", "zh")
    assert not offline.readable("渋谷区", "ko") and offline.readable("교토 시", "ko")
    assert offline.readable("Île-de-France", "fr") and not offline.readable("Токио", "fr")
    assert offline.readable("Токио", "ru")


def test_the_local_name_is_kept_in_any_language(english):
    assert english.reverse(34.9671, 135.7727).local_name == "京都市"
    assert english.reverse(51.5194, -0.1270).local_name is None


def test_the_cache_scope_carries_the_language():
    assert OfflineGeocoder("ja").scope != OfflineGeocoder().scope
    assert OfflineGeocoder("en").scope == OfflineGeocoder().scope


def test_an_unknown_language_is_said():
    assert offline.unknown_language("ja") is None
    assert offline.unknown_language("en-GB") is None
    assert "'xx'" in offline.unknown_language("xx")


# --- the shipped file -------------------------------------------------------------------

def test_the_package_data_loads_fast_and_writes_nothing(tmp_path):
    """Opening the shipped file writes nothing to the cache folder and takes a few ms."""
    cache = Path(os.environ["TRIPEXIF_CACHE_DIR"])
    before = sorted(cache.rglob("*")) if cache.exists() else []
    started = time.perf_counter()
    data = PlaceFile(offline.DATA)
    spent = time.perf_counter() - started
    assert data.count > 200_000
    assert spent < 0.02
    g = OfflineGeocoder(data=offline.DATA)
    assert g.reverse(51.5194, -0.1270).label == "Holborn, London"
    assert (sorted(cache.rglob("*")) if cache.exists() else []) == before
    assert b"pickle" not in offline.DATA.read_bytes()[:4096]


def test_the_shipped_file_is_declared_as_package_data():
    text = (ROOT / "pyproject.toml").read_text()
    assert '"tripexif.geocode" = ["places.bin"]' in text
    assert "reverse_geocode" not in text


def test_queries_are_fast(english):
    started = time.perf_counter()
    for i in range(200):
        english.reverse(35.0 + i * 0.001, 135.75)
    assert (time.perf_counter() - started) / 200 < 0.005


# --- the format -------------------------------------------------------------------------

def _tiny():
    places = [SourcePlace(35.02, 135.75, 1_460_000, "Kyoto", "JP.22", "JP.22.1", "JP"),
              SourcePlace(35.03, 135.76, 83_000, "Kamigyō-ku", "JP.22", "JP.22.1", "JP"),
              SourcePlace(-16.43, 179.36, 27_949, "Labasa", "FJ.03", None, "FJ"),
              SourcePlace(-16.5, -179.99, 600, "Across", None, None, "FJ")]
    return Source(places, {"JP.22": "Kyoto", "JP.22.1": "Kyōto Shi", "FJ.03": "Northern"},
                  {"JP": "Japan", "FJ": "Fiji"},
                  place_names={"ja": {0: "京都市"}, LOCAL: {0: "京都市"}},
                  area_names={"ko": {"JP.22": "교토부"}},
                  country_names={"ko": {"JP": "일본"}},
                  about={"built": "2026-01-01"})


def test_pack_and_read_back():
    data = PlaceFile.from_bytes(pack(_tiny()))
    assert data.count == 4
    assert data.languages == sorted(["ja", "ko", LOCAL])
    found = {data.text(data.name[i]): i for i in range(data.count)}
    kyoto = found["Kyoto"]
    assert data.position(kyoto) == pytest.approx((35.02, 135.75), abs=5e-6)
    assert data.population(kyoto) == pytest.approx(1_460_000, rel=5e-4)
    assert data.population(found["Across"]) == 600
    assert data.area_name(data.admin1[kyoto]) == "Kyoto"
    assert data.area_name(data.admin2[kyoto]) == "Kyōto Shi"
    assert data.area_name(data.admin2[found["Labasa"]]) is None
    assert data.country_code(data.country[kyoto]) == "JP"
    assert data.translated("ja", "place", kyoto) == "京都市"
    assert data.translated("ja", "place", found["Labasa"]) is None
    assert data.translated("ko", "area", data.admin1[kyoto]) == "교토부"
    assert data.translated("ko", "country", data.country[kyoto]) == "일본"
    assert data.translated("de", "place", kyoto) is None  # a language the file lacks
    near = set(data.within_box(35.02, 135.75, 2.0))
    assert {kyoto, found["Kamigyō-ku"]} <= near and found["Labasa"] not in near
    assert set(data.within_box(35.02, 135.75, 20.0, big=True)) == {kyoto, found["Kamigyō-ku"]}
    # across ±180°: a box around 179.99 holds the place at -179.99
    assert found["Across"] in set(data.within_box(-16.5, 179.99, 5.0))
    assert data.header["about"] == {"built": "2026-01-01"}


def test_the_other_byte_order_swaps_on_the_way_out_and_in(monkeypatch):
    """On a machine of the other byte order the arrays are swapped when written and when
    read (here faked: the two swaps must undo each other, and only multi-byte arrays
    differ)."""
    from tripexif.geocode import placefile

    native = pack(_tiny())
    monkeypatch.setattr(placefile.sys, "byteorder", "big" if sys.byteorder == "little"
                        else "little")
    swapped = pack(_tiny())
    assert swapped != native and len(swapped) == len(native)
    data = PlaceFile.from_bytes(swapped)
    kyoto = next(i for i in range(data.count) if data.text(data.name[i]) == "Kyoto")
    assert data.position(kyoto) == pytest.approx((35.02, 135.75), abs=5e-6)
    assert data.translated("ja", "place", kyoto) == "京都市"


def test_a_tiny_file_names_in_its_languages(tmp_path):
    path = tmp_path / "places.bin"
    path.write_bytes(pack(_tiny()))
    ko = OfflineGeocoder("ko", data=path, at_sea=lambda lat, lon: False)
    place = ko.reverse(35.031, 135.761)
    assert (place.name, place.district, place.admin1, place.country) == (
        "Kyoto", "Kamigyō-ku", "교토부", "일본")  # no Korean city name, the local is in Han
    zh = OfflineGeocoder("zh", data=path, at_sea=lambda lat, lon: False)
    place = zh.reverse(35.031, 135.761)
    assert (place.name, place.admin1, place.country) == ("京都市", "Kyoto", "Japan")


@pytest.mark.parametrize("damage", [b"", b"NOTPLACE" + bytes(20), "cut", "format"])
def test_a_damaged_file_is_refused(tmp_path, damage):
    data = pack(_tiny())
    if damage == "cut":
        data = data[:len(data) // 2]
    elif damage == "format":
        length = struct.unpack_from("<I", data, 8)[0]
        header = json.loads(data[12:12 + length])
        header["format"] = 99
        raw = json.dumps(header).encode()
        data = data[:8] + struct.pack("<I", len(raw)) + raw + data[12 + length:]
    else:
        data = damage
    path = tmp_path / "places.bin"
    path.write_bytes(data)
    with pytest.raises(PlaceFileError):
        PlaceFile(path)


def test_a_damaged_text_block_is_refused():
    data = bytearray(pack(_tiny()))
    header = PlaceFile.from_bytes(bytes(data)).header
    length = struct.unpack_from("<I", data, 8)[0]
    offset = 12 + length + header["sections"]["text"][0]
    data[offset:offset + 4] = b"\xff\xff\xff\xff"
    damaged = PlaceFile.from_bytes(bytes(data))
    with pytest.raises(PlaceFileError, match="damaged text block"):
        damaged.text(1)


def _land(per_deg, land_cells):
    """A land mask of ``per_deg`` cells a degree, land at the (row, col) ``land_cells``."""
    rows, cols = 180 * per_deg, 360 * per_deg
    bits = bytearray(rows * cols // 8)
    for row, col in land_cells:
        bits[(row * cols + col) // 8] |= 0x80 >> (col % 8)
    return LandMask(per_deg, bytes(bits))


def test_the_land_mask_reads_back():
    # one cell a degree; land at 35-36°N 135-136°E (row 54, col 315) and at 10-11°S,
    # 179-180°E (row 100, col 359)
    data = PlaceFile.from_bytes(pack(_tiny()._replace(land=_land(1, [(54, 315), (100, 359)]))))
    assert data.has_land and data.header["land"] == {"per_deg": 1, "block_rows": 32}
    assert data.land_at(35.5, 135.5) and data.land_at(-10.5, 179.5)
    assert not data.land_at(35.5, 136.5) and not data.land_at(-10.5, -179.5)
    assert not data.land_at(90.0, 0.0) and not data.land_at(-90.0, 0.0)  # the poles' rows
    # at sea: its cell and the eight around it are sea
    assert not data.sea_at(35.5, 135.5)
    assert not data.sea_at(36.5, 136.5)  # land in the cell to the south-west
    assert not data.sea_at(-10.5, -179.5)  # land in the cell to the west, across ±180°
    assert not data.sea_at(-11.5, -179.5)  # ... and to the north-west
    assert data.sea_at(37.5, 136.5) and data.sea_at(35.5, 137.5) and data.sea_at(-10.5, -178.5)
    assert data.sea_at(89.9, 0.0) and data.sea_at(-89.9, 0.0)
    # a file without a mask says nothing is at sea
    plain = PlaceFile.from_bytes(pack(_tiny()))
    assert not plain.has_land and plain.land_at(0.0, 0.0) and not plain.sea_at(0.0, 0.0)


def test_a_land_mask_of_the_wrong_size_is_not_packed():
    with pytest.raises(ValueError, match="land mask"):
        pack(_tiny()._replace(land=LandMask(1, bytes(100))))


def _with_header(data, change):
    length = struct.unpack_from("<I", data, 8)[0]
    header = json.loads(data[12:12 + length])
    change(header)
    raw = json.dumps(header).encode()
    raw += b" " * (-(12 + len(raw)) % 8)
    return data[:8] + struct.pack("<I", len(raw)) + raw + data[12 + length:]


@pytest.mark.parametrize("change", [
    lambda h: h["land"].update(per_deg=2),  # another shape than its blocks
    lambda h: h["land"].update(block_rows=0),
    lambda h: h["land"].update(per_deg="x"),
    lambda h: h.update(land=[1, 2]),
    lambda h: h["sections"].pop("land_start"),
])
def test_a_damaged_land_header_is_refused(change):
    data = pack(_tiny()._replace(land=_land(1, [])))
    with pytest.raises(PlaceFileError, match="damaged header"):
        PlaceFile.from_bytes(_with_header(data, change))


@pytest.mark.parametrize("where", ["bytes", "starts"])
def test_a_damaged_land_block_is_refused(where):
    data = bytearray(pack(_tiny()._replace(land=_land(1, [(54, 315)]))))
    sections = PlaceFile.from_bytes(bytes(data)).header["sections"]
    base = 12 + struct.unpack_from("<I", data, 8)[0]
    if where == "bytes":
        offset = base + sections["land"][0]
        data[offset:offset + 4] = b"\xff\xff\xff\xff"
    else:  # block 1 said to end past the section
        offset = base + sections["land_start"][0] + 4 * 2
        data[offset:offset + 4] = struct.pack("<I", 10**6)
    damaged = PlaceFile.from_bytes(bytes(data))
    with pytest.raises(PlaceFileError, match="damaged land block"):
        damaged.land_at(80.0 if where == "bytes" else 50.0, 135.5)  # blocks 0 and 1
    if where == "bytes":
        assert damaged.text(1)  # the rest of the file still reads


def test_a_missing_place_file_is_one_line_not_a_traceback(run, japan, monkeypatch, tmp_path):
    monkeypatch.setattr(offline, "DATA", tmp_path / "gone.bin")
    result = run("scan", str(japan))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "place file" in result.stderr and "gone.bin" in result.stderr
    assert "Traceback" not in result.stderr


# --- the build script -------------------------------------------------------------------

@pytest.fixture(scope="module")
def build():
    spec = importlib.util.spec_from_file_location("build_places",
                                                  ROOT / "scripts" / "build_places.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_places"] = module
    spec.loader.exec_module(module)
    return module


def _mo(path, messages):
    """A GNU gettext catalog holding ``messages`` (the format msgfmt writes)."""
    messages = {"": "Content-Type: text/plain; charset=UTF-8\n", **messages}
    keys = sorted(messages)
    ids = b"".join(k.encode() + b"\0" for k in keys)
    strs = b"".join(messages[k].encode() + b"\0" for k in keys)
    count = len(keys)
    start = 7 * 4 + 16 * count
    offsets, pos = [], 0
    for k in keys:
        offsets += [len(k.encode()), start + pos]
        pos += len(k.encode()) + 1
    values, pos = [], 0
    for k in keys:
        values += [len(messages[k].encode()), start + len(ids) + pos]
        pos += len(messages[k].encode()) + 1
    head = struct.pack("<7I", 0x950412DE, 0, count, 28, 28 + 8 * count, 0, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(head + struct.pack(f"<{2 * count}I", *offsets)
                     + struct.pack(f"<{2 * count}I", *values) + ids + strs)


def test_the_build_reads_debian_catalogs_by_geonames_id(build, tmp_path):
    _mo(tmp_path / "ja" / "LC_MESSAGES" / "geonames.mo", {"1857910": "京都市"})
    _mo(tmp_path / "zh_TW" / "LC_MESSAGES" / "geonames.mo", {"1850147": "東京都"})
    _mo(tmp_path / "zh_CN" / "LC_MESSAGES" / "geonames.mo", {"1857910": "京都"})
    found = build.catalogs(tmp_path, ["ja", "zh", "ko"])
    assert found == {"ja": {"1857910": "京都市"},
                     "zh": {"1857910": "京都", "1850147": "東京都"}}


def test_the_build_tells_languages_by_script(build):
    names = ["Kyoto", "Kyōto-shi", "きょうとし", "キョウト", "京都", "京都市", "교토 시", "Киото"]
    assert build.pick(names, build.IS_HANGUL) == "교토 시"
    assert build.pick(names, build.IS_JAPANESE, build.IS_CJK) == "京都市"
    assert build.pick(names, build.IS_KATAKANA) == "キョウト"
    assert build.pick(names, build.IS_CYRILLIC) == "Киото"
    assert build.pick(["Holborn"], build.IS_HANGUL) is None


@pytest.mark.parametrize("iso, natural", [
    ("Madrid, Comunidad de", "Comunidad de Madrid"),
    ("Durham, County", "County Durham"),
    ("Vale of Glamorgan, The", "The Vale of Glamorgan"),
    ("Newry, Mourne and Down", "Newry, Mourne and Down"),
    ("San Andrés, Providencia y Santa Catalina", "San Andrés, Providencia y Santa Catalina"),
    ("Kyoto", "Kyoto"),
])
def test_the_build_puts_iso_region_names_in_reading_order(build, iso, natural):
    assert build.natural_order(iso) == natural


# --- labels of a day --------------------------------------------------------------------

def _stop(day, index, lat, lon, place, nearby=None):
    moment = datetime(2025, 4, day, 9) + timedelta(hours=index)
    return Stop(f"2025-04-{day:02d}", index, "stop", moment, moment, "Asia/Tokyo", lat, lon,
                (), place, nearby=nearby)


def _day(stops):
    return Day(stops[0].day, "Asia/Tokyo", tuple(stops), ())


KYOTO = Place("Kyoto", "Kyoto", "Japan", "JP")


def test_same_labels_get_numbers_by_spot():
    days = labels.tell_apart([_day([
        _stop(1, 1, 34.9949, 135.7850, KYOTO),
        _stop(1, 2, 35.0394, 135.7292, KYOTO._replace(district="Kamigyō-ku")),
        _stop(1, 3, 34.9671, 135.7727, KYOTO),
        _stop(1, 4, 34.9951, 135.7851, KYOTO),  # the first spot again, after lunch
    ]), _day([_stop(2, 1, 35.0037, 135.7788, KYOTO)])])
    got = [s.place.label for d in days for s in d.stops]
    assert got == ["Kyoto", "Kamigyō-ku, Kyoto", "Kyoto (2)", "Kyoto", "Kyoto (3)"]
    assert days[0].stops[2].place.display == "Kyoto (2), Japan"


def test_runs_of_days_are_numbered_apart():
    far = [_day([_stop(1, 1, 34.99, 135.78, KYOTO)]), _day([_stop(2, 1, 35.03, 135.70, KYOTO)]),
           _day([_stop(9, 1, 35.00, 135.76, KYOTO)])]
    got = [s.place.label for d in labels.label_days(far) for s in d.stops]
    assert got == ["Kyoto", "Kyoto (2)", "Kyoto"]  # a week later: another trip


def test_a_stop_inside_an_attraction_is_named_by_it():
    temple = NearbyPlace("Kinkaku-ji", "place_of_worship", "see", 40,
                         "https://www.openstreetmap.org/way/1", (35.038, 135.727, 35.041, 135.731))
    cafe = NearbyPlace("Cafe", "cafe", "eat", 10, "https://www.openstreetmap.org/node/2")
    park = NearbyPlace("Big park", "park", "see", 300, "https://www.openstreetmap.org/way/3",
                       (35.0, 135.7, 35.1, 135.8))
    place = KYOTO._replace(district="Kamigyō-ku")
    days = labels.label_days([_day([_stop(1, 1, 35.0394, 135.7292, place, (cafe, park, temple)),
                                    _stop(1, 2, 35.0500, 135.7000, place, (cafe, temple))])])
    first, second = days[0].stops
    assert first.place.label == "Kinkaku-ji, Kyoto"  # the smaller of the two it lies in
    assert first.place.kind == "landmark"
    assert second.place.label == "Kamigyō-ku, Kyoto"  # outside the temple's bounds


# --- the command line -------------------------------------------------------------------

@pytest.fixture
def japan(tmp_path, monkeypatch):
    start = datetime(2025, 4, 3, 10, 0)
    spots = [(35.0394, 135.7292), (34.9671, 135.7727), (35.6595, 139.7005)]
    shots = [Shot(f"j{k}{i}.jpg", start + timedelta(days=k // 2, hours=k, minutes=i),
                  "Asia/Tokyo", lat, lon) for k, (lat, lon) in enumerate(spots)
             for i in range(2)]
    monkeypatch.chdir(tmp_path)
    return write(tmp_path / "japan", shots)


def _places(result):
    assert result.exit_code == 0, result.stderr
    return [s["place"] for d in json.loads(result.stdout)["days"] for s in d["stops"]]


@pytest.mark.parametrize("language, expected", [
    (None, ["Kamigyō-ku, Kyoto, Japan", "Kyoto, Japan", "Shibuya, Tokyo, Japan"]),
    ("ko", ["Kamigyō-ku, 교토 시, Kyoto, 일본", "교토 시, Kyoto, 일본",
            "Shibuya, 도쿄, Tokyo, 일본"]),
    ("ja", ["Kamigyō-ku, 京都市, 京都, 日本", "京都市, 京都, 日本", "渋谷区, 東京都, 東京, 日本"]),
])
def test_scan_in_a_language(run, japan, language, expected):
    args = ["scan", str(japan), "-f", "json"] + (["--language", language] if language else [])
    result = run(*args)
    assert _places(result) == expected
    assert result.stderr == ""


def test_the_language_from_the_environment(run, japan, monkeypatch):
    monkeypatch.setenv("TRIPEXIF_LANGUAGE", "ja")
    assert _places(run("scan", str(japan), "-f", "json"))[1] == "京都市, 京都, 日本"


def test_json_stops_carry_the_place_parts(run, japan):
    result = run("scan", str(japan), "-f", "json", "--language", "ja")
    stop = json.loads(result.stdout)["days"][0]["stops"][0]
    assert stop["label"] == "Kamigyō-ku, 京都市"
    assert stop["district"] == "Kamigyō-ku"
    assert stop["admin2"] == "京都市"
    assert stop["local_name"] == "京都市"
    assert stop["place_kind"] == "in"


def test_a_language_without_offline_names_is_said_once(run, japan):
    result = run("scan", str(japan), "-f", "json", "--language", "xx")
    assert result.exit_code == 0
    assert result.stderr.count("no 'xx' names") == 1
    assert _places(result)[1] == "Kyoto, Japan"  # the local names are not in Latin script


# --- online answers ---------------------------------------------------------------------

class _Location:
    """What geopy hands back: the formatted address and the service's raw answer."""

    def __init__(self, raw, address=""):
        self.raw = raw
        self.address = address


def test_a_nominatim_attraction_is_a_landmark_in_its_town():
    from tripexif.geocode.online import place_from

    raw = {"name": "Kinkaku-ji", "class": "amenity", "type": "place_of_worship",
           "address": {"amenity": "Kinkaku-ji", "suburb": "Kita Ward", "city": "Kyoto",
                       "state": "Kyoto Prefecture", "country": "Japan", "country_code": "jp"}}
    place = place_from(_Location(raw))
    assert (place.kind, place.label) == ("landmark", "Kinkaku-ji, Kyoto")
    assert place.display == "Kinkaku-ji, Kyoto, Kyoto Prefecture, Japan"


def test_a_nominatim_shop_is_not_a_landmark_the_district_and_town_name_it():
    from tripexif.geocode.online import place_from

    raw = {"name": "Lawson", "class": "shop", "type": "convenience",
           "address": {"shop": "Lawson", "suburb": "Gion", "city": "Kyoto",
                       "country": "Japan", "country_code": "jp"}}
    place = place_from(_Location(raw))
    assert (place.kind, place.label) == ("in", "Gion, Kyoto")


def test_a_photon_park_is_a_landmark():
    from tripexif.geocode.online import place_from

    raw = {"properties": {"name": "Hyde Park", "osm_key": "leisure", "osm_value": "park",
                          "city": "London", "country": "United Kingdom",
                          "countrycode": "GB"}}
    assert place_from(_Location(raw)).label == "Hyde Park, London"
    raw["properties"].update(osm_key="building", osm_value="yes", district="Mayfair")
    assert place_from(_Location(raw)).label == "Mayfair, London"


# --- the place cache ----------------------------------------------------------------------

def test_a_cached_place_keeps_every_part():
    from tripexif.geocode.cache import pack_place, unpack_place

    place = Place("Savusavu", "Northern", "Fiji", "FJ", 70.2, None, "Cakaudrove", None,
                  "near", "E")
    assert unpack_place(pack_place(place)) == place
    assert unpack_place(pack_place(place)).label == "70 km E of Savusavu"
    # an earlier version's five fields still read
    assert unpack_place('["Roma", "Lazio", "Italy", "IT", 0.5]') == Place(
        "Roma", "Lazio", "Italy", "IT", 0.5)


@pytest.mark.parametrize("packed", [
    '["Roma", "Lazio", "Italy", "IT", 0.5, null, null, null, "castle", null, null, 1]',
    '["Roma", "Lazio", "Italy", "IT", 0.5, 3, null, null, "in", null, null, 1]',
    '["Roma", "Lazio", "Italy", "IT", 0.5, null, null, null, "in", null, null, 0]',
    '["Roma", "Lazio", "Italy", "IT", 0.5, null]',
])
def test_a_cached_place_of_the_wrong_shape_is_refused(packed):
    from tripexif.geocode.cache import unpack_place

    with pytest.raises(ValueError):
        unpack_place(packed)


def test_labels_without_a_direction_or_a_district():
    assert Place("Suva", kind="near", distance_km=12.4).label == "12 km from Suva"
    assert Place("Suva", kind="sea", distance_km=0.2).label == "at sea, 1 km off Suva"
    assert Place("Suva").label == "Suva"
    assert Place("Kinkaku-ji", kind="landmark").label == "Kinkaku-ji"
