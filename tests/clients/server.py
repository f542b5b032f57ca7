"""A real Quintex server in a subprocess on a free loopback port, and users made through the CLI."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Credentials:
    uid: str
    api_key: str
    secret_key: str
    passphrase: str


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, data_dir: Path, *extra: str, ready_timeout: float = 20) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        self.log = open(data_dir.parent / f"server-{self.port}.log", "wb")  # noqa: SIM115 - open while it runs
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "quintex.cli", "serve", "--port", str(self.port), "--data-dir", str(data_dir),
             "--market", "off", "--history", "0", *extra],
            stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self._wait_ready(ready_timeout)

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/v5/public/time", timeout=1) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not become ready")

    def cli(self, *args: str) -> str:
        out = subprocess.run([sys.executable, "-m", "quintex.cli", *args, "--server", self.url,
                              "--data-dir", str(self.data_dir)], capture_output=True, text=True, check=True)
        return out.stdout

    def user(self, name: str, **funds: str) -> Credentials:
        fund_args = [a for ccy, amt in funds.items() for a in ("--fund", f"{ccy}={amt}")]
        made = json.loads(self.cli("user", "add", name, *fund_args, "--json"))
        return Credentials(made["uid"], made["apiKey"], made["secretKey"], made["passphrase"])

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=15)
        self.log.close()
        return code
