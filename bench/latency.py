"""An HTTP proxy that adds a fixed delay to every request, to measure as if the endpoint were far away.

Against AWS every request pays a network round trip; against a local endpoint
it pays almost nothing, and the server's own cost hides the client's choices
(how many requests are in flight, how many round trips a page costs). Put this
proxy in front of any local endpoint and each request waits `delay` seconds
before it is forwarded, as if the round trip were that long.

Each client connection gets its own task and its own connection to the
backend, so requests on different connections are delayed and forwarded side
by side: the proxy never serialises them (a client such as botocore sends one
request at a time on a connection, and as many connections as it has threads).
Requests and answers are relayed byte for byte; only framing is read
(Content-Length or chunked). It runs its own event loop in a thread:

    with LatencyProxy("http://127.0.0.1:8000", delay=0.025) as proxy:
        ...  # send requests to proxy.url

or on its own: `python bench/latency.py BACKEND_URL DELAY_MS [PORT]`.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Awaitable, Callable
from types import TracebackType
from urllib.parse import urlsplit

HEAD_END = b"\r\n\r\n"
MAX_HEAD = 64 * 1024


class LatencyProxy:
    """Forwards HTTP to `backend` (http://HOST:PORT), each request `delay` seconds late."""

    def __init__(
        self,
        backend: str,
        delay: float,
        port: int = 0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        parts = urlsplit(backend)
        if parts.scheme != "http" or not parts.hostname or not parts.port:
            raise ValueError(f"backend must be http://HOST:PORT, not {backend!r}")
        self.backend_host, self.backend_port = parts.hostname, parts.port
        self.delay = delay
        self.sleep = sleep
        self.port = port
        self.requests = 0  # forwarded so far
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LatencyProxy:
        ready = threading.Event()

        def serve() -> None:
            asyncio.set_event_loop(self._loop)
            self._server = self._loop.run_until_complete(
                asyncio.start_server(self._client, "127.0.0.1", self.port, backlog=256)
            )
            self.port = self._server.sockets[0].getsockname()[1]
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=serve, name="latency-proxy", daemon=True)
        self._thread.start()
        ready.wait()
        return self

    def stop(self) -> None:
        if self._thread is None:
            return

        async def close() -> None:
            assert self._server is not None
            self._server.close()
            others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(close(), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._thread = None
        self._loop.close()

    def __enter__(self) -> LatencyProxy:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        backend: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        try:
            while True:
                request = await read_message(reader, request=True)
                if request is None:
                    return
                await self.sleep(self.delay)
                if backend is None or backend[0].at_eof() or backend[1].is_closing():
                    if backend is not None:
                        backend[1].close()
                    backend = await asyncio.open_connection(self.backend_host, self.backend_port)
                backend[1].write(request.raw)
                await backend[1].drain()
                answer = await read_message(backend[0], request=False, method=request.method)
                if answer is None:
                    return  # the backend hung up without answering: so does the proxy
                self.requests += 1
                writer.write(answer.raw)
                await writer.drain()
                if request.closes or answer.closes:
                    return
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            return
        finally:
            writer.close()
            if backend is not None:
                backend[1].close()


class Message:
    """One HTTP request or response as raw bytes, with what framing needs."""

    def __init__(self, raw: bytes, method: str, closes: bool) -> None:
        self.raw = raw
        self.method = method
        self.closes = closes


async def read_message(reader: asyncio.StreamReader, *, request: bool, method: str = "") -> Message | None:
    """The next whole message on `reader`, or None at a clean end of stream before one starts."""
    try:
        head = await reader.readuntil(HEAD_END)
    except asyncio.IncompleteReadError as exc:
        if not exc.partial:
            return None
        raise
    if len(head) > MAX_HEAD:
        raise ConnectionError("message head too long")
    lines = head.decode("latin-1").split("\r\n")
    first = lines[0].split(" ")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name:
            headers[name.strip().lower()] = value.strip()
    version = first[0] if not request else first[-1]
    connection = headers.get("connection", "").lower()
    closes = connection == "close" or (version == "HTTP/1.0" and connection != "keep-alive")
    if request:
        method = first[0]
    status = 0 if request else int(first[1])
    body = await read_body(reader, headers, request=request, method=method, status=status)
    if body is None:  # a response delimited by the end of the connection
        body, closes = await reader.read(), True
    return Message(head + body, method, closes)


async def read_body(
    reader: asyncio.StreamReader, headers: dict[str, str], *, request: bool, method: str, status: int
) -> bytes | None:
    """The raw body as framed on the wire; None when only the end of the connection ends it."""
    if not request and (method == "HEAD" or status in (204, 304) or 100 <= status < 200):
        return b""
    if "chunked" in headers.get("transfer-encoding", "").lower():
        raw = bytearray()
        while True:
            size_line = await reader.readuntil(b"\r\n")
            raw += size_line
            size = int(size_line.split(b";")[0].strip(), 16)
            if size == 0:
                while True:  # trailers, then the empty line
                    trailer = await reader.readuntil(b"\r\n")
                    raw += trailer
                    if trailer == b"\r\n":
                        return bytes(raw)
            raw += await reader.readexactly(size + 2)
    if "content-length" in headers:
        return await reader.readexactly(int(headers["content-length"]))
    return b"" if request else None


def main(argv: list[str]) -> None:
    if len(argv) not in (2, 3):
        sys.exit(__doc__)
    proxy = LatencyProxy(argv[0], float(argv[1]) / 1000, int(argv[2]) if len(argv) == 3 else 0)
    proxy.start()
    print(proxy.url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        proxy.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
