"""Per camera body, how its clock was worked out (``tripexif clocks``): from which rule, at
what offset from UTC, how sure, and the ``--clock-offset`` that would pin it."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import timedelta, timezone
from typing import NamedTuple

from tripexif.clock.align import Alignment, hours_text, pin_option
from tripexif.clock.times import body, body_labels
from tripexif.clock.zones import format_offset
from tripexif.model import Photo

HOW = {  # time_source -> how the clock was determined, in words
    "offset_tag": "offset tags", "gps_utc": "GPS", "camera_zone": "camera zone",
    "camera_profile": "the camera's other photos", "alignment": "alignment", "user": "user",
    "zone_from_location": "zone at its GPS position", "video_utc": "video UTC time",
    "floating": "unknown",
}


class ClockReport(NamedTuple):
    label: str  # the camera, with "(serial …)" when two bodies share its name
    camera: str
    photos: int
    how: dict[str, int]  # how its photos' instants were found -> photos
    offsets: tuple[timedelta, ...]  # its clock − UTC, the most common first
    confidence: str
    drift_per_day: timedelta | None = None
    note: str | None = None  # alignment's sentence
    home_time: bool | None = None  # aligned: on the home zone's time (None: no home known)
    local: timedelta | None = None  # aligned: the local offset where its photos were taken
    guess: timedelta | None = None  # not aligned: the best offset, not taken
    middle: timedelta | None = None  # a drifting clock's offset halfway through its photos

    @property
    def pin(self) -> str | None:
        """The option that pins the clock at its offset (a drifting clock's halfway);
        None when it has none, or several (set to another zone on the way: one offset
        would be wrong for some photos)."""
        if len(self.offsets) != 1:
            return None
        return pin_option(self.camera, self.middle if self.middle is not None
                          else self.offsets[0])

    @property
    def clock_text(self) -> str:
        """"UTC+02:00 (home time), 7 h behind local"; "UTC+09:00 / UTC+02:00" (set to
        another zone on the way); "unknown (best guess UTC+02:00)"."""
        if not self.offsets:
            return "unknown" if self.guess is None else \
                f"unknown (best guess {format_offset(self.guess)})"
        text = " / ".join(format_offset(o) for o in self.offsets[:3])
        if self.home_time:
            text += " (home time)"
        if self.local is not None and len(self.offsets) == 1:
            gap = self.local - self.offsets[0]
            text += ", local time" if abs(gap) < timedelta(minutes=1) else \
                f", {hours_text(gap)} {'behind' if gap > timedelta(0) else 'ahead of'} local"
        return text

    @property
    def guess_pin(self) -> str | None:
        """For a clock alignment left unknown: the option that would pin its best guess."""
        return None if self.guess is None else pin_option(self.camera, self.guess)


def clock_reports(photos: Sequence[Photo], alignments: Sequence[Alignment] = ()
                  ) -> list[ClockReport]:
    """One report per camera body among ``photos`` (resolved, and aligned), by label."""
    by_body: dict[str, list[Photo]] = defaultdict(list)
    for photo in photos:
        key = body(photo)
        if key is not None and photo.ok:
            by_body[key].append(photo)
    labels = body_labels(photos)
    aligned = {a.body: a for a in alignments}
    out = []
    for key, members in by_body.items():
        how = Counter(HOW.get(p.time_source, p.time_source) for p in members)
        clocks: Counter[timedelta] = Counter()
        for photo in members:
            wall, instant = photo.raw.datetime_original, photo.time_utc
            if wall is None or instant is None:
                continue
            seconds = (wall - instant.astimezone(timezone.utc).replace(tzinfo=None)).total_seconds()
            clocks[timedelta(minutes=round(seconds / 60))] += 1
        alignment = aligned.get(key)
        offsets = tuple(c for c, _ in clocks.most_common())
        report = ClockReport(
            labels.get(key, key), members[0].camera or "", len(members), dict(how.most_common()),
            offsets, _confidence(how, alignment))
        if alignment is not None:
            report = report._replace(note=alignment.why)
            if alignment.accepted and alignment.offset is not None:
                # a drifting clock: its offset at the first photo, not each minute it passed
                report = report._replace(
                    offsets=(alignment.offset,), drift_per_day=alignment.drift_per_day,
                    home_time=None if alignment.home is None else alignment.home_time,
                    local=alignment.local, middle=alignment.middle)
            elif alignment.offset is not None:
                report = report._replace(offsets=(), guess=alignment.offset)
        out.append(report)
    return sorted(out, key=lambda r: r.label.casefold())


def _confidence(how: Counter[str], alignment: Alignment | None) -> str:
    if alignment is not None:
        if alignment.accepted:
            return (f"aligned: {alignment.matched} of {alignment.photos} photos matched "
                    f"{alignment.against}; the best offset more than an hour away "
                    f"matched {alignment.runner_up}")
        if alignment.offset is None:
            return "unknown: none of its photos falls where the traveller was, at any offset"
        return (f"unknown: the best offset matched {alignment.matched} of "
                f"{alignment.photos} photos, the best more than an hour away "
                f"{alignment.runner_up}")
    if set(how) <= {"user"}:
        return "given by the user"
    if how.get("unknown"):
        return f"unknown for {how['unknown']} photos"
    return "from the files"
