"""Automatic clock alignment for cameras with no GPS and no zone in their files (time rule 7,
``time_source: alignment``).

Such a camera's photos have a wall clock and nothing to tell its offset from UTC. Its photos
come in bursts at places, and the other devices (their located photos' stops) or a track
(where it stood still) show when the traveller was at a place. Every candidate offset from
−14 h to +14 h in 15-minute steps is scored by how many of the camera's photos it puts
inside those spans (``margin`` either side); the best is refined to the minute (the middle
of the offsets that score as well, a zone's quarter-hour when one is among them: a camera
is set to a zone) and accepted only when it explains at least half of the photos and
clearly beats the best offset more than an hour away: by a tenth of the photos, and three
at least (stops fill much of a day, so a wrong offset that is hours off still puts many
photos in some stop; it cannot put them all in). A clock that gains or loses
minutes over the trip is followed (``drift``): each stop's group of the camera's photos
gives the offset that centres it in the stop; a robust line (Theil–Sen) through those
points over time is taken when they span a week or more, its slope is four standard errors
from zero and moves the clock five minutes or more, and the line explains as many photos as
one offset. A stay of more than six hours (a night at the hotel) is no evidence: any offset
would put photos in it.

The user's ``--clock-offset``/``--camera-tz`` always win: their photos are never aligned."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone, tzinfo
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from tripexif.clock.times import TimeSettings, body, body_labels
from tripexif.clock.zones import format_offset
from tripexif.model import Photo

STEP = 900.0  # coarse candidates: a zone's quarter hour
RANGE = 14 * 3600.0
REFINE = 30 * 60.0  # the minute search around the coarse best
MAX_SPAN = 6 * 3600.0  # longer stays are no evidence
MIN_PHOTOS = 3
EXPLAINS = 0.5  # of the camera's photos
BEATS = 0.1  # of the camera's photos: the lead over the best offset more than an hour away
BEATS_MIN = 3
DRIFT_MIN = 5 * 60.0  # drift across the trip worth following
DRIFT_DAYS = 7  # a clock drifts minutes over weeks: over a few days it is noise
DRIFT_POINTS = 8  # stops with its photos in them, at least, to fit a drift line by
DRIFT_SIGMA = 4.0  # the slope's distance from zero, in standard errors
BURST_GAP = 20 * 60.0

Floats = npt.NDArray[np.float64]


class Span(NamedTuple):
    """When the traveller was at one place (UTC seconds), and the local offset there."""

    start: float
    end: float
    local: timedelta | None = None


class Alignment(NamedTuple):
    """What alignment found for one camera body."""

    body: str
    label: str  # how messages name it: "Canon EOS R6", with "(serial …)" when needed
    camera: str
    photos: int
    offset: timedelta | None  # the clock − UTC at its first photo (None: no candidate)
    matched: int  # photos the best offset put inside a span
    runner_up: int  # the most the best offset more than an hour away put inside (scored
    # with half margins, as ``best``: what the best candidate scored)
    best: int
    accepted: bool
    against: str  # "the other devices' stops", "the track", or both
    drift_per_day: timedelta | None = None  # the clock's gain a day, when followed
    local: timedelta | None = None  # the usual local offset at the matched places
    why: str = ""  # the sentence said about it
    runner_up_offset: timedelta | None = None  # the best offset more than an hour away
    home: timedelta | None = None  # the home zone's offset at its first photo, when known
    middle: timedelta | None = None  # a drifting clock's offset halfway through its photos

    @property
    def home_time(self) -> bool:
        """Whether the clock was on the traveller's home time (to the minute)."""
        return self.home is not None and self.offset is not None and \
            abs(self.offset - self.home) < timedelta(minutes=1)

    @property
    def pin(self) -> str | None:
        """The option that pins this clock: add it to the clock to get UTC."""
        if self.offset is None:
            return None
        return pin_option(self.camera, self.middle if self.middle is not None else self.offset)


