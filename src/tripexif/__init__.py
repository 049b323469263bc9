"""tripexif: turn a folder of travel photos into a day-by-day trip itinerary."""

__version__ = "0.1.0"
