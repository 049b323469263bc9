"""The offline geocoder on small generated place files: nearest across the date line and
the pole, the town and its sections, distance and direction outside every town."""

import pytest

from tripexif.geocode import get_geocoder
from tripexif.geocode.offline import OfflineGeocoder
from tripexif.geocode.placefile import LandMask, Source, SourcePlace, pack


def place_file(folder, places, countries=None):
    """A place file of ``places`` (name, lat, lon, population, country code[, region[,
    county]])."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = [SourcePlace(lat, lon, pop, name, (area or ["XX.01"])[0],
                        area[1] if len(area) > 1 else None, cc)
            for name, lat, lon, pop, cc, *area in places]
    source = Source(rows, {"XX.01": "State", "XX.02": "Other State", "XX.01.1": "County",
                           "XX.01.2": "Other County"},
                    countries or {"FJ": "Fiji", "NO": "Norway", "AQ": "Antarctica",
                                  "XX": "Testland"})
    path = folder / "places.bin"
    path.write_bytes(pack(source))
    return path


@pytest.fixture
def coder(tmp_path):
    def make(places, at_sea=False, zone=None):
        return OfflineGeocoder(data=place_file(tmp_path / "d", places),
                               at_sea=lambda lat, lon: at_sea, zone=zone)

    return make


def test_nearest_across_the_date_line(coder):
    g = coder([("East", -16.5, 179.5, 5000, "FJ"), ("West", -16.5, -179.99, 5000, "FJ")])
    # 2 km from "West" across ±180°, 54 km from "East" on this side: raw lat/lon says East
    place = g.reverse(-16.5, 179.99)
    assert place.name == "West"
    assert place.label == "2 km W of West"


def test_nearest_near_the_pole(coder):
    g = coder([("Far side", 89.9, 180.0, 2000, "NO"), ("Same meridian", 89.0, 0.0, 2000, "NO")])
    # 22 km over the pole versus 100 km down the meridian
    assert g.reverse(89.9, 0.0).name == "Far side"


def test_a_section_inside_the_town_names_the_stop_with_the_town(coder):
    g = coder([("Hamlet", 45.0, 7.0127, 1100, "XX"), ("Town", 45.0, 6.99, 60000, "XX")])
    # the point is 1.0 km from the section's centre (inside its 1 km) and 0.8 km from the
    # town's; the section's centre is 1.8 km from the town's (inside its 2.4 km)
    place = g.reverse(45.0, 7.0)
    assert (place.name, place.district, place.kind) == ("Town", "Hamlet", "in")
    assert place.label == "Hamlet, Town"
    assert place.display == "Hamlet, Town, State, Testland"
    assert place.country_code == "XX"


def test_a_place_across_a_border_is_no_section_of_the_town(coder):
    g = coder([("Hamlet", 45.0, 7.0127, 1100, "YY"), ("Town", 45.0, 6.99, 60000, "XX")])
    assert g.reverse(45.0, 7.0).label == "Town"


def test_a_big_town_across_a_border_does_not_name_a_town_it_reaches(coder):
    # the city's 5 km reach covers the small town across the river and the border
    g = coder([("City", 45.0, 7.0, 270000, "XX"), ("Small", 45.0, 7.055, 35000, "YY")])
    assert g.reverse(45.0, 7.054).label == "Small"  # 0.08 km from Small, 4.2 km from City
    assert g.reverse(45.0, 7.01).label == "City"


def test_a_big_town_across_a_state_line_does_not_name_a_town_it_reaches(coder):
    g = coder([("City", 45.0, 7.0, 270000, "XX"), ("Small", 45.0, 7.04, 35000, "XX", "XX.02")])
    place = g.reverse(45.0, 7.039)  # 0.08 km from Small's centre, 3.1 km from City's
    assert place.display == "Small, Other State, Testland"
    assert g.reverse(45.0, 7.01).display == "City, State, Testland"


def test_the_nearest_place_tells_the_region_not_a_deeper_big_town_across_the_line(coder):
    # Haneda: Kawasaki (other state, 1.5M, 12.2 km reach) holds the point at 0.53 of its
    # reach, Ota (750k, 8.7 km) at 0.68; the village by the point is Ota's state's
    g = coder([("Kawasaki", 45.0, 7.0, 1_500_000, "XX", "XX.02"),
               ("Ota", 45.0, 7.142, 750_000, "XX"), ("Haneda", 44.975, 7.082, 900, "XX")])
    place = g.reverse(45.0, 7.0825)  # 6.5 km from Kawasaki, 4.7 km from Ota
    assert place.display == "Ota, State, Testland"


def test_but_a_place_that_holds_it_deeply_tells_the_region(coder):
    # 1 km from the city's centre (0.13 of its 7.7 km): a hamlet of another state 0.5 km
    # off does not move it
    g = coder([("City", 45.0, 7.0, 600_000, "XX"), ("Hamlet", 45.0, 7.0191, 600, "XX",
                                                    "XX.02")])
    assert g.reverse(45.0, 7.0127).display == "City, State, Testland"


def test_the_town_is_of_the_county_of_the_nearest_place(coder):
    # JFK: Brooklyn's reach (20 km) and Queens' (15 km) both hold it; the neighbourhood
    # next to it is in Queens County: Queens, not the more populous Brooklyn
    g = coder([("Brooklyn", 45.0, 7.0, 2_700_000, "XX", "XX.01", "XX.01.1"),
               ("Queens", 45.0, 7.25, 2_300_000, "XX", "XX.01", "XX.01.2"),
               ("Springfield", 45.0, 7.2, 30_000, "XX", "XX.01", "XX.01.2")])
    assert g.reverse(45.0, 7.17).label == "Queens"  # 13 km from Brooklyn, 6 from Queens
    assert g.reverse(45.0, 7.05).label == "Brooklyn"


def test_a_town_in_another_time_zone_is_across_a_border(coder):
    # Windsor's riverfront: 2.0 km from Detroit's centre across the river, 2.3 km from
    # Windsor's; the border is the zones' border
    def zone(lat, lon):
        return "Zone/Windsor" if lat < 45.0 else "Zone/Detroit"

    places = [("Detroit", 45.0139, 7.0, 650_000, "XX"), ("Windsor", 44.9653, 7.0, 230_000,
                                                          "YY")]
    g = coder(places, zone=zone)
    assert g.reverse(44.9959, 7.0).label == "Windsor"
    assert g.reverse(45.005, 7.0).label == "Detroit"
    # one zone on both sides (no border to see): the nearer one, Detroit
    assert coder(places, zone=lambda lat, lon: "Zone/A").reverse(44.9959, 7.0).label == (
        "Detroit")


def test_a_big_towns_limits_reach_past_its_circle(coder):
    # Frankfurt's airport: 12.3 km from the centre of a town of 650,000 (8.1 km, so 1.52
    # of it), 3.5 km from Kelsterbach (14,000 people, 1.2 km: 3 of it)
    g = coder([("Frankfurt", 45.0, 7.0, 650_000, "XX", "XX.01", "XX.01.1"),
               ("Kelsterbach", 45.0, 7.2, 14_000, "XX", "XX.01", "XX.01.1")])
    place = g.reverse(45.0, 7.156)
    assert (place.label, place.kind) == ("Frankfurt", "in")
    assert place.distance_km == pytest.approx(12.3, abs=0.1)
    # beyond 1.6 times its reach: the nearest place with distance and direction
    assert g.reverse(45.0, 7.17).label == "2 km W of Kelsterbach"


def test_but_not_over_a_nearest_place_that_holds_it_more_deeply(coder):
    # 1.35 of the big town's reach off, but 1.2 of the village's (1 km): the village
    g = coder([("Frankfurt", 45.0, 7.0, 650_000, "XX"), ("Village", 45.0, 7.154, 1000, "XX")])
    place = g.reverse(45.0, 7.1385)  # 10.9 km from Frankfurt, 1.2 km from the village
    assert (place.kind, place.label) == ("near", "1 km W of Village")
    # 1.6 of the village's reach off, 1.3 of Frankfurt's (10.5 km): Frankfurt
    assert g.reverse(45.0, 7.1335).label == "Frankfurt"


def test_but_not_into_another_county(coder):
    # Schiphol: next to Amsterdam's edge, but in Haarlemmermeer (another county)
    g = coder([("Amsterdam", 45.0, 7.0, 650_000, "XX", "XX.01", "XX.01.1"),
               ("Badhoevedorp", 45.0, 7.2, 14_000, "XX", "XX.01", "XX.01.2")])
    assert g.reverse(45.0, 7.156).label == "3 km W of Badhoevedorp"


@pytest.mark.parametrize("population, inside", [(30_000, True), (20_000, False)])
def test_a_town_below_the_big_size_reaches_as_far_as_its_people(coder, population, inside):
    # 30,000 people reach 1.73 km, 20,000 reach 1.41 km: the point is 1.6 km east
    g = coder([("Town", 45.0, 7.0, population, "XX")])
    place = g.reverse(45.0, 7.0203)
    assert (place.kind, place.label) == (("in", "Town") if inside
                                         else ("near", "2 km E of Town"))


def test_a_place_beyond_the_big_towns_edge_is_a_town_of_its_own(coder):
    # the point is inside both; the village's centre is 2.97 km from the town's (beyond
    # its 2.4 km): a neighbouring village, not a section of the town
    g = coder([("Village", 45.0, 7.0127, 1100, "XX"), ("Town", 45.0, 6.975, 60000, "XX")])
    assert g.reverse(45.0, 7.0).label == "Village"


def test_but_a_village_far_from_any_town_is_named_after_itself(coder):
    g = coder([("Village", 45.0, 7.0, 1100, "XX"), ("City", 45.0, 7.4, 900000, "XX")])
    assert g.reverse(45.0, 7.005).label == "Village"  # 0.4 km versus 31 km


def test_outside_every_town_the_nearest_with_distance_and_direction(coder):
    # a big town 30 km west, a village 12 km south-west: the village, the nearer one
    g = coder([("Big", 45.0, 6.62, 900000, "XX"), ("Small", 44.92, 6.9, 800, "XX")])
    place = g.reverse(45.0, 7.0)
    assert (place.name, place.kind, place.direction) == ("Small", "near", "NE")
    assert place.label == "12 km NE of Small"
    assert place.display == "12 km NE of Small, State, Testland"


def test_at_sea(coder):
    g = coder([("Port", 45.0, 7.0, 20000, "XX")], at_sea=True)
    place = g.reverse(45.0, 7.3)
    assert place.kind == "sea"
    assert place.label == "at sea, 24 km off Port"


def test_not_at_sea_near_a_place(coder):
    # the mask says sea, but a place is within SHORE_KM: a harbour, a quay, land reclaimed
    # since the mask's data
    g = coder([("Port", 45.0, 7.0, 500, "XX")], at_sea=True)
    assert g.reverse(45.0, 7.024).kind == "near"  # 1.9 km
    assert g.reverse(45.0, 7.027).label == "at sea, 2 km off Port"  # 2.1 km


def test_at_sea_by_the_place_files_land_mask(tmp_path):
    """Without ``at_sea`` the geocoder asks the place file's land mask: sea where the
    position's cell and the eight around it are sea."""
    rows, cols = 180, 360  # one cell a degree; land at 45-46°N 7-8°E (row 44, col 187)
    bits = bytearray(rows * cols // 8)
    bits[(44 * cols + 187) // 8] |= 0x80 >> (187 % 8)
    source = Source([SourcePlace(45.5, 7.5, 20000, "Port", None, None, "XX")], {},
                    {"XX": "Testland"}, land=LandMask(1, bytes(bits)))
    path = tmp_path / "places.bin"
    path.write_bytes(pack(source))
    g = OfflineGeocoder(data=path)
    assert g.reverse(45.5, 8.5).kind == "near"  # the cell east of the land
    assert g.reverse(45.5, 9.5).label == "at sea, 156 km off Port"
    assert g.reverse(47.5, 7.5).label == "at sea, 222 km off Port"


def test_far_from_everything(coder):
    g = coder([("Base", -77.85, 166.67, 1200, "AQ")])
    place = g.reverse(-70.0, 100.0)
    assert place.name == "Base"
    assert place.distance_km > 1000


def test_an_empty_place_file_names_nothing(coder):
    assert coder([]).reverse(10.0, 10.0) is None


def test_registry():
    assert get_geocoder("none").reverse(1, 2) is None
    assert get_geocoder("Offline").name == "offline"