def pin_option(camera: str, offset: timedelta) -> str:
    """The ``--clock-offset`` option that sets ``camera``'s clock at ``offset`` from UTC."""
    return f'--clock-offset "{camera}={format_offset(-offset, "-")[3:]}"'


def candidates(photos: Sequence[Photo], settings: TimeSettings) -> dict[str, list[int]]:
    """{body: indexes of its photos} of the bodies whose clock nothing else sets: photos
    with a wall clock, no instant from their files or their body's other photos, and no
    --clock-offset/--camera-tz rule (a --default-tz guess is overruled)."""
    found: dict[str, list[int]] = defaultdict(list)
    known: set[str] = set()
    for i, photo in enumerate(photos):
        key = body(photo)
        if key is None or not photo.ok or photo.raw.datetime_original is None:
            continue
        if photo.time_source == "floating" or (
                photo.time_source == "user" and settings.rule_for(photo.camera) == (None, None)):
            found[key].append(i)
        else:
            known.add(key)
    return {key: rows for key, rows in found.items() if key not in known}


def _merged(spans: Sequence[Span], margin: float) -> tuple[Floats, Floats]:
    rows = sorted((s.start - margin, s.end + margin) for s in spans
                  if s.end - s.start <= MAX_SPAN)
    starts: list[float] = []
    ends: list[float] = []
    for start, end in rows:
        if starts and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return np.array(starts, dtype=np.float64), np.array(ends, dtype=np.float64)


def _bursts(walls: Floats) -> npt.NDArray[np.int64]:
    """The burst of each photo (walls sorted): a pause of BURST_GAP or more starts a new
    one (the traveller moved on, or at least put the camera away)."""
    return np.concatenate(([0], np.cumsum(np.diff(walls) >= BURST_GAP))).astype(np.int64)


def _inside(walls: Floats, offsets: Floats, starts: Floats, ends: Floats
            ) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64]]:
    """For each offset and photo: whether ``wall − offset`` is inside a span, and which.
    ``offsets``: one per candidate, or (a drifting clock) a row per candidate with one
    per photo."""
    shift = offsets[:, None] if offsets.ndim == 1 else offsets
    x = walls[None, :] - shift
    at = np.searchsorted(starts, x, side="right") - 1
    return (at >= 0) & (x <= ends[np.clip(at, 0, None)]), at


def _counts(walls: Floats, offsets: Floats, starts: Floats, ends: Floats) -> npt.NDArray[np.int64]:
    """For each offset: how many of the instants ``walls − offset`` (sorted) fall inside a
    span, counting only the bursts that fall whole inside one span: a burst is the camera
    at one place, so a wrong offset that puts half of it in a stop explains none of it."""
    if not starts.size:
        return np.zeros(offsets.shape[0], dtype=np.int64)
    inside, at = _inside(walls, offsets, starts, ends)
    bursts = _bursts(walls)
    span = np.where(inside, at, -1)
    count = bursts.max() + 1
    rows = np.arange(offsets.shape[0])[:, None]
    low = np.full((offsets.shape[0], count), np.iinfo(np.int64).max)
    high = np.full((offsets.shape[0], count), -1)
    np.minimum.at(low, (rows, bursts[None, :]), span)
    np.maximum.at(high, (rows, bursts[None, :]), span)
    whole = (low == high) & (low >= 0)  # every photo of the burst in one span
    return np.asarray(whole[rows, bursts[None, :]].sum(axis=1), dtype=np.int64)


def _plateau(offsets: Floats, counts: npt.NDArray[np.int64], near: float) -> float:
    """The offset in the middle of the run of best counts nearest ``near``; a zone's
    quarter hour in that run when there is one (the one nearest its middle)."""
    best = counts.max()
    tops = np.flatnonzero(counts == best)
    runs = np.split(tops, np.flatnonzero(np.diff(tops) > 1) + 1)
    run = min(runs, key=lambda r: min(abs(offsets[r] - near)))
    low, high = offsets[run[0]], offsets[run[-1]]
    middle = (low + high) / 2
    quarters = [q for q in np.arange(np.ceil(low / STEP) * STEP, high + 1, STEP)]
    if quarters:
        return float(min(quarters, key=lambda q: abs(q - middle)))
    return float(round(middle / 60) * 60)


