"""apiship's Python function runtime: the user's ASGI app (or WSGI app), called in process.

Shipped beside each platform's Python entry as ``apiship_asgi.py``. Standard library only.
The app is named by ``APISHIP_APP`` ("module:attribute", default "main:app"). An ASGI app
(FastAPI, Starlette, ...) is called with one HTTP scope per request; a WSGI app (Flask) through
a small WSGI call. ASGI lifespan startup runs once, before the first request, when the app
supports it. Requests run on one event loop in a background thread, so an app's startup state
(connection pools) lives on the loop that serves it, whatever thread the platform calls from.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import io
import os
import sys
import threading
from typing import Any, Callable, Iterable
from urllib.parse import unquote_to_bytes

HeaderList = list[tuple[bytes, bytes]]


class HttpRequest:
    """A request as the platform handed it, before any framework saw it."""

    def __init__(
        self,
        method: str,
        raw_path: str,
        query_string: str = "",
        headers: Iterable[tuple[str, str]] = (),
        body: bytes = b"",
        scheme: str = "https",
        server: tuple[str, int] | None = None,
        client: tuple[str, int] | None = None,
    ) -> None:
        self.method = method.upper()
        self.raw_path = raw_path or "/"
        self.query_string = query_string
        self.headers = [(k.lower(), v) for k, v in headers]
        self.body = body
        self.scheme = scheme
        self.server = server
        self.client = client


class HttpResponse:
    def __init__(self, status: int, headers: HeaderList, body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def header_pairs(self) -> list[tuple[str, str]]:
        return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in self.headers]


def load_app(spec: str | None = None) -> Any:
    """Imports the app named "module:attribute" (APISHIP_APP, default "main:app")."""
    spec = spec or os.environ.get("APISHIP_APP") or "main:app"
    module_name, _, attribute = spec.partition(":")
    attribute = attribute or "app"
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise ImportError(f"apiship: cannot import {module_name!r} (APISHIP_APP={spec!r}): {error}") from error
    target: Any = module
    for part in attribute.split("."):
        if not hasattr(target, part):
            found = ", ".join(n for n in dir(module) if not n.startswith("_")) or "nothing"
            raise AttributeError(f"apiship: {module_name!r} has no {attribute!r} (APISHIP_APP={spec!r}); it defines {found}")
        target = getattr(target, part)
    return target


def is_asgi(app: Any) -> bool:
    if inspect.iscoroutinefunction(app):
        return True
    call = getattr(app, "__call__", None)
    if call is not None and inspect.iscoroutinefunction(call):
        return True
    # Starlette-style classes expose asgi via an async __call__; WSGI apps take two arguments.
    try:
        params = [p for p in inspect.signature(app).parameters.values() if p.default is p.empty]
    except (TypeError, ValueError):
        return False
    return len(params) == 3


def split_path(raw_path: str, base_path: str = "") -> str:
    """Strips a platform prefix (APISHIP_BASE_PATH) at a segment boundary from a raw path."""
    path = raw_path if raw_path.startswith("/") else "/" + raw_path
    base = base_path.strip().rstrip("/")
    if base and not base.startswith("/"):
        base = "/" + base
    if not base:
        return path
    if path == base:
        return "/"
    if path.startswith(base + "/"):
        return path[len(base) :]
    return path


def base_path_from_env() -> str:
    return os.environ.get("APISHIP_BASE_PATH", "")


def _host(request: HttpRequest) -> tuple[str, int]:
    if request.server:
        return request.server
    for name, value in request.headers:
        if name == "host":
            host, _, port = value.partition(":")
            return host, int(port) if port.isdigit() else (443 if request.scheme == "https" else 80)
    return "localhost", 443 if request.scheme == "https" else 80


async def call_asgi(app: Any, request: HttpRequest) -> HttpResponse:
    """One ASGI HTTP cycle: the body as one message, the response gathered."""
    raw_path = request.raw_path.encode("latin-1")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": request.method,
        "scheme": request.scheme,
        "path": unquote_to_bytes(request.raw_path).decode("utf-8", "replace"),
        "raw_path": raw_path,
        "query_string": request.query_string.encode("latin-1"),
        "root_path": "",
        "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in request.headers],
        "client": request.client,
        "server": _host(request),
        "state": {},
    }
    sent_body = False
    done = asyncio.Event()
    status = 500
    headers: HeaderList = []
    chunks: list[bytes] = []
    started = False

    async def receive() -> dict[str, Any]:
        nonlocal sent_body
        if not sent_body:
            sent_body = True
            return {"type": "http.request", "body": request.body, "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, headers, started
        if message["type"] == "http.response.start":
            started = True
            status = int(message["status"])
            headers = [(bytes(k).lower(), bytes(v)) for k, v in message.get("headers", [])]
        elif message["type"] == "http.response.body":
            chunks.append(bytes(message.get("body", b"")))
            if not message.get("more_body", False):
                done.set()

    try:
        await app(scope, receive, send)
    finally:
        done.set()
    if not started:
        raise RuntimeError("apiship: the ASGI app returned without sending a response")
    return HttpResponse(status, headers, b"".join(chunks))


def call_wsgi(app: Callable[..., Iterable[bytes]], request: HttpRequest) -> HttpResponse:
    """One WSGI call (PEP 3333): enough for Flask and friends."""
    host, port = _host(request)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": request.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(request.raw_path).decode("latin-1"),
        "RAW_URI": request.raw_path + (("?" + request.query_string) if request.query_string else ""),
        "QUERY_STRING": request.query_string,
        "SERVER_NAME": host,
        "SERVER_PORT": str(port),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": request.scheme,
        "wsgi.input": io.BytesIO(request.body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "CONTENT_LENGTH": str(len(request.body)),
    }
    for name, value in request.headers:
        if name == "content-type":
            environ["CONTENT_TYPE"] = value
        elif name == "content-length":
            continue
        else:
            key = "HTTP_" + name.upper().replace("-", "_")
            environ[key] = f"{environ[key]},{value}" if key in environ else value
    state: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        state["status"] = int(status.split(" ", 1)[0])
        state["headers"] = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in response_headers]
        return lambda data: state.setdefault("written", []).append(data)

    result = app(environ, start_response)
    try:
        body = b"".join(state.get("written", [])) + b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close:
            close()
    return HttpResponse(state["status"], state["headers"], body)


class _Lifespan:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.started = asyncio.Event()
        self.error: str | None = None

    async def run(self) -> None:
        async def receive() -> dict[str, Any]:
            return await self.queue.get()

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "lifespan.startup.failed":
                self.error = message.get("message", "")
            if message["type"].startswith("lifespan.startup."):
                self.started.set()

        try:
            await self.app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, receive, send)
        except BaseException:  # an app without lifespan support raises on the scope: that is fine
            pass
        finally:
            self.started.set()

    async def startup(self) -> None:
        asyncio.get_running_loop().create_task(self.run())
        await self.queue.put({"type": "lifespan.startup"})
        await self.started.wait()
        if self.error is not None:
            raise RuntimeError(f"apiship: the app's lifespan startup failed: {self.error}")


class Bridge:
    """Calls the app from any thread; ASGI apps run on one loop in a background thread."""

    def __init__(self, app: Any | None = None) -> None:
        self.app = app if app is not None else load_app()
        self.asgi = is_asgi(self.app)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        self._started: Any = None

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(target=loop.run_forever, name="apiship-asgi", daemon=True)
                thread.start()
                self._loop = loop
                self._started = asyncio.run_coroutine_threadsafe(_Lifespan(self.app).startup(), loop)
            return self._loop

    def call(self, request: HttpRequest) -> HttpResponse:
        if not self.asgi:
            return call_wsgi(self.app, request)
        loop = self._ensure_loop()
        self._started.result()
        return asyncio.run_coroutine_threadsafe(call_asgi(self.app, request), loop).result()


def error_response(error: BaseException) -> HttpResponse:
    print(f"apiship: the app failed: {error!r}", file=sys.stderr)
    return HttpResponse(500, [(b"content-type", b"text/plain; charset=utf-8")], b"Internal Server Error")
