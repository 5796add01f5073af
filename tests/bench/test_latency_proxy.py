"""The benchmarks' latency proxy forwards faithfully and never serialises requests (no timing is checked)."""

from __future__ import annotations

import http.client
import http.server
import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from ..support import ROOT

IN_FLIGHT = 12  # more than botocore's default pool of 10 connections


@pytest.fixture
def latency(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    import latency

    return latency


class Backend(http.server.ThreadingHTTPServer):
    """Answers each POST only once `IN_FLIGHT` of them have arrived at the same time."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.together = threading.Barrier(IN_FLIGHT, timeout=20)  # a guard against hanging, not a timing
        self.seen: list[tuple[str, str, bytes]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Backend

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.seen.append((self.path, self.headers["X-Amz-Target"], body))
        try:
            self.server.together.wait()
        except threading.BrokenBarrierError:
            self.answer(503, b'{"alone": true}')
            return
        self.answer(200, json.dumps({"path": self.path, "echo": body.decode()}).encode())

    def do_GET(self) -> None:
        """A chunked answer, as Jetty (DynamoDB Local) sends large ones."""
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for chunk in (b'{"Items": [', b'"a", "b"', b"]}"):
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        self.wfile.write(b"0\r\n\r\n")

    def answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def backend() -> Iterator[Backend]:
    server = Backend()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def post(url: str, body: bytes) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(url.removeprefix("http://"), timeout=60)
    try:
        connection.request("POST", "/path", body, {"X-Amz-Target": "DynamoDB_20120810.Scan"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_requests_on_separate_connections_reach_the_backend_together(latency: Any, backend: Backend) -> None:
    delays: list[float] = []

    async def recorded(seconds: float) -> None:
        delays.append(seconds)

    with latency.LatencyProxy(backend.url, 0.025, sleep=recorded) as proxy:
        bodies = [json.dumps({"n": n, "text": "é" * n}).encode() for n in range(IN_FLIGHT)]
        with ThreadPoolExecutor(IN_FLIGHT) as pool:
            answers = list(pool.map(lambda body: post(proxy.url, body), bodies))
    # Had the proxy held one request back until another finished, the barrier would break (503).
    assert [status for status, _ in answers] == [200] * IN_FLIGHT
    assert [json.loads(answer)["echo"].encode() for _, answer in answers] == bodies
    assert sorted(body for _, _, body in backend.seen) == sorted(bodies)
    assert {(path, target) for path, target, _ in backend.seen} == {("/path", "DynamoDB_20120810.Scan")}
    assert delays == [0.025] * IN_FLIGHT
    assert proxy.requests == IN_FLIGHT


def test_one_connection_carries_many_requests_and_chunked_answers(latency: Any, backend: Backend) -> None:
    with latency.LatencyProxy(backend.url, 0) as proxy:
        connection = http.client.HTTPConnection(proxy.url.removeprefix("http://"), timeout=60)
        for _ in range(3):
            connection.request("GET", "/")
            response = connection.getresponse()
            assert (response.status, response.read()) == (200, b'{"Items": ["a", "b"]}')
        connection.close()
        assert proxy.requests == 3


def test_a_lone_request_is_answered_by_the_backend_not_the_proxy(latency: Any, backend: Backend) -> None:
    backend.together = threading.Barrier(2, timeout=0.1)  # nobody else comes: the backend says so
    with latency.LatencyProxy(backend.url, 0) as proxy:
        assert post(proxy.url, b"{}") == (503, b'{"alone": true}')
