"""Serves apiship_cloud_functions.apiship the way functions-framework-python serves an HTTP
function (that package is on PyPI only, unreachable here): a Flask app whose catch-all routes
call the function with the Flask request and turn its return value into the response with
Flask's make_response. Served over real HTTP on 127.0.0.1 by Werkzeug."""

import sys

import flask
from werkzeug.serving import make_server

import apiship_cloud_functions

METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
app = flask.Flask("functions_framework")


def view(path):
    return apiship_cloud_functions.apiship(flask.request._get_current_object())


app.add_url_rule("/", "run", view, defaults={"path": ""}, methods=METHODS)
app.add_url_rule("/<path:path>", "run", view, methods=METHODS)

make_server("127.0.0.1", int(sys.argv[1]), app, threaded=True).serve_forever()
