"""A full disk, injected at the OS level into the process under test, for one folder only.

``at`` says where the disk gives out, as it does on a real one:

* ``create``: a new file cannot be made there (no free block or inode for it): ENOSPC from open();
* ``write``: a new file is made, but its descriptor is pointed at ``/dev/full``, so every
  write to it fails in the kernel with ENOSPC;
* ``fsync``: writes go through but flushing a file to disk fails with ENOSPC (delayed
  allocation: the space runs out when the data is written back).

Only files made below ``folder`` after :func:`install` are touched; the rest of the
process (pytest, SQLite, logs) sees a normal disk. A process started with this
module's folder's ``diskfull/`` on ``PYTHONPATH`` and ``DISK_FULL_UNDER`` (and
``DISK_FULL_AT``) set has it installed before its first line runs.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

PLACES = ("create", "write", "fsync")
_real_open, _real_fsync = os.open, os.fsync


def _below(path: str, folder: str) -> bool:
    return os.path.abspath(path).startswith(folder + os.sep)


def _full(path: str | None = None) -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)


def install(folder: Path, at: str = "write") -> None:
    """Make the disk full below ``folder`` for this process, from now on."""
    if at not in PLACES:
        raise ValueError(f"at must be one of {PLACES}, not {at!r}")
    root = os.path.realpath(folder)

    def open_(path, flags, mode=0o777, *, dir_fd=None):
        new = flags & os.O_CREAT and flags & os.O_EXCL and dir_fd is None and _below(os.fspath(path), root)
        if new and at == "create":
            raise _full(os.fspath(path))
        fd = _real_open(path, flags, mode, dir_fd=dir_fd)
        if new and at == "write":
            full = _real_open("/dev/full", os.O_WRONLY | os.O_CLOEXEC)
            os.dup2(full, fd, inheritable=False)
            os.close(full)
        return fd

    def fsync(fd):
        if hasattr(fd, "fileno"):
            fd = fd.fileno()
        target = ""
        if stat.S_ISREG(os.fstat(fd).st_mode):
            with contextlib.suppress(OSError):
                target = os.readlink(f"/proc/self/fd/{fd}")
        if target and _below(target, root):
            raise _full()
        return _real_fsync(fd)

    os.open = open_
    if at == "fsync":
        os.fsync = fsync


def uninstall() -> None:
    """A normal disk again."""
    os.open, os.fsync = _real_open, _real_fsync


@contextlib.contextmanager
def full_disk(folder: Path, at: str = "write"):
    """The disk is full below ``folder`` inside the block."""
    install(folder, at)
    try:
        yield
    finally:
        uninstall()


def environment(folder: Path, at: str = "write") -> dict[str, str]:
    """The environment of a child process whose disk is full below ``folder`` from its start."""
    env = dict(os.environ)
    here = str(Path(__file__).resolve().parent / "diskfull")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH")) if p)
    env.update(DISK_FULL_UNDER=str(folder), DISK_FULL_AT=at)
    return env
