"""Heroku and DigitalOcean App Platform entry for a Python ASGI app: an HTTP/1.1 server on $PORT.

Packaged as ``apiship_server.py`` beside ``apiship_asgi.py``; Procfile: ``web: python
apiship_server.py``. Standard library only (asyncio streams): keep-alive, Content-Length and
chunked request bodies, streamed responses (chunked when the app gives no length), lifespan
startup/shutdown, SIGTERM drains and exits. The app comes from APISHIP_APP (default "main:app").
A WSGI app is served through the same loop, one worker thread per request.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from typing import Any
from urllib.parse import unquote_to_bytes

from apiship_asgi import HttpRequest, base_path_from_env, call_wsgi, is_asgi, load_app, split_path

MAX_HEAD = 64 * 1024
MAX_BODY = int(os.environ.get("APISHIP_MAX_BODY", str(100 * 1024 * 1024)))
REASONS = {200: "OK", 201: "Created", 204: "No Content", 400: "Bad Request", 404: "Not Found", 413: "Payload Too Large", 500: "Internal Server Error"}


class BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


async def read_body(reader: asyncio.StreamReader, headers: list[tuple[str, str]]) -> bytes:
    values = {k: v for k, v in headers}
    if "chunked" in values.get("transfer-encoding", "").lower():
        parts: list[bytes] = []
        size_total = 0
        while True:
            line = await reader.readuntil(b"\r\n")
            size = int(line.split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while (await reader.readuntil(b"\r\n")) != b"\r\n":
                    pass
                return b"".join(parts)
            size_total += size
            if size_total > MAX_BODY:
                raise BadRequest(413, "body too large")
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
    length = values.get("content-length")
    if length is None:
        return b""
    if not length.isdigit():
        raise BadRequest(400, "bad content-length")
    if int(length) > MAX_BODY:
        raise BadRequest(413, "body too large")
    return await reader.readexactly(int(length))


class Server:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.asgi = is_asgi(app)
        self.base_path = base_path_from_env()
        self.lifespan_queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.lifespan_events: dict[str, asyncio.Event] = {}

    async def lifespan(self, phase: str) -> None:
        if not self.asgi:
            return
        event = self.lifespan_events.setdefault(phase, asyncio.Event())
        if phase == "startup":
            asyncio.get_running_loop().create_task(self._run_lifespan())
        await self.lifespan_queue.put({"type": f"lifespan.{phase}"})
        await event.wait()

    async def _run_lifespan(self) -> None:
        async def receive() -> dict[str, Any]:
            return await self.lifespan_queue.get()

        async def send(message: dict[str, Any]) -> None:
            kind = message["type"]
            if kind == "lifespan.startup.failed":
                print(f"apiship: lifespan startup failed: {message.get('message', '')}", file=sys.stderr)
                os._exit(1)
            phase = kind.split(".")[1]
            self.lifespan_events.setdefault(phase, asyncio.Event()).set()

        try:
            await self.app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, receive, send)
        except BaseException:
            pass
        for event in list(self.lifespan_events.values()) + [self.lifespan_events.setdefault("shutdown", asyncio.Event())]:
            event.set()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        sock = writer.get_extra_info("sockname")
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                except asyncio.LimitOverrunError:
                    await self.simple(writer, 431, b"request header too large")
                    return
                lines = head.decode("latin-1").split("\r\n")
                parts = lines[0].split(" ")
                if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
                    await self.simple(writer, 400, b"bad request line")
                    return
                method, target, version = parts
                headers: list[tuple[str, str]] = []
                for line in lines[1:]:
                    if not line:
                        continue
                    name, sep, value = line.partition(":")
                    if not sep:
                        await self.simple(writer, 400, b"bad header")
                        return
                    headers.append((name.strip().lower(), value.strip()))
                connection = ",".join(v for k, v in headers if k == "connection").lower()
                keep_alive = "close" not in connection if version == "HTTP/1.1" else "keep-alive" in connection
                try:
                    body = await read_body(reader, headers)
                except BadRequest as error:
                    await self.simple(writer, error.status, str(error).encode())
                    return
                raw_path, _, query = target.partition("?")
                request = HttpRequest(
                    method,
                    split_path(raw_path, self.base_path),
                    query,
                    headers,
                    body,
                    scheme=next((v for k, v in headers if k == "x-forwarded-proto"), "http").split(",")[0].strip(),
                    server=(sock[0], sock[1]) if sock else None,
                    client=(peer[0], peer[1]) if peer else None,
                )
                if not await self.respond(request, writer, keep_alive) or not keep_alive:
                    return
        finally:
            try:
                writer.close()
                await writer.wait_closed()
            except (ConnectionError, OSError):
                pass

    async def simple(self, writer: asyncio.StreamWriter, status: int, body: bytes) -> None:
        writer.write(
            f"HTTP/1.1 {status} {REASONS.get(status, 'Error')}\r\ncontent-type: text/plain\r\ncontent-length: {len(body)}\r\nconnection: close\r\n\r\n".encode("latin-1") + body
        )
        await writer.drain()

    async def respond(self, request: HttpRequest, writer: asyncio.StreamWriter, keep_alive: bool) -> bool:
        """Answers one request; False when the connection must close."""
        if not self.asgi:
            response = await asyncio.get_running_loop().run_in_executor(None, call_wsgi, self.app, request)
            await self.write_head(writer, response.status, response.headers, len(response.body), keep_alive)
            if request.method != "HEAD":
                writer.write(response.body)
            await writer.drain()
            return True
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": request.method,
            "scheme": request.scheme,
            "path": unquote_to_bytes(request.raw_path).decode("utf-8", "replace"),
            "raw_path": request.raw_path.encode("latin-1"),
            "query_string": request.query_string.encode("latin-1"),
            "root_path": "",
            "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in request.headers],
            "client": request.client,
            "server": request.server,
            "state": {},
        }
        state = {"sent_body": False, "started": False, "chunked": False, "done": False}
        finished = asyncio.Event()

        async def receive() -> dict[str, Any]:
            if not state["sent_body"]:
                state["sent_body"] = True
                return {"type": "http.request", "body": request.body, "more_body": False}
            await finished.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = [(bytes(k).lower(), bytes(v)) for k, v in message.get("headers", [])]
                status = int(message["status"])
                has_length = any(k == b"content-length" for k, _ in headers)
                no_body = status in (204, 304) or 100 <= status < 200
                state["chunked"] = not has_length and not no_body and request.method != "HEAD"
                await self.write_head(writer, status, headers, None, keep_alive, chunked=state["chunked"])
                state["started"] = True
            elif message["type"] == "http.response.body":
                data = bytes(message.get("body", b""))
                if request.method != "HEAD" and data:
                    writer.write(b"%x\r\n%s\r\n" % (len(data), data) if state["chunked"] else data)
                if not message.get("more_body", False):
                    if state["chunked"]:
                        writer.write(b"0\r\n\r\n")
                    state["done"] = True
                    finished.set()
                await writer.drain()

        try:
            await self.app(scope, receive, send)
        except Exception as error:
            print(f"apiship: the app failed: {error!r}", file=sys.stderr)
        finally:
            finished.set()
        if not state["started"]:
            await self.simple(writer, 500, b"Internal Server Error")
            return False
        if not state["done"]:
            # The app stopped mid-body: the client cannot trust this connection any more.
            await writer.drain()
            return False
        return True

    async def write_head(
        self,
        writer: asyncio.StreamWriter,
        status: int,
        headers: list[tuple[bytes, bytes]],
        length: int | None,
        keep_alive: bool,
        chunked: bool = False,
    ) -> None:
        lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}".encode("latin-1")]
        for name, value in headers:
            if name in (b"connection", b"transfer-encoding") or (length is not None and name == b"content-length"):
                continue
            lines.append(name + b": " + value)
        if length is not None and status not in (204, 304):
            lines.append(b"content-length: %d" % length)
        if chunked:
            lines.append(b"transfer-encoding: chunked")
        lines.append(b"connection: keep-alive" if keep_alive else b"connection: close")
        writer.write(b"\r\n".join(lines) + b"\r\n\r\n")


async def serve(app: Any, host: str | None, port: int) -> None:
    server = Server(app)
    await server.lifespan("startup")
    listener = await asyncio.start_server(server.handle, host, port, limit=MAX_HEAD)
    addresses = ", ".join(f"{s.getsockname()[0]}:{s.getsockname()[1]}" for s in listener.sockets)
    print(f"apiship: listening on {addresses}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with listener:
        await stop.wait()
    listener.close()
    await server.lifespan("shutdown")


def main() -> None:
    app = load_app()
    asyncio.run(serve(app, os.environ.get("HOST") or None, int(os.environ.get("PORT", "8080"))))


if __name__ == "__main__":
    main()
