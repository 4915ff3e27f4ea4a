"""Serves a Python HTTP function the way functions-framework-python serves it on Cloud Functions
(that package is on PyPI only, unreachable here): the module is the file GOOGLE_FUNCTION_SOURCE
names (main.py without it), the function is FUNCTION_TARGET, and a Flask app's catch-all routes
call it with the Flask request and turn its return value into the response with make_response.
Served over real HTTP on 127.0.0.1 by Werkzeug; the port is argv[1]."""

import importlib.util
import os
import sys

import flask
from werkzeug.serving import make_server

source = os.path.join(os.getcwd(), os.environ.get("GOOGLE_FUNCTION_SOURCE", "main.py"))
sys.path.insert(0, os.getcwd())
spec = importlib.util.spec_from_file_location("user_function", source)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
function = getattr(module, os.environ["FUNCTION_TARGET"])

METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
app = flask.Flask("functions_framework")


def view(path):
    return flask.make_response(function(flask.request._get_current_object()))


app.add_url_rule("/", "run", view, defaults={"path": ""}, methods=METHODS)
app.add_url_rule("/<path:path>", "run", view, methods=METHODS)

make_server("127.0.0.1", int(sys.argv[1]), app, threaded=True).serve_forever()
