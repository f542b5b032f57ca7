"""One server per data dir: an exclusive lock on `server.lock`, which also holds the server's pid
(so `quintex snapshot` can ask a running server to snapshot)."""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

from .store import StoreError

LOCK_FILE = "server.lock"


class DataDirLock:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_FILE
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            pid = holder_pid(self.path.parent)
            raise StoreError(f"another Quintex server (pid {pid}) is using {self.path.parent}") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def holder_pid(data_dir: Path) -> int | None:
    """The pid of the server holding the data dir's lock, None when no server holds it."""
    path = data_dir / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        text = path.read_text().strip()
        return int(text) if text.isdigit() else None
    else:
        return None
    finally:
        os.close(fd)
