"""Exporters: pure functions from records or an itinerary to text."""
