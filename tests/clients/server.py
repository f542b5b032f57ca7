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


def free_ports(count: int) -> list[int]:
    """`count` distinct loopback ports that were free a moment ago (held together, so never the same one twice)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


class PortTaken(RuntimeError):
    """Another process bound a port between `free_ports` and the server's own bind: start again on others."""


class Server:
    """`quintex serve` on free ports; with `tls=True` also on a TLS port (`tls_port`, `wss`) of the data dir's CA.

    A port picked free can be taken by someone else before the server binds it; the server then exits saying
    "cannot listen", and Server starts it again on other ports (the data dir is reused, as a restart would).
    """

    def __init__(self, data_dir: Path, *extra: str, tls: bool = False, ready_timeout: float = 20,
                 attempts: int = 3) -> None:
        self.data_dir = data_dir
        for attempt in range(1, attempts + 1):
            try:
                self._start(extra, tls, ready_timeout)
                return
            except PortTaken:
                if attempt == attempts:
                    raise

    def _start(self, extra: tuple[str, ...], tls: bool, ready_timeout: float) -> None:
        self.port, tls_port = free_ports(2)
        self.url = f"http://127.0.0.1:{self.port}"
        self.tls_port = tls_port if tls else None
        self.wss = f"wss://127.0.0.1:{tls_port}/ws/v5" if tls else None
        tls_args = ("--tls", "--tls-port", str(tls_port)) if tls else ()
        self.log_path = self.data_dir.parent / f"server-{self.port}.log"
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - open while it runs
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "quintex.cli", "serve", "--port", str(self.port), "--data-dir", str(self.data_dir),
             "--market", "off", "--history", "0", *tls_args, *extra],
            stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        try:
            self._wait_ready(ready_timeout)
        except RuntimeError:
            self.log.close()
            raise

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                said = self.log_path.read_text(errors="replace")
                error = PortTaken if "cannot listen on" in said else RuntimeError
                raise error(f"server exited with {self.proc.returncode}: {said[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/v5/public/time", timeout=1) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        self.proc.kill()
        self.proc.wait()
        raise RuntimeError(f"server did not become ready: {self.log_path.read_text(errors='replace')[-2000:]}")

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
