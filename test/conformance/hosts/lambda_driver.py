"""Calls apiship_lambda.handler as AWS Lambda's Python runtime does: the handler is imported by
name ("apiship_lambda.handler"), each event is a JSON document, the result is JSON-serialized.
One event per stdin line, one {"result": ...} or {"error": ...} per stdout line."""

import importlib
import json
import sys
import traceback

handler = getattr(importlib.import_module("apiship_lambda"), "handler")


class Context:
    aws_request_id = "conformance"
    function_name = "apiship-conformance"


for line in sys.stdin:
    try:
        result = handler(json.loads(line), Context())
        out = {"result": json.loads(json.dumps(result))}
    except Exception:
        out = {"error": traceback.format_exc()}
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
