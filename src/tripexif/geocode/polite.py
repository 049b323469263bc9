"""Being a polite client of online services that cannot hold a run hostage: a minimum
interval between requests, retries with backoff that honour Retry-After (capped, and
announced when long), a deadline and a size limit on every request, and a time budget per
run. The clock and the sleeper are injectable, so tests never sleep: pass ``clock``/``sleep``,
or (for code built deeper down, such as the command line's) replace the module defaults
``CLOCK`` and ``SLEEP``. A request's own deadline runs on the real monotonic clock: it bounds
real waiting on a socket."""

from __future__ import annotations

import contextlib
import email.utils
import http.client
import math
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple, TypeVar

T = TypeVar("T")
RETRIES = 3
BACKOFF_S = 1.0
MAX_WAIT_S = 60.0  # never wait longer than this for one Retry-After
LONG_WAIT_S = 10.0  # a server asking for this long or longer is announced, once a service
BUDGET_S = 600.0  # the online time a service may take in a run (README, "What is sent where")
MAX_BYTES = 4 * 1024 * 1024  # a larger answer fails its request
CHUNK = 64 * 1024
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

    def pending(self) -> float:
        """How long the next ``wait`` would sleep."""
        if self.last is None:
            return 0.0
        return max(0.0, self.interval - (self.clock() - self.last))

    def wait(self) -> None:
        now = self.clock()
        if self.last is not None and now - self.last < self.interval:
            self.sleep(self.interval - (now - self.last))
        self.last = self.clock()


class Budget:
    """The online time a service (or several sharing it) may take in a run: the time spent
    in its requests and in the waits before and between them, on the injectable clock."""

    def __init__(self, seconds: float = BUDGET_S,
                 clock: Callable[[], float] | None = None) -> None:
        self.seconds = seconds
        self.clock = clock or default_clock
        self._spent = 0.0
        self._since: float | None = None

    @property
    def spent(self) -> float:
        running = self.clock() - self._since if self._since is not None else 0.0
        return self._spent + max(0.0, running)

    def remaining(self) -> float:
        return max(0.0, self.seconds - self.spent)

    @property
    def over(self) -> str:
        return f"the online time budget of {self.seconds:g} s is spent"

    @contextlib.contextmanager
    def spending(self) -> Iterator[None]:
        self._since = self.clock()
        try:
            yield
        finally:
            self._spent = self.spent
            self._since = None


def as_budget(budget: Budget | float | None, clock: Callable[[], float] | None) -> Budget:
    """``budget`` as a Budget: given, a number of seconds, or the default ``BUDGET_S``."""
    if isinstance(budget, Budget):
        return budget
    return Budget(BUDGET_S if budget is None else float(budget), clock)


class Retryable(Exception):
    """An attempt failed in a way worth retrying (429, 5xx); ``wait`` is the server's
    Retry-After in seconds, when it gave one."""

    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


def retry_after_s(value: str | None, now: float | None = None) -> float | None:
    """Retry-After in seconds: a number of seconds or an HTTP date (``now``: the wall
    clock, default ``time.time()``); None when absent or not understood."""
    text = (value or "").strip()
    if text.isascii() and text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def call_politely(attempt: Callable[[], T], limiter: RateLimiter,
                  sleep: Callable[[float], None] | None, retries: int,
                  failure: Callable[[str], Exception], budget: Budget | None = None,
                  asked: Callable[[float], None] | None = None) -> T:
    """``attempt()`` after the rate limit; retried on Retryable with backoff (1, 2, 4 s...)
    or Retry-After (at most ``MAX_WAIT_S``; ``asked(seconds)`` is told of one of
    ``LONG_WAIT_S`` or more); after ``retries`` retries, ``failure(reason)`` is raised. So
    is it, without waiting, when a wait would not fit in what is left of ``budget``."""
    pause = sleep or default_sleep
    budget = budget or Budget(math.inf)
    delay = BACKOFF_S
    with budget.spending():
        for tries in range(retries + 1):
            if budget.remaining() <= 0 or limiter.pending() >= budget.remaining():
                raise failure(budget.over)
            limiter.wait()
            try:
                return attempt()
            except Retryable as problem:
                if tries == retries:
                    raise failure(problem.reason) from problem
                wanted = problem.wait
                if wanted is not None and wanted >= budget.remaining():
                    raise failure(f"{problem.reason}; it asked to wait {wanted:.0f} s, more "
                                  f"than the {budget.remaining():.0f} s left of the online "
                                  "time budget") from problem
                if delay >= budget.remaining():
                    raise failure(f"{problem.reason}; {budget.over}") from problem
                if wanted is not None and wanted >= LONG_WAIT_S and asked is not None:
                    asked(wanted)
                pause(min(wanted, MAX_WAIT_S) if wanted is not None else delay)
                delay *= 2
    raise AssertionError("unreachable")


