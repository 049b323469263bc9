"""Read stage: walk folders, find each file's metadata, read it into Photo records."""
