"""An ASGI application: the contract FastAPI and Starlette apps already meet.

With `function.interface: portable` apiship serves `main:app` on each platform through a
generated entry (Lambda's function URL event, Cloud Functions' Flask request, a server on $PORT
for Heroku), so the same code runs on all of them. A FastAPI app works the same way:

    from fastapi import FastAPI
    app = FastAPI()

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

This example uses only the standard library, so it runs where no dependency is installed.
"""

import json
from urllib.parse import parse_qs


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    path = scope["path"]
    if path == "/healthz":
        body = {"status": "ok"}
    else:
        name = parse_qs(scope.get("query_string", b"").decode()).get("name", ["world"])[0]
        body = {"message": f"hello, {name}", "path": path}
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": json.dumps(body).encode()})
