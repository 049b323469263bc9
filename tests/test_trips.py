"""A library split into trips: home, trips, titles, countries, nights, modes — against what
tests/library.py generated."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest

import tripexif
from tripexif.errors import UsageError
from tripexif.trip.home import parse_home
from tripexif.trip.trips import Selection, TripSettings, select

import library
from trips import Shot, write


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return library.make(tmp_path_factory.mktemp("library") / "Pictures")


@pytest.fixture(scope="module")
def itinerary(folder):
    return tripexif.scan([folder], cache=False, jobs=1)


def _town(stop):
    return stop.place.name if stop.place else None


def test_home_is_where_most_nights_are_spent(itinerary):
    home = itinerary.home
    assert home is not None and home.place is not None
    assert (round(home.lat, 4), round(home.lon, 4)) == library.HOME
    assert home.place.country == "Germany"
    assert home.how.startswith("most nights: ") and "2024-03-04 to 2024-05-31" in home.how


def test_trips_match_what_was_generated(itinerary):
    nara = next(_town(s) for s in itinerary.stops
                if (round(s.lat, 4), round(s.lon, 4)) == library.PLACES["nara"])
    got = [(t.id, t.title, t.countries, t.start, t.end) for t in itinerary.trips]
    want = [(i, title.format(nara=nara), countries, start, end)
            for i, title, countries, start, end in library.TRIPS]
    assert got == want
    # every other day is a day at home, in no trip
    for day in itinerary.days:
        in_trip = date.fromisoformat(day.date) in library.TRIP_DAYS
        assert (day.trip is not None) == in_trip, day.date


def test_a_gap_without_photos_does_not_end_a_trip(itinerary, folder):
    japan = itinerary.trips[0]
    dates = [d.date for d in japan.days]
    assert "2024-03-22" not in dates and "2024-03-21" in dates and "2024-03-23" in dates
    strict = tripexif.scan([folder], cache=False, jobs=1, trips=TripSettings(trip_gap=0))
    assert [t.start for t in strict.trips][:2] == ["2024-03-18", "2024-03-23"]


def test_a_day_trip_is_a_trip_only_when_min_trip_days_allows(folder):
    longer = tripexif.scan([folder], cache=False, jobs=1, trips=TripSettings(min_trip_days=2))
    assert "2024-05-04" not in [t.id for t in longer.trips]
    assert [d.trip for d in longer.days if d.date == "2024-05-04"] == [None]
    assert len(longer.trips) == len(library.TRIPS) - 1


def test_nights_per_place(itinerary):
    summary = {t.id: {} for t in itinerary.trips}
    for trip in itinerary.trips:
        for day in trip.days[:-1]:
            if day.night is not None:
                place = day.night.place.name if day.night.place else None
                summary[trip.id][place] = summary[trip.id].get(place, 0) + 1
    assert summary == {
        "2024-03-18": {"Tokyo": 2, "Kyoto": 2, "Osaka": 1},
        "2024-04-08": {"Buenos Aires": 2, "El Calafate": 2},
        "2024-04-26": {"Helsinki": 1, "Tallinn": 1},
        "2024-05-04": {},
        "2024-05-13": {"Nadi": 1, "Suva": 2, "Apia": 2},
    }
    kyoto = {d.date: d.night for d in itinerary.trips[0].days}
    assert kyoto["2024-03-21"].evidence == "returned to on 2 evenings"  # the gap day after
    assert kyoto["2024-03-23"].evidence == "evening and morning at the same place"
    assert kyoto["2024-03-18"] is None  # left from the airport, slept on the plane
    assert itinerary.trips[0].nights == 5


def _modes(trip):
    return [(_town(leg.start), _town(leg.end), leg.mode) for leg in trip.legs
            if leg.mode != "walk"]


def _named(trip, position):
    """The name the scan gave the stop at ``position`` (an airport's own town)."""
    return next(_town(s) for s in trip.stops if (round(s.lat, 4), round(s.lon, 4)) == position)


def test_modes_match_how_the_traveller_went(itinerary):
    japan, argentina, baltic, heidelberg, pacific = itinerary.trips
    # the home airport's own name (Frankfurt's lies beside Kelsterbach)
    home = _named(japan, library.FRA)
    eze = _named(argentina, library.PLACES["eze"])  # Buenos Aires' airport, in Ezeiza
    flights = [(a, b) for a, b, mode in _modes(japan) if mode == "flight"]
    assert len(flights) == 2 and flights[0][0] == home and flights[1][1] == home
    assert ("Tokyo", "Kyoto", "ground") in _modes(japan)  # the Shinkansen is on the ground
    assert [(a, b) for a, b, mode in _modes(argentina) if mode == "flight"] == [
        (home, "Buenos Aires"), ("Buenos Aires", "El Calafate"),
        ("El Calafate", eze), (eze, home)]
    assert ("Helsinki", "Tallinn", "ferry") in _modes(baltic)
    assert all(leg.mode == "walk" for leg in heidelberg.legs)
    assert [m for _, _, m in _modes(pacific)].count("flight") == 1
    by_mode = japan.distance_by_mode()
    assert by_mode["flight"] > 18000 and 500 < by_mode["ground"] < 700
    # Osaka to Kansai airport: the line crosses Osaka Bay at ferry speed, but the traveller
    # flew on from there: an airport is reached by land
    assert "ferry" not in by_mode
    [kix] = [leg for leg in japan.legs if leg.evidence.startswith("to the airport")]
    assert kix.mode == "ground" and _town(kix.start) == "Osaka"


def test_photos_from_the_plane_are_in_flight_waypoints(itinerary):
    japan = itinerary.trips[0]
    # over Siberia the position's zone puts two of them on the next local day
    air = [s for s in japan.stops if _town(s) and _town(s).startswith("in flight")]
    assert len(air) == 3
    home = itinerary.home.place.name
    haneda = next(_town(s) for s in japan.stops
                  if (round(s.lat, 4), round(s.lon, 4)) == library.PLACES["haneda"])
    # a flight's ends are the towns its airports serve: the ones photographed most near them
    assert {_town(s) for s in air} == {f"in flight ({home} → Tokyo)"}
    assert all(s.kind == "waypoint" for s in air)
    [flight] = [leg for leg in japan.legs if leg.mode == "flight" and leg.start.day == "2024-03-18"]
    assert _town(flight.end) == haneda and flight.evidence.startswith("positions at cruise speed")
    assert flight.distance_km == pytest.approx(9360, rel=0.02)


def test_no_leg_or_distance_links_two_trips(itinerary):
    for trip in itinerary.trips:
        assert trip.days[0].stops[0].distance_km == 0.0
        points = set(map(id, trip.stops))
        assert all(id(leg.start) in points and id(leg.end) in points for leg in trip.legs)
        assert sum(leg.distance_km for leg in trip.legs) == pytest.approx(trip.distance_km,
                                                                          abs=1.0)
    # the first day at home after a trip does not count the way back from it
    after = next(d for d in itinerary.days if d.date == "2024-05-21")
    assert after.stops[0].distance_km == 0.0


def test_the_flight_across_the_date_line_is_an_unwrapped_arc(itinerary):
    pacific = itinerary.trips[-1]
    [flight] = [leg for leg in pacific.legs if leg.mode == "flight"]
    lons = [lon for _, lon in flight.path]
    assert lons[0] == pytest.approx(178.56, abs=0.01) and lons[-1] > 180  # -171.77 + 360
    assert all(0 < b - a < 20 for a, b in zip(lons, lons[1:], strict=False))
    assert 1000 < flight.distance_km < 1300


def test_geojson_legs_have_modes_and_split_at_the_antimeridian(itinerary):
    from tripexif.export.geojson import to_geojson

    doc = json.loads(to_geojson(itinerary))
    legs = [f for f in doc["features"] if f["properties"]["kind"] == "leg"]
    assert {f["properties"]["mode"] for f in legs} == {"walk", "ground", "ferry", "flight"}
    [crossing] = [f for f in legs if f["properties"]["to"]["place"].startswith("Apia")
                  and f["properties"]["mode"] == "flight"]
    assert crossing["geometry"]["type"] == "MultiLineString"
    west, east = crossing["geometry"]["coordinates"]
    assert west[-1][0] == 180.0 and east[0][0] == -180.0
    assert west[-1][1] == east[0][1]
    for f in legs:
        lines = f["geometry"]["coordinates"]
        lines = [lines] if f["geometry"]["type"] == "LineString" else lines
        assert all(-180 <= lon <= 180 and abs(b[0] - a[0]) < 180
                   for line in lines for a, b in zip(line, line[1:], strict=False)
                   for lon in (a[0], b[0]))
    points = [f for f in doc["features"] if f["geometry"]["type"] == "Point"]
    by_day = {d.date: d.trip for d in itinerary.days}
    assert all(f["properties"]["trip"] == by_day[f["properties"]["day"]] for f in points)
    assert {f["properties"]["trip"] for f in points} == {None, *(t[0] for t in library.TRIPS)}
    flight = next(f for f in legs if f["properties"]["mode"] == "flight")
    assert len(flight["geometry"]["coordinates"]) > 10  # an arc, not a straight line


def test_json_has_trips_home_legs_and_nights(itinerary):
    from tripexif.export.itinerary_json import to_json

    doc = json.loads(to_json(itinerary))
    assert doc["version"] == 1
    assert doc["home"]["place"].startswith("Frankfurt") and doc["home"]["how"]
    assert len(doc["days"]) == len(itinerary.days)  # every day, home days included
    assert doc["home_days"] == [d["date"] for d in doc["days"] if d["trip"] is None]
    baltic = doc["trips"][2]
    assert baltic["days"] == ["2024-04-26", "2024-04-27", "2024-04-28"]
    assert baltic["nights_by_place"] == [{"place": "Helsinki", "nights": 1},
                                         {"place": "Tallinn", "nights": 1}]
    [ferry] = [leg for leg in baltic["legs"] if leg["mode"] == "ferry"]
    assert "Helsinki" in ferry["from"]["place"] and ferry["path"] is None
    assert ferry["evidence"].endswith("km/h over 80.8 km") and 25 < ferry["speed_kmh"] < 45
    day = next(d for d in doc["days"] if d["date"] == "2024-04-26")
    assert day["trip"] == "2024-04-26"
    assert day["night"] == {"place": "Kluuvi, Helsinki, Uusimaa, Finland", "lat": 60.1675,
                            "lon": 24.9525, "evidence": "evening and morning at the same place"}


def test_select_a_trip_by_id_or_date_and_a_date_range(itinerary):
    one = select(itinerary, Selection(trip="2024-04-27"))
    assert [t.id for t in one.trips] == ["2024-04-26"]
    assert [d.date for d in one.days] == ["2024-04-26", "2024-04-27", "2024-04-28"]
    assert select(itinerary, Selection(trip="2024-04-08")).trips[0].title.startswith("Buenos")
    ranged = select(itinerary, Selection(start=date(2024, 3, 20), end=date(2024, 3, 23),
                                         home_days=False))
    assert [d.date for d in ranged.days] == ["2024-03-20", "2024-03-21", "2024-03-23"]
    [cut] = ranged.trips
    assert all(leg.start.day >= "2024-03-20" and leg.end.day <= "2024-03-23" for leg in cut.legs)
    with_home = select(itinerary, Selection(start=date(2024, 3, 25), end=date(2024, 3, 27)))
    assert [d.date for d in with_home.days] == ["2024-03-25", "2024-03-26", "2024-03-27"]
    with pytest.raises(UsageError, match=r"--trip '2024-04-29': no trip has that id or date"):
        select(itinerary, Selection(trip="2024-04-29"))


def test_home_given_by_name_or_position(folder):
    given = parse_home("Frankfurt am Main, DE")
    assert given.place.name == "Frankfurt am Main" and abs(given.lat - 50.11) < 0.05
    assert parse_home("Zurich").place.country == "Switzerland"  # accents folded
    assert parse_home("50.1109, 8.6821") == (50.1109, 8.6821, None)
    with pytest.raises(UsageError, match="no such place"):
        parse_home("Frankfurt am Main, Japan")
    with pytest.raises(UsageError, match="latitude must be within"):
        parse_home("95,8")
    # Heidelberg as home: Frankfurt is 78 km away, so every day there is away
    itinerary = tripexif.scan([folder], cache=False, jobs=1,
                              trips=TripSettings(home=parse_home("Heidelberg")))
    assert itinerary.home.how == "--home" and itinerary.home.place.name == "Heidelberg"
    assert "2024-05-04" in {d.date for d in itinerary.days if d.trip is None}
    assert itinerary.trips[0].start == "2024-03-04"
    # a home given as LAT,LON is named by the geocoder
    given = tripexif.scan([folder], cache=False, jobs=1,
                          trips=TripSettings(home=parse_home("50.1109,8.6821")))
    assert given.home.place.name == "Frankfurt am Main" and given.home.how == "--home"
    assert [t.id for t in given.trips] == [t[0] for t in library.TRIPS]


def test_a_library_with_no_home_evidence_is_one_trip(tmp_path):
    """Ten nights in Japan: the hotel is not a home (its nights span days, not weeks)."""
    shots = []
    for k in range(10):
        day = datetime(2024, 3, 1 + k)
        where = (35.6812, 139.7671) if k < 5 else (35.0037, 135.7788)
        shots += [Shot(f"a{k}.jpg", day.replace(hour=8), "Asia/Tokyo", *where),
                  Shot(f"b{k}.jpg", day.replace(hour=21), "Asia/Tokyo", *where)]
    itinerary = tripexif.scan([write(tmp_path / "japan", shots)], cache=False, jobs=1)
    assert itinerary.home is None
    [trip] = itinerary.trips
    assert trip.days == itinerary.days and trip.title == "Tokyo & Kyoto"
    assert trip.countries == ("Japan",) and trip.nights == 9
    # two weeks in one town: not a home either, by nights or by days photographed
    stay = [Shot(f"k{k}-{n}.jpg", datetime(2024, 5, 1 + k, 9 + 12 * n), "Asia/Tokyo",
                 35.0037, 135.7788) for k in range(14) for n in range(2)]
    itinerary = tripexif.scan([write(tmp_path / "kyoto", stay)], cache=False, jobs=1)
    assert itinerary.home is None and len(itinerary.trips) == 1


def test_library_api_trips(folder):
    trips = tripexif.trips([folder], cache=False, jobs=1,
                           settings=tripexif.TripSettings(away_km=100))
    # Heidelberg is 78 km from home: no longer away
    assert [t.id for t in trips] == [t[0] for t in library.TRIPS if t[0] != "2024-05-04"]
    only = tripexif.scan(folder, cache=False, jobs=1, only=tripexif.Selection(trip="2024-04-27"))
    assert [d.date for d in only.days] == ["2024-04-26", "2024-04-27", "2024-04-28"]
    assert [t.title for t in only.trips] == ["Finland, Estonia"]


def test_trips_command_json_and_csv(run, folder, tmp_path):
    result = run("trips", "--no-cache", "-j", "1", "-f", "json", str(folder))
    doc = json.loads(result.stdout)
    assert [t["title"].split(":")[0] for t in doc["trips"]][1:] == [
        "Buenos Aires & El Calafate", "Finland, Estonia", "Heidelberg", "Fiji, Samoa"]
    assert "legs" not in doc["trips"][0] and doc["home"]["how"].startswith("most nights")
    assert doc["trips"][1]["distance_by_mode"]["flight"] > 27000
    out = tmp_path / "trips.csv"
    run("trips", "--no-cache", "-j", "1", "-o", str(out), "--from", "2024-04-20", str(folder))
    lines = out.read_text().splitlines()
    assert lines[0].startswith("id,start,end,days,nights,title,countries")
    assert [line.split(",")[0] for line in lines[1:]] == ["2024-04-26", "2024-05-04",
                                                          "2024-05-13"]
    assert lines[1].endswith(",Helsinki 1; Tallinn 1")


def test_photos_from_the_plane_read_in_flight_not_passing(itinerary):
    """The table, the Markdown and the report say "in flight (A → B)" for a photo from the
    plane, and "(passing)" only for places passed through on the ground."""
    from tripexif import export
    from tripexif.export import Options

    japan = tripexif.trip.trips.select(itinerary, tripexif.Selection(trip="2024-03-18"))
    air = [s for s in japan.stops if s.place and s.place.kind == "flight"]
    assert air and all(s.kind == "waypoint" for s in air)
    table = export.get("scan", "table").render(japan, Options(width=160))
    flights = [line for line in table.splitlines() if "in flight (" in line]
    assert flights and not any("(passing)" in line for line in flights)
    assert any("(passing)" in line and "in flight" not in line for line in table.splitlines())
    markdown = export.get("scan", "md").render(japan, Options())
    assert "*in flight (" in markdown and "*passing in flight" not in markdown
    report = export.get("scan", "report").render(japan, Options())
    assert "in flight (" in report and "in flight (Frankfurt am Main → Tokyo) (passing)" \
        not in report


def test_trips_table(run, folder, itinerary):
    result = run("trips", "--no-cache", "-j", "1", "--trip", "2024-05-13", str(folder))
    lines = result.stdout.splitlines()
    assert lines[0] == f"Home: Frankfurt am Main, Hessen, Germany ({itinerary.home.how})"
    assert "2024-05-13 – 2024-05-18" in result.stdout and "Fiji, Samoa" in result.stdout
    assert "1,135 km by air, 217 km on the ground" in result.stdout
    assert "Suva 2 nights, Apia 2 nights, Nadi 1 night" in result.stdout
    assert "Japan" not in result.stdout


def test_scan_hides_home_days_from_the_table_unless_asked(run, folder):
    hidden = run("scan", "--no-cache", "-j", "1", "--to", "2024-03-19", str(folder))
    assert "Monday 18 March 2024" in hidden.stdout
    assert "Friday 15 March 2024" not in hidden.stdout
    shown = run("scan", "--no-cache", "-j", "1", "--to", "2024-03-19", "--include-home",
                str(folder))
    assert "Friday 15 March 2024" in shown.stdout
    doc = json.loads(run("scan", "--no-cache", "-j", "1", "-f", "json", "--trip", "2024-03-20",
                         str(folder)).stdout)
    assert [t["id"] for t in doc["trips"]] == ["2024-03-18"]
    assert doc["days"][0]["date"] == "2024-03-18" and doc["home_days"] == []


@pytest.mark.parametrize(("args", "message"), [
    (["--home", "Xyzzyville"], "Invalid value for '--home': no such place in the offline"),
    (["--away-km", "0"], "Invalid value for '--away-km'"),
    (["--from", "2024-05-02", "--to", "2024-05-01"],
     "Invalid value for '--from': 2024-05-02 is after --to 2024-05-01"),
    (["--from", "May 2"], "Invalid value for '--from'"),
    (["--trip", "1999-01-01"], "tripexif: --trip '1999-01-01': no trip has that id or date"),
])
def test_trip_option_errors_exit_2(run, folder, args, message):
    result = run("trips", "--no-cache", "-j", "1", *args, str(folder))
    assert result.exit_code == 2 and message in result.output


def test_trips_help_shows_examples_and_defaults(run):
    text = run("trips", "--help").stdout
    assert "Examples:" in text and "tripexif trips ~/Pictures --home 'Lyon, FR'" in text
    assert "--away-km KM" in text and "[default: 50.0; x>0]" in text
    assert "--trip ID|DATE" in text and "--home PLACE|LAT,LON" in text


def test_a_trip_with_no_names_is_titled_by_its_dates(tmp_path):
    start = datetime(2024, 6, 1, 10)
    shots = [Shot(f"a{k}.jpg", start + timedelta(hours=k), "Europe/Paris", 48.8584, 2.2945)
             for k in range(2)]
    itinerary = tripexif.scan([write(tmp_path / "p", shots)], cache=False, jobs=1,
                              geocoder="none")
    assert [t.title for t in itinerary.trips] == ["2024-06-01"]


def _weekends(folder):
    home, wurzburg, bamberg = library.HOME, (49.7913, 9.9534), (49.8988, 10.9028)

    def shots(prefix, day, *stops):
        return [Shot(f"{prefix}{k}.jpg", datetime.fromisoformat(f"{day}T{clock}"),
                     library.BERLIN, *where) for k, (clock, where) in enumerate(stops)]

    photos = shots("a", "2024-06-08", ("08:00", home), ("12:00", wurzburg),
                   ("12:10", wurzburg), ("21:00", home))
    photos += shots("b", "2024-06-09", ("08:00", home), ("13:00", bamberg),
                    ("13:10", bamberg), ("20:00", home))
    photos += shots("c", "2024-06-15", ("10:00", wurzburg), ("22:00", bamberg))
    photos += shots("d", "2024-06-16", ("08:00", bamberg), ("18:00", home))
    return write(folder, photos)


def test_a_night_at_home_ends_a_trip_and_a_night_away_does_not(tmp_path):
    """Two day trips on two days in a row, home in between, are two trips; a weekend with a
    night in a hotel is one."""
    settings = TripSettings(home=parse_home("50.1109,8.6821"))
    itinerary = tripexif.scan([_weekends(tmp_path / "weekends")], cache=False, jobs=1,
                              trips=settings)
    assert [(t.start, t.end) for t in itinerary.trips] == [
        ("2024-06-08", "2024-06-08"), ("2024-06-09", "2024-06-09"),
        ("2024-06-15", "2024-06-16")]
    assert itinerary.trips[2].days[0].night.place.name == "Bamberg"
    assert [t.title for t in itinerary.trips] == ["Würzburg", "Bamberg", "Würzburg & Bamberg"]


def test_trips_csv_and_json_exact(run, tmp_path):
    """Without place names: trips titled by their dates, nights by position."""
    folder = str(_weekends(tmp_path / "weekends"))
    args = ("trips", "--no-cache", "-j", "1", "--geocoder", "none", "--home", "50.1109,8.6821")
    assert run(*args, "-f", "csv", folder).stdout == (
        "id,start,end,days,nights,title,countries,stops,waypoints,photos,distance_km,"
        "flight_km,ground_km,ferry_km,walk_km,nights_by_place\n"
        "2024-06-08,2024-06-08,2024-06-08,1,0,2024-06-08,,1,2,4,195.305,0.0,195.305,0.0,0.0,\n"
        "2024-06-09,2024-06-09,2024-06-09,1,0,2024-06-09,,1,2,4,320.889,0.0,320.889,0.0,0.0,\n"
        "2024-06-15,2024-06-15,2024-06-16,2,1,2024-06-15 – 2024-06-16,,0,4,4,229.562,0.0,"
        "229.562,0.0,0.0,\"49.8988, 10.9028 1\"\n")
    doc = json.loads(run(*args, "-f", "json", "--trip", "2024-06-16", folder).stdout)
    assert doc == {
        "version": 1, "generator": doc["generator"],
        "home": {"place": None, "lat": 50.1109, "lon": 8.6821, "how": "--home"},
        "trips": [{
            "id": "2024-06-15", "title": "2024-06-15 – 2024-06-16", "start": "2024-06-15",
            "end": "2024-06-16", "days": ["2024-06-15", "2024-06-16"], "nights": 1,
            "nights_by_place": [{"place": "49.8988, 10.9028", "nights": 1}],
            "countries": [], "stops": 0, "waypoints": 4, "photos": 4,
            "distance_km": 229.562, "distance_by_mode": {"ground": 229.562}}],
    }


def test_home_from_the_days_photographed_when_no_night_says(tmp_path):
    """Photos around town at lunch on weekdays, none in the evening: home is the square
    photographed on most days; a week in Rome is a trip."""
    town = [(50.1106, 8.6950), (50.1150, 8.6800), (50.1050, 8.6850)]
    shots = []
    day = date(2024, 3, 4)
    while day < date(2024, 5, 1):
        if day.weekday() < 5 and not date(2024, 4, 1) <= day < date(2024, 4, 8):
            where = town[day.toordinal() % 3]
            shots.append(Shot(f"h{day}.jpg", datetime(day.year, day.month, day.day, 12),
                              library.BERLIN, *where))
        day += timedelta(days=1)
    shots += [Shot(f"r{k}-{n}.jpg", datetime(2024, 4, 1 + k, 10 + 5 * n), "Europe/Rome",
                   41.9028 + 0.01 * n, 12.4964) for k in range(7) for n in range(2)]
    itinerary = tripexif.scan([write(tmp_path / "lunches", shots)], cache=False, jobs=1)
    home = itinerary.home
    assert home is not None and home.place.name == "Frankfurt am Main"
    assert home.how.startswith("most days with photos: ") and home.how.endswith(
        "(no nights to go by)")
    assert [(t.start, t.end, t.title) for t in itinerary.trips] == [
        ("2024-04-01", "2024-04-07", "Rome")]
