"""Trip stage: local days, stops and waypoints, distances."""