# --- one HTTP request, bounded in time and size -----------------------------------------

class Answer(NamedTuple):
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes  # empty for an error status (>= 400): its body is not read


class FetchError(Exception):
    """No usable answer; ``kind`` is "timeout", "too large", "cut short" or "network"."""

    def __init__(self, reason: str, kind: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind


class _Watchdog:
    """Shuts the request's sockets down when its time is up, wherever the request is
    waiting: connecting, in the headers or in the body (a server that drips a byte at a
    time never trips a socket timeout)."""

    def __init__(self, seconds: float) -> None:
        self.lock = threading.Lock()
        self.sockets: list[socket.socket] = []
        self.fired = False
        self.done = False
        self.timer = threading.Timer(max(seconds, 0.0), self._fire)
        self.timer.daemon = True

    def add(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self.lock:
            self.sockets.append(sock)
            if self.fired:
                _shut(sock)

    def _fire(self) -> None:
        with self.lock:
            if self.done:
                return
            self.fired = True
            for sock in self.sockets:
                _shut(sock)

    def stop(self) -> None:
        self.timer.cancel()
        with self.lock:
            self.done = True


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # the plain socket's, also under TLS
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _connection_class(base: type[http.client.HTTPConnection],
                      watch: _Watchdog) -> type[http.client.HTTPConnection]:
    class Watched(base):  # type: ignore[valid-type,misc]
        def connect(self) -> None:
            super().connect()
            watch.add(self.sock)

    return Watched


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, watch: _Watchdog) -> None:
        super().__init__()
        self.watch = watch

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_connection_class(http.client.HTTPConnection, self.watch), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, watch: _Watchdog, context: Any) -> None:
        super().__init__(context=context)
        self.watch = watch
        self.context = context

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_connection_class(http.client.HTTPSConnection, self.watch), req,
                            context=self.context)


def fetch(url: str, *, headers: Mapping[str, str], seconds: float, data: bytes | None = None,
          max_bytes: int | None = None, ssl_context: Any = None,
          proxies: Mapping[str, str] | None = None) -> Answer:
    """GET (or POST ``data`` to) ``url``, all of it within ``seconds`` and an answer of at
    most ``max_bytes`` (default ``MAX_BYTES``); FetchError otherwise. ``proxies``: None
    for the system's, ``{}`` for none."""
    limit = MAX_BYTES if max_bytes is None else max_bytes
    seconds = max(seconds, 0.001)
    watch = _Watchdog(seconds)
    opener = urllib.request.build_opener(
        _HTTPHandler(watch), _HTTPSHandler(watch, ssl_context),
        urllib.request.ProxyHandler(None if proxies is None else dict(proxies)))
    request = urllib.request.Request(url, data=data, headers=dict(headers))
    deadline = time.monotonic() + seconds
    late = FetchError(f"no complete answer within {seconds:g} s", "timeout")
    watch.timer.start()
    try:
        try:
            response = opener.open(request, timeout=seconds)
        except urllib.error.HTTPError as error:
            with contextlib.closing(error):
                return Answer(error.code, _lower(error.headers), b"")
        with response:
            body = _read(response, limit)
        if watch.fired:  # the watchdog cut the answer short
            raise late
        return Answer(response.status, _lower(response.headers), body)
    except FetchError as error:
        if watch.fired:
            raise late from error
        raise
    except (OSError, http.client.HTTPException, ValueError) as error:
        reason = getattr(error, "reason", None)
        if (watch.fired or time.monotonic() >= deadline or isinstance(error, TimeoutError)
                or isinstance(reason, TimeoutError)):
            raise late from error
        raise FetchError(f"{type(error).__name__}: {error}"[:200], "network") from error
    finally:
        watch.stop()


def _read(response: http.client.HTTPResponse, limit: int) -> bytes:
    """The body, at most ``limit`` bytes; read as it arrives, so that the watchdog's
    shutdown ends it (FetchError when too large or shorter than its Content-Length)."""
    declared = (response.headers.get("Content-Length") or "").strip()
    size = int(declared) if declared.isascii() and declared.isdigit() else None
    body = bytearray()
    while True:
        chunk = response.read1(CHUNK)  # what has arrived, not a full CHUNK
        if not chunk:
            break
        body += chunk
        if len(body) > limit:
            raise FetchError(f"an answer over the limit of {limit:,} bytes", "too large")
    if size is not None and len(body) < size:
        raise FetchError(f"an answer cut short ({len(body):,} of {size:,} bytes)", "cut short")
    return bytes(body)


def _lower(headers: Any) -> dict[str, str]:
    return {str(name).lower(): str(value) for name, value in (headers or {}).items()}