class Estimate(NamedTuple):
    offset: float | None  # clock − UTC at the first photo, seconds (None: no span at all)
    matched: int  # photos the offset puts in a span (its margin included)
    best: int  # what the best candidate scored (half margins: see ``estimate``)
    runner_up: int  # what the best candidate more than an hour away from it scored
    drift: float | None = None  # seconds the clock gains a second
    runner_up_offset: float | None = None  # that candidate


def estimate(walls: Floats, spans: Sequence[Span], margin: float) -> Estimate:
    """The offset of a camera's clock from its wall clocks (naive times as seconds since
    the epoch) and the spans where the traveller was known to be."""
    starts, ends = _merged(spans, margin)
    if not starts.size or not walls.size:
        return Estimate(None, 0, 0, 0)
    walls = np.sort(walls)
    coarse = np.arange(-RANGE, RANGE + 1, STEP)
    # the candidates are told apart on the spans with half the margin (a wrong offset hours
    # off fits a stop's margin more often than a whole one); refined with all of it
    counts = _counts(walls, coarse, *_merged(spans, margin / 2))
    if not counts.any():  # at no offset is any of its photos where the traveller was
        return Estimate(None, 0, 0, 0)
    best_at = int(np.argmax(counts))
    guess = _plateau(coarse, counts, float(coarse[best_at]))
    far = np.abs(coarse - guess) > 3600.0
    runner_up, runner_up_offset = 0, None
    if far.any():
        second = int(np.flatnonzero(far)[np.argmax(counts[far])])
        runner_up, runner_up_offset = int(counts[second]), float(coarse[second])
    fine = np.arange(guess - REFINE, guess + REFINE + 1, 60.0)
    fine_counts = _counts(walls, fine, starts, ends)
    offset = _plateau(fine, fine_counts, guess)
    matched = int(_counts(walls, np.array([offset]), starts, ends)[0])
    best = int(counts.max())
    drift = _drift(walls, offset, spans, margin)
    if drift is not None:
        slope, at_first = drift
        matched_drift = int(_counts(walls, (at_first + slope * (walls - walls[0]))[None, :],
                                    starts, ends)[0])
        if matched_drift >= matched:
            return Estimate(at_first, matched_drift, best, runner_up, slope, runner_up_offset)
    return Estimate(offset, matched, best, runner_up, None, runner_up_offset)


def _centres(walls: Floats, slope: float, at_first: float, spans: Sequence[Span],
             margin: float) -> tuple[Floats, Floats]:
    """For each stop that holds some of the camera's photos when its clock runs on the
    line (``at_first`` at the first photo, gaining ``slope``): the photos' middle wall time,
    and the offset that puts their middle at the stop's middle. Photos spread evenly over a
    stay, so that offset is the clock's there, give or take a small part of the stay."""
    rows = sorted((s.start, s.end) for s in spans if s.end - s.start <= MAX_SPAN)
    starts = np.array([r[0] for r in rows], dtype=np.float64)
    ends = np.array([r[1] for r in rows], dtype=np.float64)
    x = walls - (at_first + slope * (walls - walls[0]))
    # the stop each photo is in (its margin included): the last that starts before it
    at = np.searchsorted(starts - margin, x, side="right") - 1
    ok = (at >= 0) & (x <= ends[np.clip(at, 0, None)] + margin)
    times: list[float] = []
    centres: list[float] = []
    for stop in np.unique(at[ok]):
        members = walls[ok & (at == stop)]
        middle = (members.min() + members.max()) / 2
        times.append(float(members.mean()))
        centres.append(float(middle - (starts[stop] + ends[stop]) / 2))
    return np.array(times), np.array(centres)


def _theil_sen(t: Floats, y: Floats) -> tuple[float, float]:
    """The median of the slopes between points a day or more apart, and the median
    intercept: a line that a few stops matched wrong do not pull."""
    i, j = np.triu_indices(t.size, 1)
    apart = np.abs(t[j] - t[i]) >= 86400.0
    if not apart.any():
        return 0.0, float(np.median(y))
    slope = float(np.median((y[j] - y[i])[apart] / (t[j] - t[i])[apart]))
    return slope, float(np.median(y - slope * t))


