"""End to end: `quintex serve` in a subprocess, `quintex user add` against it, SIGTERM stops it cleanly."""
from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

STARTUP_TIMEOUT_S = 20.0


def quintex() -> list[str]:
    """The installed console script beside this interpreter, else the module."""
    script = Path(sys.executable).with_name("quintex")
    return [str(script)] if script.exists() else [sys.executable, "-m", "quintex.cli"]


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_ready(server: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"quintex serve exited with {process.returncode}: {process.stderr.read()}")
        try:
            with urllib.request.urlopen(server + "/api/v5/public/time", timeout=1) as response:
                if json.loads(response.read())["code"] == "0":
                    return
        except OSError:
            pass
        time.sleep(0.25)
    pytest.fail("quintex serve did not answer /api/v5/public/time in time")


def user_add(
    server: str, data_dir: Path, *extra: str, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*quintex(), "user", "add", *extra, "--server", server, "--data-dir", str(data_dir)],
        check=False, capture_output=True, text=True, timeout=30, env=env,
    )


def test_serve_add_a_user_and_stop_on_sigterm(tmp_path: Path) -> None:
    port, data_dir = unused_port(), tmp_path / "data"
    server = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k != "QUINTEX_ADMIN_TOKEN"}
    process = subprocess.Popen(
        [*quintex(), "serve", "--port", str(port), "--data-dir", str(data_dir), "--history", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        wait_until_ready(server, process)

        added = user_add(server, data_dir, "alice", "--fund", "USDT=100", "--json", env=env)
        assert added.returncode == 0, added.stderr
        credentials = json.loads(added.stdout)
        assert list(credentials) == ["uid", "apiKey", "secretKey", "passphrase"]
        assert all(isinstance(value, str) and value for value in credentials.values())
        assert stat.S_IMODE((data_dir / "admin-token").stat().st_mode) == 0o600

        refused = user_add(server, data_dir, "bob", env=env | {"QUINTEX_ADMIN_TOKEN": "wrong"})
        assert refused.returncode == 1
        assert "rejected the admin token" in refused.stderr and "Traceback" not in refused.stderr

        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=15)
        assert process.returncode == 0, err
        assert f"serving the OKX API v5 at {server}" in out
        assert "quintex user add alice" in out
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
