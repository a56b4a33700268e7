"""The web face of localize: a Flask app over the library."""

from __future__ import annotations

import os

from flask import Flask, jsonify


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app; settings come from the environment, or ``test_config`` in tests."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(SECRET_KEY=os.environ.get("LOCALIZE_SECRET_KEY"))
    if test_config:
        app.config.update(test_config)

    @app.get("/healthz")
    def health():
        return jsonify(status="ok")

    return app