def _drift(walls: Floats, offset: float, spans: Sequence[Span], margin: float
           ) -> tuple[float, float] | None:
    """(gain in seconds per second, offset at the first photo) when the camera's offsets at
    the stops (see ``_centres``) follow a line over a week or more whose slope is
    DRIFT_SIGMA standard errors from zero and moves the clock DRIFT_MIN or more over its
    photos; else None. The stops are matched again on the line found, twice."""
    slope, at_first = 0.0, offset
    for _ in range(3):
        t, y = _centres(walls, slope, at_first, spans, margin)
        if t.size < DRIFT_POINTS or t.max() - t.min() < DRIFT_DAYS * 86400.0:
            return None
        t = t - walls[0]
        slope, at_first = _theil_sen(t, y)
    residuals = y - (at_first + slope * t)
    # the spread of the points about the line (not a robust one: a stop matched wrong
    # widens it, and then a drift is said only when it stands out all the more)
    sigma = float(np.sqrt((residuals ** 2).sum() / (t.size - 2)))
    error = max(sigma, 60.0) / float(np.sqrt(((t - t.mean()) ** 2).sum()))
    if abs(slope) < DRIFT_SIGMA * error or abs(slope) * (walls[-1] - walls[0]) < DRIFT_MIN:
        return None
    return slope, float(round(at_first / 60.0) * 60.0)


def align(photos: Sequence[Photo], settings: TimeSettings, spans: Sequence[Span],
          against: str, margin: timedelta = timedelta(minutes=10), home: tzinfo | None = None
          ) -> tuple[list[Photo], list[Alignment], list[str]]:
    """The photos with the clocks of the cameras that nothing else sets aligned on
    ``spans`` (their instants set, ``time_source`` "alignment"), what was found per camera
    body, and the sentences to warn with. ``home``: the zone of the traveller's home, when
    known (a clock found on it is said to be on home time)."""
    out = list(photos)
    found: list[Alignment] = []
    warnings: list[str] = []
    labels = body_labels(photos)
    for key, rows in sorted(candidates(photos, settings).items()):
        label = labels.get(key, key)
        camera = photos[rows[0]].camera or ""
        wall_times = [photos[i].raw.datetime_original for i in rows]
        walls = np.array([w.replace(tzinfo=timezone.utc).timestamp()  # type: ignore[union-attr]
                          for w in wall_times], dtype=np.float64)
        guess = estimate(walls, spans, margin.total_seconds())
        offset, matched, runner_up, slope = (guess.offset, guess.matched, guess.runner_up,
                                             guess.drift)
        total = len(rows)
        accepted = (offset is not None and total >= MIN_PHOTOS and matched >= EXPLAINS * total
                    and guess.best - runner_up >= max(BEATS_MIN, BEATS * total))
        first = float(walls.min())
        local = at_home = middle = None
        if offset is not None:
            local = _local(walls, offset, spans, margin.total_seconds())
            if home is not None:
                at_home = datetime.fromtimestamp(first - offset, home).utcoffset()
            if slope is not None:
                halfway = (float(walls.max()) - first) / 2
                middle = timedelta(seconds=round((offset + slope * halfway) / 60) * 60)
        result = Alignment(
            key, label, camera, total, None if offset is None else timedelta(seconds=offset),
            matched, runner_up, guess.best, accepted, against,
            None if slope is None else timedelta(seconds=slope * 86400.0), local,
            runner_up_offset=None if guess.runner_up_offset is None
            else timedelta(seconds=guess.runner_up_offset), home=at_home, middle=middle)
        result = result._replace(why=sentence(result))
        found.append(result)
        warnings.append(result.why)
        if not accepted or offset is None:
            continue
        for i, wall in zip(rows, walls, strict=True):
            clock = offset + (slope or 0.0) * (wall - first)
            instant = datetime.fromtimestamp(wall - clock, timezone.utc)
            shown = instant.astimezone(timezone(local)) if local is not None else None
            out[i] = photos[i].with_time(shown, instant, None, "alignment")
    return out, found, warnings


