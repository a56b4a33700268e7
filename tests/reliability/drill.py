"""The reliability drill's sizes: CI size, or in full.

CI runs every test here at a size that keeps the whole suite within minutes;
``LOCALIZE_RELIABILITY=full scripts/test tests/reliability`` runs the stress sizes
(more trials, more fuzz cases). Each test takes its size from :func:`scale`.
"""

from __future__ import annotations

import os

FULL = os.environ.get("LOCALIZE_RELIABILITY", "").lower() == "full"


def scale(ci: int, full: int) -> int:
    """The size of a trial: ``ci`` in the normal run, ``full`` with LOCALIZE_RELIABILITY=full."""
    return full if FULL else ci
