"""The framework ceiling for http_throughput.py: a trivial Flask endpoint under the same gunicorn settings."""

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/hello")
def hello():  # noqa: ANN201
    return jsonify(hello="world")
