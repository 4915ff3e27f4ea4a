"""Runs function_app.py as the Azure Functions Python worker does, through the azure-functions
library's own API: the module is imported, its one FunctionApp indexed (get_functions), each
request decoded by the library's HttpRequestConverter from the RPC shape the host sends, the
function called with its trigger argument, and the result encoded by HttpResponseConverter, whose
Set-Cookie values become cookies as the worker sends them to the host.

First stdout line: the indexed functions' metadata. Then one request per stdin line
({"method", "url", "headers", "query", "params", "body", "bodyType"}, body in base64), one
{"status", "headers", "body"} or {"error"} per stdout line."""

import base64
import importlib
import inspect
import json
import sys
import traceback

import azure.functions as func
from azure.functions import meta
from azure.functions.http import HttpRequestConverter, HttpResponseConverter

module = importlib.import_module("function_app")
apps = [v for v in vars(module).values() if isinstance(v, func.FunctionRegister)]
if len(apps) != 1:
    raise SystemExit(f"expected one FunctionApp in function_app.py, found {len(apps)}")
functions = apps[0].get_functions()
sys.stdout.write(json.dumps([{"name": f.get_function_name(), **json.loads(f.get_function_json())} for f in functions]) + "\n")
sys.stdout.flush()
function = functions[0]
trigger = next(b for b in json.loads(function.get_function_json())["bindings"] if b["type"] == "httpTrigger")


def rpc_cookie(name, morsel):
    """A cookie as the worker sends it (RpcHttpCookie) and the host then writes it."""
    parts = [f"{name}={morsel.value}"]
    if morsel["domain"]:
        parts.append(f"domain={morsel['domain']}")
    if morsel["path"]:
        parts.append(f"path={morsel['path']}")
    if morsel["max-age"]:
        parts.append(f"max-age={morsel['max-age']}")
    if morsel["secure"]:
        parts.append("secure")
    if str(morsel["samesite"]).lower() in ("lax", "strict", "none"):
        parts.append(f"samesite={str(morsel['samesite']).lower()}")
    if morsel["httponly"]:
        parts.append("httponly")
    return "; ".join(parts)


def invoke(line):
    r = json.loads(line)
    body = base64.b64decode(r["body"])
    strings = lambda m: {k: meta.Datum(v, "string") for k, v in m.items()}  # noqa: E731
    datum = meta.Datum(
        type="http",
        value={
            "method": meta.Datum(r["method"], "string"),
            "url": meta.Datum(r["url"], "string"),
            "headers": strings(r["headers"]),
            "query": strings(r["query"]),
            "params": strings(r["params"]),
            "body": meta.Datum(body.decode("utf-8"), "string") if r["bodyType"] == "string" else meta.Datum(body, "bytes"),
        },
    )
    request = HttpRequestConverter.decode(datum, trigger_metadata=None)
    result = function.get_user_function()(**{trigger["name"]: request})
    if inspect.isawaitable(result):
        import asyncio

        result = asyncio.run(result)
    out = HttpResponseConverter.encode(result, expected_type=None).value
    headers = [[k.lower(), v.value] for k, v in out["headers"].items()]
    for cookie in out.get("cookies") or []:
        headers += [["set-cookie", rpc_cookie(name, morsel)] for name, morsel in cookie.items()]
    return {
        "status": int(out["status_code"].value),
        "headers": headers,
        "body": base64.b64encode(out["body"].value or b"").decode("ascii"),
    }


for line in sys.stdin:
    try:
        reply = invoke(line)
    except Exception:
        reply = {"error": traceback.format_exc()}
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()
