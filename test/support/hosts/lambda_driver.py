"""Calls a Lambda handler as AWS Lambda's Python runtime does: the handler is imported by the name
the function was told (_HANDLER, "module.function"), with the package folder on sys.path; each
event is a JSON document and the result is JSON-serialized. One event per stdin line, one
{"result": ...} or {"error": ...} per stdout line."""

import importlib
import json
import os
import sys
import traceback

sys.path.insert(0, os.getcwd())
module, _, name = os.environ["_HANDLER"].rpartition(".")
handler = getattr(importlib.import_module(module), name)


class Context:
    aws_request_id = "e2e"
    function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "apiship-e2e")


for line in sys.stdin:
    try:
        out = {"result": json.loads(json.dumps(handler(json.loads(line), Context())))}
    except Exception:
        out = {"error": traceback.format_exc()}
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
