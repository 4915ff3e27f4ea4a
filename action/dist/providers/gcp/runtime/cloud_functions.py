"""Google Cloud Functions (2nd gen) entry for a Python ASGI (or WSGI) app.

Packaged as ``apiship_cloud_functions.py`` beside ``apiship_asgi.py``, deployed with entry point
``apiship`` and the build environment GOOGLE_FUNCTION_SOURCE=apiship_cloud_functions.py (so a
user's own main.py is left alone). functions-framework calls ``apiship(request)`` with a Flask
request; the raw path (with %2F kept), the query string as sent, every header and the body bytes
go to the app, and its response comes back as a Flask Response with every header, repeated
Set-Cookie included. APISHIP_BASE_PATH strips a prefix in front of the app's paths.
"""

from __future__ import annotations

from typing import Any

from apiship_asgi import Bridge, HttpRequest, base_path_from_env, error_response, split_path

_bridge: Bridge | None = None


def _raw_path(request: Any) -> str:
    # Werkzeug keeps the path as sent in RAW_URI / REQUEST_URI; PATH_INFO is already decoded.
    environ = request.environ
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        return raw.split("?", 1)[0]
    from urllib.parse import quote

    return quote(environ.get("PATH_INFO", "/").encode("latin-1"), safe="/:@!$&'()*+,;=-._~")


def apiship(request: Any) -> Any:
    import flask

    global _bridge
    if _bridge is None:
        _bridge = Bridge()
    environ = request.environ
    headers = [(k, v) for k, v in request.headers.items()]
    body = request.get_data(cache=False, as_text=False, parse_form_data=False)
    host = environ.get("SERVER_NAME", "localhost")
    port = int(environ.get("SERVER_PORT") or 0)
    forwarded = request.headers.get("X-Forwarded-Proto")
    scheme = forwarded.split(",")[0].strip() if forwarded else environ.get("wsgi.url_scheme", "http")
    req = HttpRequest(
        request.method,
        split_path(_raw_path(request), base_path_from_env()),
        environ.get("QUERY_STRING", ""),
        headers,
        body,
        scheme=scheme,
        server=(host, port) if port else None,
    )
    try:
        response = _bridge.call(req)
    except Exception as error:
        response = error_response(error)
    out = flask.Response(response.body, status=response.status)
    out.headers.clear()
    for name, value in response.header_pairs():
        out.headers.add(name, value)
    if response.status in (204, 304) or request.method == "HEAD":
        out.automatically_set_content_length = False
    return out
