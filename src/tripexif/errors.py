"""One exception hierarchy; the CLI turns each into a message and an exit code."""

from __future__ import annotations


class TripexifError(Exception):
    """Base of every error tripexif raises on purpose."""

    exit_code = 1


class UsageError(TripexifError):
    """The user asked for something that cannot be done as asked (exit 2)."""

    exit_code = 2


class OutputError(TripexifError):
    """The output could not be written."""


class ConfigError(TripexifError):
    """A setting (zone, camera rule, geocoder) is invalid."""


class MetadataError(Exception):
    """A file's metadata is unreadable; the message is the short human reason."""
