"""What the browser tests share: the app on a real server in a thread, and Debian's Chromium through Playwright."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"   # Debian's, installed by scripts/setup test
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


@contextlib.contextmanager
def served(app) -> Iterator[str]:
    """The app served on a free loopback port, in a thread, until the block ends: its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@contextlib.contextmanager
def chromium():
    """Debian's Chromium, launched headless through Playwright, closed when the block ends."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        found = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, timeout=30_000)
        try:
            yield found
        finally:
            found.close()


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the tests of a module (imported by each: ``from browsers import browser``)."""
    with chromium() as found:
        yield found
