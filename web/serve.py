"""``localize serve``: the review UI on one machine (gunicorn), with a worker for background jobs.

The command is found by ``localize`` through the ``localize.commands`` entry point,
so the library never imports its web face.
"""

from __future__ import annotations

import os
import sys

import click

from localize.cli import _store, _workspace
from localize.errors import WorkspaceError


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to answer on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), envvar="LOCALIZE_PORT",
              help="The port (default: LOCALIZE_PORT, else 5000).")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Web worker processes (gunicorn).")
@click.pass_context
def serve(ctx, host, port, workers):
    """Run the review UI on this machine: gunicorn, plus a worker for background jobs (drafts, publishing).

    Needs LOCALIZE_SECRET_KEY in the environment. Ctrl-C stops both.
    """
    import signal
    import subprocess

    from gunicorn.app.base import BaseApplication

    from localize import tasks

    if not os.environ.get("LOCALIZE_SECRET_KEY", "").strip():
        state = "is blank" if os.environ.get("LOCALIZE_SECRET_KEY") else "is not set"
        raise WorkspaceError(f"LOCALIZE_SECRET_KEY {state}: the UI signs sessions with it; set it with "
                             "export LOCALIZE_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')")
    ws = _workspace(ctx)
    os.environ["LOCALIZE_ROOT"] = str(ws.root)   # for the app factory, in every gunicorn worker
    from web import create_app

    create_app()  # a bad setting fails here, in one line, before anything starts

    class Server(BaseApplication):
        def load_config(self):
            bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
            settings = {"bind": bind, "workers": workers, "accesslog": "-", "proc_name": "localize-serve",
                        "control_socket_disable": True}  # one serve per workspace: no shared ~/.gunicorn socket
            for key, value in settings.items():
                if key in self.cfg.settings:
                    self.cfg.set(key, value)

        def load(self):
            return create_app()

    # The job worker is a process of its own: gunicorn forks its workers from this one,
    # and none of them may inherit (or try to stop) a child it did not start.
    owner = os.getpid()
    child = subprocess.Popen([sys.executable, "-m", "localize.cli", "--root", str(ws.root), "worker"])
    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    click.echo(f"localize: serving {ws.root} at http://{shown}:{port}/ ({workers} web workers; "
               f"background jobs: {tasks.describe(ws.root)})")
    if not _store(ws).users():
        click.echo("localize: no accounts yet: create the first with 'localize user add NAME --role admin'")
    sys.stdout.flush()
    try:
        Server().run()
    finally:
        if os.getpid() == owner:
            child.send_signal(signal.SIGTERM)   # huey: stop now; a running draft is marked interrupted
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
