"""A Python function returning JSON; apiship calls `handler` with a Lambda-style event."""

import json


def handler(event=None, context=None):
    event = event or {}
    path = event.get("rawPath") or event.get("path") or "/"
    if path == "/healthz":
        return _json(200, {"status": "ok"})
    params = event.get("queryStringParameters") or {}
    return _json(200, {"message": f"hello, {params.get('name', 'world')}", "path": path})


def _json(status, body):
    return {"statusCode": status, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}
