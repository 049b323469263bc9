"""Being a polite client of online services: a minimum interval between requests, and
retries with backoff that honour Retry-After. The clock and the sleeper are injectable, so
tests never sleep: pass ``clock``/``sleep``, or (for code built deeper down, such as the
command line's) replace the module defaults ``CLOCK`` and ``SLEEP``."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
RETRIES = 3
BACKOFF_S = 1.0
MAX_WAIT_S = 60.0  # never wait longer than this for one Retry-After
DECIMALS = 4  # positions sent to a service are rounded to ~10 m (README, "Privacy")

# what ``clock=None`` and ``sleep=None`` mean; looked up at each call, so a test may
# monkeypatch them after the clients were made
CLOCK: Callable[[], float] = time.monotonic
SLEEP: Callable[[float], None] = time.sleep


def default_clock() -> float:
    return CLOCK()


def default_sleep(seconds: float) -> None:
    SLEEP(seconds)


def sent_position(lat: float, lon: float) -> tuple[float, float]:
    """The position as it may leave the machine: rounded to ``DECIMALS`` decimals."""
    return round(lat, DECIMALS), round(lon, DECIMALS)


class RateLimiter:
    """At least ``interval`` seconds between calls."""

    def __init__(self, interval: float, clock: Callable[[], float] | None = None,
                 sleep: Callable[[float], None] | None = None) -> None:
        self.interval = interval
        self.clock = clock or default_clock
        self.sleep = sleep or default_sleep
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
                  sleep: Callable[[float], None] | None, retries: int,
                  failure: Callable[[str], Exception]) -> T:
    """``attempt()`` after the rate limit; retried on Retryable with backoff (1, 2, 4 s...)
    or Retry-After; after ``retries`` retries, ``failure(reason)`` is raised."""
    pause = sleep or default_sleep
    delay = BACKOFF_S
    for tries in range(retries + 1):
        limiter.wait()
        try:
            return attempt()
        except Retryable as problem:
            if tries == retries:
                raise failure(problem.reason) from problem
            pause(min(problem.wait if problem.wait is not None else delay, MAX_WAIT_S))
            delay *= 2
    raise AssertionError("unreachable")
