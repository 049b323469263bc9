"""Local stand-ins for Nominatim, Photon and Overpass on 127.0.0.1, answering in each
service's real response format, counting requests, and failing on demand. The tests never
sleep: "slow" holds the answer until the client gives up (give it a tiny timeout); only the
server's own threads wait, and every fault is bounded in time (a drip-feed stops after
``drip_bytes`` bytes, ``drip_s`` apart) and size."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# names with a non-Latin script and markup characters, to follow into every output
PLACES = [
    (34.9949, 135.7850, "清水寺 <Kiyomizu> & \"temple\"", "京都市", "京都府", "日本", "jp"),
    (34.9671, 135.7727, "伏見稲荷大社", "京都市", "京都府", "日本", "jp"),
    (35.0037, 135.7788, "=Gion, 祇園", "京都市", "京都府", "日本", "jp"),
]


def nearest(lat: float, lon: float):
    return min(PLACES, key=lambda p: (p[0] - lat) ** 2 + (p[1] - lon) ** 2)


class Service(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        # ok | 429 | 429-odd | any other HTTP status ("500", "503", ...) | slow | malformed
        # | drip-head | drip-body | drip-stream | huge | huge-stream | truncated
        # (-stream: no Content-Length, the answer ends when the connection does)
        self.mode = "ok"
        self.retry_after: str | None = None  # sent with an error status ("429": "3")
        self.shape: Callable[[dict], object] | None = None  # reshapes each good answer
        self.drip_s = 0.05  # drip modes: one byte every drip_s seconds...
        self.drip_bytes = 12  # ...for this many bytes, then the rest at once
        self.huge_bytes = 5 * 1024 * 1024  # huge modes: a valid answer this long
        self.requests: list[tuple[str, dict, dict]] = []
        self.lock = threading.Lock()
        self.released = threading.Event()  # "slow" answers wait for this (set by close)
        # a short poll interval: shutdown() waits up to one interval
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.01},
                         daemon=True).start()

    def handle_error(self, request, client_address) -> None:
        pass  # a client that timed out on purpose closed the connection: not news

    @property
    def domain(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"

    def count(self, path: str) -> int:
        return sum(1 for p, _, _ in self.requests if p == path)

    def close(self) -> None:
        self.released.set()
        self.shutdown()
        self.server_close()


class Handler(BaseHTTPRequestHandler):
    server: Service

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def _answer(self, params: dict) -> None:
        with self.server.lock:
            self.server.requests.append((self.path.split("?")[0], params, dict(self.headers)))
        mode, server = self.server.mode, self.server
        if mode.isdigit():  # an HTTP status
            self.send_response(int(mode))
            retry_after = server.retry_after or ("3" if mode == "429" else None)
            if retry_after is not None:
                self.send_header("Retry-After", retry_after)
            self.end_headers()
            return
        if mode == "429-odd":  # a Retry-After that only looks like digits
            self.send_response(429)
            self.send_header("Retry-After", "\u00b2")
            self.end_headers()
            return
        if mode == "slow" and not server.released.wait(timeout=10):
            return  # never answered: the client timed out long ago
        path = self.path.split("?")[0]
        if path == "/api/interpreter":
            body: object = overpass(params)
        elif "format" in params:
            body = nominatim(params)
        else:
            body = photon(params)
        if server.shape is not None:
            body = server.shape(body)
        data = b"{not json" if mode == "malformed" else json.dumps(body).encode()
        if mode.startswith("huge"):  # the same answer, padded with JSON whitespace
            data = data[:-1] + b" " * (server.huge_bytes - len(data)) + data[-1:]
        length = len(data) + (100 if mode == "truncated" else 0)
        head = ("HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n"
                + ("" if mode.endswith("-stream") else f"Content-Length: {length}\r\n")
                + "\r\n").encode()
        if mode == "drip-head":
            self._drip(head + data)
        elif mode in ("drip-body", "drip-stream"):
            self.wfile.write(head)
            self._drip(data)
        else:
            self.wfile.write(head + data)  # "truncated": closes 100 bytes short

    def _drip(self, data: bytes) -> None:
        """One byte every ``drip_s`` s for ``drip_bytes`` bytes, then the rest; stops when
        the client has gone or the server closes."""
        server = self.server
        for i in range(min(server.drip_bytes, len(data))):
            self.wfile.write(data[i:i + 1])
            self.wfile.flush()
            if server.released.wait(server.drip_s):
                return
        self.wfile.write(data[server.drip_bytes:])

    def do_GET(self) -> None:
        query = urllib.parse.urlsplit(self.path).query
        self._answer({k: v[0] for k, v in urllib.parse.parse_qs(query).items()})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode()
        self._answer({k: v[0] for k, v in urllib.parse.parse_qs(body).items()})


def nominatim(params: dict) -> dict:
    lat, lon = float(params["lat"]), float(params["lon"])
    p = nearest(lat, lon)
    return {"place_id": 1, "licence": "Data © OpenStreetMap contributors, ODbL 1.0",
            "osm_type": "node", "osm_id": 42, "lat": str(p[0]), "lon": str(p[1]),
            "name": p[2], "display_name": f"{p[2]}, {p[3]}, {p[4]}, {p[5]}",
            "address": {"tourism": p[2], "city": p[3], "state": p[4], "country": p[5],
                        "country_code": p[6]},
            "boundingbox": [str(p[0]), str(p[0]), str(p[1]), str(p[1])]}


def photon(params: dict) -> dict:
    lat, lon = float(params["lat"]), float(params["lon"])
    p = nearest(lat, lon)
    return {"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": {"type": "Point", "coordinates": [p[1], p[0]]},
        "properties": {"osm_id": 42, "osm_type": "N", "osm_key": "tourism",
                       "osm_value": "attraction", "name": p[2], "city": p[3],
                       "state": p[4], "country": p[5], "countrycode": p[6].upper(),
                       "type": "house"}}]}


def overpass(params: dict) -> dict:
    query = params.get("data", "")
    around = query.split("(around:", 1)[1].split(")", 1)[0]
    _, lat, lon = (float(x) for x in around.split(","))
    return {"version": 0.6, "generator": "Overpass API", "elements": [
        {"type": "node", "id": 1, "lat": lat + 0.0005, "lon": lon,
         "tags": {"tourism": "museum", "name": "Museum <b>&</b> \"Art\"", "name:ja": "美術館"}},
        {"type": "way", "id": 2, "center": {"lat": lat + 0.0001, "lon": lon},
         "tags": {"amenity": "restaurant", "name": "=Ramen 一蘭"}},
        {"type": "node", "id": 3, "lat": lat + 0.002, "lon": lon,
         "tags": {"tourism": "viewpoint", "name": "View"}},
        {"type": "node", "id": 4, "lat": lat, "lon": lon, "tags": {"shop": "bakery",
                                                                   "name": "Not listed"}},
    ]}
