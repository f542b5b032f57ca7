"""A fixed mmap threshold for glibc's allocator in the long-running server.

glibc serves a block over `M_MMAP_THRESHOLD` (128 KiB at start) with its own mmap, given back on free; but
the first time such a block is freed it raises the threshold to that block's size (up to 32 MiB), and from
then on blocks of that size come from the heap, where a free one is kept for reuse. The server's large
blocks are mostly transient: the snapshot behind every checkpoint's state hash (each 100,000 commands) and
the periodic snapshot and its encoding, a few tens of MiB with 100,000 remembered terminal orders. With the
dynamic threshold much of each peak stayed resident (`bench/bench_read_models_memory.py`: +28.5 MiB after
three state hashes and a snapshot, +17 MiB at the first periodic snapshot of a soak); with the threshold fixed
at 128 KiB, as `MALLOC_MMAP_THRESHOLD_=131072` would, +7.3 MiB and +2.4 MiB. A no-op without glibc.
"""
from __future__ import annotations

import ctypes
import ctypes.util

M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 128 * 1024


def fix_mmap_threshold() -> bool:
    """Set glibc's mmap threshold (which turns its dynamic adjustment off); False without glibc."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
