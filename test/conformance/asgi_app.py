"""The conformance suite's Python app: a bare ASGI application, no framework (none is installable
here), with the same endpoints and answers as test/conformance/app.mjs."""

import hashlib
import json

DOWNLOAD = bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [i % 256 for i in range(512)])


async def read_body(receive):
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


async def respond(send, status, body=b"", headers=()):
    await send({"type": "http.response.start", "status": status, "headers": [(k.encode(), v.encode()) for k, v in headers]})
    await send({"type": "http.response.body", "body": body})


async def respond_json(send, value, status=200, headers=()):
    await respond(send, status, json.dumps(value).encode(), [("content-type", "application/json"), *headers])


def header_values(scope, name):
    return [v.decode("latin-1") for k, v in scope["headers"] if k.decode("latin-1").lower() == name]


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    method = scope["method"]
    raw_path = scope["raw_path"].decode("latin-1")
    query = scope["query_string"].decode("latin-1")
    route = f"{method} {raw_path}"
    if route == "GET /query":
        from urllib.parse import parse_qsl

        await respond_json(send, {"path": raw_path, "rawQuery": query, "pairs": [list(p) for p in parse_qsl(query, keep_blank_values=True)]})
    elif route == "POST /echo-json":
        body = json.loads(await read_body(receive))
        content_type = (header_values(scope, "content-type") or [None])[0]
        await respond_json(send, {"received": body, "contentType": content_type})
    elif route == "POST /echo-binary":
        body = await read_body(receive)
        await respond(send, 200, body, [("content-type", "application/octet-stream"), ("x-length", str(len(body)))])
    elif route == "GET /download":
        await respond(send, 200, DOWNLOAD, [("content-type", "image/png")])
    elif route == "POST /items":
        body = json.loads(await read_body(receive))
        await respond_json(send, {"id": 42, "name": body["name"]}, 201, [("location", "/items/42")])
    elif route == "DELETE /items/42":
        await respond(send, 204, b"", [("x-deleted", "42")])
    elif route == "GET /headers":
        multi = [v.strip() for v in ",".join(header_values(scope, "x-multi")).split(",") if v.strip()]
        cookies = [c.strip() for c in ";".join(header_values(scope, "cookie")).split(";") if c.strip()]
        single = (header_values(scope, "x-single") or [None])[0]
        await respond_json(
            send,
            {"multi": multi, "cookies": cookies, "single": single},
            headers=[
                ("set-cookie", "session=abc; Path=/; HttpOnly"),
                ("set-cookie", "theme=dark; Path=/; Secure; SameSite=Lax"),
                ("vary", "accept"),
                ("vary", "origin"),
            ],
        )
    elif route == "POST /large":
        body = await read_body(receive)
        await respond_json(send, {"length": len(body), "sha256": hashlib.sha256(body).hexdigest()})
    elif method == "GET" and (raw_path.startswith("/path/") or raw_path == "/whoami"):
        await respond_json(send, {"path": raw_path, "rawQuery": query})
    else:
        await respond(send, 404, b"not found", [("content-type", "text/plain")])