def _local(walls: Floats, offset: float, spans: Sequence[Span], margin: float
           ) -> timedelta | None:
    """The most common local offset of the spans the aligned photos fall in (of those
    that start before a photo, the last)."""
    known = sorted((s.start - margin, s.end + margin, s.local) for s in spans
                   if s.local is not None)
    if not known:
        return None
    starts = np.array([k[0] for k in known])
    ends = np.array([k[1] for k in known])
    x = walls - offset
    at = np.searchsorted(starts, x, side="right") - 1
    inside = at[(at >= 0) & (x <= ends[np.clip(at, 0, None)])]
    seen = Counter(known[i][2] for i in inside.tolist())
    return seen.most_common(1)[0][0] if seen else None


def hours_text(delta: timedelta) -> str:
    minutes = abs(int(delta.total_seconds())) // 60
    hours, minutes = divmod(minutes, 60)
    return (f"{hours} h" if hours else "") + (" " if hours and minutes else "") + \
        (f"{minutes} min" if minutes else "")


def drift_text(per_day: timedelta) -> str:
    """"gaining 1.2 min a day" / "losing 40 s a day"."""
    seconds = per_day.total_seconds()
    amount = f"{abs(seconds) / 60:.1f} min" if abs(seconds) >= 60 else f"{abs(seconds):.0f} s"
    return f"{'gaining' if seconds > 0 else 'losing'} {amount} a day"


def sentence(result: Alignment) -> str:
    """"Canon EOS R6: clock was UTC+01:00 (home time), 8 h behind local; 37 of 40 photos
    matched the Apple iPhone 15's stops" — or why the clock is left unknown, with the
    option that would pin the best guess."""
    label = result.label
    if result.offset is None:
        return (f"{label}: {result.photos} photos with no GPS and no zone, and at no offset "
                f"from UTC does any of them fall in {result.against}: its clock is left "
                "unknown; give --clock-offset or --camera-tz")
    clock = format_offset(result.offset)
    if not result.accepted:
        return (f"{label}: clock not worked out: {_why_not(result, result.offset)}; its "
                f"photos keep floating times. If its clock was {clock}, pin it with "
                f"{result.pin} (or give --camera-tz)")
    relation = ""
    if result.local is not None:
        gap = result.local - result.offset
        relation = (", on local time" if abs(gap) < timedelta(minutes=1) else
                    f", {hours_text(gap)} {'behind' if gap > timedelta(0) else 'ahead of'} local")
    drift = ""
    if result.drift_per_day is not None:
        drift = f", {drift_text(result.drift_per_day)}"
        if result.middle is not None:
            drift += f" ({format_offset(result.middle)} halfway)"
    home = " (home time)" if result.home_time else ""
    return (f"{label}: clock was {clock}{home}{relation}{drift}; {result.matched} of "
            f"{result.photos} photos matched {result.against} (pin it with {result.pin})")


def _why_not(result: Alignment, offset: timedelta) -> str:
    """Why the best guess ``offset`` was not taken, in words."""
    if result.photos < MIN_PHOTOS:
        return (f"only {result.photos} photo{'s' if result.photos != 1 else ''}, too few to "
                "tell a clock by")
    if result.matched < EXPLAINS * result.photos:
        return (f"too few of its photos matched {result.against}: {result.matched} of "
                f"{result.photos} at the best offset, {format_offset(offset)}")
    other = "another offset hours from it"
    if result.runner_up_offset is not None:
        other = (f"{format_offset(result.runner_up_offset)}, "
                 f"{hours_text(result.runner_up_offset - offset)} from it,")
    return (f"{format_offset(offset)} would put {result.matched} of {result.photos} photos "
            f"in {result.against}, but {other} fits nearly as well ({result.runner_up} "
            f"photos against {result.best} within 5 min of a stop)")
