"""``/healthz``: whether this web worker can do its work, for a load balancer or a monitor; no login.

Each part is tried, quickly, on every call: the database (accounts, history,
jobs: read once), the job queue (SQLite in ``instance/``, or the Redis
``LOCALIZE_QUEUE`` names: its length asked) and the workspace (its sources
readable, its catalogs' folder writable, as on a shared volume that went
away or read-only). 200 ``{"status": "ok", "checks": {...}}`` when all
answer, else 503 naming each part that did not. What it says names no path,
host or password: the endpoint is public.
"""

from __future__ import annotations

import os

from flask import Flask, current_app, jsonify
from sqlalchemy.exc import SQLAlchemyError

from localize import tasks
from localize.errors import LocalizeError

OK = "ok"


def init_app(app: Flask) -> None:
    @app.get("/healthz")
    def health():
        found = checks(app)
        healthy = all(value == OK for value in found.values())
        return jsonify(status=OK if healthy else "failing", checks=found), 200 if healthy else 503


def checks(app: Flask) -> dict[str, str]:
    ctx = app.extensions["localize"]
    return {"database": _database(ctx.store), "queue": _queue(ctx.workspace.root),
            "workspace": _workspace(ctx.workspace)}


def _database(store) -> str:
    try:
        store.ping()
    except (LocalizeError, SQLAlchemyError, OSError) as exc:
        current_app.logger.warning("healthz: database: %s", exc)
        return "unreadable"
    return OK


def _queue(root) -> str:
    try:
        tasks.queue(root).pending_count()
    except LocalizeError as exc:
        current_app.logger.warning("healthz: queue: %s", exc)
        return "not set up"
    except Exception as exc:   # the client's own errors (redis.ConnectionError, sqlite3.Error, timeouts)
        current_app.logger.warning("healthz: queue: %s: %s", type(exc).__name__, exc)
        return "unreachable"
    return OK


def _workspace(ws) -> str:
    if not os.access(ws.source_dir, os.R_OK | os.X_OK):
        return "sources unreadable"
    if not os.access(ws.locales_dir, os.W_OK | os.X_OK):
        return "catalogs not writable"
    return OK
