"""From the placement options (cli/params.py ``placement_options``) to what the library's
placing stage takes: the settings, the merged track (each bad track file one warning)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from tripexif.cli.context import Context
    from tripexif.locate import PlacementSettings
    from tripexif.locate.track import Track


class Placing(NamedTuple):
    settings: PlacementSettings
    track: Track | None
    clustering: Any = None  # ClusterSettings: the stops a photo may join

    def load_options(self) -> dict[str, Any]:
        """Keyword arguments for tripexif.api.load."""
        return {"placement": self.settings, "track": self.track,
                "clustering": self.clustering}


def placing(ctx: Context, tracks: Sequence[str], max_interpolation: timedelta,
            max_extrapolation: timedelta, clustering: Any = None) -> Placing:
    from tripexif.api import load_tracks
    from tripexif.locate import PlacementSettings

    track, warnings = load_tracks(tracks)
    for message in warnings:
        ctx.warn(message)
    settings = PlacementSettings(max_interpolation=max_interpolation,
                                 max_extrapolation=max_extrapolation)
    return Placing(settings, track, clustering)
