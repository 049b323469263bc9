"""What tripexif keeps between runs: the scan index and the cache folder."""
