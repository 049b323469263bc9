"""Time stage: the true instant and the local zone of every photo."""
