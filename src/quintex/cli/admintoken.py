"""The admin token: created by `quintex serve` in the data dir, read by the `quintex user` client."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from .errors import CliError

TOKEN_FILE = "admin-token"
TOKEN_ENV = "QUINTEX_ADMIN_TOKEN"


def ensure_admin_token(data_dir: Path) -> str:
    """The token in `<data_dir>/admin-token`, created (mode 0600) when missing."""
    path = data_dir / TOKEN_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        os.chmod(path, 0o600)
        return _read(path)
    token = secrets.token_urlsafe(32)
    with os.fdopen(fd, "w") as file:
        file.write(token + "\n")
    return token


def admin_token(data_dir: Path) -> str:
    """$QUINTEX_ADMIN_TOKEN if set, else the token file the server wrote in `data_dir`."""
    from_env = os.environ.get(TOKEN_ENV, "").strip()
    if from_env:
        return from_env
    path = data_dir / TOKEN_FILE
    if not path.exists():
        raise CliError(f"no admin token: {path} does not exist; pass the server's --data-dir "
                       f"or set {TOKEN_ENV}")
    return _read(path)


def _read(path: Path) -> str:
    try:
        token = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"cannot read the admin token {path}: {exc}") from None
    if not token:
        raise CliError(f"the admin token file {path} is empty; delete it and restart the server")
    return token
