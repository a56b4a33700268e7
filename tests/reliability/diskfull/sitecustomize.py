"""Loaded by Python at start when this folder is on PYTHONPATH: a full disk below $DISK_FULL_UNDER."""

import os
import sys

if os.environ.get("DISK_FULL_UNDER"):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import diskfull

    diskfull.install(os.environ["DISK_FULL_UNDER"], os.environ.get("DISK_FULL_AT", "write"))
    del sys.path[0]
