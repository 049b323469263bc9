"""Being a polite client of online services: a minimum interval between requests, and
retries with backoff that honour Retry-After. The clock and the sleeper are injectable, so
tests never sleep."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
RETRIES = 3
BACKOFF_S = 1.0
MAX_WAIT_S = 60.0  # never wait longer than this for one Retry-After


class RateLimiter:
    """At least ``interval`` seconds between calls."""

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval = interval
        self.clock = clock
        self.sleep = sleep
        self.last: float | None = None

    def wait(self) -> None:
        now = self.clock()
        if self.last is not None and now - self.last < self.interval:
            self.sleep(self.interval - (now - self.last))
        self.last = self.clock()


class Retryable(Exception):
    """An attempt failed in a way worth retrying (429, 5xx); ``wait`` is the server's
    Retry-After in seconds, when it gave one."""

    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


def call_politely(attempt: Callable[[], T], limiter: RateLimiter,
                  sleep: Callable[[float], None], retries: int,
                  failure: Callable[[str], Exception]) -> T:
    """``attempt()`` after the rate limit; retried on Retryable with backoff (1, 2, 4 s...)
    or Retry-After; after ``retries`` retries, ``failure(reason)`` is raised."""
    delay = BACKOFF_S
    for tries in range(retries + 1):
        limiter.wait()
        try:
            return attempt()
        except Retryable as problem:
            if tries == retries:
                raise failure(problem.reason) from problem
            sleep(min(problem.wait if problem.wait is not None else delay, MAX_WAIT_S))
            delay *= 2
    raise AssertionError("unreachable")
