"""Nights and home, on days built in code."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from tripexif.model import Day, Night, Place, Stop
from tripexif.trip.home import infer
from tripexif.trip.nights import nights

HOTEL = (35.0037, 135.7788)
TEMPLE = (35.0394, 135.7292)


def _day(text: str, *points: tuple[int, tuple[float, float]]) -> Day:
    stops = []
    for k, (hour, (lat, lon)) in enumerate(points, 1):
        moment = datetime.fromisoformat(f"{text}T{hour:02d}:00").replace(
            tzinfo=ZoneInfo("Asia/Tokyo"))
        stops.append(Stop(text, k, "stop", moment, moment, "Asia/Tokyo", lat, lon, (),
                          Place(f"P{lat:.2f}")))
    return Day(text, "Asia/Tokyo", tuple(stops), ())


def test_evening_and_morning_at_the_same_place():
    days = [_day("2024-03-21", (9, TEMPLE), (21, HOTEL)),
            _day("2024-03-22", (8, (HOTEL[0] + 0.002, HOTEL[1])), (12, TEMPLE))]  # 220 m
    first, last = nights(days)
    assert first == Night(*HOTEL, Place("P35.00"), "evening and morning at the same place")
    assert last is None  # nothing after the last day


def test_a_morning_elsewhere_is_no_night():
    days = [_day("2024-03-21", (21, HOTEL)), _day("2024-03-22", (8, TEMPLE))]
    assert nights(days) == [None, None]
    farther = [_day("2024-03-21", (21, HOTEL)),
               _day("2024-03-22", (8, (HOTEL[0] + 0.006, HOTEL[1])))]  # 670 m
    assert nights(farther) == [None, None]


def test_a_place_returned_to_on_several_evenings():
    """No photo the next morning, but the same hotel three evenings in a week."""
    days = [_day("2024-03-21", (21, HOTEL)), _day("2024-03-23", (21, HOTEL)),
            _day("2024-03-26", (9, TEMPLE), (22, HOTEL))]
    found = nights(days)
    assert [n.evidence if n else None for n in found] == ["returned to on 3 evenings"] * 3
    lonely = [_day("2024-03-21", (21, HOTEL)), _day("2024-04-21", (21, HOTEL))]
    assert nights(lonely) == [None, None]  # a month apart: no evidence
    lunches = [_day(f"2024-03-{d}", (9, TEMPLE), (13, HOTEL)) for d in (21, 23, 25)]
    assert nights(lunches) == [None, None, None]  # a lunch place is no bed


def test_points_in_the_air_are_never_a_bed():
    days = [_day("2024-03-21", (21, HOTEL), (22, TEMPLE), (23, HOTEL)),
            _day("2024-03-22", (8, HOTEL))]
    assert nights(days)[0].place == Place("P35.00")
    air = {id(days[0].stops[2])}  # the day ends on a plane: not at the hotel
    assert nights(days, air)[0] is None
    days = [_day("2024-03-21", (21, HOTEL), (23, TEMPLE), (23, HOTEL)),
            _day("2024-03-22", (8, HOTEL))]
    assert nights(days, {id(days[0].stops[1])})[0].place == Place("P35.00")
    # the morning's first point in the air: no night on the ground before it
    days = [_day("2024-03-21", (21, HOTEL)), _day("2024-03-22", (1, TEMPLE), (21, HOTEL))]
    assert nights(days)[0].evidence == "returned to on 2 evenings"
    assert nights(days, {id(days[1].stops[0])})[0] is None


def test_a_morning_at_home_before_a_flight_is_no_night_at_home():
    """Photos at home at 08:00, then only from the plane: the night was not at home."""
    home = (50.1109, 8.6821)
    days = [_day(f"2024-03-{d}", (8, home), (21, home)) for d in (18, 19, 20)]
    days.append(_day("2024-03-21", (8, home), (13, TEMPLE)))
    air = {id(days[-1].stops[1])}
    assert [n is not None for n in nights(days, air)] == [True, True, True, False]


def _night(lat: float, lon: float, place: str = "Home") -> Night:
    return Night(lat, lon, Place(place), "evening and morning at the same place")


def test_home_is_the_place_of_most_nights_over_weeks():
    start = date(2024, 1, 1)
    stays = [((start + timedelta(days=k)).isoformat(), _night(50.1109, 8.6821))
             for k in range(0, 60, 3)]
    stays += [(f"2024-02-{k:02d}", _night(35.0, 135.77, "Kyoto")) for k in range(1, 8)]
    home = infer(stays)
    assert home is not None and (home.lat, home.lon) == (50.1109, 8.6821)
    assert home.how == f"most nights: 20 of 27, 2024-01-01 to {stays[19][0]}"
    # a week in one hotel is no home, however many nights
    assert infer([(f"2024-02-{k:02d}", _night(35.0, 135.77)) for k in range(1, 20)]) is None
    assert infer([]) is None
    # nights 600 m apart are one place
    near = [(d, n._replace(lat=n.lat + 0.005 * (k % 2))) for k, (d, n) in enumerate(stays)]
    assert infer(near) is not None and infer(near).place == Place("Home")
