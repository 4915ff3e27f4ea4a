"""AWS Lambda entry for a Python ASGI (or WSGI) app, payload format 2.0 (function URLs, HTTP APIs).

Packaged as ``apiship_lambda.py`` beside ``apiship_asgi.py``; handler ``apiship_lambda.handler``.
The app comes from APISHIP_APP ("module:attr", default "main:app"). rawPath and rawQueryString
pass through as sent; the ``cookies`` array becomes one Cookie header; a base64 body is decoded;
an HTTP API stage other than $default and APISHIP_BASE_PATH are stripped from the path. The
response puts Set-Cookie values in ``cookies``, joins other repeated headers with commas and
base64-encodes a body that is not UTF-8 text.
"""

from __future__ import annotations

import base64
from typing import Any

from apiship_asgi import Bridge, HttpRequest, HttpResponse, base_path_from_env, error_response, split_path

_bridge: Bridge | None = None

_TEXT_PREFIXES = ("text/",)
_TEXT_TYPES = ("application/json", "application/xml", "application/javascript", "application/x-www-form-urlencoded")


def _is_text(content_type: str) -> bool:
    essence = content_type.split(";", 1)[0].strip().lower()
    return essence.startswith(_TEXT_PREFIXES) or essence in _TEXT_TYPES or essence.endswith(("+json", "+xml"))


def request_from_event(event: dict[str, Any]) -> HttpRequest:
    context = event.get("requestContext") or {}
    http = context.get("http") or {}
    if event.get("version") != "2.0" or "method" not in http:
        raise ValueError(f"apiship: expected a Lambda function URL event (payload format 2.0), got version {event.get('version')!r}")
    headers = [(k.lower(), str(v)) for k, v in (event.get("headers") or {}).items()]
    if event.get("cookies"):
        headers = [h for h in headers if h[0] != "cookie"] + [("cookie", "; ".join(event["cookies"]))]
    raw_path = event.get("rawPath") or "/"
    stage = context.get("stage")
    if stage and stage != "$default":
        raw_path = split_path(raw_path, "/" + stage)
    raw_path = split_path(raw_path, base_path_from_env())
    body = event.get("body") or ""
    data = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode("utf-8")
    proto = next((v for k, v in headers if k == "x-forwarded-proto"), "https")
    return HttpRequest(http["method"], raw_path, event.get("rawQueryString") or "", headers, data, scheme=proto)


def result_from_response(response: HttpResponse) -> dict[str, Any]:
    headers: dict[str, str] = {}
    cookies: list[str] = []
    content_type = ""
    for name, value in response.header_pairs():
        if name == "set-cookie":
            cookies.append(value)
            continue
        if name == "content-type":
            content_type = value
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    result: dict[str, Any] = {"statusCode": response.status, "headers": headers}
    if cookies:
        result["cookies"] = cookies
    text = None
    if response.body and _is_text(content_type):
        try:
            text = response.body.decode("utf-8")
        except UnicodeDecodeError:
            text = None
    if not response.body:
        result.update(body="", isBase64Encoded=False)
    elif text is not None:
        result.update(body=text, isBase64Encoded=False)
    else:
        result.update(body=base64.b64encode(response.body).decode("ascii"), isBase64Encoded=True)
    return result


def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    global _bridge
    if _bridge is None:
        _bridge = Bridge()
    request = request_from_event(event)
    try:
        response = _bridge.call(request)
    except Exception as error:  # one failing request is a 500, not a crashed runtime
        response = error_response(error)
    return result_from_response(response)
