"""Azure Functions entry for a Python ASGI (or WSGI) app: the Python v2 programming model, the only
one Flex Consumption runs. The worker imports ``function_app.py`` and indexes the ``FunctionApp``
in it: one HTTP function "apiship" on the catch-all route ``{*path}``, every method, auth level
from APISHIP_AUTH_LEVEL (anonymous by default; "function" when access is private). host.json
beside this file sets extensions.http.routePrefix to "" so paths are not under /api, and
APISHIP_BASE_PATH strips a prefix configured anyway. The app comes from APISHIP_APP.

The request goes to the app through apiship_asgi.py, as on every other platform, rather than
``func.AsgiMiddleware``: the middleware builds ``raw_path`` from the decoded path (``%2F``
becomes ``/``), and the response converter keeps one value per header name. So the URL's path
and query pass through as sent, repeated response headers are joined with ", " and each
Set-Cookie is its own header (the worker turns them into cookies). The function is synchronous:
the worker runs it on its thread pool, and the bridge serves ASGI apps on one loop of its own.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import azure.functions as func

from apiship_asgi import Bridge, HttpRequest, HttpResponse, base_path_from_env, error_response, split_path

_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def auth_level() -> func.AuthLevel:
    level = (os.environ.get("APISHIP_AUTH_LEVEL") or "anonymous").strip().lower()
    try:
        return func.AuthLevel(level)
    except ValueError:
        raise ValueError(f"apiship: APISHIP_AUTH_LEVEL is {level!r}; expected anonymous, function or admin") from None


app = func.FunctionApp(http_auth_level=auth_level())
_bridge: Bridge | None = None


def request_from_azure(req: func.HttpRequest) -> HttpRequest:
    url = urlsplit(req.url)
    raw_path = split_path(url.path or "/", base_path_from_env())
    headers = [(name.lower(), value) for name, value in req.headers.items()]
    server = (url.hostname, url.port or (443 if url.scheme == "https" else 80)) if url.hostname else None
    return HttpRequest(req.method, raw_path, url.query, headers, req.get_body() or b"", scheme=url.scheme or "https", server=server)


def response_to_azure(response: HttpResponse) -> func.HttpResponse:
    joined: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in response.header_pairs():
        if name == "set-cookie":
            cookies.append(value)
        else:
            joined[name] = f"{joined[name]}, {value}" if name in joined else value
    result = func.HttpResponse(response.body, status_code=response.status, headers=joined)
    for cookie in cookies:
        result.headers.add_header("Set-Cookie", cookie)
    return result


@app.function_name(name="apiship")
@app.route(route="{*path}", methods=_METHODS)
def apiship(req: func.HttpRequest) -> func.HttpResponse:
    global _bridge
    if _bridge is None:
        _bridge = Bridge()
    request = request_from_azure(req)
    try:
        response = _bridge.call(request)
    except Exception as error:  # one failing request is a 500, not a crashed worker
        response = error_response(error)
    return response_to_azure(response)
