"""Big buffers given back to the system when they are freed (glibc's malloc), for jobs over big catalogs.

glibc serves a request above its mmap threshold (128 KiB at first) with a mapping of its own, which
``free`` unmaps at once; but each such free raises the threshold to the size freed (up to 32 MiB), after
which requests of that size come from the heap. There a freed file's text leaves a hole that Python's
small objects, which live in arenas of their own, never fill. Reading a 26 MB catalog, then a 12 MB
template, so kept about 20 MB of holes until the process ended. Setting the threshold (``mallopt``)
turns the raising off. Elsewhere than glibc this does nothing.
"""

from __future__ import annotations

M_MMAP_THRESHOLD = -3   # glibc's malloc.h
THRESHOLD = 1 << 20     # requests of 1 MiB and more: mapped, and unmapped when freed


def give_back_big_buffers() -> bool:
    """Fix the mmap threshold for the rest of the process; whether the C library took it."""
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):   # not glibc
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return mallopt(M_MMAP_THRESHOLD, THRESHOLD) == 1
