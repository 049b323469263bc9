"""Per camera body, how its clock was worked out (``tripexif clocks``): from which rule, at
what offset from UTC, how sure, and the ``--clock-offset`` that would pin it."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import timedelta, timezone
from typing import NamedTuple

from tripexif.clock.align import Alignment
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

    @property
    def pin(self) -> str | None:
        """The option that pins the clock at its offset; None when it has none, or several
        (set to another zone on the way: one offset would be wrong for some photos)."""
        if len(self.offsets) != 1:
            return None
        return f'--clock-offset "{self.camera}={format_offset(-self.offsets[0], "-")[3:]}"'


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
        if alignment is not None and alignment.offset is not None and not alignment.accepted:
            offsets = ()
        out.append(ClockReport(
            labels.get(key, key), members[0].camera or "", len(members), dict(how.most_common()),
            offsets, _confidence(how, alignment),
            alignment.drift_per_day if alignment is not None and alignment.accepted else None,
            alignment.why if alignment is not None else None))
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
                f"{alignment.photos} photos, another {alignment.runner_up}")
    if set(how) <= {"user"}:
        return "given by the user"
    if how.get("unknown"):
        return f"unknown for {how['unknown']} photos"
    return "from the files"
