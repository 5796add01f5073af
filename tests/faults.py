"""A fault-injecting HTTP proxy in front of a test endpoint (moto's server, DynamoDB Local).

ddbtool talks to the proxy as to any endpoint; the proxy forwards each request
unless a rule picks it. A rule picks requests by operation (the `X-Amz-Target`
header, e.g. `BatchWriteItem`) and by count (`skip` the first matching ones, then
`every` n-th, at most `times`) or by a seeded `rate`, and gives each one a fault:

- `throttle`: answer 400 ProvisionedThroughputExceededException; nothing forwarded;
- `error500`: answer HTTP 500 InternalServerError; nothing forwarded;
- `reset`: reset the connection; nothing forwarded;
- `lost_ack`: forward the request (the endpoint applies it), then reset the
  connection instead of answering: the answer is lost;
- `partial`: for BatchWriteItem, forward the first half of each table's requests
  and answer the rest as UnprocessedItems, as DynamoDB does under load;
- `hold`: wait until `release()` (at most `HOLD_SECONDS`), then forward; `held`
  is set once a request waits.

Counted rules are deterministic whatever the thread timing; a rate draws from a
seeded random generator, so its share of faults is fixed though which request
gets one may vary. `fired` counts what each rule did, so a test can show that its
faults really happened.
"""

from __future__ import annotations

import http.client
import json
import random
import socket
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import urlsplit

Fault = Literal["throttle", "error500", "reset", "lost_ack", "partial", "hold"]
HOLD_SECONDS = 60.0  # a held request goes on after this even if the test never releases it
_JSON = "application/x-amz-json-1.0"
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length"}


@dataclass
class Rule:
    fault: Fault
    operation: str | None = None  # e.g. "PutItem"; None: every operation
    skip: int = 0  # let this many matching requests through first
    every: int = 1  # then pick every n-th matching request
    times: int | None = None  # and at most this many
    rate: float | None = None  # instead of every/times: this share, from the seeded generator
    seen: int = 0
    fired: int = 0

    def picks(self, operation: str, draw: random.Random) -> bool:
        """Whether this request gets the fault; called under the proxy's lock."""
        if self.operation is not None and operation != self.operation:
            return False
        self.seen += 1
        if self.seen <= self.skip or (self.times is not None and self.fired >= self.times):
            return False
        if self.rate is not None:
            chosen = draw.random() < self.rate
        else:
            chosen = (self.seen - self.skip - 1) % self.every == 0
        self.fired += chosen
        return chosen


@dataclass
class FaultProxy:
    upstream: str
    rules: list[Rule] = field(default_factory=list)
    seed: int = 0
    held: threading.Event = field(default_factory=threading.Event)
    _released: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    def __post_init__(self) -> None:
        self._draw = random.Random(self.seed)  # advanced only under the lock

    @property
    def url(self) -> str:
        assert self._server is not None, "the proxy is not running"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def add(self, fault: Fault, operation: str | None = None, **counts: Any) -> Rule:
        rule = Rule(fault, operation, **counts)
        with self._lock:
            self.rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()

    def release(self) -> None:
        self._released.set()

    def choose(self, operation: str) -> Fault | None:
        with self._lock:
            return next((r.fault for r in self.rules if r.picks(operation, self._draw)), None)

    @contextmanager
    def running(self) -> Iterator[FaultProxy]:
        proxy = self

        class Handler(_Handler):
            owner = proxy

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        thread = threading.Thread(target=self._server.serve_forever, name="fault-proxy", daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.release()
            self._server.shutdown()
            self._server.server_close()
            thread.join(timeout=10)


class _Handler(BaseHTTPRequestHandler):
    owner: FaultProxy
    protocol_version = "HTTP/1.1"  # keep-alive, as botocore's pool expects

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _handle(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        operation = (self.headers.get("X-Amz-Target") or "").rpartition(".")[2]
        fault = self.owner.choose(operation)
        if fault == "throttle":
            self._answer(400, "ProvisionedThroughputExceededException")
        elif fault == "error500":
            self._answer(500, "InternalServerError")
        elif fault == "reset":
            self._reset()
        elif fault == "lost_ack":
            self._forward(body)
            self._reset()
        elif fault == "partial" and operation == "BatchWriteItem":
            self._partial(body)
        else:
            if fault == "hold":
                self.owner.held.set()
                self.owner._released.wait(HOLD_SECONDS)
            self._reply(*self._forward(body))

    def _forward(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        target = urlsplit(self.owner.upstream)
        connection = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=60)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
            connection.request(self.command, self.path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()

    def _partial(self, body: bytes) -> None:
        request = json.loads(body)
        held_back: dict[str, list[Any]] = {}
        for table, writes in request["RequestItems"].items():
            keep = max(1, len(writes) // 2)
            request["RequestItems"][table], held_back[table] = writes[:keep], writes[keep:]
        status, headers, answer = self._forward(json.dumps(request).encode())
        if status != 200:
            self._reply(status, headers, answer)
            return
        parsed = json.loads(answer)
        for table, writes in held_back.items():
            if writes:
                parsed.setdefault("UnprocessedItems", {}).setdefault(table, []).extend(writes)
        # The body changed, so its checksum header no longer applies.
        kept = [(k, v) for k, v in headers if k.lower() != "x-amz-crc32"]
        self._reply(status, kept, json.dumps(parsed).encode())

    def _answer(self, status: int, code: str) -> None:
        body = json.dumps({"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": "injected"})
        self._reply(status, [("Content-Type", _JSON)], body.encode())

    def _reply(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers:
            if name.lower() not in _HOP_BY_HOP | {"server", "date"}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _reset(self) -> None:
        """Close with a TCP reset (SO_LINGER 0): the client sees the connection drop, no answer."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True
